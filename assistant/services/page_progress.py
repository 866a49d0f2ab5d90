"""Page-level progress of one file: its pages read, then its chunks embedded.

A 100-page PDF takes long enough that "file 1 of 1" says nothing; callers (CLI, jobs API, web UI)
get ``(stage, page, pages)`` instead: "reading" while the loader reads page after page, "embedding"
while the encoder works through the chunks, reported as the share of chunks embedded, in pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np

from assistant.components.embedding.encoder import SentenceEncoder

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

    def embed(self, encoder: SentenceEncoder, texts: Sequence[str]) -> np.ndarray:
        if not self.callback or not self.pages:
            return encoder.encode_passages(texts)
        if not texts:
            return encoder.encode_passages(texts)
        # Longest first over the whole document, not page by page: the encoder pads each batch to its
        # longest text, and batches of similar length carry little padding (on the 101-page bench PDF
        # 69k instead of 97k tokens). A vector does not depend on its batch, so the result is the same.
        order = sorted(range(len(texts)), key=lambda index: -len(texts[index]))
        vectors = np.empty((len(texts), encoder.dimension), dtype=np.float32)
        for start in range(0, len(order), _EMBED_BATCH):
            rows = order[start : start + _EMBED_BATCH]
            vectors[rows] = encoder.encode_passages([texts[index] for index in rows])
            # Progress is the share of the document embedded, counted in pages.
            self.callback("embedding", max(1, self.pages * (start + len(rows)) // len(texts)), self.pages)
        self.callback("embedding", self.pages, self.pages)
        return vectors
