"""Editors' reports: the gap report („Was fehlt in den Dokumenten?“) and the audit trail."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from assistant.api import deps
from assistant.api.auth import require_editor
from assistant.api.errors import ApiError
from assistant.api.schemas import EDITOR_ERRORS, error_responses

router = APIRouter(tags=["Berichte / reports"], dependencies=[Depends(require_editor)], responses=EDITOR_ERRORS)

# RFC 3339 with a time zone, as `format: date-time` says; a bare number is not a time here.
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_MOMENT = {"format": "date-time"}
Since = Query(default=None, description="Nur ab diesem Zeitpunkt (RFC 3339, z. B. 2026-01-01T00:00:00Z).", json_schema_extra=_MOMENT)
Until = Query(default=None, description="Nur vor diesem Zeitpunkt (RFC 3339).", json_schema_extra=_MOMENT)


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
    since: str | None = Since,
    until: str | None = Until,
    format: Literal["json", "csv"] = "json",  # noqa: A002 - the query parameter's name
):
    """Abgelehnte und negativ bewertete Fragen, ähnliche zusammengefasst, häufigste zuerst."""
    reports = deps.container(request).reports
    since, until = _moment(since, "since"), _moment(until, "until")
    if format == "csv":
        body = await deps.ask_thread(request, reports.gaps_csv, since, until)
        headers = {"Content-Disposition": 'attachment; filename="was-fehlt.csv"'}
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    return await deps.ask_thread(request, reports.gaps, since, until)


@router.get("/audit", response_model=list[AuditEntry], responses=error_responses(422), summary="Änderungsprotokoll / audit trail")
async def audit(request: Request, since: str | None = Since, until: str | None = Until) -> list[dict]:
    """Wer wann welches Dokument hinzugefügt, ersetzt oder entfernt hat; neueste zuerst."""
    entries = deps.container(request).audit.entries
    return await deps.ingest_thread(request, entries, _moment(since, "since"), _moment(until, "until"))


def _moment(value: str | None, name: str) -> datetime | None:
    """A query parameter's time as naive UTC (as stored), or 422."""
    if value is None:
        return None
    try:
        if not _RFC3339.match(value):
            raise ValueError(value)
        return datetime.fromisoformat(value.upper().replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
    except ValueError:
        raise ApiError(
            422, "invalid_time", f"„{name}“ ist kein Zeitpunkt wie 2026-01-01T00:00:00Z (not an RFC 3339 time)."
        ) from None
