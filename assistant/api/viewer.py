"""The source viewer's routes: a cited passage located in its document, and PDF pages as images."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from assistant.api import deps
from assistant.api.auth import require_reader
from assistant.api.errors import ApiError, not_found
from assistant.api.schemas import READER_ERRORS, error_responses
from assistant.services.viewer import ChunkNotFound, SourceView, ViewerService
from ingest.identity import is_valid_document_id

router = APIRouter(tags=["Dokumente / documents"], dependencies=[Depends(require_reader)])

_NOT_FOUND = error_responses(404, 422, 503, s404="Unbekanntes Dokument, unbekannte Passage oder Seite (no such document, passage or page)")
Chunk = Annotated[str, Query(max_length=300, description="`chunk_id` of a citation.")]
Quotes = Annotated[
    list[str] | None,
    Query(max_length=20, description="The cited sentences (a citation's `highlights`); default: the whole passage."),
]


class SourceViewResponse(SourceView):
    image_urls: list[str] = []
    file_url: str | None = None


@router.get(
    "/documents/{document_id}/view",
    response_model=SourceViewResponse,
    responses={**READER_ERRORS, **_NOT_FOUND},
    summary="Eine Fundstelle im Dokument zeigen / a cited passage in its document",
)
async def view(request: Request, document_id: str, chunk: Chunk, quote: Quotes = None) -> SourceViewResponse:
    """Seite (PDF) oder Text des Dokuments mit den zitierten Sätzen als `highlights` (Zeichenpositionen im
    Text; bei PDF zusätzlich Rechtecke auf der Seite). `located` ist falsch, wenn ein Zitat nicht gefunden wurde."""
    _check_id(document_id)
    result = await deps.ask_thread(request, _view, _viewer(request), document_id, chunk, quote or [])
    base = f"{request.url.path.rsplit('/', 1)[0]}"
    query = request.url.query
    return SourceViewResponse(
        **result.model_dump(),
        image_urls=[f"{base}/pages/{n}.png?{query}" for n in result.pages],
        file_url=f"{base}/file" if result.has_original else None,
    )


@router.get(
    "/documents/{document_id}/pages/{page}.png",
    response_class=Response,
    responses={**READER_ERRORS, **_NOT_FOUND, 200: {"content": {"image/png": {}}, "description": "Die Seite als Bild"}},
    summary="Eine PDF-Seite als Bild / a PDF page as an image",
)
async def page_image(request: Request, document_id: str, page: int, chunk: Chunk | None = None, quote: Quotes = None) -> Response:
    """Die Seite als PNG; mit `chunk` (und `quote`) sind die zitierten Sätze farbig markiert."""
    _check_id(document_id)
    viewer = _viewer(request)
    try:
        png = await deps.ask_thread(request, viewer.page_image, document_id, page, chunk, quote or [])
    except ChunkNotFound as exc:
        raise _missing(exc) from exc
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


def _view(viewer: ViewerService, document_id: str, chunk: str, quotes: list[str]) -> SourceView:
    try:
        return viewer.view(document_id, chunk, quotes)
    except ChunkNotFound as exc:
        raise _missing(exc) from exc


def _missing(exc: ChunkNotFound) -> ApiError:
    return ApiError(404, "passage_not_found", f"Keine solche Fundstelle oder Seite: {exc} (no such passage or page).")


def _viewer(request: Request) -> ViewerService:
    return deps.container(request).viewer


def _check_id(document_id: str) -> None:
    if not is_valid_document_id(document_id):
        raise not_found(document_id)
