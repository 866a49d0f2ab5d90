"""Speed and fidelity of the embedding backends (``Settings.embedding_backend``).

Uses the chunks of an index built by ``bench/germanquad.py --data-dir DIR`` exactly as the
product embeds them (title/section header + chunk text, "passage: " prefix), grouped per
document, because ingestion encodes one document at a time.

* speed: rounds in which every backend encodes the same sample of documents (one
  ``encode_passages`` call per document, like ``DocumentService``) and embeds single questions
  (like a search); the order of the backends rotates from round to round. Reported: the median
  time per backend and the median over rounds of the ratio torch-time / backend-time, measured
  back to back, since the machine is shared.
* fidelity: cosine between each backend's vectors and torch float32's, for passages and
  questions; with ``--mrr`` also dense MRR@10 on the chosen split by exact search over all
  chunks (a document ranks by its best chunk), which needs every chunk encoded by every backend.

    .venv/bin/python bench/encoder_backends.py --data-dir DIR [--backends torch,onnx,onnx-int8]
        [--docs 40] [--queries 40] [--rounds 3] [--threads 2] [--mrr] [--split dev] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from germanquad import (  # noqa: E402
    DEFAULT_DATA,
    RANK_DOCS,
    build_container,
    load_germanquad,
    make_settings,
    metrics,
    wiki_to_markdown,
)

from assistant.components.embedding.component import load_encoder  # noqa: E402
from assistant.components.lexical.synced import indexed_text  # noqa: E402
from assistant.components.vector_store import ChunkStore, make_client  # noqa: E402


def chunks_by_document(data_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """document id -> [(chunk id, text as embedded)] in chunk order, from the stored index."""
    settings = make_settings(data_dir)
    store = ChunkStore(make_client(settings), settings.collection)
    grouped: dict[str, list[tuple[int, str, str]]] = {}
    for ids, texts, metas in store.iter_live_chunks():
        for chunk_id, text, meta in zip(ids, texts, metas, strict=True):
            grouped.setdefault(str(meta["document_id"]), []).append(
                (int(meta.get("position", 0)), chunk_id, indexed_text(text, meta))
            )
    return {doc: [(c, t) for _, c, t in sorted(rows)] for doc, rows in sorted(grouped.items())}


def set_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def ingest_sample(encoder, docs: dict[str, str]) -> float:
    """Seconds to ingest ``docs`` through DocumentService into a new, empty store."""
    folder = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    try:
        container = build_container(make_settings(folder), encoder=encoder)
        container.documents.ingest_bytes("warm.md", b"# Warm\n\nEin kurzer Text.\n", {"id": "warm"})
        started = time.perf_counter()
        for doc_id, text in docs.items():
            container.documents.ingest_bytes(f"{doc_id}.md", wiki_to_markdown(text).encode(), {"id": doc_id})
        return time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def dense_mrr(vectors: np.ndarray, doc_of_chunk: list[str], questions, query_vectors: np.ndarray) -> dict:
    docs = sorted(set(doc_of_chunk))
    column = {d: i for i, d in enumerate(docs)}
    chunk_doc = np.array([column[d] for d in doc_of_chunk])
    sims = query_vectors @ vectors.T  # (questions, chunks)
    best = np.full((len(questions), len(docs)), -np.inf, dtype=np.float32)
    np.maximum.at(best.T, chunk_doc, sims.T)
    ranks = []
    for i, q in enumerate(questions):
        gold = best[i, column[q.doc_id]]
        rank = int((best[i] > gold).sum()) + 1
        ranks.append(rank if rank <= RANK_DOCS else None)
    return metrics(ranks)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="an index built by bench/germanquad.py")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--backends", default="torch,onnx,onnx-int8",
                        help="comma-separated; NAME@N runs NAME with N threads (e.g. torch@1)")  # fmt: skip
    parser.add_argument("--docs", type=int, default=40, help="documents in the speed sample")
    parser.add_argument("--queries", type=int, default=40, help="single questions per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--mrr", action="store_true", help="also dense MRR@10 by exact search (slow)")
    parser.add_argument("--split", default="dev", choices=("dev", "test", "all"))
    parser.add_argument("--ingest", action="store_true",
                        help="also time DocumentService ingestion of the sample into a fresh store")  # fmt: skip
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    backends = [b for b in args.backends.split(",") if b]
    if backends[0] != "torch":
        backends = ["torch"] + [b for b in backends if b != "torch"]
    threads = {b: int(b.partition("@")[2] or args.threads) for b in backends}

    grouped = chunks_by_document(args.data_dir)
    stride = max(1, len(grouped) // args.docs)
    sample_ids = list(grouped)[::stride][: args.docs]
    sample = [grouped[d] for d in sample_ids]
    sample_texts = [t for doc in sample for _, t in doc]
    corpus = load_germanquad(args.data)
    questions = corpus.split(args.split)
    probe = [q.text for q in questions[:: max(1, len(questions) // args.queries)][: args.queries]]

    encoders = {}
    for backend in backends:
        settings = make_settings(args.data_dir, torch_threads=threads[backend])
        name = backend.partition("@")[0]
        load_s, encoders[backend] = timed(lambda n=name, s=settings: load_encoder(s, backend=n))
        print(f"loaded {encoders[backend].name} in {load_s:.1f} s", file=sys.stderr, flush=True)
    for encoder in encoders.values():  # warm-up: first calls allocate
        encoder.encode_passages(sample_texts[:4])
        encoder.encode_query(probe[0])

    passage_s = {b: [] for b in backends}
    ingest_s = {b: [] for b in backends}
    query_ms = {b: [] for b in backends}
    for round_ in range(args.rounds):
        order = backends[round_ % len(backends) :] + backends[: round_ % len(backends)]
        for backend in order:
            set_threads(threads[backend])  # torch's setting is per process: set it for each run
            encoder = encoders[backend]
            seconds, _ = timed(lambda e=encoder: [e.encode_passages([t for _, t in doc]) for doc in sample])
            passage_s[backend].append(seconds)
            if args.ingest:
                ingest_s[backend].append(ingest_sample(encoder, {d: corpus.docs[d] for d in sample_ids}))
            singles = []
            for text in probe:
                s, _ = timed(lambda e=encoder, t=text: e.encode_query(t))
                singles.append(s * 1000)
            query_ms[backend].append(statistics.median(singles))
            print(f"round {round_ + 1} {backend}: passages {seconds:.1f} s, query p50 {query_ms[backend][-1]:.1f} ms",
                  file=sys.stderr, flush=True)  # fmt: skip

    reference_p = encoders["torch"].encode_passages(sample_texts)
    reference_q = encoders["torch"].encode_queries(probe)
    rows = {}
    for backend in backends:
        set_threads(threads[backend])
        vp = encoders[backend].encode_passages(sample_texts)
        vq = encoders[backend].encode_queries(probe)
        cos_p = (vp * reference_p).sum(1)
        cos_q = (vq * reference_q).sum(1)
        ratio = [t / b for t, b in zip(passage_s["torch"], passage_s[backend], strict=True)]
        qratio = [t / b for t, b in zip(query_ms["torch"], query_ms[backend], strict=True)]
        rows[backend] = {
            "passages_s_median": round(statistics.median(passage_s[backend]), 2),
            **(
                {
                    "ingest_s_median": round(statistics.median(ingest_s[backend]), 2),
                    "ingest_speedup_vs_torch": round(statistics.median(
                        [t / b for t, b in zip(ingest_s["torch"], ingest_s[backend], strict=True)]), 2),
                }
                if args.ingest
                else {}
            ),
            "passage_speedup_vs_torch": round(statistics.median(ratio), 2),
            "query_ms_median": round(statistics.median(query_ms[backend]), 1),
            "query_speedup_vs_torch": round(statistics.median(qratio), 2),
            "cos_passages_min": round(float(cos_p.min()), 4),
            "cos_passages_mean": round(float(cos_p.mean()), 5),
            "cos_queries_min": round(float(cos_q.min()), 4),
            "cos_queries_mean": round(float(cos_q.mean()), 5),
        }
    if args.mrr:
        all_ids = [(doc, t) for doc, rows_ in grouped.items() for _, t in rows_]
        doc_of_chunk = [d for d, _ in all_ids]
        texts = [t for _, t in all_ids]
        for backend in backends:
            set_threads(threads[backend])
            seconds, vectors = timed(lambda b=backend: encoders[b].encode_passages(texts))
            qv = encoders[backend].encode_queries([q.text for q in questions])
            rows[backend]["dense"] = dense_mrr(vectors, doc_of_chunk, questions, qv)
            rows[backend]["all_chunks_s"] = round(seconds, 1)
            print(f"{backend}: dense {rows[backend]['dense']} ({seconds:.0f} s for {len(texts)} chunks)",
                  file=sys.stderr, flush=True)  # fmt: skip

    meta = {"sample_documents": len(sample), "sample_chunks": len(sample_texts), "rounds": args.rounds,
            "threads": threads, "questions_probe": len(probe)}  # fmt: skip
    if args.json:
        print(json.dumps({"meta": meta, "backends": rows}, indent=1))
        return 0
    print(f"sample: {meta['sample_documents']} documents / {meta['sample_chunks']} chunks, "
          f"{meta['questions_probe']} single questions, {args.rounds} rounds, threads {threads}")  # fmt: skip
    print(f"{'backend':<11} {'passages s':>10} {'x torch':>7} {'query ms':>8} {'x torch':>7} "
          f"{'cos p min/mean':>16} {'cos q min/mean':>16}" + ("  dense MRR@10  S@1" if args.mrr else ""))  # fmt: skip
    for backend, r in rows.items():
        line = (f"{backend:<11} {r['passages_s_median']:>10.2f} {r['passage_speedup_vs_torch']:>7.2f} "
                f"{r['query_ms_median']:>8.1f} {r['query_speedup_vs_torch']:>7.2f} "
                f"{r['cos_passages_min']:>7.4f}/{r['cos_passages_mean']:.5f} "
                f"{r['cos_queries_min']:>7.4f}/{r['cos_queries_mean']:.5f}")  # fmt: skip
        if "ingest_s_median" in r:
            line += f"  ingest {r['ingest_s_median']:.1f} s (x{r['ingest_speedup_vs_torch']:.2f})"
        if "dense" in r:
            line += f"  {r['dense']['mrr@10']:.4f}  {r['dense']['success@1']:.3f}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
