"""Finds the passages for a question: dense search in Chroma fused with the lexical (BM25) index.

Fusion is a weighted sum of min-max-normalised scores over the union of both candidate lists; on
GermanQuAD dev it beats reciprocal rank fusion clearly (see ``bench/germanquad.py``). Candidates
found by only one side get their missing score computed exactly (cosine from the stored vector,
BM25 from the index), so fusion never guesses a zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from assistant.components.embedding.encoder import SentenceEncoder
from assistant.components.lexical.synced import SyncedLexicalIndex
from assistant.components.vector_store import ChunkStore
from assistant.filters import Filters, to_chroma_where
from assistant.retrieval_types import Passage, Retrieval, StoredChunk
from ingest.legal import asked_positions

RetrievalMode = Literal["hybrid", "dense", "lexical"]


@dataclass(frozen=True)
class FusionConfig:
    mode: RetrievalMode = "hybrid"
    dense_weight: float = 0.6  # chosen on GermanQuAD dev (bench/tune_hybrid.py)
    candidates: int = 30  # per side, before fusion


class RetrievalService:
    def __init__(
        self,
        store: ChunkStore,
        encoder: SentenceEncoder,
        lexical: SyncedLexicalIndex,
        fusion: FusionConfig | None = None,
    ) -> None:
        self.store = store
        self.encoder = encoder
        self.lexical = lexical
        self.fusion = fusion or FusionConfig()

    def retrieve(
        self, query: str, k: int, filters: Filters | None = None, mode: RetrievalMode | None = None
    ) -> Retrieval:
        vector = self.encoder.encode_query(query)
        return self.retrieve_with_vector(query, vector, k, filters, mode)

    def retrieve_with_vector(
        self,
        query: str,
        vector: np.ndarray,
        k: int,
        filters: Filters | None = None,
        mode: RetrievalMode | None = None,
    ) -> Retrieval:
        mode = mode or self.fusion.mode
        filters = filters or {}
        pool = max(k, self.fusion.candidates)
        dense_hits = {} if mode == "lexical" else self._dense(vector, pool, filters)
        lexical_scores, lexical_ids = self._lexical(query, pool, filters)
        candidates = dict(dense_hits)
        if mode != "dense":
            missing = [i for i in lexical_ids if i not in candidates]
            candidates.update(self._with_similarity(missing, vector))
        # "nach § 10 Absatz 3": the chunks of that section are candidates whatever their wording.
        at_law = self.lexical.at_law_sections([p.section for p in asked_positions(query)], filters)
        candidates.update(self._with_similarity([i for i in at_law if i not in candidates], vector))
        if not candidates:
            return Retrieval(query=query, query_vector=vector, passages=[], encoder=self.encoder.name)

        ids = list(candidates)
        dense = np.array([candidates[i].similarity for i in ids])
        lexical = lexical_scores(ids)
        if mode == "dense":
            fused = dense
        elif mode == "lexical":
            fused = lexical
        else:
            w = self.fusion.dense_weight
            fused = w * _min_max(dense) + (1.0 - w) * _min_max(lexical)
        row = {chunk_id: r for r, chunk_id in enumerate(ids)}
        order = _with_pinned(np.argsort(-fused, kind="stable"), [row[i] for i in at_law if i in row], k)
        shown = _min_max(fused) if mode == "lexical" else fused
        passages = [
            Passage(chunk=candidates[ids[i]], score=float(shown[i]), dense=float(dense[i]), lexical=float(lexical[i]))
            for i in order
        ]
        return Retrieval(query=query, query_vector=vector, passages=passages, encoder=self.encoder.name)

    def _dense(self, vector: np.ndarray, pool: int, filters: Filters) -> dict[str, StoredChunk]:
        return {c.id: c for c in self.store.query(vector, pool, to_chroma_where(filters))}

    def _lexical(self, query: str, pool: int, filters: Filters):
        self.lexical.refresh()
        index = self.lexical.index
        if not len(index):
            return (lambda ids: np.zeros(len(ids))), []
        all_scores = index.score_all(query, self.lexical.mask(filters))
        pool = min(pool, len(all_scores))
        top = np.argpartition(-all_scores, pool - 1)[:pool]
        index_ids = index.ids
        top_ids = [index_ids[r] for r in top if all_scores[r] > 0]

        def scores_for(ids: list[str]) -> np.ndarray:
            return np.array([all_scores[index.position(i)] if i in index else 0.0 for i in ids])

        return scores_for, top_ids

    def _with_similarity(self, ids: list[str], vector: np.ndarray) -> dict[str, StoredChunk]:
        if not ids:
            return {}
        found = self.store.get_chunks_with_vectors(ids)
        return {
            c.id: StoredChunk(id=c.id, text=c.text, metadata=c.metadata, similarity=float(v @ vector))
            for c, v in found
            if c.metadata.get("live")
        }


# At most this many chunks of an asked section of a law are kept among the passages.
_PINNED = 3


def _with_pinned(ranked: np.ndarray, pinned: list[int], k: int) -> np.ndarray:
    """The first ``k`` of ``ranked``, with the best ``_PINNED`` of ``pinned`` among them: a chunk of
    the asked section that is not there yet replaces the lowest-ranked other one."""
    top = [int(r) for r in ranked[:k]]
    wanted = set(pinned)
    best = [int(r) for r in ranked if int(r) in wanted][:_PINNED]
    missing = [r for r in best if r not in top]
    others = [r for r in top if r not in best]
    dropped = set(others[len(others) - len(missing) :]) if missing else set()
    return np.array([r for r in top if r not in dropped] + missing, dtype=int)


def _min_max(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-12:
        return np.ones_like(values) if high > 0 else np.zeros_like(values)
    return (values - low) / (high - low)
