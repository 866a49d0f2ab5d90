"""Finds a quoted passage in a page's or document's text, as character offsets.

A chunk's text is not the text on the page: ingestion joins hyphenated words ("Digi-\\ntalisierung"),
drops soft hyphens and running headers, and writes a table row as "Kopf: Wert · Kopf: Wert". So
both sides are compared on their letters and digits only (NFKC, case-folded): whitespace, line
breaks, hyphens and punctuation do not count, every letter does. That is exact, not fuzzy: a
highlight is drawn only over text whose letters are the quote's letters.

When the whole quote is not found in one piece (a header was removed between its halves, a table
row's header stands above its value), it is found sentence by sentence and then, within a
sentence, as the longest runs of words that do occur. A short run (a table header, one number) is
only trusted near the run before it, where the page has it too; elsewhere it would match by chance.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A run shorter than this (letters and digits) is accepted only close to the previous run.
MIN_FREE_RUN = 12
NEAR = 1500  # how close "close" is, in letters and digits of the text
_CLOSING = ".!?)\"“”»'"
_SENTENCE_END = re.compile(r"(?<=[.!?;:·•])\s+|\n+")


@dataclass(frozen=True)
class Normalised:
    letters: str  # the text's letters and digits, NFKC and case-folded
    origin: list[int]  # for each of them, its offset in the original text
    text: str = ""


@dataclass(frozen=True)
class Location:
    spans: list[tuple[int, int]]  # (start, end) offsets in the original text, in order, merged
    found: int  # letters and digits of the quote that were found
    total: int  # letters and digits of the quote

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.found == self.total


def normalise(text: str) -> Normalised:
    letters: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():  # the common case, without the Unicode tables
            if char.isalnum():
                letters.append(char.lower())
                origin.append(index)
            continue
        for folded in unicodedata.normalize("NFKC", char).casefold():
            if folded.isalnum():
                letters.append(folded)
                origin.append(index)
    return Normalised("".join(letters), origin, text)


def _letters(text: str) -> str:
    return normalise(text).letters


def locate(text: Normalised | str, quote: str) -> Location:
    """Where ``quote`` stands in ``text`` (pass a ``Normalised`` text to locate many quotes in it)."""
    target = text if isinstance(text, Normalised) else normalise(text)
    whole = _letters(quote)
    if not whole:
        return Location([], 0, 0)
    start = target.letters.find(whole)
    if start >= 0:
        return Location(_spans(target, [(start, start + len(whole))]), len(whole), len(whole))
    runs: list[tuple[int, int]] = []
    found = 0
    last = 0
    for sentence in _SENTENCE_END.split(quote):
        letters = _letters(sentence)
        if not letters:
            continue
        start = _near(target.letters, letters, last) if len(letters) < MIN_FREE_RUN else _find(target.letters, letters, last)
        if start >= 0:
            runs.append((start, start + len(letters)))
            found += len(letters)
            last = start + len(letters)
            continue
        for run in _word_runs(target.letters, sentence.split(), last):
            runs.append(run)
            found += run[1] - run[0]
            last = run[1]
    return Location(_spans(target, runs), found, len(whole))


def _find(letters: str, piece: str, after: int) -> int:
    """The occurrence after ``after`` if there is one, else the first one."""
    start = letters.find(piece, after)
    return start if start >= 0 else letters.find(piece)


def _word_runs(letters: str, words: list[str], last: int) -> list[tuple[int, int]]:
    """Greedy: from each word, the longest run of following words that occurs in the text."""
    keys = [_letters(w) for w in words]
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(keys):
        if not keys[i]:
            i += 1
            continue
        # Occurrence is monotone in the run's length (a found run's prefix is found too): bisect.
        lo, hi = i, len(keys)  # runs i..lo are found; i..hi+1 is not (hi == len: unknown)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if letters.find("".join(keys[i:mid])) >= 0:
                lo = mid
            else:
                hi = mid - 1
        if lo == i:
            i += 1  # this word is not in the text
            continue
        piece = "".join(keys[i:lo])
        start = _near(letters, piece, last) if len(piece) < MIN_FREE_RUN else _find(letters, piece, last)
        if start >= 0:
            runs.append((start, start + len(piece)))
            last = start + len(piece)
        i = lo
    return runs


def _near(letters: str, piece: str, last: int) -> int:
    """A short run only where it is close to the previous one (after it first, then before it)."""
    after = letters.find(piece, last, last + NEAR + len(piece))
    if after >= 0:
        return after
    return letters.rfind(piece, max(0, last - NEAR), last)


def _spans(target: Normalised, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of letters as offsets in the original text; runs that touch (only spaces, hyphens or
    punctuation between them) become one span."""
    spans: list[tuple[int, int]] = []
    previous_end = -1  # in letters
    for start, end in sorted(runs):
        if end <= start:
            continue
        first, after = target.origin[start], target.origin[end - 1] + 1
        while after < len(target.text) and target.text[after] in _CLOSING and after - target.origin[end - 1] <= 2:
            after += 1  # the sentence's full stop (and closing quote) belong to the mark
        if spans and start <= previous_end:
            spans[-1] = (spans[-1][0], max(after, spans[-1][1]))
        else:
            spans.append((first, after))
        previous_end = max(previous_end, end)
    return spans
