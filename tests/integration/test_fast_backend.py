"""The ONNX embedding backends against torch float32, with the real bundled model."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.components.embedding import fast_backend
from assistant.components.embedding.component import load_encoder, resolve_model_path
from tests.conftest import make_settings

pytestmark = pytest.mark.slow

TEXTS = [
    "Das Land fördert Pflegeschulen mit insgesamt 12 Millionen Euro.",
    "Im Kliniknetz Süd arbeiten vier Universitätskliniken zusammen; der Verbund betreibt eine "
    "gemeinsame Telemedizin-Plattform, die seit 2021 rund um die Uhr erreichbar ist.",
    "Kurz.",
]


@pytest.fixture(scope="module")
def torch_encoder(tmp_path_factory):
    return load_encoder(make_settings(tmp_path_factory.mktemp("torch")), backend="torch")


@pytest.mark.parametrize("backend, floor", [("onnx", 0.9999), ("onnx-int8", 0.99)])
def test_onnx_vectors_agree_with_torch_and_the_graph_is_cached(tmp_path, torch_encoder, backend, floor):
    cache = tmp_path / "graphs"
    path = resolve_model_path(make_settings(tmp_path / "data"))  # the converted model, already cached

    model = fast_backend.load_fast_model(path, backend, cache_dir=cache)
    graphs = sorted(cache.glob(f"*.{backend}*.onnx"))
    assert len(graphs) == 1 and not list(cache.glob(".*tmp*"))
    stamp = graphs[0].stat().st_mtime_ns
    again = fast_backend.load_fast_model(path, backend, cache_dir=cache)
    assert graphs[0].stat().st_mtime_ns == stamp  # reused, not exported again

    reference = torch_encoder.model.encode(TEXTS, normalize_embeddings=True)
    for m in (model, again):
        vectors = m.encode(TEXTS, batch_size=2)
        assert vectors.shape == reference.shape
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
        assert (vectors * reference).sum(axis=1).min() >= floor


def test_encoder_names_the_backend_and_falls_back_to_torch(tmp_path, monkeypatch):
    settings = make_settings(tmp_path / "data")
    fast = load_encoder(settings, backend="onnx-int8")
    assert fast.name.endswith("+onnx-int8")
    assert fast.max_passage_tokens > 400 and fast.dimension == 384
    assert fast.encode_queries(["Wer fördert Pflegeschulen?"]).shape == (1, 384)

    def unavailable(*args, **kwargs):
        raise fast_backend.FastBackendUnavailable("not here")

    monkeypatch.setattr(fast_backend, "load_fast_model", unavailable)
    fallback = load_encoder(settings, backend="onnx-int8")
    assert fallback.name == settings.embedding_model
