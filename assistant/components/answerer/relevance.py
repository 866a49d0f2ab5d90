"""Decides whether the retrieved passages are about the question at all.

Raw cosine similarity says little with e5 models: an off-topic question ("Wie wird das Wetter
morgen?") scores about as high against strategy papers as an English question about them does.
What separates them is *relative* closeness: how much closer the question is to the best sentence
of the retrieved passages than to reference texts on unrelated topics (everyday sentences and the
openings of Wikipedia articles, ``assistant/data/background*.txt``). A logistic model on that margin,
fitted by ``bench/calibrate_relevance.py`` on GermanQuAD dev questions whose gold passage was
indexed (relevant) or held out (nothing relevant), turns it into a probability; its coefficients
ship in ``assistant/data/relevance.json``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from assistant.components.embedding.encoder import SentenceEncoder
from assistant.language import detect_language

BACKGROUND_FILES = ("background.txt", "background_wiki_de.txt")


@dataclass(frozen=True)
class GateModel:
    bias: float
    margin_weight: float
    threshold: float = 0.5

    @classmethod
    def bundled(cls) -> GateModel:
        raw = json.loads(resources.files("assistant.data").joinpath("relevance.json").read_text("utf-8"))
        return cls(**{k: float(raw[k]) for k in ("bias", "margin_weight", "threshold")})


@dataclass(frozen=True)
class Evidence:
    best: float  # cosine similarity of the question to the closest retrieved sentence
    margin: float  # best minus the mean similarity to the closest reference texts


def background_texts() -> list[str]:
    texts: list[str] = []
    for name in BACKGROUND_FILES:
        raw = resources.files("assistant.data").joinpath(name).read_text("utf-8")
        texts += [line for line in raw.splitlines() if line.strip() and not line.startswith("#")]
    return texts


class RelevanceGate:
    def __init__(
        self,
        encoder: SentenceEncoder,
        model: GateModel | None = None,
        background_k: int = 3,
        cache_dir: Path | None = None,
    ) -> None:
        self.encoder = encoder
        self.model = model or GateModel.bundled()
        self.background_k = background_k
        self.cache_dir = cache_dir

    @cached_property
    def background(self) -> dict[str, np.ndarray]:
        """Reference vectors per language. A question is compared with references in the language
        of the passages it matched: cross-lingual similarities run lower across the board, so
        mixing languages would bias the margin against English questions over German text."""
        texts = background_texts()
        vectors = self._background_vectors(texts)
        languages = np.array([detect_language(t) for t in texts])
        return {str(lang): vectors[languages == lang] for lang in np.unique(languages)}

    def _background_vectors(self, texts: list[str]) -> np.ndarray:
        """Encoding ~300 references takes seconds; they are cached per model and text."""
        key = hashlib.sha256(("\n".join(texts) + self.encoder.name + self.encoder.passage_prefix).encode())
        path = self.cache_dir / f"background-{key.hexdigest()[:16]}.npy" if self.cache_dir else None
        if path is not None and path.is_file():
            try:
                cached = np.load(path)
                if cached.shape == (len(texts), self.encoder.dimension):
                    return cached
            except (OSError, ValueError):
                pass
        vectors = self.encoder.encode_passages(texts)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npy")
                np.save(tmp, vectors)
                os.replace(tmp, path)
            except OSError:
                pass  # a read-only cache only costs the encoding next time
        return vectors

    def evidence(self, query_vector: np.ndarray, best: float, language: str = "de") -> Evidence:
        references = self.background.get(language, self.background["de"])
        reference = np.sort(references @ query_vector)[-self.background_k :]
        return Evidence(best=best, margin=best - float(reference.mean()))

    def probability(self, evidence: Evidence) -> float:
        z = self.model.bias + self.model.margin_weight * evidence.margin
        return 1.0 / (1.0 + math.exp(-z))

    def is_relevant(self, evidence: Evidence) -> bool:
        return self.probability(evidence) >= self.model.threshold
