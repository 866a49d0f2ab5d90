"""How ingestion and questions scale with the store: 1k, 10k, 100k chunks, embedded and server Chroma.

    .venv/bin/python bench/scale.py [--sizes 1000,10000] [--stores embedded,server]
        [--surrogate-vectors] [--queries 100] [--sections 10] [--json]

For every (store, size) a fresh worker process (so peak memory is per configuration) fills an
empty store with synthetic German documents (bench/synthetic.py, ``--sections`` chunks each)
through the product's own ``DocumentService.ingest_bytes`` until it holds at least ``size``
chunks, builds the lexical index, then asks ``--queries`` unique-fact questions after a warm-up:

* ingestion: chunks/s overall and per tenth of the run (where the curve bends), seconds per
  chunk in the encoder, in Chroma (by call) and elsewhere (parsing, chunking, bookkeeping);
* peak RSS of the worker (model, embedded Chroma, lexical index) and, for the server store, of
  the ``chroma run`` process; the store's size on disk;
* ``RetrievalService.retrieve`` latency p50/p95 split into query encoding, Chroma and the rest
  (BM25, fusion), BM25 ``score_all`` alone, and hit@5 = the chunk holding the fact among the 5
  passages; ``ChatService.ask`` latency p50/p95 and the share of answers containing the fact.

The server store is a ``chroma run`` started by the worker on a free port in its temp directory.

``--surrogate-vectors``: the real encoder on 2 cores manages a few dozen chunks/s, so 100k
chunks would take about an hour per store. With this flag, passages get *surrogate* vectors:
mixtures of real-model vectors of a sample of 256 synthetic chunks (encoded at start, which
also measures the real encoder's chunks/s), plus a little noise, normalised. Queries, the
relevance gate and the answerer's sentence vectors stay real. So Chroma, BM25 and fusion costs
are measured at full size while the encoder cost is reported separately ("projected" chunks/s
adds the measured real encoding time back). Surrogate rows are marked; their hit@5 depends on
BM25 alone in practice (the dense side cannot know the text) and is not comparable.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path

import numpy as np
from _server import (
    MODEL_CACHE,
    PROJECT,
    chroma_server,
    cpu_seconds,
    load_average,
    peak_rss_mb,
    percentiles_ms,
    rss_mb,
)

sys.path.insert(0, str(PROJECT))

from synthetic import documents, make_document  # noqa: E402

from assistant.components.embedding.component import load_encoder  # noqa: E402
from assistant.components.embedding.encoder import SentenceEncoder  # noqa: E402
from assistant.container import Container  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from ingest.chunking import embedding_text  # noqa: E402

SAMPLE_CHUNKS = 256
SURROGATE_NOISE = 0.01  # per dimension; real e5 components are ~0.05, so the mixture dominates
WARMUP = [
    "Wie wird der Verbund finanziert?",
    "Welche Kliniken arbeiten zusammen?",
    "Welche Ziele verfolgt die Strategie?",
    "Wer koordiniert die Telemedizin?",
    "Wie viele Pflegefachkräfte fehlen in der Region?",
    "Welche Maßnahmen sind für die Notfallversorgung geplant?",
    "Wann endet die Projektlaufzeit?",
    "Welche Rolle spielen die Krankenkassen?",
    "Wie wird die Qualität evaluiert?",
    "Was kostet der Aufbau der Plattform?",
]


# --------------------------------------------------------------------------- instruments


class Timer:
    """Seconds and calls per name, accumulated by ``with timer("name"):``."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - start
            self.calls[name] += 1

    def snapshot(self) -> dict[str, float]:
        return dict(self.seconds)


def chroma_seconds(seconds: dict[str, float]) -> float:
    return sum(v for k, v in seconds.items() if k.startswith(("chunks.", "registry.")))


