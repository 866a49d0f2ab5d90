"""A real PostgreSQL server for the server tier: Debian's ``postgresql`` binaries (``make postgres``
installs them), a temporary data directory, loopback only, trust authentication.

PostgreSQL refuses to run as root; CI may run as root, so the server binaries then run as the
``postgres`` system user (``runuser``), and the data directory is handed to that user.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.e2e.conftest import free_port

DATABASE = "assistant_test"


def bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: Debian keeps them out of PATH, in /usr/lib/postgresql/<ver>/bin."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    for directory in versions:
        if (directory / "initdb").exists():
            return directory
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def postgres_server(directory: Path) -> Iterator[str]:
    """Starts PostgreSQL with its data under ``directory``; yields a SQLAlchemy URL of an empty database."""
    binaries = bin_dir()
    if binaries is None:
        raise RuntimeError("PostgreSQL nicht gefunden (initdb): `make postgres` installiert es / install postgresql")
    data, sockets, log = directory / "pgdata", directory / "sockets", directory / "postgres.log"
    sockets.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    run = lambda *args: subprocess.run(_as_server_user([str(a) for a in args]), check=True, capture_output=True)  # noqa: E731
    run(binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    options = f"-h 127.0.0.1 -p {port} -k {sockets} -c fsync=off -c full_page_writes=off"
    run(binaries / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start")
    try:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DATABASE}"
    finally:
        subprocess.run(
            _as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
        )


def log_tail(directory: Path, lines: int = 40) -> str:
    try:
        return "\n".join((directory / "postgres.log").read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
