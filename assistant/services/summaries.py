"""Extractive, cited summaries of one document.

The statements are the document's own sentences, chosen by centrality: the similarity of a
sentence's vector (the answerer's float32 scorer) to the centroid of all the document's sentences.
Central sentences say what the document as a whole is about; the first N sentences would only say
how it begins. Headings pick the best central sentence for each aspect (aims, measures, actors,
figures, dates; ``aspects.py``), and every section the document has gets a say before any section
gets a second one, so a long report is not summarised from its introduction alone.

``short``: about one statement per aspect. ``long``: several per aspect, then laid out section by
section in document order. Summaries are cached per indexed version of the document: a replaced
document has a new version and so a new summary.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.components.answerer.units import Unit, passage_units
from assistant.components.vector_store import ChunkStore
from assistant.i18n import text as phrase
from assistant.language import Language
from assistant.models import Answer, Citation
from assistant.report_types import Comparison, DocumentProfile, Source, Statement, Summary, SummaryLength
from assistant.retrieval_types import StoredChunk
from assistant.services.aspects import ASPECTS, aspects_of, date_in, is_strong, publisher_in
from assistant.services.documents import DocumentService

# Fewer words make headings, navigation and link texts ("Beitrag teilen:"), not statements.
MIN_WORDS = 6
# Per aspect in a short / long summary, and the most statements a long summary shows per section.
PER_ASPECT = {"short": 1, "long": 3}
PER_SECTION = {"short": 1, "long": 3}
# Encoding every sentence of a very long document would take minutes; its most central chunks
# (by their stored vectors) are read instead.
MAX_CHUNKS = 400


@dataclass(frozen=True)
class Candidate:
    unit: Unit
    chunk: StoredChunk
    centrality: float
    aspects: frozenset[str]

    @property
    def section(self) -> str | None:
        return self.chunk.metadata.get("section") or None

    @property
    def order(self) -> tuple[int, int]:
        return int(self.chunk.metadata.get("position", 0)), self.unit.order


class SummaryService:
    def __init__(
        self,
        store: ChunkStore,
        documents: DocumentService,
        vectors: Callable[[list[str]], np.ndarray],
        cache_size: int = 64,
    ) -> None:
        """``vectors``: the answerer's sentence vectors (float32 scorer, cached: after the warm-up of
        a modest corpus a summary encodes nothing)."""
        self.store = store
        self.documents = documents
        self.vectors = vectors
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple, Summary] = OrderedDict()
        self._lock = threading.Lock()

    def summarize(self, document_id: str, length: SummaryLength = "short", language: Language = "de") -> Summary:
        info = self.documents.get_document(document_id)  # DocumentNotFound for an unknown id
        record = self.store.get_record(document_id) or {}
        key = (document_id, str(record.get("version") or info.content_hash), length, language)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        summary = self._build(document_id, key[1], info.title, record, length, language)
        with self._lock:
            self._cache[key] = summary
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return summary

    def for_question(self, question: str, language: Language) -> Answer | None:
        """The summary as the answer to a chat question that asks for one ("Fasse die Strategie Medizin
        in NRW zusammen", "Worum geht es im Kompetenzverbund …?"), when the question names exactly one
        document; None for every other question, which the answerer then answers as usual."""
        if not _ASKS_FOR_SUMMARY.search(question):
            return None
        document_id = named_document(question, [(d.id, d.title) for d in self.documents.list_documents()])
        if document_id is None:
            return None
        return as_answer(self.summarize(document_id, "short", language))

    # -- choosing -------------------------------------------------------------------------

    def candidates(self, document_id: str) -> list[Candidate]:
        """The document's quotable sentences with their centrality, in document order."""
        chunks = self.store.document_chunks(document_id)
        if len(chunks) > MAX_CHUNKS:
            vectors = np.stack([v for _, v in chunks])
            centre = vectors.mean(axis=0)
            keep = set(np.argsort(-(vectors @ centre))[:MAX_CHUNKS].tolist())
            chunks = [c for i, c in enumerate(chunks) if i in keep]
        pairs = [
            (unit, chunk)
            for index, (chunk, _) in enumerate(chunks)
            for unit in passage_units(chunk.text, index)
            if len(unit.text.split()) >= MIN_WORDS
        ]
        pairs = list({unit.text: (unit, chunk) for unit, chunk in reversed(pairs)}.values())[::-1]  # first occurrence
        if not pairs:
            return []
        vectors = self.vectors([u.text for u, _ in pairs])
        centroid = vectors.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        centrality = vectors @ centroid
        return [
            Candidate(unit, chunk, float(score), frozenset(aspects_of(unit.text)))
            for (unit, chunk), score in zip(pairs, centrality, strict=True)
        ]

    def _build(
        self, document_id: str, version: str, title: str, record: dict, length: SummaryLength, language: Language
    ) -> Summary:
        candidates = self.candidates(document_id)
        chosen = choose(candidates, length)
        if length == "long":
            chosen.sort(key=lambda pair: pair[1].order)
        sources: list[Source] = []
        statements: list[Statement] = []
        for aspect, candidate in chosen:
            n = len(sources) + 1
            sources.append(source_of(n, candidate.chunk, candidate.unit.text))
            statements.append(Statement(aspect=aspect, text=candidate.unit.text, n=n, section=candidate.section))
        opening = " ".join(c.unit.text for c in candidates[:5])
        profile = DocumentProfile(
            document_type=record.get("document_type"),
            region=record.get("region"),
            source=record.get("source"),
            publisher=publisher_in(opening),
            date=date_in(opening),
        )
        sections = list(dict.fromkeys(s.section for s in sorted(statements, key=lambda s: s.n) if s.section))
        if length == "long":
            sections = list(dict.fromkeys(c.section for _, c in chosen if c.section))
        return Summary(
            document_id=document_id,
            title=title,
            version=version,
            length=length,
            language=language,
            profile=profile,
            statements=statements,
            sections=sections,
            text=render(title, profile, statements, length, language),
            sources=sources,
        )


# "Fasse … zusammen", "Zusammenfassung", "Worum geht es in …", "Was steht in …", "summarise", "what is … about".
_ASKS_FOR_SUMMARY = re.compile(
    r"\bfass\w*\b.*\bzusammen\b|\bzusammenfass\w*|\bworum\s+geht\b|\bwas\s+steht\s+(?:in|im)\b|"
    r"\bsummar(?:y|ise|ize)\b|\bwhat\s+is\b.*\babout\b",
    re.IGNORECASE,
)
# A title counts as named when this share of its words (or its id) appears in the question.
_NAMED_SHARE = 0.75
_WORD = re.compile(r"[^\W_]{3,}")


def named_document(question: str, documents: list[tuple[str, str]]) -> str | None:
    """The one document (id, title) the question names by id or by (most of) its title."""
    lowered = question.lower()
    words = {w[:6] for w in _WORD.findall(lowered)}  # a 6-letter prefix: "Strategie"/"Strategien"
    scores: dict[str, float] = {}
    for document_id, title in documents:
        if document_id.lower() in lowered:
            scores[document_id] = 2.0
            continue
        title_words = {w[:6] for w in _WORD.findall(title.lower())}
        if title_words:
            scores[document_id] = len(title_words & words) / len(title_words)
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < _NAMED_SHARE or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def as_answer(summary: Summary | Comparison) -> Answer:
    """A summary (or comparison) in the shape of a chat answer: its text, and one citation per quote."""
    citations = [
        Citation(
            n=s.n, document_id=s.document_id, title=s.title, section=s.section, page=s.page,
            text=s.quote, chunk_id=s.chunk_id, score=1.0, highlights=[s.quote],
        )
        for s in summary.sources
    ]  # fmt: skip
    return Answer(answer=summary.text, citations=citations, answered=bool(citations))


def choose(candidates: list[Candidate], length: SummaryLength) -> list[tuple[str, Candidate]]:
    """(aspect, sentence) pairs: the overview, the most central sentence of each aspect, then the
    most central sentence of each section not yet heard from."""
    ranked = sorted(candidates, key=lambda c: -c.centrality)
    if not ranked:
        return []
    chosen: list[tuple[str, Candidate]] = [("overview", ranked[0])]
    used = {id(ranked[0])}
    per_section: dict[str | None, int] = {ranked[0].section: 1}

    def take(aspect: str, candidate: Candidate) -> None:
        chosen.append((aspect, candidate))
        used.add(id(candidate))
        per_section[candidate.section] = per_section.get(candidate.section, 0) + 1

    for _round in range(PER_ASPECT[length]):
        for aspect in ASPECTS:
            # A sentence that names the aspect outright ("Ziel ist …") before one that only touches it
            # ("… verbessert"); among those, the section that has said least so far; then centrality.
            options = [c for c in ranked if aspect in c.aspects and id(c) not in used]
            options = [c for c in options if is_strong(c.unit.text, aspect)] or options
            options = [c for c in options if per_section.get(c.section, 0) < PER_SECTION[length]] or options[:1]
            if options:
                best = min(options, key=lambda c: (per_section.get(c.section, 0), -c.centrality))
                take(aspect, best)
    for candidate in ranked:  # coverage: every section once
        if candidate.section not in per_section and id(candidate) not in used:
            take(_main_aspect(candidate), candidate)
    return chosen


def _main_aspect(candidate: Candidate) -> str:
    return next((a for a in ASPECTS if a in candidate.aspects), "context")


def source_of(n: int, chunk: StoredChunk, quote: str) -> Source:
    meta = chunk.metadata
    page = meta.get("page")
    return Source(
        n=n,
        document_id=str(meta.get("document_id", "")),
        title=str(meta.get("title", "")),
        section=meta.get("section") or None,
        page=int(page) if page is not None else None,
        chunk_id=chunk.id,
        quote=quote,
    )


def render(
    title: str, profile: DocumentProfile, statements: list[Statement], length: SummaryLength, language: Language
) -> str:
    lines = [f"## {phrase('summary_heading', language, title=title)}", ""]
    facts = [
        ("summary_profile_type", profile.document_type),
        ("summary_profile_region", profile.region),
        ("summary_profile_publisher", profile.publisher),
        ("summary_profile_date", profile.date),
    ]
    lines += [f"- {phrase(key, language)}: {value}" for key, value in facts if value]
    if not statements:
        return "\n".join([*lines, "", phrase("summary_empty", language)])
    if length == "short":
        lines.append("")
        for s in statements:
            lines.append(f"**{phrase('aspect_' + s.aspect, language)}:** {_inline(s.text)} [{s.n}]")
            lines.append("")
    else:
        section: object = object()
        for s in statements:
            if s.section != section:
                section = s.section
                lines += ["", f"### {s.section or title}", ""]
            lines.append(f"- {_inline(s.text)} [{s.n}] ({phrase('aspect_' + s.aspect, language)})")
    return "\n".join(lines).rstrip() + "\n"


def _inline(text: str) -> str:
    """An enumeration on one line, its items separated by semicolons: Markdown list items stay intact."""
    return "; ".join(line.strip() for line in text.split("\n") if line.strip())
