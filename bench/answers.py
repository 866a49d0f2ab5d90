"""Answer quality and latency over a corpus and a question set.

    .venv/bin/python bench/answers.py [--questions bench/data/strategie_questions.jsonl] [--repeat 5] [--json]
    .venv/bin/python bench/answers.py --corpus ../shared/realdocs --manifest bench/data/realdocs_corpus.jsonl \
        --questions bench/data/realdocs_questions.jsonl

Quality per question: the right document cited first, all expected facts in the answer, and
``answered`` false exactly for the questions the corpus cannot answer. Latency: the full
``ChatService.ask`` (retrieval + answer) once warm, repeated ``--repeat`` times; medians and p95.

Questions with a ``kind`` (the real-document set) are judged by kind:

``answerable``, ``legal_enum``  answered, first citation from one of ``documents``, every ``expect`` in the answer
``near_miss``                  declined (``answered`` false, no citations)
``two_doc``                    answered, every one of ``documents`` cited, every ``expect`` in the answer
``partial``                    answered, every ``expect`` in the answer, and the answer says which part
                               the documents do not cover

``--manifest`` lists the files of ``--corpus`` to ingest, one JSON object per line (``id``, ``file``,
``title``); without it the whole folder is ingested with the ids from its file names / sidecars.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from assistant.container import Container  # noqa: E402
from assistant.i18n import TEXTS  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def load_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# Sentences with which an answer says that a part is not covered (assistant/i18n.py, both languages).
# The fixed wording of "Zu {part} enthalten die Dokumente keine Angaben.": its longest piece
# between placeholders ("enthalten die dokumente keine angaben"), never a bare "zu".
_UNCOVERED = tuple(
    max(re.split(r"\{[^}]*\}", phrase), key=len).strip(" .“”„\"").lower()
    for key in ("part_missing", "no_answer")
    for phrase in TEXTS[key].values()
)


def judge(item: dict, answer) -> dict:
    if "kind" in item:
        return judge_kind(item, answer)
    expected_doc = item.get("document_id")
    text = answer.answer.lower()
    first = answer.citations[0].document_id if answer.citations else None
    if expected_doc is None:
        ok = not answer.answered
        return {"id": item["id"], "ok": ok, "answered": answer.answered, "doc_ok": ok, "facts_ok": ok}
    doc_ok = first == expected_doc
    facts_ok = answer.answered and all(fact.lower() in text for fact in item.get("expect", []))
    return {"id": item["id"], "ok": doc_ok and facts_ok, "answered": answer.answered, "doc_ok": doc_ok, "facts_ok": facts_ok}


def judge_kind(item: dict, answer) -> dict:
    text = answer.answer.lower()
    cited = [c.document_id for c in answer.citations]
    facts_ok = all(fact.lower() in text for fact in item.get("expect", []))
    kind = item["kind"]
    if kind == "near_miss":
        ok = not answer.answered and not cited
        return {"id": item["id"], "kind": kind, "ok": ok, "answered": answer.answered, "doc_ok": ok, "facts_ok": ok}
    if kind == "two_doc":
        doc_ok = set(item["documents"]) <= set(cited)
    else:
        doc_ok = bool(cited) and cited[0] in item["documents"]
    ok = answer.answered and doc_ok and facts_ok
    if kind == "partial":
        ok = ok and any(marker in text for marker in _UNCOVERED)
    return {"id": item["id"], "kind": kind, "ok": ok, "answered": answer.answered, "doc_ok": doc_ok, "facts_ok": facts_ok}


def ingest_corpus(container, corpus: Path, manifest: Path | None):
    if manifest is None:
        return container.documents.ingest_paths([corpus])
    from assistant.models import IngestReport

    report = IngestReport()
    for entry in load_questions(manifest):
        data = (corpus / entry["file"]).read_bytes()
        meta = {"id": entry["id"], "title": entry.get("title")}
        report.results.append(container.documents.ingest_bytes(entry["file"], data, meta))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=PROJECT / "bench/data/strategie_questions.jsonl")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", action="store_true", help="print every answer")
    parser.add_argument("--corpus", type=Path, default=None, help="folder to ingest (default: the bundled corpus)")
    parser.add_argument("--manifest", type=Path, default=None, help="which files of --corpus, with ids and titles")
    args = parser.parse_args()

    questions = load_questions(args.questions)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp), model_cache_dir=PROJECT / "data/models")
        container = Container(settings)
        t0 = time.perf_counter()
        encoder = container.encoder
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = ingest_corpus(container, args.corpus or settings.corpus_dir, args.manifest)
        if report.failed:
            print("failed to ingest:", [(r.filename, r.reason) for r in report.failed], file=sys.stderr)
        ingest_s = time.perf_counter() - t0
        chunks = sum(r.chunks for r in report.results)
        t0 = time.perf_counter()
        container.warm_up()  # what the server does before its first user
        container.chat.ask(questions[0]["question"])  # first answer after load
        first_answer_s = time.perf_counter() - t0

        judged = []
        for item in questions:
            answer = container.chat.ask(item["question"])
            verdict = judge(item, answer)
            judged.append(verdict)
            if args.show:
                print(f"--- {item['id']} ({'OK' if verdict['ok'] else 'FAIL'})\n{item['question']}\n{answer.answer}\n")
        latencies = []
        for _ in range(args.repeat):
            for item in questions:
                t0 = time.perf_counter()
                container.chat.ask(item["question"])
                latencies.append((time.perf_counter() - t0) * 1000)
        del encoder

    answerable = [j for j, q in zip(judged, questions, strict=True) if q.get("document_id") or q.get("kind", "near_miss") != "near_miss"]
    unanswerable = [j for j, q in zip(judged, questions, strict=True) if not (q.get("document_id") or q.get("kind", "near_miss") != "near_miss")]
    kinds = sorted({q["kind"] for q in questions if "kind" in q})
    by_kind = {k: f"{sum(j['ok'] for j in judged if j.get('kind') == k)}/{sum(1 for j in judged if j.get('kind') == k)}" for k in kinds}
    result = {
        "questions": len(questions),
        "correct": sum(j["ok"] for j in judged),
        "answerable_doc_first": sum(j["doc_ok"] for j in answerable) / max(1, len(answerable)),
        "answerable_facts": sum(j["facts_ok"] for j in answerable) / max(1, len(answerable)),
        "answerable_answered": sum(j["answered"] for j in answerable) / max(1, len(answerable)),
        "unanswerable_refused": sum(not j["answered"] for j in unanswerable) / max(1, len(unanswerable)),
        "model_load_s": round(load_s, 2),
        "ingest_s": round(ingest_s, 2),
        "chunks": chunks,
        "chunks_per_s": round(chunks / ingest_s, 1),
        "first_answer_s": round(first_answer_s, 3),
        "p50_ms": round(float(np.percentile(latencies, 50)), 1),
        "p95_ms": round(float(np.percentile(latencies, 95)), 1),
        "failed": [j["id"] for j in judged if not j["ok"]],
    }
    if by_kind:
        result["by_kind"] = by_kind
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(f"questions {result['questions']}, fully correct {result['correct']}")
    print(f"answerable: right document first {result['answerable_doc_first']:.1%}, facts in answer "
          f"{result['answerable_facts']:.1%}, answered {result['answerable_answered']:.1%}")
    print(f"unanswerable: refused {result['unanswerable_refused']:.1%}")
    if by_kind:
        print("correct by kind: " + ", ".join(f"{k} {v}" for k, v in by_kind.items()))
    print(f"model load {load_s:.1f} s, ingest {chunks} chunks in {ingest_s:.2f} s ({result['chunks_per_s']} chunks/s), "
          f"warm-up and first answer {first_answer_s * 1000:.0f} ms")
    print(f"warm answer latency over {len(latencies)} asks: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms")
    if result["failed"]:
        print("failed:", ", ".join(result["failed"]))


if __name__ == "__main__":
    main()
