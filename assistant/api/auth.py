"""API keys with two roles: readers ask and list, editors also change documents.

Keys arrive as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. They are compared in
constant time and never logged. Without any configured key the API is open; the server then only
binds to loopback (see ``assistant.server.check_bind``).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine, Iterable, Mapping
from enum import IntEnum
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from assistant.api.errors import ApiError


class Role(IntEnum):
    reader = 1
    editor = 2


class ApiKeys:
    def __init__(self, reader: Iterable[str] = (), editor: Iterable[str] = ()) -> None:
        self._keys: list[tuple[bytes, Role]] = [(k.encode(), Role.editor) for k in editor if k]
        editor_set = set(editor)
        self._keys += [(k.encode(), Role.reader) for k in reader if k and k not in editor_set]

    @property
    def enabled(self) -> bool:
        return bool(self._keys)

    def role_for(self, key: str | None) -> Role | None:
        if not key:
            return None
        candidate = key.encode()
        found: Role | None = None
        # Every key is compared, so the time taken says nothing about which key nearly matched.
        for stored, role in self._keys:
            if hmac.compare_digest(stored, candidate) and (found is None or role > found):
                found = role
        return found

    def allows(self, key: str | None, needed: Role) -> bool:
        """For callers outside HTTP routing (the web UI): True when ``key`` grants ``needed``."""
        if not self.enabled:
            return True
        role = self.role_for(key)
        return role is not None and role >= needed


# Declared as security schemes so that /docs offers an "Authorize" button; checking is ours.
_bearer = HTTPBearer(auto_error=False, description="API-Schlüssel als Bearer-Token.")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API-Schlüssel im Header.")


def require(needed: Role) -> Callable[..., Coroutine[Any, Any, Role]]:
    async def check(
        request: Request,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        header_key: Annotated[str | None, Depends(_header)],
    ) -> Role:
        return authorize(request.app.state.api_keys, bearer.credentials if bearer else header_key, needed)

    check.__name__ = f"require_{needed.name}"
    return check


def authorize(keys: ApiKeys, key: str | None, needed: Role) -> Role:
    """The caller's role, or ApiError 401 (no or unknown key) / 403 (role too low).

    Shared by the REST routes and the MCP endpoint, so both refuse the same requests the same way."""
    if not keys.enabled:
        return Role.editor
    challenge = {"WWW-Authenticate": "Bearer"}
    if not key:
        raise ApiError(
            401,
            "missing_api_key",
            "API-Schlüssel fehlt: „Authorization: Bearer <Schlüssel>“ oder „X-API-Key“ senden (API key required).",
            headers=challenge,
        )
    role = keys.role_for(key)
    if role is None:
        raise ApiError(401, "invalid_api_key", "Der API-Schlüssel ist ungültig (invalid API key).", headers=challenge)
    if role < needed:
        raise ApiError(
            403,
            "forbidden",
            "Dieser Schlüssel darf nur lesen und fragen; Dokumente ändern erfordert einen Bearbeitungsschlüssel "
            "(editor key required).",
        )
    return role


def key_from_headers(headers: Mapping[str, str]) -> str | None:
    """The key of ``Authorization: Bearer <key>`` or ``X-API-Key: <key>`` (for callers outside FastAPI routing)."""
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return headers.get("x-api-key") or None


require_reader = require(Role.reader)
require_editor = require(Role.editor)
