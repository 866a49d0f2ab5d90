"""The default answerer: grounded, extractive, cited; needs no language model.

It quotes the sentences of the retrieved passages that answer the question, keeps an enumeration
whole with the sentence that introduces it, orders the quotes as they stand in the documents and
marks each with the number of its source. Whether the documents say anything at all is decided
from calibrated retrieval evidence (see ``RelevanceGate``), not from a fixed cosine cut-off.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from assistant.components.answerer.relevance import Evidence, RelevanceGate
from assistant.components.embedding.encoder import SentenceEncoder
from assistant.components.lexical.analyzer import GermanAnalyzer
from assistant.i18n import text as phrase
from assistant.language import Language
from assistant.models import Answer, Citation
from assistant.services.retrieval import Passage, Retrieval
from ingest.sentences import sentence_spans

BULLET = "• "


@dataclass(frozen=True)
class Unit:
    """A quotable piece of a passage: one sentence, or an introducing sentence with its list."""

    text: str
    passage: int  # index into the retrieval's passages
    order: int  # position inside the passage
    highlights: tuple[str, ...]  # the sentences/items to mark in the passage


@dataclass(frozen=True)
class ScoredUnits:
    units: list[Unit]
    scores: np.ndarray
    evidence: Evidence


@dataclass(frozen=True)
class ExtractiveConfig:
    passages_considered: int = 4
    max_units: int = 3
    # A unit joins the best one when its score is at most this far below.
    score_gap: float = 0.05
    # Score = cosine(question, unit) + weights x (IDF-weighted share of the question's content
    # words in the unit, fused retrieval score of the unit's passage).
    lexical_weight: float = 0.15
    passage_weight: float = 0.05
    # Bonus for units holding the kind of answer the question asks for (a number for "wie viele").
    answer_type_weight: float = 0.08
    cache_size: int = 20_000


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        encoder: SentenceEncoder,
        analyzer: GermanAnalyzer,
        gate: RelevanceGate,
        config: ExtractiveConfig | None = None,
    ) -> None:
        self.encoder = encoder
        self.analyzer = analyzer
        self.gate = gate
        self.config = config or ExtractiveConfig()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        # API and UI answer in parallel threads; the LRU's reordering and eviction must not interleave.
        self._vectors_lock = threading.Lock()

    def answer(self, question: str, language: Language, retrieval: Retrieval) -> Answer:
        scored = self.score_units(question, retrieval)
        if scored is None or not self.gate.is_relevant(scored.evidence):
            return Answer(answer=phrase("no_answer", language), citations=[], answered=False)
        return compose(self.select_units(scored), retrieval.passages, language)

    def score_units(self, question: str, retrieval: Retrieval) -> ScoredUnits | None:
        """Every quotable unit of the top passages with its score, and the relevance evidence."""
        cfg = self.config
        passages = retrieval.passages[: cfg.passages_considered]
        units = [u for i, p in enumerate(passages) for u in passage_units(p.text, i)]
        if not units:
            return None
        dense = self._unit_vectors([u.text for u in units]) @ retrieval.query_vector
        # Words of the document title name the topic, not the answer: every sentence of a document
        # about the "Kompetenzverbund" shares them, so they must not decide which sentence answers.
        topic = set().union(*(self.analyzer.content_terms(str(p.metadata.get("title", ""))) for p in passages))
        question_terms = self.analyzer.content_terms(question)
        focus = (question_terms - topic) or question_terms
        lexical = _weighted_overlap(focus, [self.analyzer.content_terms(u.text) for u in units])
        prior = np.array([passages[u.passage].score for u in units])
        typed = _answer_type_bonus(question, units)
        scores = dense + cfg.lexical_weight * lexical + cfg.passage_weight * prior + cfg.answer_type_weight * typed
        language = str(passages[0].metadata.get("language") or "de")
        evidence = self.gate.evidence(retrieval.query_vector, float(dense.max()), language)
        return ScoredUnits(units=units, scores=scores, evidence=evidence)

    def select_units(self, scored: ScoredUnits) -> list[Unit]:
        cfg = self.config
        best = float(scored.scores.max())
        ranked = np.argsort(-scored.scores, kind="stable")[: cfg.max_units]
        picked = [scored.units[i] for i in ranked if scored.scores[i] >= best - cfg.score_gap]
        return _dedupe(_with_antecedents(picked, scored.units))

    def _unit_vectors(self, texts: list[str]) -> np.ndarray:
        with self._vectors_lock:
            known = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:  # encoded outside the lock: it is the slow part
            known.update(zip(missing, self.encoder.encode_passages(missing), strict=True))
        with self._vectors_lock:
            for text in dict.fromkeys(texts):
                self._vectors[text] = known[text]
                self._vectors.move_to_end(text)
            while len(self._vectors) > self.config.cache_size:
                self._vectors.popitem(last=False)
        return np.stack([known[t] for t in texts])

    def warm(self, texts: list[str]) -> None:
        """Pre-computes unit vectors for passages, e.g. the whole corpus when it is small."""
        units = [u.text for i, t in enumerate(texts) for u in passage_units(t, i)]
        if units:
            self._unit_vectors(units[: self.config.cache_size])


def passage_units(text: str, passage_index: int) -> list[Unit]:
    units: list[Unit] = []
    for paragraph in text.split("\n\n"):
        lines = paragraph.split("\n")
        list_start = next((i for i, line in enumerate(lines) if line.startswith(BULLET)), len(lines))
        prose = "\n".join(lines[:list_start])
        items = [line[len(BULLET) :].strip() for line in lines[list_start:] if line.strip()]
        sentences = [prose[s:e] for s, e in sentence_spans(prose)]
        intro = sentences.pop() if items and sentences and sentences[-1].rstrip().endswith(":") else None
        for sentence in sentences:
            units.append(Unit(sentence, passage_index, len(units), (sentence,)))
        if items:
            listing = "\n".join(BULLET + item for item in items)
            text_ = f"{intro}\n{listing}" if intro else listing
            highlights = ((intro,) if intro else ()) + tuple(items)
            units.append(Unit(text_, passage_index, len(units), highlights))
    return units


def compose(units: list[Unit], passages: list[Passage], language: Language) -> Answer:
    """Quotes in document order, each followed by the number of its source."""
    if not units:
        return Answer(answer=phrase("no_answer", language), citations=[], answered=False)
    ordered = sorted(units, key=lambda u: (u.passage, u.order))
    numbers: dict[int, int] = {}
    for unit in ordered:
        numbers.setdefault(unit.passage, len(numbers) + 1)
    lines: list[str] = []
    for unit in ordered:
        marker = f"[{numbers[unit.passage]}]"
        if "\n" in unit.text:  # an enumeration: marker after the introducing line keeps items clean
            head, _, rest = unit.text.partition("\n")
            lines.append(f"{head} {marker}\n{rest}" if not head.startswith(BULLET) else f"{unit.text}\n{marker}")
        else:
            lines.append(f"{unit.text} {marker}")
    body = _join_quotes(lines)
    citations = [
        _citation(numbers[index], passages[index], [h for u in ordered if u.passage == index for h in u.highlights])
        for index in sorted(numbers, key=numbers.get)
    ]
    lead = phrase("lead_single" if len(numbers) == 1 else "lead_multi", language)
    return Answer(answer=f"{lead}\n\n{body}", citations=citations, answered=True)


def _join_quotes(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if not out:
            out = line
        elif "\n" in line or "\n" in out.rsplit("\n\n", 1)[-1]:
            out += "\n\n" + line
        else:
            out += " " + line
    return out


def _citation(number: int, passage: Passage, highlights: list[str]) -> Citation:
    meta = passage.metadata
    page = meta.get("page")
    return Citation(
        n=number,
        document_id=str(meta.get("document_id", "")),
        title=str(meta.get("title", "")),
        section=meta.get("section"),
        page=int(page) if page is not None else None,
        text=passage.text,
        score=round(float(passage.score), 4),
        highlights=highlights,
    )


def _weighted_overlap(question_terms: set[str], unit_terms: list[set[str]]) -> np.ndarray:
    """Share of the question's content words in each unit, each word weighted by its rarity among
    the units: "Kompetenzverbund" in every sentence says less than "Koordinator" in one."""
    if not question_terms or not unit_terms:
        return np.zeros(len(unit_terms))
    terms = sorted(question_terms)
    present = np.array([[_matches(t, u) for t in terms] for u in unit_terms], dtype=float)
    idf = np.log1p(len(unit_terms) / (1.0 + present.sum(axis=0)))
    return present @ idf / idf.sum()


def _matches(term: str, unit_terms: set[str]) -> bool:
    """Exact stem, or a shared prefix covering most of the shorter word: the stemmer leaves
    "koordiniert" and "Koordinator" apart, a reader does not."""
    if term in unit_terms:
        return True
    if len(term) < 5:
        return False
    for other in unit_terms:
        shortest = min(len(term), len(other))
        if shortest >= 5 and term[:4] == other[:4] and len(os.path.commonprefix((term, other))) >= 0.8 * shortest:
            return True
    return False


_ASKS_NUMBER = re.compile(r"\b(wie ?viele?|wieviel|anzahl|how (many|much)|number of)\b", re.IGNORECASE)
_ASKS_TIME = re.compile(r"\b(wann|seit wann|in welchem jahr|bis wann|when|what year)\b", re.IGNORECASE)
_NUMBER = re.compile(
    r"\d|\b(eins?|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|hundert|tausend|"
    r"millionen?|milliarden?|dutzend|beiden?|one|two|three|four|five|six|seven|eight|nine|ten|hundred)\b",
    re.IGNORECASE,
)
_TIME = re.compile(r"\b(1[89]|20)\d\d\b|\b(januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember)\b", re.I)


def _answer_type_bonus(question: str, units: list[Unit]) -> np.ndarray:
    pattern = _TIME if _ASKS_TIME.search(question) else _NUMBER if _ASKS_NUMBER.search(question) else None
    if pattern is None:
        return np.zeros(len(units))
    return np.array([1.0 if pattern.search(u.text) else 0.0 for u in units])


# A sentence opening with one of these leans on the sentence before it ("Sie diente als Grundlage").
_ANAPHORIC_OPENERS = frozenset(
    "sie er es diese dieser dieses dies diesem diesen damit dadurch dazu davon daher deshalb "
    "zudem außerdem hierbei hierfür dort so this these it they such".split()
)


def _with_antecedents(picked: list[Unit], units: list[Unit]) -> list[Unit]:
    by_position = {(u.passage, u.order): u for u in units}
    result: list[Unit] = []
    for unit in picked:
        first_word = unit.text.split(maxsplit=1)[0].strip(",.:;").lower() if unit.text.strip() else ""
        previous = by_position.get((unit.passage, unit.order - 1))
        if first_word in _ANAPHORIC_OPENERS and previous is not None and previous not in result:
            result.append(previous)
        result.append(unit)
    return result


def _dedupe(units: list[Unit]) -> list[Unit]:
    seen: set[str] = set()
    unique: list[Unit] = []
    for unit in units:
        key = " ".join(unit.text.lower().split())
        if key not in seen:
            seen.add(key)
            unique.append(unit)
    return unique
