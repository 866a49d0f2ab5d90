"""PDF: text lines per page with font sizes, then the shared line-based structure detection."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError

from ingest.loaders.common import first_heading, join_wrapped, list_block, single_line
from ingest.loaders.lines import (
    LEGAL_HEADING_LEVEL,
    assemble_lines,
    ends_with_terminal,
    is_legal_heading,
    join_legal_titles,
    list_item_texts,
    starts_lowercase,
    structural_heading_level,
    structural_headings,
)
from ingest.loaders.pdf_headings import (
    body_font_size,
    heading_sizes,
    merge_wrapped_headings,
    size_heading_levels,
    wrap_width,
)
from ingest.loaders.pdf_ocr import GARBLED, TEXTLESS, is_garbled, is_textless, recognise, unreadable
from ingest.loaders.pdf_tables import PdfTable, TableHeaders, find_tables
from ingest.loaders.pdf_text import PdfLine, read_page_lines
from ingest.loaders.toc import furniture_lines
from ingest.model import Block, LoaderError, PageProgress, ParsedDocument
from ingest.ocr import OcrOptions
from ingest.tables import CAPTION_LINE, caption_before, is_caption, label_before, table_blocks

_PAGE_NUMBER = re.compile(
    r"^(?:(?:seite|page|s\.)\s*)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:von|of|/)\s*\d{1,4})?$", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")
# Lines this close to the page edge are where running headers and footers live.
_EDGE_LINES = 2
# Deeper running headers are peeled off in rounds (see _drop_running_headers).
_MAX_PEEL_ROUNDS = 4
# Marks the end of a page in the walk over its lines and tables.
_END_OF_PAGE = PdfTable([], 0.0, 0.0, 0.0, 0.0)


class _PageTable(NamedTuple):
    """A table placed on the current page: its first block's index, rows, caption, header rows."""

    start: int
    rows: list[list[str]]
    caption: str | None
    header_rows: int | None


_JUNK_TITLES = re.compile(r"^(?:untitled|unbenannt|microsoft word\s*-|dokument\d*$|document\d*$)", re.I)



def parse_pdf(data: bytes, ocr: OcrOptions | None = None, progress: PageProgress | None = None) -> ParsedDocument:
    """``ocr``: how pages without a text layer are read; None reads none (and says so).
    ``progress`` hears of every page read."""
    reader = _open_pdf(data)
    page_objects = _pdf_pages(reader)
    extracted = []
    for number, page in enumerate(page_objects, 1):
        extracted.append(read_page_lines(page))
        if progress:
            progress(number, len(page_objects))
    if extracted and all(lines is None for lines in extracted):
        raise _corrupt_pdf()
    pages = [lines or [] for lines in extracted]
    texts = [[line.text for line in lines] for lines in pages]
    garbled = [number for number, page in enumerate(texts, 1) if is_garbled(page)]
    textless = [number for number, page in enumerate(texts, 1) if number not in garbled and is_textless(page)]
    for number in garbled:  # mojibake is never indexed: OCR reads the page, or it is left out
        pages[number - 1] = []
    recognised, notes = {}, []
    for numbers, why in ((textless, TEXTLESS), (garbled, GARBLED)):
        read, note = recognise(data, numbers, ocr, why)
        recognised.update(read)
        notes += [note] if note else []
    for number, lines in recognised.items():
        pages[number - 1] = [PdfLine(single_line(line), None) for line in lines]
    if not any(line.text for lines in pages for line in lines):
        raise unreadable(garbled, notes)
    pages = _set_tables_apart(pages, find_tables(data, _readable_pages(pages, recognised)))
    blocks = _pdf_blocks(_drop_furniture(_drop_running_headers(pages)))
    title = _pdf_metadata_title(reader) or first_heading(blocks, prefer_level=1)
    return ParsedDocument(blocks=blocks, title=title, ocr_pages=sorted(recognised), notes=notes)


def _readable_pages(pages: list[list[PdfLine]], recognised: dict[int, list[str]]) -> set[int]:
    """Pages whose text layer is read (not OCR'd, not left out): only there tables are looked for."""
    return {number for number, lines in enumerate(pages, 1) if lines and number not in recognised}


def _set_tables_apart(pages: list[list[PdfLine]], tables: dict[int, list[PdfTable]]) -> list[list[PdfLine]]:
    """Take each table's lines out of the text flow (so its text is not indexed twice, as prose and as
    rows) and leave an empty marker line carrying the table where its first line was."""
    result = []
    for number, lines in enumerate(pages, 1):
        for table in tables.get(number, []):
            inside = [index for index, line in enumerate(lines) if line.origin and table.holds(*line.origin)]
            if not inside:
                continue  # no line to replace: the text stays prose rather than appearing twice
            marker = PdfLine("", None, table=table)
            lines = [
                *lines[: inside[0]],
                marker,
                *(line for i, line in enumerate(lines) if i > inside[0] and i not in inside),
            ]
        result.append(lines)
    return result


