"""The default answerer: grounded, extractive, cited; needs no language model.

For a question it

1. works out what is asked (``question.analyse``: answer type, content words, constraints);
2. splits the top passages into quotable units (sentences, enumerations with their lead-in);
3. measures for every unit how well it carries the asked fact (``features``), and ranks them with
   the learned ranker; units whose scores differ by less than the spread between embedding
   backends are ordered by backend-independent evidence instead;
4. answers only when the learned answerability model is confident that the best unit carries the
   fact (right topic is not enough); otherwise it says what is missing, and may list related
   passages apart from the answer;
5. quotes the answering unit first, with the answer-bearing phrase marked, and adds context only
   where it adds something.

All vectors it compares come from a float32 model (``scorer``): int8 kernels give slightly
different vectors on different CPUs, float32 ones the same to six decimals, so answers do not
change with the machine.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.components.answerer.answer_types import TYPED, typed_spans
from assistant.components.answerer.compose import compose_answer, decline_answer, missing_message
from assistant.components.answerer.features import (
    MATCHED,
    Candidates,
    focus_rows,
    question_features,
    titles_of,
    unit_features,
)
from assistant.components.answerer.model import AnswerModel
from assistant.components.answerer.question import QuestionAnalysis, analyse
from assistant.components.answerer.relevance import RelevanceGate
from assistant.components.answerer.terms import Matches, TermMatcher, unit_words
from assistant.components.answerer.units import (
    Unit,
    continuing_items,
    leading_values,
    passage_units,
    trailing_values,
    value_label,
    value_list,
)
from assistant.components.embedding.encoder import SentenceEncoder
from assistant.document_kinds import is_draft
from assistant.i18n import text as phrase
from assistant.language import Language
from assistant.models import Answer
from assistant.retrieval_types import Passage, Retrieval

__all__ = ["ExtractiveAnswerer", "ExtractiveConfig", "Plan", "Unit", "passage_units"]


@dataclass(frozen=True)
class ExtractiveConfig:
    passages_considered: int = 5
    related_shown: int = 2  # related passages under a decline
    max_context_blocks: int = 1  # quotes after the answering one
    cache_size: int = 20_000


@dataclass(frozen=True)
class Evidence:
    """Everything measured about a question's candidates, before any decision."""

    analysis: QuestionAnalysis
    candidates: Candidates | None
    gate_margin: float  # how much closer the best unit is than unrelated reference texts
    on_topic: bool  # the calibrated relevance gate: the passages are about the question's topic


