"""Fits the relevance gate ("do the documents say anything about this?") on GermanQuAD dev.

    .venv/bin/python bench/calibrate_relevance.py [--write]

Half of the dev passages are indexed. Questions whose gold passage is indexed are "relevant";
questions whose gold passage was held out are "nothing relevant" (their topic is absent). The
features are computed by the product's own ``RelevanceGate.evidence``; a logistic regression on
them is fitted on one half of the questions and its accuracy reported on the other half.
``--write`` stores the coefficients in assistant/data/relevance.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from assistant.components.answerer.extractive import ExtractiveAnswerer  # noqa: E402
from assistant.components.answerer.relevance import RelevanceGate  # noqa: E402
from assistant.components.answerer.terms import TermMatcher  # noqa: E402
from assistant.components.embedding.component import load_encoder  # noqa: E402
from assistant.components.lexical.analyzer import GermanAnalyzer  # noqa: E402
from assistant.components.vector_store import StoredChunk  # noqa: E402
from assistant.retrieval_types import Passage, Retrieval  # noqa: E402
from assistant.settings import Settings  # noqa: E402

RECALL_TARGET = 0.97
GQ = PROJECT.parent / "shared" / "eval" / "germanquad"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def dev_split() -> tuple[dict[str, str], list[tuple[str, str]]]:
    docs = {d["doc_id"]: d["text"] for d in read_jsonl(GQ / "docs.jsonl")}
    dev_ids = sorted(docs)[: len(docs) // 2]
    gold = {q["query_id"]: q["doc_id"] for q in read_jsonl(GQ / "qrels.jsonl")}
    queries = [(q["query_text"], gold[q["query_id"]]) for q in read_jsonl(GQ / "queries.jsonl")]
    dev = set(dev_ids)
    return {d: docs[d] for d in dev_ids}, [(text, doc) for text, doc in queries if doc in dev]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    from sklearn.linear_model import LogisticRegression

    settings = Settings(_env_file=None, model_cache_dir=PROJECT / "data/models")
    encoder = load_encoder(settings)
    gate = RelevanceGate(encoder, cache_dir=settings.models_dir)
    answerer = ExtractiveAnswerer(encoder, TermMatcher(encoder, GermanAnalyzer()), gate)
    docs, queries = dev_split()
    doc_ids = sorted(docs)
    indexed = doc_ids[::2]
    texts = [docs[d] for d in indexed]
    matrix = encoder.encode_passages(texts)
    answerer.warm(texts)  # all sentence vectors at once, batched
    query_vectors = encoder.encode_queries([q for q, _ in queries])

    features, labels = [], []
    for (question, gold), vector in zip(queries, query_vectors, strict=True):
        sims = matrix @ vector
        top = np.argsort(-sims)[:5]
        passages = [
            Passage(StoredChunk(indexed[i], texts[i], {"language": "de"}, float(sims[i])), float(sims[i]), float(sims[i]), 0.0)
            for i in top
        ]
        retrieval = Retrieval(query=question, query_vector=vector, passages=passages, encoder=encoder.name)
        features.append([answerer.evidence(question, "de", retrieval).gate_margin])
        labels.append(int(gold in set(indexed)))
    x, y = np.array(features), np.array(labels)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(y))
    fit, held = order[: len(y) // 2], order[len(y) // 2 :]
    model = LogisticRegression(class_weight="balanced", C=1e4).fit(x[fit], y[fit])
    # Operating point: answer RECALL_TARGET of the answerable questions. Refusing what the documents
    # do say hides information from the user; GermanQuAD's "nothing relevant" questions are harder
    # near-misses (encyclopedic questions over an encyclopedia) than most off-topic questions.
    fit_relevant = x[fit][y[fit] == 1][:, 0]
    margin_cut = float(np.quantile(fit_relevant, 1 - RECALL_TARGET))
    threshold = float(model.predict_proba([[margin_cut]])[0, 1])
    predicted = (model.predict_proba(x[held])[:, 1] >= threshold).astype(int)
    coefficients = {
        "bias": round(float(model.intercept_[0]), 4),
        "margin_weight": round(float(model.coef_[0][0]), 4),
        "threshold": round(threshold, 4),
        "recall_target": RECALL_TARGET,
        "fitted_on": f"GermanQuAD dev, {len(fit)} questions ({int(y[fit].sum())} relevant)",
        "held_out_accuracy": round(float((predicted == y[held]).mean()), 4),
        "held_out_relevant_answered": round(float(predicted[y[held] == 1].mean()), 4),
        "held_out_irrelevant_refused": round(float(1 - predicted[y[held] == 0].mean()), 4),
    }
    coefficients["margin_at_threshold"] = round(margin_cut, 4)
    print(json.dumps(coefficients, indent=2))
    for label, rows in (("relevant", y == 1), ("nothing relevant", y == 0)):
        q = np.percentile(x[rows][:, 0], [5, 25, 50, 75, 95])
        print(f"{label:>17}: margin p5/p25/p50/p75/p95 {np.round(q, 3)}")
    if args.write:
        target = PROJECT / "assistant/data/relevance.json"
        target.write_text(json.dumps(coefficients, indent=2) + "\n", encoding="utf-8")
        print("written to", target)


if __name__ == "__main__":
    main()
