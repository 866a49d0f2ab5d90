"""Runs a command next to a fresh ``chroma run`` server, for the server tier of ``make test``.

    python -m tests.run_with_chroma COMMAND [ARGS ...]

The server listens on 127.0.0.1 on a free port with its data in a temporary directory; the command
finds it in ASSISTANT_TEST_CHROMA (see tests/conftest.py). The server is stopped and its data
removed however the command ends, also on Ctrl-C or SIGTERM. The exit code is the command's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import TEST_CHROMA_ENV, chroma_run


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)  # unwinds through the `with` blocks, which stop the server


def main(command: list[str]) -> int:
    if not command:
        print(__doc__, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with tempfile.TemporaryDirectory(prefix="chroma-server-") as directory:
        with chroma_run(Path(directory)).start(timeout=60) as server:
            print(f"Chroma-Server / Chroma server: {server.url} (Daten/data: {directory})", flush=True)
            env = {**os.environ, TEST_CHROMA_ENV: f"{server.host}:{server.port}", "HF_HUB_OFFLINE": "1"}
            code = subprocess.run(command, env=env).returncode
            if code != 0:
                print(f"\nChroma-Server-Protokoll / server log (Ende/tail):\n{server.log_tail()}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
