"""Data passed between the loaders, the cleanup rules and the chunker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list"]


@dataclass(frozen=True)
class Block:
    """One structural unit of a document, in reading order.

    A heading has ``level`` 1..6. A list keeps its entries in ``items`` and ``text`` holds them
    joined one per line with a leading "• ". ``page`` is 1-based and set only for paged formats (PDF).
    """

    kind: BlockKind
    text: str
    level: int = 0
    page: int | None = None
    items: tuple[str, ...] = ()


@dataclass
class ParsedDocument:
    """What a loader extracts from one file, before chunking."""

    blocks: list[Block]
    title: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)


class LoaderError(Exception):
    """A file that cannot be ingested; ``code`` is stable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
