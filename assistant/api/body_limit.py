"""Starlette's request-size limiter answers 413 in plain text; API clients get the JSON error."""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MESSAGE = "Die Anfrage ist zu groß (request too large)."


class JsonTooLarge:
    def __init__(self, app: ASGIApp, prefixes: tuple[str, ...] = ("/api/", "/v1/")) -> None:
        self.app = app
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_json_instead(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 413:
                if Headers(raw=message["headers"]).get("content-type", "").startswith("text/plain"):
                    replaced = True
                    body = json.dumps({"error": {"code": "too_large", "message": MESSAGE}}, ensure_ascii=False).encode()
                    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
                    await send({"type": "http.response.start", "status": 413, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                    return
            if not replaced:
                await send(message)

        await self.app(scope, receive, send_json_instead)
