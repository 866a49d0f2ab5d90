"""Answer texts: the answer first, numbered sources, declines that say what is missing, parts."""

from __future__ import annotations

import numpy as np

from assistant.components.answerer.compose import compose_answer, decline_answer, merge_parts, missing_message
from assistant.components.answerer.units import passage_units
from assistant.models import Answer, Citation
from assistant.retrieval_types import Passage, StoredChunk

FIRST = "Der Verbund besteht aus vier Kliniken. Er wird von der BWKG koordiniert. Er hat sechs Regionen."
SECOND = "Die Strategie wird in einem Strategiepapier festgehalten."


def passage(text: str, doc: str, score: float = 0.8) -> Passage:
    meta = {"document_id": doc, "title": doc.upper(), "section": None}
    return Passage(StoredChunk(f"{doc}-1", text, meta, score), score, score, 1.0)


PASSAGES = [passage(FIRST, "bw"), passage(SECOND, "nrw")]
UNITS = passage_units(FIRST, 0) + passage_units(SECOND, 1)


def test_the_answering_block_comes_first_and_sources_are_numbered_by_first_use():
    lead = [UNITS[0], UNITS[1]]  # "Er wird … koordiniert" with the sentence it refers to
    answer = compose_answer([lead, [UNITS[3]]], PASSAGES, "de", highlights=["BWKG"])
    body = answer.answer.split("\n\n", 1)[1]
    assert body.startswith("Der Verbund besteht aus vier Kliniken. [1] Er wird von der BWKG koordiniert. [1]")
    assert body.endswith("Die Strategie wird in einem Strategiepapier festgehalten. [2]")
    assert answer.answer.startswith("Laut den Dokumenten:")
    assert [c.document_id for c in answer.citations] == ["bw", "nrw"]
    assert answer.highlights == ["BWKG"]
    assert answer.citations[0].highlights == [UNITS[0].text, UNITS[1].text]


def test_a_highlight_not_in_the_text_is_dropped():
    answer = compose_answer([[UNITS[2]]], PASSAGES, "en", highlights=["BWKG", "sechs"])
    assert answer.answer.startswith("According to the document (quoted in the original German):")
    assert answer.highlights == ["sechs"]


def test_decline_keeps_related_passages_out_of_the_citations():
    declined = decline_answer("Die Dokumente nennen keinen Betrag dazu.", [UNITS[3]], PASSAGES, "de")
    assert not declined.answered
    assert declined.citations == []
    assert [c.document_id for c in declined.related] == ["nrw"]
    assert "Verwandte Fundstellen (sie beantworten die Frage nicht):\nDie Strategie wird" in declined.answer
    assert declined.answer.startswith("Die Dokumente nennen keinen Betrag dazu.")


def test_missing_messages_name_the_missing_thing():
    assert missing_message("de", "other", ["Bayern"], []) == "Die Dokumente erwähnen „Bayern“ nicht."
    assert missing_message("en", "other", ["Bavaria"], []) == "The documents do not mention “Bavaria”."
    assert (
        missing_message("de", "amount", [], ["jährliche", "Budget"])
        == "Die Dokumente nennen keinen Betrag zu „jährliche“ und „Budget“."
    )
    assert missing_message("en", "date", [], []) == "The documents give no date for this."
    assert missing_message("de", "other", [], ["Mitarbeiter"]) == "Die Dokumente enthalten keine Angaben zu „Mitarbeiter“."


def _answer(text: str, docs: list[str]) -> Answer:
    citations = [Citation(n=i, document_id=d, title=d, text="…", score=0.5) for i, d in enumerate(docs, 1)]
    markers = " ".join(f"[{i}]" for i in range(1, len(docs) + 1))
    return Answer(answer=f"Laut dem Dokument:\n\n{text} {markers}", citations=citations, answered=True)


def test_parts_get_sections_with_renumbered_sources_and_a_missing_part_says_so():
    merged = merge_parts(
        [("NRW", _answer("NRW will führen.", ["nrw"])), ("BW", _answer("BW vernetzt Kliniken.", ["bw"]))], "de"
    )
    assert merged.answer == "Laut den Dokumenten:\n\nZu „NRW“:\nNRW will führen. [1]\n\nZu „BW“:\nBW vernetzt Kliniken. [2]"
    assert [(c.n, c.document_id) for c in merged.citations] == [(1, "nrw"), (2, "bw")]

    missing = Answer(answer="Dazu enthalten die Dokumente keine Angaben.", citations=[], answered=False)
    partial = merge_parts([("NRW", _answer("NRW will führen.", ["nrw"])), ("Bayern", missing)], "de")
    assert partial.answered
    assert partial.answer.endswith("Zu „Bayern“ enthalten die Dokumente keine Angaben.")
    nothing = merge_parts([("A", missing), ("B", missing)], "en")
    assert not nothing.answered and nothing.citations == []


def test_scores_are_plain_floats():
    assert isinstance(compose_answer([[UNITS[0]]], PASSAGES, "de").citations[0].score, float)
    assert np.isfinite(compose_answer([[UNITS[0]]], PASSAGES, "de").citations[0].score)
