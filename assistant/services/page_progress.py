"""Page-level progress of one file: its pages read, then its chunks embedded page by page.

A 100-page PDF takes long enough that "file 1 of 1" says nothing; callers (CLI, jobs API, web UI)
get ``(stage, page, pages)`` instead: "reading" while the loader reads page after page, "embedding"
while the encoder works through the chunks, reported by the last page each batch reaches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np

from assistant.components.embedding.encoder import SentenceEncoder
from ingest.chunking import Chunk

Stage = Literal["reading", "embedding"]
PageCallback = Callable[[Stage, int, int], None]
# Chunks embedded between two reports: small enough for a report every page or two, large enough
# that the encoder's own batching is not cut short.
_EMBED_BATCH = 32


class PageReport:
    """Relays the progress of one file to ``callback``; silent for files without pages."""

    def __init__(self, callback: PageCallback | None) -> None:
        self.callback = callback
        self.pages = 0

    def reading(self, done: int, total: int) -> None:
        self.pages = total
        if self.callback:
            self.callback("reading", done, total)

    def embed(self, encoder: SentenceEncoder, texts: Sequence[str], chunks: Sequence[Chunk]) -> np.ndarray:
        if not self.callback or not self.pages:
            return encoder.encode_passages(texts)
        parts = []
        for start in range(0, len(texts), _EMBED_BATCH):
            parts.append(encoder.encode_passages(texts[start : start + _EMBED_BATCH]))
            last = chunks[min(start + _EMBED_BATCH, len(chunks)) - 1]
            self.callback("embedding", min(last.page_end or last.page or self.pages, self.pages), self.pages)
        self.callback("embedding", self.pages, self.pages)
        return np.concatenate(parts) if parts else encoder.encode_passages(texts)
