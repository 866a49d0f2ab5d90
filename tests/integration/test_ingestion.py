"""Ingestion bookkeeping against the real model and a real Chroma store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from assistant.services.documents import DocumentNotFound
from tests.conftest import PROJECT_DIR, make_settings, store_env

pytestmark = pytest.mark.slow

BERICHT_V1 = """Förderprogramm Pflege

Das Land fördert Pflegeschulen mit insgesamt 12 Millionen Euro. Die Mittel fließen in digitale Lernplattformen.
"""
BERICHT_V2 = """Förderprogramm Pflege

Das Land fördert Pflegeschulen mit insgesamt 30 Millionen Euro. Die Mittel fließen in Simulationszentren.
"""


def live_chunks(container, document_id):
    return container.store.chunks.get(where={"document_id": document_id}, include=["documents", "metadatas"])


def test_reingesting_an_unchanged_file_changes_nothing(fresh_container, tmp_path):
    path = tmp_path / "bericht.txt"
    path.write_text(BERICHT_V1, encoding="utf-8")
    first = fresh_container.documents.ingest_paths([path]).results[0]
    ids_before = live_chunks(fresh_container, "bericht")["ids"]
    revision = fresh_container.store.revision()

    second = fresh_container.documents.ingest_paths([path]).results[0]

    assert (first.status, second.status) == ("added", "unchanged")
    assert live_chunks(fresh_container, "bericht")["ids"] == ids_before
    assert fresh_container.store.revision() == revision


def test_a_changed_file_replaces_all_its_old_chunks(fresh_container, tmp_path):
    path = tmp_path / "bericht.txt"
    path.write_text(BERICHT_V1, encoding="utf-8")
    fresh_container.documents.ingest_paths([path])
    path.write_text(BERICHT_V2, encoding="utf-8")

    result = fresh_container.documents.ingest_paths([path]).results[0]

    texts = " ".join(live_chunks(fresh_container, "bericht")["documents"])
    assert result.status == "updated"
    assert "30 Millionen" in texts and "12 Millionen" not in texts
    answer = fresh_container.chat.ask("Mit wie viel Geld fördert das Land Pflegeschulen?")
    assert "30 Millionen" in answer.answer and "12 Millionen" not in answer.answer


def test_removing_a_document_leaves_no_chunk_and_no_record(fresh_container, tmp_path):
    path = tmp_path / "bericht.txt"
    path.write_text(BERICHT_V1, encoding="utf-8")
    fresh_container.documents.ingest_paths([path])

    fresh_container.documents.remove("bericht")

    assert live_chunks(fresh_container, "bericht")["ids"] == []
    assert [d.id for d in fresh_container.documents.list_documents()] == []


def test_one_bad_file_never_aborts_the_batch(fresh_container, tmp_path):
    (tmp_path / "gut.md").write_text("# Gut\n\nDieser Text ist in Ordnung und wird aufgenommen.\n", encoding="utf-8")
    (tmp_path / "kaputt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nGARBAGE")
    (tmp_path / "leer.txt").write_bytes(b"")
    (tmp_path / "binaer.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "tabelle.xlsx").write_bytes(b"PK\x03\x04not really")

    report = fresh_container.documents.ingest_paths([tmp_path])

    by_name = {r.filename: r for r in report.results}
    assert by_name["gut.md"].status == "added"
    assert {n: by_name[n].status for n in ("kaputt.pdf", "leer.txt", "binaer.txt", "tabelle.xlsx")} == dict.fromkeys(
        ("kaputt.pdf", "leer.txt", "binaer.txt", "tabelle.xlsx"), "failed"
    )
    assert by_name["tabelle.xlsx"].code == "unsupported_type"
    assert all(by_name[n].reason for n in ("kaputt.pdf", "leer.txt", "binaer.txt"))
    assert [d.id for d in fresh_container.documents.list_documents()] == ["gut"]


def test_a_process_killed_mid_ingestion_leaves_no_half_document_and_the_next_run_completes(
    fresh_container, tmp_path
):
    """A real process writes the hidden chunks of a new version and dies before publishing them."""
    path = tmp_path / "bericht.txt"
    path.write_text(BERICHT_V1, encoding="utf-8")
    fresh_container.documents.ingest_paths([path])
    data_dir, collection = fresh_container.settings.data_dir, fresh_container.settings.collection
    del fresh_container.__dict__["store"]  # let the child own the embedded store while it runs

    crash = textwrap.dedent(
        f"""
        import os, numpy as np
        from assistant.components.vector_store import ChunkStore, make_client
        from tests.conftest import make_settings
        from pathlib import Path
        settings = make_settings(Path({str(data_dir)!r}), collection={collection!r})
        store = ChunkStore(make_client(settings), settings.collection)
        record = store.get_record("bericht")
        store.put_record("bericht", {{**record, "status": "indexing", "pending_version": "deadbeef",
                                      "started_at": "2000-01-01T00:00:00+00:00"}})
        ids = [f"bericht::deadbeef::{{i:05d}}" for i in range(3)]
        vectors = np.ones((3, 384), dtype=np.float32) / np.sqrt(384)
        store.add_hidden_chunks(ids, vectors, ["HALB FERTIG"] * 3,
                                [{{"document_id": "bericht", "version": "deadbeef", "title": "x", "position": i}} for i in range(3)])
        os._exit(9)  # dies like a killed process: no cleanup, no flush beyond what Chroma did
        """
    )
    child = subprocess.run([sys.executable, "-c", crash], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert child.returncode == 9, child.stderr

    container = type(fresh_container)(fresh_container.settings, encoder=fresh_container.encoder)
    hits = container.retrieval.retrieve("HALB FERTIG", 10)
    assert all("HALB FERTIG" not in p.text for p in hits.passages)
    answer = container.chat.ask("Mit wie viel Geld fördert das Land Pflegeschulen?")
    assert "12 Millionen" in answer.answer

    assert container.documents.recover() == 1  # the stale intent is rolled back
    assert container.store.chunk_ids({"live": False}) == []
    assert container.documents.get_document("bericht").chunks == len(live_chunks(container, "bericht")["ids"])

    path.write_text(BERICHT_V2, encoding="utf-8")
    assert container.documents.ingest_paths([path]).results[0].status == "updated"
    assert "30 Millionen" in container.chat.ask("Mit wie viel Geld fördert das Land Pflegeschulen?").answer


def test_a_removal_cut_short_is_not_listed_and_recover_finishes_it(fresh_container, tmp_path):
    """The state a process killed inside remove() leaves: the record is marked, the chunks still exist."""
    path = tmp_path / "bericht.txt"
    path.write_text(BERICHT_V1, encoding="utf-8")
    fresh_container.documents.ingest_paths([path])
    store = fresh_container.store
    store.put_record("bericht", {**store.get_record("bericht"), "status": "removing"})

    assert [d.id for d in fresh_container.documents.list_documents()] == []
    with pytest.raises(DocumentNotFound):
        fresh_container.documents.get_document("bericht")

    revision = store.revision()
    assert fresh_container.documents.recover() == 1
    assert live_chunks(fresh_container, "bericht")["ids"] == []
    assert store.get_record("bericht") is None
    assert store.revision() != revision  # other processes' lexical indexes notice the removal


def run_cli(args, data_dir):
    env = {**os.environ, **store_env(make_settings(data_dir))}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600
    )


def test_cli_ingest_reports_failures_with_a_nonzero_exit_code(tmp_path):
    good = tmp_path / "gut.txt"
    good.write_text("Ein kurzer, guter Text über Krankenhäuser.", encoding="utf-8")
    bad = tmp_path / "kaputt.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")

    result = run_cli(["ingest", str(good), str(bad)], tmp_path / "store")

    assert result.returncode == 1, result.stderr
    assert "kaputt.pdf" in result.stdout and "failed" in result.stdout
    assert "hinzugefügt/added 1" in result.stdout and "fehlgeschlagen/failed 1" in result.stdout


def test_cli_ask_json_prints_the_documented_shape_over_the_bundled_corpus(tmp_path):
    result = run_cli(["ask", "--json", "Wie viele Krankenhäuser haben sich zusammengeschlossen?"], tmp_path / "store")

    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"answer", "citations", "answered", "highlights", "searched_in", "related"}
    assert payload["answered"] is True and "14 Krankenhäuser" in payload["answer"]
    assert payload["highlights"] == ["14"] and payload["related"] == [] and payload["searched_in"] == []
    citation = payload["citations"][0]
    assert set(citation) == {
        "n", "document_id", "title", "section", "page", "page_end", "legal", "text", "chunk_id", "score",
        "table_rows",
    }  # fmt: skip
    assert citation["n"] == 1 and citation["document_id"] == "kompetenzverbund-bw"
    assert "[1]" in payload["answer"]
