"""Summaries, comparisons and their downloads over HTTP, on the seed corpus."""

from __future__ import annotations

import io
import re

import docx
import pytest

from tests.conftest import PROJECT_DIR

pytestmark = pytest.mark.e2e

NRW, BW = "strategie-medizin-nrw", "kompetenzverbund-bw"


def flat(text: str) -> str:
    return " ".join(text.split())


def in_document(quote: str, document_id: str) -> bool:
    """Every line of the quote stands verbatim in the document's file (line breaks and indentation
    aside: ingestion joins a list's lines under their lead-in)."""
    raw = flat((PROJECT_DIR / "corpus" / f"{document_id}.txt").read_text(encoding="utf-8"))
    return all(flat(line) in raw for line in quote.splitlines() if line.strip())


def test_summary_of_the_nrw_strategy_quotes_it_verbatim_across_sections(reader):
    response = reader.post(f"/api/v1/documents/{NRW}/summary", json={"length": "short"})
    assert response.status_code == 200
    summary = response.json()
    assert summary["document_id"] == NRW and summary["profile"]["region"] == "NRW"
    assert len(summary["statements"]) >= 4
    for statement in summary["statements"]:
        source = summary["sources"][statement["n"] - 1]
        assert source["n"] == statement["n"] and source["quote"] == statement["text"]
        assert source["chunk_id"].startswith(f"{NRW}::") and source["document_id"] == NRW
        assert in_document(source["quote"], NRW), source["quote"]
        assert f"[{statement['n']}]" in summary["text"]
    assert len({s["section"] for s in summary["sources"]}) > 1
    aspects = {s["aspect"] for s in summary["statements"]}
    assert {"aims", "measures", "actors"} <= aspects
    # Not the first sentences: the statements come from several sections, chosen by centrality.
    first_sentence = "Die Vision des Clusters Medizin.NRW ist es"
    assert not summary["statements"][0]["text"].startswith(first_sentence)


def test_long_summary_runs_in_document_order_and_repeats_identically(reader):
    first = reader.post(f"/api/v1/documents/{NRW}/summary", json={"length": "long"}).json()
    chunk_order = [s["chunk_id"] for s in first["sources"]]
    assert chunk_order == sorted(chunk_order)  # chunk ids end in the chunk's position
    assert len(first["statements"]) > 5 and first["sections"] == list(dict.fromkeys(first["sections"]))
    again = reader.post(f"/api/v1/documents/{NRW}/summary", json={"length": "long"}).json()
    assert again == first


def test_summary_of_an_unknown_document_is_404(reader):
    response = reader.post("/api/v1/documents/no-such-document/summary", json={})
    assert response.status_code == 404 and response.json()["error"]["code"] == "document_not_found"


def test_comparison_on_digitalisierung_quotes_each_document(reader):
    response = reader.post("/api/v1/compare", json={"document_ids": [NRW, BW], "topic": "Digitalisierung"})
    assert response.status_code == 200
    comparison = response.json()
    assert [d["document_id"] for d in comparison["documents"]] == [NRW, BW]
    assert all(d["on_topic"] for d in comparison["documents"])
    assert [r["aspect"] for r in comparison["rows"]] == ["aims", "measures", "actors", "figures", "deadlines"]
    stated = 0
    for row in comparison["rows"]:
        for column, cell in zip((NRW, BW), row["cells"], strict=True):
            assert cell["document_id"] == column
            if not cell["stated"]:
                assert cell["text"] == "keine Angaben" and cell["n"] is None
                continue
            stated += 1
            source = comparison["sources"][cell["n"] - 1]
            assert source["document_id"] == column and source["quote"] == cell["text"]
            assert in_document(cell["text"], column), cell["text"]
            assert "digitalisierung" in cell["text"].lower()
    assert stated >= 4
    assert comparison["text"].startswith("## Vergleich zu „Digitalisierung“")
    assert "| Aspekt | Strategie Medizin in NRW |" in comparison["text"]


def test_a_document_silent_on_the_topic_says_keine_angaben(reader):
    # "Telemedizin" is a focus of the BW network; the NRW strategy never names it.
    comparison = reader.post("/api/v1/compare", json={"document_ids": [NRW, BW], "topic": "Telemedizin"}).json()
    nrw, bw = comparison["documents"]
    assert nrw["on_topic"] is False and bw["on_topic"] is True
    assert all(row["cells"][0] == {"document_id": NRW, "stated": False, "text": "keine Angaben", "n": None}
               for row in comparison["rows"])  # fmt: skip
    bw_cells = [row["cells"][1] for row in comparison["rows"] if row["cells"][1]["stated"]]
    assert bw_cells and all("Telemedizin" in c["text"] and in_document(c["text"], BW) for c in bw_cells)
    assert "Strategie Medizin in NRW enthält keine Angaben zu „Telemedizin“." in comparison["text"]


