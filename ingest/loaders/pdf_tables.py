"""Ruled tables in a PDF: the grid from the drawn lines, the cell text from inside each cell.

pdfplumber finds these too, but it parses every page in Python (36 s on ../shared/realdocs, 19 s on
the Bundesanzeiger alone, which has no table) and calls charts and form boxes tables. pypdfium2
reads the drawn paths and the text of a rectangle in C, so the whole set costs about a second.

A table here is a set of touching thin horizontal and vertical strokes with at least three
horizontal and two vertical lines (two rows, one column boundary). Rows are the bands between the
horizontal lines; a column boundary counts in a row only where a vertical stroke crosses that row,
so merged cells stay whole. Candidates that are not data tables are dropped: fewer than two
columns or rows with text, or mostly rows with a single filled cell (prose in a box, a form field).
Tables without rules (columns aligned by spaces) are not recognised.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ingest.loaders.common import single_line

_LINE_END_HYPHEN = re.compile(r"\x02\s*(?=(\w))")
# A narrow cell may put the hyphen of a broken word at the start of the next line: "Feldeigen\n- schaft".
_HYPHEN_ON_NEXT_LINE = re.compile(r"(?<=[^\W\d_])\n- ?([a-zäöüß])")
# A stroke thinner than this (points) is a line, not a shaded area.
_THIN = 2.5
_MIN_LENGTH = 6.0
# Strokes closer than this belong to one grid, and positions closer than this are one line.
_TOUCH = 2.0
_MIN_CELL = 4.0
# Word leaves a gap of about 4 points between a cell's side rule and the rule above it.
_REACH = 6.0


@dataclass(frozen=True)
class PdfTable:
    """Cell texts row by row (top first) and the table's box in PDF units (y grows upwards)."""

    rows: list[list[str]]
    left: float
    bottom: float
    right: float
    top: float

    def holds(self, x: float, y: float) -> bool:
        return (
            self.left - _TOUCH <= x <= self.right + _TOUCH and self.bottom - _TOUCH <= y <= self.top + _TOUCH
        )


class TableHeaders:
    """The header row of the last table, for a table that runs over a page break.

    Word repeats the header row on the next page only when asked to; without it the continued
    part's first data row would be taken for its header.
    """

    def __init__(self) -> None:
        self.header: list[str] = []
        self.caption: str | None = None
        self.continued = False

    def rows(self, rows: list[list[str]], *, continued: bool) -> list[list[str]]:
        self.continued = continued and len(rows[0]) == len(self.header) and rows[0] != self.header
        if self.continued:
            return [self.header, *rows]
        self.header = rows[0]
        return rows


@dataclass(frozen=True)
class _Stroke:
    horizontal: bool
    at: float  # y of a horizontal, x of a vertical stroke
    start: float
    end: float


