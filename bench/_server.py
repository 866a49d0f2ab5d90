"""Shared by the HTTP benchmarks: start ``assistant serve`` or ``chroma run`` on a free loopback
port in a throw-away directory, and read machine figures (load average, peak RSS) from /proc."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

PROJECT = Path(__file__).resolve().parent.parent
MODEL_CACHE = PROJECT / "data" / "models"


@dataclass(frozen=True)
class Served:
    url: str
    pid: int
    log: Path  # the process's stdout and stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(url: str, proc: subprocess.Popen, log: Path, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"{proc.args[0]} exited during startup; log: {log}\n{_tail(log)}")
        time.sleep(0.5)
    raise SystemExit(f"{url} not ready after {timeout:.0f} s; log: {log}")


@contextmanager
def _process(
    argv: Sequence[str], env: dict[str, str], log: Path, ready_url: str
) -> Iterator[subprocess.Popen]:
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, cwd=PROJECT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until(ready_url, proc, log)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def assistant_server(env: dict[str, str] | None = None, log: Path | None = None) -> Iterator[Served]:
    """``assistant serve`` with a fresh data directory (the bundled corpus is ingested at startup),
    the shared model cache and ``env`` on top; ready once /readyz answers 200."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as data:
        log = log or Path(data) / "server.log"
        full_env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "ASSISTANT_DATA_DIR": str(Path(data) / "data"),
            "ASSISTANT_MODEL_CACHE_DIR": str(MODEL_CACHE),
            # A load generator is many clients behind one address: a per-client limit would turn
            # the measurement into a measurement of the limit.
            "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0",
            **(env or {}),
        }
        argv = [sys.executable, "-m", "assistant", "serve", "--port", str(port)]
        url = f"http://127.0.0.1:{port}"
        with _process(argv, full_env, log, f"{url}/readyz") as proc:
            yield Served(url=url, pid=proc.pid, log=log)


@contextmanager
def chroma_server(path: Path, log: Path | None = None) -> Iterator[tuple[str, int, int]]:
    """``chroma run`` over ``path``; yields (host, port, pid)."""
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    argv = [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    log = log or path.parent / "chroma-server.log"
    with _process(argv, dict(os.environ), log, f"http://127.0.0.1:{port}/api/v2/heartbeat") as proc:
        yield "127.0.0.1", port, proc.pid


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak resident memory of a process (VmHWM); of this process when ``pid`` is None."""
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return _status_kib(pid, "VmHWM") / 1024


def rss_mb(pid: int | None = None) -> float:
    return _status_kib(pid or os.getpid(), "VmRSS") / 1024


def _status_kib(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return float(line.split()[1])
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages, as `uptime` shows them."""
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def percentiles_ms(seconds: Sequence[float], points: Sequence[int] = (50, 95, 99)) -> dict[str, float | None]:
    ms = np.asarray(seconds, dtype=float) * 1000
    return {f"p{p}": (round(float(np.percentile(ms, p)), 1) if ms.size else None) for p in points}


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
