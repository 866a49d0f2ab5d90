"""The real-document benchmark's judge: a partial answer counts only when it names the part the
documents do not cover (``bench/answers.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.models import Answer, Citation

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from answers import judge  # noqa: E402

ITEM = {"id": "p", "kind": "partial", "documents": ["desh"], "expect": ["ILLUMINA"]}
SOURCE = Citation(n=1, document_id="desh", title="DESH", text="…", chunk_id="desh::v::00001", score=1.0)


def _answer(text: str) -> Answer:
    return Answer(answer=text, citations=[SOURCE], answered=True)


def test_a_partial_answer_that_names_the_uncovered_part_counts():
    text = "Zu „Welche Plattformen …?“:\nILLUMINA [1]\n\nZu „Welche Labore …?“ enthalten die Dokumente keine Angaben."
    assert judge(ITEM, _answer(text))["ok"]


def test_a_partial_answer_that_answers_both_parts_does_not_count_though_it_says_zu():
    # the part headers begin with "Zu": that word alone is no statement that a part is not covered
    text = "Zu „Welche Plattformen …?“:\nILLUMINA [1]\n\nZu „Welche Labore …?“:\nACHTUNG: Mit einsendendem Labor … [1]"
    assert not judge(ITEM, _answer(text))["ok"]
