"""Liveness and readiness, for load balancers and orchestrators; no key needed, no model call."""

from __future__ import annotations

import logging

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from assistant.api import deps

log = logging.getLogger(__name__)

router = APIRouter(tags=["Betrieb / operations"])

READY_TIMEOUT_SECONDS = 3.0


@router.get("/healthz", summary="Prozess lebt / process alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Bereit für Anfragen / ready to serve",
    responses={503: {"description": "Modell nicht geladen oder Speicher nicht erreichbar"}},
)
async def readyz(request: Request) -> JSONResponse:
    model_loaded = bool(getattr(request.app.state, "ready", False))
    count: int | None = None
    container = deps.container(request)
    try:
        with anyio.fail_after(READY_TIMEOUT_SECONDS):
            # In a thread, like building the store: both talk to Chroma, which may be a remote server.
            # Abandoned on timeout, so a Chroma host that stops answering cannot hold the probe.
            documents = await anyio.to_thread.run_sync(
                lambda: container.documents.list_documents(), abandon_on_cancel=True
            )
            count = len(documents)
    except Exception as exc:  # any failure to reach the store means "not ready", never a 500
        log.warning("readiness check: store not reachable: %s", exc)
    ready = model_loaded and count is not None
    body = {
        "status": "ready" if ready else "not_ready",
        "model_loaded": model_loaded,
        "store_reachable": count is not None,
        "documents": count,
    }
    return JSONResponse(body, status_code=200 if ready else 503)
