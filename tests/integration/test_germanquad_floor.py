"""A quality floor for hybrid retrieval on GermanQuAD (all 474 passages indexed by the product).

The passages go through ``DocumentService.ingest_bytes`` exactly as in ``bench/germanquad.py``;
a fixed, spread-out subset of the questions keeps the question part short. Indexing the 474
passages is the cost of this test (a few minutes with the default ``onnx-int8`` backend).
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from tests.conftest import PROJECT_DIR, SHARED_DIR, make_settings

pytestmark = [pytest.mark.slow, pytest.mark.large_index]

DATA = SHARED_DIR / "eval" / "germanquad"
EVERY_NTH = 7  # questions sorted by id, every 7th: 315 of 2204, spread over all passages
# Measured with the product defaults (onnx-int8 backend, chunk_tokens=200, overlap 1,
# hybrid_dense_weight=0.6, fusion_candidates=30) on 2026-11-23 by
#   .venv/bin/python -m pytest tests/integration/test_germanquad_floor.py -s
# which printed: hybrid mrr@10 0.9839, success@1 0.9714 (315 questions, 1549 chunks).
# The test allows 0.02 below it.
MEASURED_HYBRID_MRR10 = 0.984
TOLERANCE = 0.02


def _bench():
    spec = importlib.util.spec_from_file_location("germanquad_bench", PROJECT_DIR / "bench" / "germanquad.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (DATA / "docs.jsonl").is_file(), reason="GermanQuAD data not found under shared/")
def test_hybrid_mrr_stays_above_the_floor(tmp_path, encoder):
    bench = _bench()
    corpus = bench.load_germanquad(DATA)
    questions = sorted(corpus.questions, key=lambda q: q.query_id)[::EVERY_NTH]
    container = bench.build_container(make_settings(tmp_path / "store"), encoder=encoder)

    info = bench.ensure_index(container, corpus)
    hybrid = bench.evaluate(container, questions, "hybrid")

    print(f"\nGermanQuAD floor: {len(questions)} questions, {info.chunks} chunks, "
          f"index {info.index_s:.0f} s, hybrid {hybrid}")  # fmt: skip
    assert info.documents == 474
    assert hybrid["mrr@10"] >= MEASURED_HYBRID_MRR10 - TOLERANCE, hybrid
