"""Chroma as the store of record: chunks with their embeddings, plus a small document registry.

Visibility protocol (why chunks carry a ``live`` flag): a document's new chunks are written hidden
(``live=False``), then made visible in one ``update`` call, then the previous version's chunks are
deleted, and only then does the registry record point at the new version. A process killed at any
point leaves either the old or the new version visible, never a half-written one; hidden leftovers
are swept by ``sweep_hidden`` and the next ingestion redoes the work because the registry still
holds the old content hash.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import chromadb
import httpx
import numpy as np
from chromadb.api.base_http_client import BaseHTTPClient
from chromadb.config import Settings as ChromaSettings

from assistant.retrieval_types import Metadata, StoredChunk
from assistant.settings import Settings

REVISION_ID = "__revision__"
# The registry holds no vectors, but Chroma requires one per record (and would otherwise call its
# default embedding function, which downloads a model).
_PLACEHOLDER_VECTOR = [1.0]
# Extra neighbours fetched so that a few hidden (half-written) chunks do not force a second query.
_HIDDEN_SLACK = 8

# chromadb 1.x builds its HTTP session with timeout=None and has no setting for it
# (chromadb/api/fastapi.py): a Chroma host that stops answering would hold every request forever.
# Short connect and pool waits make an unreachable server a quick 503; the read limit leaves room
# for the largest batch write on a busy server.
HTTP_TIMEOUT = httpx.Timeout(30.0, connect=3.0, pool=3.0)

log = logging.getLogger(__name__)



class StoreUnavailable(RuntimeError):
    """Chroma cannot be reached or opened."""


def make_client(settings: Settings):
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_host:
            return _http_client(settings, chroma_settings)
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as exc:  # chromadb raises many unrelated types for "cannot open"
        hint = (
            " Läuft dort `chroma run`? ASSISTANT_CHROMA_HOST/ASSISTANT_CHROMA_PORT prüfen (is the Chroma server running?)"
            if settings.chroma_host
            else ""
        )
        raise StoreUnavailable(f"Chroma-Speicher nicht erreichbar ({_where(settings)}): {exc}.{hint}") from exc


def _http_client(settings: Settings, chroma_settings: ChromaSettings):
    # The client's constructor already talks to the server, without a timeout: one bounded
    # heartbeat first turns an unreachable host into a quick failure.
    api_url = BaseHTTPClient.resolve_url(
        chroma_server_host=settings.chroma_host,
        chroma_server_http_port=settings.chroma_port,
        default_api_path=chroma_settings.chroma_server_api_default_path,
    )
    httpx.get(f"{api_url}/heartbeat", timeout=HTTP_TIMEOUT).raise_for_status()
    client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = HTTP_TIMEOUT
    else:
        log.warning("chromadb's HTTP session not found: requests to Chroma run without a timeout")
    return client


def _where(settings: Settings) -> str:
    return f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else str(settings.chroma_dir)


@contextmanager
def _reachable(location: str) -> Iterator[None]:
    """Turns "the Chroma server cannot be reached" (refused, timed out, connection dropped) into
    StoreUnavailable, so callers answer 503 instead of an internal error. Nothing is retried here:
    the next request simply tries again, which is how the assistant recovers once Chroma is back."""
    try:
        yield
    except httpx.TransportError as exc:
        raise StoreUnavailable(f"Chroma-Speicher nicht erreichbar ({location}): {exc!r}") from exc


class _Reachable:
    """A Chroma collection (or client) whose calls raise StoreUnavailable when the server is out of
    reach. Wrapping the handles, not each store method, covers every call, present and future."""

    def __init__(self, target: Any, location: str) -> None:
        self._target = target
        self._location = location

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._target, name)
        if not callable(attribute):
            return attribute
        return self._guarded(attribute)

    def _guarded(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            with _reachable(self._location):
                return method(*args, **kwargs)

        return call


def clean_metadata(metadata: Mapping[str, Any]) -> Metadata:
    """Chroma rejects None values; absent keys mean the same to us."""
    return {k: v for k, v in metadata.items() if v is not None}


class ChunkStore:
    def __init__(self, client, collection_prefix: str) -> None:
        location = f"collection {collection_prefix}"
        self.client = client = _Reachable(client, location)
        # The handles stay valid across a restart of the Chroma server (collections are addressed
        # by id, and the server keeps ids in its --path), so they are fetched once.
        self.chunks = _Reachable(
            client.get_or_create_collection(
                f"{collection_prefix}_chunks",
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
            ),
            location,
        )
        self.registry = _Reachable(
            client.get_or_create_collection(f"{collection_prefix}_documents", embedding_function=None), location
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
        # Filtering on `live` inside Chroma costs ~2.4x per query, yet hidden chunks exist only while a
        # document is being written. So ask without it, drop hidden hits, and only when they crowded
        # out live ones take the exact (filtered) path.
        wanted = k + _HIDDEN_SLACK
        hits = self._nearest(embedding, wanted, where)
        live = [hit for hit in hits if hit.metadata.get("live") is True]
        if len(live) >= k or len(hits) < wanted:
            return live[:k]
        return self._nearest(embedding, k, _and({"live": True}, where))

    def _nearest(self, embedding: np.ndarray, k: int, where: Metadata | None) -> list[StoredChunk]:
        result = self.chunks.query(
            query_embeddings=[np.asarray(embedding, dtype=np.float32)],
            n_results=k,
            where=where or None,
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

    def document_chunks(self, document_id: str) -> list[tuple[StoredChunk, np.ndarray]]:
        """A document's live chunks with their stored vectors, in document order."""
        result = self.chunks.get(
            where={"$and": [{"document_id": document_id}, {"live": True}]},
            include=["documents", "metadatas", "embeddings"],
        )
        found = [
            (StoredChunk(id=i, text=t, metadata=dict(m), similarity=0.0), np.asarray(e, dtype=np.float32))
            for i, t, m, e in zip(
                result["ids"], result["documents"], result["metadatas"], result["embeddings"], strict=True
            )
        ]
        return sorted(found, key=lambda item: int(item[0].metadata.get("position", 0)))

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
