"""Headings of a PDF by font size: sizes clearly above the body text's are heading levels."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ingest.loaders.common import join_wrapped
from ingest.loaders.lines import (
    HEADING_NUMBER,
    MAX_HEADING_WORDS,
    is_heading_shaped,
    is_legal_heading,
    starts_lowercase,
)
from ingest.loaders.pdf_text import PdfLine

_HEADING_SIZE_RATIO = 1.15


def body_font_size(lines: Sequence[PdfLine]) -> float | None:
    weights: Counter[float] = Counter()
    for line in lines:
        if line.size is not None:
            weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else None


def heading_sizes(lines: Sequence[PdfLine], body_size: float | None) -> list[float]:
    """Font sizes used for headings, largest first; empty when the PDF gives no size signal."""
    if body_size is None:
        return []
    sizes = {
        line.size
        for line in lines
        if line.size is not None
        and line.size >= body_size * _HEADING_SIZE_RATIO
        and is_heading_shaped(line.text)
    }
    return sorted(sizes, reverse=True)


def size_heading_levels(lines: Sequence[PdfLine], heading_sizes: Sequence[float]) -> list[int | None]:
    levels: list[int | None] = []
    for index, line in enumerate(lines):
        level = _size_heading_level(lines, index, heading_sizes)
        previous = lines[index - 1] if index else None
        if level is None and previous is not None and levels[-1] is not None and line.size == previous.size:
            # The wrapped rest of a heading may start lowercase ("... der\ninnovativen Medizin").
            level = levels[-1] if 0 < len(line.text.split()) <= MAX_HEADING_WORDS else None
        levels.append(level)
    return levels


def _size_heading_level(lines: Sequence[PdfLine], index: int, heading_sizes: Sequence[float]) -> int | None:
    line = lines[index]
    following = lines[index + 1] if index + 1 < len(lines) else PdfLine("", None)
    # A lowercase next line continues the text, unless it is the wrapped rest of the heading itself.
    continues_as_body = starts_lowercase(following.text) and following.size != line.size
    if line.size not in heading_sizes or not is_heading_shaped(line.text) or continues_as_body:
        return None
    return min(heading_sizes.index(line.size) + 1, 6)


def merge_wrapped_headings(
    texts: Sequence[str], levels: Sequence[int | None]
) -> tuple[list[str], list[int | None]]:
    """A long heading set in a large font wraps onto a second line of the same size."""
    merged_texts: list[str] = []
    merged_levels: list[int | None] = []
    for text, level in zip(texts, levels, strict=True):
        # A section number opens a heading of its own: "§ 2 ..." never continues "§ 1 Anspruch".
        continuation = not HEADING_NUMBER.match(text) and not is_legal_heading(text)
        if level is not None and merged_levels and merged_levels[-1] == level and continuation:
            merged_texts[-1] = join_wrapped(merged_texts[-1], text)
            continue
        merged_texts.append(text)
        merged_levels.append(level)
    return merged_texts, merged_levels


def wrap_width(texts: Sequence[str]) -> float | None:
    lengths = sorted(len(text) for text in texts if text)
    if not lengths:
        return None
    return float(lengths[int(len(lengths) * 0.9) - 1] if len(lengths) >= 5 else lengths[-1])
