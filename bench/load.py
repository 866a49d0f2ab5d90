"""Bounded load on loopback: closed-loop clients on POST /api/v1/ask while documents are uploaded.

    .venv/bin/python bench/load.py [--seconds 30] [--concurrency 1,8,32] [--upload-docs 300]
        [--files-per-request 3] [--json] [--keep-log]

Starts ``assistant serve`` (throw-away data directory, bundled corpus ingested at startup, one
editor key, per-client rate limit off) and uploads ``--seed-docs`` synthetic documents
(bench/synthetic.py) before measuring. Then, for each concurrency level, for ``--seconds``:

* that many clients (threads, one HTTP connection each) ask one question after the other,
  alternating the corpus questions of bench/data/strategie_questions.jsonl and the unique-fact
  questions of synthetic documents already in the store (the seed documents and those uploaded
  during this window);
* one background thread uploads new synthetic documents (``--files-per-request`` per
  POST /api/v1/documents, editor key) until the window ends or ``--upload-docs`` are in.

Reported per level: completed questions, questions/s, p50/p95/p99 latency, errors by status (a
request that fails is counted, never retried), hit rate (corpus questions judged like
bench/answers.py; synthetic ones: the fact in the answer), uploaded documents/s, and the load
average before and after. With errors, the server log is kept and its error lines are printed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from _server import PROJECT, assistant_server, load_average, percentiles_ms

sys.path.insert(0, str(PROJECT))

from answers import judge, load_questions  # noqa: E402
from synthetic import SyntheticDocument, documents  # noqa: E402

from assistant.models import Answer  # noqa: E402

EDITOR_KEY = "bench-load-editor-key-5f1c2a9e7d"
SECTIONS = 2  # chunks per uploaded document: many small documents, like batches of short notes
TIMEOUT_S = 120


@dataclass
class Questions:
    """Corpus questions and the synthetic documents the store holds; grows during a window."""

    corpus: list[dict]
    synthetic: list[SyntheticDocument] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, docs: list[SyntheticDocument]) -> None:
        with self.lock:
            self.synthetic.extend(docs)

    def pick(self, rng: random.Random, turn: int) -> tuple[str, dict | SyntheticDocument]:
        with self.lock:
            if turn % 2 == 0 or not self.synthetic:
                item = rng.choice(self.corpus)
                return item["question"], item
            doc = rng.choice(self.synthetic)
        return doc.question, doc


def is_hit(expected: dict | SyntheticDocument, body: dict) -> bool:
    answer = Answer.model_validate(body)
    if isinstance(expected, SyntheticDocument):
        return answer.answered and expected.answer.lower() in answer.answer.lower()
    return judge(expected, answer)["ok"]


def upload(client: httpx.Client, docs: list[SyntheticDocument]) -> httpx.Response:
    files = [("files", (d.filename, d.data, "text/markdown")) for d in docs]
    return client.post("/api/v1/documents", files=files)


def uploaded_ok(response: httpx.Response) -> int:
    if response.status_code != 200:
        return 0
    return sum(r["status"] in ("added", "updated") for r in response.json()["results"])


def seed(url: str, count: int, per_request: int, questions: Questions) -> None:
    docs = list(documents(count, SECTIONS, start=0, prefix="seed"))
    with httpx.Client(base_url=url, headers=_auth(), timeout=TIMEOUT_S) as client:
        for start in range(0, len(docs), per_request):
            batch = docs[start : start + per_request]
            response = upload(client, batch)
            if uploaded_ok(response) != len(batch):
                raise SystemExit(f"seed upload failed: {response.status_code} {response.text[:500]}")
        questions.add(docs)
        # Every question once, as a running server would have seen them: the first answer from a
        # passage fills the sentence cache, which is not what a load test is about.
        for item in questions.corpus:
            client.post("/api/v1/ask", json={"question": item["question"]}).raise_for_status()
        for doc in docs:
            client.post("/api/v1/ask", json={"question": doc.question}).raise_for_status()


def window(url: str, level: int, clients: int, seconds: float, questions: Questions, args) -> dict:
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    error_samples: list[str] = []
    hits = Counter()
    upload_stats = {"docs": 0, "requests": 0, "errors": Counter(), "seconds": 0.0}

    def asker(n: int) -> None:
        rng = random.Random(f"{clients}:{n}")
        with httpx.Client(base_url=url, headers=_auth(), timeout=TIMEOUT_S) as client:
            turn = n
            while time.monotonic() < stop_at:
                question, expected = questions.pick(rng, turn)
                turn += 1
                kind = "synthetic" if isinstance(expected, SyntheticDocument) else "corpus"
                start = time.perf_counter()
                try:
                    response = client.post("/api/v1/ask", json={"question": question})
                    status = str(response.status_code)
                except httpx.HTTPError as exc:
                    response, status = None, type(exc).__name__
                elapsed = time.perf_counter() - start
                with lock:
                    if status == "200":
                        latencies.append(elapsed)
                        hits[kind, is_hit(expected, response.json())] += 1
                    else:
                        errors[status] += 1
                        if len(error_samples) < 5:
                            error_samples.append(f"{status}: {response.text[:300] if response else ''}")

    def uploader() -> None:
        pending = documents(args.upload_docs, SECTIONS, start=0, prefix=f"load{level}-c{clients}")
        began = time.perf_counter()
        with httpx.Client(base_url=url, headers=_auth(), timeout=TIMEOUT_S) as client:
            while time.monotonic() < stop_at:
                batch = [doc for _, doc in zip(range(args.files_per_request), pending, strict=False)]
                if not batch:
                    break
                try:
                    response = upload(client, batch)
                    status = str(response.status_code)
                except httpx.HTTPError as exc:
                    response, status = None, type(exc).__name__
                upload_stats["requests"] += 1
                done = uploaded_ok(response) if response is not None else 0
                if status != "200" or done != len(batch):
                    upload_stats["errors"][status] += 1
                    if len(error_samples) < 5:
                        error_samples.append(f"upload {status}: {response.text[:300] if response else ''}")
                upload_stats["docs"] += done
                questions.add(batch[:done] if done == len(batch) else [])
        upload_stats["seconds"] = time.perf_counter() - began

    load_before = load_average()
    threads = [threading.Thread(target=asker, args=(n,)) for n in range(clients)]
    threads.append(threading.Thread(target=uploader))
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    return {
        "concurrency": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 2),
        **{f"{k}_ms": v for k, v in percentiles_ms(latencies).items()},
        "errors": sum(errors.values()),
        "errors_by_status": dict(errors),
        "hit_rate": _rate(hits, ("corpus", "synthetic")),
        "hit_rate_corpus": _rate(hits, ("corpus",)),
        "hit_rate_synthetic": _rate(hits, ("synthetic",)),
        "hits": {f"{kind}_{'hit' if ok else 'miss'}": n for (kind, ok), n in sorted(hits.items())},
        "upload_docs": upload_stats["docs"],
        "upload_requests": upload_stats["requests"],
        "upload_errors": dict(upload_stats["errors"]),
        "upload_docs_per_s": round(upload_stats["docs"] / upload_stats["seconds"], 2)
        if upload_stats["seconds"]
        else 0.0,
        "error_samples": error_samples,
        "load_before": load_before,
        "load_after": load_average(),
    }


def _rate(hits: Counter, kinds: tuple[str, ...]) -> float | None:
    total = sum(n for (kind, _), n in hits.items() if kind in kinds)
    return (
        round(sum(n for (kind, ok), n in hits.items() if ok and kind in kinds) / total, 3) if total else None
    )


def error_lines(log: Path, limit: int = 40) -> list[str]:
    keep = ("ERROR", "Traceback", "Exception", "Error:", '" 5', '" 4')
    lines = [line for line in log.read_text(errors="replace").splitlines() if any(k in line for k in keep)]
    return lines[:limit]


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {EDITOR_KEY}"}


def print_table(result: dict) -> None:
    print(
        f"POST /api/v1/ask under load on loopback, {result['seconds_per_level']:g} s per level, "
        f"uploads of {result['files_per_request']} synthetic documents ({SECTIONS} chunks each) per request "
        f"running throughout; {result['corpus_questions']} corpus + synthetic fact questions"
    )
    header = (
        f"{'conc':>4} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>14} {'hit':>6} {'corpus':>6} {'synth':>6} {'docs in':>7} {'docs/s':>6}  load avg before -> after"
    )
    print(header)
    for r in result["levels"]:
        errors = ",".join(f"{k}:{v}" for k, v in r["errors_by_status"].items()) or "0"
        if r["upload_errors"]:
            errors += " up:" + ",".join(f"{k}:{v}" for k, v in r["upload_errors"].items())
        hit, corpus, synth = (
            f"{r[k]:.0%}" if r[k] is not None else "-"
            for k in ("hit_rate", "hit_rate_corpus", "hit_rate_synthetic")
        )
        print(
            f"{r['concurrency']:>4} {r['requests']:>8} {r['rps']:>7.2f} {r['p50_ms'] or 0:>8.0f} "
            f"{r['p95_ms'] or 0:>8.0f} {r['p99_ms'] or 0:>8.0f} {errors:>14} {hit:>6} {corpus:>6} {synth:>6} {r['upload_docs']:>7} "
            f"{r['upload_docs_per_s']:>6.2f}  {r['load_before']} -> {r['load_after']}"
        )
    for r in result["levels"]:
        for sample in r["error_samples"]:
            print(f"  c={r['concurrency']} {sample}")
    if result["server_log"]:
        print(f"server log kept at {result['server_log']}")
    for line in result["server_log_errors"]:
        print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each concurrency level")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--upload-docs", type=int, default=300, help="most documents uploaded per level")
    parser.add_argument("--files-per-request", type=int, default=3)
    parser.add_argument(
        "--seed-docs", type=int, default=30, help="synthetic documents stored before measuring"
    )
    parser.add_argument("--questions", type=Path, default=PROJECT / "bench/data/strategie_questions.jsonl")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--keep-log", action="store_true", help="keep the server log even without errors")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",") if c]

    questions = Questions(corpus=load_questions(args.questions))
    log_dir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    log = log_dir / "server.log"
    env = {"ASSISTANT_API_KEYS_EDITOR": json.dumps([EDITOR_KEY])}
    started = time.perf_counter()
    with assistant_server(env, log) as server:
        startup_s = time.perf_counter() - started
        print(
            f"server ready in {startup_s:.0f} s; seeding {args.seed_docs} documents …",
            file=sys.stderr,
            flush=True,
        )
        seed(server.url, args.seed_docs, args.files_per_request, questions)
        results = []
        for level, clients in enumerate(levels):
            print(f"{clients} concurrent clients for {args.seconds:g} s …", file=sys.stderr, flush=True)
            results.append(window(server.url, level, clients, args.seconds, questions, args))
    failed = any(r["errors"] or r["upload_errors"] for r in results)
    result = {
        "seconds_per_level": args.seconds,
        "files_per_request": args.files_per_request,
        "corpus_questions": len(questions.corpus),
        "seed_docs": args.seed_docs,
        "startup_s": round(startup_s, 1),
        "levels": results,
        "server_log_errors": error_lines(log) if failed else [],
        "server_log": str(log) if failed or args.keep_log else None,
    }
    if not (failed or args.keep_log):
        shutil.rmtree(log_dir, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print_table(result)


if __name__ == "__main__":
    main()
