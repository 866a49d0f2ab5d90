"""Turns a follow-up question into a query that retrieval can use on its own.

"Und wie viele Kliniken sind dort beteiligt?" alone matches any hospital network; retrieval needs to
know that "dort" is the Kompetenzverbund in Baden-Württemberg. With a language model the question
and the conversation are rewritten into one standalone question; without one (or when the model
fails), a follow-up borrows the previous question's words (``standalone_query``).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

from assistant.components.answerer.prompts import rewrite_messages
from assistant.components.llm import llm_config, make_chat_model
from assistant.language import detect_language
from assistant.models import Turn

log = logging.getLogger(__name__)

Rewrite = Callable[[str, Sequence[Turn]], str]

# Words that point back into the conversation ("dort", "dadurch", "they"): the question alone is
# not enough. Pronouns like "es" also occur without antecedent ("gibt es"), so they only count as a
# back-reference for ``is_follow_up``, which may err towards borrowing.
_ANAPHORA = re.compile(
    r"\b(dort|dorthin|da|dabei|dafür|davon|dazu|darin|daran|dadurch|damit|darauf|darüber|daraus|darunter|"
    r"danach|davor|hierzu|hierbei|hierfür|hiervon|dies|diese[rsmn]?|dieses|jene[rsmn]?|deren|dessen|denen|"
    r"ihr|ihre[rnms]?|sein|seine[rnms]?|es|sie|er|there|they|them|their|it|its|this|that|these|those)\b",
    re.IGNORECASE,
)
_FOLLOW_UP_START = re.compile(r"^\s*(und|aber|auch|also|and|what about|how about|und was|was ist mit)\b", re.I)
_EXPLETIVE = re.compile(r"\b(gibt es|es gibt|there (is|are))\b", re.IGNORECASE)
# A name of its own: an acronym ("NRW", "BWKG"), a dotted name ("Medizin.NRW") or a hyphenated
# proper compound ("Baden-Württemberg"). German capitalises every noun, so capitals alone say nothing.
_NAME = re.compile(r"\b(?:[A-ZÄÖÜ]{2,}\w*|\w+\.[A-ZÄÖÜ]\w*|[A-ZÄÖÜ][a-zäöüß]+-[A-ZÄÖÜ]\w+)")


def standalone_query(question: str, history: Sequence[Turn]) -> str:
    """Without a language model, a follow-up borrows the previous question's words for retrieval.

    "Und wie viele Kliniken sind dort beteiligt?" alone matches any hospital network; with the
    previous question ("Was ist der Kompetenzverbund in Baden-Württemberg?") it finds the right one.
    A question that names its own subject and points back to nothing ("Und welche Arbeitsgruppen
    gibt es beim Cluster Medizin.NRW?") changes the topic: borrowing would drag retrieval back.
    """
    previous = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not previous or not is_follow_up(question) or names_own_subject(question):
        return question
    return f"{previous[-1]} {question}"


def is_follow_up(question: str) -> bool:
    words = question.split()
    return bool(_ANAPHORA.search(question) or _FOLLOW_UP_START.match(question)) or len(words) <= 3


def names_own_subject(question: str) -> bool:
    """Long enough to stand alone, names something, and refers back to nothing."""
    if len(question.split()) < 4 or not _NAME.search(question):
        return False
    return not _ANAPHORA.search(_EXPLETIVE.sub(" ", question))


# The model sees the last turns only (``history_turns``), answers shortened and without their [n]
# markers: the subject of a follow-up is almost always in the last exchange, and long prompts cost
# time before retrieval.
_HISTORY_TURNS = 4
_ANSWER_CHARS = 400
_MARKERS = re.compile(r"\s*\[\d+\]")
_LABEL = re.compile(
    r"^(umformulierte frage|eigenständige frage|frage|suchanfrage|rewritten question|standalone question|"
    r"question|query)\s*:\s*",
    re.IGNORECASE,
)
_QUOTES = "\"'„“”«»‚‘’`"


class LLMRewriter:
    """``rewrite(question, history)`` by a chat model, falling back to ``standalone_query``."""

    def __init__(
        self,
        model: Any,
        label: str = "llm",
        fallback: Rewrite = standalone_query,
        history_turns: int = _HISTORY_TURNS,
    ) -> None:
        self.model = model
        self.label = label
        self.fallback = fallback
        self.history_turns = history_turns

    def __call__(self, question: str, history: Sequence[Turn]) -> str:
        turns = [(t.role, _shorten(t)) for t in history if t.content.strip()][-self.history_turns :]
        if not self.history_turns or not any(role == "user" for role, _ in turns):
            return question  # a first question is standalone by definition: no model call
        started = time.perf_counter()
        try:
            reply = self.model.invoke(rewrite_messages(question, detect_language(question), turns))
            rewritten = clean_rewrite(getattr(reply, "text", ""), question)
        except Exception as error:  # retrieval must go on without the model
            log.warning(
                "follow-up rewrite by %s failed after %.1f s (%s: %s); using the previous question",
                self.label, time.perf_counter() - started, type(error).__name__, str(error)[:300],
            )
            return self.fallback(question, history)
        # Lengths only: question texts stay out of the application log (privacy; README "Gespeicherte Daten").
        log.info(
            "follow-up rewritten in %.1f s (%d → %d characters)", time.perf_counter() - started, len(question), len(rewritten)
        )
        return rewritten


def clean_rewrite(reply: str, question: str) -> str:
    """The first line of the reply without labels or quotes; raises ValueError if it is unusable."""
    line = next((ln.strip() for ln in (reply or "").splitlines() if ln.strip()), "")
    line = _LABEL.sub("", line).strip().strip(_QUOTES).strip()
    # A rewrite adds the subject of a few words; a much longer reply is an answer or a ramble.
    if not line or len(line) > max(300, 4 * len(question)):
        raise ValueError(f"unusable rewrite: {reply[:120]!r}")
    return line


def _shorten(turn: Turn) -> str:
    text = _MARKERS.sub("", turn.content).strip()
    if turn.role == "assistant" and len(text) > _ANSWER_CHARS:
        text = text[:_ANSWER_CHARS].rsplit(" ", 1)[0] + " …"
    return " ".join(text.split())


def build_rewriter(settings: Any) -> Rewrite:
    """The rewrite used before retrieval: the language model's when one is configured."""
    config = llm_config(settings)
    if config is None:
        return standalone_query
    model = make_chat_model(config.for_rewrite())
    return LLMRewriter(model, label=f"{config.provider}:{config.model}", history_turns=settings.history_turns)
