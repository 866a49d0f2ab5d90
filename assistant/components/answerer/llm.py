"""Generated answers from a language model, grounded in the retrieved passages and cited.

The extractive answerer stays in charge of two decisions: its answerability model decides whether the
documents hold the asked fact at all (if not, the model is never asked and the extractive decline,
with what is missing, is the answer), and its quotes are the answer
whenever the model fails (unreachable, too slow, an error, an unreadable or empty reply). A failure
never raises: the user gets the verbatim passages with a short notice and the log says what happened.

A reply without a single valid citation is not trusted: ``answered`` is false and a visible notice
says that it is not backed by the documents. The text itself is kept, because the reader may still
find it useful and the notice says how much to trust it.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.components.answerer.citations import MarkerRewriter, cited_segments, is_decline
from assistant.components.answerer.compose import citation
from assistant.components.answerer.extractive import ExtractiveAnswerer, Plan
from assistant.components.answerer.prompts import answer_messages
from assistant.components.answerer.relevance import RelevanceGate
from assistant.components.answerer.terms import TermMatcher
from assistant.components.answerer.units import passage_units
from assistant.components.llm import LLMConfig, llm_config, make_chat_model
from assistant.i18n import text as phrase
from assistant.language import Language
from assistant.models import Answer, Citation
from assistant.retrieval_types import Passage, Retrieval

log = logging.getLogger(__name__)

NOTICES: dict[str, dict[Language, str]] = {
    "llm_failed": {
        "de": "Hinweis: Das Sprachmodell war nicht erreichbar; hier die wörtlichen Fundstellen.",
        "en": "Note: The language model could not be reached; here are the passages verbatim.",
    },
    "uncited": {
        "de": "Hinweis: Diese Antwort nennt keine Fundstelle aus den Dokumenten und ist daher nicht belegt.",
        "en": "Note: This answer cites no passage of the documents and is therefore not backed by them.",
    },
}

EventKind = Literal["token", "citations", "done", "notice"]


@dataclass(frozen=True)
class AnswerEvent:
    """One step of a streamed answer: ``token``\\* [``notice``] ``citations`` ``done``.

    * ``token``: the next piece of the answer text; joined they give ``done.answer.answer``.
    * ``notice``: a notice the text also contains (for styling). With ``reset`` true, the tokens
      sent so far are void (the model failed mid-answer) and the following tokens start over.
    * ``citations``: the sources, numbered as in the text.
    * ``done``: the complete ``Answer``; it is authoritative.
    """

    kind: EventKind
    text: str = ""
    citations: list[Citation] = field(default_factory=list)
    answer: Answer | None = None
    reset: bool = False


# Cut after a marker or a sentence end, and before a line break; separators stay with the piece
# before them so that the pieces join to the exact text.
_PIECE_END = re.compile(r"(?<=[\].!?:])[ \t]+(?=\S)|\n+")


def answer_pieces(text: str) -> list[str]:
    pieces, start = [], 0
    for match in _PIECE_END.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    return [p for p in pieces if p] or [text]


def events_from_answer(answer: Answer) -> Iterator[AnswerEvent]:
    """A finished answer as events, sentence by sentence (the extractive answerer's stream)."""
    for piece in answer_pieces(answer.answer):
        yield AnswerEvent("token", text=piece)
    yield AnswerEvent("citations", citations=answer.citations)
    yield AnswerEvent("done", answer=answer)


def stream_answer(answerer: Any, question: str, language: Language, retrieval: Retrieval) -> Iterator[AnswerEvent]:
    """Events from any answerer: its own ``stream`` if it has one, else its ``answer`` in pieces."""
    stream = getattr(answerer, "stream", None)
    if stream is not None:
        return stream(question, language, retrieval)
    return events_from_answer(answerer.answer(question, language, retrieval))


class LLMAnswerer:
    name = "llm"

    def __init__(self, extractive: ExtractiveAnswerer, model: Any, label: str = "llm", max_passages: int = 6) -> None:
        """``model`` is a LangChain chat model (see ``make_chat_model``); ``label`` names it in logs."""
        self.extractive = extractive
        self.model = model
        self.label = label
        self.max_passages = max_passages

    def answer(self, question: str, language: Language, retrieval: Retrieval) -> Answer:
        # Streaming underneath, also here: the timeout then bounds the wait between two chunks,
        # not the whole generation, which a CPU-bound local model may need a while for.
        done = [e for e in self.stream(question, language, retrieval) if e.kind == "done"]
        return done[-1].answer

    def stream(self, question: str, language: Language, retrieval: Retrieval) -> Iterator[AnswerEvent]:
        plan = self.extractive.plan(question, language, retrieval)
        if not plan.answerable:  # the documents do not hold the fact: the model is never asked
            yield from events_from_answer(self.extractive.compose(plan, retrieval))
            return
        passages = retrieval.passages[: self.max_passages]
        messages = answer_messages(question, language, passages, retrieval.query)
        markers = MarkerRewriter(len(passages))
        sent: list[str] = []
        started = time.perf_counter()
        try:
            for chunk in self.model.stream(messages):
                piece = markers.feed(_text_of(chunk))
                if piece:
                    sent.append(piece)
                    yield AnswerEvent("token", text=piece)
            if rest := markers.finish():
                sent.append(rest)
                yield AnswerEvent("token", text=rest)
            text = "".join(sent).strip()
            if not text:
                raise ValueError("empty reply")
        except Exception as error:  # any failure of the model must end in an answer, not an error
            log.warning(
                "language model %s failed after %.1f s (%s: %s); answering extractively",
                self.label, time.perf_counter() - started, type(error).__name__, str(error)[:300],
            )
            yield from self._fallback(plan, retrieval, language, reset=bool(sent))
            return
        log.info(
            "language model %s answered in %.1f s: %d passages cited, %d invalid markers dropped",
            self.label, time.perf_counter() - started, len(markers.order), markers.dropped,
        )
        answer, notice = self._finish(text, markers.order, passages, language)
        if notice:
            yield AnswerEvent("notice", text=notice)
            yield AnswerEvent("token", text=f"\n\n{notice}")
        yield AnswerEvent("citations", citations=answer.citations)
        yield AnswerEvent("done", answer=answer)

    def _finish(
        self, text: str, order: list[int], passages: list[Passage], language: Language
    ) -> tuple[Answer, str | None]:
        """The answer, and the notice appended to its text if any."""
        if is_decline(text, cited=bool(order)):
            # Normalised to the fixed sentence in the question's language, as the extractive
            # answerer words it; clients take the text from the final answer.
            return Answer(answer=phrase("no_answer", language), citations=[], answered=False), None
        if not order:
            notice = NOTICES["uncited"][language]
            return Answer(answer=f"{text}\n\n{notice}", citations=[], answered=False), notice
        highlights = self._highlights(text, order, passages)
        citations = [citation(n, passages[p - 1], highlights.get(n, [])) for n, p in enumerate(order, start=1)]
        return Answer(answer=text, citations=citations, answered=True), None

    def _fallback(self, plan: Plan, retrieval: Retrieval, language: Language, reset: bool) -> Iterator[AnswerEvent]:
        notice = NOTICES["llm_failed"][language]
        quoted = self.extractive.compose(plan, retrieval)
        answer = quoted.model_copy(update={"answer": f"{notice}\n\n{quoted.answer}"})
        yield AnswerEvent("notice", text=notice, reset=reset)
        yield from events_from_answer(answer)

    def _highlights(self, text: str, order: list[int], passages: list[Passage]) -> dict[int, list[str]]:
        """Per source, the passage sentences closest in meaning to the statements citing it: the
        reader sees where in the passage a (possibly translated, paraphrased) claim comes from."""
        segments = cited_segments(text)
        vectors = self.extractive._unit_vectors  # the same cache the extractive answerer fills
        found: dict[int, list[str]] = {}
        for number, original in enumerate(order, start=1):
            claims = [statement for statement, numbers in segments if number in numbers]
            units = passage_units(passages[original - 1].text, 0)
            if not claims or not units:
                continue
            similarity = vectors(claims) @ vectors([u.text for u in units]).T
            best = sorted({int(i) for i in similarity.argmax(axis=1)})
            found[number] = [h for i in best for h in units[i].highlights]
        return found


def _text_of(chunk: Any) -> str:
    text = getattr(chunk, "text", chunk)
    if not isinstance(text, str):
        raise TypeError(f"unexpected chunk from the model: {type(chunk).__name__}")
    return text


def build_answerer(settings: Any, scorer, matcher: TermMatcher, gate: RelevanceGate, adjacent=None):
    """The extractive answerer, or the language-model answerer around it, as the settings say.
    ``adjacent`` gives the chunk before or after a passage, to quote an enumeration or a value list
    across a chunk boundary."""
    extractive = ExtractiveAnswerer(scorer, matcher, gate, adjacent=adjacent)
    config: LLMConfig | None = llm_config(settings)
    if config is None:
        return extractive
    where = config.base_url or ("in-process" if config.provider == "gguf" else "default URL")
    log.info("answers by %s model %s at %s", config.provider, config.model, where)
    return LLMAnswerer(extractive, make_chat_model(config), label=f"{config.provider}:{config.model}")
