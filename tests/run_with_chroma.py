"""Runs a command next to a fresh ``chroma run`` server and a fresh PostgreSQL server, for the
server tier of ``make test``.

    python -m tests.run_with_chroma COMMAND [ARGS ...]

Both listen on 127.0.0.1 on free ports with their data in temporary directories; the command finds
them in ASSISTANT_TEST_CHROMA and ASSISTANT_TEST_DATABASE_URL (see tests/conftest.py). With
``--no-postgres`` first, only Chroma is started. The servers are stopped and their data removed
however the command ends, also on Ctrl-C or SIGTERM. The exit code is the command's.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import TEST_CHROMA_ENV, TEST_DATABASE_ENV, chroma_run
from tests.postgres_server import log_tail, postgres_server


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)  # unwinds through the `with` blocks, which stop the server


def main(command: list[str]) -> int:
    with_postgres = not (command and command[0] == "--no-postgres")
    command = command if with_postgres else command[1:]
    if not command:
        print(__doc__, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with tempfile.TemporaryDirectory(prefix="chroma-server-") as directory, contextlib.ExitStack() as stack:
        server = stack.enter_context(chroma_run(Path(directory)).start(timeout=60))
        print(f"Chroma-Server / Chroma server: {server.url} (Daten/data: {directory})", flush=True)
        env = {**os.environ, TEST_CHROMA_ENV: f"{server.host}:{server.port}", "HF_HUB_OFFLINE": "1"}
        # A directory of its own: under root, PostgreSQL's user could not enter the Chroma one.
        postgres_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="postgres-server-")))
        if with_postgres:
            env[TEST_DATABASE_ENV] = stack.enter_context(postgres_server(postgres_dir))
            print(f"PostgreSQL: {env[TEST_DATABASE_ENV]}", flush=True)
        code = subprocess.run(command, env=env).returncode
        if code != 0:
            print(f"\nChroma-Server-Protokoll / server log (Ende/tail):\n{server.log_tail()}", flush=True)
            if with_postgres:
                print(f"\nPostgreSQL-Protokoll / log (Ende/tail):\n{log_tail(postgres_dir)}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
