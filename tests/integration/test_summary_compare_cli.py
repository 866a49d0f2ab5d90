"""``assistant summarize`` and ``assistant compare`` on the seed corpus, and the summary cache,
with the real model and store."""

from __future__ import annotations

import json

import docx
import pytest
from typer.testing import CliRunner

from assistant import cli
from tests.conftest import PROJECT_DIR

pytestmark = pytest.mark.slow

NRW, BW = "strategie-medizin-nrw", "kompetenzverbund-bw"


@pytest.fixture
def run_cli(corpus_container, monkeypatch):
    monkeypatch.setattr(cli, "_container", lambda: corpus_container)

    def run(*args: str):
        return CliRunner().invoke(cli.app, list(args))

    return run


def in_document(quote: str, document_id: str) -> bool:
    raw = " ".join((PROJECT_DIR / "corpus" / f"{document_id}.txt").read_text(encoding="utf-8").split())
    return all(" ".join(line.split()) in raw for line in quote.splitlines() if line.strip())


def test_summarize_json_cites_verbatim_quotes_from_several_sections(run_cli):
    result = run_cli("summarize", NRW, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["length"] == "short" and summary["sources"]
    assert all(in_document(s["quote"], NRW) for s in summary["sources"])
    assert len({s["section"] for s in summary["sources"]}) > 1


def test_summarize_long_prints_markdown_with_section_headings_and_sources(run_cli):
    result = run_cli("summarize", NRW, "--long")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Zusammenfassung: Strategie Medizin in NRW")
    assert "### Die Strategie › Strategieprozess" in result.stdout and "## Quellen" in result.stdout


def test_summarize_unknown_document_exits_1(run_cli):
    result = run_cli("summarize", "gibt-es-nicht")
    assert result.exit_code == 1 and "no such document" in result.output


def test_compare_writes_a_docx_table(run_cli, tmp_path):
    target = tmp_path / "vergleich.docx"
    result = run_cli("compare", NRW, BW, "--topic", "Digitalisierung", "--output", str(target))
    assert result.exit_code == 0, result.output
    table = docx.Document(str(target)).tables[0]
    assert [c.text for c in table.rows[0].cells][1:] == [
        "Strategie Medizin in NRW",
        "Kompetenzverbund Qualitätsmedizin und Digitalisierung Baden-Württemberg",
    ]
    assert len(table.rows) == 6


def test_compare_json_and_a_single_document_is_refused(run_cli):
    result = run_cli("compare", NRW, BW, "--topic", "Telemedizin", "--json")
    assert result.exit_code == 0, result.output
    comparison = json.loads(result.stdout)
    assert [d["on_topic"] for d in comparison["documents"]] == [False, True]
    refused = run_cli("compare", NRW, "--topic", "Telemedizin")
    assert refused.exit_code == 2


def test_a_replaced_document_gets_a_new_summary(fresh_container):
    documents, summaries = fresh_container.documents, fresh_container.summaries
    first_text = "Ziel der Strategie ist eine bessere Versorgung im ländlichen Raum durch Telemedizin."
    documents.ingest_bytes("plan.txt", f"Gesundheitsplan\n\n{first_text}".encode(), {"id": "plan"})
    before = summaries.summarize("plan")
    assert before.statements[0].text == first_text
    assert summaries.summarize("plan") is before  # cached
    second_text = "Ziel des Plans ist der Ausbau der Pflegeausbildung an allen Standorten des Landes."
    documents.ingest_bytes("plan.txt", f"Gesundheitsplan\n\n{second_text}".encode(), {"id": "plan"})
    after = summaries.summarize("plan")
    assert after.version != before.version and after.statements[0].text == second_text