@dataclass(frozen=True)
class Plan:
    evidence: Evidence
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0))
    best: int = -1
    probability: float = 0.0
    answerable: bool = False
    blocks: list[list[Unit]] = field(default_factory=list)
    highlights: list[str] = field(default_factory=list)
    decline: str = ""
    related: list[Unit] = field(default_factory=list)
    ruled_out: bool = False  # declined by a condition (region, year, name, type, count), not by the model


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        scorer: SentenceEncoder,
        matcher: TermMatcher,
        gate: RelevanceGate,
        model: AnswerModel | None = None,
        config: ExtractiveConfig | None = None,
        adjacent: Callable[[Passage, int], Passage | None] | None = None,
    ) -> None:
        self.scorer = scorer
        # The chunk before (-1) or after (1) a passage in its document: an enumeration or a value
        # list cut by a chunk boundary is quoted whole.
        self.adjacent = adjacent
        self.matcher = matcher
        self.gate = gate
        self._model = model
        self.config = config or ExtractiveConfig()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        # API and UI answer in parallel threads; the LRU's reordering and eviction must not interleave.
        self._vectors_lock = threading.Lock()

    @property
    def model(self) -> AnswerModel:
        """The shipped decision model, loaded on first use (calibration measures without it)."""
        if self._model is None:
            self._model = AnswerModel.bundled()
        return self._model

    # -- answering ------------------------------------------------------------------------

    def answer(self, question: str, language: Language, retrieval: Retrieval) -> Answer:
        return self.compose(self.plan(question, language, retrieval), retrieval)

    def compose(self, plan: Plan, retrieval: Retrieval) -> Answer:
        language = plan.evidence.analysis.language
        if plan.answerable:
            blocks, passages = self._continued(plan.blocks, list(retrieval.passages))
            blocks, passages = self._whole_values(blocks, passages, plan.evidence.analysis)
            return compose_answer(blocks, passages, language, plan.highlights)
        return decline_answer(plan.decline, plan.related, retrieval.passages, language)

    def plan(self, question: str, language: Language, retrieval: Retrieval) -> Plan:
        return self.decide(self.evidence(question, language, retrieval))

    def decide(self, evidence: Evidence, model: AnswerModel | None = None) -> Plan:
        """The decision on measured evidence; ``model`` replaces the shipped one (calibration)."""
        model = model or self.model
        language = evidence.analysis.language
        candidates = evidence.candidates
        if candidates is None:
            return Plan(evidence=evidence, decline=phrase("no_answer", language))
        scores = model.ranker(candidates.features)
        eligible = _eligible(candidates, evidence.analysis)
        if not eligible.any():  # no unit names the region/year asked about, or no unit has the number
            return replace(self._declined(evidence, scores, int(np.argmax(scores)), model), ruled_out=True)
        best = self._most_complete(
            candidates, evidence.analysis, scores, eligible, _best(candidates, scores, eligible, model.tie), model
        )
        best = _final_instead(candidates, evidence.analysis, eligible, best)
        features = question_features(evidence.analysis, candidates, scores, best, evidence.gate_margin)
        probability = model.probability(features)
        if probability < model.threshold:
            return replace(self._declined(evidence, scores, best, model), probability=probability)
        blocks = self._blocks(candidates, scores, best, eligible, evidence.analysis, model)
        return Plan(
            evidence=evidence,
            scores=scores,
            best=best,
            probability=probability,
            answerable=True,
            blocks=blocks,
            highlights=_highlights(blocks[0], evidence.analysis),
        )

    def _declined(self, evidence: Evidence, scores: np.ndarray, best: int, model: AnswerModel) -> Plan:
        """A decline that says what is missing, with the closest passages as related ones."""
        plan = Plan(evidence=evidence, scores=scores, best=best)
        language = evidence.analysis.language
        if not evidence.on_topic:
            return replace(plan, decline=phrase("no_answer", language))
        candidates = evidence.candidates
        missing = [w for w, m in zip(candidates.words, candidates.window_matches[:, best], strict=True) if m < 0.5]
        decline = missing_message(language, evidence.analysis.answer_type, candidates.missing_hard, missing[:3])
        order = _ranking(candidates, scores, np.ones(len(scores), dtype=bool), model.tie)
        related = [candidates.units[i] for i in order[: self.config.related_shown]]
        return replace(plan, decline=decline, related=related)

    def evidence(self, question: str, language: Language, retrieval: Retrieval) -> Evidence:
        """The analysis and the candidates' features; no learned weights involved."""
        analysis = analyse(question, language)
        passages = retrieval.passages[: self.config.passages_considered]
        units = _unique([u for i, p in enumerate(passages) for u in passage_units(p.text, i)], passages)
        if not units:
            return Evidence(analysis=analysis, candidates=None, gate_margin=-1.0, on_topic=False)
        query = self._query_vector(question, retrieval)
        vectors = self._unit_vectors([u.text for u in units])
        dense = vectors @ query
        titles = titles_of(passages)
        everything = self.matcher.match(analysis.words, [u.text for u in units] + titles)
        rows = focus_rows(analysis.words, everything.soft[:, len(units) :])
        words = tuple(analysis.words[i] for i in rows)
        topical = [w for i, w in enumerate(analysis.words) if i not in set(rows.tolist())]
        focus_dense = vectors @ self.scorer.encode_query(_without(question, topical)) if topical else dense
        matches = Matches(exact=everything.exact[rows, : len(units)], soft=everything.soft[rows, : len(units)])
        question_matches = Matches(exact=everything.exact[:, : len(units)], soft=everything.soft[:, : len(units)])
        is_topical = np.ones(len(analysis.words), dtype=bool)
        is_topical[rows] = False
        if len(rows) == len(analysis.words):
            is_topical[:] = False
        asked = self.matcher.match_specific(analysis.counted, [u.text for u in units] + titles)
        candidates = unit_features(
            analysis, units, passages, dense, focus_dense, words, matches, question_matches, is_topical,
            everything.soft[:, len(units) :],
            asked=Matches(exact=asked.exact[:, : len(units)], soft=asked.soft[:, : len(units)]),
            asked_in_title=asked.exact[:, len(units) :].max(axis=1, initial=0.0) >= 1.0,
            asked_parts=self.matcher.compound_parts(analysis.counted, [u.text for u in units]),
        )
        passage_language = str(passages[0].metadata.get("language") or "de")
        gate = self.gate.evidence(query, float(dense.max()), passage_language)
        return Evidence(
            analysis=analysis, candidates=candidates, gate_margin=gate.margin, on_topic=self.gate.is_relevant(gate)
        )

    def _continued(self, blocks: list[list[Unit]], passages: list[Passage]) -> tuple[list[list[Unit]], list[Passage]]:
        """The answer's enumeration with its items from the next chunk, where a chunk boundary cut
        it: "(1) Folgende Personen haben …: 1. … 4. a) … b)" goes on with "c) … 9. …" there."""
        if self.adjacent is None or not blocks:
            return blocks, passages
        first = list(blocks[0])
        for unit in [u for u in first if u.is_list]:
            passage = passages[unit.passage]
            if not passage.text.rstrip().endswith(unit.text.rstrip().rsplit("\n", 1)[-1]):
                continue  # the list ends inside its chunk
            following = self.adjacent(passage, 1)
            items = continuing_items(passage, following) if following is not None else []
            if items:
                first.append(Unit("\n".join(items), len(passages), 0, tuple(items)))
                passages.append(following)
        return [first, *blocks[1:]], passages

    def _whole_values(
        self, blocks: list[list[Unit]], passages: list[Passage], analysis: QuestionAnalysis
    ) -> tuple[list[list[Unit]], list[Passage]]:
        """A value list quoted whole where one of its lines answers: "Welche Plattformen können im
        Feld SEQ_TYPE angegeben werden?" wants every "SEQ_TYPE: … – ILLUMINA · …" line, also those in
        the chunks before and after, not the one or two lines that scored best. Only when the
        question names what the list's label says: a line of another list may answer on its own."""
        if analysis.answer_type not in _LIST_ANSWERS or analysis.strict_type or not blocks:
            return blocks, passages
        first = blocks[0][0]
        found = value_list(passages[first.passage].text, first.text)
        if found is None:
            return blocks, passages
        lines, at_start, at_end = found
        label = value_label(first.text)
        if self.matcher.match(analysis.words, [label]).soft.max(initial=0.0) < MATCHED:
            return blocks, passages  # the list is of something else than the question asks for
        pieces: list[tuple[Passage | int, list[str]]] = [(first.passage, lines)]
        if self.adjacent is not None:
            before = self.adjacent(passages[first.passage], -1) if at_start else None
            after = self.adjacent(passages[first.passage], 1) if at_end else None
            if before is not None and (earlier := trailing_values(before.text, label)):
                pieces.insert(0, (before, earlier))
            if after is not None and (later := leading_values(after.text, label)):
                pieces.append((after, later))
        if not _VALUES[0] <= sum(len(piece) for _, piece in pieces) <= _VALUES[1]:
            return blocks, passages
        passages = list(passages)
        listing = []
        for source, piece in pieces:
            if isinstance(source, Passage):
                passages.append(source)
                source = len(passages) - 1
            listing.append(Unit("\n".join(piece), source, first.order, tuple(piece)))
        quoted = {line for _, piece in pieces for line in piece}
        rest = [block for block in blocks[1:] if not all(u.text in quoted for u in block)]
        return [listing, *rest], passages

    # -- choosing -------------------------------------------------------------------------

    def _blocks(
        self,
        candidates: Candidates,
        scores: np.ndarray,
        best: int,
        eligible: np.ndarray,
        analysis: QuestionAnalysis,
        model: AnswerModel,
    ) -> list[list[Unit]]:
        units = candidates.units
        lead = [best] + _context_of(best, candidates, analysis)
        blocks = [[units[i] for i in lead]]
        share = np.exp(scores - scores[best])  # softmax shares relative to the best unit
        used = set(lead)
        for i in _ranking(candidates, scores, eligible, model.tie):
            if len(blocks) > self.config.max_context_blocks or share[i] < model.context:
                break
            if i in used:
                continue
            blocks.append([units[i]])
            used.add(i)
        return blocks

    def _most_complete(
        self,
        candidates: Candidates,
        analysis: QuestionAnalysis,
        scores: np.ndarray,
        eligible: np.ndarray,
        best: int,
        model: AnswerModel,
    ) -> int:
        """A close runner-up that says everything the best unit says and more answers instead: of
        "Die Zukunftsthemen A und B stehen im Fokus" and "Der Fokus liegt auf A, B sowie C", the
        reader wants the second. Close means as close as a unit quoted for context."""
        words = unit_words(candidates.units[best].text)
        share = np.exp(scores - scores[best])
        listing = _listing_instead(candidates, analysis, scores, eligible, best, model.tie)
        if listing is not None:
            return listing
        close = [int(i) for i in np.argsort(-scores) if i != best and eligible[i] and share[i] >= model.context]
        longer = [i for i in close if len(unit_words(candidates.units[i].text)) > len(words)]
        if not words or not longer:
            return best
        contained = self.matcher.match(words, [candidates.units[i].text for i in longer]).exact.mean(axis=0)
        for i, share_of_words in zip(longer, contained, strict=True):
            if share_of_words >= _SUBSUMED:
                return i
        return best

    # -- vectors --------------------------------------------------------------------------

    def _query_vector(self, question: str, retrieval: Retrieval) -> np.ndarray:
        if retrieval.encoder == self.scorer.name and retrieval.query == question:
            return retrieval.query_vector
        return self.scorer.encode_query(question)

    def unit_vectors(self, texts: list[str]) -> np.ndarray:
        """Scorer vectors of quotable units, from the same cache answers use (``warm`` fills it)."""
        return self._unit_vectors(texts)

    def _unit_vectors(self, texts: list[str]) -> np.ndarray:
        with self._vectors_lock:
            known = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:  # encoded outside the lock: it is the slow part
            known.update(zip(missing, self.scorer.encode_passages(missing), strict=True))
        with self._vectors_lock:
            for text in dict.fromkeys(texts):
                self._vectors[text] = known[text]
                self._vectors.move_to_end(text)
            while len(self._vectors) > self.config.cache_size:
                self._vectors.popitem(last=False)
        return np.stack([known[t] for t in texts])

    def warm(self, texts: list[str]) -> None:
        """Pre-computes unit and word vectors for passages, e.g. the whole corpus when it is small."""
        units = [u.text for i, t in enumerate(texts) for u in passage_units(t, i)]
        if units:
            self._unit_vectors(units[: self.config.cache_size])
            self.matcher.warm(units)


