"""HTTP figures for a live server on loopback: time to first streamed part, full answer, throughput.

    .venv/bin/python bench/api_latency.py [--url http://127.0.0.1:7860] [--rounds 20] [--clients 8] [--seconds 20] [--json]

Without ``--url`` it starts ``assistant serve`` on a free port with a throw-away data directory
(the bundled corpus is ingested at startup), waits for /readyz and stops it afterwards.
Latencies are medians and p95 over ``--rounds`` questions; throughput is completed
``POST /api/v1/ask`` per second with ``--clients`` concurrent clients for ``--seconds`` (bounded).
"""

from __future__ import annotations

import argparse
import json
import threading
import time

import httpx
import numpy as np
from _server import assistant_server

QUESTIONS = [
    "Wie viele Krankenhäuser haben sich in Baden-Württemberg zusammengeschlossen?",
    "Welche drei Arbeitsgruppen gibt es im Strategieprozess?",
    "Wer koordiniert den Kompetenzverbund?",
    "Was ist die Vision des Clusters Medizin.NRW?",
    "Welche Zukunftsthemen stehen im Fokus des Kompetenzverbundes?",
    "What is the vision of the Medizin.NRW cluster?",
]


def stream_timings(client: httpx.Client, url: str, question: str) -> tuple[float, float]:
    start = time.perf_counter()
    first = None
    with client.stream("POST", f"{url}/api/v1/ask/stream", json={"question": question}) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if first is None and line.startswith("data:"):
                first = time.perf_counter() - start
    return first or float("nan"), time.perf_counter() - start


def throughput(url: str, clients: int, seconds: float) -> dict:
    stop_at = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(offset: int) -> None:
        with httpx.Client(timeout=60) as client:
            i = offset
            while time.monotonic() < stop_at:
                start = time.perf_counter()
                try:
                    ok = client.post(f"{url}/api/v1/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]}).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    if ok:
                        latencies.append(time.perf_counter() - start)
                    else:
                        errors[0] += 1
                i += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    ms = np.array(latencies) * 1000
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": errors[0],
        "rps": round(len(latencies) / elapsed, 2),
        "p50_ms": round(float(np.percentile(ms, 50)), 1) if len(ms) else None,
        "p95_ms": round(float(np.percentile(ms, 95)), 1) if len(ms) else None,
    }


def measure(url: str, rounds: int, clients: int, seconds: float) -> dict:
    with httpx.Client(timeout=60) as client:
        for q in QUESTIONS:  # warm the sentence cache like a running server would be
            stream_timings(client, url, q)
        firsts, fulls = [], []
        for i in range(rounds):
            first, full = stream_timings(client, url, QUESTIONS[i % len(QUESTIONS)])
            firsts.append(first * 1000)
            fulls.append(full * 1000)
    return {
        "first_part_ms": {"p50": round(float(np.median(firsts)), 1), "p95": round(float(np.percentile(firsts, 95)), 1)},
        "full_answer_ms": {"p50": round(float(np.median(fulls)), 1), "p95": round(float(np.percentile(fulls, 95)), 1)},
        "rounds": rounds,
        "throughput": throughput(url, clients, seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.url:
        result = measure(args.url, args.rounds, args.clients, args.seconds)
    else:
        with assistant_server() as server:
            result = measure(server.url, args.rounds, args.clients, args.seconds)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    t = result["throughput"]
    print(f"streamed /api/v1/ask/stream over {result['rounds']} questions (warm):")
    print(f"  first part  p50 {result['first_part_ms']['p50']} ms  p95 {result['first_part_ms']['p95']} ms")
    print(f"  full answer p50 {result['full_answer_ms']['p50']} ms  p95 {result['full_answer_ms']['p95']} ms")
    print(f"POST /api/v1/ask, {t['clients']} concurrent clients: {t['rps']} req/s, "
          f"p50 {t['p50_ms']} ms, p95 {t['p95_ms']} ms, {t['requests']} ok, {t['errors']} errors")


if __name__ == "__main__":
    main()
