"""What retrieval hands to an answerer: passages with their scores.

These types sit at the bottom of the house so that the store (which returns chunks), the retrieval
service (which makes passages) and the answerer components (which read them) all import them
downward.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

Metadata = dict[str, Any]


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    metadata: Metadata
    similarity: float  # cosine similarity, 1.0 = identical direction


@dataclass(frozen=True)
class Passage:
    chunk: StoredChunk
    score: float  # fused relevance in [0, 1], relative to this question's candidates
    dense: float  # cosine similarity to the question
    lexical: float  # BM25 score

    @property
    def id(self) -> str:
        return self.chunk.id

    @property
    def text(self) -> str:
        return self.chunk.text

    @property
    def metadata(self) -> dict:
        return self.chunk.metadata


@dataclass(frozen=True)
class Retrieval:
    query: str
    query_vector: np.ndarray
    passages: list[Passage]
    encoder: str = ""  # name of the model that made ``query_vector``; an answerer may reuse it
