"""The embedding model behind one interface: a langchain ``Embeddings`` with numpy fast paths."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings


class SentenceEncoder(Embeddings):
    """Wraps a loaded SentenceTransformer and applies the model's query/passage prefixes.

    e5 models were trained with "query: " / "passage: " prefixes; leaving them out costs
    several points of retrieval quality, so every call site goes through this class.
    """

    def __init__(
        self,
        model,  # sentence_transformers.SentenceTransformer; untyped to keep import time low
        *,
        name: str,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = 16,
    ) -> None:
        self.model = model
        self.name = name
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.tokenizer = model.tokenizer
        self.dimension = int(model.get_embedding_dimension())
        self.max_seq_length = int(model.max_seq_length)
        prefix_tokens = max(self._raw_token_counts([query_prefix, passage_prefix]))
        # Room for <s> and </s> plus the longer prefix: a chunk within this never gets truncated.
        self.max_passage_tokens = self.max_seq_length - 2 - prefix_tokens

    # numpy API used by the services
    def encode_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts], show_progress)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts], False)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode_queries([text])[0]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Tokens each text takes without special tokens or prefix."""
        return self._raw_token_counts(list(texts))

    def _raw_token_counts(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        # Counting only (long texts are split by the chunker): no "longer than 512" warning.
        encoded = self.tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def _encode(self, texts: list[str], show_progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    # langchain Embeddings interface
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode_query(text).tolist()
