"""Tables without rules: columns aligned by whitespace (BKG attribute lists, "Produkt: | VG250").

pdfium reports a page's text as rectangles, one per run of glyphs on a line; runs closer than a gap
of word spacing are one segment. A table is a block of at least three consecutive lines in which
at least two lines ("row lines") start at the same left edge and have a segment starting at one
shared column edge, with nothing crossing that edge, and the other lines ("continuation lines")
start at or right of it: the rest of a cell that runs over several lines.

Conservative on purpose, as prose must never be cut into cells:
- the first column holds short keys (a few words), never a column of prose (two-column pages);
- a last column of bare page numbers, or dotted leaders, is a table of contents, not a table;
- the first row is a header only when it is set bold over a regular body; otherwise the rows are
  rendered without labels, under their caption.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

import numpy as np

from ingest.loaders.common import single_line
from ingest.loaders.pdf_tables import Glyphs, PdfTable, bold_first_row

# A gap wider than this many line heights between two runs of a line separates columns.
_COLUMN_GAP = 1.5
# Lines further apart than this many line heights do not belong to one block.
_LINE_GAP = 1.6
# Left edges this close (points) are one column edge.
_ALIGN = 4.0
_MIN_LINES = 3
_MIN_ROWS = 2
_MAX_KEY_WORDS = 6
_MEDIAN_KEY_WORDS = 3
# A hanging-indent list looks like a two-column table: its "keys" are list markers or section
# numbers ("•", "1.", "a)", "2.1", "§ 2"); a key ending in a dash runs on into the next column.
_MARKER = re.compile(r"^(?:[•▪●◦o*–-]|\d{1,2}|\(?[0-9a-zA-Z]{1,4}[.)]|\d+(?:\.\d+)+\.?|§+\s*\d+\w?|.*[–-])$")
# A value this long that runs on into the next row's value is a line of prose.
_PROSE_LINE = 50
_PAGE_NUMBERS = re.compile(r"^\d{1,4}(?:\s+\d{1,4})*$")
# Chart labels (axis ticks, dates) line up in columns too: cells of figures only.
_FIGURES = re.compile(r"^[\d\s.,:/%+–-]*$")


@dataclass(frozen=True)
class Line:
    """A text line: its vertical extent and its segments (left, right), left to right."""

    top: float
    bottom: float
    segments: tuple[tuple[float, float], ...]

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass(frozen=True)
class ColumnBlock:
    """Lines ``start`` to ``end`` (inclusive) form a table with these column edges (left edges of
    every column but the first); ``rows`` are the indices of the lines that open a row."""

    start: int
    end: int
    edges: tuple[float, ...]
    rows: tuple[int, ...]


def aligned_tables(textpage, runs: np.ndarray, glyphs: Glyphs, ruled: Sequence[PdfTable]) -> list[PdfTable]:
    """Tables of one pdfium text page whose columns are aligned by whitespace, outside ``ruled``;
    ``runs`` are the page's text runs (``text_runs``), ``glyphs`` reads their font weights."""
    lines = page_lines(runs, ruled)
    tables = []
    for block in column_blocks(lines):
        table = _read_block(textpage, glyphs, lines, block)
        if table is not None:
            tables.append(table)
    return tables


def page_lines(rects: np.ndarray, ruled: Sequence[PdfTable] = ()) -> list[Line]:
    """Runs grouped into lines (top first) and, within a line, into segments split at wide gaps.

    Vectorised, as every page goes through it: a run starts a new line when its middle lies below
    the run before it (hyphens and footnote markers sit higher or lower, but overlap their line).
    """
    if not len(rects):
        return []
    rects = rects[(rects[:, 2] > rects[:, 0]) & (rects[:, 3] > rects[:, 1])]
    middles_x = (rects[:, 0] + rects[:, 2]) / 2
    middles_y = (rects[:, 1] + rects[:, 3]) / 2
    outside = np.ones(len(rects), dtype=bool)
    for table in ruled:
        outside &= ~(
            (middles_x >= table.left) & (middles_x <= table.right)
            & (middles_y >= table.bottom) & (middles_y <= table.top)
        )
    rects, middles_y = rects[outside], middles_y[outside]
    if not len(rects):
        return []
    rects, middles_y = rects[np.argsort(-middles_y, kind="stable")], np.sort(middles_y)[::-1]
    new_line = np.concatenate(([True], middles_y[1:] < rects[:-1, 1]))
    line_ids = np.cumsum(new_line) - 1
    order = np.lexsort((rects[:, 0], line_ids))
    rects, line_ids = rects[order], line_ids[order]
    starts = np.flatnonzero(np.concatenate(([True], line_ids[1:] != line_ids[:-1])))
    heights = np.maximum.reduceat(rects[:, 3] - rects[:, 1], starts)
    tops = np.maximum.reduceat(rects[:, 3], starts)
    bottoms = np.minimum.reduceat(rects[:, 1], starts)
    gaps = rects[1:, 0] - rects[:-1, 2]
    cut = np.concatenate(([True], (line_ids[1:] != line_ids[:-1]) | (gaps > _COLUMN_GAP * heights[line_ids[1:]])))
    segment_starts = np.flatnonzero(cut)
    lefts = rects[segment_starts, 0]
    rights = np.maximum.reduceat(rects[:, 2], segment_starts)
    segments: list[list[tuple[float, float]]] = [[] for _ in starts]
    for line, left, right in zip(line_ids[segment_starts].tolist(), lefts.tolist(), rights.tolist(), strict=True):
        segments[line].append((left, right))
    return [
        Line(top, bottom, tuple(parts))
        for top, bottom, parts in zip(tops.tolist(), bottoms.tolist(), segments, strict=True)
    ]


