"""Assembles the routers under their prefixes."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from starlette.routing import Match, Mount

from assistant.api import ask, documents, health, openai_compat
from assistant.api.errors import ApiError
from assistant.api.options import ServerOptions

API_PREFIX = "/api/v1"
OPENAI_PREFIX = "/v1"
_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def include_routes(app: FastAPI, options: ServerOptions) -> None:
    app.include_router(health.router)
    api = APIRouter()
    api.include_router(ask.router)
    api.include_router(documents.build_router(options))
    app.include_router(api, prefix=API_PREFIX)
    app.include_router(openai_compat.router, prefix=OPENAI_PREFIX)
    # The web UI is mounted at "/", so without these an unknown API path would get its HTML 404.
    for prefix in ("/api", OPENAI_PREFIX):
        app.add_api_route(f"{prefix}/{{rest:path}}", _unknown, methods=_ALL_METHODS, include_in_schema=False)


async def _unknown(request: Request, rest: str) -> None:
    # This route accepts every method, so a known path with a wrong method lands here too: say 405.
    allowed = [m for m in _ALL_METHODS if _handled(request, m)]
    if allowed:
        raise ApiError(
            405,
            "method_not_allowed",
            f"Methode {request.method} ist hier nicht erlaubt; erlaubt: {', '.join(allowed)} (method not allowed).",
            headers={"Allow": ", ".join(allowed)},
        )
    raise ApiError(404, "not_found", f"Unbekannter Endpunkt {request.url.path} (unknown endpoint); siehe /docs.")


def _handled(request: Request, method: str) -> bool:
    scope = {**request.scope, "method": method}
    for route in request.app.router.routes:
        if getattr(route, "endpoint", None) is _unknown or isinstance(route, Mount):
            continue
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return True
    return False
