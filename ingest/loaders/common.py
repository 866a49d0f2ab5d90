"""Block-building helpers every format loader uses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ingest.model import Block, list_text
from ingest.normalize import normalize_text


def join_wrapped(previous: str, text: str) -> str:
    return single_line(previous + "\n" + text)


def single_line(text: str) -> str:
    """One-line block text; normalize_text first so hyphenation at line ends is repaired."""
    return " ".join(normalize_text(text).split())


def list_block(items: Sequence[str], page: int | None = None) -> Block:
    kept = tuple(item for item in items if item)
    return Block("list", list_text(kept), page=page, items=kept)


def first_heading(blocks: Iterable[Block], prefer_level: int) -> str | None:
    headings = [block for block in blocks if block.kind == "heading"]
    preferred = [block for block in headings if block.level == prefer_level]
    chosen = preferred or headings
    return chosen[0].text if chosen else None


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
          (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip


def roman_numeral(value: int) -> str:
    """Lower-case Roman numeral of a positive number, for list markers (HTML, Word)."""
    digits = []
    for amount, symbol in _ROMAN:
        count, value = divmod(value, amount)
        digits.append(symbol * count)
    return "".join(digits)