def find_tables(data: bytes, pages: set[int] | None = None) -> dict[int, list[PdfTable]]:
    """Tables per 1-based page number (only ``pages`` if given); pages without a table are left out.
    A file pypdfium2 cannot open has no tables: the text is read by pypdf all the same."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except Exception:
        return {}
    found: dict[int, list[PdfTable]] = {}
    try:
        for number, page in enumerate(document, 1):
            if pages is not None and number not in pages:
                continue
            tables = _page_tables(page)
            if tables:
                found[number] = tables
    except Exception:
        return found  # a broken page ends the search, never the ingestion
    finally:
        document.close()
    return found


def _page_tables(page) -> list[PdfTable]:
    strokes = _strokes(page)
    if sum(s.horizontal for s in strokes) < 3 or sum(not s.horizontal for s in strokes) < 2:
        return []  # the cheap test: most pages end here without reading any text
    textpage = page.get_textpage()
    tables = []
    for group in _grids(strokes):
        table = _read_grid(group, textpage)
        if table is not None:
            tables.append(table)
    return sorted(tables, key=lambda table: -table.top)


def _strokes(page) -> list[_Stroke]:
    import pypdfium2.raw as pdfium_c

    strokes = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        width, height = right - left, top - bottom
        if height <= _THIN and width >= _MIN_LENGTH:
            strokes.append(_Stroke(True, (top + bottom) / 2, left, right))
        elif width <= _THIN and height >= _MIN_LENGTH:
            strokes.append(_Stroke(False, (left + right) / 2, bottom, top))
    return strokes


def _touch(a: _Stroke, b: _Stroke) -> bool:
    if a.horizontal == b.horizontal:  # collinear pieces of one line, or parallel lines overlapping
        return abs(a.at - b.at) <= _TOUCH and a.start <= b.end + _TOUCH and b.start <= a.end + _TOUCH
    h, v = (a, b) if a.horizontal else (b, a)
    return h.start - _REACH <= v.at <= h.end + _REACH and v.start - _REACH <= h.at <= v.end + _REACH


def _grids(strokes: list[_Stroke]) -> list[list[_Stroke]]:
    """Connected groups of touching strokes (union-find)."""
    parent = list(range(len(strokes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(strokes):
        for j in range(i + 1, len(strokes)):
            if _touch(a, strokes[j]):
                parent[root(i)] = root(j)
    groups: dict[int, list[_Stroke]] = {}
    for i, stroke in enumerate(strokes):
        groups.setdefault(root(i), []).append(stroke)
    return list(groups.values())


def _positions(values: list[float]) -> list[float]:
    """Distinct line positions, strokes within _TOUCH of each other (double rules) as one."""
    merged: list[float] = []
    for value in sorted(values):
        if not merged or value - merged[-1] > _MIN_CELL:
            merged.append(value)
    return merged


def _read_grid(group: list[_Stroke], textpage) -> PdfTable | None:
    horizontals = [s for s in group if s.horizontal]
    verticals = [s for s in group if not s.horizontal]
    ys = _positions([s.at for s in horizontals])[::-1]  # top first
    xs = _positions([s.at for s in verticals])
    if len(ys) < 3 or len(xs) < 2:
        return None
    left, right = min(s.start for s in horizontals), max(s.end for s in horizontals)
    # The outer frame may be drawn by the horizontals alone: their ends are column edges too.
    xs = _positions([*xs, left, right])
    rows = []
    for top, bottom in itertools.pairwise(ys):
        middle = (top + bottom) / 2
        inner = [
            x
            for x in xs[1:-1]
            if any(abs(v.at - x) <= _MIN_CELL and v.start <= middle <= v.end for v in verticals)
        ]
        edges = [xs[0], *inner, xs[-1]]
        cells = [_cell_text(textpage, a, bottom, b, top) for a, b in itertools.pairwise(edges)]
        # Merged cells fill the columns they span with "" so that every row has one cell per column.
        row = []
        for (a, b), text in zip(itertools.pairwise(edges), cells, strict=True):
            row += [text] + [""] * sum(1 for x in xs[1:-1] if a < x < b)
        rows.append(row)
    rows = _drop_empty_columns([row for row in rows if any(row)])
    if not _is_data_table(rows):
        return None
    bottom_y, top_y = ys[-1], ys[0]
    return PdfTable(rows, left, bottom_y, right, top_y)


def _cell_text(textpage, left: float, bottom: float, right: float, top: float) -> str:
    if right - left < _MIN_CELL or top - bottom < _MIN_CELL:
        return ""
    text = textpage.get_text_bounded(left=left, bottom=bottom, right=right, top=top)
    # pdfium marks a hyphen at a line end with U+0002: "Hin\x02weise", "Feld\x02Nr.".
    text = _LINE_END_HYPHEN.sub(lambda m: "-" if m.group(1).isupper() else "", text)
    text = _HYPHEN_ON_NEXT_LINE.sub(r"\1", text.replace("\r\n", "\n").replace("\r", "\n"))
    return single_line(text)  # which rejoins "Erläute-\nrung"


def _drop_empty_columns(rows: list[list[str]]) -> list[list[str]]:
    width = max((len(row) for row in rows), default=0)
    rows = [row + [""] * (width - len(row)) for row in rows]
    keep = [column for column in range(width) if any(row[column] for row in rows)]
    return [[row[column] for column in keep] for row in rows]


def _is_data_table(rows: list[list[str]]) -> bool:
    if len(rows) < 2 or max(len(row) for row in rows) < 2:
        return False
    filled = [sum(1 for cell in row if cell) for row in rows]
    # A box of prose or a form with one field per line has one filled cell in most rows.
    return sum(count >= 2 for count in filled) * 2 >= len(rows)