def test_comparison_refuses_one_document_and_unknown_ones(reader):
    one = reader.post("/api/v1/compare", json={"document_ids": [NRW], "topic": "Digitalisierung"})
    assert one.status_code == 422
    unknown = reader.post("/api/v1/compare", json={"document_ids": [NRW, "gibt-es-nicht"], "topic": "Digitalisierung"})
    assert unknown.status_code == 404


def _docx_text(content: bytes) -> tuple[str, list[list[str]]]:
    document = docx.Document(io.BytesIO(content))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    tables = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return paragraphs, tables


def test_summary_downloads_as_docx_with_numbered_sources(reader):
    response = reader.post(f"/api/v1/documents/{NRW}/summary?format=docx", json={"length": "short"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response.headers["content-disposition"]
    text, _ = _docx_text(response.content)
    summary = reader.post(f"/api/v1/documents/{NRW}/summary", json={"length": "short"}).json()
    assert "Quellen" in text
    for source in summary["sources"]:
        assert f"[{source['n']}] Strategie Medizin in NRW – Abschnitt „{source['section']}“" in text
        assert flat(source["quote"].splitlines()[0]) in flat(text)


def test_comparison_downloads_as_docx_table_and_markdown(reader):
    body = {"document_ids": [NRW, BW], "topic": "Telemedizin"}
    response = reader.post("/api/v1/compare?format=docx", json=body)
    assert response.status_code == 200
    text, table = _docx_text(response.content)
    assert table[0] == ["Aspekt", "Strategie Medizin in NRW", "Kompetenzverbund Qualitätsmedizin und Digitalisierung Baden-Württemberg"]
    assert all(row[1] == "keine Angaben" for row in table[1:])
    assert re.search(r"\[1\] Kompetenzverbund Qualitätsmedizin", text)
    markdown = reader.post("/api/v1/compare?format=md", json=body)
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "## Quellen" in markdown.text and "| Aspekt |" in markdown.text


def test_an_answer_downloads_as_docx_with_its_sources(reader):
    question = "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?"
    answer = reader.post("/api/v1/ask", json={"question": question}).json()
    response = reader.post("/api/v1/ask/export?format=docx", json={"question": question})
    assert response.status_code == 200
    text, _ = _docx_text(response.content)
    assert question in text and "Quellen" in text
    for citation in answer["citations"]:
        assert f"[{citation['n']}] {citation['title']}" in text
        assert all(h in text for h in citation["highlights"])


def test_a_chat_question_asking_for_a_summary_gets_the_summary(reader):
    summary = reader.post(f"/api/v1/documents/{NRW}/summary", json={}).json()
    answer = reader.post("/api/v1/ask", json={"question": "Worum geht es in der Strategie Medizin in NRW?"}).json()
    assert answer["answered"] is True and answer["answer"] == summary["text"]
    assert [c["highlights"] for c in answer["citations"]] == [[s["quote"]] for s in summary["sources"]]
    by_id = reader.post("/api/v1/ask", json={"question": "Fasse das Dokument kompetenzverbund-bw zusammen."}).json()
    assert by_id["answer"].startswith("## Zusammenfassung: Kompetenzverbund")
    assert {c["document_id"] for c in by_id["citations"]} == {BW}
    # Naming no document, or asking something else about one, stays an ordinary question.
    general = reader.post("/api/v1/ask", json={"question": "Worum geht es bei den Kümmerer-Kliniken?"}).json()
    assert not general["answer"].startswith("## Zusammenfassung")


def test_the_new_routes_need_a_key(live_server):
    with live_server.client() as anonymous:
        for path, body in (
            (f"/api/v1/documents/{NRW}/summary", {}),
            ("/api/v1/compare", {"document_ids": [NRW, BW], "topic": "Digitalisierung"}),
            ("/api/v1/ask/export", {"question": "Wer koordiniert den Kompetenzverbund?"}),
        ):
            response = anonymous.post(path, json=body)
            assert response.status_code == 401, path
            assert response.json()["error"]["code"] in ("missing_api_key", "invalid_api_key")


def test_english_labels_keep_the_german_quotes(reader):
    summary = reader.post(f"/api/v1/documents/{BW}/summary", json={"language": "en"}).json()
    assert summary["language"] == "en" and summary["text"].startswith("## Summary: Kompetenzverbund")
    assert "**Aims:** " in summary["text"] and "**Ziele:**" not in summary["text"]
    comparison = reader.post("/api/v1/compare", json={"document_ids": [NRW, BW], "topic": "Telemedizin", "language": "en"}).json()
    assert comparison["rows"][0]["label"] == "Aims" and comparison["rows"][0]["cells"][0]["text"] == "not stated"
