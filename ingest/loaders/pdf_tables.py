"""Ruled tables in a PDF: the grid from the drawn lines, the cell text from inside each cell.

pdfplumber finds these too, but it parses every page in Python (36 s on ../shared/realdocs, 19 s on
the Bundesanzeiger alone, which has no table) and calls charts and form boxes tables. pypdfium2
reads the drawn paths and the text of a rectangle in C, so the whole set costs about a second.

A table here is a set of touching thin horizontal and vertical strokes with at least three
horizontal and two vertical lines (two rows, one column boundary). Rows are the bands between the
horizontal lines; a column boundary counts in a row only where a vertical stroke crosses that row,
so merged cells stay whole. Candidates that are not data tables are dropped: fewer than two
columns or rows with text, or mostly rows with a single filled cell (prose in a box, a form field).
Whether the first row is a header is decided on the set: a bold or shaded first row of short
labels over a regular body is one; a first row set like the body is not (a value list such as the
DESH SEQ_TYPE values, "ILLUMINA | Illumina is ..."). Without that signal the rendering falls back
to the text's shape. A band holding several rows without rules between them (a column numbered
line by line) is read as those rows.

Tables without rules, columns aligned by whitespace, are found on the same page by
``pdf_columns.aligned_tables`` outside the ruled ones.
"""

from __future__ import annotations

import ctypes
import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ingest.loaders.common import single_line

# Word ends a wrapped line with its space ("HBA und \r\nSMC-B"); a line that ends in a letter
# without one was cut inside a word too long for the cell ("HealthcareSer\r\nvice").
_WRAP_WITH_SPACE = re.compile(r" \r?\n")
# Only a short rest is taken for a cut word: "Format\r\nurn:psc" is two lines, "Ser\r\nvice" one word.
# A short word of its own ("Geburtsdatum\r\ndes Getesteten") is no rest of a cut word.
_SHORT_WORDS = "der|die|das|des|dem|den|und|oder|im|in|am|an|zu|zum|zur|bei|mit|von|vom|für|auf|aus|ein|eine|ist|als|wie|bis|nach|the|of|and|to|for|or|is|a|an"
_WORD_CUT = re.compile(rf"(?<=[^\W\d_])\r?\n(?!(?:{_SHORT_WORDS})\b)(?=[a-zäöüß]{{1,4}}(?![\w:]))")
# A line that is one word cut at the cell's edge: "LDAP-Eintragst\r\nyp".
_LONE_WORD_CUT = re.compile(
    rf"(?:^|(?<=\n))([^\s\x02-]*[\x02-]?[^\W\d_]{{3,}})\r?\n(?!(?:{_SHORT_WORDS})\b)(?=[a-zäöüß]{{1,4}}(?![\w:]))"
)
_LABEL_LENGTH = 60
_NUMBERED_LINE = re.compile(r"^\d{2,}\b")
# Font weight from which a glyph counts as bold (400 is regular, 700 bold).
_BOLD = 600
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


