"""How much the embedding backends differ, and whether the answers notice.

    .venv/bin/python bench/backend_spread.py [--backends onnx,onnx-int8,torch] [--questions N] [--json]

On the XQuAD-de dev protocol (``bench/xquad.py``), for every backend:

1. **vector spread**: the cosine of each question with each candidate sentence, computed with that
   backend's own vectors, against the reference backend (the first one): median, p99 and maximum of
   the absolute difference. This is the noise a decision must not rest on;
2. **answer agreement**: every question (German and English) answered through the product with the
   backend doing retrieval (and, as configured, the float32 scorer doing the answer decision): the
   share of questions whose ``answered`` flag, and whose whole answer text, equal the reference's.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from xquad import DEFAULT_DATA, LANGUAGES, build_container, ensure_index, load_split, make_settings  # noqa: E402

from assistant.components.answerer.units import passage_units  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="onnx,onnx-int8,torch")
    parser.add_argument("--questions", type=int, default=0, help="only the first N questions")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    backends = args.backends.split(",")

    articles, items, _ = load_split(DEFAULT_DATA, "dev")
    items = items[: args.questions] if args.questions else items
    sentences = sorted({u.text for a in articles.values() for p in a.kept for u in passage_units(p, 0)})
    questions = [item.question[lang] for item in items for lang in LANGUAGES]
    tmp = Path(tempfile.mkdtemp(prefix="spread-"))
    try:
        answers: dict[str, list] = {}
        cosines: dict[str, np.ndarray] = {}
        scorer = None
        for backend in backends:
            container = build_container(make_settings(tmp / backend), backend)
            if scorer is None:
                scorer = container.scorer
            container.__dict__["scorer"] = scorer  # one float32 scorer, as every configuration has
            ensure_index(container, articles, lambda m: print(m, file=sys.stderr))
            encoder = container.encoder
            cosines[backend] = encoder.encode_queries(questions) @ encoder.encode_passages(sentences).T
            answers[backend] = [container.chat.ask(q) for q in questions]
            print(f"{backend}: {len(questions)} questions answered", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    reference = backends[0]
    result = {"reference": reference, "questions": len(questions), "sentences": len(sentences), "backends": {}}
    for backend in backends[1:]:
        diff = np.abs(cosines[backend] - cosines[reference]).ravel()
        same_flag = [a.answered == b.answered for a, b in zip(answers[reference], answers[backend], strict=True)]
        same_text = [a.answer == b.answer for a, b in zip(answers[reference], answers[backend], strict=True)]
        result["backends"][backend] = {
            "cosine_diff_median": round(float(np.median(diff)), 5),
            "cosine_diff_p99": round(float(np.percentile(diff, 99)), 5),
            "cosine_diff_max": round(float(diff.max()), 5),
            "same_answered": round(float(np.mean(same_flag)), 4),
            "same_answer_text": round(float(np.mean(same_text)), 4),
        }
    if args.json:
        print(json.dumps(result))
        return
    print(f"reference {reference}; {len(questions)} questions x {len(sentences)} sentences (XQuAD-de dev, de + en)")
    print(f"{'backend':<11}{'cos diff p50':>13}{'p99':>9}{'max':>9}{'same answered':>15}{'same text':>11}")
    for backend, r in result["backends"].items():
        print(
            f"{backend:<11}{r['cosine_diff_median']:>13.5f}{r['cosine_diff_p99']:>9.5f}{r['cosine_diff_max']:>9.5f}"
            f"{r['same_answered']:>15.4f}{r['same_answer_text']:>11.4f}"
        )


if __name__ == "__main__":
    main()
