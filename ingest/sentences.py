"""Rule-based sentence splitting for German and English with exact character offsets.

The answerer highlights sentences inside stored passages, so :func:`sentence_spans` returns offsets
into the unchanged input; :func:`split_sentences` is only a convenience view on them.
"""

from __future__ import annotations

import re

# Compared in lower case, without the final period. Multi-part abbreviations written without
# spaces ("z.B.") appear with their inner periods; with spaces ("z. B.") the single-letter rule applies.
_ABBREVIATIONS = frozenset(
    """
    abb abs abschn allg anh anm art aufl bd bspw bzgl bzw ca co dipl dr dres ebd einschl etc evtl
    f ff gem ggf ggü hg hrsg i.d.r i.v.m inkl insb ing jh jr kap lit lt max med min mind mio mrd
    nat nr o.ä phil prof rer s.o s.u sog sr st std str tab tel u.a u.ä u.u usw uvm u.v.m v.a vgl
    vs z.b z.t zit ziff zzgl d.h e.v
    approx dept e.g eg fig i.e ie inc mr mrs ms no resp sec vol
    jan feb mär apr jun jul aug sep sept okt nov dez
    """.split()
)

# After "3." these words make the number an ordinal ("am 3. Mai"), not a sentence end.
_ORDINAL_NOUNS = frozenset(
    """
    januar februar märz april mai juni juli august september oktober november dezember
    jan feb mär apr jun jul aug sep sept okt nov dez
    january february march may june july october december
    """.split()
)
# Nouns that follow an ordinal in any case form ("des 18. Jahrhunderts", "im 2. Quartals-").
_ORDINAL_STEMS = ("jahrhundert", "jahrtausend", "quartal", "lebensjahr", "kalenderwoche", "wahlperiode")
# An article or a contracted preposition before a short number makes it an ordinal ("der 18.
# Präsident", "zum 3. Mal"); a year ends sentences often ("seit 2004. Die …"), so only up to 3 digits.
_ORDINAL_ARTICLES = frozenset("der die das des dem den am im vom zum zur beim ihr ihre ihres ihrem sein seine seines seinem".split())

_OPENERS = "„“‚‘\"'»«([{"
# Sentence-final punctuation with any closing quotes/brackets, then whitespace; the character
# after the whitespace is checked in Python (str.isupper covers all scripts, a regex class would not).
_CANDIDATE = re.compile(r"([.!?…]+[\"'“”‘’»«)\]}]*)\s+(?=\S)")
# A blank line always ends a sentence: headings and list items have no final punctuation.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_TOKEN_BEFORE = re.compile(r"\S+$")
_WORD_AFTER = re.compile(r"[^\W\d_]+")
_SINGLE_LETTER = re.compile(r"[^\W\d_]")
_DIGITS = re.compile(r"\d+")
# The longest token worth looking at before a period; abbreviations are far shorter.
_TOKEN_WINDOW = 24


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences in ``text``, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    for region_start, region_end in _paragraph_regions(text):
        start = region_start
        for match in _CANDIDATE.finditer(text, region_start, region_end):
            if _ends_sentence(text, match):
                spans.append((start, match.end(1)))
                start = match.end()
        spans.append(_trim(text, start, region_end))
    return [(start, end) for start, end in spans if start < end]


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order, as substrings of it."""
    return [text[start:end] for start, end in sentence_spans(text)]


def _paragraph_regions(text: str) -> list[tuple[int, int]]:
    regions = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        regions.append(_trim(text, start, match.start()))
        start = match.end()
    regions.append(_trim(text, start, len(text)))
    return [(start, end) for start, end in regions if start < end]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    next_word_start = match.end()
    while next_word_start < len(text) and text[next_word_start] in _OPENERS:
        next_word_start += 1
    if next_word_start >= len(text):
        return False
    first = text[next_word_start]
    if not (first.isupper() or first.isdigit()):
        return False
    punctuation = match.group(1)
    if punctuation[0] != "." or punctuation.startswith(".."):
        return True  # "!", "?", "…" and "..." are never abbreviation marks
    return not _is_abbreviation_period(text, match.start(1), next_word_start)


def _is_abbreviation_period(text: str, period: int, next_word_start: int) -> bool:
    token_match = _TOKEN_BEFORE.search(text, max(0, period - _TOKEN_WINDOW), period)
    if token_match is None:
        return False
    token = token_match.group().lstrip(_OPENERS).lower()
    if token in _ABBREVIATIONS or _SINGLE_LETTER.fullmatch(token):
        return True
    if _DIGITS.fullmatch(token):
        next_word = _WORD_AFTER.match(text, next_word_start)
        if next_word is None:
            return False
        word = next_word.group().lower()
        if word in _ORDINAL_NOUNS or word.startswith(_ORDINAL_STEMS):
            return True
        return len(token) <= 3 and _word_before(text, token_match.start()) in _ORDINAL_ARTICLES
    return False


def _word_before(text: str, start: int) -> str:
    """The word before the token starting at ``start`` (across the whitespace between them)."""
    end = start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if end == start:
        return ""
    match = _TOKEN_BEFORE.search(text, max(0, end - _TOKEN_WINDOW), end)
    return match.group().lstrip(_OPENERS).lower() if match else ""
