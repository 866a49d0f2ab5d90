"""Saved conversations: each user's own list, the stored turns as the history of a follow-up, and
every answer kept with its citations so that it can be voted on and reported.

A conversation of another user is treated as absent (``ConversationNotFound``), so an id says
nothing about whether it exists. Old data is purged after the retention period; a user can delete
all of theirs at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update

from assistant.components.database import Database
from assistant.components.db_tables import answers, audit, conversations, feedback
from assistant.models import Answer, Citation, Turn

TITLE_CHARS = 80


class ConversationNotFound(LookupError):
    pass


@dataclass(frozen=True)
class AnsweredQuestion:
    answer: Answer
    answer_id: str
    conversation_id: str | None


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_id() -> str:
    return str(uuid.uuid4())


class ConversationService:
    def __init__(
        self,
        db: Database,
        ask: Callable[..., Answer],
        versions: Callable[[Sequence[str]], Mapping[str, str]],
        retention_days: int = 90,
    ) -> None:
        """``ask`` answers (ChatService.ask); ``versions`` gives the current content hash of documents."""
        self.db = db
        self._ask = ask
        self._versions = versions
        self.retention_days = retention_days

    # conversations
    def list(self, user: str) -> list[dict[str, Any]]:
        query = (
            select(conversations, func.count(answers.c.id).label("turns"))
            .outerjoin(answers, answers.c.conversation_id == conversations.c.id)
            .where(conversations.c.user_id == user)
            .group_by(*conversations.c)
            .order_by(conversations.c.updated_at.desc())
        )
        with self.db.begin() as connection:
            return [_conversation(row) for row in connection.execute(query).mappings()]

    def create(self, user: str, title: str | None = None) -> dict[str, Any]:
        now = utcnow()
        row = {"id": new_id(), "user_id": user, "title": _title(title), "created_at": now, "updated_at": now}
        with self.db.begin() as connection:
            connection.execute(insert(conversations).values(row))
        return _conversation({**row, "turns": 0})

    def get(self, user: str, conversation_id: str) -> dict[str, Any]:
        with self.db.begin() as connection:
            row = self._owned(connection, user, conversation_id)
            turns = connection.execute(
                select(answers).where(answers.c.conversation_id == conversation_id).order_by(answers.c.created_at)
            ).mappings()
            stored = [_turn(t) for t in turns]
        return {**_conversation({**row, "turns": len(stored)}), "messages": stored}

    def rename(self, user: str, conversation_id: str, title: str) -> dict[str, Any]:
        with self.db.begin() as connection:
            self._owned(connection, user, conversation_id)
            connection.execute(
                update(conversations).where(conversations.c.id == conversation_id).values(title=_title(title))
            )
        return {k: v for k, v in self.get(user, conversation_id).items() if k != "messages"}

    def delete(self, user: str, conversation_id: str) -> None:
        with self.db.begin() as connection:
            self._owned(connection, user, conversation_id)
            connection.execute(delete(answers).where(answers.c.conversation_id == conversation_id))
            connection.execute(delete(conversations).where(conversations.c.id == conversation_id))

    def history(self, user: str, conversation_id: str) -> list[Turn]:
        """The stored turns, oldest first, as the chat history of the next question."""
        turns: list[Turn] = []
        for message in self.get(user, conversation_id)["messages"]:
            turns += [Turn(role="user", content=message["question"]), Turn(role="assistant", content=message["answer"])]
        return turns

    # answers
    def ask(
        self,
        user: str,
        question: str,
        conversation_id: str | None = None,
        history: Sequence[Turn] | None = None,
        filters: Any = None,
        top_k: int | None = None,
    ) -> AnsweredQuestion:
        """Answers; within a conversation its stored turns are the history (not the client's)."""
        if conversation_id is not None:
            history = self.history(user, conversation_id)
        answer = self._ask(question, history, filters, top_k)
        return AnsweredQuestion(answer, self.record(user, question, answer, conversation_id), conversation_id)

    def record(self, user: str, question: str, answer: Answer, conversation_id: str | None = None) -> str:
        """Stores an answer (and, in a conversation, the turn); returns its id."""
        cited = answer.citations or answer.related  # for a declined answer: what came closest
        document_ids = list(dict.fromkeys(c.document_id for c in cited))
        now = utcnow()
        row = {
            "id": new_id(),
            "conversation_id": conversation_id,
            "user_id": user,
            "question": question.strip(),
            "answer": answer.answer,
            "answered": answer.answered,
            "citations": [c.model_dump() for c in cited],
            "documents": dict(self._versions(document_ids)),
            "created_at": now,
        }
        with self.db.begin() as connection:
            if conversation_id is not None:
                current = self._owned(connection, user, conversation_id)
                values: dict[str, Any] = {"updated_at": now}
                if not current["title"]:  # an unnamed conversation is named after its first question
                    values["title"] = _title(question)
                connection.execute(update(conversations).where(conversations.c.id == conversation_id).values(**values))
            connection.execute(insert(answers).values(row))
        return row["id"]

    def stored_answer(self, answer_id: str) -> dict[str, Any] | None:
        with self.db.begin() as connection:
            row = connection.execute(select(answers).where(answers.c.id == answer_id)).mappings().first()
        return dict(row) if row else None

    # data protection
    def purge(self, now: datetime | None = None) -> int:
        """Deletes conversations, answers and feedback older than the retention period; returns how many rows."""
        cutoff = (now or utcnow()) - timedelta(days=self.retention_days)
        with self.db.begin() as connection:
            old = select(conversations.c.id).where(conversations.c.updated_at < cutoff)
            count = connection.execute(delete(answers).where(answers.c.conversation_id.in_(old))).rowcount
            count += connection.execute(delete(conversations).where(conversations.c.updated_at < cutoff)).rowcount
            count += connection.execute(
                delete(answers).where(and_(answers.c.conversation_id.is_(None), answers.c.created_at < cutoff))
            ).rowcount
            count += connection.execute(delete(feedback).where(feedback.c.created_at < cutoff)).rowcount
        return count

    def delete_user_data(self, user: str) -> dict[str, int]:
        """Everything stored under ``user``: conversations, answers, feedback; their name in the
        audit trail is replaced by a neutral one, so the record of document changes stays whole."""
        with self.db.begin() as connection:
            counts = {
                "feedback": connection.execute(delete(feedback).where(feedback.c.user_id == user)).rowcount,
                "answers": connection.execute(delete(answers).where(answers.c.user_id == user)).rowcount,
                "conversations": connection.execute(
                    delete(conversations).where(conversations.c.user_id == user)
                ).rowcount,
                "audit_entries_anonymized": connection.execute(
                    update(audit).where(audit.c.actor == user).values(actor="(gelöscht / deleted)")
                ).rowcount,
            }
        return counts

    def _owned(self, connection, user: str, conversation_id: str) -> dict[str, Any]:
        row = (
            connection.execute(
                select(conversations).where(
                    and_(conversations.c.id == conversation_id, conversations.c.user_id == user)
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise ConversationNotFound(conversation_id)
        return dict(row)


def _title(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


def _iso(value: datetime) -> str:
    return value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _conversation(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "created_at": _iso(row["created_at"]),
        "updated_at": _iso(row["updated_at"]),
        "turns": int(row.get("turns") or 0),
    }


def _turn(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "answer_id": row["id"],
        "question": row["question"],
        "answer": row["answer"],
        "answered": row["answered"],
        "citations": [Citation(**c) for c in row["citations"]],
        "asked_at": _iso(row["created_at"]),
    }