# ----------------------------------------------------------------------------- helpers

# A sentence opening with one of these leans on the sentence before it ("Sie diente als Grundlage").
_ANAPHORIC_OPENERS = frozenset(
    "sie er es diese dieser dieses dies diesem diesen damit dadurch dazu davon daher deshalb "
    "zudem außerdem hierbei hierfür dort so dabei hier this these it they such he she its their".split()
)
_FIRST_WORD = re.compile(r"[^\W\d_]+")


# A unit holding three quarters of another's words (exactly, as stems, roots or compound parts)
# says what the other says.
_SUBSUMED = 0.75


def _eligible(candidates: Candidates, analysis: QuestionAnalysis) -> np.ndarray:
    """Units that may answer at all: they satisfy the region/year constraints, name the question's
    names nearby, are not entries of a reference list, and hold a number, an amount or a date where
    the question asks for one by name (``strict_type``)."""
    eligible = candidates.hard_ok & candidates.counted_ok & candidates.named_ok & candidates.citable
    if analysis.strict_type:
        eligible &= candidates.column("type_window") > 0
    if candidates.missing_hard:  # a region, year or name the documents never mention
        eligible[:] = False
    # "nach § 10 Absatz 3": where the retrieved text holds that place of a law, the answer stands there.
    best_place = candidates.in_asked_law[eligible].max(initial=0)
    if best_place:
        eligible &= candidates.in_asked_law == best_place
    return eligible


