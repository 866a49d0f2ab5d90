"""👍 / 👎 on an answer, kept with a copy of the question, the answer, the cited passages and the
versions (content hashes) of the documents as they were when the answer was given."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import and_, delete, insert, select

from assistant.components.database import Database
from assistant.components.db_tables import answers, feedback
from assistant.services.conversations import utcnow

Vote = Literal["up", "down"]
MAX_COMMENT = 2000


class AnswerNotFound(LookupError):
    """No answer with this id, or one of another user (the two are not told apart)."""


class FeedbackService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def give(self, user: str, answer_id: str, vote: Vote, comment: str | None = None) -> dict[str, Any]:
        """Stores the user's vote on their own answer; a second vote on it replaces the first."""
        comment = (comment or "").strip()[:MAX_COMMENT] or None
        with self.db.begin() as connection:
            answer = connection.execute(
                select(answers).where(and_(answers.c.id == answer_id, answers.c.user_id == user))
            ).mappings().first()
            if answer is None:
                raise AnswerNotFound(answer_id)
            connection.execute(delete(feedback).where(and_(feedback.c.answer_id == answer_id, feedback.c.user_id == user)))
            row = {
                "answer_id": answer_id,
                "user_id": user,
                "vote": vote,
                "comment": comment,
                "question": answer["question"],
                "answer": answer["answer"],
                "answered": answer["answered"],
                "citations": answer["citations"],
                "documents": answer["documents"],
                "created_at": utcnow(),
            }
            connection.execute(insert(feedback).values(row))
        return {"answer_id": answer_id, "vote": vote, "comment": comment, "documents": row["documents"]}