Glyphs = Callable[[], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class PdfTable:
    """Cell texts row by row (top first) and the table's box in PDF units (y grows upwards)."""

    rows: list[list[str]]
    left: float
    bottom: float
    right: float
    top: float
    header: bool | None = None  # the first row is a header (True), data (False), or unknown (None)

    def holds(self, x: float, y: float) -> bool:
        return (
            self.left - _TOUCH <= x <= self.right + _TOUCH and self.bottom - _TOUCH <= y <= self.top + _TOUCH
        )


class TableHeaders:
    """The header row of the last table, for a table that runs over a page break.

    Word repeats the header row on the next page only when asked to; without it the continued
    part's first data row would be taken for its header. A continued part whose first row has an
    empty first cell is the rest of the row the page break cut (gematik Tabelle 1 and 3).
    """

    def __init__(self) -> None:
        self.header: list[str] = []
        self.has_header = True
        self.caption: str | None = None
        self.continued = False
        self.last_row: list[str] = []

    def rows(self, table: PdfTable, *, continued: bool) -> tuple[list[list[str]], int | None, bool]:
        """The rows to render, how many of them are header rows (None: let the text decide) and
        whether the first of the data rows completes the previous page's last row."""
        rows = table.rows
        same_width = len(rows[0]) == len(self.header or self.last_row)
        self.continued = continued and same_width and rows[0] != self.header
        if self.continued:
            cut_row = not rows[0][0] and bool(self.last_row) and len(self.last_row) == len(rows[0])
            if cut_row:
                joined = [" ".join(filter(None, pair)) for pair in zip(self.last_row, rows[0], strict=True)]
                rows = [joined, *rows[1:]]
            self.last_row = rows[-1]
            if not self.has_header:
                return rows, 0, cut_row
            return [self.header, *rows], 1, cut_row
        self.has_header = table.header is not False
        self.header = rows[0] if self.has_header else []
        self.last_row = rows[-1]
        return rows, (None if table.header is None else int(table.header)), False


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
    from ingest.loaders.pdf_columns import aligned_tables

    strokes, areas = _strokes(page)
    textpage = page.get_textpage()
    runs = functools.cache(lambda: text_runs(textpage))
    glyphs = functools.cache(lambda: _glyphs(textpage, runs()))  # read once, and only for a table found
    tables = []
    # The cheap test: a page with fewer strokes than a grid needs has no ruled table.
    if sum(s.horizontal for s in strokes) >= 3 and sum(not s.horizontal for s in strokes) >= 2:
        for group in _grids(strokes):
            table = _read_grid(group, textpage, glyphs, areas)
            if table is not None:
                tables.append(table)
    tables += aligned_tables(textpage, runs(), glyphs, tables)
    return sorted(tables, key=lambda table: -table.top)


def _strokes(page) -> tuple[list[_Stroke], list[tuple[float, float, float, float]]]:
    """Thin strokes (rules), and the boxes of wider paths (cell shading, frames)."""
    import pypdfium2.raw as pdfium_c

    strokes, areas = [], []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        width, height = right - left, top - bottom
        if height <= _THIN and width >= _MIN_LENGTH:
            strokes.append(_Stroke(True, (top + bottom) / 2, left, right))
        elif width <= _THIN and height >= _MIN_LENGTH:
            strokes.append(_Stroke(False, (left + right) / 2, bottom, top))
        elif width >= _MIN_LENGTH and height >= _MIN_LENGTH:
            areas.append((left, bottom, right, top))
    return strokes, areas


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


def _read_grid(group: list[_Stroke], textpage, glyphs, areas) -> PdfTable | None:
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
        texts = [_raw_cell_text(textpage, a, bottom, b, top) for a, b in itertools.pairwise(edges)]
        for cells in _stacked_rows(texts):
            # Merged cells fill the columns they span with "" so that every row has one cell per column.
            row = []
            for (a, b), text in zip(itertools.pairwise(edges), cells, strict=True):
                row += [text] + [""] * sum(1 for x in xs[1:-1] if a < x < b)
            rows.append(row)
    rows = _drop_empty_columns([row for row in rows if any(row)])
    if not _is_data_table(rows):
        return None
    bottom_y, top_y = ys[-1], ys[0]
    header = bold_first_row(glyphs(), left, right, ys)
    if not header and _shaded(areas, left, right, ys[0], ys[1]) and not _shaded(areas, left, right, ys[1], ys[2]):
        header = True  # a shaded first row over white ones (gematik's "Kürzel | Erläuterung")
    if header and not all(0 < len(cell) <= _LABEL_LENGTH for cell in rows[0]):
        header = None  # set off, but no labels: a form's bold first line ("☐ Als Untersuchungsstelle …")
    return PdfTable(rows, left, bottom_y, right, top_y, header)


def _shaded(areas, left: float, right: float, top: float, bottom: float) -> bool:
    """Is the band between ``top`` and ``bottom`` filled over most of the table's width?"""
    middle = (top + bottom) / 2
    covered = sum(
        min(r, right) - max(a_left, left)
        for a_left, a_bottom, r, a_top in areas
        if a_bottom <= middle <= a_top and a_top - a_bottom <= (top - bottom) + 2 * _MIN_CELL
    )
    return covered >= 0.5 * (right - left)


def bold_first_row(glyphs: tuple[np.ndarray, np.ndarray], left: float, right: float, ys: list[float]) -> bool | None:
    """Is the first band (between ``ys[0]`` and ``ys[1]``, top first) set bold over a regular body
    (down to ``ys[-1]``)? None when the glyphs say nothing."""
    boxes, weights = glyphs
    if not len(weights):
        return None
    x = (boxes[:, 0] + boxes[:, 2]) / 2
    y = (boxes[:, 1] + boxes[:, 3]) / 2
    inside = (x >= left) & (x <= right) & (weights > 0)
    first = inside & (y <= ys[0]) & (y >= ys[1])
    body = inside & (y < ys[1]) & (y >= ys[-1])
    if not first.any() or not body.any():
        return None
    bold_first = float((weights[first] >= _BOLD).mean())
    bold_body = float((weights[body] >= _BOLD).mean())
    if bold_first >= 0.6 and bold_body < 0.3:
        return True
    if bold_first < 0.3 and bold_body < 0.3:
        return False  # the first row looks like the rows below it: data, not labels
    return None


def text_runs(textpage) -> np.ndarray:
    """(left, bottom, right, top) of every run of text pdfium reports on the page: one per stretch
    of glyphs on a line in one font, split where a wide gap lies between them."""
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    count = max(pdfium_c.FPDFText_CountRects(raw, 0, -1), 0)
    runs = np.zeros((count, 4))
    left, top, right, bottom = (ctypes.c_double() for _ in range(4))
    refs = [ctypes.byref(value) for value in (left, top, right, bottom)]
    for index in range(count):
        pdfium_c.FPDFText_GetRect(raw, index, *refs)
        runs[index] = (left.value, bottom.value, right.value, top.value)
    return runs


def _glyphs(textpage, runs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The runs and the font weight of each (that of the glyph at its middle; -1 when none is)."""
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    weights = np.full(len(runs), -1.0)
    for index, (left, bottom, right, top) in enumerate(runs):
        char = pdfium_c.FPDFText_GetCharIndexAtPos(raw, (left + right) / 2, (bottom + top) / 2, 1.0, 1.0)
        if char >= 0:
            weights[index] = pdfium_c.FPDFText_GetFontWeight(raw, char)
    return runs, weights


def _raw_cell_text(textpage, left: float, bottom: float, right: float, top: float) -> str:
    if right - left < _MIN_CELL or top - bottom < _MIN_CELL:
        return ""
    return textpage.get_text_bounded(left=left, bottom=bottom, right=right, top=top).strip()


def _stacked_rows(texts: list[str]) -> list[list[str]]:
    """The cells of one band between two rules, as one row or, where the band holds several rows
    without rules between them, as those rows (BKG: "42 / 43 / 42 / 43" beside "Kreis / Landkreis /
    ..."). The evidence: a column whose every line starts with a number, as many lines as the
    tallest cell; a cell of wrapped text does not start each line with one."""
    lines = [text.splitlines() if text else [] for text in texts]
    count = max((len(cell) for cell in lines), default=0)
    numbered = any(
        len(cell) == count and all(_NUMBERED_LINE.match(line) for line in cell) for cell in lines
    )
    if count < 2 or not numbered:
        return [[_clean_cell(text) for text in texts]]
    return [[_clean_cell(cell[index]) if index < len(cell) else "" for cell in lines] for index in range(count)]


def _clean_cell(text: str) -> str:
    text = _WORD_CUT.sub("", text) if _WRAP_WITH_SPACE.search(text) else _LONE_WORD_CUT.sub(r"\1", text)
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
