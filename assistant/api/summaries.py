"""POST /documents/{id}/summary: an extractive, cited summary of one document."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from assistant.api import deps
from assistant.api.auth import require_reader
from assistant.api.errors import not_found
from assistant.api.export import FormatQuery, download, download_responses
from assistant.api.schemas import JSON_BODY_LIMIT, READER_ERRORS, error_responses
from assistant.report_types import Summary
from assistant.services import export
from ingest.identity import is_valid_document_id


class SummaryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"length": "short"}]})

    length: Literal["short", "long"] = Field(
        default="short", description="`short`: about one statement per aspect; `long`: several, section by section."
    )
    language: Literal["de", "en"] | None = Field(
        default=None, description="Language of headings and labels (quotes stay in the document's language)."
    )


router = APIRouter(tags=["Zusammenfassung und Vergleich / summary and comparison"], dependencies=[Depends(require_reader)])


@router.post(
    "/documents/{document_id}/summary",
    response_model=Summary,
    responses={
        **download_responses(Summary),
        **READER_ERRORS,
        **error_responses(404, 422, 503, s404="Unbekanntes Dokument (no such document)"),
    },
    summary="Ein Dokument zusammenfassen / summarise a document",
    max_body_size=JSON_BODY_LIMIT,
)
async def summarize(
    request: Request, document_id: str, body: SummaryRequest | None = None, format: FormatQuery = "json"
) -> Summary | Response:
    """Wörtliche, zitierte Kernaussagen (Ziele, Maßnahmen, Akteure, Zahlen, Termine) mit Quellen [n]."""
    if not is_valid_document_id(document_id):
        raise not_found(document_id)
    body = body or SummaryRequest()
    language = body.language or "de"
    summaries = deps.container(request).summaries
    summary = await deps.ask_thread(request, summaries.summarize, document_id, body.length, language)
    if format == "json":
        return summary
    return download(export.from_summary(summary), format)
