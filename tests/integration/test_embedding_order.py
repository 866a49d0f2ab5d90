"""Chunks are embedded longest first (less padding), and the vectors are those of page order."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.components.embedding.component import is_float32
from assistant.services.document_input import chunk_document
from assistant.services.page_progress import PageReport
from ingest.chunking import embedding_text
from ingest.loaders import parse_document
from tests.conftest import PROJECT_DIR, SHARED_DIR, make_settings

pytestmark = pytest.mark.slow

PDF = SHARED_DIR / "realdocs" / "kbv_vorgaben_corsurv_2021.pdf"


def test_length_sorted_embedding_gives_the_vectors_of_page_order_and_rising_progress(encoder):
    assert is_float32(encoder), "the default backend computes in float32"
    settings = make_settings(PROJECT_DIR / "data")
    title, chunks = chunk_document(parse_document(PDF.read_bytes(), PDF.name), PDF.name, {}, encoder=encoder, settings=settings)
    texts = [embedding_text(title, c.section, c.text) for c in chunks]
    assert len(texts) > 40 and len({len(t) for t in texts}) > 20, "needs chunks of many lengths"
    seen: list[tuple[str, int, int]] = []
    report = PageReport(lambda stage, page, pages: seen.append((stage, page, pages)))
    report.reading(19, 19)

    vectors = report.embed(encoder, texts)

    # As before: page order, 32 chunks at a time.
    before = np.concatenate([encoder.encode_passages(texts[i : i + 32]) for i in range(0, len(texts), 32)])
    assert vectors.shape == before.shape
    assert float(np.min(np.sum(vectors * before, axis=1))) > 1 - 1e-5
    pages = [page for stage, page, _ in seen if stage == "embedding"]
    assert pages == sorted(pages) and pages[-1] == 19 and all(1 <= page <= 19 for page in pages)
