"""405 for a known path asked with a method it does not have, 404 for an unknown API path; both JSON.

Checked before routing because the web UI is mounted at "/": without this, a wrong method or an
unknown path would fall through to Gradio's 404. The methods of a path are the ones /openapi.json
declares (plus the app's own routes outside the schema, e.g. /docs), so the answer is the contract.
"""

from __future__ import annotations

import re

from starlette.routing import Route, compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.api.errors import error_response

API_PREFIXES = ("/api/", "/v1/")

PathMethods = list[tuple[re.Pattern[str], frozenset[str]]]


class MethodCheck:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._paths: PathMethods | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._paths is None:  # the schema is complete only once the app has all its routes
            self._paths = declared_paths(scope["app"])
        allowed = allowed_methods(self._paths, scope["path"], scope["method"])
        if allowed is None:
            await self.app(scope, receive, send)
            return
        if allowed:
            response = error_response(
                405,
                "method_not_allowed",
                f"Methode {scope['method']} ist hier nicht erlaubt; erlaubt: {', '.join(allowed)} (method not allowed).",
                headers={"Allow": ", ".join(allowed)},
            )
        else:
            response = error_response(
                404, "not_found", f"Unbekannter Endpunkt {scope['path']} (unknown endpoint); siehe /docs."
            )
        await response(scope, receive, send)


def declared_paths(app) -> PathMethods:
    paths: PathMethods = []
    for template, operations in app.openapi().get("paths", {}).items():
        regex, _, _ = compile_path(template)
        paths.append((regex, frozenset(method.upper() for method in operations)))
    for route in app.router.routes:  # /openapi.json, /docs: routes of the app itself, outside the schema
        if isinstance(route, Route) and route.methods:
            paths.append((route.path_regex, frozenset(route.methods)))
    return paths


def allowed_methods(paths: PathMethods, path: str, method: str) -> list[str] | None:
    """None: let the app route it. A list: the path exists with only these methods ([] = unknown API path)."""
    allowed: set[str] = set()
    for regex, methods in paths:
        if regex.match(path):
            if method in methods:
                return None
            allowed |= methods
    if allowed:
        return sorted(allowed)
    if path.startswith(API_PREFIXES) or path in ("/api", "/v1"):
        return []
    return None
