"""Retrieval quality and speed on GermanQuAD, through the assistant's own ingestion and retrieval.

Data: /work/shared/eval/germanquad/{docs,queries,qrels}.jsonl (474 German Wikipedia passages,
2204 questions, one gold passage each; GermanQuAD by deepset, CC BY 4.0, Möller, Risch, Pietsch
2021, arXiv:2104.12741). See the README there for the published reference scores.

What it does:

1. Every passage becomes a Markdown file ``<doc_id>.md`` (the first line, the article name, as
   ``# Titel``; wiki headings ``=== Abschnitt ===`` as ``###``; wiki numbered lists ``# x`` as
   ``1. x``; one paragraph per line) and goes through ``DocumentService.ingest_bytes`` with
   metadata ``id=<doc_id>``: parsing, cleaning, chunking, embedding and the Chroma store are the
   product's. The index always holds all 474 passages, built once and reused by every mode; with
   ``--data-dir`` a later run reuses it (documents come back "unchanged").
2. Questions: ``--split dev`` = the questions of the first 237 doc ids (sorted as strings),
   ``test`` = the rest, ``all`` = every question.
3. For each mode (lexical, dense, hybrid) every question goes through
   ``RetrievalService.retrieve``; a document's rank is the rank of its best chunk. The service is
   asked for ``fusion_candidates`` chunks (what the product's pool holds anyway, so the fused
   ranking is exactly the product's) and for more only when they cover fewer than 10 documents.
   Reported: MRR@10, Success@1/5/10, the indexing time ``index_s`` (ingestion of all passages
   plus the first lexical build; the same index serves every mode) and the per-question latency
   of ``retrieve`` (query embedding included) as p50/p95 in ms.

    .venv/bin/python bench/germanquad.py [--split dev|test|all] [--json] [--data-dir DIR]
        [--backend torch|torch-int8|onnx|onnx-int8] [--chunk-tokens N] [--overlap N]
        [--dense-weight W] [--candidates N] [--modes lexical,dense,hybrid]

Without ``--data-dir`` the index goes into a temporary folder that is deleted afterwards.
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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.settings import Settings  # noqa: E402

DEFAULT_DATA = Path("/work/shared/eval/germanquad")
MODEL_CACHE = ROOT / "data" / "models"
MODES = ("lexical", "dense", "hybrid")
RANK_DOCS = 10
STATE_FILE = "germanquad-index.json"

_WIKI_HEADING = re.compile(r"^(={2,6})\s*(.*?)\s*={2,6}\s*$")
_WIKI_NUMBERED = re.compile(r"^#+[*#:]*\s*")
_WIKI_BULLET = re.compile(r"^\*+\s*")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Question:
    query_id: str
    text: str
    doc_id: str


@dataclass
class GermanQuAD:
    docs: dict[str, str]  # doc_id -> raw text, sorted by doc_id
    questions: list[Question] = field(default_factory=list)

    def split(self, name: str) -> list[Question]:
        ids = sorted(self.docs)
        dev = set(ids[: len(ids) // 2])
        if name == "dev":
            return [q for q in self.questions if q.doc_id in dev]
        if name == "test":
            return [q for q in self.questions if q.doc_id not in dev]
        if name == "all":
            return list(self.questions)
        raise ValueError(f"unknown split {name!r}")


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_germanquad(data: Path = DEFAULT_DATA) -> GermanQuAD:
    docs = {d["doc_id"]: d["text"] for d in sorted(_read_jsonl(data / "docs.jsonl"), key=lambda d: d["doc_id"])}
    texts = {q["query_id"]: q["query_text"] for q in _read_jsonl(data / "queries.jsonl")}
    questions = [Question(r["query_id"], texts[r["query_id"]], r["doc_id"]) for r in _read_jsonl(data / "qrels.jsonl")]
    return GermanQuAD(docs=docs, questions=questions)


def wiki_to_markdown(text: str) -> str:
    """The passage as Markdown the project's loader understands: title, headings, paragraphs, lists."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = [f"# {lines[0].replace('_', ' ').strip()}"]
    previous_item = False
    for line in lines[1:]:
        if not line.strip():
            continue
        heading = _WIKI_HEADING.match(line)
        if heading:
            out += ["", f"{'#' * len(heading.group(1))} {heading.group(2)}"]
            previous_item = False
            continue
        item = None
        if _WIKI_NUMBERED.match(line):
            item = "1. " + _WIKI_NUMBERED.sub("", line)
        elif _WIKI_BULLET.match(line):
            item = "- " + _WIKI_BULLET.sub("", line)
        if item is not None:
            out += ([] if previous_item else [""]) + [item]
            previous_item = True
        else:
            out += ["", line.strip()]
            previous_item = False
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- index


def make_settings(data_dir: Path, **overrides) -> Settings:
    values = {"data_dir": data_dir, "model_cache_dir": MODEL_CACHE, "corpus_dir": data_dir / "no-corpus"}
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(_env_file=None, **values)


