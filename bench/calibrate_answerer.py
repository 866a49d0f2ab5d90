"""Fits the extractive answerer's decision model on XQuAD-de dev and writes assistant/data/answerer.json.

    .venv/bin/python bench/calibrate_answerer.py [--write] [--target-answered 0.97]
        [--spread-backend onnx-int8] [--data-dir DIR]

What it does, all through the product's own ingestion, retrieval and feature code:

1. builds the XQuAD-de dev index by the protocol of ``bench/xquad.py`` (articles without their last
   paragraph) and asks every question in German and in English; and a GermanQuAD index by the same
   idea (``--germanquad``, on by default): of every article with several passages the last one is
   held out, its questions are near misses, the others answerable. GermanQuAD's questions were
   written in German by native speakers, more freely than XQuAD's translations; they only feed the
   answerability model (they have no answer spans for the ranker). Its dev half trains, its test
   half is only measured;
2. **ranker**: a linear listwise (softmax) model over ``UNIT_FEATURES``; the label of a unit is
   "contains a gold answer". Trained on answerable questions;
3. **answerability**: logistic regression over ``QUESTION_FEATURES`` of the unit the ranker puts
   first; positives are answerable questions, negatives near misses. The threshold is set so that
   the cross-validated share of answerable questions answered is ``--target-answered``;
4. **context**: the runner-up unit's softmax share above which it is quoted too, chosen on the
   cross-validated predictions to maximise ``contains`` with a median answer of at most
   ``--max-words`` words;
5. **tie**: the spread of ranker scores between this backend and ``--spread-backend`` (the same
   questions, another embedding backend for retrieval): the 99th percentile of the absolute score
   difference of the same unit. Closer scores count as a tie in the answerer.

Every figure is cross-validated by article (4 folds of 6 articles): the printed numbers are what
the model does on articles it was not fitted on. The final model is then fitted on all of dev.
"""

from __future__ import annotations

import argparse
import datetime
import json
import pickle
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from germanquad import load_germanquad, wiki_to_markdown  # noqa: E402
from xquad import (  # noqa: E402
    DEFAULT_DATA,
    LANGUAGES,
    Item,
    build_container,
    ensure_index,
    load_split,
    make_settings,
    normalise,
)

from assistant.components.answerer.features import QUESTION_FEATURES, UNIT_FEATURES, question_features  # noqa: E402
from assistant.components.answerer.model import AnswerModel, Linear  # noqa: E402

OUTPUT = ROOT / "assistant" / "data" / "answerer.json"
FOLDS = 4


@dataclass
class Sample:
    item_id: str
    doc_id: str
    language: str
    kind: str
    evidence: object
    gold: np.ndarray  # per unit: holds a gold answer
    unit_words: np.ndarray  # per unit: words
    dataset: str = "xquad"


