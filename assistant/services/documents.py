"""Adding, replacing, listing and removing documents: parsing, chunking, embedding, bookkeeping."""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.components.embedding.encoder import SentenceEncoder
from assistant.components.file_store import FileStore, media_type
from assistant.components.vector_store import ChunkStore, Metadata, StoreUnavailable, clean_metadata
from assistant.language import detect_language
from assistant.models import DocumentInfo, FileResult, IngestReport
from assistant.retrieval_types import Passage
from assistant.services.document_input import (
    check_size,
    chunk_document,
    discover_files,
    ocr_options,
    read_file,
    read_sidecar,
)
from assistant.services.page_progress import PageCallback, PageReport
from assistant.settings import Settings
from assistant.startup import explain_failure
from ingest.chunking import CHUNK_FORMAT, embedding_text
from ingest.identity import content_hash, document_id_for, index_version, safe_filename
from ingest.loaders import parse_document
from ingest.model import LoaderError

log = logging.getLogger(__name__)

METADATA_FIELDS = ("id", "title", "region", "document_type", "language", "source")
# A record still "indexing" after this long belongs to a process that died, even where that process
# cannot be checked (another host sharing a Chroma server).
STALE_INTENT_SECONDS = 600

ProgressCallback = Callable[[int, int, str], None]


class DocumentNotFound(KeyError):
    pass


class OriginalMissing(LookupError):
    """The document exists but its original file is not stored (ingested before originals were
    kept, or the files directory was emptied)."""


@dataclass(frozen=True)
class DocumentChange:
    """What listeners (the audit trail) hear of: a document added, replaced or removed, and by whom."""

    action: str  # added | replaced | removed
    document_id: str
    actor: str
    filename: str | None = None
    content_hash: str | None = None


ChangeListener = Callable[[DocumentChange], None]
SYSTEM_ACTOR = "system"  # the bundled corpus at startup, the command line


@dataclass(frozen=True)
class Original:
    path: Path
    filename: str
    media_type: str


