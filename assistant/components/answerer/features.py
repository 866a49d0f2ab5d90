"""The evidence behind each candidate sentence, as named numbers for the learned decision model.

For every quotable unit of the retrieved passages (``Candidates``):

==================  ==========================================================================
``dense``           cosine of question and unit (float32 model, so it is the same on any CPU)
``dense_gap``       ``dense`` minus the best unit's
``focus_dense``     cosine of the unit and the question without the words of the documents' titles:
                    a sentence that repeats the document's name ("Der Kompetenzverbund … bietet …")
                    is close to any question naming it, whether it answers or not
``focus_gap``       ``focus_dense`` minus the best unit's
``cover``           share of the question's content words the unit contains, exactly or as a
                    translation/variant (``TermMatcher``), each word weighted by its rarity
                    among the candidates; words of the document titles count only when the
                    question has nothing else
``cover_gap``       ``cover`` minus the best unit's
``cover_window``    ``cover`` of the unit together with its neighbours (a question often spans
                    two sentences: "Er …" continues the sentence before)
``exact_cover``     ``cover`` from exact matches only
``type_unit``       the unit holds an answer of the asked type that the question does not
                    already name (a number for "Wie viele …", a name for "Wer …")
``type_window``     the same for the unit with its neighbours
``title_match``     share of the question's words about a document title that match this unit's
                    own document title: "… laut Referentenentwurf" favours the draft over the
                    final ordinance
``passage_dense``   the best ``dense`` among the units of the unit's passage
``passage_lexical`` BM25 score of the unit's passage over the best passage's (both of these are
                    the same with every embedding backend, unlike the fused retrieval score)
``miss_max``        weight of the heaviest content word missing from the unit and neighbours
``n_missing``       how many content words are missing there
``soft_ok``         share of the question's numbers, acronyms and quoted names found in the
                    unit, its neighbours or the document title (1 when it names none)
``hard_ok``         1 when every region and year the question names appears in the unit's
                    passage, its document title or region metadata
``length``          log of the unit's word count
==================  ==========================================================================

A question's answerability features (``QUESTION_FEATURES``) describe the unit the ranker puts
first, and the field as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.components.answerer.answer_types import TYPED, has_count, has_type
from assistant.components.answerer.question import QuestionAnalysis
from assistant.components.answerer.terms import Matches
from assistant.components.answerer.units import Unit
from assistant.document_kinds import is_draft
from assistant.retrieval_types import Passage
from ingest.legal import quoted_position

UNIT_FEATURES: tuple[str, ...] = (
    "dense",
    "dense_gap",
    "focus_dense",
    "focus_gap",
    "cover",
    "cover_gap",
    "cover_window",
    "exact_cover",
    "type_unit",
    "type_window",
    "title_match",
    "passage_dense",
    "passage_lexical",
    "miss_max",
    "n_missing",
    "soft_ok",
    "hard_ok",
    "length",
)
QUESTION_FEATURES: tuple[str, ...] = (
    "rank_score",
    "rank_margin",
    "dense",
    "focus_dense",
    "gate_margin",
    "cover",
    "cover_window",
    "exact_cover",
    "miss_max",
    "n_missing",
    "type_expected",
    "type_window",
    "soft_ok",
    "hard_ok",
    "n_words",
    "english",
    "best_cover_window",
)
MATCHED = 0.5  # a word counts as present at this match strength
# The noun a number question asks for is a condition, so it must be named clearly: the same stem
# or compound, or a word whose vector stands far out among the passage's words. A word that only
# stands out a little ("Schutzimpfungen", "File" for "Impfdosen", "Dateigröße") names another thing,
# and whether it clears a lower bar changes from CPU to CPU.
_NAMED = 0.9


@dataclass(frozen=True)
class Candidates:
    """Units of the retrieved passages with their evidence; rows of ``features`` follow ``units``."""

    units: list[Unit]
    features: np.ndarray  # (units, UNIT_FEATURES)
    words: tuple[str, ...]  # the question words the coverage is about
    weights: np.ndarray  # their rarity weights (sum 1)
    window_matches: np.ndarray  # (words, units): match strength within each unit's neighbourhood
    neighbours: list[tuple[int, ...]]  # per unit: itself and its neighbours in the passage
    hard_ok: np.ndarray  # bool per unit
    missing_hard: tuple[str, ...]  # regions, years and names no retrieved passage mentions
    counted_ok: np.ndarray  # bool per unit: it (with its neighbours) names what "wie viele" counts
    named_ok: np.ndarray  # bool per unit: its neighbourhood or title names the question's names
    citable: np.ndarray  # bool per unit: prose, not an entry of a reference list
    # per unit: 2 where it stands at the asked place of a law ("§ 10 Abs. 3"), 1 in the asked § only
    in_asked_law: np.ndarray
    from_draft: np.ndarray  # bool per unit: its document is a draft ("Referentenentwurf")

    def column(self, name: str) -> np.ndarray:
        return self.features[:, UNIT_FEATURES.index(name)]


def neighbourhoods(units: list[Unit]) -> list[tuple[int, ...]]:
    position = {(u.passage, u.order): i for i, u in enumerate(units)}
    result = []
    for i, unit in enumerate(units):
        around = (position.get((unit.passage, unit.order - 1)), i, position.get((unit.passage, unit.order + 1)))
        result.append(tuple(j for j in around if j is not None))
    return result


def titles_of(passages: list[Passage]) -> list[str]:
    return list(dict.fromkeys(str(p.metadata.get("title", "")) for p in passages if p.metadata.get("title")))


def focus_rows(words: tuple[str, ...], title_matches: np.ndarray) -> np.ndarray:
    """Rows of the question's content words that are not about the retrieved documents' titles:
    every sentence of a document about the "Kompetenzverbund" is about it (in English too: the
    "competence network"), so such a word cannot tell its sentences apart. All rows when the
    question has nothing else."""
    if not words:
        return np.zeros(0, dtype=int)
    topical = title_matches.max(axis=1) >= MATCHED if title_matches.size else np.zeros(len(words), dtype=bool)
    rows = np.flatnonzero(~topical)
    return rows if rows.size else np.arange(len(words))


def unit_features(
    analysis: QuestionAnalysis,
    units: list[Unit],
    passages: list[Passage],
    dense: np.ndarray,
    focus_dense: np.ndarray,
    words: tuple[str, ...],
    matches: Matches,
    question_matches: Matches,
    topical: np.ndarray,
    title_matches: np.ndarray,
    asked: Matches,
    asked_in_title: np.ndarray,
    asked_parts: np.ndarray | None = None,
) -> Candidates:
    """``matches`` are the focus words' matches with the units; ``question_matches`` those of all
    the question's content words (``analysis.words``), ``topical`` marks which of them name the
    retrieved documents' titles, ``title_matches`` (question words × ``titles_of(passages)``) how
    well each word matches each title. ``asked`` are the matches of ``analysis.counted`` (the noun
    asked for, compounds not matched by their heads, ``TermMatcher.match_specific``) and
    ``asked_in_title`` which of them a title names literally, ``asked_parts`` where the first and
    the last part of each are named on their own (``TermMatcher.compound_parts``)."""
    n = len(units)
    around = neighbourhoods(units)
    soft, exact = matches.soft, matches.exact
    if words:
        weights = np.log1p(n / (1.0 + soft.sum(axis=1)))
        weights = weights / weights.sum() if weights.sum() > 0 else np.full(len(words), 1.0 / len(words))
    else:
        weights = np.zeros(0)
    window = np.stack([soft[:, list(a)].max(axis=1) for a in around], axis=1) if words else np.zeros((0, n))
    cover = weights @ soft if words else np.zeros(n)
    cover_window = weights @ window if words else np.zeros(n)
    exact_cover = weights @ exact if words else np.zeros(n)
    missing = window < MATCHED
    miss_max = (weights[:, None] * missing).max(axis=0) if words else np.zeros(n)
    n_missing = missing.sum(axis=0).astype(float) if words else np.zeros(n)

    kind = analysis.answer_type
    typed = np.array([kind in TYPED and has_type(u.text, kind, analysis.text) for u in units], dtype=float)
    type_window = np.array([typed[list(a)].max() for a in around])

    of_passage = np.array([u.passage for u in units])
    best_in_passage = {p: dense[of_passage == p].max() for p in set(of_passage.tolist())}
    passage_dense = np.array([best_in_passage[p] for p in of_passage])
    top_lexical = max((p.lexical for p in passages), default=0.0)
    passage_lexical = np.array([passages[p].lexical / top_lexical if top_lexical > 0 else 0.0 for p in of_passage])

    titles = [str(passages[u.passage].metadata.get("title", "")) for u in units]
    window_text = ["\n".join(units[j].text for j in a) for a in around]
    soft_ok = _soft_constraints(analysis, window_text, titles)
    hard_ok, missing_hard = _hard_constraints(analysis, units, passages)
    all_window = np.stack([question_matches.soft[:, list(a)].max(axis=1) for a in around], axis=1)
    missing_hard += _unmentioned_names(analysis, passages, all_window)
    counts = np.array([has_count(u.text, analysis.text, analysis.counted) for u in units]) if kind == "number" else None
    counted_ok = _counted(asked, asked_in_title, around, n, asked_parts, counts)
    named_ok = _names_near(analysis, window_text, titles, all_window)
    citable = np.array([_says_something(u.text) and not _in_reference_list(passages[u.passage]) for u in units], dtype=bool)

    features = np.column_stack(
        [
            dense,
            dense - dense.max(),
            focus_dense,
            focus_dense - focus_dense.max(),
            cover,
            cover - cover.max(),
            cover_window,
            exact_cover,
            typed,
            type_window,
            _title_match(units, passages, topical, title_matches),
            passage_dense,
            passage_lexical,
            miss_max,
            n_missing,
            soft_ok,
            hard_ok.astype(float),
            np.log1p([len(u.text.split()) for u in units]),
        ]
    )
    return Candidates(
        units=units,
        features=features,
        words=words,
        weights=weights,
        window_matches=window,
        neighbours=around,
        hard_ok=hard_ok,
        missing_hard=missing_hard,
        counted_ok=counted_ok,
        named_ok=named_ok,
        citable=citable,
        in_asked_law=_in_asked_law(analysis, units, passages),
        from_draft=np.array([is_draft(str(passages[u.passage].metadata.get("title", ""))) for u in units], dtype=bool),
    )


def question_features(
    analysis: QuestionAnalysis, candidates: Candidates, scores: np.ndarray, best: int, gate_margin: float
) -> np.ndarray:
    col = candidates.column
    second = np.partition(scores, -2)[-2] if len(scores) > 1 else scores[best] - 1.0
    return np.array(
        [
            scores[best],
            scores[best] - second,
            col("dense")[best],
            col("focus_dense")[best],
            gate_margin,
            col("cover")[best],
            col("cover_window")[best],
            col("exact_cover")[best],
            col("miss_max")[best],
            col("n_missing")[best],
            float(analysis.answer_type in TYPED),
            col("type_window")[best],
            col("soft_ok")[best],
            col("hard_ok")[best],
            np.log1p(len(candidates.words)),
            float(analysis.language == "en"),
            col("cover_window").max(),
        ]
    )


def _title_match(units: list[Unit], passages: list[Passage], topical: np.ndarray, title_matches: np.ndarray) -> np.ndarray:
    if not topical.any() or not title_matches.size:
        return np.zeros(len(units))
    column = {title: k for k, title in enumerate(titles_of(passages))}
    per_title = title_matches[topical].mean(axis=0)  # (titles,)
    return np.array([per_title[column[str(passages[u.passage].metadata.get("title", ""))]] if passages[u.passage].metadata.get("title") else 0.0 for u in units])


def _row(analysis: QuestionAnalysis, word: str) -> int | None:
    lowered = word.lower()
    return next((i for i, w in enumerate(analysis.words) if w.lower() == lowered), None)


def _counted(
    asked: Matches,
    in_title: np.ndarray,
    around: list[tuple[int, ...]],
    n: int,
    parts: np.ndarray | None = None,
    counts: np.ndarray | None = None,
) -> np.ndarray:
    """Units whose neighbourhood names every asked-for noun ("Todesfälle", "Bußgeld"), whole or
    as its two parts in neighbouring sentences ("Die Zulassung …", "… die niedrigste Quote"); a
    noun the document title names literally counts as named by all its sentences. With ``counts``
    (which units hold a number, for "wie viele" questions) the noun and a number must meet in one
    sentence of the neighbourhood: "Für jede Gemeinde ist ein Punktobjekt enthalten" next to a
    sentence with a date does not count the Gemeinden."""
    ok = np.ones(n, dtype=bool)
    spread = np.zeros((n, n), dtype=bool)  # (unit, its neighbours)
    for i, a in enumerate(around):
        spread[i, list(a)] = True
    for row in np.flatnonzero(~in_title):
        named = asked.soft[row] >= _NAMED
        if parts is not None and parts.shape[1] == n:
            first_near = (spread & (parts[2 * row] >= 1.0)).any(axis=1)
            named |= (parts[2 * row + 1] >= 1.0) & first_near  # the last part here, the first nearby
        if counts is not None:
            named &= counts
        ok &= (spread & named).any(axis=1)
    return ok


def _unmentioned_names(analysis: QuestionAnalysis, passages: list[Passage], window: np.ndarray) -> tuple[str, ...]:
    """Names of the question (acronyms, quoted names, "SARS-CoV-2") that no retrieved passage
    mentions, literally or as a close variant."""
    text = "\n".join(f"{p.metadata.get('title', '')}\n{p.text}" for p in passages).lower()
    missing = []
    for name in analysis.constraints.names:
        words = [w.lower() for w in name.split()]
        if all(w in text for w in words):
            continue
        row = _row(analysis, name)
        if row is not None and window.shape[1] and window[row].max() >= MATCHED:
            continue
        missing.append(name)
    return tuple(missing)


def _names_near(
    analysis: QuestionAnalysis, window_text: list[str], titles: list[str], all_window: np.ndarray
) -> np.ndarray:
    """Units whose neighbourhood (or document title) names each of the question's names: "Welche
    Kosten entstehen für das Konnektor-Update?" is not answered by a sentence about vaccination
    costs just because another retrieved passage mentions the Konnektor. A name counts as named by
    one of its forms ("UMC's" → "UMC", "ABC-Netzwerks" → "ABC") or by a word that matches it (a
    translation: "UMC" in an English question, "Evangelisch-methodistische Kirche" in the text). A
    name that no unit's neighbourhood names in any form (translated) asks nothing of them here."""
    ok = np.ones(len(window_text), dtype=bool)
    texts = [f"{text}\n{title}".lower() for text, title in zip(window_text, titles, strict=True)]
    for name in analysis.constraints.names:
        forms = _name_forms(name)
        literal = np.array([any(form in text for form in forms) for text in texts], dtype=bool)
        if not literal.any():
            continue
        row = _row(analysis, name)
        matched = all_window[row] >= MATCHED if row is not None and all_window.shape[1] else np.zeros(len(ok), dtype=bool)
        ok &= literal | matched
    return ok


