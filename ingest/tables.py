"""Tables as quotable rows: every data row carries its column headers and the table's caption.

A bare row ("Notfallversorgung | 10 Prozent") says nothing on its own; an answer quoting it has to
say what the numbers are. So each row becomes one unit, "Förderquoten – Förderbereich:
Notfallversorgung · Anteil: 10 Prozent", which the chunker keeps whole and the answerer quotes whole.
The loaders (DOCX, HTML, Markdown) only hand over cells; the rendering is the same for all formats.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.model import Block

CELL_SEPARATOR = " · "
CAPTION_SEPARATOR = " – "
# A caption written as a paragraph right before the table ("Tabelle 2: Förderquoten", "Tab. 3 …").
CAPTION_LINE = re.compile(r"^(?:Tabelle|Tab\.|Table)\s*[0-9IVX]+\b", re.IGNORECASE)
# A rendered row: "Header: value · Header: value", optionally after "Caption – ".
_ROW_TEXT = re.compile(r"^[^\n]*?[^\s:][^:\n]{0,80}: [^\n]*?" + re.escape(CELL_SEPARATOR) + r"[^\n]{0,80}?\S: ")
# A row of a table without a header row: "Caption – value · value" (the caption says what they are).
_BARE_ROW_TEXT = re.compile(
    r"^[^\n·]{1,200}?\S" + re.escape(CAPTION_SEPARATOR) + r"[^\n]*?\S" + re.escape(CELL_SEPARATOR) + r"\S"
)
# A definition line that names what a header-less list below it holds: "SEQ_TYPE: Verwendete
# Sequenzierungs-Plattform" (an identifier, a colon, a short description).
_LABEL_LINE = re.compile(r"^[A-Z][A-Z0-9_./-]{1,40}: \S.{0,100}$")
# A line that reads as a title: short, capitalised, no sentence end.
_TITLE_LINE = re.compile(r"^(?:\d+(?:\.\d+)*\s+)?(?P<title>[A-ZÄÖÜ][^.:;!?()=]{2,58})$")
_INTRO_LENGTH = 120
# How far back a header-less table looks for its label line.
_LABEL_REACH = 8


def table_blocks(
    rows: Sequence[Sequence[str]], *, caption: str | None = None, header_rows: int | None = None
) -> list[Block]:
    """Row blocks for one table. ``header_rows`` is known for HTML (``<th>``) and Markdown; else the
    first row is taken as the header when the table has a body and the first row's cells are short
    labels (no cell over 60 characters, no empty cell)."""
    rows = [[_clean(cell) for cell in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    if header_rows is None:
        header_rows = 1 if len(rows) > 1 and all(0 < len(cell) <= 60 for cell in rows[0]) else 0
    headers = _merged_headers(rows[:header_rows])
    body = rows[header_rows:]
    if not body:  # a header without data (or a one-row table): keep the text, no labels to add
        return [Block("row", _with_caption(caption, CELL_SEPARATOR.join(_distinct(rows[0]))))]
    return [Block("row", _with_caption(caption, row_text(headers, row))) for row in body]


def row_text(headers: Sequence[str], cells: Sequence[str]) -> str:
    """"Header: value · Header: value"; a cell without a header (or a merged repeat) stands alone."""
    parts: list[str] = []
    for index, cell in enumerate(cells):
        if not cell or (index and cell == cells[index - 1]):  # empty, or one merged cell seen twice
            continue
        header = headers[index] if index < len(headers) else ""
        parts.append(f"{header}: {cell}" if header and header != cell else cell)
    return CELL_SEPARATOR.join(parts)


def is_row_text(paragraph: str) -> bool:
    """A paragraph that is one rendered table row (the answerer quotes it whole)."""
    return "\n" not in paragraph and bool(_ROW_TEXT.match(paragraph) or _BARE_ROW_TEXT.match(paragraph))


def parse_row(paragraph: str) -> tuple[str | None, list[tuple[str, str]]] | None:
    """A rendered row read back: its caption and its (header, value) cells, so that a reader can be
    shown the table again; None for a paragraph that is no row. A header merged from several header
    rows ("Kosten – 2024") before the first cell is read as the caption: the text cannot tell."""
    if not is_row_text(paragraph):
        return None
    first, *rest = paragraph.split(CELL_SEPARATOR)
    caption, _, first = first.rpartition(CAPTION_SEPARATOR)
    cells = []
    for cell in [first, *rest]:
        header, found, value = cell.partition(": ")
        cells.append((header.strip(), value.strip()) if found else ("", cell.strip()))
    return (caption.strip() or None), cells


def is_caption(paragraph: str) -> bool:
    """A paragraph that names a table: "Tabelle 2: Förderquoten", "Tab. 1 | Start von Maßnahmen"."""
    return bool(CAPTION_LINE.match(paragraph)) and len(paragraph) <= 200


def caption_before(blocks: Sequence[Block]) -> str | None:
    """The caption of a table that follows ``blocks``: a "Tabelle 2: …" paragraph right before it,
    else the heading it stands under."""
    if blocks and blocks[-1].kind == "paragraph" and is_caption(blocks[-1].text):
        return blocks[-1].text
    return next((b.text for b in reversed(blocks) if b.kind == "heading"), None)


def label_before(blocks: Sequence[Block], page: int | None) -> str | None:
    """The caption of a table without a header row: a "Tabelle 2: …" line right before it, else the
    nearest definition line on its page ("SEQ_TYPE: Verwendete Sequenzierungs-Plattform"), else the
    heading it stands under. The rows have no column labels, so the caption must name the field."""
    if blocks and blocks[-1].kind == "paragraph" and is_caption(blocks[-1].text):
        return blocks[-1].text
    nearby = []
    for block in list(reversed(blocks))[:_LABEL_REACH]:
        if block.page != page or block.kind in ("heading", "row"):
            break
        if block.kind == "paragraph":
            nearby.append(block.text)
    label = next((text for text in nearby if _LABEL_LINE.match(text)), None)
    # Else the sentence that introduces the table ("Die Shape-Dateien haben folgenden Dateiaufbau:"),
    # else the nearest title-like line (a heading the layout did not mark: "Linien", "4.1 SHAPE-Format").
    if label is None and nearby and nearby[0].endswith(":") and len(nearby[0]) <= _INTRO_LENGTH:
        label = nearby[0]
    if label is None:
        title = next((match for text in nearby if (match := _TITLE_LINE.match(text))), None)
        # Without its section number: "4.1" names no value of the rows (and answers no "wie viele").
        label = title.group("title") if title else None
    return label or caption_before(blocks)


def _merged_headers(header_rows: list[list[str]]) -> list[str]:
    """Several header rows become one label per column ("Kosten – 2024")."""
    width = max((len(row) for row in header_rows), default=0)
    labels: list[str] = []
    for column in range(width):
        parts = [row[column] for row in header_rows if column < len(row) and row[column]]
        labels.append(CAPTION_SEPARATOR.join(_distinct(parts)))
    return labels


def _with_caption(caption: str | None, text: str) -> str:
    caption = _clean(caption or "").rstrip(":")
    return f"{caption}{CAPTION_SEPARATOR}{text}" if caption else text


def _distinct(parts: Sequence[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if part and (not out or out[-1] != part):
            out.append(part)
    return out


def _clean(cell: str) -> str:
    return " ".join(cell.split())
