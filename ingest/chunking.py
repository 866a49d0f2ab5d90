"""Structure-aware chunking.

A chunk never crosses a section heading, a list stays glued to the sentence that introduces it,
paragraphs are kept whole when they fit, and every chunk fits the embedding model's window
together with the title/section header it is embedded with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.model import Block, list_text
from ingest.sentences import split_sentences

TokenCounter = Callable[[Sequence[str]], list[int]]

# Version of what ingestion makes of a file (loader blocks and chunk text). Documents indexed under
# another version must be ingested again; the pipeline signature should carry this number.
# 2: numbered list items keep their enumerator ("1. ..."), a list is glued to any unfinished
#    introducing sentence ("..., wer"), not only to one ending with ":"; legal sections ("§ 9 ...")
#    are headings and "(2)" opens a paragraph; PDF runs cut mid-word are rejoined.
CHUNK_FORMAT = 2
_SENTENCE_END = ".!?…"
_CLOSERS = "\"'“”»«’)]"


@dataclass(frozen=True)
class Chunk:
    text: str
    section: str | None
    page: int | None
    position: int


@dataclass(frozen=True)
class _Unit:
    """The smallest piece the packer moves: a sentence, or an intro sentence with its list."""

    text: str
    tokens: int
    page: int | None
    paragraph: int  # units of the same paragraph share this number


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
        for text, page in _pack(units, budget, overlap_sentences):
            chunks.append(Chunk(text=text, section=section.heading, page=page, position=len(chunks)))
    return chunks


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
    for number, block in enumerate(blocks):
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
            else:
                raw.append((items, block.page, number))
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
    return units


def _introduces(sentence: str) -> bool:
    """A sentence that a following list completes: "... sind:" or one left unfinished ("..., wer",
    "... oder", "... gilt,"), which would be a fragment without its items."""
    stripped = sentence.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] not in _SENTENCE_END  # ":" and "," included


def _split_oversized(
    text: str, page: int | None, para: int, count_tokens: TokenCounter, hard_limit: int
) -> list[_Unit]:
    """A unit over the model window (a giant list or run-on sentence) is cut at line, then word, ends."""
    pieces = text.split("\n") if "\n" in text else text.split(" ")
    joiner = "\n" if "\n" in text else " "
    counts = count_tokens(pieces)
    units: list[_Unit] = []
    buffer: list[str] = []
    used = 0
    for piece, tokens in zip(pieces, counts, strict=True):
        if buffer and used + tokens > hard_limit:
            units.append(_Unit(joiner.join(buffer), used, page, para))
            buffer, used = [], 0
        if tokens > hard_limit:  # a single "word" longer than the window: cut by characters
            step = max(1, len(piece) * hard_limit // (tokens + 1))
            units.extend(
                _Unit(piece[i : i + step], hard_limit, page, para) for i in range(0, len(piece), step)
            )
            continue
        buffer.append(piece)
        used += tokens
    if buffer:
        units.append(_Unit(joiner.join(buffer), used, page, para))
    return units


def _pack(units: list[_Unit], budget: int, overlap: int) -> list[tuple[str, int | None]]:
    """Greedy packing that prefers paragraph ends as cut points.

    A paragraph that fits the remaining budget joins the chunk whole; a paragraph that does not
    starts a new chunk; only a paragraph larger than the budget is cut between sentences, and then
    the last ``overlap`` sentences are repeated so that no statement loses its context.
    """
    chunks: list[tuple[str, int | None]] = []
    current: list[_Unit] = []
    used = 0

    def flush() -> None:
        if current:
            chunks.append((_render(current), current[0].page))

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
