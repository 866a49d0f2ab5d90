"""Shared fixtures. Tiers: unit (default, seconds), ``slow`` (real model + real Chroma), ``e2e``.

With ``ASSISTANT_TEST_CHROMA=HOST:PORT`` every store the tests build lives on that ``chroma run``
server instead of an embedded one (``make test`` runs the integration tier this way, see
``tests/run_with_chroma.py``). Each data directory then gets a collection prefix of its own, so
tests stay as isolated on one shared server as they are in their own directories.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The converted model is cached across test sessions (conversion takes ~15 s); it is the same
# cache the assistant itself uses, and conversion is atomic, so sharing it is safe.
MODEL_CACHE = PROJECT_DIR / "data" / "models"
SHARED_DIR = PROJECT_DIR.parent / "shared"

TEST_CHROMA_ENV = "ASSISTANT_TEST_CHROMA"
# A PostgreSQL server (SQLAlchemy URL): every data directory then gets a database of its own on it,
# instead of the SQLite file in the directory (tests/run_with_chroma.py starts one).
TEST_DATABASE_ENV = "ASSISTANT_TEST_DATABASE_URL"
# Part of every collection prefix on a shared server: a server that outlives a test session (one
# started by hand) may already hold collections of an earlier session's identically named tmp dirs.
_SESSION_TOKEN = uuid.uuid4().hex[:8]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "large_index: builds an index of thousands of chunks (minutes); left out of the Chroma-server "
        "run of the integration tier, whose store-specific paths the other tests cover",
    )


def shared_chroma_address() -> tuple[str, int] | None:
    """The ``chroma run`` server named by ASSISTANT_TEST_CHROMA, if any."""
    address = os.environ.get(TEST_CHROMA_ENV, "").strip()
    if not address:
        return None
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"{TEST_CHROMA_ENV} must be HOST:PORT, not {address!r}")
    return host, int(port)


def make_settings(data_dir: Path, **overrides) -> Settings:
    values = {
        "data_dir": data_dir,
        "model_cache_dir": MODEL_CACHE,
        "corpus_dir": PROJECT_DIR / "corpus",
        **_shared_store(data_dir),
        **_shared_database(data_dir),
        **overrides,
    }
    return Settings(_env_file=None, **values)


def _shared_store(data_dir: Path) -> dict:
    server = shared_chroma_address()
    if server is None:
        return {}
    digest = hashlib.sha1(f"{_SESSION_TOKEN}:{Path(data_dir).resolve()}".encode()).hexdigest()[:16]
    # The same data directory always maps to the same prefix: a test that reopens a store (a
    # "restarted" container) finds it again, as it would in the embedded store under that dir.
    return {"chroma_host": server[0], "chroma_port": server[1], "collection": f"t{digest}"}


def _shared_database(data_dir: Path) -> dict:
    server = os.environ.get(TEST_DATABASE_ENV, "").strip()
    if not server:
        return {}
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server)
    name = "t" + hashlib.sha1(f"{_SESSION_TOKEN}:{Path(data_dir).resolve()}".encode()).hexdigest()[:16]
    dsn = f"host={url.host} port={url.port} user={url.username} dbname={url.database}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(f"CREATE DATABASE {name}")
    return {"database_url": url.set(database=name).render_as_string(hide_password=False)}


def store_env(settings: Settings) -> dict[str, str]:
    """Environment variables that make an ``assistant`` subprocess open the store of ``settings``."""
    env = {"ASSISTANT_DATA_DIR": str(settings.data_dir), "ASSISTANT_COLLECTION": settings.collection}
    if settings.model_cache_dir is not None:
        env["ASSISTANT_MODEL_CACHE_DIR"] = str(settings.model_cache_dir)
    if settings.database_url:
        env["ASSISTANT_DATABASE_URL"] = settings.database_url
    if settings.chroma_host:
        env["ASSISTANT_CHROMA_HOST"] = settings.chroma_host
        env["ASSISTANT_CHROMA_PORT"] = str(settings.chroma_port)
    return env


@dataclass
class ServerProcess:
    """A real server subprocess on 127.0.0.1, its output in a log file. It can be stopped (SIGKILL
    stands for a crash) and started again on the same port, as an operator's restart would."""

    command: list[str]  # without --port, which is appended
    ready_path: str  # answers 200 once the server can serve
    log_path: Path
    port: int = 0  # 0: a free port, chosen at the first start
    env: dict[str, str] | None = None
    cwd: Path | None = None
    host: str = "127.0.0.1"
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 300.0) -> ServerProcess:
        if not self.port:
            from tests.e2e.conftest import free_port  # the one free-port helper of the test suite

            self.port = free_port()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [*self.command, "--port", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.cwd,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[0]} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(self.url + self.ready_path, timeout=5).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        self.stop()
        raise TimeoutError(f"{self.url}{self.ready_path} not ready within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def venv_command(name: str) -> str:
    """A console script of this environment (``chroma``, ``assistant``), next to the interpreter."""
    script = Path(sys.executable).with_name(name)
    return str(script) if script.exists() else shutil.which(name) or name


def chroma_run(directory: Path) -> ServerProcess:
    """``chroma run`` with its data in ``directory/db``; not started yet."""
    return ServerProcess(
        command=[venv_command("chroma"), "run", "--path", str(directory / "db"), "--host", "127.0.0.1"],
        ready_path="/api/v2/heartbeat",
        log_path=directory / "chroma.log",
    )


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory) -> Iterator[tuple[str, int]]:
    """(host, port) of a running ``chroma run`` server: the one named by ASSISTANT_TEST_CHROMA, or
    one started for this session."""
    shared = shared_chroma_address()
    if shared is not None:
        yield shared
        return
    with chroma_run(tmp_path_factory.mktemp("chroma-server")).start(timeout=60) as server:
        yield server.host, server.port


@pytest.fixture(scope="session")
def encoder():
    from assistant.components.embedding.component import load_encoder

    return load_encoder(make_settings(PROJECT_DIR / "data"))


@pytest.fixture(scope="session")
def corpus_container(tmp_path_factory, encoder):
    """A store with the shipped corpus ingested, shared by read-only tests."""
    from assistant.container import Container

    container = Container(make_settings(tmp_path_factory.mktemp("corpus-store")), encoder=encoder)
    report = container.documents.ingest_paths([PROJECT_DIR / "corpus"])
    assert not report.failed, report
    return container


@pytest.fixture
def fresh_container(tmp_path, encoder):
    """An empty store of its own, for tests that change documents."""
    from assistant.container import Container

    return Container(make_settings(tmp_path / "store"), encoder=encoder)
