"""No chunk is longer than the embedding model's window, counted by the model's own tokenizer.

A chunk over the window would be truncated silently by the encoder: its end could never be found.
Checked over the bundled corpus and the real public-sector PDFs, with the chunk exactly as it is
embedded (prefix, title and section header, special tokens).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.services.document_input import chunk_document
from ingest.chunking import embedding_text
from ingest.loaders import parse_document
from tests.conftest import PROJECT_DIR, SHARED_DIR, make_settings

pytestmark = pytest.mark.slow

REALDOCS = SHARED_DIR / "realdocs"
DOCUMENTS = sorted((PROJECT_DIR / "corpus").glob("*.txt")) + sorted(
    p for p in REALDOCS.glob("*.pdf") if not p.name.endswith("_scan.pdf")
)


def test_real_documents_are_present():
    assert len([p for p in DOCUMENTS if p.suffix == ".pdf"]) >= 8, f"realdocs missing under {REALDOCS}"


@pytest.mark.parametrize("chunk_tokens", [200, 1024])  # the default, and the largest allowed target
@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_no_chunk_exceeds_the_model_window(encoder, path: Path, chunk_tokens: int):
    settings = make_settings(PROJECT_DIR / "data", chunk_tokens=chunk_tokens)
    parsed = parse_document(path.read_bytes(), path.name)
    title, chunks = chunk_document(parsed, path.name, {}, encoder=encoder, settings=settings)
    embedded = [encoder.passage_prefix + embedding_text(title, c.section, c.text) for c in chunks]
    lengths = [len(ids) for ids in encoder.tokenizer(embedded, verbose=False)["input_ids"]]
    assert chunks
    too_long = [(n, c.text[:60]) for n, c in zip(lengths, chunks, strict=True) if n > encoder.max_seq_length]
    assert not too_long, f"{len(too_long)} chunks over {encoder.max_seq_length} tokens: {too_long[:3]}"

