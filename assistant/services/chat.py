"""Answers questions: follow-up handling, retrieval, then the configured answerer."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from assistant.components.answerer.llm import AnswerEvent, stream_answer
from assistant.filters import Filters, normalize_filters
from assistant.language import Language, detect_language
from assistant.models import Answer, Turn
from assistant.services.followup import Rewrite, is_follow_up, standalone_query
from assistant.services.retrieval import Retrieval, RetrievalService
from assistant.settings import Settings

__all__ = ["ChatService", "QuestionError", "is_follow_up", "standalone_query"]


class QuestionError(ValueError):
    """The question itself is unusable (empty, too long)."""


class ChatService:
    def __init__(
        self, settings: Settings, retrieval: RetrievalService, answerer, rewrite: Rewrite | None = None
    ) -> None:
        self.settings = settings
        self.retrieval = retrieval
        self.answerer = answerer
        # Without a language model, follow-ups borrow the previous question's words for retrieval.
        self.rewrite = rewrite or standalone_query

    def ask(
        self,
        question: str,
        history: Sequence[Turn] | None = None,
        filters: Filters | dict | None = None,
        top_k: int | None = None,
    ) -> Answer:
        question, language, retrieval = self.prepare(question, history, filters, top_k)
        return self.answerer.answer(question, language, retrieval)

    def stream(
        self,
        question: str,
        history: Sequence[Turn] | None = None,
        filters: Filters | dict | None = None,
        top_k: int | None = None,
    ) -> Iterator[AnswerEvent]:
        question, language, retrieval = self.prepare(question, history, filters, top_k)
        yield from stream_answer(self.answerer, question, language, retrieval)

    def prepare(
        self,
        question: str,
        history: Sequence[Turn] | None,
        filters: Filters | dict | None,
        top_k: int | None,
    ) -> tuple[str, Language, Retrieval]:
        question = self.validate(question)
        language = self.language_of(question)
        query = self.rewrite(question, self.recent_turns(history))
        retrieval = self.retrieval.retrieve(query, top_k or self.settings.top_k, normalize_filters(filters))
        return question, language, retrieval

    def validate(self, question: str) -> str:
        question = (question or "").strip()
        if not question:
            raise QuestionError("Die Frage ist leer (empty question).")
        if len(question) > self.settings.max_question_chars:
            raise QuestionError(
                f"Die Frage ist zu lang: höchstens {self.settings.max_question_chars} Zeichen "
                f"(question too long)."
            )
        return question

    def recent_turns(self, history: Sequence[Turn] | None) -> list[Turn]:
        """The last ``history_turns`` turns. Clients resend the whole conversation with every
        question, so a long chat must keep working: older turns are ignored, not refused. A user turn
        is clipped to the question limit because a follow-up borrows its words as a search query."""
        limit = self.settings.history_turns
        recent = list(history or [])[-limit:] if limit else []
        clip = self.settings.max_question_chars
        return [Turn(role=t.role, content=t.content[:clip]) if t.role == "user" else t for t in recent]

    def language_of(self, question: str) -> Language:
        if self.settings.answer_language != "auto":
            return self.settings.answer_language
        return detect_language(question)