# Answer types a list can answer ("Welche Personen …", "Wer …"); a yes/no, a reason or a number
# is not answered by a list of things.
_LIST_ANSWERS = frozenset({"who", "place", "other"})
# A value list is quoted whole from three lines on; one of more than twenty lines is a table to
# look at in the source, not an answer.
_VALUES = (3, 20)


def _listing_instead(
    candidates: Candidates, analysis: QuestionAnalysis, scores: np.ndarray, eligible: np.ndarray, best: int, tie: float
) -> int | None:
    """The enumeration itself rather than a sentence about it: for "Welche Personen haben mit
    höchster Priorität Anspruch?", "(1) Folgende Personen haben mit höchster Priorität Anspruch:
    1. … 2. …" answers, "§ 2 bestimmt die Personengruppen mit der höchsten Priorität" only
    points to it. A list counts when it covers the question's words as well as the best unit and
    scores within twice the backend tie of it."""
    if candidates.units[best].is_list or analysis.answer_type not in _LIST_ANSWERS:
        return None
    cover = candidates.column("cover_window")
    lists = [
        i
        for i in np.argsort(-scores)
        if eligible[i] and candidates.units[i].is_list and candidates.units[i].lead_in
        and scores[best] - scores[i] < 2 * tie and cover[i] >= cover[best] - 1e-9
    ]
    return int(lists[0]) if lists else None