class DocumentService:
    def __init__(
        self,
        settings: Settings,
        store: ChunkStore,
        encoder: Callable[[], SentenceEncoder],
        files: FileStore | None = None,
    ) -> None:
        """``encoder`` is a provider: listing and removing documents should not load the model."""
        self.settings = settings
        self.store = store
        self._encoder = encoder
        self.files = files or FileStore(settings.originals_dir)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self.listeners: list[ChangeListener] = []

    @property
    def encoder(self) -> SentenceEncoder:
        return self._encoder()

    # queries
    def adjacent_passage(self, passage: Passage, step: int = 1) -> Passage | None:
        """The live chunk ``step`` chunks after ``passage`` in its document (-1: the one before), as
        a passage without scores."""
        other = adjacent_chunk_id(passage.id, step)
        chunks = [c for c in self.store.get_chunks([other] if other else []) if c.metadata.get("live")]
        return Passage(chunk=chunks[0], score=0.0, dense=0.0, lexical=0.0) if chunks else None

    def list_documents(self) -> list[DocumentInfo]:
        records = [r for r in self.store.list_records() if _listed(r)]
        return sorted((_info(r) for r in records), key=lambda d: d.title.lower())

    def get_document(self, document_id: str) -> DocumentInfo:
        record = self.store.get_record(document_id)
        if not record or not _listed(record):
            raise DocumentNotFound(document_id)
        return _info(record)

    def is_empty(self) -> bool:
        return not self.list_documents()

    def original(self, document_id: str) -> Original:
        """The stored original of a listed document."""
        info = self.get_document(document_id)
        if not self.files.has(info.content_hash):
            raise OriginalMissing(document_id)
        filename = info.filename or f"{document_id}"
        return Original(self.files.path(info.content_hash), filename, media_type(filename))

    # changes
    def ingest_paths(
        self,
        paths: Iterable[Path],
        progress: ProgressCallback | None = None,
        overrides: Mapping[str, Any] | None = None,
        pages: PageCallback | None = None,
        actor: str = SYSTEM_ACTOR,
    ) -> IngestReport:
        """Ingests files and folders; ``overrides`` beat the metadata of sidecar files. ``progress``
        hears of each file, ``pages`` of each page of a paged file."""
        files = discover_files(paths)
        report = IngestReport()
        self.recover()
        for index, path in enumerate(files):
            if progress:
                progress(index, len(files), path.name)
            report.results.append(self._ingest_path(path, overrides or {}, pages, actor))
        if progress:
            progress(len(files), len(files), "")
        return report

    def _ingest_path(
        self, path: Path, overrides: Mapping[str, Any], pages: PageCallback | None, actor: str
    ) -> FileResult:
        try:
            data = read_file(path, self.settings.max_file_mb)
            metadata = {**read_sidecar(path), **overrides}
        except LoaderError as exc:
            return FileResult(filename=path.name, status="failed", reason=exc.message, code=exc.code)
        return self.ingest_bytes(path.name, data, metadata, pages=pages, actor=actor)

    def ingest_bytes(
        self,
        filename: str,
        data: bytes,
        metadata: Mapping[str, Any] | None = None,
        document_id: str | None = None,
        pages: PageCallback | None = None,
        actor: str = SYSTEM_ACTOR,
    ) -> FileResult:
        """Adds or replaces one document. Never raises for bad input: failures come back as results."""
        filename = safe_filename(filename)
        metadata = {k: v for k, v in (metadata or {}).items() if k in METADATA_FIELDS and v not in (None, "")}
        doc_id = document_id or document_id_for(filename, metadata)
        try:
            check_size(data, self.settings.max_file_mb)
            with self._lock(doc_id):
                try:
                    result = self._ingest_locked(doc_id, filename, data, metadata, PageReport(pages))
                except (LoaderError, StoreUnavailable):  # the store is down for every file: the caller says 503
                    raise
                except Exception as exc:  # one broken file must never abort a batch
                    return self._failed(doc_id, filename, exc)
            if result.status in ("added", "updated"):
                action = "added" if result.status == "added" else "replaced"
                self._announce(DocumentChange(action, doc_id, actor, filename, content_hash(data)))
            return result
        except LoaderError as exc:  # raised before any write
            return FileResult(
                filename=filename, status="failed", document_id=doc_id, reason=exc.message, code=exc.code
            )

    def _failed(self, doc_id: str, filename: str, exc: Exception) -> FileResult:
        """The result for a file whose ingestion raised; called with the document's lock held."""
        problem = explain_failure(exc, self.settings)
        if problem is None:
            log.error("ingestion of %s failed", filename, exc_info=exc)
            self._abandon(doc_id)
            reason, code = f"Interner Fehler beim Verarbeiten (internal error): {exc}", "internal_error"
        else:
            # No clean-up write to a full or read-only store (embedded Chroma can block on one after
            # a failed write); recover() settles the intent at the next start or ingestion run.
            log.warning("ingestion of %s failed: %s", filename, problem.message)
            reason, code = problem.message, f"storage_{problem.code}"
        return FileResult(filename=filename, status="failed", document_id=doc_id, reason=reason, code=code)

    def _ingest_locked(
        self, doc_id: str, filename: str, data: bytes, metadata: dict[str, Any], pages: PageReport
    ) -> FileResult:
        data_hash = content_hash(data)
        version = index_version(data_hash, metadata, self._pipeline_signature())
        record = self.store.get_record(doc_id)
        # A document with unread (scanned) pages is read again: OCR may have been installed since.
        if record and record.get("version") == version and record.get("status") == "ready" and not record.get("notes"):
            self.files.put(data)  # documents ingested before originals were kept get theirs now
            return FileResult(
                filename=filename, status="unchanged", document_id=doc_id, chunks=int(record["chunks"])
            )

        parsed = parse_document(data, filename, ocr=ocr_options(self.settings), progress=pages.reading)
        title, chunks = chunk_document(parsed, filename, metadata, encoder=self.encoder, settings=self.settings)
        if not chunks:
            raise LoaderError("empty", "Die Datei enthält keinen verwertbaren Text (no usable text).")
        full_text = "\n".join(c.text for c in chunks)
        language = str(metadata.get("language") or parsed.metadata.get("language") or detect_language(full_text))

        now = _now()
        ready = {
            "id": doc_id,
            "status": "ready",
            "version": version,
            "content_hash": data_hash,
            "title": title,
            "region": metadata.get("region"),
            "document_type": metadata.get("document_type"),
            "language": language,
            "source": metadata.get("source"),
            "filename": filename,
            "chunks": len(chunks),
            "added_at": now,
            # "" rather than None: Chroma merges a record on upsert, so a stale note must be overwritten.
            "notes": " | ".join(parsed.notes),
        }
        # Stored before any record names it, so a listed document always has its original; a
        # failed ingestion releases it again when its intent is rolled back.
        self.files.put(data)
        # The intent carries the finished record: a process killed after publishing is rolled
        # forward by recover(), not back (the old chunks may already be gone by then).
        self.store.put_record(
            doc_id,
            {
                **(record or {}),
                "id": doc_id,
                "status": "indexing",
                "pending_version": version,
                "pending_record": json.dumps(clean_metadata(ready), ensure_ascii=False),
                "started_at": now,
                "owner": _this_process(),
            },
        )
        self.store.delete_chunks({"$and": [{"document_id": doc_id}, {"live": False}]})

        shared = {
            "document_id": doc_id,
            "version": version,
            "title": title,
            "region": metadata.get("region"),
            "document_type": metadata.get("document_type"),
            "language": language,
        }
        ids = [chunk_id(doc_id, version, c.position) for c in chunks]
        ocr_pages = set(parsed.ocr_pages)
        vectors = pages.embed(self.encoder, [embedding_text(title, c.section, c.text) for c in chunks])
        self.store.add_hidden_chunks(
            ids,
            vectors,
            [c.text for c in chunks],
            [
                {
                    **shared,
                    "section": c.section,
                    "page": c.page,
                    "page_end": c.page_end,
                    "legal": c.legal,
                    "position": c.position,
                    "ocr": c.page in ocr_pages,
                }
                for c in chunks
            ],
        )
        self.store.publish(ids)
        self._finish(doc_id, ready)
        if record and record.get("content_hash") and record["content_hash"] != data_hash:
            self._release(str(record["content_hash"]))
        status = "updated" if record and record.get("version") else "added"
        return FileResult(
            filename=filename, status=status, document_id=doc_id, chunks=len(chunks), notes=parsed.notes
        )

    def remove(self, document_id: str, actor: str = SYSTEM_ACTOR) -> None:
        with self._lock(document_id):
            record = self.store.get_record(document_id)
            if not record:
                raise DocumentNotFound(document_id)
            # Marked first: a process killed before the end leaves a record that is no longer listed
            # and that recover() removes completely, never a listed document without chunks.
            self.store.put_record(document_id, {**record, "status": "removing"})
            self._delete(document_id)
        filename = str(record.get("filename") or "") or None
        self._announce(DocumentChange("removed", document_id, actor, filename, str(record.get("content_hash") or "")))

    def _announce(self, change: DocumentChange) -> None:
        """Tells the listeners; a failing listener is logged, never undoes the change itself."""
        for listener in self.listeners:
            try:
                listener(change)
            except Exception:
                log.exception("listener of document changes failed (%s %s)", change.action, change.document_id)

    def _delete(self, document_id: str) -> None:
        record = self.store.get_record(document_id) or {}
        self.store.delete_chunks({"document_id": document_id})
        self.store.bump_revision()
        self.store.delete_record(document_id)
        self._release(str(record.get("content_hash") or ""))

    def _release(self, *digests: str) -> None:
        """Deletes stored originals no document refers to any more (the same bytes can be several
        documents, e.g. one file uploaded under two ids). Across processes sharing the files
        directory one race remains: another process storing the same bytes for a new document between
        this check and the delete. Its document then serves a clear 404 until the file is uploaded
        again (storing is idempotent); a lock across hosts is not worth that rare case."""
        wanted = {d for d in digests if d}
        if not wanted:
            return
        for record in self.store.list_records():
            wanted -= {str(record.get("content_hash") or ""), _pending_hash(record)}
        for digest in wanted:
            self.files.delete(digest)

    def recover(self) -> int:
        """Settles what a killed process left: intents of a process that is gone (or older than
        STALE_INTENT_SECONDS, for writers on other hosts) are finished if their chunks were already
        published, else rolled back to the last good version."""
        repaired = 0
        cutoff = time.time() - STALE_INTENT_SECONDS
        for record in self.store.list_records():
            if record.get("status") == "removing":  # deleting twice is harmless, so no owner check
                with self._lock(str(record["id"])):
                    self._delete(str(record["id"]))
                repaired += 1
                continue
            if record.get("status") != "indexing":
                continue
            if not (_process_gone(record.get("owner")) or _timestamp(record.get("started_at")) <= cutoff):
                continue
            doc_id = str(record["id"])
            with self._lock(doc_id):
                current = self.store.get_record(doc_id)  # another thread may have settled it meanwhile
                if current and current.get("status") == "indexing" and current.get("owner") == record.get("owner"):
                    self._settle(doc_id, current)
                    repaired += 1
        return repaired

    def _abandon(self, doc_id: str) -> None:
        """Settles this process's own intent after a failure, so a failed file leaves nothing behind."""
        try:
            record = self.store.get_record(doc_id)
            if record and record.get("status") == "indexing" and record.get("owner") == _this_process():
                self._settle(doc_id, record)
        except Exception as exc:  # e.g. the disk is still full: recover() retries after a restart
            log.warning("could not roll back the failed ingestion of %s: %s", doc_id, exc)

    def _settle(self, doc_id: str, record: Mapping[str, Any]) -> None:
        pending = json.loads(str(record.get("pending_record") or "null"))
        if pending and self._is_published(doc_id, pending):
            self._finish(doc_id, pending)
        else:
            self._roll_back(doc_id, record)

    def _is_published(self, doc_id: str, pending: Mapping[str, Any]) -> bool:
        where = {"$and": [{"document_id": doc_id}, {"version": pending["version"]}, {"live": True}]}
        return len(self.store.chunk_ids(where)) == int(pending["chunks"])

    # The revision is bumped before the record settles: a process killed in between leaves the
    # intent, and recover() bumps again, so changed chunks never sit behind an unchanged revision
    # (lexical indexes, saved with the revision they were built at, would not notice them).
    def _finish(self, doc_id: str, ready: Metadata) -> None:
        self.store.delete_chunks({"$and": [{"document_id": doc_id}, {"version": {"$ne": ready["version"]}}]})
        self.store.bump_revision()
        self.store.put_record(doc_id, ready)

    def _roll_back(self, doc_id: str, record: Mapping[str, Any]) -> None:
        self._roll_back_chunks(doc_id, record)
        self._release(_pending_hash(record))

    def _roll_back_chunks(self, doc_id: str, record: Mapping[str, Any]) -> None:
        good = record.get("version")
        self.store.delete_chunks({"$and": [{"document_id": doc_id}, {"live": False}]})
        if good:
            self.store.delete_chunks({"$and": [{"document_id": doc_id}, {"version": {"$ne": good}}]})
            self.store.bump_revision()
            # The intent's fields stay (Chroma merges metadata on upsert); they mean something only
            # while the status is "indexing".
            self.store.put_record(doc_id, {**record, "status": "ready"})
        else:
            self.store.delete_chunks({"document_id": doc_id})
            self.store.bump_revision()
            self.store.delete_record(doc_id)

    def _pipeline_signature(self) -> dict[str, Any]:
        return {
            "model": self.encoder.name,
            "chunk_tokens": self.settings.chunk_tokens,
            "overlap": self.settings.chunk_overlap_sentences,
            "format": CHUNK_FORMAT,
        }

    def _lock(self, doc_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(doc_id, threading.Lock())


def _info(record: Mapping[str, Any]) -> DocumentInfo:
    return DocumentInfo(
        id=str(record["id"]),
        title=str(record.get("title") or record["id"]),
        region=record.get("region"),
        document_type=record.get("document_type"),
        language=record.get("language"),
        source=record.get("source"),
        filename=record.get("filename"),
        content_hash=str(record.get("content_hash", "")),
        chunks=int(record.get("chunks", 0)),
        added_at=str(record.get("added_at", "")),
    )


def _pending_hash(record: Mapping[str, Any]) -> str:
    """The content hash of the version an ingestion intent is writing, if any. The intent's fields
    stay on a settled record (Chroma merges metadata), so only an "indexing" record counts."""
    if record.get("status") != "indexing":
        return ""
    try:
        pending = json.loads(str(record.get("pending_record") or "null"))
    except ValueError:
        return ""
    return str(pending.get("content_hash") or "") if isinstance(pending, dict) else ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _timestamp(value: Any) -> float:
    try:
        return datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        return 0.0


def _listed(record: Mapping[str, Any]) -> bool:
    """A document is listed once a version is complete and until its removal begins."""
    return bool(record.get("version")) and record.get("status") != "removing"


def _this_process() -> str:
    """Names this process so that another one can tell whether it is still running."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_start(pid)}"


def _process_gone(owner: Any) -> bool:
    """True when ``owner`` (from ``_this_process``) ran on this host and has ended; False when that
    cannot be known. The start time tells a reused pid (a restarted container's pid 1) apart."""
    host, _, rest = str(owner or "").partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    return _process_start(int(pid)) != started


def _process_start(pid: int) -> str | None:
    """The kernel's start time of a running process; None if there is none; "" where /proc is missing."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        if Path("/proc/self/stat").exists():
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return ""
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]  # field 22, counted after the command name


def chunk_id(document_id: str, version: str, position: int) -> str:
    return f"{document_id}::{version}::{position:05d}"


def adjacent_chunk_id(current: str, step: int = 1) -> str | None:
    """The id of the chunk ``step`` positions after ``current`` in the same version of its document."""
    head, _, position = current.rpartition("::")
    if not head or not position.isdigit() or int(position) + step < 0:
        return None
    return f"{head}::{int(position) + step:05d}"
