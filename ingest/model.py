"""Data passed between the loaders, the cleanup rules and the chunker."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

# "row": one table row rendered with its headers and caption (ingest/tables.py), kept whole.
BlockKind = Literal["heading", "paragraph", "list", "row"]

# The enumerator a list item carries in its own text: "1.", "2)", "3a.", "a)", "aa)", "(1)", "(2a)",
# "(b)", "iv.", "B.". It is part of the content (a law cites "Nummer 2", "Buchstabe a"), so it stays.
# Letters count single or doubled only, so "ca. 50" is text; an abbreviation that opens an item
# ("z. B. ...", "d. h. ...") is not an enumerator either.
ITEM_ENUMERATOR = re.compile(
    r"^(?:\d{1,3}[a-z]?[.)]|([a-zA-Z])\1?[.)]|[ivx]{1,5}[.)]|[IVX]{1,5}[.)]"
    r"|\((?:\d{1,3}[a-z]?|([a-z])\2?|[ivx]{1,5})\))"
    r"(?=\s)(?!\s+[^\W\d_]\.(?:\s|$))"
)


@dataclass(frozen=True)
class Block:
    """One structural unit of a document, in reading order.

    A heading has ``level`` 1..6. A list keeps its entries in ``items`` (a numbered entry with its
    enumerator, "1. ...") and ``text`` holds them as :func:`list_text` renders them, one per line.
    ``page`` is 1-based and set only for paged formats (PDF), where the block starts.
    """

    kind: BlockKind
    text: str
    level: int = 0
    page: int | None = None
    items: tuple[str, ...] = ()
    page_end: int | None = None  # set when the block runs over a page break: the page it ends on


def list_item_line(item: str) -> str:
    """One list entry as a line of text: a numbered item shows its own number, others a bullet."""
    return item if ITEM_ENUMERATOR.match(item) else f"• {item}"


def list_text(items: Iterable[str]) -> str:
    return "\n".join(list_item_line(item) for item in items)


@dataclass
class ParsedDocument:
    """What a loader extracts from one file, before chunking."""

    blocks: list[Block]
    title: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    ocr_pages: list[int] = field(default_factory=list)  # 1-based pages whose text came from OCR
    # For the ingest report, "German (English)": what was left out and why (unread scanned pages).
    notes: list[str] = field(default_factory=list)


# Called with (pages done, pages in the file) while a paged file is read, so that a long ingestion can
# say "Seite 12/100".
PageProgress = Callable[[int, int], None]


class LoaderError(Exception):
    """A file that cannot be ingested; ``code`` is stable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
