"""Answers questions: follow-up handling, retrieval, then the configured answerer.

A question in several parts ("Wie unterscheiden sich … von NRW und BW?", "Wann …, und wie
viele …?") is answered as a whole first. Each part then gets its own retrieval and answer; the
answer in parts replaces the whole one when it adds something: evidence from another document,
or a part that the documents do not cover (which the reader must be told).

A question that asks for a summary of one named document ("Worum geht es in der Strategie Medizin in
NRW?") or a comparison of named documents is answered by that service (``intents.py`` decides). A
question that names documents ("laut der KHSFV", "in NRW") is answered from those alone, and the
answer says so ("Gesucht in: …"; ``scope.py`` decides which).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from assistant.components.answerer.compose import citation, merge_parts
from assistant.components.answerer.llm import AnswerEvent, events_from_answer, stream_answer
from assistant.components.answerer.question import Parts, split_parts
from assistant.filters import Filters, normalize_filters
from assistant.i18n import quoted
from assistant.i18n import text as phrase
from assistant.language import Language, detect_language
from assistant.models import Answer, Citation, Turn
from assistant.services.followup import Rewrite, is_follow_up, standalone_query
from assistant.services.intents import IntentRouter
from assistant.services.retrieval import Retrieval, RetrievalService
from assistant.services.scope import Scope, ScopeService
from assistant.services.summaries import SummaryService
from assistant.settings import Settings
from ingest.normalize import without_invisible

__all__ = ["ChatService", "QuestionError", "is_follow_up", "searched_in", "standalone_query"]


class QuestionError(ValueError):
    """The question itself is unusable (empty, too long)."""


class ChatService:
    def __init__(
        self,
        settings: Settings,
        retrieval: RetrievalService,
        answerer,
        rewrite: Rewrite | None = None,
        summaries: SummaryService | None = None,
        intents: IntentRouter | None = None,
        scopes: ScopeService | None = None,
    ) -> None:
        self.settings = settings
        self.retrieval = retrieval
        self.answerer = answerer
        # Asked for a summary of a named document, the summary service answers (it decides when).
        self.summaries = summaries
        self.intents = intents or IntentRouter(summaries, None, lambda: None)
        self.scopes = scopes  # which documents a question names
        # Without a language model, follow-ups borrow the previous question's words for retrieval.
        self.rewrite = rewrite or standalone_query

    def ask(
        self,
        question: str,
        history: Sequence[Turn] | None = None,
        filters: Filters | dict | None = None,
        top_k: int | None = None,
    ) -> Answer:
        question = self.validate(question)
        summary = self.summary_for(question)
        if summary is not None:
            return summary
        scope, scoped = self.scoped(question, filters)
        question, language, retrieval = self.prepare(question, history, scoped, top_k)
        whole = self.answerer.answer(question, language, retrieval)
        # A question in parts searches each part where that part points (``part_filters``).
        return self.in_parts(question, language, whole, filters, top_k) or searched_in(whole, scope, language)

    def search(
        self, query: str, filters: Filters | dict | None = None, top_k: int | None = None
    ) -> list[Citation]:
        """The passages retrieval finds for ``query``, best first, as citations; no answer is composed.
        The same checks as a question (not empty, not too long; known filter keys)."""
        query = self.validate(query)
        retrieval = self.retrieval.retrieve(query, top_k or self.settings.top_k, normalize_filters(filters))
        return [citation(n, passage, ()) for n, passage in enumerate(retrieval.passages, start=1)]

    def stream(
        self,
        question: str,
        history: Sequence[Turn] | None = None,
        filters: Filters | dict | None = None,
        top_k: int | None = None,
    ) -> Iterator[AnswerEvent]:
        question = self.validate(question)
        summary = self.summary_for(question)
        if summary is not None:
            yield from events_from_answer(summary)
            return
        scope, scoped = self.scoped(question, filters)
        question, language, retrieval = self.prepare(question, history, scoped, top_k)
        if split_parts(question) is None:
            events = stream_answer(self.answerer, question, language, retrieval)
        else:
            whole = self.answerer.answer(question, language, retrieval)
            parted = self.in_parts(question, language, whole, filters, top_k)
            if parted is not None:
                yield from events_from_answer(parted)
                return
            events = events_from_answer(whole)
        if scope is None:
            yield from events
            return
        # The reader learns first where was searched and, after a decline, that nothing else was.
        yield AnswerEvent("token", text=phrase("searched_in", language, names=quoted(scope.titles, language)) + "\n\n")
        held: AnswerEvent | None = None
        for event in events:
            if event.kind == "citations":
                held = event  # after the last token
            elif event.kind == "done" and event.answer is not None:
                if not event.answer.answered:
                    yield AnswerEvent("token", text="\n\n" + _nothing_else(scope, language))
                yield from [held] if held else []
                yield AnswerEvent("done", answer=searched_in(event.answer, scope, language))
            else:
                yield event

    def summary_for(self, question: str) -> Answer | None:
        """The answer of another service when the question is its kind (a summary, a comparison)."""
        question = self.validate(question)
        return self.intents.route(question, self.language_of(question))

    def scoped(self, question: str, filters: Filters | dict | None) -> tuple[Scope | None, Filters | dict | None]:
        """The documents the question names, as a document filter; filters chosen by hand win."""
        if self.scopes is None or normalize_filters(filters):
            return None, filters
        scope = self.scopes.scope_of(self.validate(question))
        if scope is None:
            return None, filters
        return scope, {**normalize_filters(filters), "document_id": scope.document_ids}

    def in_parts(
        self,
        question: str,
        language: Language,
        whole: Answer,
        filters: Filters | dict | None,
        top_k: int | None,
    ) -> Answer | None:
        """The answer part by part, when the question has parts and that adds to ``whole``. A part
        that names documents is searched in those, the others everywhere (``filters`` are the ones
        chosen by hand): "Wie hoch ist die Vergütung nach der CoronaImpfV, und welche Kosten
        erwartet der Referentenentwurf?" asks each document its own part."""
        parts: Parts | None = split_parts(question)
        if parts is None:
            return None
        answers: list[Answer] = []
        for number, (part, where) in enumerate(zip(parts.questions, self.part_filters(parts.questions, filters), strict=True)):
            # A later clause ("… und wie viele gehören dazu?") borrows the first one's words.
            query = standalone_query(part, [Turn(role="user", content=parts.questions[0])]) if number else part
            retrieval = self.retrieval.retrieve(query, top_k or self.settings.top_k, where)
            answers.append(self.answerer.answer(part, language, retrieval))
        cited = {c.document_id for c in whole.citations}
        new_documents = any(a.answered and {c.document_id for c in a.citations} - cited for a in answers)
        uncovered_part = any(not a.answered for a in answers)
        # Two questions in one: one quote seldom answers both, unless both parts quote it.
        distinct = parts.clauses and len({a.answer for a in answers}) == len(answers)
        if not (distinct or new_documents or uncovered_part or (not whole.answered and any(a.answered for a in answers))):
            return None
        return merge_parts(list(zip(parts.labels, answers, strict=True)), language)

    def part_filters(self, parts: Sequence[str], filters: Filters | dict | None) -> list[Filters]:
        """The documents each part of a question names, as filters; filters chosen by hand win."""
        if self.scopes is None or normalize_filters(filters):
            return [normalize_filters(filters) for _ in parts]
        return [{"document_id": s.document_ids} if s else {} for s in self.scopes.scopes_of_parts(parts)]

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
        # The limit counts what was sent, spaces included, as the API schema's maxLength does.
        too_long = len(question or "") > self.settings.max_question_chars
        # Zero-width characters pasted with a question split its words ("In welchem \u200bJahr").
        question = without_invisible(question or "").strip()
        if not question:
            raise QuestionError("Die Frage ist leer (empty question).")
        if too_long:
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


def searched_in(answer: Answer, scope: Scope | None, language: Language) -> Answer:
    """The answer that says where it searched; a decline says that only those documents were searched."""
    if scope is None:
        return answer
    parts = [phrase("searched_in", language, names=quoted(scope.titles, language)), answer.answer]
    if not answer.answered:
        parts.append(_nothing_else(scope, language))
    return answer.model_copy(update={"answer": "\n\n".join(parts), "searched_in": scope.titles})


def _nothing_else(scope: Scope, language: Language) -> str:
    return phrase("searched_in_nothing", language, names=quoted(scope.titles, language))
