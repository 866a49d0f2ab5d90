"""Tune the German BM25 component on GermanQuAD (retrieval form).

Data: /work/shared/eval/germanquad/{docs,queries,qrels}.jsonl (474 passages, 2204 questions,
one gold passage each; GermanQuAD by deepset, CC BY 4.0, Möller et al. 2021, arXiv:2104.12741).

Split: the 474 doc ids sorted as strings; the first 237 and their questions are ``dev``, the
rest ``test``. The index always holds all 474 passages; a split only chooses the questions.
Metrics over the full ranking: MRR@10, Success@1/5/10 (ties broken by doc id, like the
published BM25-de numbers).

The sweep (analyzer options x k1 x b) runs on dev only; the best dev configuration is then
reported on test and on all questions, with query latency and index build time.

    .venv/bin/python bench/tune_lexical.py [--data DIR] [--top 10] [--quick] [--json OUT]
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.components.lexical import GermanAnalyzer, LexicalIndex  # noqa: E402
from assistant.components.lexical.bm25 import DEFAULT_B, DEFAULT_K1, DEFAULT_NGRAM_WEIGHT  # noqa: E402

DEFAULT_DATA = Path("/work/shared/eval/germanquad")

# Exact ties keep grid order, so each tuple lists the preferred value first (with stemming on,
# the three fold settings give the same terms: the Snowball stemmer folds umlauts itself).
FOLDS = ("ascii", "digraph", "none")
STOPS = ("core", "extended", "none")
STEMS = (True, False)
# (compounds, ngram_size, ngram_min_len): n-grams of every word of at least min_len characters
COMPOUNDS = (
    ("none", 4, 4),
    ("ngrams", 3, 4),
    ("ngrams", 4, 4),
    ("ngrams", 4, 6),
    ("ngrams", 5, 5),
    ("ngrams", 4, 8),
)
NGRAM_WEIGHTS = (0.1, 0.2, 0.3)
K1S = (0.9, 1.2, 1.5, 2.0)
BS = (0.5, 0.75, 0.9)


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_data(data: Path):
    docs = sorted(read_jsonl(data / "docs.jsonl"), key=lambda d: d["doc_id"])
    queries = {q["query_id"]: q["query_text"] for q in read_jsonl(data / "queries.jsonl")}
    qrels = read_jsonl(data / "qrels.jsonl")
    doc_ids = [d["doc_id"] for d in docs]  # string-sorted: index order = tie order
    texts = [d["text"] for d in docs]
    dev_docs = set(doc_ids[: len(doc_ids) // 2])
    rows = [(r["query_id"], queries[r["query_id"]], r["doc_id"]) for r in qrels]
    splits = {
        "dev": [r for r in rows if r[2] in dev_docs],
        "test": [r for r in rows if r[2] not in dev_docs],
        "all": rows,
    }
    return doc_ids, texts, splits


def ranks(index: LexicalIndex, query_tokens: list[list[str]], gold_rows: np.ndarray) -> np.ndarray:
    """1-based rank of each gold passage in the full ranking (inf when it scores 0)."""
    out = np.empty(len(query_tokens), dtype=np.float64)
    for i, (toks, g) in enumerate(zip(query_tokens, gold_rows, strict=True)):
        s = index.score_all_tokens(toks)
        gs = s[g]
        if gs <= 0:
            out[i] = np.inf
        else:
            out[i] = 1 + np.count_nonzero(s > gs) + np.count_nonzero(s[:g] == gs)
    return out


def metrics(r: np.ndarray) -> dict[str, float]:
    return {
        "mrr10": float(np.where(r <= 10, 1.0 / r, 0.0).mean()),
        "s1": float((r <= 1).mean()),
        "s5": float((r <= 5).mean()),
        "s10": float((r <= 10).mean()),
    }


def compound_name(a: dict, weight: float) -> str:
    return "none" if a["compounds"] == "none" else f"ng{a['ngram_size']}/{a['ngram_min_len']}*{weight}"


def analyzer_name(a: GermanAnalyzer, weight: float) -> str:
    comp = compound_name(a.config(), weight)
    return f"fold={a.fold:<7} stop={a.stopwords:<8} stem={'y' if a.stem else 'n'} comp={comp:<11}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--top", type=int, default=10, help="rows of the dev table to print")
    ap.add_argument("--quick", action="store_true", help="only the default analyzer, all k1/b")
    ap.add_argument("--json", type=Path, help="write every dev row and the final numbers here")
    args = ap.parse_args()

    doc_ids, texts, splits = load_data(args.data)
    pos = {d: i for i, d in enumerate(doc_ids)}
    print(
        f"{len(doc_ids)} passages; questions: dev {len(splits['dev'])}, "
        f"test {len(splits['test'])}, all {len(splits['all'])}"
    )

    if args.quick:
        analyzers = [GermanAnalyzer(), GermanAnalyzer(compounds="none")]
    else:
        # a generator: each analyzer (and its cache) is dropped after its configurations
        analyzers = (
            GermanAnalyzer(fold=f, stopwords=s, stem=st, compounds=c, ngram_size=n, ngram_min_len=m)
            for f, s, st, (c, n, m) in itertools.product(FOLDS, STOPS, STEMS, COMPOUNDS)
        )

    dev = splits["dev"]
    dev_gold = np.array([pos[r[2]] for r in dev])
    table = []
    t0 = time.perf_counter()
    for n_done, a in enumerate(analyzers, 1):
        print(f"  [{n_done}] {analyzer_name(a, 0.0)} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
        base = LexicalIndex(doc_ids, texts, analyzer=a)
        qtok = a.tokenize_many([r[1] for r in dev])
        weights = NGRAM_WEIGHTS if a.compounds != "none" else (0.0,)
        for k1, b, w in itertools.product(K1S, BS, weights):
            idx = base.reweighted(k1, b, w)
            m = metrics(ranks(idx, qtok, dev_gold))
            table.append(
                {
                    "analyzer": a.config(),
                    "name": analyzer_name(a, w),
                    "k1": k1,
                    "b": b,
                    "ngram_weight": w,
                    **m,
                }
            )
    print(f"dev sweep: {len(table)} configurations in {time.perf_counter() - t0:.1f} s\n")

    table.sort(key=lambda r: (-r["mrr10"], -r["s1"], -r["s10"]))
    header = f"{'#':>3}  {'analyzer':<55} {'k1':>4} {'b':>5}  {'MRR@10':>7} {'S@1':>6} {'S@5':>6} {'S@10':>6}"
    print("DEV sweep, best first")
    print(header)
    for i, r in enumerate(table[: args.top], 1):
        print(
            f"{i:>3}  {r['name']:<55} {r['k1']:>4} {r['b']:>5}  "
            f"{r['mrr10']:.4f} {r['s1']:.4f} {r['s5']:.4f} {r['s10']:.4f}"
        )

    # One line per analyzer option value: the best dev MRR@10 with that value (any other options).
    print("\nBest dev MRR@10 per option value")
    for key in ("fold", "stopwords", "stem", "compounds_v"):
        best: dict[str, float] = {}
        for r in table:
            a = r["analyzer"]
            v = compound_name(a, r["ngram_weight"]) if key == "compounds_v" else str(a[key])
            best[v] = max(best.get(v, 0.0), r["mrr10"])
        print(f"  {key.replace('_v', ''):<10} " + "  ".join(f"{v}={m:.4f}" for v, m in best.items()))

    chosen = table[0]
    default_cfg = GermanAnalyzer().config()
    default_params = (
        DEFAULT_K1,
        DEFAULT_B,
        DEFAULT_NGRAM_WEIGHT if default_cfg["compounds"] != "none" else 0.0,
    )

    def is_default_row(r: dict) -> bool:
        return r["analyzer"] == default_cfg and (r["k1"], r["b"], r["ngram_weight"]) == default_params

    is_default = is_default_row(chosen)
    default_row = next((r for r in table if is_default_row(r)), None)
    print(f"\nchosen on dev: {chosen['name']} k1={chosen['k1']} b={chosen['b']}")
    print(
        f"library defaults: {GermanAnalyzer()!r} k1={DEFAULT_K1} b={DEFAULT_B} "
        f"ngram_weight={DEFAULT_NGRAM_WEIGHT} -> same: {is_default}"
    )
    if default_row and not is_default:
        print(f"  defaults on dev: MRR@10 {default_row['mrr10']:.4f}")

    # Final numbers for the chosen configuration (fresh analyzer: cold cache).
    a = GermanAnalyzer(**chosen["analyzer"])
    builds = []
    for _ in range(5):
        cold = GermanAnalyzer(**chosen["analyzer"])
        t = time.perf_counter()
        LexicalIndex(
            doc_ids, texts, analyzer=cold, k1=chosen["k1"], b=chosen["b"], ngram_weight=chosen["ngram_weight"]
        )
        builds.append(time.perf_counter() - t)
    index = LexicalIndex(
        doc_ids, texts, analyzer=a, k1=chosen["k1"], b=chosen["b"], ngram_weight=chosen["ngram_weight"]
    )
    final = {}
    print(f"\n{'split':<5} {'n':>5}  {'MRR@10':>7} {'S@1':>6} {'S@5':>6} {'S@10':>6}")
    for name in ("dev", "test", "all"):
        rows = splits[name]
        r = ranks(index, a.tokenize_many([q[1] for q in rows]), np.array([pos[q[2]] for q in rows]))
        m = metrics(r)
        final[name] = {"n": len(rows), **m}
        print(f"{name:<5} {len(rows):>5}  {m['mrr10']:.4f} {m['s1']:.4f} {m['s5']:.4f} {m['s10']:.4f}")

    # Latency: search(query, k=10) end to end (analysis + scoring + top k), each query once,
    # with a fresh analyzer so that every query's new words are stemmed inside the timing.
    a2 = GermanAnalyzer(**chosen["analyzer"])
    index2 = LexicalIndex(
        doc_ids, texts, analyzer=a2, k1=chosen["k1"], b=chosen["b"], ngram_weight=chosen["ngram_weight"]
    )
    lat = []
    for _, q, _ in splits["all"]:
        t = time.perf_counter()
        index2.search(q, k=10)
        lat.append(time.perf_counter() - t)
    lat_ms = sorted(x * 1000 for x in lat)
    p95 = lat_ms[int(0.95 * (len(lat_ms) - 1))]
    print(
        f"\nquery latency search(k=10), {len(lat_ms)} queries: median {statistics.median(lat_ms):.3f} ms, "
        f"p95 {p95:.3f} ms, max {lat_ms[-1]:.3f} ms"
    )
    print(
        f"index build ({len(doc_ids)} passages, cold analyzer): median of 5 {statistics.median(builds) * 1000:.1f} ms"
    )

    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "dev_table": table,
                    "chosen": chosen,
                    "final": final,
                    "latency_ms_median": statistics.median(lat_ms),
                    "build_ms_median": statistics.median(builds) * 1000,
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
