"""Table rows answer questions: the answer quotes the row with its column headers and caption."""

from __future__ import annotations

import pytest

from tests.unit.test_loaders import make_funding_docx

pytestmark = pytest.mark.slow


def test_a_question_on_a_docx_table_is_answered_by_quoting_its_row(fresh_container, tmp_path):
    path = tmp_path / "foerderrichtlinie.docx"
    path.write_bytes(make_funding_docx())
    report = fresh_container.documents.ingest_paths([path])
    assert not report.failed, report

    answer = fresh_container.chat.ask("Welchen Anteil der Mittel erhält die Notfallversorgung?")

    assert answer.answered, answer.answer
    assert "Förderbereich: Notfallversorgung · Anteil: 10 Prozent" in answer.answer
    assert "Tabelle 2: Verteilung der Mittel" in answer.answer