def germanquad_split(split: str) -> tuple[dict[str, str], list[Item]]:
    """GermanQuAD passages to index and questions, held-out passages making near misses."""
    corpus = load_germanquad()
    ids = sorted(corpus.docs)
    chosen = set(ids[: len(ids) // 2] if split == "dev" else ids[len(ids) // 2 :])
    by_article: dict[str, list[str]] = {}
    for doc_id in sorted(chosen):
        by_article.setdefault(corpus.docs[doc_id].split("\n", 1)[0].strip(), []).append(doc_id)
    held_out = {passages[-1] for passages in by_article.values() if len(passages) > 1}
    article_of = {d: title for title, passages in by_article.items() for d in passages}
    kept = {d: corpus.docs[d] for d in sorted(chosen - held_out)}
    items = [
        Item(
            id=q.query_id,
            doc_id=article_of[q.doc_id],  # folds group by article
            kind="near_miss" if q.doc_id in held_out else "answerable",
            question={"de": q.text},
            answers=[],
        )
        for q in corpus.questions
        if q.doc_id in chosen
    ]
    return kept, items


def index_germanquad(container, passages: dict[str, str], say) -> None:
    for doc_id, text in passages.items():
        result = container.documents.ingest_bytes(f"{doc_id}.md", wiki_to_markdown(text).encode("utf-8"), {"id": doc_id})
        if result.status == "failed":
            raise RuntimeError(f"{doc_id}: {result.reason}")
    container.lexical.refresh(force=True)
    say(f"GermanQuAD index ready: {len(passages)} passages")


def collect(container, items, say, dataset: str = "xquad") -> list[Sample]:
    answerer = container.answerer
    samples = []
    for n, item in enumerate(items, 1):
        for language in item.question:
            question = item.question[language]
            retrieval = container.retrieval.retrieve(question, container.settings.top_k)
            evidence = answerer.evidence(question, language, retrieval)
            units = evidence.candidates.units if evidence.candidates else []
            answers = [normalise(a) for a in item.answers if normalise(a)]
            gold = np.array([any(a in normalise(u.text) for a in answers) for u in units], dtype=bool)
            words = np.array([len(u.text.split()) for u in units])
            samples.append(Sample(item.id, item.doc_id, language, item.kind, evidence, gold, words, dataset))
        if n % 100 == 0:
            say(f"  features for {n}/{len(items)} questions")
    return samples


# --------------------------------------------------------------------------- fitting


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def fit_ranker(samples: list[Sample], l2: float = 1e-2, steps: int = 400, rate: float = 0.5) -> Linear:
    groups = [(s.evidence.candidates.features, s.gold.astype(float)) for s in samples if s.gold.any()]
    mean, scale = standardise(np.concatenate([x for x, _ in groups]))
    groups = [((x - mean) / scale, y / y.sum()) for x, y in groups]
    w = np.zeros(len(UNIT_FEATURES))
    for _ in range(steps):  # full-batch gradient descent on the listwise cross-entropy
        grad = l2 * w
        for x, target in groups:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            grad += x.T @ (p - target) / len(groups)
        w -= rate * grad
    return Linear(UNIT_FEATURES, mean, scale, w, 0.0)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 2000, rate: float = 0.5) -> Linear:
    mean, scale = standardise(x)
    z = (x - mean) / scale
    w = np.zeros(z.shape[1])
    b = 0.0
    # Balanced classes: near misses are few, and each must weigh as much as all answerable ones.
    weight = np.where(y, 0.5 / max(y.sum(), 1), 0.5 / max((~y).sum(), 1))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = weight * (p - y)
        w -= rate * (z.T @ g + l2 * w)
        b -= rate * g.sum()
    return Linear(QUESTION_FEATURES, mean, scale, w, b)


def folds_of(samples: list[Sample]) -> list[set[str]]:
    docs = sorted({s.doc_id for s in samples})
    return [set(docs[i::FOLDS]) for i in range(FOLDS)]


def placeholder(ranker: Linear, tie: float = 0.0) -> AnswerModel:
    zero = Linear(QUESTION_FEATURES, np.zeros(len(QUESTION_FEATURES)), np.ones(len(QUESTION_FEATURES)), np.zeros(len(QUESTION_FEATURES)), 0.0)
    return AnswerModel(ranker=ranker, answerable=zero, threshold=0.5, tie=tie, context=1e9)


def question_rows(answerer, samples: list[Sample], model: AnswerModel) -> np.ndarray:
    rows = []
    for s in samples:
        plan = answerer.decide(s.evidence, model)
        rows.append(question_features(s.evidence.analysis, s.evidence.candidates, plan.scores, plan.best, s.evidence.gate_margin))
    return np.array(rows)


def cross_validate(answerer, samples: list[Sample], tie: float) -> dict:
    """Out-of-fold ranker choice and answerability probability for every sample."""
    usable = [s for s in samples if s.evidence.candidates is not None]
    probability = {}
    oof_models = {}
    for test_docs in folds_of(usable):
        train = [s for s in usable if s.doc_id not in test_docs]
        ranker = fit_ranker([s for s in train if s.kind == "answerable" and s.dataset == "xquad"])
        rank_only = placeholder(ranker, tie)
        x_train = question_rows(answerer, train, rank_only)
        y_train = np.array([s.kind == "answerable" for s in train])
        answerable = fit_logistic(x_train, y_train)
        model = AnswerModel(ranker=ranker, answerable=answerable, threshold=0.0, tie=tie, context=1e9)
        for s in usable:
            if s.doc_id in test_docs:
                plan = answerer.decide(s.evidence, model)
                probability[id(s)] = -1.0 if plan.ruled_out else plan.probability
                oof_models[id(s)] = model
    return {"probability": probability, "models": oof_models, "usable": usable}


def threshold_for(usable: list[Sample], probability: dict, target: float) -> float:
    """The probability at which ``target`` of the answerable XQuAD questions are answered; questions a
    condition rules out (-1) are never answered, so when they alone exceed 1 - target, every
    question the conditions admit is answered."""
    p = np.sort([probability[id(s)] for s in usable if s.kind == "answerable" and s.dataset == "xquad"])[::-1]
    cut = float(p[min(len(p), int(np.ceil(target * len(p)))) - 1])
    return cut if cut >= 0 else float(p[p >= 0].min())


def simulate(answerer, usable, cv, threshold: float, context: float) -> dict:
    """The answer each sample gets with out-of-fold models: answered, contains, words."""
    out = {lang: {"answered": [], "contains": [], "words": [], "refused": [], "top1": []} for lang in LANGUAGES}
    for s in usable:
        if s.dataset != "xquad":
            continue
        model = cv["models"][id(s)]
        model = AnswerModel(model.ranker, model.answerable, threshold, model.tie, context)
        plan = answerer.decide(s.evidence, model)
        stats = out[s.language]
        if s.kind == "near_miss":
            stats["refused"].append(not plan.answerable)
            continue
        stats["answered"].append(plan.answerable)
        stats["top1"].append(bool(s.gold[plan.best]) if plan.best >= 0 and len(s.gold) else False)
        if plan.answerable:
            units = s.evidence.candidates.units
            shown = [units.index(u) for block in plan.blocks for u in block]
            stats["contains"].append(bool(s.gold[shown].any()))
            stats["words"].append(int(sum(s.unit_words[shown])))
        else:
            stats["contains"].append(False)
    summary = {}
    for lang, stats in out.items():
        summary[lang] = {
            "answered": float(np.mean(stats["answered"])),
            "contains": float(np.mean(stats["contains"])),
            "words": float(statistics.median(stats["words"])) if stats["words"] else 0.0,
            "refused": float(np.mean(stats["refused"])),
            "top1": float(np.mean(stats["top1"])),
        }
    return summary


def score_spread(container, other, samples: list[Sample], ranker: Linear, items_by_id) -> float:
    """99th percentile of |ranker score difference| of the same unit under two retrieval backends."""
    diffs = []
    for s in samples[::3]:
        question = items_by_id[s.item_id].question[s.language]
        theirs = other.answerer.evidence(question, s.language, other.retrieval.retrieve(question, other.settings.top_k))
        if s.evidence.candidates is None or theirs.candidates is None:
            continue
        mine = dict(zip((u.text for u in s.evidence.candidates.units), ranker(s.evidence.candidates.features), strict=True))
        for unit, score in zip(theirs.candidates.units, ranker(theirs.candidates.features), strict=True):
            if unit.text in mine:
                diffs.append(abs(mine[unit.text] - score))
    return float(np.percentile(diffs, 99)) if diffs else 0.0


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--backend", default=None)
    parser.add_argument("--spread-backend", default="onnx-int8")
    parser.add_argument("--no-germanquad", dest="germanquad", action="store_false", help="XQuAD only")
    parser.add_argument("--target-answered", type=float, default=0.97)
    parser.add_argument("--max-words", type=float, default=30.0)
    parser.add_argument("--write", action="store_true", help=f"write {OUTPUT.relative_to(ROOT)}")
    parser.add_argument("--samples", type=Path, default=None, help="pickle the measured samples here (for analysis)")
    args = parser.parse_args()

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    articles, items, _ = load_split(args.data, "dev")
    items_by_id = {i.id: i for i in items}
    own = args.data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="calibrate-")) if own else args.data_dir
    try:
        container = build_container(make_settings(data_dir / "main"), args.backend)
        ensure_index(container, articles, say)
        samples = collect(container, items, say)

        # Tie first (it shapes every later choice): the spread of a ranker fitted on all data.
        full_ranker = fit_ranker([s for s in samples if s.kind == "answerable" and s.evidence.candidates])
        if args.germanquad:
            gq_container = build_container(make_settings(data_dir / "germanquad"), args.backend)
            gq_container.__dict__["scorer"] = container.scorer
            passages, gq_items = germanquad_split("dev")
            index_germanquad(gq_container, passages, say)
            samples += collect(gq_container, gq_items, say, "germanquad")
        if args.samples:
            with open(args.samples, "wb") as fh:
                pickle.dump(samples, fh)
        tie = 0.0
        if args.spread_backend:
            other = build_container(make_settings(data_dir / "spread"), args.spread_backend)
            other.__dict__["scorer"] = container.scorer  # answers always score in float32
            ensure_index(other, articles, say)
            tie = score_spread(container, other, [s for s in samples if s.dataset == "xquad"], full_ranker, items_by_id)
            say(f"ranker score spread vs {args.spread_backend} (p99): {tie:.4f}")

        cv = cross_validate(container.answerer, samples, tie)
        usable = cv["usable"]
        for target in (0.93, 0.94, 0.95, 0.96, 0.97, 0.98):
            at = threshold_for(usable, cv["probability"], target)
            groups = [("xquad", "de"), ("xquad", "en"), ("germanquad", "de")]
            rates = []
            for dataset, lang in groups:
                mine = [s for s in usable if s.dataset == dataset and s.language == lang]
                if not mine:
                    continue
                answered = np.mean([cv["probability"][id(s)] >= at for s in mine if s.kind == "answerable"])
                refused = np.mean([cv["probability"][id(s)] < at for s in mine if s.kind == "near_miss"])
                rates.append(f"{dataset}-{lang} answered {answered:.3f} refused {refused:.3f}")
            say(f"XQuAD answered {target:.2f}: " + "  ".join(rates))
        threshold = threshold_for(usable, cv["probability"], args.target_answered)
        best_context, best_result = 1e9, None
        for context in (1e9, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3):
            result = simulate(container.answerer, usable, cv, threshold, context)
            words_ok = all(result[lang]["words"] <= args.max_words for lang in LANGUAGES)
            mean_contains = np.mean([result[lang]["contains"] for lang in LANGUAGES])
            say(f"context {context:>5}: " + "  ".join(f"{lang} {json.dumps({k: round(v, 3) for k, v in result[lang].items()})}" for lang in LANGUAGES))
            if words_ok and (best_result is None or mean_contains > np.mean([best_result[lang]["contains"] for lang in LANGUAGES])):
                best_context, best_result = context, result

        # The shipped model: fitted on all of dev.
        ranker = full_ranker
        x_all = question_rows(container.answerer, usable, placeholder(ranker, tie))
        y_all = np.array([s.kind == "answerable" for s in usable])
        answerable = fit_logistic(x_all, y_all)
        model = AnswerModel(
            ranker=ranker,
            answerable=answerable,
            threshold=threshold,
            tie=tie,
            context=best_context,
            provenance={
                "fitted": datetime.date.today().isoformat(),
                "data": "XQuAD-de dev (24 articles, German and English questions, bench/xquad.py protocol)"
                + (" + GermanQuAD dev half (answerability only)" if args.germanquad else ""),
                "encoder": container.scorer.name,
                "cross_validated": best_result,
                "target_answered": args.target_answered,
                "spread_backend": args.spread_backend,
            },
        )
        print(json.dumps({"threshold": round(model.threshold, 4), "tie": round(tie, 4), "context": best_context, "cv": best_result}, indent=1))
        print("ranker weights:", {f: round(float(w), 3) for f, w in zip(UNIT_FEATURES, ranker.weights, strict=True)})
        print("answerable weights:", {f: round(float(w), 3) for f, w in zip(QUESTION_FEATURES, answerable.weights, strict=True)})
        if args.write:
            model.save(OUTPUT)
            print(f"wrote {OUTPUT}")
    finally:
        if own:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