def _name_forms(name: str) -> tuple[str, ...]:
    lowered = re.sub(r"(?:'s|’s)$", "", name.lower())
    parts = [p for p in re.split(r"[-\s/]+", lowered) if len(p) >= 3]
    return (lowered, *parts)


# Headings of reference lists: their entries ("Little RJ, Rubin DB: … 2019") are sources of the
# document, not statements in it, and their years and page numbers answer nothing.
_REFERENCE_HEADINGS = re.compile(
    r"^(?:literatur\w*|bibliogra(?:ph|f)ie|quellen(?:verzeichnis|angaben|hinweise)|references?|bibliography|works\s+cited)$",
    re.IGNORECASE,
)


_WORD_OF_LETTERS = re.compile(r"[^\W\d_]{2,}")


def _says_something(text: str) -> bool:
    """At least two words: a chart's axis label ("16.03.") or a lone figure is no statement, even
    where it carries a date or a number of the asked type; "Er starb 1943." is one."""
    return len(_WORD_OF_LETTERS.findall(text)) >= 2


def _in_asked_law(analysis: QuestionAnalysis, units: list[Unit], passages: list[Passage]) -> np.ndarray:
    asked = analysis.constraints.legal
    found = np.zeros(len(units), dtype=int)
    if not asked:
        return found
    for i, unit in enumerate(units):
        passage = passages[unit.passage]
        position = quoted_position(passage.metadata.get("legal"), passage.text, unit.highlights)
        if position is None:
            continue
        for wanted in asked:
            if position.section == wanted.section:
                found[i] = max(found[i], 2 if wanted.absatz is None or wanted.absatz == position.absatz else 1)
    return found


