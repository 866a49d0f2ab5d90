"""Sweep the fusion settings of hybrid retrieval on the GermanQuAD dev questions.

Works on an index built by ``bench/germanquad.py --data-dir DIR`` (same backend). Every
configuration runs the product's ``RetrievalService`` (weighted min-max fusion) with its own
``FusionConfig``; question vectors are computed once, and a memo in front of the Chroma store
answers repeated identical queries, so a configuration costs seconds, not an index rebuild.
Reciprocal rank fusion (k=60, over the dense and the lexical candidate lists of the same pool
size) is computed here for the record only; the product does not use it.

    .venv/bin/python bench/tune_hybrid.py --data-dir DIR [--backend onnx-int8] [--split dev]
        [--weights 0.3,0.4,0.5,0.6,0.7] [--candidates 10,20,30,50] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from germanquad import (  # noqa: E402
    DEFAULT_DATA,
    RANK_DOCS,
    build_container,
    document_ranking,
    load_germanquad,
    make_settings,
    metrics,
)

from assistant.services.retrieval import FusionConfig, RetrievalService  # noqa: E402

RRF_K = 60


class MemoStore:
    """Read-only proxy of ChunkStore that remembers query results (tuning runs repeat them)."""

    def __init__(self, store) -> None:
        self._store = store
        self._queries: dict = {}
        self._vectors: dict = {}

    def __getattr__(self, name):
        return getattr(self._store, name)

    def query(self, embedding, k, where):
        key = (embedding.tobytes(), k, json.dumps(where, sort_keys=True))
        if key not in self._queries:
            self._queries[key] = self._store.query(embedding, k, where)
        return self._queries[key]

    def get_chunks_with_vectors(self, ids):
        missing = [i for i in ids if i not in self._vectors]
        for chunk, vector in self._store.get_chunks_with_vectors(missing):
            self._vectors[chunk.id] = (chunk, vector)
        return [self._vectors[i] for i in ids if i in self._vectors]


def rank_of(docs: list[str], gold: str) -> int | None:
    return docs.index(gold) + 1 if gold in docs[:RANK_DOCS] else None


def evaluate_weighted(service: RetrievalService, questions, vectors, pool: int) -> dict:
    ranks = []
    for q, v in zip(questions, vectors, strict=True):
        result = service.retrieve_with_vector(q.text, v, pool, mode="hybrid")
        ranks.append(rank_of(document_ranking(result.passages), q.doc_id))
    return metrics(ranks)


def evaluate_rrf(service: RetrievalService, questions, vectors, pool: int) -> dict:
    ranks = []
    for q, v in zip(questions, vectors, strict=True):
        scores: dict[str, float] = {}
        chunks = {}
        for mode in ("dense", "lexical"):
            for position, p in enumerate(service.retrieve_with_vector(q.text, v, pool, mode=mode).passages, 1):
                scores[p.id] = scores.get(p.id, 0.0) + 1.0 / (RRF_K + position)
                chunks[p.id] = p
        ordered = sorted(scores, key=lambda i: -scores[i])
        ranks.append(rank_of(document_ranking(chunks[i] for i in ordered), q.doc_id))
    return metrics(ranks)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--backend", default=None)
    parser.add_argument("--split", default="dev", choices=("dev", "test", "all"))
    parser.add_argument("--weights", default="0.3,0.4,0.5,0.55,0.6,0.65,0.7,0.8")
    parser.add_argument("--candidates", default="10,20,30,50,100")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args(argv)

    corpus = load_germanquad(args.data)
    questions = corpus.split(args.split)
    container = build_container(make_settings(args.data_dir), backend=args.backend)
    print(f"{len(questions)} {args.split} questions, {len(container.lexical.index)} chunks, "
          f"encoder {container.encoder.name}", file=sys.stderr)  # fmt: skip
    vectors = container.encoder.encode_queries([q.text for q in questions])
    store = MemoStore(container.store)
    rows = []
    for pool in [int(x) for x in args.candidates.split(",")]:
        for weight in [float(x) for x in args.weights.split(",")]:
            service = RetrievalService(store, container.encoder, container.lexical, FusionConfig("hybrid", weight, pool))
            rows.append({"fusion": "minmax", "dense_weight": weight, "candidates": pool,
                         **evaluate_weighted(service, questions, vectors, pool)})  # fmt: skip
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        service = RetrievalService(store, container.encoder, container.lexical, FusionConfig("hybrid", 0.5, pool))
        rows.append({"fusion": "rrf", "dense_weight": None, "candidates": pool,
                     **evaluate_rrf(service, questions, vectors, pool)})  # fmt: skip
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(f"{'fusion':<7} {'w_dense':>7} {'cand':>5} {'MRR@10':>7} {'S@1':>6} {'S@5':>6} {'S@10':>6}")
    for r in rows:
        w = "-" if r["dense_weight"] is None else f"{r['dense_weight']:.2f}"
        print(f"{r['fusion']:<7} {w:>7} {r['candidates']:>5} {r['mrr@10']:>7.4f} {r['success@1']:>6.3f} "
              f"{r['success@5']:>6.3f} {r['success@10']:>6.3f}")  # fmt: skip
    best = max((r for r in rows if r["fusion"] == "minmax"), key=lambda r: (r["mrr@10"], r["success@1"]))
    print(f"best min-max: dense_weight={best['dense_weight']} candidates={best['candidates']} "
          f"MRR@10={best['mrr@10']:.4f} S@1={best['success@1']:.3f}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