def _corrupt_pdf() -> LoaderError:
    return LoaderError("corrupt", "Die PDF-Datei ist beschädigt und kann nicht gelesen werden (corrupt PDF).")


def _open_pdf(data: bytes) -> PdfReader:
    # pypdf signals malformed input with many exception types (PdfReadError, ValueError,
    # KeyError, TypeError, struct/zlib errors, ...); for an upload all of them mean "unreadable".
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as exc:
        raise _corrupt_pdf() from exc
    if encrypted:
        try:
            opened = bool(reader.decrypt(""))
        except DependencyError:
            opened = False  # AES needs the optional "cryptography" package
        except Exception as exc:
            raise _corrupt_pdf() from exc
        if not opened:
            raise LoaderError(
                "encrypted",
                "Die PDF-Datei ist passwortgeschützt und kann nicht geöffnet werden (encrypted PDF).",
            )
    return reader


def _pdf_pages(reader: PdfReader) -> list[PageObject]:
    try:
        return list(reader.pages)
    except Exception as exc:
        raise _corrupt_pdf() from exc



def _drop_running_headers(pages: list[list[PdfLine]]) -> list[list[PdfLine]]:
    """Remove bare page numbers and lines repeated at the top or bottom of most pages.

    A running header can be several lines deep: the Bundesanzeiger sets "www.bundesanzeiger.de",
    "Verkündung", "Veröffentlicht am ...", "BAnz AT ..." and "Seite 2 von 11" on every page. After
    each removal the new edge lines are checked again; only the first round takes bare numbers,
    later ones only lines repeated on most pages, so that a table's last figure survives.
    """
    for round_number in range(_MAX_PEEL_ROUNDS):
        peeled = _peel_running_lines(pages, page_numbers=round_number == 0)
        if sum(map(len, peeled)) == sum(map(len, pages)):
            break
        pages = peeled
    return pages


def _drop_furniture(pages: list[list[PdfLine]]) -> list[list[PdfLine]]:
    dropped = furniture_lines([[line.text for line in lines] for lines in pages])
    return [
        [line for index, line in enumerate(lines) if index not in drop]
        for lines, drop in zip(pages, dropped, strict=True)
    ]


def _peel_running_lines(pages: list[list[PdfLine]], page_numbers: bool) -> list[list[PdfLine]]:
    edges_per_page = [_edge_indices(lines) for lines in pages]
    edge_counts: Counter[str] = Counter()
    for lines, edges in zip(pages, edges_per_page, strict=True):
        edge_counts.update({_DIGITS.sub("#", lines[index].text) for index in edges})
    repeated = {
        key for key, count in edge_counts.items() if len(pages) >= 3 and count >= 3 and count > len(pages) / 2
    }

    def is_running(line: PdfLine) -> bool:
        if page_numbers and _PAGE_NUMBER.match(line.text):
            return True
        return _DIGITS.sub("#", line.text) in repeated

    return [
        [line for index, line in enumerate(lines) if not (index in edges and is_running(line))]
        for lines, edges in zip(pages, edges_per_page, strict=True)
    ]


def _edge_indices(lines: Sequence[PdfLine]) -> set[int]:
    content = [index for index, line in enumerate(lines) if line.text]
    return set(content[:_EDGE_LINES] + content[-_EDGE_LINES:])


def _pdf_blocks(pages: list[list[PdfLine]]) -> list[Block]:
    all_lines = [line for lines in pages for line in lines if line.text]
    sizes = heading_sizes(all_lines, body_font_size(all_lines))
    blocks: list[Block] = []
    headers = TableHeaders()
    tables: list[_PageTable] = []  # this page's
    for page_number, page in enumerate(pages, start=1):
        # As wide as the page's text without tables, however its tables cut it up.
        width = wrap_width(
            [line.text for line in join_legal_titles(page, _line_text, _join_lines)[0]]
        )
        segment: list[PdfLine] = []
        for line in [*page, PdfLine("", None, table=_END_OF_PAGE)]:
            if line.table is None:
                segment.append(line)
                continue
            blocks = _merge_across_pages(
                blocks, _segment_blocks(segment, page_number, blocks, sizes, width)
            )
            if line.table is not _END_OF_PAGE:
                blocks = _add_table(blocks, line.table, headers, tables, page_number)
            segment = []
        blocks = _captions_below(blocks, tables, page_number)
    return blocks


