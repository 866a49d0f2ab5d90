"""Editors' reports: the gap report („Was fehlt in den Dokumenten?“) and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from assistant.api import deps
from assistant.api.auth import require_editor
from assistant.api.schemas import EDITOR_ERRORS, error_responses

router = APIRouter(tags=["Berichte / reports"], dependencies=[Depends(require_editor)], responses=EDITOR_ERRORS)

Since = Query(default=None, description="Nur ab diesem Zeitpunkt (ISO 8601, UTC), einschließlich.")
Until = Query(default=None, description="Nur vor diesem Zeitpunkt (ISO 8601, UTC).")


class ClosestDocument(BaseModel):
    document_id: str
    title: str
    count: int


class GapGroup(BaseModel):
    count: int
    examples: list[str]
    last_asked: str | None
    declined: int
    voted_down: int
    comments: list[str]
    closest_documents: list[ClosestDocument]


class AuditEntry(BaseModel):
    at: str
    actor: str
    action: Literal["added", "replaced", "removed"]
    document_id: str
    filename: str | None
    content_hash: str | None


@router.get(
    "/reports/gaps",
    response_model=list[GapGroup],
    responses={200: {"content": {"text/csv": {}}}, **error_responses(422)},
    summary="Was fehlt in den Dokumenten? / gap report",
)
async def gaps(
    request: Request,
    since: datetime | None = Since,
    until: datetime | None = Until,
    format: Literal["json", "csv"] = "json",  # noqa: A002 - the query parameter's name
):
    """Abgelehnte und negativ bewertete Fragen, ähnliche zusammengefasst, häufigste zuerst."""
    reports = deps.container(request).reports
    since, until = _utc(since), _utc(until)
    if format == "csv":
        body = await deps.ask_thread(request, reports.gaps_csv, since, until)
        headers = {"Content-Disposition": 'attachment; filename="was-fehlt.csv"'}
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    return await deps.ask_thread(request, reports.gaps, since, until)


@router.get("/audit", response_model=list[AuditEntry], responses=error_responses(422), summary="Änderungsprotokoll / audit trail")
async def audit(request: Request, since: datetime | None = Since, until: datetime | None = Until) -> list[dict]:
    """Wer wann welches Dokument hinzugefügt, ersetzt oder entfernt hat; neueste zuerst."""
    return await deps.ingest_thread(request, deps.container(request).audit.entries, _utc(since), _utc(until))


def _utc(value: datetime | None) -> datetime | None:
    """Naive UTC, as stored."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)
