"""Chunks written but not yet published (an ingestion in progress) never reach a question."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

QUESTION = "Wie viel Geld erhalten die Pflegeschulen?"


def _hide(container, count: int, prefix: str) -> list[str]:
    texts = [f"Die Pflegeschulen erhalten {n} Millionen Euro für digitale Lernplattformen." for n in range(count)]
    ids = [f"{prefix}::v::{n:05d}" for n in range(count)]
    vectors = container.encoder.encode_passages(texts)
    metadata = [{"document_id": prefix, "version": "v", "title": prefix, "position": n} for n in range(count)]
    container.store.add_hidden_chunks(ids, vectors, texts, metadata)
    return ids


@pytest.mark.parametrize("hidden", [3, 60], ids=["a-few-hidden", "hidden-crowd-the-top"])
def test_dense_search_returns_only_live_chunks_and_still_k_of_them(fresh_container, hidden):
    live_ids = _hide(fresh_container, 12, "veroeffentlicht")
    fresh_container.store.publish(live_ids)
    _hide(fresh_container, hidden, "halbfertig")

    vector = fresh_container.encoder.encode_query(QUESTION)
    hits = fresh_container.store.query(vector, 10, None)

    assert len(hits) == 10
    assert {hit.metadata["document_id"] for hit in hits} == {"veroeffentlicht"}


def test_filters_still_apply_when_hidden_chunks_are_dropped(fresh_container):
    live_ids = _hide(fresh_container, 5, "veroeffentlicht")
    fresh_container.store.publish(live_ids)
    _hide(fresh_container, 20, "halbfertig")

    vector = fresh_container.encoder.encode_query(QUESTION)
    hits = fresh_container.store.query(vector, 10, {"document_id": "veroeffentlicht"})

    assert sorted(hit.id for hit in hits) == sorted(live_ids)