def _final_instead(candidates: Candidates, analysis: QuestionAnalysis, eligible: np.ndarray, best: int) -> int:
    """The final text's unit instead of a draft's that gives the same answer: a draft's reasoning
    ("Die Vergütung der Arztpraxen für eine ausschließliche Impfberatung … beträgt … einmalig 10
    Euro") and the ordinance ("(2) Die Vergütung … beträgt je Anspruchsberechtigten einmalig 10
    Euro") both answer; the reader is owed the text in force. Only where the final unit holds the
    same value of the asked type and covers the question's words as well."""
    if not candidates.from_draft[best] or analysis.answer_type not in TYPED:
        return best
    values = _typed_values(candidates.units[best].text, analysis)
    if not values:
        return best
    cover, exact = candidates.column("cover_window"), candidates.column("exact_cover")
    finals = [
        i
        for i in range(len(candidates.units))
        if eligible[i] and not candidates.from_draft[i]
        and cover[i] >= cover[best] - 1e-9 and exact[i] >= exact[best] - 1e-9
        and values & _typed_values(candidates.units[i].text, analysis)
    ]
    return min(finals, key=lambda i: (-cover[i], *_tie_key(candidates, i))) if finals else best


def _typed_values(text: str, analysis: QuestionAnalysis) -> set[str]:
    return {" ".join(text[s:e].lower().split()) for s, e in typed_spans(text, analysis.answer_type, analysis.text)}