def _add_table(
    blocks: list[Block], table: PdfTable, headers: TableHeaders, tables: list[_PageTable], page_number: int
) -> list[Block]:
    # A table that opens a page right after one that closed the page before runs on.
    at_top = not any(block.page == page_number for block in blocks)
    rows, header_rows, cut_row = headers.rows(
        table, continued=at_top and bool(blocks) and blocks[-1].kind == "row"
    )
    if headers.continued:
        caption = headers.caption
    else:
        caption = caption_before(blocks) if header_rows != 0 else label_before(blocks, page_number)
    headers.caption = caption
    new = [replace(b, page=page_number) for b in table_blocks(rows, caption=caption, header_rows=header_rows)]
    if cut_row and new:  # the row the page break cut, whole, replaces its first part
        new[0] = replace(new[0], page=blocks[-1].page, page_end=page_number)
        blocks = blocks[:-1]
    tables.append(_PageTable(len(blocks), rows, caption, header_rows))
    return blocks + new


def _captions_below(blocks: list[Block], tables: list[_PageTable], page: int) -> list[Block]:
    """A table without a "Tabelle N" line above it takes one set below it on its page ("Tab. 1 | …",
    as the Epidemiologisches Bulletin does)."""
    for start, rows, caption, header_rows in tables:
        if caption and CAPTION_LINE.match(caption):
            continue
        below = next(
            (b for b in blocks[start:] if b.page == page and b.kind == "paragraph" and is_caption(b.text)),
            None,
        )
        if below is not None:
            renamed = [
                replace(b, page=page) for b in table_blocks(rows, caption=below.text, header_rows=header_rows)
            ]
            blocks = [*blocks[:start], *renamed, *blocks[start + len(renamed) :]]
    tables.clear()
    return blocks


def _segment_blocks(
    page_lines: list[PdfLine],
    page_number: int,
    blocks: list[Block],
    heading_sizes: list[float],
    wrap_width: float | None,
) -> list[Block]:
    """Blocks of a page, or of the part of a page before, between or after its tables."""
    page_lines, legal_headings = join_legal_titles(page_lines, _line_text, _join_lines)
    in_list = bool(blocks) and blocks[-1].kind == "list"
    texts = [line.text for line in page_lines]
    if heading_sizes:
        levels = size_heading_levels(page_lines, heading_sizes)
        # Sections of a law are set in the body size, so only their shape shows them.
        levels = [
            LEGAL_HEADING_LEVEL if level is None and index in legal_headings else level
            for index, level in enumerate(levels)
        ]
        texts, levels = merge_wrapped_headings(texts, levels)
        items = list_item_texts(texts, wrap_width, after_item=in_list)
        structural = structural_headings(texts, items, wrap_width)
        levels = [
            LEGAL_HEADING_LEVEL if level is None and heading and is_legal_heading(text) else level
            for text, level, heading in zip(texts, levels, structural, strict=True)
        ]
    else:
        items = list_item_texts(texts, wrap_width, after_item=in_list)
        structural = structural_headings(texts, items, wrap_width)
        levels = [
            structural_heading_level(text, 2) if heading or index in legal_headings else None
            for index, (text, heading) in enumerate(zip(texts, structural, strict=True))
        ]
    levels = [None if item is not None else level for level, item in zip(levels, items, strict=True)]
    return assemble_lines(texts, levels, items, wrap_width, page=page_number)


def _line_text(line: PdfLine) -> str:
    return line.text


def _join_lines(first: PdfLine, second: PdfLine) -> PdfLine:
    return PdfLine(f"{first.text} {second.text}", first.size)



def _merge_across_pages(blocks: list[Block], page_blocks: list[Block]) -> list[Block]:
    """Join a paragraph or list that runs over a page break; it keeps the page where it starts and
    notes the one where it ends.

    A list continues with the next page's first list ("3. ..." | "4. ..."), and its last item with
    a lowercase first paragraph (the wrapped rest of the item), after which a list may follow.
    """
    if not blocks or not page_blocks:
        return blocks + page_blocks
    last, first = blocks[-1], page_blocks[0]
    continues = not ends_with_terminal(last.text) and starts_lowercase(first.text)
    if last.kind == first.kind == "paragraph" and continues:
        merged = replace(last, text=join_wrapped(last.text, first.text), page_end=first.page)
        return blocks[:-1] + [merged] + page_blocks[1:]
    if last.kind != "list":
        return blocks + page_blocks
    rest = page_blocks
    if first.kind == "paragraph" and continues:
        last = _continued_list((*last.items[:-1], join_wrapped(last.items[-1], first.text)), last, first)
        rest = rest[1:]
    if rest and rest[0].kind == "list":
        last = _continued_list((*last.items, *rest[0].items), last, rest[0])
        rest = rest[1:]
    return blocks[:-1] + [last] + rest


def _continued_list(items: Sequence[str], last: Block, continuation: Block) -> Block:
    return replace(list_block(items, last.page), page_end=continuation.page)


def _pdf_metadata_title(reader: PdfReader) -> str | None:
    try:
        metadata = reader.metadata
        raw = metadata.title if metadata else None
    except Exception:
        return None  # a broken Info dictionary must not fail an otherwise readable file
    title = single_line(str(raw)) if raw else ""
    return title if title and not _JUNK_TITLES.match(title) else None
