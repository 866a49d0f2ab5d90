"""Document management: list, show, upload (one or many), replace, remove; background jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import FileResponse, JSONResponse

from assistant.api import deps
from assistant.api.auth import require_editor, require_reader
from assistant.api.errors import ApiError, not_found
from assistant.api.jobs import Job
from assistant.api.options import ServerOptions
from assistant.api.schemas import (
    EDITOR_ERRORS,
    READER_ERRORS,
    JobAccepted,
    UploadResponse,
    error_responses,
)
from assistant.api.uploads import (
    Upload,
    accepted_name,
    check_count,
    failure_error,
    ingest_uploads,
    is_large_batch,
    replace_document,
    upload_metadata,
)
from assistant.components.file_store import SERVED_MEDIA_TYPES
from assistant.models import DocumentInfo, FileResult
from ingest.identity import is_valid_document_id

# 422 also when no file of the batch could be read; `details` then holds the result per file.
_UPLOAD_ERRORS = {
    **EDITOR_ERRORS,
    **error_responses(413, 415, 422, 503, s422="Ungültige Eingabe oder Datei nicht verwertbar (invalid input or file)"),
}
_UNKNOWN_DOCUMENT = error_responses(404, 503, s404="Unbekanntes Dokument (no such document)")

Meta = Annotated[str | None, Form()]


def build_router(options: ServerOptions) -> APIRouter:
    """Built per app because the upload size limit comes from the settings."""
    router = APIRouter(tags=["Dokumente / documents"])
    upload_limit = options.max_upload_request_bytes

    @router.get(
        "/documents",
        response_model=list[DocumentInfo],
        responses={**READER_ERRORS, **error_responses(503)},
        dependencies=[Depends(require_reader)],
    )
    async def list_documents(request: Request) -> list[DocumentInfo]:
        """Alle aufgenommenen Dokumente, nach Titel sortiert."""
        return await deps.ingest_thread(request, deps.container(request).documents.list_documents)

    @router.get(
        "/documents/{document_id}",
        response_model=DocumentInfo,
        responses={**READER_ERRORS, **_UNKNOWN_DOCUMENT},
        dependencies=[Depends(require_reader)],
    )
    async def get_document(request: Request, document_id: str) -> DocumentInfo:
        _check_id(document_id)
        return await deps.ingest_thread(request, deps.container(request).documents.get_document, document_id)

    @router.get(
        "/documents/{document_id}/file",
        response_class=FileResponse,
        responses={
            **READER_ERRORS,
            **error_responses(404, 503, s404="Unbekanntes Dokument oder keine Originaldatei gespeichert (no such document or no original)"),
            200: {
                "description": "Die Originaldatei, wie sie hochgeladen wurde (the original file as uploaded)",
                "content": {media: {} for media in SERVED_MEDIA_TYPES},
            },
        },
        dependencies=[Depends(require_reader)],
    )
    async def original_file(request: Request, document_id: str) -> FileResponse:
        """Die Originaldatei eines Dokuments (mit Dateiname und Inhaltstyp)."""
        _check_id(document_id)
        original = await deps.ingest_thread(request, deps.container(request).documents.original, document_id)
        # inline: a browser shows a PDF or text in place; the name is kept for saving it.
        return FileResponse(
            original.path, media_type=original.media_type, filename=original.filename, content_disposition_type="inline"
        )

    @router.post(
        "/documents",
        response_model=UploadResponse,
        responses={202: {"model": JobAccepted, "description": "Großer Stapel: läuft als Hintergrundauftrag"}, **_UPLOAD_ERRORS},
        dependencies=[Depends(require_editor)],
        max_body_size=upload_limit,
    )
    async def upload_documents(
        request: Request,
        user: deps.User,
        files: Annotated[
            list[UploadFile],
            File(
                description="Eine oder mehrere Dateien (txt, md, html, pdf, docx); höchstens ASSISTANT_MAX_UPLOAD_FILES.",
                json_schema_extra={"minItems": 1},
            ),
        ],
        title: Meta = None,
        region: Meta = None,
        document_type: Meta = None,
        source: Meta = None,
        language: Meta = None,
    ):
        """Dokumente hinzufügen oder (bei gleichem Dateinamen) aktualisieren; Ergebnis je Datei.

        Große Stapel (mehr als `job_threshold_files` Dateien oder `job_threshold_mb` MB) laufen im
        Hintergrund: Antwort 202 mit `job_id`, Fortschritt unter `GET /api/v1/jobs/{job_id}`.
        """
        opts = deps.options(request)
        check_count(len(files), opts)
        metadata = upload_metadata(
            dict(title=title, region=region, document_type=document_type, source=source, language=language), len(files)
        )
        uploads = [await _read(f, opts) for f in files]
        documents = deps.container(request).documents
        if is_large_batch(uploads, opts):
            job = deps.jobs(request).submit(
                len(uploads), lambda progress, pages: ingest_uploads(documents, uploads, metadata, progress, pages, user)
            )
            accepted = JobAccepted(job_id=job.job_id, status_url=f"{request.url.path.rsplit('/', 1)[0]}/jobs/{job.job_id}")
            return JSONResponse(accepted.model_dump(), status_code=202)
        results = await deps.ingest_thread(request, ingest_uploads, documents, uploads, metadata, actor=user)
        _raise_if_all_failed(results)
        return UploadResponse(results=results)

    @router.put(
        "/documents/{document_id}",
        response_model=FileResult,
        responses={**_UPLOAD_ERRORS, **_UNKNOWN_DOCUMENT},
        dependencies=[Depends(require_editor)],
        max_body_size=options.max_file_bytes + 1024 * 1024,
    )
    async def replace(
        request: Request,
        user: deps.User,
        document_id: str,
        file: Annotated[UploadFile, File(description="Die neue Fassung des Dokuments.")],
        title: Meta = None,
        region: Meta = None,
        document_type: Meta = None,
        source: Meta = None,
        language: Meta = None,
    ) -> FileResult:
        """Ein Dokument durch eine neue Datei ersetzen; nicht angegebene Metadaten bleiben erhalten.

        Schlägt die neue Datei fehl, bleibt die bisherige Fassung unverändert durchsuchbar.
        """
        _check_id(document_id)
        upload = await _read(file, deps.options(request))
        overrides = upload_metadata(
            dict(title=title, region=region, document_type=document_type, source=source, language=language), 1
        )
        documents = deps.container(request).documents
        result = await deps.ingest_thread(request, replace_document, documents, document_id, upload, overrides, user)
        _raise_if_all_failed([result])
        return result

    @router.delete(
        "/documents/{document_id}",
        status_code=204,
        responses={**EDITOR_ERRORS, **_UNKNOWN_DOCUMENT},
        dependencies=[Depends(require_editor)],
    )
    async def remove(request: Request, user: deps.User, document_id: str) -> Response:
        """Ein Dokument mit allen Abschnitten entfernen."""
        _check_id(document_id)
        await deps.ingest_thread(request, deps.container(request).documents.remove, document_id, user)
        return Response(status_code=204)

    @router.get(
        "/jobs/{job_id}",
        response_model=Job,
        responses={**EDITOR_ERRORS, **error_responses(404, s404="Unbekannter Auftrag (no such job)")},
        dependencies=[Depends(require_editor)],
    )
    async def job_status(request: Request, job_id: str) -> Job:
        """Fortschritt und Ergebnisse eines Hintergrundauftrags."""
        job = deps.jobs(request).get(job_id)
        if job is None:
            raise ApiError(404, "job_not_found", f"Kein Auftrag mit der ID „{job_id}“ (no such job).")
        return job

    return router


async def _read(file: UploadFile, options: ServerOptions) -> Upload:
    # Checked before reading (type, declared size) and after (the declared size can lie).
    name = accepted_name(file.filename, file.size or 0, options)
    data = await file.read()
    accepted_name(file.filename, len(data), options)
    return Upload(filename=name, data=data)


def _check_id(document_id: str) -> None:
    if not is_valid_document_id(document_id):
        raise not_found(document_id)


def _raise_if_all_failed(results: list[FileResult]) -> None:
    error = failure_error(results)
    if error is not None:
        raise error
