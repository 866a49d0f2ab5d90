"""Answer-level figures on XQuAD-de, by the protocol in ``../shared/eval/xquad/README.md``.

Everything goes through the product: each article becomes a ``.txt`` document (paragraphs
separated by a blank line, its last paragraph left out, the article title as title) ingested by
``DocumentService.ingest_bytes``, and every question is answered by ``ChatService.ask``.

* *answerable*: a question about a kept paragraph;
* *near miss*: a question about the left-out last paragraph whose gold answer stands nowhere in the
  kept text of its article; the right reply is "not in the documents" (``answered: false``);
* questions about the last paragraph whose answer also stands in a kept paragraph are skipped.

Every question is asked in German (``question_de``) and in English (``question_en``, over the same
German documents). Per language:

``answered``  share of answerable questions answered
``doc@1``     the first citation is from the gold article (share of answerable questions)
``contains``  a normalised gold answer is a substring of the answer text itself (the answer without
              its lead line and without the "Verwandte Fundstellen" block), not of the cited passages
``words``     median number of words of that answer text (answered answerable questions)
``refused``   share of near misses with ``answered: false``
``p50/p95``   latency of ``ChatService.ask`` in ms, warm (after ``Container.warm_up``, as the server)

    .venv/bin/python bench/xquad.py [--split dev] [--json] [--backend onnx-int8|onnx|torch]
        [--data DIR] [--data-dir DIR] [--dump FILE.jsonl] [--limit N]

``--data`` holds ``{split}_docs.jsonl`` and ``{split}_questions.jsonl`` (default: the shared dev
half). ``--data-dir`` keeps the index between runs; ``--dump`` writes one line per asked question.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.i18n import TEXTS  # noqa: E402
from assistant.settings import Settings  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "xquad"
MODEL_CACHE = ROOT / "data" / "models"
LANGUAGES = ("de", "en")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Article:
    doc_id: str
    title: str
    paragraphs: list[str]

    @property
    def kept(self) -> list[str]:
        return self.paragraphs[:-1]

    def document(self) -> str:
        return "\n\n".join(self.kept) + "\n"


@dataclass(frozen=True)
class Item:
    id: str
    doc_id: str
    kind: str  # "answerable" | "near_miss"
    question: dict[str, str]  # language -> question
    answers: list[str]  # German gold spans


def normalise(text: str) -> str:
    """NFKC, lower case, punctuation other than % € $ . , as spaces, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(ch if ch.isalnum() or ch.isspace() or ch in "%€$.," else " " for ch in text)
    return " ".join(text.split())


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_split(data: Path, split: str) -> tuple[dict[str, Article], list[Item], int]:
    """Articles, the answerable and near-miss questions, and how many questions were skipped."""
    articles = {
        d["doc_id"]: Article(d["doc_id"], d["title"], list(d["paragraphs"]))
        for d in _read_jsonl(data / f"{split}_docs.jsonl")
    }
    kept_text = {doc_id: normalise(" ".join(a.kept)) for doc_id, a in articles.items()}
    items: list[Item] = []
    skipped = 0
    for q in _read_jsonl(data / f"{split}_questions.jsonl"):
        article = articles[q["doc_id"]]
        last = q["paragraph"] == len(article.paragraphs) - 1
        if last and any(normalise(a) in kept_text[q["doc_id"]] for a in q["answers_de"] if normalise(a)):
            skipped += 1
            continue
        items.append(
            Item(
                id=q["id"],
                doc_id=q["doc_id"],
                kind="near_miss" if last else "answerable",
                question={"de": q["question_de"], "en": q["question_en"]},
                answers=list(q["answers_de"]),
            )
        )
    return articles, items, skipped


# --------------------------------------------------------------------------- index


def make_settings(data_dir: Path, **overrides) -> Settings:
    values = {"data_dir": data_dir, "model_cache_dir": MODEL_CACHE, "corpus_dir": data_dir / "no-corpus"}
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(_env_file=None, **values)


def build_container(settings: Settings, backend: str | None = None):
    from assistant.components.embedding.component import load_encoder
    from assistant.container import Container

    return Container(settings, encoder=load_encoder(settings, backend=backend))


def ensure_index(container, articles: dict[str, Article], progress: Callable[[str], None]) -> float:
    """Ingests every article (unchanged ones are skipped by the product); returns seconds taken."""
    started = time.perf_counter()
    for article in articles.values():
        result = container.documents.ingest_bytes(
            f"{article.doc_id}.txt", article.document().encode("utf-8"), {"id": article.doc_id, "title": article.title}
        )
        if result.status == "failed":
            raise RuntimeError(f"{article.doc_id}: {result.reason}")
    container.lexical.refresh(force=True)
    progress(f"index ready: {len(articles)} articles in {time.perf_counter() - started:.1f} s")
    return time.perf_counter() - started