def build_container(settings: Settings, backend: str | None = None, encoder=None):
    from assistant.components.embedding.component import load_encoder
    from assistant.container import Container

    if encoder is None:
        encoder = load_encoder(settings, backend=backend)
    return Container(settings, encoder=encoder)


@dataclass
class IndexInfo:
    documents: int
    chunks: int
    index_s: float
    ingest_s: float
    lexical_s: float
    reused: bool
    encoder: str
    chunk_tokens: int
    overlap: int


def ensure_index(container, corpus: GermanQuAD, progress: Callable[[str], None] | None = None) -> IndexInfo:
    """Ingests every passage (no-op for the ones already in the store at this pipeline version)."""
    say = progress or (lambda _: None)
    service = container.documents
    started = time.perf_counter()
    statuses: dict[str, int] = {}
    for n, (doc_id, text) in enumerate(corpus.docs.items(), 1):
        result = service.ingest_bytes(f"{doc_id}.md", wiki_to_markdown(text).encode("utf-8"), {"id": doc_id})
        if result.status == "failed":
            raise RuntimeError(f"{doc_id}: {result.reason}")
        statuses[result.status] = statuses.get(result.status, 0) + 1
        if n % 50 == 0:
            say(f"  ingested {n}/{len(corpus.docs)} ({time.perf_counter() - started:.0f} s)")
    ingest_s = time.perf_counter() - started
    started = time.perf_counter()
    container.lexical.refresh(force=True)
    lexical_s = time.perf_counter() - started
    settings = container.settings
    state_path = settings.data_dir / STATE_FILE
    reused = statuses.get("unchanged", 0) == len(corpus.docs)
    signature = {"encoder": container.encoder.name, "chunk_tokens": settings.chunk_tokens,
                 "overlap": settings.chunk_overlap_sentences}  # fmt: skip
    if reused and state_path.is_file():
        saved = json.loads(state_path.read_text(encoding="utf-8"))
        if saved.get("signature") == signature:
            ingest_s, lexical_s = saved["ingest_s"], saved["lexical_s"]
    else:
        state_path.write_text(json.dumps({"signature": signature, "ingest_s": ingest_s, "lexical_s": lexical_s}))
    return IndexInfo(
        documents=len(corpus.docs),
        chunks=len(container.lexical.index),
        index_s=ingest_s + lexical_s,
        ingest_s=ingest_s,
        lexical_s=lexical_s,
        reused=reused,
        encoder=container.encoder.name,
        chunk_tokens=settings.chunk_tokens,
        overlap=settings.chunk_overlap_sentences,
    )


# --------------------------------------------------------------------------- evaluation


def document_ranking(passages: Iterable) -> list[str]:
    """Documents in the order of their best chunk."""
    seen: dict[str, None] = {}
    for passage in passages:
        seen.setdefault(str(passage.metadata.get("document_id")), None)
    return list(seen)


def ranked_documents(retrieval, question: str, mode: str, k: int) -> tuple[list[str], float, float]:
    """(documents best first, wall and process-CPU seconds of the first retrieve call); asks for
    more chunks only when ``k`` chunks cover fewer than RANK_DOCS documents."""
    started, cpu_started = time.perf_counter(), time.process_time()
    result = retrieval.retrieve(question, k, mode=mode)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    docs = document_ranking(result.passages)
    while len(docs) < RANK_DOCS and len(result.passages) == k:
        k *= 2
        result = retrieval.retrieve_with_vector(question, result.query_vector, k, mode=mode)
        docs = document_ranking(result.passages)
    return docs, elapsed, cpu


def metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    """MRR@10 and Success@1/5/10 from 1-based ranks (None = not in the top 10)."""
    n = max(len(ranks), 1)
    hit = [r for r in ranks if r is not None and r <= RANK_DOCS]
    return {
        "mrr@10": round(sum(1.0 / r for r in hit) / n, 4),
        "success@1": round(sum(r <= 1 for r in hit) / n, 4),
        "success@5": round(sum(r <= 5 for r in hit) / n, 4),
        "success@10": round(len(hit) / n, 4),
    }


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def evaluate(container, questions: Sequence[Question], mode: str, retrieval=None, warmup: int = 5) -> dict:
    retrieval = retrieval or container.retrieval
    k = retrieval.fusion.candidates
    for q in questions[:warmup]:
        retrieval.retrieve(q.text, k, mode=mode)
    ranks: list[int | None] = []
    latencies: list[float] = []
    cpu_times: list[float] = []
    for q in questions:
        docs, elapsed, cpu = ranked_documents(retrieval, q.text, mode, k)
        latencies.append(elapsed)
        cpu_times.append(cpu)
        ranks.append(docs.index(q.doc_id) + 1 if q.doc_id in docs[:RANK_DOCS] else None)
    out = metrics(ranks)
    out["p50_ms"] = round(1000 * statistics.median(latencies), 1)
    out["p95_ms"] = round(1000 * percentile(latencies, 0.95), 1)
    # CPU time of this process per question (all its threads): what the search costs when the
    # machine is not shared; on a busy machine the wall-clock figures above include waiting.
    out["cpu_p50_ms"] = round(1000 * statistics.median(cpu_times), 1)
    out["questions"] = len(questions)
    return out