def _ranking(candidates: Candidates, scores: np.ndarray, eligible: np.ndarray, tie: float) -> list[int]:
    """Units best first. Scores within ``tie`` of each other count as equal: the backend spread
    could order them either way, so backend-independent evidence decides."""
    bucket = np.floor((scores.max() - scores) / max(tie, 1e-9))
    return sorted((i for i in range(len(scores)) if eligible[i]), key=lambda i: (bucket[i], *_tie_key(candidates, i)))


def _best(candidates: Candidates, scores: np.ndarray, eligible: np.ndarray, tie: float) -> int:
    top = max((i for i in range(len(scores)) if eligible[i]), key=lambda i: scores[i])
    tied = [i for i in range(len(scores)) if eligible[i] and scores[top] - scores[i] < tie]
    return min(tied, key=lambda i: _tie_key(candidates, i))


def _tie_key(candidates: Candidates, i: int) -> tuple:
    """Order among units the backends could rank either way: more of the question's words
    exactly, the asked type, the document the question names ("nach der CoronaImpfV": the
    ordinance, not the draft quoting it), then document order."""
    unit = candidates.units[i]
    return (
        -candidates.column("exact_cover")[i],
        -candidates.column("type_window")[i],
        -candidates.column("title_match")[i],
        unit.passage,
        unit.order,
    )


def _context_of(best: int, candidates: Candidates, analysis: QuestionAnalysis) -> list[int]:
    """Neighbours the answering unit needs: the sentence it refers back to, or the neighbour that
    holds the asked kind of answer when the unit itself does not."""
    units = candidates.units
    unit = units[best]
    around = [j for j in candidates.neighbours[best] if j != best]
    before = [j for j in around if units[j].order < unit.order]
    added: list[int] = []
    first = _FIRST_WORD.search(unit.text)
    if first and first.group(0).lower() in _ANAPHORIC_OPENERS and before:
        added.append(before[0])
    typed = candidates.column("type_unit")
    if analysis.answer_type in TYPED and not typed[best]:
        holding = [j for j in around if typed[j] and j not in added]
        if holding:
            added.append(holding[0])
    return added


def _highlights(block: list[Unit], analysis: QuestionAnalysis) -> list[str]:
    """The answer-bearing phrase of the answering unit: the span of the asked type nearest to the
    question's words in it ("14" in "In sechs Regionen … 14 Krankenhäuser" for "Wie viele
    Krankenhäuser …"). None where the type has no detector (definitions, lists)."""
    if analysis.answer_type not in TYPED or not block:
        return []
    unit = block[0]
    spans = typed_spans(unit.text, analysis.answer_type, analysis.text)
    if not spans:
        for neighbour in block[1:]:  # the neighbour added because it holds the answer
            spans = typed_spans(neighbour.text, analysis.answer_type, analysis.text)
            if spans:
                unit = neighbour
                break
    if not spans:
        return []
    lowered = unit.text.lower()
    anchors = [m.start() for w in analysis.words for m in re.finditer(re.escape(w.lower()[:5]), lowered)]
    if anchors:
        start, end = min(spans, key=lambda s: min(abs((s[0] + s[1]) / 2 - a) for a in anchors))
    else:
        start, end = spans[0]
    return [unit.text[start:end].strip(" ,;:")]


def _without(question: str, words: list[str]) -> str:
    """The question with the given words taken out (the rest keeps its order and punctuation)."""
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])")
    return " ".join(pattern.sub(" ", question).split())


def _unique(units: list[Unit], passages: list[Passage]) -> list[Unit]:
    """Overlapping chunks repeat sentences; each is kept once, from the best-ranked passage. A
    draft repeats the text its final version enacts: a sentence standing in both is quoted from
    the final text, the one that is in force."""
    kept: dict[str, int] = {}
    unique: list[Unit] = []
    drafts = [is_draft(str(p.metadata.get("title", ""))) for p in passages]
    for unit in units:
        key = " ".join(unit.text.lower().split())
        if key not in kept:
            kept[key] = len(unique)
            unique.append(unit)
        elif drafts[unique[kept[key]].passage] and not drafts[unit.passage]:
            unique[kept[key]] = unit
    return unique


