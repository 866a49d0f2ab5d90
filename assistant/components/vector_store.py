"""Chroma as the store of record: chunks with their embeddings, plus a small document registry.

Visibility protocol (why chunks carry a ``live`` flag): a document's new chunks are written hidden
(``live=False``), then made visible in one ``update`` call, then the previous version's chunks are
deleted, and only then does the registry record point at the new version. A process killed at any
point leaves either the old or the new version visible, never a half-written one; hidden leftovers
are swept by ``sweep_hidden`` and the next ingestion redoes the work because the registry still
holds the old content hash.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from assistant.settings import Settings

REVISION_ID = "__revision__"
# The registry holds no vectors, but Chroma requires one per record (and would otherwise call its
# default embedding function, which downloads a model).
_PLACEHOLDER_VECTOR = [1.0]

Metadata = dict[str, Any]


class StoreUnavailable(RuntimeError):
    """Chroma cannot be reached or opened."""


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    metadata: Metadata
    similarity: float  # cosine similarity, 1.0 = identical direction


def make_client(settings: Settings):
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as exc:  # chromadb raises many unrelated types for "cannot open"
        where = (
            f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else settings.chroma_dir
        )
        raise StoreUnavailable(f"Chroma-Speicher nicht erreichbar ({where}): {exc}") from exc


def clean_metadata(metadata: Mapping[str, Any]) -> Metadata:
    """Chroma rejects None values; absent keys mean the same to us."""
    return {k: v for k, v in metadata.items() if v is not None}


class ChunkStore:
    def __init__(self, client, collection_prefix: str) -> None:
        self.client = client
        self.chunks = client.get_or_create_collection(
            f"{collection_prefix}_chunks",
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
        )
        self.registry = client.get_or_create_collection(
            f"{collection_prefix}_documents", embedding_function=None
        )
        self.max_batch = int(client.get_max_batch_size())
        # The last revision this process wrote: its own readers must see its writes at once,
        # without waiting for their periodic check of the shared token.
        self.local_revision: str | None = None

    # chunks
    def add_hidden_chunks(
        self,
        ids: Sequence[str],
        embeddings: np.ndarray,
        texts: Sequence[str],
        metadatas: Sequence[Metadata],
    ) -> None:
        for start in range(0, len(ids), self.max_batch):
            end = start + self.max_batch
            self.chunks.upsert(
                ids=list(ids[start:end]),
                embeddings=embeddings[start:end],
                documents=list(texts[start:end]),
                metadatas=[clean_metadata({**m, "live": False}) for m in metadatas[start:end]],
            )

    def publish(self, ids: Sequence[str]) -> None:
        # One call, so that a document becomes visible all at once.
        self.chunks.update(ids=list(ids), metadatas=[{"live": True}] * len(ids))

    def delete_chunks(self, where: Metadata) -> None:
        self.chunks.delete(where=where)

    def chunk_ids(self, where: Metadata) -> list[str]:
        return list(self.chunks.get(where=where, include=[])["ids"])

    def sweep_hidden(self) -> int:
        hidden = self.chunk_ids({"live": False})
        if hidden:
            self.chunks.delete(ids=hidden)
        return len(hidden)

    def query(self, embedding: np.ndarray, k: int, where: Metadata | None) -> list[StoredChunk]:
        live_where = _and({"live": True}, where)
        result = self.chunks.query(
            query_embeddings=[np.asarray(embedding, dtype=np.float32)],
            n_results=k,
            where=live_where,
            include=["documents", "metadatas", "distances"],
        )
        return [
            StoredChunk(id=i, text=t, metadata=dict(m), similarity=1.0 - float(d))
            for i, t, m, d in zip(
                result["ids"][0],
                result["documents"][0],
                result["metadatas"][0],
                result["distances"][0],
                strict=True,
            )
        ]

    def get_chunks(self, ids: Sequence[str]) -> list[StoredChunk]:
        if not ids:
            return []
        result = self.chunks.get(ids=list(ids), include=["documents", "metadatas"])
        by_id = {
            i: StoredChunk(id=i, text=t, metadata=dict(m), similarity=0.0)
            for i, t, m in zip(result["ids"], result["documents"], result["metadatas"], strict=True)
        }
        return [by_id[i] for i in ids if i in by_id]

    def get_chunks_with_vectors(self, ids: Sequence[str]) -> list[tuple[StoredChunk, np.ndarray]]:
        if not ids:
            return []
        result = self.chunks.get(ids=list(ids), include=["documents", "metadatas", "embeddings"])
        return [
            (StoredChunk(id=i, text=t, metadata=dict(m), similarity=0.0), np.asarray(e, dtype=np.float32))
            for i, t, m, e in zip(
                result["ids"], result["documents"], result["metadatas"], result["embeddings"], strict=True
            )
        ]

    def iter_live_chunks(self, page_size: int = 2000) -> Iterator[tuple[list[str], list[str], list[Metadata]]]:
        offset = 0
        while True:
            page = self.chunks.get(
                where={"live": True}, include=["documents", "metadatas"], limit=page_size, offset=offset
            )
            if not page["ids"]:
                return
            yield list(page["ids"]), list(page["documents"]), [dict(m) for m in page["metadatas"]]
            offset += len(page["ids"])

    def count_live(self) -> int:
        return len(self.chunk_ids({"live": True}))

    # registry
    def get_record(self, document_id: str) -> Metadata | None:
        result = self.registry.get(ids=[document_id], include=["metadatas"])
        return dict(result["metadatas"][0]) if result["ids"] else None

    def list_records(self) -> list[Metadata]:
        result = self.registry.get(include=["metadatas"])
        return [dict(m) for i, m in zip(result["ids"], result["metadatas"], strict=True) if i != REVISION_ID]

    def put_record(self, document_id: str, record: Metadata) -> None:
        self.registry.upsert(
            ids=[document_id], embeddings=[_PLACEHOLDER_VECTOR], metadatas=[clean_metadata(record)]
        )

    def delete_record(self, document_id: str) -> None:
        self.registry.delete(ids=[document_id])

    # change detection for caches in this and other processes
    def revision(self) -> str:
        result = self.registry.get(ids=[REVISION_ID], include=["metadatas"])
        return str(result["metadatas"][0]["value"]) if result["ids"] else ""

    def bump_revision(self) -> str:
        # A random token, not a counter: concurrent writers need no read-modify-write.
        value = uuid.uuid4().hex
        self.registry.upsert(ids=[REVISION_ID], embeddings=[_PLACEHOLDER_VECTOR], metadatas=[{"value": value}])
        self.local_revision = value
        return value


def _and(base: Metadata, extra: Metadata | None) -> Metadata:
    if not extra:
        return base
    return {"$and": [base, extra]}
