"""A real server for the end-to-end tier: uvicorn on 127.0.0.1 in a background thread.

One server per session, with API keys configured (so auth is exercised as deployed) and small
limits (so 413 and background jobs are cheap to trigger). It owns a fresh store; the corpus is
ingested by the app's own startup, as in production. The model is the session-wide ``encoder``.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from tests.conftest import PROJECT_DIR, make_settings

READER_KEY = "reader-key-for-tests-0123456789"
EDITOR_KEY = "editor-key-for-tests-9876543210"
ARTIFACTS = PROJECT_DIR / "test-artifacts"

# Small on purpose: a 413 needs only a 1.5 MB file, a background job only four files.
SERVER_OPTIONS = {
    "api_keys_reader": [READER_KEY],
    "api_keys_editor": [EDITOR_KEY],
    "max_file_mb": 1.0,
    "upload_job_files": 3,
    # Many quick requests from one address; the limit itself is tested on its own server (test_rate_limit.py).
    "rate_limit_per_minute": 0,
}


@dataclass
class LiveServer:
    url: str
    app: object

    def client(self, key: str | None = None, **kwargs) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kwargs)


def server_settings(data_dir: Path, **overrides):
    # model_copy: the key and limit fields may not be declared in Settings yet; the server reads
    # them with getattr, and model_copy sets them either way.
    return make_settings(data_dir).model_copy(update={**SERVER_OPTIONS, **overrides})


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve_live(settings, encoder, name: str = "e2e-uvicorn") -> Iterator[LiveServer]:
    """The app built from ``settings`` under uvicorn on a free loopback port, until the block ends."""
    from assistant.container import Container
    from assistant.server import create_app

    app = create_app(settings, Container(settings, encoder=encoder))
    # A short graceful shutdown: closed browser pages can leave idle event-stream connections behind.
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{config.port}"
    _wait_until_healthy(url, thread)
    try:
        yield LiveServer(url=url, app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, encoder) -> Iterator[LiveServer]:
    with serve_live(server_settings(tmp_path_factory.mktemp("e2e-store")), encoder) as server:
        yield server


def sse_events(lines) -> list[tuple[str, dict]]:
    """(event name, decoded data) pairs of a server-sent-events body."""
    events, name, data = [], None, []
    for line in lines:
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            data.append(line.split(":", 1)[1].strip())
        elif not line and name:
            events.append((name, json.loads("\n".join(data))))
            name, data = None, []
    return events


def _wait_until_healthy(url: str, thread: threading.Thread, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("the e2e server thread stopped during startup; see the log above")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url}/healthz did not answer within {timeout:.0f} s")


@pytest.fixture
def reader(live_server) -> Iterator[httpx.Client]:
    with live_server.client(READER_KEY) as client:
        yield client


@pytest.fixture
def editor(live_server) -> Iterator[httpx.Client]:
    with live_server.client(EDITOR_KEY) as client:
        yield client


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


MUSTERLAND = """Digitalstrategie Musterland 2030

Die Digitalstrategie Musterland 2030 wurde im Frühjahr vom Landeskabinett beschlossen. Sie sieht vor, \
dass bis 2027 alle Gesundheitsämter des Landes an die Telematikinfrastruktur angeschlossen werden.

Verantwortlich für die Umsetzung der Digitalstrategie Musterland ist die Landesagentur für digitale \
Gesundheit in Musterstadt. Die Agentur berichtet jährlich an den Landtag.

Für die Förderung von Pilotprojekten stellt das Land insgesamt 48 Millionen Euro bereit.
"""
MUSTERLAND_QUESTION = "Wer ist für die Umsetzung der Digitalstrategie Musterland verantwortlich?"
MUSTERLAND_FACT = "Landesagentur für digitale Gesundheit in Musterstadt"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Lets fixtures see whether the test failed (the browser fixture then saves a screenshot).
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report
