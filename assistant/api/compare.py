"""POST /compare: 2–4 documents side by side on one topic."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from assistant.api import deps
from assistant.api.auth import require_reader
from assistant.api.export import FormatQuery, download, download_responses
from assistant.api.schemas import (
    DEFAULT_QUESTION_CHARS,
    JSON_BODY_LIMIT,
    NON_BLANK,
    READER_ERRORS,
    error_responses,
)
from assistant.report_types import Comparison
from assistant.services import export
from assistant.services.comparison import MAX_DOCUMENTS, MIN_DOCUMENTS


class CompareRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"document_ids": ["strategie-medizin-nrw", "kompetenzverbund-bw"], "topic": "Digitalisierung"}]
        },
    )

    document_ids: list[str] = Field(
        min_length=MIN_DOCUMENTS,
        max_length=MAX_DOCUMENTS,
        description="2 to 4 distinct document ids (see GET /documents).",
        json_schema_extra={"uniqueItems": True},
    )
    topic: str = Field(
        description="The topic, e.g. `Digitalisierung`; not blank, at most ASSISTANT_MAX_QUESTION_CHARS characters.",
        json_schema_extra={"minLength": 1, "maxLength": DEFAULT_QUESTION_CHARS, "pattern": NON_BLANK},
    )
    language: Literal["de", "en"] | None = Field(
        default=None, description="Language of labels; default: the topic's language."
    )


router = APIRouter(tags=["Zusammenfassung und Vergleich / summary and comparison"], dependencies=[Depends(require_reader)])


@router.post(
    "/compare",
    response_model=Comparison,
    responses={
        **download_responses(Comparison),
        **READER_ERRORS,
        **error_responses(404, 413, 422, 503, s404="Unbekanntes Dokument (no such document)"),
    },
    summary="Dokumente zu einem Thema vergleichen / compare documents on a topic",
    max_body_size=JSON_BODY_LIMIT,
)
async def compare(request: Request, body: CompareRequest, format: FormatQuery = "json") -> Comparison | Response:
    """Eine Spalte je Dokument, eine Zeile je Aspekt; jede Zelle ein Zitat mit Quelle oder „keine Angaben“."""
    comparison = deps.container(request).comparison
    result = await deps.ask_thread(request, comparison.compare, body.document_ids, body.topic, body.language)
    if format == "json":
        return result
    return download(export.from_comparison(result), format)
