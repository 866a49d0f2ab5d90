"""Adds the accessibility script (web/static/a11y.js) to the head of the page Gradio serves at "/".

Gradio's own ``head`` setting reaches the page only after the login (it travels in the app's config),
so the login form would stay without a page title and without the repairs. Inserting the script into
the HTML response covers the login form and the app alike, with one mechanism.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.theme import head_html


class PageHead:
    def __init__(self, app: ASGIApp, path: str = "/") -> None:
        self.app = app
        self.path = path
        self.insert = head_html().encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body = bytearray()

        async def send_with_head(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=message["headers"])
                if not headers.get("content-type", "").startswith("text/html"):
                    await send(message)  # e.g. a redirect: passed on untouched
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            page = bytes(body).replace(b"</head>", self.insert + b"</head>", 1)
            headers = MutableHeaders(raw=start["headers"])
            headers["content-length"] = str(len(page))
            await send(start)
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, send_with_head)
