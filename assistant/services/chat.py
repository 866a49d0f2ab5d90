"""Answers questions: follow-up handling, retrieval, then the configured answerer."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.filters import Filters, normalize_filters
from assistant.language import Language, detect_language
from assistant.models import Answer, Turn
from assistant.services.retrieval import RetrievalService
from assistant.settings import Settings

# Words that point back into the conversation ("dort", "they"): the question alone is not enough.
_ANAPHORA = re.compile(
    r"\b(dort|da|dabei|dafür|davon|dazu|darin|daran|diese[rsmn]?|dieses|jene[rsmn]?|deren|dessen|"
    r"ihr|ihre[rnms]?|sein|seine[rnms]?|es|sie|er|denen|there|they|them|their|it|its|this|that|these|those)\b",
    re.IGNORECASE,
)
_FOLLOW_UP_START = re.compile(r"^\s*(und|aber|auch|also|and|what about|how about|und was|was ist mit)\b", re.I)


class QuestionError(ValueError):
    """The question itself is unusable (empty, too long)."""


class ChatService:
    def __init__(self, settings: Settings, retrieval: RetrievalService, answerer) -> None:
        self.settings = settings
        self.retrieval = retrieval
        self.answerer = answerer

    def ask(
        self,
        question: str,
        history: Sequence[Turn] | None = None,
        filters: Filters | dict | None = None,
        top_k: int | None = None,
    ) -> Answer:
        question = self.validate(question)
        language = self.language_of(question)
        query = standalone_query(question, history or [])
        retrieval = self.retrieval.retrieve(query, top_k or self.settings.top_k, normalize_filters(filters))
        return self.answerer.answer(question, language, retrieval)

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

    def language_of(self, question: str) -> Language:
        if self.settings.answer_language != "auto":
            return self.settings.answer_language
        return detect_language(question)


def standalone_query(question: str, history: Sequence[Turn]) -> str:
    """Without a language model, a follow-up borrows the previous question's words for retrieval.

    "Und wie viele Kliniken sind dort beteiligt?" alone matches any hospital network; with the
    previous question ("Was ist der Kompetenzverbund in Baden-Württemberg?") it finds the right one.
    """
    previous = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not previous or not is_follow_up(question):
        return question
    return f"{previous[-1]} {question}"


def is_follow_up(question: str) -> bool:
    words = question.split()
    return bool(_ANAPHORA.search(question) or _FOLLOW_UP_START.match(question)) or len(words) <= 3
