"""General clean-up rules for extracted blocks: web-page debris and scrape repetition.

The rules look at shape (short, unpunctuated lines), a small vocabulary of sharing and navigation
words, and repetition within the document; nothing here knows particular pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ingest.model import ITEM_ENUMERATOR, Block
from ingest.sentences import sentence_spans

# Sharing widgets are chrome beyond doubt ("X" is the former Twitter).
_SHARE_WORDS = frozenset(
    """
    teilen share drucken print ausdrucken linkedin x twitter facebook xing whatsapp mail e-mail email
    instagram youtube mastodon bluesky threads telegram pinterest reddit tiktok weiterempfehlen
    empfehlen rss tweet tweeten
    """.split()
)
_SHARE_PHRASES = ("link kopieren", "copy link", "nach oben", "back to top", "zum seitenanfang")
# Navigation words are also ordinary content words ("Datenschutz" in a health strategy), so on
# their own they only count in company: two chrome lines or more.
_NAVIGATION_WORDS = frozenset(
    "startseite home breadcrumb navigation menü menu suche search sitemap impressum datenschutz newsletter".split()
)
_NAVIGATION_PHRASES = ("zum inhalt", "skip to", "sie sind hier", "you are here")
# Words that may surround chrome words ("Diesen Artikel teilen", "Teilen auf Facebook"). A line
# counts as chrome only if it consists of these and chrome words, so "Preise nach oben" is content.
_CHROME_FILLERS = frozenset(
    """
    beitrag artikel seite diesen dieser diese den die der das auf per via link kopieren copy zum zur
    nach oben zurück back to top this article page post on in uns us folgen follow abonnieren
    subscribe springen content inhalt seitenanfang sie sind hier you are here skip main
    """.split()
)
# Addresses and numbers are content even in a short line ("E-Mail: info@example.org").
_CONTENT_MARKERS = re.compile(r"@|://|www\.|\d")
# Lines that open a page with navigation rather than content.
_BREADCRUMB_WORDS = frozenset({"startseite", "home", "navigation", "menü", "menu", "breadcrumb"})
_BREADCRUMB_PHRASES = ("sie sind hier", "you are here", "zum inhalt", "skip to")

_MAX_CHROME_WORDS = 4
_MIN_REPEATED_WORDS = 5
# A truncated fragment shorter than this is too generic to call a prefix of a later sentence...
_MIN_FRAGMENT_WORDS = 4
# ...unless it is glued to a long repetition, which is a strong sign of a scrape glitch on its own.
_MIN_GLUED_FRAGMENT_WORDS = 2
_WORD = re.compile(r"[\w-]+")
_SENTENCE_PUNCTUATION = re.compile(r"[.!?;]$|[.!?;]\s")
_BULLET_PREFIX = re.compile(r"^[•\-*–·▪]\s*")
_TERMINAL = (".", "!", "?")
_CLOSERS = "\"'“”»«’)]"
_EDGE_PUNCTUATION = "\"'“”„‚‘’»«()[]{}.,;:!?…–-"


def clean_blocks(blocks: list[Block]) -> list[Block]:
    """Drop web-page chrome and scraped repetitions.

    Headings and lists may be dropped as chrome, but the repetition rule never rewrites them.
    """
    return _drop_repetition(_drop_chrome(blocks))


# --------------------------------------------------------------------------------------------
# Sharing and navigation chrome


def _block_lines(block: Block) -> list[str]:
    if block.kind == "list":
        # Judged without their numbers: "1. Teilen" is as much chrome as "• Teilen".
        lines = [ITEM_ENUMERATOR.sub("", item, count=1) for item in block.items]
    else:
        lines = block.text.split("\n")
    return [_BULLET_PREFIX.sub("", line).strip() for line in lines if line.strip()]


def _is_short_line(line: str) -> bool:
    return len(_WORD.findall(line)) <= _MAX_CHROME_WORDS and not _SENTENCE_PUNCTUATION.search(line)


def _chrome_kind(line: str) -> str | None:
    """ "share" or "navigation" for a short line made only of chrome vocabulary, else None."""
    if not _is_short_line(line) or _CONTENT_MARKERS.search(line):
        return None
    lowered = line.lower()
    words = _WORD.findall(lowered)
    if not all(_is_chrome_word(word) or word in _CHROME_FILLERS for word in words):
        return None
    if any(word in _SHARE_WORDS or word.startswith("cookie") for word in words) or any(
        phrase in lowered for phrase in _SHARE_PHRASES
    ):
        return "share"
    if any(word in _NAVIGATION_WORDS for word in words) or any(
        phrase in lowered for phrase in _NAVIGATION_PHRASES
    ):
        return "navigation"
    return None


def _is_chrome_line(line: str) -> bool:
    return _chrome_kind(line) is not None


def _is_chrome_word(word: str) -> bool:
    return word in _SHARE_WORDS or word in _NAVIGATION_WORDS or word.startswith("cookie")


def _is_short_block(block: Block) -> bool:
    return all(_is_short_line(line) for line in _block_lines(block))


def _chrome_line_count(block: Block) -> int:
    """Chrome lines in the block, or 0 unless every line of it is chrome."""
    lines = _block_lines(block)
    return len(lines) if lines and all(_is_chrome_line(line) for line in lines) else 0


def _drop_chrome(blocks: list[Block]) -> list[Block]:
    blocks = _drop_trailing_chrome(blocks)
    blocks = _drop_leading_breadcrumbs(blocks)
    blocks = [_without_chrome_lines(block) for block in blocks]
    return _drop_chrome_runs([block for block in blocks if block.text.strip()])


def _drop_trailing_chrome(blocks: list[Block]) -> list[Block]:
    """Cut the page end from its first chrome block on, if the end is a run of short lines.

    The cut needs a sharing line or at least two chrome lines, so a closing list that merely
    mentions "Datenschutz" stays.
    """
    run_start = len(blocks)
    while run_start > 0 and _is_short_block(blocks[run_start - 1]):
        run_start -= 1
    first_chrome = next((i for i in range(run_start, len(blocks)) if _is_mostly_chrome(blocks[i])), None)
    if first_chrome is None:
        return blocks
    kinds = [_chrome_kind(line) for block in blocks[first_chrome:] for line in _block_lines(block)]
    chrome_kinds = [kind for kind in kinds if kind is not None]
    if "share" in chrome_kinds or len(chrome_kinds) >= 2:
        return blocks[:first_chrome]
    return blocks


def _is_mostly_chrome(block: Block) -> bool:
    lines = _block_lines(block)
    return bool(lines) and sum(_is_chrome_line(line) for line in lines) * 2 >= len(lines)


def _drop_leading_breadcrumbs(blocks: list[Block]) -> list[Block]:
    """Drop an opening run of short lines only when it starts with a navigation marker."""
    if not blocks or not _is_breadcrumb(blocks[0]):
        return blocks
    last_chrome = 0
    for index, block in enumerate(blocks):
        if not _is_short_block(block):
            break
        if _chrome_line_count(block) or _is_breadcrumb(block):
            last_chrome = index
    return blocks[last_chrome + 1 :]


def _is_breadcrumb(block: Block) -> bool:
    lines = _block_lines(block)
    if not lines or not _is_short_line(lines[0]):
        return False
    lowered = lines[0].lower()
    return bool(set(_WORD.findall(lowered)) & _BREADCRUMB_WORDS) or any(
        phrase in lowered for phrase in _BREADCRUMB_PHRASES
    )


def _without_chrome_lines(block: Block) -> Block:
    """Inside a multi-line paragraph (e.g. <br>-separated), remove runs of 2+ chrome lines."""
    if block.kind != "paragraph" or "\n" not in block.text:
        return block
    lines = block.text.split("\n")
    chrome = [_is_chrome_line(line.strip()) for line in lines]
    kept = [line for index, line in enumerate(lines) if not (chrome[index] and _in_run_of_two(chrome, index))]
    return block if len(kept) == len(lines) else replace(block, text="\n".join(kept))


def _in_run_of_two(flags: Sequence[bool], index: int) -> bool:
    return (index > 0 and flags[index - 1]) or (index + 1 < len(flags) and flags[index + 1])


def _drop_chrome_runs(blocks: list[Block]) -> list[Block]:
    """Remove consecutive all-chrome blocks that together hold two or more chrome lines."""
    counts = [_chrome_line_count(block) for block in blocks]
    doomed: set[int] = set()
    index = 0
    while index < len(blocks):
        end = index
        while end < len(blocks) and counts[end]:
            end += 1
        if sum(counts[index:end]) >= 2:
            doomed.update(range(index, end))
        index = max(end, index + 1)
    return [block for index, block in enumerate(blocks) if index not in doomed]


# --------------------------------------------------------------------------------------------
# Scrape repetition


@dataclass
class _Sentence:
    block: int
    start: int  # offsets into the block text
    end: int
    words: list[str]  # lower-cased, edge punctuation removed, empty words dropped
    complete: bool  # ends with . ! or ?, so it was not cut off
    dropped: bool = False


def _drop_repetition(blocks: list[Block]) -> list[Block]:
    sentences = _paragraph_sentences(blocks)
    _mark_redundant(sentences)
    return _rebuild(blocks, sentences)


def _paragraph_sentences(blocks: Sequence[Block]) -> list[_Sentence]:
    sentences = []
    for block_index, block in enumerate(blocks):
        if block.kind != "paragraph":
            continue
        for start, end in sentence_spans(block.text):
            text = block.text[start:end]
            words = [word for word in (raw.lower().strip(_EDGE_PUNCTUATION) for raw in text.split()) if word]
            complete = text.rstrip(_CLOSERS).endswith(_TERMINAL)
            sentences.append(_Sentence(block_index, start, end, words, complete))
    return sentences


def _mark_redundant(sentences: Sequence[_Sentence]) -> None:
    """Mark sentences whose every word is said elsewhere in the document.

    That is a sentence contained in an earlier one; a truncated fragment that a later, complete
    sentence starts with; or both glued together, which is what a scrape glitch plus the joining
    of broken lines produces ("In Zukunft wird der Verbund" + a repeat of earlier text).
    """
    openings = _LaterOpenings(sentences)
    earlier = _EarlierText()
    for index, sentence in enumerate(sentences):
        words = sentence.words
        if not sentence.complete and len(words) >= _MIN_FRAGMENT_WORDS:
            sentence.dropped = openings.continued_after(words, index)
        if not sentence.dropped and len(words) >= _MIN_REPEATED_WORDS:
            tail_start = earlier.longest_repeated_tail(words)
            sentence.dropped = tail_start == 0 or (
                tail_start is not None
                and tail_start >= _MIN_GLUED_FRAGMENT_WORDS
                and openings.continued_after(words[:tail_start], index)
            )
        earlier.add(words)


class _EarlierText:
    """The sentences seen so far, searchable for a verbatim run of words.

    Word n-grams point to the few sentences worth an exact substring test, which keeps the
    search linear in practice even for long documents with formulaic sentence endings.
    """

    _CANDIDATES_PER_GRAM = 16

    def __init__(self) -> None:
        self._padded: list[str] = []
        self._by_gram: dict[tuple[str, ...], list[int]] = {}

    def add(self, words: list[str]) -> None:
        index = len(self._padded)
        self._padded.append(f" {' '.join(words)} ")
        n = _MIN_REPEATED_WORDS
        for i in range(len(words) - n + 1):
            holders = self._by_gram.setdefault(tuple(words[i : i + n]), [])
            if len(holders) < self._CANDIDATES_PER_GRAM and (not holders or holders[-1] != index):
                holders.append(index)

    def longest_repeated_tail(self, words: list[str]) -> int | None:
        """Start of the longest tail (>= n words) contained in one earlier sentence, or None."""
        n = _MIN_REPEATED_WORDS
        start = len(words) - n
        while start >= 0 and tuple(words[start : start + n]) in self._by_gram:
            start -= 1
        for tail_start in range(start + 1, len(words) - n + 1):
            tail = f" {' '.join(words[tail_start:])} "
            holders = self._by_gram[tuple(words[tail_start : tail_start + n])]
            if any(tail in self._padded[holder] for holder in holders):
                return tail_start
        return None


class _LaterOpenings:
    """Answers: does a complete sentence after ``index`` start with these words and go on?"""

    _MAX_PREFIX_WORDS = 40  # fragments are short; longer prefixes are not indexed

    def __init__(self, sentences: Sequence[_Sentence]) -> None:
        self._sentences = sentences
        # Chained hashes of each prefix -> the last complete sentence that extends it.
        self._last_extending: dict[int, int] = {}
        for index, sentence in enumerate(sentences):
            if sentence.complete:
                prefixes = _prefix_keys(sentence.words[:-1][: self._MAX_PREFIX_WORDS])
                for length, key in enumerate(prefixes, start=1):
                    if length >= _MIN_GLUED_FRAGMENT_WORDS:
                        self._last_extending[key] = index

    def continued_after(self, prefix: list[str], index: int) -> bool:
        if not _MIN_GLUED_FRAGMENT_WORDS <= len(prefix) <= self._MAX_PREFIX_WORDS:
            return False
        *_, key = _prefix_keys(prefix)
        later = self._last_extending.get(key)
        # Comparing the words guards against a hash collision.
        return later is not None and later > index and self._sentences[later].words[: len(prefix)] == prefix


def _prefix_keys(words: Sequence[str]) -> list[int]:
    keys = []
    key = 0
    for word in words:
        key = hash((key, word))
        keys.append(key)
    return keys


def _rebuild(blocks: Sequence[Block], sentences: Sequence[_Sentence]) -> list[Block]:
    by_block: dict[int, list[_Sentence]] = {}
    for sentence in sentences:
        by_block.setdefault(sentence.block, []).append(sentence)
    result = []
    for index, block in enumerate(blocks):
        parts = by_block.get(index, [])
        if not any(part.dropped for part in parts):
            result.append(block)  # untouched blocks keep their exact text
            continue
        text = " ".join(block.text[part.start : part.end] for part in parts if not part.dropped)
        if text:
            result.append(replace(block, text=text))
    return result
