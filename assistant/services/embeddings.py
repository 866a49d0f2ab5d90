"""Embeddings of arbitrary texts with the assistant's own model, for the OpenAI-compatible
``/v1/embeddings`` (clients that build their own index or compare texts), and token counts in
that model's word pieces (the ``usage`` of the OpenAI endpoints)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from assistant.components.embedding.encoder import SentenceEncoder

InputType = Literal["query", "passage"]


@dataclass(frozen=True)
class Embedded:
    vectors: np.ndarray  # one normalised float32 row per text
    tokens: int


class EmbeddingService:
    def __init__(self, encoder: SentenceEncoder, model_name: str) -> None:
        self.encoder = encoder
        # "bundled:multilingual-e5-small", "intfloat/multilingual-e5-small", a folder: the last name.
        self.model_id = model_name.removeprefix("bundled:").rstrip("/").rsplit("/", 1)[-1]

    def embed(self, texts: Sequence[str], input_type: InputType = "query") -> Embedded:
        # The e5 prefixes go through the encoder, as for retrieval: vectors comparable with the index.
        encode = self.encoder.encode_queries if input_type == "query" else self.encoder.encode_passages
        return Embedded(vectors=encode(list(texts)), tokens=self.count_tokens(texts))

    def count_tokens(self, texts: Sequence[str]) -> int:
        return sum(self.encoder.count_tokens(list(texts)))
