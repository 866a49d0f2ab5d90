"""``assistant eval FILE.jsonl`` on a small question file, against the real model and Chroma."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant import cli
from assistant.services.evaluation import EvalFileError, parse_cases

pytestmark = pytest.mark.slow

PFLEGE = """# Förderprogramm Pflege

Das Land fördert Pflegeschulen mit insgesamt 12 Millionen Euro. Die Mittel fließen in digitale Lernplattformen.
"""
KLINIK = """# Kliniknetz Süd

Im Kliniknetz Süd arbeiten vier Universitätskliniken zusammen. Der Verbund betreibt eine gemeinsame Telemedizin-Plattform.
"""

QUESTIONS = [
    {"question": "Wie viel Geld erhalten Pflegeschulen?", "document_id": "pflege", "expected": ["12 Millionen"]},
    {"question": "Wie viele Universitätskliniken arbeiten im Kliniknetz Süd zusammen?", "document_id": "kliniknetz"},
    {"question": "Wie viel Geld erhalten Pflegeschulen?", "expected": ["99 Millionen"]},
    {"question": "Was betreibt der Verbund?", "document_id": "gibt-es-nicht"},
]


@pytest.fixture
def run_cli(fresh_container, monkeypatch):
    fresh_container.documents.ingest_bytes("pflege.md", PFLEGE.encode(), {"id": "pflege"})
    fresh_container.documents.ingest_bytes("kliniknetz.md", KLINIK.encode(), {"id": "kliniknetz"})
    monkeypatch.setattr(cli, "_container", lambda: fresh_container)
    if "eval" not in {c.name or c.callback.__name__ for c in cli.app.registered_commands}:
        pytest.fail("assistant.cli has no 'eval' command yet")

    def run(*args: str):
        return CliRunner().invoke(cli.app, ["eval", *args])

    return run


def write(tmp_path, rows) -> str:
    path = tmp_path / "fragen.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    return str(path)


def test_eval_reports_hit_rate_mrr_phrases_and_failures_as_json(run_cli, tmp_path):
    result = run_cli(write(tmp_path, QUESTIONS), "--json", "--top-k", "3")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["questions"], report["with_document"], report["with_expected"], report["k"]) == (4, 3, 2, 3)
    assert report["hit_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert report["mrr"] == pytest.approx(2 / 3, abs=1e-3)  # both hits rank first
    assert report["answer_hit_rate"] == 0.5
    assert report["unknown_documents"] == ["gibt-es-nicht"]
    failing = {f["line"]: f["reasons"] for f in report["failures"]}
    assert failing == {
        3: ["phrase_not_in_passages"],
        4: ["document_not_retrieved", "document_unknown"],
    }
    first = report["results"][0]
    assert first["rank"] == 1 and first["answer_hit"] is True and "12 Millionen" in first["answer"]


def test_eval_prints_a_table_with_the_failing_questions(run_cli, tmp_path):
    result = run_cli(write(tmp_path, QUESTIONS[:3]))

    assert result.exit_code == 0, result.output
    assert "hit rate" in result.stdout and "100.0%" in result.stdout  # both document questions hit
    assert "50.0%" in result.stdout  # one of two answers holds its phrase
    assert "Fehlgeschlagen / failing: 1" in result.stdout
    assert "phrase_not_in_passages" in result.stdout


def test_a_bad_question_file_exits_2_and_names_the_line(run_cli, tmp_path):
    path = tmp_path / "kaputt.jsonl"
    path.write_text('{"question": "Gut?"}\n{"frage": "falsch"}\n', encoding="utf-8")

    result = run_cli(str(path))

    assert result.exit_code == 2
    assert "Zeile 2" in result.output


def test_question_file_format():
    cases = parse_cases(['{"question": " Wer? ", "expected": "Berlin"}', "", '{"question": "Wo?", "document_id": "a"}'])
    assert [(c.line, c.question, c.document_id, c.expected) for c in cases] == [
        (1, "Wer?", None, ("Berlin",)),
        (3, "Wo?", "a", ()),
    ]
    for bad in ('["x"]', '{"question": ""}', '{"question": "x", "expected": [1]}', '{"question": "x", "document_id": 3}'):
        with pytest.raises(EvalFileError):
            parse_cases([bad])
    with pytest.raises(EvalFileError):
        parse_cases(["", "  "])
