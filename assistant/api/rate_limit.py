"""Per-client request rate limit for the API (a token bucket per client address).

The web UI is not limited here (Gradio queues its own work), except its login form. Behind a reverse proxy, start uvicorn
with ``--proxy-headers`` so that the client address is the caller's, not the proxy's.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict

from starlette.types import ASGIApp, Receive, Scope, Send

# Bounds memory when many addresses call once (a scan): the least recently seen client is forgotten.
_MAX_CLIENTS = 10_000


class TokenBuckets:
    def __init__(self, per_minute: int, burst: int, clock=time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(max(1, burst))
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0.0 if the request may pass, else the seconds until it would."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate
            self._buckets[client] = (tokens - 1.0 if wait == 0.0 else tokens, now)
            if len(self._buckets) > _MAX_CLIENTS:
                self._buckets.popitem(last=False)
        return wait


class RateLimit:
    def __init__(
        self,
        app: ASGIApp,
        per_minute: int,
        burst: int,
        # /login: the web UI's key check, so that keys cannot be guessed at speed. /mcp: the same
        # questions and the same keys as the API.
        prefixes: tuple[str, ...] = ("/api/", "/v1/", "/login", "/mcp"),
    ) -> None:
        self.app = app
        self.buckets = TokenBuckets(per_minute, burst)
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.buckets.take(client)
        if wait == 0.0:
            await self.app(scope, receive, send)
            return
        retry_after = str(max(1, math.ceil(wait)))
        body = json.dumps(
            {
                "error": {
                    "code": "rate_limited",
                    "message": f"Zu viele Anfragen; bitte in {retry_after} s erneut versuchen (too many requests).",
                }
            },
            ensure_ascii=False,
        ).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", retry_after.encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})
