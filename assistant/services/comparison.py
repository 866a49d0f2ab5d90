"""Compares 2–4 documents on one topic: a column per document, a row per aspect.

Each document is searched on its own (retrieval filtered to it) and its sentences are scored by the
extractive answerer, exactly as for a question about the topic. A cell quotes the best-scored
sentence that names the topic and carries the row's aspect (``aspects.py``); a row no such sentence
fills says "keine Angaben". Silence is decided on the answerer's term evidence: a sentence names
the topic only when every topic word matches it as itself (``TermMatcher.match_specific``, exact:
"Telemedizin" is not named by "Medizin", nor "Gesundheitstechnologien" by "digitale Veränderungen
in der Medizin"). The relevance gate is not used here: it is calibrated on questions, and for a
bare topic word it declines documents that plainly treat it ("Digitalisierung" in both seed
documents scored below its threshold).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from assistant.components.answerer.units import Unit
from assistant.filters import normalize_filters
from assistant.i18n import quoted
from assistant.i18n import text as phrase
from assistant.language import Language
from assistant.report_types import Cell, ComparedDocument, Comparison, Row, Source
from assistant.retrieval_types import Retrieval
from assistant.services.aspects import ASPECTS, aspects_of
from assistant.services.chat import ChatService, QuestionError
from assistant.services.documents import DocumentService
from assistant.services.summaries import _inline, source_of

MIN_DOCUMENTS, MAX_DOCUMENTS = 2, 4
_SURROGATES = re.compile(r"[\ud800-\udfff]")


class ComparisonService:
    def __init__(self, documents: DocumentService, chat: ChatService) -> None:
        self.documents = documents
        self.chat = chat  # its retrieval, its answerer and its question checks

    @property
    def extractive(self):
        return getattr(self.chat.answerer, "extractive", self.chat.answerer)  # an LLM answerer wraps it

    def compare(self, document_ids: Sequence[str], topic: str, language: Language | None = None) -> Comparison:
        # A lone surrogate (valid JSON, not UTF-8) would make the echoed topic unencodable.
        topic = self.chat.validate(_SURROGATES.sub("", topic or ""))
        ids = list(dict.fromkeys(document_ids))
        if not MIN_DOCUMENTS <= len(ids) <= MAX_DOCUMENTS:
            raise QuestionError(
                f"Bitte {MIN_DOCUMENTS} bis {MAX_DOCUMENTS} verschiedene Dokumente angeben "
                f"(compare {MIN_DOCUMENTS} to {MAX_DOCUMENTS} distinct documents)."
            )
        infos = [self.documents.get_document(i) for i in ids]  # DocumentNotFound for an unknown id
        language = language or self.chat.language_of(topic)
        sources: list[Source] = []
        columns: list[dict[str, Cell]] = []
        compared: list[ComparedDocument] = []
        for info in infos:
            cells, on_topic = self._column(info.id, topic, language, sources)
            columns.append(cells)
            compared.append(ComparedDocument(document_id=info.id, title=info.title, on_topic=on_topic))
        rows = [
            Row(aspect=a, label=phrase(f"aspect_{a}", language), cells=[column[a] for column in columns])
            for a in ASPECTS
        ]
        return Comparison(
            topic=topic,
            language=language,
            documents=compared,
            rows=rows,
            text=render(topic, compared, rows, language),
            sources=sources,
        )

    def _column(self, document_id: str, topic: str, language: Language, sources: list[Source]):
        retrieval = self.chat.retrieval.retrieve(topic, self.chat.settings.top_k, normalize_filters({"document_id": document_id}))
        evidence = self.extractive.evidence(topic, language, retrieval)
        silent = {a: Cell(document_id=document_id, stated=False, text=phrase("not_stated", language)) for a in ASPECTS}
        candidates = evidence.candidates
        if candidates is None:
            return silent, False
        units = candidates.units
        named = self._names_topic(evidence.analysis.words or (topic,), units)
        if not named.any():
            return silent, False
        scores = self.extractive.model.ranker(candidates.features)
        order = [int(i) for i in np.argsort(-scores, kind="stable") if named[i]]
        cells = dict(silent)
        used: set[int] = set()
        for aspect in ASPECTS:
            options = [i for i in order if aspect in aspects_of(units[i].text)]
            # A sentence that fits several rows fills the first; a later row takes the next one if any.
            pick = next((i for i in options if i not in used), options[0] if options else None)
            if pick is None:
                continue
            used.add(pick)
            cells[aspect] = self._cell(document_id, units[pick], retrieval, sources)
        return cells, True

    def _names_topic(self, words: Sequence[str], units: list[Unit]) -> np.ndarray:
        matches = self.extractive.matcher.match_specific(list(words), [u.text for u in units])
        return matches.exact.min(axis=0) >= 1.0

    @staticmethod
    def _cell(document_id: str, unit: Unit, retrieval: Retrieval, sources: list[Source]) -> Cell:
        chunk = retrieval.passages[unit.passage].chunk
        existing = next((s for s in sources if s.chunk_id == chunk.id and s.quote == unit.text), None)
        source = existing or source_of(len(sources) + 1, chunk, unit.text)
        if existing is None:
            sources.append(source)
        return Cell(document_id=document_id, stated=True, text=unit.text, n=source.n)


def render(topic: str, documents: list[ComparedDocument], rows: list[Row], language: Language) -> str:
    """A Markdown table, one column per document; a document silent on the topic is said so below."""
    head = [phrase("comparison_aspect", language)] + [_cell_text(d.title) for d in documents]
    lines = [
        f"## {phrase('comparison_heading', language, topic=quoted([topic], language))}",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for row in rows:
        cells = [_cell_text(c.text) + (f" [{c.n}]" if c.n else "") for c in row.cells]
        lines.append("| " + " | ".join([row.label, *cells]) + " |")
    silent = [d for d in documents if not d.on_topic]
    if silent:
        lines.append("")
        lines += [phrase("comparison_silent", language, title=d.title, topic=quoted([topic], language)) for d in silent]
    return "\n".join(lines) + "\n"


def _cell_text(text: str) -> str:
    return _inline(text).replace("|", "\\|")


__all__ = ["ComparisonService"]