# --------------------------------------------------------------------------- judging


_LEADS = [normalise(t) for key in ("lead_single", "lead_multi") for t in TEXTS[key].values()]
_RELATED = [t for t in TEXTS.get("related_heading", {}).values()]


def answer_text(answer: str) -> str:
    """The answer without its fixed lead line and without the block of related passages."""
    for heading in _RELATED:
        answer = answer.split(heading, 1)[0]
    first, _, rest = answer.partition("\n")
    if normalise(first) in _LEADS:
        answer = rest
    return answer.strip()


_MARKER = re.compile(r"\[\d+\]")


def words(text: str) -> int:
    return len(_MARKER.sub(" ", text).split())


def judge(item: Item, language: str, answer, ms: float) -> dict:
    body = answer_text(answer.answer) if answer.answered else ""
    normal = normalise(body)
    return {
        "id": item.id,
        "doc_id": item.doc_id,
        "kind": item.kind,
        "language": language,
        "question": item.question[language],
        "answers": item.answers,
        "answered": answer.answered,
        "doc1": bool(answer.citations) and answer.citations[0].document_id == item.doc_id,
        "contains": answer.answered and any(normalise(a) and normalise(a) in normal for a in item.answers),
        "words": words(body),
        "ms": ms,
        "answer": answer.answer,
    }


def summarise(rows: list[dict]) -> dict:
    answerable = [r for r in rows if r["kind"] == "answerable"]
    near = [r for r in rows if r["kind"] == "near_miss"]
    answered = [r for r in answerable if r["answered"]]
    ms = sorted(r["ms"] for r in rows)

    def share(values: list[bool]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    return {
        "answerable": len(answerable),
        "near_misses": len(near),
        "answered": share([r["answered"] for r in answerable]),
        "doc@1": share([r["doc1"] for r in answerable]),
        "contains": share([r["contains"] for r in answerable]),
        "words": statistics.median(r["words"] for r in answered) if answered else 0,
        "refused": share([not r["answered"] for r in near]),
        "p50_ms": round(_percentile(ms, 50), 1),
        "p95_ms": round(_percentile(ms, 95), 1),
    }


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    position = (len(sorted_values) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


# --------------------------------------------------------------------------- main


def run(args: argparse.Namespace) -> dict:
    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    articles, items, skipped = load_split(args.data, args.split)
    if args.limit:
        items = items[: args.limit]
    own_dir = args.data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="xquad-")) if own_dir else args.data_dir
    try:
        container = build_container(make_settings(data_dir), args.backend)
        index_s = ensure_index(container, articles, say)
        chat = container.chat
        container.warm_up()  # as the server does before its first user: model, indexes, vectors
        chat.ask(items[0].question["de"])
        rows: list[dict] = []
        for n, item in enumerate(items, 1):
            for language in LANGUAGES:
                started = time.perf_counter()
                answer = chat.ask(item.question[language])
                rows.append(judge(item, language, answer, (time.perf_counter() - started) * 1000))
            if n % 100 == 0:
                say(f"  asked {n}/{len(items)}")
        encoder = container.encoder.name
    finally:
        if own_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    result = {"split": args.split}
    for language in LANGUAGES:
        result[language] = summarise([r for r in rows if r["language"] == language])
    result["meta"] = {"articles": len(articles), "skipped": skipped, "encoder": encoder, "index_s": round(index_s, 1)}
    return result


def print_table(result: dict) -> None:
    meta = result["meta"]
    de = result["de"]
    print(
        f"XQuAD-de {result['split']}: {meta['articles']} articles, {de['answerable']} answerable questions, "
        f"{de['near_misses']} near misses ({meta['skipped']} skipped), encoder {meta['encoder']}"
    )
    header = f"{'lang':<5}{'answered':>9}{'doc@1':>8}{'contains':>10}{'words':>7}{'refused':>9}{'p50 ms':>8}{'p95 ms':>8}"
    print(header)
    for language in LANGUAGES:
        r = result[language]
        print(
            f"{language:<5}{r['answered']:>9.3f}{r['doc@1']:>8.3f}{r['contains']:>10.3f}{r['words']:>7g}"
            f"{r['refused']:>9.3f}{r['p50_ms']:>8.1f}{r['p95_ms']:>8.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--data-dir", type=Path, default=None, help="keep the index here between runs")
    parser.add_argument("--backend", default=None, help="embedding backend (default: the settings' one)")
    parser.add_argument("--dump", type=Path, default=None, help="write every asked question as JSON lines")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions (for a quick look)")
    parser.add_argument("--json", action="store_true", help='print {"split": …, "de": {…}, "en": {…}}')
    args = parser.parse_args()
    result = run(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print_table(result)


if __name__ == "__main__":
    main()
