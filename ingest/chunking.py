"""Structure-aware chunking.

A chunk never crosses a section heading, a list stays glued to the sentence that introduces it,
paragraphs are kept whole when they fit, and every chunk fits the embedding model's window
together with the title/section header it is embedded with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ingest.legal import LegalPosition, absatz_opened, legal_section, position_in
from ingest.model import Block, list_text
from ingest.sentences import split_sentences

TokenCounter = Callable[[Sequence[str]], list[int]]

# Version of what ingestion makes of a file (loader blocks and chunk text). Documents indexed under
# another version must be ingested again; the pipeline signature should carry this number.
# 2: numbered list items keep their enumerator ("1. ..."), a list is glued to any unfinished
#    introducing sentence ("..., wer"), not only to one ending with ":"; legal sections ("§ 9 ...")
#    are headings and "(2)" opens a paragraph; PDF runs cut mid-word are rejoined.
# 3: a unit over the window is cut at line, sentence and clause boundaries (before: lines, then
#    words), and every chunk is checked whole against the window; table rows (DOCX, HTML,
#    Markdown) are paragraphs of their own with column headers and caption ("Anteil: 10 Prozent").
# 4: PDF tables of contents and chart axis labels are left out; "tatsäch -" and "so-" at a line
#    end are rejoined ("tatsächliche", "sowie").
CHUNK_FORMAT = 4
_SENTENCE_END = ".!?…"
_CLOSERS = "\"'“”»«’)]"


@dataclass(frozen=True)
class Chunk:
    text: str
    section: str | None
    page: int | None
    position: int
    page_end: int | None = None  # the last page the chunk's text comes from (a paragraph may run on)
    legal: str | None = None  # where the chunk starts in a law: "§ 19 Abs. 1 Nr. 3"


@dataclass(frozen=True)
class _Unit:
    """The smallest piece the packer moves: a sentence, or an intro sentence with its list."""

    text: str
    tokens: int
    page: int | None
    paragraph: int  # units of the same paragraph share this number
    page_end: int | None = None
    absatz: str | None = None  # the Absatz of a law the unit stands in, "(2) ..." -> "2"


@dataclass(frozen=True)
class _Section:
    heading: str | None
    blocks: list[Block]


def embedding_text(title: str, section: str | None, text: str) -> str:
    """What gets embedded and indexed: the chunk with its document title and section as context.

    Short chunks ("Der Verbund besteht aus vier Kliniken") are ambiguous without knowing which
    document they come from; the header carries that.
    """
    header = title if not section or section == title else f"{title} – {section}"
    return f"{header}\n{text}"


def chunk_blocks(
    blocks: Sequence[Block],
    *,
    title: str,
    count_tokens: TokenCounter,
    target_tokens: int,
    max_tokens: int,
    overlap_sentences: int = 1,
) -> list[Chunk]:
    header_tokens = max(count_tokens([embedding_text(title, None, "")]) + [0])
    chunks: list[Chunk] = []
    for section in _sections(blocks):
        section_header = count_tokens([embedding_text(title, section.heading, "")])[0]
        budget = max(16, min(target_tokens, max_tokens - section_header - 2))
        hard_limit = max(16, max_tokens - max(section_header, header_tokens) - 2)
        units = _units(section.blocks, count_tokens, hard_limit)
        law_section = legal_section(section.heading)
        carried: LegalPosition | None = None  # where the previous chunk of this § ended
        for packed, packed_units in _pack(units, budget, overlap_sentences):
            first = packed_units[0]
            page_end = max((u.page_end or u.page or 0 for u in packed_units), default=0) or None
            for text in _within_window(packed, title, section.heading, count_tokens, max_tokens):
                legal = None
                if law_section:
                    # A chunk opening with "c)" inside Nummer 4 of the previous chunk stands in Nr. 4 Buchst. c.
                    start = carried if carried and carried.absatz == first.absatz else LegalPosition(law_section, first.absatz)
                    legal = position_in(start, text).label()
                    carried = position_in(start, text, len(text))
                chunks.append(
                    Chunk(
                        text=text,
                        section=section.heading,
                        page=first.page,
                        position=len(chunks),
                        page_end=page_end,
                        legal=legal,
                    )
                )
    return chunks


def _within_window(
    text: str, title: str, section: str | None, count_tokens: TokenCounter, max_tokens: int
) -> list[str]:
    """The chunk as embedded, checked whole against the window: the packer adds up per-unit counts,
    and a tokenizer's count of joined text can exceed that sum. An over-long chunk is cut again (at
    sentence, then clause boundaries) with a limit lowered by the excess, never truncated."""

    def excess(pieces: list[str]) -> int:
        return max(count_tokens([embedding_text(title, section, p) for p in pieces])) - max_tokens

    pieces = [text]
    limit = max_tokens - count_tokens([embedding_text(title, section, "")])[0]
    while (over := excess(pieces)) > 0 and limit > 8:
        limit -= over
        pieces = [piece for piece, _ in _fit_pieces(text, count_tokens, max(8, limit))]
    return pieces


def _sections(blocks: Sequence[Block]) -> list[_Section]:
    sections: list[_Section] = []
    path: list[tuple[int, str]] = []
    current: list[Block] = []
    for block in blocks:
        if block.kind == "heading":
            if current:
                sections.append(_Section(_heading_label(path), current))
                current = []
            path = [(lvl, txt) for lvl, txt in path if lvl < block.level] + [(block.level, block.text)]
        else:
            current.append(block)
    if current:
        sections.append(_Section(_heading_label(path), current))
    return sections


def _heading_label(path: list[tuple[int, str]]) -> str | None:
    # The innermost two levels identify a section well enough for a citation.
    return " › ".join(text for _, text in path[-2:]) or None


def _units(blocks: list[Block], count_tokens: TokenCounter, hard_limit: int) -> list[_Unit]:
    raw: list[tuple[str, int | None, int]] = []  # text, page, paragraph number
    # Per paragraph number: the block's last page and the Absatz it stands in ("(2)" runs on over
    # the lists and sentences that follow it until the next Absatz opens).
    pages_end: dict[int, int | None] = {}
    absatz: dict[int, str | None] = {}
    current_absatz: str | None = None
    for number, block in enumerate(blocks):
        current_absatz = absatz_opened(block.text) or current_absatz
        pages_end[number], absatz[number] = block.page_end or block.page, current_absatz
        if block.kind == "list":
            items = list_text(block.items) if block.items else block.text
            intro_glues = (
                raw
                and raw[-1][2] == number - 1
                and blocks[number - 1].kind != "list"
                and _introduces(raw[-1][0])
            )
            if intro_glues:
                intro, page, para = raw.pop()
                raw.append((f"{intro}\n{items}", page, para))
                pages_end[para] = max(pages_end[para] or 0, pages_end[number] or 0) or None
            else:
                raw.append((items, block.page, number))
        elif block.kind == "row":  # a table row is one statement: never split between sentences
            raw.append((block.text, block.page, number))
        else:
            for sentence in split_sentences(block.text) or [block.text]:
                raw.append((sentence, block.page, number))
    counts = count_tokens([text for text, _, _ in raw])
    units: list[_Unit] = []
    for (text, page, para), tokens in zip(raw, counts, strict=True):
        if tokens <= hard_limit:
            units.append(_Unit(text, tokens, page, para))
        else:
            units.extend(_split_oversized(text, page, para, count_tokens, hard_limit))
    return [replace(unit, page_end=pages_end[unit.paragraph], absatz=absatz[unit.paragraph]) for unit in units]


def _introduces(sentence: str) -> bool:
    """A sentence that a following list completes: "... sind:" or one left unfinished ("..., wer",
    "... oder", "... gilt,"), which would be a fragment without its items."""
    stripped = sentence.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] not in _SENTENCE_END  # ":" and "," included


# Where a unit over the window may be cut, best first: between lines (list items), between
# sentences (level 1, the sentence splitter), after a semicolon or colon, after a comma, then
# between words. A cut at a clause keeps each piece readable on its own; a cut between words is
# the last resort, and nothing is ever truncated.
_CUTS: tuple[re.Pattern[str] | None, ...] = (
    re.compile(r"\n+"),
    None,
    re.compile(r"(?<=[;:])\s+"),
    re.compile(r"(?<=,)\s+"),
    re.compile(r"\s+"),
)


def _split_oversized(
    text: str, page: int | None, para: int, count_tokens: TokenCounter, hard_limit: int
) -> list[_Unit]:
    """A unit over the model window (a giant list or run-on sentence) is cut at the best boundary
    that makes every piece fit: line, sentence, clause, then word ends."""
    return [_Unit(piece, tokens, page, para) for piece, tokens in _fit_pieces(text, count_tokens, hard_limit)]


def _fit_pieces(text: str, count_tokens: TokenCounter, limit: int, level: int = -1) -> list[tuple[str, int]]:
    """``text`` cut into consecutive pieces of at most ``limit`` tokens each, at the coarsest boundary
    level that has a cut; a piece still too long goes one level finer."""
    for next_level in range(level + 1, len(_CUTS)):
        parts = _parts(text, next_level)
        if len(parts) > 1:
            break
    else:  # one "word" longer than the window: cut by characters
        tokens = count_tokens([text])[0]
        step = max(1, len(text) * limit // (tokens + 1))
        return [(text[i : i + step], min(limit, tokens)) for i in range(0, len(text), step)]
    joiner = "\n" if next_level == 0 else " "
    counts = count_tokens(parts)
    pieces: list[tuple[str, int]] = []
    buffer: list[str] = []
    used = 0

    def flush() -> None:
        if buffer:
            joined = joiner.join(buffer)
            pieces.append((joined, count_tokens([joined])[0]))

    for part, tokens in zip(parts, counts, strict=True):
        if tokens > limit:
            flush()
            buffer, used = [], 0
            pieces.extend(_fit_pieces(part, count_tokens, limit, next_level))
            continue
        if buffer and used + tokens > limit:
            flush()
            buffer, used = [], 0
        buffer.append(part)
        used += tokens
    flush()
    # Token counts are not quite additive (a join can merge or split a subword): re-cut any piece
    # whose real count is over the limit.
    return [fit for piece in pieces for fit in (
        [piece] if piece[1] <= limit else _fit_pieces(piece[0], count_tokens, limit, next_level)
    )]


def _parts(text: str, level: int) -> list[str]:
    cut = _CUTS[level]
    parts = cut.split(text) if cut else split_sentences(text)
    return [p.strip() for p in parts if p.strip()]


def _pack(units: list[_Unit], budget: int, overlap: int) -> list[tuple[str, list[_Unit]]]:
    """Greedy packing that prefers paragraph ends as cut points.

    A paragraph that fits the remaining budget joins the chunk whole; a paragraph that does not
    starts a new chunk; only a paragraph larger than the budget is cut between sentences, and then
    the last ``overlap`` sentences are repeated so that no statement loses its context.
    """
    chunks: list[tuple[str, list[_Unit]]] = []
    current: list[_Unit] = []
    used = 0

    def flush() -> None:
        if current:
            chunks.append((_render(current), list(current)))

    paragraphs: list[list[_Unit]] = []
    for unit in units:
        if paragraphs and paragraphs[-1][0].paragraph == unit.paragraph:
            paragraphs[-1].append(unit)
        else:
            paragraphs.append([unit])

    for paragraph in paragraphs:
        size = sum(u.tokens for u in paragraph)
        if current and used + size > budget:
            flush()
            current, used = [], 0
        if size <= budget:
            current.extend(paragraph)
            used += size
            continue
        for unit in paragraph:
            if current and used + unit.tokens > budget:
                flush()
                carried = [u for u in current[-overlap:] if u.paragraph == unit.paragraph] if overlap else []
                if sum(u.tokens for u in carried) + unit.tokens > budget:
                    carried = []
                current, used = carried, sum(u.tokens for u in carried)
            current.append(unit)
            used += unit.tokens
    flush()
    return chunks


def _render(units: list[_Unit]) -> str:
    parts: list[str] = []
    previous: int | None = None
    for unit in units:
        if previous is None:
            parts.append(unit.text)
        elif unit.paragraph == previous:
            parts.append(" " + unit.text)
        else:
            parts.append("\n\n" + unit.text)
        previous = unit.paragraph
    return "".join(parts)
