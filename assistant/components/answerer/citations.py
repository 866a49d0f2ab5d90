"""Checks and renumbers the [n] markers of a generated answer, also while it streams in.

The prompt numbers the passages 1..m. A marker for a number outside that range points to nothing and
is dropped (with the space before it). Valid markers are renumbered by first appearance, so the
source list holds only cited passages, numbered 1, 2, ... in reading order, and the text agrees with
it. Because the new number of a passage is fixed the first time it is cited, text can be renumbered
and passed on chunk by chunk; only a possibly unfinished marker at the end of a chunk is held back.
"""

from __future__ import annotations

import re

from assistant.i18n import TEXTS

# "[2]", "[1, 3]", "[Passage 2]", "[Quelle 1; 4]": one group of citations. Models copy the word from
# the prompt's passage tags now and then; anything else in brackets is ordinary text.
_PREFIX = r"(?:passagen?|passages?|quellen?|sources?)"
_MARKER = re.compile(rf"(\s*)\[\s*(?:{_PREFIX}\s*)?(\d{{1,3}}(?:\s*[,;]\s*(?:{_PREFIX}\s*)?\d{{1,3}})*)\s*\]", re.I)
# The end of a chunk that may still become a marker (or the space before one).
_UNFINISHED = re.compile(r"\s*\[[\w\s,;]{0,30}$|\s+$")
# A marker cut off by the end of the reply (max tokens reached): noise, dropped.
_CUT_MARKER = re.compile(rf"\s*\[\s*(?:{_PREFIX}\s*)?[\d,;\s]*$", re.I)
_NUMBER = re.compile(r"\d+")
_RENUMBERED = re.compile(r"(?:\[\d+\])+")


class MarkerRewriter:
    """Feed the generated text in chunks; get back the text with markers validated and renumbered."""

    def __init__(self, passages: int) -> None:
        self.passages = passages
        self.order: list[int] = []  # cited passage numbers (1-based, as in the prompt) by new number
        self.dropped = 0  # markers that pointed to no passage
        self._pending = ""
        self._started = False

    def feed(self, chunk: str) -> str:
        text = self._pending + chunk
        if not self._started:  # leading blank lines of a model reply carry nothing
            text = text.lstrip()
            self._started = bool(text)
        text = _MARKER.sub(self._replace, text)
        unfinished = _UNFINISHED.search(text)
        cut = unfinished.start() if unfinished else len(text)
        self._pending = text[cut:]
        return text[:cut]

    def finish(self) -> str:
        rest, self._pending = self._pending, ""
        return _CUT_MARKER.sub("", rest).rstrip()

    def _replace(self, match: re.Match) -> str:
        numbers: list[int] = []
        for raw in _NUMBER.findall(match.group(2)):
            original = int(raw)
            if not 1 <= original <= self.passages:
                self.dropped += 1
                continue
            if original not in self.order:
                self.order.append(original)
            new = self.order.index(original) + 1
            if new not in numbers:
                numbers.append(new)
        if not numbers:
            return ""
        return match.group(1) + "".join(f"[{n}]" for n in sorted(numbers))


def rewrite_markers(text: str, passages: int) -> tuple[str, list[int]]:
    """The whole-text form: (renumbered text, cited passage numbers by new number)."""
    rewriter = MarkerRewriter(passages)
    out = rewriter.feed(text) + rewriter.finish()
    return out.strip(), rewriter.order


def cited_segments(text: str) -> list[tuple[str, list[int]]]:
    """(statement, its marker numbers) for every group of renumbered markers in ``text``."""
    segments: list[tuple[str, list[int]]] = []
    start = 0
    for match in _RENUMBERED.finditer(text):
        statement = text[start : match.start()].strip(" \n\t.;,")
        if statement:
            segments.append((statement, [int(n) for n in _NUMBER.findall(match.group())]))
        start = match.end()
    return segments


def _bare(text: str) -> str:
    without_markers = _MARKER.sub(" ", text)
    return " ".join(re.sub(r"[^\w\s]", " ", without_markers.lower()).split())


_DECLINES = tuple(_bare(t) for t in TEXTS["no_answer"].values())


def is_decline(text: str, cited: bool) -> bool:
    """The model gave the fixed "no information" sentence (in either language).

    Alone, it is a decline even with a stray marker; next to other text it is one only when nothing
    is cited, so that "X is Y [1]. On Z the documents contain no information." stays an answer.
    """
    bare = _bare(text)
    if bare in _DECLINES:
        return True
    return not cited and any(d in bare for d in _DECLINES)
