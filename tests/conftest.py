"""Shared fixtures. Tiers: unit (default, seconds), ``slow`` (real model + real Chroma), ``e2e``."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The converted model is cached across test sessions (conversion takes ~15 s); it is the same
# cache the assistant itself uses, and conversion is atomic, so sharing it is safe.
MODEL_CACHE = PROJECT_DIR / "data" / "models"
SHARED_DIR = PROJECT_DIR.parent / "shared"


def make_settings(data_dir: Path, **overrides) -> Settings:
    values = {
        "data_dir": data_dir,
        "model_cache_dir": MODEL_CACHE,
        "corpus_dir": PROJECT_DIR / "corpus",
        **overrides,
    }
    return Settings(_env_file=None, **values)


@pytest.fixture(scope="session")
def encoder():
    from assistant.components.embedding.component import load_encoder

    return load_encoder(make_settings(PROJECT_DIR / "data"))


@pytest.fixture(scope="session")
def corpus_container(tmp_path_factory, encoder):
    """A store with the shipped corpus ingested, shared by read-only tests."""
    from assistant.container import Container

    container = Container(make_settings(tmp_path_factory.mktemp("corpus-store")), encoder=encoder)
    report = container.documents.ingest_paths([PROJECT_DIR / "corpus"])
    assert not report.failed, report
    return container


@pytest.fixture
def fresh_container(tmp_path, encoder):
    """An empty store of its own, for tests that change documents."""
    from assistant.container import Container

    return Container(make_settings(tmp_path / "store"), encoder=encoder)