# --------------------------------------------------------------------------- reference rows


def published_rows(readme: Path) -> list[tuple[str, list[float]]]:
    """The published MRR@10 / S@1 / S@5 / S@10 rows of the data set's README (all 2204 questions)."""
    rows: list[tuple[str, list[float]]] = []
    try:
        text = readme.read_text(encoding="utf-8")
    except OSError:
        return rows
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 5 and all(re.fullmatch(r"0\.\d+", c) for c in cells[1:]):
            rows.append((re.sub(r"\s*\(.*\)$", "", cells[0]) or cells[0], [float(c) for c in cells[1:]]))
        bullet = re.match(r"^- ([\w.-]+): (0\.\d+) / (0\.\d+) / (0\.\d+) / (0\.\d+)\s*$", line)
        if bullet:
            rows.append((bullet.group(1), [float(bullet.group(i)) for i in range(2, 6)]))
    return rows


def format_table(report: dict, reference: list[tuple[str, list[float]]]) -> str:
    index = report["index"]
    lines = [
        f"GermanQuAD retrieval, split={report['split']} ({report['questions']} questions), "
        f"index: {index['documents']} passages -> {index['chunks']} chunks, encoder {index['encoder']}, "
        f"chunk_tokens={index['chunk_tokens']}, overlap={index['overlap']}, "
        f"dense_weight={report['fusion']['dense_weight']}, candidates={report['fusion']['candidates']}",
        f"index_s {index['index_s']:.1f} (ingest {index['ingest_s']:.1f} + lexical build {index['lexical_s']:.2f})"
        + (" [reused index; time of the run that built it]" if index["reused"] else ""),
        "",
        f"{'mode':<10} {'MRR@10':>7} {'S@1':>6} {'S@5':>6} {'S@10':>6} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>7}",
    ]
    for mode in MODES:
        if mode in report:
            m = report[mode]
            lines.append(
                f"{mode:<10} {m['mrr@10']:>7.3f} {m['success@1']:>6.3f} {m['success@5']:>6.3f} "
                f"{m['success@10']:>6.3f} {m['p50_ms']:>7.1f} {m['p95_ms']:>7.1f} {m['cpu_p50_ms']:>7.1f}"
            )
    if reference:
        lines += ["", "Published reference (README; all 2204 questions, full ranking of whole passages):"]
        for name, (mrr, s1, s5, s10) in reference:
            lines.append(f"  {name[:44]:<44} {mrr:>6.3f} {s1:>6.3f} {s5:>6.3f} {s10:>6.3f}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def run(args: argparse.Namespace, progress: Callable[[str], None]) -> dict:
    corpus = load_germanquad(args.data)
    questions = corpus.split(args.split)
    if args.limit:
        questions = questions[: args.limit]
    temporary = args.data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="germanquad-")) if temporary else args.data_dir
    try:
        settings = make_settings(
            data_dir,
            chunk_tokens=args.chunk_tokens,
            chunk_overlap_sentences=args.overlap,
            hybrid_dense_weight=args.dense_weight,
            fusion_candidates=args.candidates,
        )
        container = build_container(settings, backend=args.backend)
        progress(f"indexing {len(corpus.docs)} passages into {data_dir} ({container.encoder.name}) …")
        info = ensure_index(container, corpus, progress)
        report: dict = {
            "split": args.split,
            "questions": len(questions),
            "index": vars(info),
            "fusion": {
                "dense_weight": settings.hybrid_dense_weight,
                "candidates": settings.fusion_candidates,
            },
        }
        for mode in args.modes:
            progress(f"evaluating {mode} on {len(questions)} questions …")
            report[mode] = {**evaluate(container, questions, mode), "index_s": round(info.index_s, 1)}
        return report
    finally:
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="GermanQuAD folder")
    parser.add_argument("--data-dir", type=Path, default=None, help="keep (or reuse) the index here")
    parser.add_argument("--backend", default=None, help="embedding backend (default: the settings')")
    parser.add_argument("--chunk-tokens", type=int, default=None)
    parser.add_argument("--overlap", type=int, default=None, help="chunk_overlap_sentences")
    parser.add_argument("--dense-weight", type=float, default=None)
    parser.add_argument("--candidates", type=int, default=None)
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated subset of lexical,dense,hybrid")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions (smoke runs)")
    args = parser.parse_args(argv)
    args.modes = [m for m in args.modes.split(",") if m]
    if unknown := set(args.modes) - set(MODES):
        parser.error(f"unknown modes {sorted(unknown)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    import logging

    logging.basicConfig(level=logging.WARNING)
    args = parse_args(argv)
    report = run(args, lambda message: print(message, file=sys.stderr, flush=True))
    if args.json:
        out = {"split": report["split"], **{m: report[m] for m in MODES if m in report}}
        out["index"] = report["index"]
        out["fusion"] = report["fusion"]
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(format_table(report, published_rows(args.data / "README.md")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
