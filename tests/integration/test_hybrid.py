"""Hybrid retrieval against the real model and Chroma: the lexical index follows the store exactly."""

from __future__ import annotations

import json

import pytest

from assistant.components.lexical.bm25 import LexicalIndex
from assistant.components.lexical.synced import SyncedLexicalIndex
from assistant.container import Container
from tests.conftest import make_settings

pytestmark = pytest.mark.slow

# Made-up words: only the lexical side can match them, and only in the document holding them.
ALPHA = "Zwirbelquastverfahren"
BETA = "Plonkdraxelmodell"

FILLER = (
    "Das Land unterstützt Krankenhäuser bei der Digitalisierung. "
    "Die Mittel fließen in Telemedizin, Fortbildung und sichere Netze."
)


def doc(term: str, title: str = "Förderbericht") -> bytes:
    return f"# {title}\n\n{FILLER}\n\nNeu ist das {term}, das ab 2026 in allen Kliniken gilt.\n".encode()


def lexical_docs(container: Container, word: str) -> list[str]:
    """Documents whose chunks hold ``word`` as a word term (the character n-grams of the analyzer
    would also match made-up words partially), as the service's index sees them now."""
    index = container.lexical.index  # refreshes from the store, as a search does
    terms = [t for t in index.analyzer.tokenize(word) if not t.startswith("#")]
    ids, _ = index.search_tokens(terms, k=10)
    return sorted({container.lexical.metadata(i)["document_id"] for i in ids})


def test_new_document_is_found_by_its_unique_term_at_once(fresh_container):
    fresh_container.documents.ingest_bytes("anderes.md", doc("Gesundheitsnetz", "Anderes"), {"id": "anderes"})
    assert lexical_docs(fresh_container, ALPHA) == []  # the index is built (and was just checked)

    fresh_container.documents.ingest_bytes("bericht.md", doc(ALPHA), {"id": "bericht"})

    assert lexical_docs(fresh_container, ALPHA) == ["bericht"]
    hybrid = fresh_container.retrieval.retrieve(ALPHA, 3, mode="hybrid")
    assert hybrid.passages[0].metadata["document_id"] == "bericht"
    assert hybrid.passages[0].lexical > 0


def test_replace_drops_the_old_terms_and_remove_drops_everything(fresh_container):
    docs = fresh_container.documents
    docs.ingest_bytes("bericht.md", doc(ALPHA), {"id": "bericht"})
    assert lexical_docs(fresh_container, ALPHA) == ["bericht"]

    assert docs.ingest_bytes("bericht.md", doc(BETA), {"id": "bericht"}).status == "updated"
    assert lexical_docs(fresh_container, ALPHA) == []
    assert lexical_docs(fresh_container, BETA) == ["bericht"]
    chunk_ids = set(fresh_container.store.chunk_ids({"live": True}))
    assert set(fresh_container.lexical.index.ids) == chunk_ids

    docs.remove("bericht")
    assert lexical_docs(fresh_container, BETA) == []
    assert len(fresh_container.lexical.index) == 0
    assert fresh_container.retrieval.retrieve(BETA, 5, mode="hybrid").passages == []


def test_a_second_container_on_the_same_data_notices_changes(fresh_container, encoder):
    first = fresh_container
    first.documents.ingest_bytes("anderes.md", doc("Gesundheitsnetz", "Anderes"), {"id": "anderes"})
    second = Container(first.settings, encoder=encoder)  # as another process would open it
    assert lexical_docs(second, ALPHA) == []
    second.lexical.check_interval_s = 0.0  # look at the revision token on every search

    first.documents.ingest_bytes("bericht.md", doc(ALPHA), {"id": "bericht"})
    assert lexical_docs(second, ALPHA) == ["bericht"]

    first.documents.ingest_bytes("bericht.md", doc(BETA), {"id": "bericht"})
    assert lexical_docs(second, ALPHA) == []
    assert lexical_docs(second, BETA) == ["bericht"]

    first.documents.remove("bericht")
    assert lexical_docs(second, BETA) == []
    assert second.lexical.index.ids == first.lexical.index.ids


def test_filters_hold_on_both_sides(fresh_container):
    docs = fresh_container.documents
    docs.ingest_bytes("nrw.md", doc("Gesundheitsnetz", "Bericht NRW"), {"id": "nrw", "region": "NRW"})
    docs.ingest_bytes("bw.md", doc(ALPHA, "Bericht BW"), {"id": "bw", "region": "BW"})
    assert lexical_docs(fresh_container, ALPHA) == ["bw"]  # the term is a lexical-only hit in BW

    for mode in ("hybrid", "lexical", "dense"):
        result = fresh_container.retrieval.retrieve(ALPHA, 10, {"region": ["NRW"]}, mode=mode)
        regions = {p.metadata.get("region") for p in result.passages}
        assert regions <= {"NRW"}, (mode, regions)
        assert "bw" not in {p.metadata["document_id"] for p in result.passages}
    unfiltered = fresh_container.retrieval.retrieve(ALPHA, 10, mode="hybrid")
    assert unfiltered.passages[0].metadata["document_id"] == "bw"


def test_restart_loads_the_saved_lexical_index_without_analysing_again(fresh_container, encoder, monkeypatch):
    docs = fresh_container.documents
    docs.ingest_bytes("bericht.md", doc(ALPHA), {"id": "bericht"})
    docs.ingest_bytes("anderes.md", doc("Gesundheitsnetz", "Anderes"), {"id": "anderes"})
    assert lexical_docs(fresh_container, ALPHA) == ["bericht"]  # builds and saves the index
    saved_dir = fresh_container.lexical.directory
    saved = json.loads((saved_dir / "revision.json").read_text(encoding="utf-8"))
    assert saved["revision"] == fresh_container.store.revision()
    assert set(saved["metadata"]) == set(fresh_container.store.chunk_ids({"live": True}))
    assert (saved_dir / "index" / "meta.json").is_file()

    def no_analysis(*args, **kwargs):
        raise AssertionError("the restarted index analysed text again")

    monkeypatch.setattr(LexicalIndex, "add", no_analysis)
    monkeypatch.setattr(SyncedLexicalIndex, "_apply_difference", no_analysis)
    restarted = Container(make_settings(fresh_container.settings.data_dir), encoder=encoder)

    assert lexical_docs(restarted, ALPHA) == ["bericht"]
    assert set(restarted.lexical.index.ids) == set(saved["metadata"])

    # A change made while it was down is picked up at the next start.
    monkeypatch.undo()
    fresh_container.documents.remove("anderes")
    again = Container(make_settings(fresh_container.settings.data_dir), encoder=encoder)
    assert lexical_docs(again, ALPHA) == ["bericht"]
    assert set(again.lexical.index.ids) == set(fresh_container.store.chunk_ids({"live": True}))
