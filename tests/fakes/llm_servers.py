"""Fake language-model servers speaking the real wire protocols on 127.0.0.1.

``FakeOpenAI`` serves ``POST /v1/chat/completions`` (JSON, or server-sent events "data: {...}" ending
with "data: [DONE]" when ``stream`` is true); ``FakeOllama`` serves ``POST /api/chat`` (one JSON
object, or newline-delimited JSON when ``stream`` is true, Ollama's default). Both record every
request and answer from a script of ``Reply`` objects, so tests drive the real LangChain clients
over real HTTP without patching anything.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    content: str = ""
    chunks: list[str] | None = None  # streamed pieces; default: word by word
    status: int = 200
    delay: float = 0.0  # seconds before the response starts (a slow or hung model)
    stall_after: int | None = None  # with ``delay``: pause after this many chunks instead
    garbage: bytes | None = None  # sent instead of a well-formed body

    def pieces(self) -> list[str]:
        return self.chunks if self.chunks is not None else re.findall(r"\s*\S+", self.content)


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict

    @property
    def messages(self) -> list[dict]:
        return self.body.get("messages", [])

    def content(self, role: str) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages if m.get("role") == role)


Script = Callable[[Recorded], Reply]


@dataclass
class FakeServer:
    """Start with ``with FakeOpenAI(...) as server``; ``server.url`` is the base URL to configure."""

    replies: list[Reply] | Script = field(default_factory=list)
    default: Reply = field(default_factory=lambda: Reply("Keine Antwort im Skript."))
    requests: list[Recorded] = field(default_factory=list)
    base_path: str = ""

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{self.base_path}"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()  # ends scripted sleeps, so hung handlers finish
        self._httpd.shutdown()
        self._httpd.server_close()

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self.replies = list(replies)

    def next_reply(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
            if callable(self.replies):
                return self.replies(request)
            return self.replies.pop(0) if self.replies else self.default

    def sleep(self, seconds: float) -> None:
        self._stop.wait(seconds)

    # Protocol specifics, filled in by the subclasses.
    route = ""

    def respond(self, handler: _Handler, request: Recorded, reply: Reply) -> None:
        raise NotImplementedError

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(_Handler):
            fake = server

        return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # The timeout tests hang up on purpose; a broken pipe then is expected, anything else is shown.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked transfer encoding, as real servers stream
    fake: FakeServer

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path != self.fake.route:
            self.send_json(404, {"error": f"no route {self.path}"})
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        request = Recorded(self.path, dict(self.headers), body)
        reply = self.fake.next_reply(request)
        if reply.delay and reply.stall_after is None:
            self.fake.sleep(reply.delay)
        try:
            if reply.status != 200:
                self.send_json(reply.status, {"error": {"message": "scripted failure", "type": "server_error"}})
            elif reply.garbage is not None:
                self.send_raw(reply.garbage, "application/json")
            else:
                self.fake.respond(self, request, reply)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): what a real server sees too

    def send_json(self, status: int, payload: dict) -> None:
        self.send_raw(json.dumps(payload).encode(), "application/json", status)

    def send_raw(self, data: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def stream(self, content_type: str, parts: Iterator[bytes]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for part in parts:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def _paced(fake: FakeServer, reply: Reply) -> Iterator[str]:
    for i, piece in enumerate(reply.pieces()):
        if reply.stall_after is not None and i == reply.stall_after:
            fake.sleep(reply.delay)
        yield piece


class FakeOpenAI(FakeServer):
    route = "/v1/chat/completions"

    def __init__(self, replies: list[Reply] | Script | None = None, **kwargs: Any) -> None:
        super().__init__(replies=replies if replies is not None else [], base_path="/v1", **kwargs)

    def respond(self, handler: _Handler, request: Recorded, reply: Reply) -> None:
        model = request.body.get("model", "fake")
        base = {"id": "chatcmpl-fake", "created": int(time.time()), "model": model}
        if not request.body.get("stream"):
            handler.send_json(200, {
                **base,
                "object": "chat.completion",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.content},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
            })
            return

        def events() -> Iterator[bytes]:
            def chunk(delta: dict, finish: str | None = None) -> bytes:
                payload = {**base, "object": "chat.completion.chunk",
                           "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                return f"data: {json.dumps(payload)}\n\n".encode()

            yield chunk({"role": "assistant", "content": ""})
            for piece in _paced(self, reply):
                yield chunk({"content": piece})
            yield chunk({}, "stop")
            if (request.body.get("stream_options") or {}).get("include_usage"):
                usage = {**base, "object": "chat.completion.chunk", "choices": [],
                         "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}
                yield f"data: {json.dumps(usage)}\n\n".encode()
            yield b"data: [DONE]\n\n"

        handler.stream("text/event-stream", events())


class FakeOllama(FakeServer):
    route = "/api/chat"

    def __init__(self, replies: list[Reply] | Script | None = None, **kwargs: Any) -> None:
        super().__init__(replies=replies if replies is not None else [], **kwargs)

    def respond(self, handler: _Handler, request: Recorded, reply: Reply) -> None:
        model = request.body.get("model", "fake")
        stamp = "2025-01-01T00:00:00.000000Z"
        final = {"model": model, "created_at": stamp, "done": True, "done_reason": "stop",
                 "total_duration": 1000, "load_duration": 10, "prompt_eval_count": 10, "eval_count": 5}
        if request.body.get("stream") is False:  # Ollama streams unless told not to
            handler.send_json(200, {**final, "message": {"role": "assistant", "content": reply.content}})
            return

        def lines() -> Iterator[bytes]:
            for piece in _paced(self, reply):
                line = {"model": model, "created_at": stamp, "done": False,
                        "message": {"role": "assistant", "content": piece}}
                yield (json.dumps(line) + "\n").encode()
            yield (json.dumps({**final, "message": {"role": "assistant", "content": ""}}) + "\n").encode()

        handler.stream("application/x-ndjson", lines())
