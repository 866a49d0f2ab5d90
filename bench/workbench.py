"""The policymaker's workbench, measured: summaries, comparisons and the source viewer.

    .venv/bin/python bench/workbench.py [--part viewer|summaries|compare|all] [--store DIR]

(a) summaries: per document, the share of its sections a long summary quotes from, and where the
    document has its own "Zusammenfassung" / abstract, the share of the summary's statements that
    are sentences of it; plus the first and the cached summary's latency for a ~100-page PDF
    (``bench/ingest_100_pages.py`` builds it).
(b) comparisons: the share of cells whose quote stands verbatim in its document, and whether
    "keine Angaben" is right: a document is called silent on the topic only when a keyword search
    of its text finds no topic word.
(c) source viewer: every citation the answer benchmarks' questions produce (bundled corpus and
    ../shared/realdocs) is opened in the viewer; the share whose every quote is located. Target 100 %.

Stores are ingested once into ``--store`` (default: a temporary directory) and reused on a re-run.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from answers import ingest_corpus, load_questions  # noqa: E402

from assistant.components.embedding.component import load_encoder  # noqa: E402
from assistant.container import Container  # noqa: E402
from assistant.services.locate import locate, normalise  # noqa: E402
from assistant.settings import Settings  # noqa: E402

REALDOCS = PROJECT.parent / "shared" / "realdocs"
DATA = PROJECT / "bench" / "data"
SEED_PAIR = ("strategie-medizin-nrw", "kompetenzverbund-bw")
SEED_TOPICS = ("Digitalisierung", "Telemedizin", "Künstliche Intelligenz", "Forschung")
REALDOC_PAIRS = [
    (("banz-coronaimpfv", "bmg-coronaimpfv-entwurf"), ("Impfzentren", "Vergütung", "Digitalisierung")),
    (("rki-desh-anleitung", "rki-nowcasting"), ("Sequenzdaten", "Meldedaten", "Telematikinfrastruktur")),
    (("gematik-migration-epa2", "bkg-vg250"), ("Migration", "Gemeinden", "Impfung")),
]


def container_for(store: Path, name: str, encoder) -> Container:
    settings = Settings(_env_file=None, data_dir=store / name, model_cache_dir=PROJECT / "data/models")
    return Container(settings, encoder=encoder)


def seed(store: Path, encoder) -> Container:
    container = container_for(store, "seed", encoder)
    container.documents.ingest_paths([container.settings.corpus_dir])
    return container


def realdocs(store: Path, encoder) -> Container:
    container = container_for(store, "realdocs", encoder)
    ingest_corpus(container, REALDOCS, DATA / "realdocs_corpus.jsonl")
    return container


# -- (c) source viewer ---------------------------------------------------------------------


def viewer_figures(container: Container, questions: Path) -> dict:
    total = located = 0
    failures = []
    for item in load_questions(questions):
        answer = container.chat.ask(item["question"])
        for citation in [*answer.citations, *answer.related]:
            view = container.viewer.view(citation.document_id, citation.chunk_id, citation.highlights)
            total += 1
            located += view.located
            if not view.located:
                failures.append({"question": item["id"], "chunk": citation.chunk_id, "quotes": view.quotes[:2]})
    return {"citations": total, "located": located, "share": round(located / total, 4) if total else None, "failures": failures[:5]}


# -- (b) comparisons -----------------------------------------------------------------------


def document_text(container: Container, document_id: str) -> str:
    chunks = container.store.document_chunks(document_id)
    return "\n".join(chunk.text for chunk, _ in chunks)


def compare_figures(container: Container, pairs) -> dict:
    cells = verbatim = silent = silent_right = 0
    wrong = []
    for ids, topics in pairs:
        texts = {i: document_text(container, i) for i in ids}
        normalised = {i: normalise(t) for i, t in texts.items()}
        for topic in topics:
            comparison = container.comparison.compare(list(ids), topic)
            quotes = {s.n: s for s in comparison.sources}
            for row in comparison.rows:
                for cell in row.cells:
                    if cell.stated:
                        cells += 1
                        verbatim += locate(normalised[cell.document_id], quotes[cell.n].quote).complete
            for document in comparison.documents:
                if not document.on_topic:
                    silent += 1
                    found = _keyword_hit(texts[document.document_id], topic)
                    silent_right += not found
                    if found:
                        wrong.append({"document": document.document_id, "topic": topic, "found": found})
    return {
        "cells": cells,
        "verbatim": verbatim,
        "verbatim_share": round(verbatim / cells, 4) if cells else None,
        "silent_documents": silent,
        "silent_right": silent_right,
        "silent_wrong": wrong,
    }


def _keyword_hit(text: str, topic: str) -> str | None:
    """The first topic word (as a whole word, any case) the text contains."""
    for word in re.findall(r"\w{4,}", topic):
        match = re.search(rf"\b{re.escape(word)}\b", text, re.I)
        if match:
            return match.group(0)
    return None


# -- (a) summaries -------------------------------------------------------------------------

# A document's own summary: its "Zusammenfassung"/abstract, or a draft law's Vorblatt ("A. Problem und Ziel").
_ABSTRACT = re.compile(r"^(?:[A-Z]\.\s*)?(zusammenfassung|abstract|summary|kurzfassung|das wichtigste in kürze|problem und ziel)\b", re.I)


def summary_figures(container: Container, only: set[str] | None = None) -> list[dict]:
    rows = []
    for info in container.documents.list_documents():
        if only and info.id not in only:
            continue
        chunks = sorted(container.store.document_chunks(info.id), key=lambda c: int(c[0].metadata.get("position", 0)))
        sections = {c.metadata.get("section") for c, _ in chunks if c.metadata.get("section")}
        abstract = [c.text for c, _ in chunks if _ABSTRACT.match(str(c.metadata.get("section") or "").split(" > ")[-1])]
        started = time.perf_counter()
        summary = container.summaries.summarize(info.id, "long")
        seconds = time.perf_counter() - started
        quoted = {s.section for s in summary.statements if s.section}
        row = {
            "document": info.id,
            "sections": len(sections),
            "sections_quoted": len(quoted & sections),
            "coverage": round(len(quoted & sections) / len(sections), 3) if sections else None,
            "statements": len(summary.statements),
            "seconds": round(seconds, 2),
        }
        if abstract:
            target = normalise("\n".join(abstract))
            # Agreement: the share of the abstract's sentences the summary quotes too, and the share of
            # the summary's statements that stand in the abstract.
            quoted_text = normalise("\n".join(s.text for s in summary.statements))
            sentences = [x for x in re.split(r"(?<=[.!?])\s+", "\n".join(abstract)) if len(x.split()) >= 6]
            row["abstract_sentences"] = len(sentences)
            row["abstract_recall"] = round(sum(locate(quoted_text, x).complete for x in sentences) / len(sentences), 3) if sentences else None
            agree = sum(locate(target, s.text).complete for s in summary.statements)
            row["abstract_precision"] = round(agree / len(summary.statements), 3) if summary.statements else 0.0
        rows.append(row)
    return rows


def summary_latency_100_pages(store: Path, encoder) -> dict:
    from ingest_100_pages import build_pdf

    data, pages = build_pdf()
    container = container_for(store, "hundred", encoder)
    result = container.documents.ingest_bytes("hundert-seiten.pdf", data, {"id": "hundert-seiten"})
    started = time.perf_counter()
    container.summaries.summarize(result.document_id, "short")
    first = time.perf_counter() - started
    started = time.perf_counter()
    container.summaries.summarize(result.document_id, "short")
    cached = time.perf_counter() - started
    return {"pages": pages, "chunks": result.chunks, "first_s": round(first, 2), "cached_s": round(cached, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=["viewer", "summaries", "compare", "all"], default="all")
    parser.add_argument("--store", type=Path, default=None, help="keep the ingested stores here for re-runs")
    parser.add_argument("--documents", nargs="*", default=None, help="summaries: only these document ids")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp)
        encoder = load_encoder(Settings(_env_file=None, model_cache_dir=PROJECT / "data/models"))
        corpora = {"seed": seed(store, encoder)}
        if REALDOCS.is_dir():
            corpora["realdocs"] = realdocs(store, encoder)
        result: dict = {}
        if args.part in ("summaries", "all"):
            only = set(args.documents or ())
            result["summaries"] = {name: summary_figures(c, only) for name, c in corpora.items()}
            if not only:
                result["summary_latency_100_pages"] = summary_latency_100_pages(store, encoder)
        if args.part in ("compare", "all"):
            result["compare"] = {"seed": compare_figures(corpora["seed"], [(SEED_PAIR, SEED_TOPICS)])}
            if "realdocs" in corpora:
                result["compare"]["realdocs"] = compare_figures(corpora["realdocs"], REALDOC_PAIRS)
        if args.part in ("viewer", "all"):
            result["viewer"] = {"seed": viewer_figures(corpora["seed"], DATA / "strategie_questions.jsonl")}
            if "realdocs" in corpora:
                result["viewer"]["realdocs"] = viewer_figures(corpora["realdocs"], DATA / "realdocs_questions.jsonl")
        print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
