"""Assembles the routers under their prefixes (wrong methods and unknown paths: ``api/methods.py``)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from assistant.api import (
    accessibility,
    ask,
    compare,
    conversations,
    documents,
    export,
    health,
    openai_compat,
    reports,
    summaries,
    viewer,
)
from assistant.api.options import ServerOptions

API_PREFIX = "/api/v1"
OPENAI_PREFIX = "/v1"


def include_routes(app: FastAPI, options: ServerOptions) -> None:
    app.include_router(health.router)
    app.include_router(accessibility.router)
    api = APIRouter()
    api.include_router(ask.router)
    api.include_router(documents.build_router(options))
    api.include_router(summaries.router)
    api.include_router(compare.router)
    api.include_router(export.router)
    api.include_router(viewer.router)
    api.include_router(conversations.router)
    api.include_router(reports.router)
    app.include_router(api, prefix=API_PREFIX)
    app.include_router(openai_compat.router, prefix=OPENAI_PREFIX)