def delta(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {k: v - before.get(k, 0.0) for k, v in after.items()}


class TimedCollection:
    """A Chroma collection whose method calls are timed under ``<label>.<method>``."""

    def __init__(self, inner, timer: Timer, label: str) -> None:
        self._inner, self._timer, self._label = inner, timer, label

    def __getattr__(self, name: str):
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def timed(*args, **kwargs):
            with self._timer(f"{self._label}.{name}"):
                return attr(*args, **kwargs)

        return timed


def timed_store(container: Container, timer: Timer) -> None:
    store = container.store
    store.chunks = TimedCollection(store.chunks, timer, "chunks")
    store.registry = TimedCollection(store.registry, timer, "registry")


class TimedEncoder(SentenceEncoder):
    """The vectors of ``inner``; the time spent is added to ``timer``. Takes over the loaded
    model's attributes instead of loading it again (hence no ``super().__init__``)."""

    def __init__(self, inner: SentenceEncoder, timer: Timer) -> None:
        self.__dict__.update(inner.__dict__)
        self.inner, self.timer = inner, timer

    def encode_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        self.timer.calls["encode_passages_texts"] += len(texts)
        with self.timer("encode_passages"):
            return self.inner.encode_passages(texts, show_progress=show_progress)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self.timer("encode_query"):
            return self.inner.encode_queries(texts)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        with self.timer("count_tokens"):
            return self.inner.count_tokens(texts)


class SurrogateEncoder(SentenceEncoder):
    """Real query vectors and token counts; passage vectors are deterministic mixtures of real
    passage vectors of a fixed sample (see the module docstring). Never use it for answers."""

    def __init__(self, real: SentenceEncoder, sample: np.ndarray) -> None:
        self.__dict__.update(real.__dict__)
        self.real = real
        self.sample = sample
        # Its own name: the name keys index versions and vector caches.
        self.name = f"{real.name}+surrogate"

    def encode_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            rng = np.random.default_rng(zlib.crc32(text.encode("utf-8")))
            picked = rng.choice(len(self.sample), 3, replace=False)
            vector = rng.dirichlet(np.ones(3)) @ self.sample[picked]
            vector = vector + rng.normal(0.0, SURROGATE_NOISE, self.dimension)
            out[row] = vector / np.linalg.norm(vector)
        return out


def real_sample(encoder: SentenceEncoder, seed: int, sections: int) -> tuple[np.ndarray, float]:
    """Real passage vectors of SAMPLE_CHUNKS synthetic sections, and the encoder's chunks/s on them."""
    texts: list[str] = []
    for doc in documents(SAMPLE_CHUNKS // sections + 1, sections, seed=seed + 1000, prefix="sample"):
        for part in doc.markdown.split("\n## ")[1:]:
            heading, _, body = part.partition("\n")
            texts.append(embedding_text(doc.title, heading.strip(), body.strip()))
    texts = texts[:SAMPLE_CHUNKS]
    encoder.encode_passages(texts[:16])  # first inference pays for allocation
    start = time.perf_counter()
    vectors = encoder.encode_passages(texts)
    return vectors, len(texts) / (time.perf_counter() - start)


def disk_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


# --------------------------------------------------------------------------- one configuration


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_one(store: str, size: int, surrogate: bool, args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-scale-{store}-{size}-"))
    try:
        server = chroma_server(tmp / "chroma-server") if store == "server" else nullcontext()
        with server as chroma:
            overrides = {"chroma_host": chroma[0], "chroma_port": chroma[1]} if chroma else {}
            settings = Settings(
                _env_file=None, data_dir=tmp / "data", model_cache_dir=MODEL_CACHE,
                corpus_dir=tmp / "no-corpus", **overrides,
            )  # fmt: skip
            result = measure(settings, size, surrogate, args, chroma[2] if chroma else None)
            if chroma:
                result["chroma_server_peak_rss_mb"] = round(peak_rss_mb(chroma[2]), 1)
                result["disk_mb"] = round(disk_mb(tmp / "chroma-server"), 1)
            else:
                result["disk_mb"] = round(disk_mb(settings.chroma_dir), 1)
        result["lexical_disk_mb"] = round(disk_mb(tmp / "data" / "lexical"), 1)
        return {"store": store, **result}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def measure(
    settings: Settings, size: int, surrogate: bool, args: argparse.Namespace, chroma_pid: int | None
) -> dict:
    """Wall-clock figures, and CPU seconds (this process's threads; the ``chroma run`` process
    separately) as the cost that does not depend on how busy the shared machine is."""
    out: dict = {"target_chunks": size, "vectors": "surrogate" if surrogate else "real"}
    real = load_encoder(settings)
    out["rss_after_model_mb"] = round(rss_mb(), 1)
    ingest_timer, query_timer = Timer(), Timer()
    passage_encoder: SentenceEncoder = real
    if surrogate:
        sample, out["real_encode_chunks_per_s"] = real_sample(real, args.seed, args.sections)
        passage_encoder = SurrogateEncoder(real, sample)
        say(f"  real encoder on the sample: {out['real_encode_chunks_per_s']:.1f} chunks/s")
    ingest = Container(settings, encoder=TimedEncoder(passage_encoder, ingest_timer))
    timed_store(ingest, ingest_timer)

    # ingestion, with a checkpoint every tenth of the target
    def server_cpu() -> float:
        return cpu_seconds(chroma_pid) if chroma_pid else 0.0

    docs, chunks, checkpoints = [], 0, [(0, 0.0, {"cpu": 0.0, "server_cpu": 0.0})]
    step = max(1, size // 10)
    start, cpu_start, server_cpu_start = time.perf_counter(), time.process_time(), server_cpu()
    for doc in documents(10**9, args.sections, seed=args.seed):
        if chunks >= size:
            break
        result = ingest.documents.ingest_bytes(doc.filename, doc.data, doc.metadata())
        if result.status != "added":
            raise SystemExit(f"{doc.doc_id}: {result.status} {result.reason}")
        docs.append(doc)
        chunks += result.chunks
        if chunks >= len(checkpoints) * step or chunks >= size:
            cpu = {"cpu": time.process_time() - cpu_start, "server_cpu": server_cpu() - server_cpu_start}
            checkpoints.append((chunks, time.perf_counter() - start, {**ingest_timer.snapshot(), **cpu}))
            say(f"  {chunks} chunks, {chunks / (time.perf_counter() - start):.1f} chunks/s")
    ingest_s = time.perf_counter() - start
    ingest_cpu, ingest_server_cpu = time.process_time() - cpu_start, server_cpu() - server_cpu_start
    totals = ingest_timer.snapshot()
    encode_s = totals.get("encode_passages", 0.0)
    out.update(
        documents=len(docs), chunks=chunks, ingest_s=round(ingest_s, 1),
        ingest_chunks_per_s=round(chunks / ingest_s, 1), split_ms_per_chunk=_split(totals, ingest_s, chunks),
        segments=_segments(checkpoints), rss_after_ingest_mb=round(rss_mb(), 1),
        ingest_cpu_ms_per_chunk=round(1000 * ingest_cpu / chunks, 2),
        chroma_server_cpu_ms_per_chunk=round(1000 * ingest_server_cpu / chunks, 2) if chroma_pid else None,
    )  # fmt: skip
    if surrogate:
        # The same ingestion with the real encoder's measured speed put back in place of the mixing.
        projected_s = ingest_s - encode_s + chunks / out["real_encode_chunks_per_s"]
        out["projected_real_chunks_per_s"] = round(chunks / projected_s, 1)

    # questions go through a container with the real encoder only (answers quote real sentences)
    query = Container(settings, encoder=TimedEncoder(real, query_timer))
    timed_store(query, query_timer)
    start = time.perf_counter()
    query.lexical.refresh(force=True)
    out["lexical_build_s"] = round(time.perf_counter() - start, 2)
    out["rss_after_lexical_mb"] = round(rss_mb(), 1)
    for question in WARMUP:
        query.chat.ask(question)
    rng = random.Random(args.seed)
    asked = [docs[i % len(docs)] for i in rng.sample(range(max(len(docs), args.queries)), args.queries)]
    out.update(retrieval_figures(query, query_timer, asked))
    out.update(answer_figures(query, query_timer, asked))
    out.update(after_upload(query, query_timer, make_document(len(docs), args.sections, seed=args.seed)))
    out["rss_end_mb"] = round(rss_mb(), 1)
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return out


def _split(seconds: dict[str, float], wall: float, chunks: int) -> dict[str, float]:
    encode = seconds.get("encode_passages", 0.0)
    tokens = seconds.get("count_tokens", 0.0)
    chroma = {
        k: round(1000 * v / chunks, 2)
        for k, v in sorted(seconds.items())
        if k.startswith(("chunks.", "registry."))
    }
    chroma_total = chroma_seconds(seconds)
    return {
        "encode": round(1000 * encode / chunks, 2),
        "count_tokens": round(1000 * tokens / chunks, 2),
        "chroma": round(1000 * chroma_total / chunks, 2),
        "other": round(1000 * (wall - encode - tokens - chroma_total) / chunks, 2),
        "chroma_by_call": chroma,
    }


def _segments(checkpoints: list[tuple[int, float, dict]]) -> list[dict]:
    """Per tenth of the run: chunks/s and ms per chunk in encoder and Chroma."""
    rows = []
    for (c0, t0, s0), (c1, t1, s1) in zip(checkpoints, checkpoints[1:], strict=False):
        n, d = c1 - c0, delta(s1, s0)
        if n <= 0:
            continue
        rows.append({
            "upto_chunks": c1, "chunks_per_s": round(n / (t1 - t0), 1),
            "encode_ms": round(1000 * d.get("encode_passages", 0.0) / n, 2),
            "chroma_ms": round(1000 * chroma_seconds(d) / n, 2),
            "chroma_ms_by_call": {k: round(1000 * v / n, 2) for k, v in d.items() if k.startswith(("chunks.", "registry."))},
            "cpu_ms": round(1000 * d["cpu"] / n, 2), "server_cpu_ms": round(1000 * d["server_cpu"] / n, 2),
        })  # fmt: skip
    return rows


def retrieval_figures(container: Container, timer: Timer, asked) -> dict:
    top_k = container.settings.top_k
    latencies, cpu, encode, chroma, hits = [], [], [], [], 0
    for doc in asked:
        before = timer.snapshot()
        start, cpu_start = time.perf_counter(), time.process_time()
        result = container.retrieval.retrieve(doc.question, top_k)
        latencies.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
        d = delta(timer.snapshot(), before)
        encode.append(d.get("encode_query", 0.0))
        chroma.append(chroma_seconds(d))
        hits += any(
            p.metadata.get("document_id") == doc.doc_id and doc.fact in p.text
            for p in result.passages[:top_k]
        )
    rest = [t - e - c for t, e, c in zip(latencies, encode, chroma, strict=True)]
    index = container.lexical.index
    bm25 = []
    for doc in asked:
        start = time.perf_counter()
        index.score_all(doc.question)
        bm25.append(time.perf_counter() - start)
    return {
        "retrieval_ms": percentiles_ms(latencies, (50, 95)),
        "retrieval_cpu_ms": percentiles_ms(cpu, (50, 95)),
        "retrieval_split_p50_ms": {
            "encode_query": percentiles_ms(encode, (50,))["p50"],
            "chroma": percentiles_ms(chroma, (50,))["p50"],
            "bm25_fusion_rest": percentiles_ms(rest, (50,))["p50"],
        },
        "bm25_score_all_ms": percentiles_ms(bm25, (50, 95)),
        "hit_at_5": round(hits / len(asked), 3),
    }


def answer_figures(container: Container, timer: Timer, asked) -> dict:
    latencies, cpu, unit_encode, found = [], [], [], 0
    texts_before = timer.calls["encode_passages_texts"]
    for doc in asked:
        before = timer.snapshot().get("encode_passages", 0.0)
        start, cpu_start = time.perf_counter(), time.process_time()
        answer = container.chat.ask(doc.question)
        latencies.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
        unit_encode.append(timer.snapshot().get("encode_passages", 0.0) - before)
        found += answer.answered and doc.answer.lower() in answer.answer.lower()
    return {
        "answer_ms": percentiles_ms(latencies, (50, 95)),
        "answer_cpu_ms": percentiles_ms(cpu, (50, 95)),
        # sentences the answerer had to encode (not in its cache), per question
        "answer_sentences_encoded": round(
            (timer.calls["encode_passages_texts"] - texts_before) / len(asked), 1
        ),
        "answer_sentence_encode_p50_ms": percentiles_ms(unit_encode, (50,))["p50"],
        "answer_has_fact": round(found / len(asked), 3),
    }


def after_upload(container: Container, timer: Timer, doc) -> dict:
    """What the first question after an upload pays at this size: the lexical index fetches every
    live id from Chroma, re-derives its postings with the new chunks and saves itself."""
    result = container.documents.ingest_bytes(doc.filename, doc.data, doc.metadata())
    if result.status != "added":
        raise SystemExit(f"{doc.doc_id}: {result.status} {result.reason}")
    before = timer.snapshot()
    start = time.perf_counter()
    container.lexical.refresh()
    refresh_s = time.perf_counter() - start
    start = time.perf_counter()
    hit = any(doc.fact in p.text for p in container.retrieval.retrieve(doc.question, 5).passages)
    return {
        "lexical_refresh_after_upload_s": round(refresh_s, 3),
        "lexical_refresh_chroma_s": round(chroma_seconds(delta(timer.snapshot(), before)), 3),
        "retrieve_after_refresh_ms": round(1000 * (time.perf_counter() - start), 1),
        "uploaded_doc_found": hit,
    }


# --------------------------------------------------------------------------- driver


def worker(args: argparse.Namespace) -> None:
    result = run_one(args.store, args.size, args.surrogate_vectors, args)
    print(json.dumps(result, ensure_ascii=False))


def run_all(args: argparse.Namespace) -> list[dict]:
    results = []
    for size in args.sizes:
        for store in args.stores:
            say(f"{store} store, {size} chunks{' (surrogate vectors)' if args.surrogate_vectors else ''} …")
            argv = [sys.executable, __file__, "--worker", "--store", store, "--size", str(size),
                    "--queries", str(args.queries), "--sections", str(args.sections), "--seed", str(args.seed)]  # fmt: skip
            if args.surrogate_vectors:
                argv.append("--surrogate-vectors")
            before = load_average()
            started = time.perf_counter()
            done = subprocess.run(argv, stdout=subprocess.PIPE, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"worker for {store}/{size} failed with exit code {done.returncode}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            result.update(
                load_before=before, load_after=load_average(), wall_s=round(time.perf_counter() - started, 1)
            )
            results.append(result)
            if args.json_out:  # after every configuration: a long run stopped midway keeps what it measured
                args.json_out.write_text(
                    json.dumps({"results": results}, ensure_ascii=False, indent=2), encoding="utf-8"
                )
    return results


def _ms(value: float | None, width: int, digits: int = 1) -> str:
    return f"{value:>{width}.{digits}f}" if value is not None else f"{'-':>{width}}"


def print_tables(results: list[dict]) -> None:
    print(
        f"{'store':<9} {'vectors':<10} {'chunks':>7} {'ingest ch/s':>11} {'projected':>9} {'peak RSS MB':>12} "
        f"{'retr p50/p95 ms':>16} {'answer p50/p95 ms':>18} {'hit@5':>6} {'fact':>5}  load avg before -> after"
    )
    for r in results:
        rss = f"{r['peak_rss_mb']:.0f}" + (
            f"+{r['chroma_server_peak_rss_mb']:.0f}" if "chroma_server_peak_rss_mb" in r else ""
        )
        projected = f"{r['projected_real_chunks_per_s']:.1f}" if "projected_real_chunks_per_s" in r else "-"
        vectors = "SURROGATE" if r["vectors"] == "surrogate" else "real"
        hit = f"{r['hit_at_5']:.2f}" + ("*" if r["vectors"] == "surrogate" else "")
        print(
            f"{r['store']:<9} {vectors:<10} {r['chunks']:>7} {r['ingest_chunks_per_s']:>11.1f} {projected:>9} {rss:>12} "
            f"{r['retrieval_ms']['p50']:>7.1f}/{r['retrieval_ms']['p95']:<8.1f} "
            f"{r['answer_ms']['p50']:>8.1f}/{r['answer_ms']['p95']:<9.1f} {hit:>6} {r['answer_has_fact']:>5.2f}  "
            f"{r['load_before']} -> {r['load_after']}"
        )
    print(
        "\npeak RSS: worker (model, lexical index, embedded Chroma) [+ chroma run process]; projected: ingestion "
        "with the real encoder's measured speed instead of surrogate vectors; * hit@5 with surrogate dense vectors"
    )
    print(
        "\nwhere the time goes. Ingestion, ms per chunk: wall time in the encoder, in Chroma calls, elsewhere; CPU "
        "of the worker [+ chroma run]. Questions, ms p50: wall split of retrieve (query encoding, Chroma, BM25 + "
        "fusion + rest), BM25 score_all alone, CPU of retrieve and of the full answer; sentences the answerer "
        "encoded per question."
    )
    print(
        f"{'store':<9} {'chunks':>7} {'encode':>7} {'chroma':>7} {'other':>6} {'cpu':>11} {'lex build s':>11} "
        f"{'q-enc':>6} {'q-chroma':>8} {'bm25+':>6} {'bm25':>5} {'r-cpu':>6} {'a-cpu':>6} {'sent':>5} {'disk MB':>8}"
    )
    for r in results:
        s, q = r["split_ms_per_chunk"], r["retrieval_split_p50_ms"]
        cpu = _ms(r.get("ingest_cpu_ms_per_chunk"), 5).strip()
        if r.get("chroma_server_cpu_ms_per_chunk") is not None:
            cpu += f"+{r['chroma_server_cpu_ms_per_chunk']:.1f}"
        print(
            f"{r['store']:<9} {r['chunks']:>7} {s['encode']:>7.2f} {s['chroma']:>7.2f} {s['other']:>6.2f} {cpu:>11} "
            f"{r['lexical_build_s']:>11.2f} {q['encode_query']:>6.1f} {q['chroma']:>8.1f} {q['bm25_fusion_rest']:>6.1f} "
            f"{r['bm25_score_all_ms']['p50']:>5.1f} {_ms(r.get('retrieval_cpu_ms', {}).get('p50'), 6)} "
            f"{_ms(r.get('answer_cpu_ms', {}).get('p50'), 6)} {_ms(r.get('answer_sentences_encoded'), 5)} "
            f"{r['disk_mb']:>8.1f}"
        )
    print("\nfirst question after one more upload (10 chunks): lexical refresh s (of which Chroma s):")
    for r in results:
        if "lexical_refresh_after_upload_s" in r:
            print(
                f"  {r['store']:<9} {r['chunks']:>7}: {r['lexical_refresh_after_upload_s']:.2f} "
                f"({r['lexical_refresh_chroma_s']:.2f}), retrieve after it {r['retrieve_after_refresh_ms']:.0f} ms"
            )
    print("\ningestion per tenth of each run (chunks/s | Chroma wall ms per chunk):")
    for r in results:
        cells = " ".join(f"{g['chunks_per_s']:.0f}|{g['chroma_ms']:.1f}" for g in r["segments"])
        print(f"  {r['store']:<9} {r['chunks']:>7}: {cells}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000", help="target chunk counts, comma-separated")
    parser.add_argument("--stores", default="embedded,server")
    parser.add_argument(
        "--surrogate-vectors", action="store_true", help="surrogate passage vectors (see above)"
    )
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--sections", type=int, default=10, help="chunks per synthetic document")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    parser.add_argument("--json-out", type=Path, help="also write the JSON object to this file")
    parser.add_argument(
        "--show", type=Path, nargs="+", help="only print the tables of earlier --json-out files, together"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s]
    args.stores = [s for s in args.stores.split(",") if s]
    if unknown := set(args.stores) - {"embedded", "server"}:
        parser.error(f"unknown stores {sorted(unknown)}")
    return args


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    args = parse_args()
    if args.worker:
        worker(args)
        return
    if args.show:
        print_tables(
            [r for path in args.show for r in json.loads(path.read_text(encoding="utf-8"))["results"]]
        )
        return
    results = run_all(args)
    if args.json:
        print(json.dumps({"results": results}, ensure_ascii=False, indent=2))
    else:
        print_tables(results)


if __name__ == "__main__":
    main()
