"""Checks and ingestion of uploaded files, shared by the HTTP API and the web UI.

A batch is checked as a whole before anything is stored: one unsupported or oversized file rejects
the request, so a refused upload never leaves half a batch behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from assistant.api.errors import ApiError
from assistant.api.options import MB, ServerOptions
from assistant.models import FileResult
from assistant.services.documents import SYSTEM_ACTOR, DocumentService
from assistant.services.page_progress import PageCallback
from ingest.identity import safe_filename
from ingest.loaders import SUPPORTED_EXTENSIONS

METADATA_FORM_FIELDS = ("title", "region", "document_type", "source", "language")


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def accepted_name(filename: str | None, size: int, options: ServerOptions) -> str:
    """The sanitised file name, or ApiError 415/413."""
    name = safe_filename(filename or "")
    extension = PurePath(name).suffix.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        allowed = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise ApiError(
            415,
            "unsupported_type",
            f"„{name}“: Dateityp „{extension or '(ohne Endung)'}“ wird nicht unterstützt; erlaubt sind {allowed} "
            f"(unsupported file type).",
        )
    if size > options.max_file_bytes:
        raise ApiError(
            413,
            "too_large",
            f"„{name}“ ist mit {size / MB:.1f} MB größer als erlaubt ({options.max_file_mb:g} MB je Datei) "
            f"(file too large).",
        )
    return name


def check_count(count: int, options: ServerOptions) -> None:
    if count == 0:
        raise ApiError(422, "no_files", "Keine Datei übermittelt (no file uploaded).")
    if count > options.max_upload_files:
        raise ApiError(
            413,
            "too_many_files",
            f"Zu viele Dateien: höchstens {options.max_upload_files} je Anfrage (too many files).",
        )


def upload_metadata(values: Mapping[str, str | None], file_count: int) -> dict[str, str]:
    metadata = {k: v.strip() for k, v in values.items() if k in METADATA_FORM_FIELDS and v and v.strip()}
    if "title" in metadata and file_count > 1:
        raise ApiError(
            422, "title_needs_single_file", "Ein Titel kann nur für eine einzelne Datei gesetzt werden (title needs one file)."
        )
    return metadata


def is_large_batch(uploads: Sequence[Upload], options: ServerOptions) -> bool:
    total_mb = sum(len(u.data) for u in uploads) / MB
    return len(uploads) > options.job_threshold_files or total_mb > options.job_threshold_mb


def ingest_uploads(
    documents: DocumentService,
    uploads: Iterable[Upload],
    metadata: Mapping[str, str],
    progress: Callable[[int, str], None] | None = None,
    pages: PageCallback | None = None,
    actor: str = SYSTEM_ACTOR,
) -> list[FileResult]:
    results: list[FileResult] = []
    for index, upload in enumerate(uploads):
        if progress:
            progress(index, upload.filename)
        results.append(documents.ingest_bytes(upload.filename, upload.data, metadata, pages=pages, actor=actor))
    return results


def replace_document(
    documents: DocumentService,
    document_id: str,
    upload: Upload,
    overrides: Mapping[str, str],
    actor: str = SYSTEM_ACTOR,
) -> FileResult:
    """New content under the same id; metadata not given again is kept from the current version."""
    current = documents.get_document(document_id)
    kept = {
        "title": current.title,
        "region": current.region,
        "document_type": current.document_type,
        "source": current.source,
    }
    metadata = {k: v for k, v in {**kept, **overrides}.items() if v}
    return documents.ingest_bytes(upload.filename, upload.data, metadata, document_id=document_id, actor=actor)


def failure_error(results: Sequence[FileResult]) -> ApiError | None:
    """ApiError 422 when no file of the batch could be ingested, else None."""
    if not results or any(r.status != "failed" for r in results):
        return None
    first = results[0]
    message = first.reason or "Die Datei konnte nicht verarbeitet werden (file could not be processed)."
    if len(results) > 1:
        message = f"Keine der {len(results)} Dateien konnte aufgenommen werden; erste: {message}"
    return ApiError(422, first.code or "ingest_failed", message, details=[r.model_dump() for r in results])