def _in_reference_list(passage: Passage) -> bool:
    section = str(passage.metadata.get("section") or "")
    last = section.rsplit("›", 1)[-1].strip()
    return bool(_REFERENCE_HEADINGS.match(last))


def _soft_constraints(analysis: QuestionAnalysis, window_text: list[str], titles: list[str]) -> np.ndarray:
    wanted = analysis.constraints.numbers + analysis.constraints.names + analysis.constraints.proper
    if not wanted:
        return np.ones(len(window_text))
    found = [
        sum(1 for c in wanted if c.lower() in text.lower() or c.lower() in title.lower()) / len(wanted)
        for text, title in zip(window_text, titles, strict=True)
    ]
    return np.array(found)


def _hard_constraints(
    analysis: QuestionAnalysis, units: list[Unit], passages: list[Passage]
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Regions, years and places must be named in the unit's passage, or be what its document is about."""
    constraints = analysis.constraints
    if not constraints.regions and not constraints.years and not constraints.places:
        return np.ones(len(units), dtype=bool), ()
    passage_ok: dict[int, dict[str, bool]] = {}
    for index, passage in enumerate(passages):
        meta = passage.metadata
        about = f"{meta.get('title', '')}\n{meta.get('section') or ''}\n{passage.text}"
        region_meta = str(meta.get("region") or "").upper()
        ok = {r.label: r.code == region_meta or bool(r.pattern.search(about)) for r in constraints.regions}
        ok.update({year: year in about for year in constraints.years})
        ok.update({place: place.lower() in about.lower() for place in constraints.places})
        passage_ok[index] = ok
    labels = constraints.hard
    hard_ok = np.array([all(passage_ok[u.passage].values()) for u in units])
    missing = tuple(label for label in labels if not any(ok[label] for ok in passage_ok.values()))
    return hard_ok, missing