def column_blocks(lines: Sequence[Line]) -> list[ColumnBlock]:
    """Blocks of lines whose segments align in columns (see the module docstring)."""
    blocks = []
    index = 0
    while index < len(lines):
        block = _block_from(lines, index)
        if block is None:
            index += 1
            continue
        blocks.append(block)
        index = block.end + 1
    return blocks


def _block_from(lines: Sequence[Line], start: int) -> ColumnBlock | None:
    first = lines[start]
    if len(first.segments) < 2:
        return None
    key_left, edge = first.segments[0][0], first.segments[1][0]
    rows = [start]
    end = start
    lefts = [edge]  # where the second column's text starts, line by line
    for index in range(start + 1, len(lines)):
        line, previous = lines[index], lines[index - 1]
        if previous.bottom - line.top > _LINE_GAP * max(previous.height, line.height):
            break
        if _is_row_line(line, key_left, edge):
            rows.append(index)
            lefts += [left for left, _ in line.segments[1:] if abs(left - edge) <= _ALIGN]
        elif line.segments[0][0] < edge - _ALIGN:
            break
        else:
            lefts.append(line.segments[0][0])
        end = index
    if end - start + 1 < _MIN_LINES or len(rows) < _MIN_ROWS:
        return None
    # The column starts where its leftmost line does, so no first letter is read into the key column.
    edge = min(left for left in lefts if left >= edge - _ALIGN)
    return ColumnBlock(start, end, (edge, *_more_edges([lines[i] for i in rows], edge)), tuple(rows))


def _is_row_line(line: Line, key_left: float, edge: float) -> bool:
    segments = line.segments
    if abs(segments[0][0] - key_left) > _ALIGN or len(segments) < 2:
        return False
    at_edge = any(abs(left - edge) <= _ALIGN for left, _ in segments[1:])
    crossing = any(left < edge - _ALIGN < right + _ALIGN and right > edge - _ALIGN for left, right in segments)
    return at_edge and not crossing


def _more_edges(rows: list[Line], edge: float) -> list[float]:
    """Column edges right of the first that at least two thirds of the row lines share."""
    lefts = sorted(left for line in rows for left, _ in line.segments if left > edge + _ALIGN)
    edges: list[float] = []
    for left in lefts:
        if edges and left - edges[-1] <= _ALIGN:
            continue
        shared = sum(any(abs(l2 - left) <= _ALIGN for l2, _ in line.segments) for line in rows)
        if shared * 3 >= len(rows) * 2 and shared >= _MIN_ROWS:
            edges.append(left)
    return edges


def _read_block(textpage, glyphs: Glyphs, lines: Sequence[Line], block: ColumnBlock) -> PdfTable | None:
    chosen = lines[block.start : block.end + 1]
    left = min(line.segments[0][0] for line in chosen)
    right = max(line.segments[-1][1] for line in chosen)
    bounds = [left, *block.edges, right + 1]
    rows: list[list[list[str]]] = []
    for index in range(block.start, block.end + 1):
        line = lines[index]
        cells = [
            textpage.get_text_bounded(left=a - 1, bottom=line.bottom, right=b - 1, top=line.top)
            for a, b in zip(bounds, bounds[1:], strict=False)
        ]
        if index in block.rows or not rows:
            rows.append([[cell] for cell in cells])
        else:
            for parts, cell in zip(rows[-1], cells, strict=True):
                parts.append(cell)
    table_rows = [[_cell(parts) for parts in row] for row in rows]
    if not is_table_like(table_rows):
        return None
    bottom, top = chosen[-1].bottom, chosen[0].top
    first_row_end = lines[block.rows[1] - 1].bottom
    header = bold_first_row(glyphs(), left, right, [top, first_row_end, bottom]) is True
    return PdfTable(table_rows, left, bottom, right, top, header=header)


def _cell(parts: list[str]) -> str:
    text = "\n".join(part.replace("\x02", "-\n").strip() for part in parts if part.strip())
    return single_line(text)


def is_table_like(rows: Sequence[Sequence[str]]) -> bool:
    """Short keys in the first column, no contents page; see the module docstring."""
    keys = [row[0] for row in rows]
    words = [len(key.split()) for key in keys]
    if not all(keys) or max(words) > _MAX_KEY_WORDS or median(words) > _MEDIAN_KEY_WORDS:
        return False
    if sum(bool(_MARKER.match(key)) for key in keys) * 2 >= len(keys):
        return False
    cells = [cell for row in rows for cell in row]
    if any("...." in cell or "…" in cell for cell in cells):
        return False
    # Side notes beside a column of prose: the "values" read on from row to row as one text.
    flowing = sum(
        bool(row[1][:1].islower())
        and len(after[1]) >= _PROSE_LINE
        and not after[1].rstrip().endswith((".", ":", "!", "?", ")"))
        for after, row in zip(rows, rows[1:], strict=False)
        if len(row) > 1
    )
    if flowing * 3 >= len(rows) - 1:
        return False
    values = [cell for row in rows for cell in row[1:] if cell]
    if sum(bool(_FIGURES.match(cell)) for cell in values) * 2 >= len(values):
        return False
    last = [row[-1] for row in rows if row[-1]]
    return not all(_PAGE_NUMBERS.match(cell) for cell in last)
