"""The learned part of the extractive answerer: which unit answers, and whether any does.

Two linear models over the named features of ``features.py``, fitted by
``bench/calibrate_answerer.py`` on data (XQuAD-de dev: German and English questions, answerable
and near misses) and shipped in ``assistant/data/answerer.json``:

* ``ranker``: a score per unit; the highest answers (a listwise softmax model);
* ``answerable``: the log-odds that the best unit carries the asked fact (logistic regression);
  the question is answered when the probability reaches ``threshold``.

``tie`` is the largest ranker-score difference that can come from the retrieval side alone (the
spread between embedding backends, measured by the calibration): units closer than that are
ordered by backend-independent evidence instead. ``context`` decides when the runner-up unit is
quoted as well: when its softmax share is at least that fraction of the best unit's.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from assistant.components.answerer.features import QUESTION_FEATURES, UNIT_FEATURES


class ModelMismatch(RuntimeError):
    """The shipped weights were fitted for other features than the code computes."""


@dataclass(frozen=True)
class Linear:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float = 0.0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.weights + self.bias

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "weights": [round(float(v), 6) for v in self.weights],
            "bias": round(float(self.bias), 6),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any], expected: tuple[str, ...]) -> Linear:
        features = tuple(raw["features"])
        if features != expected:
            raise ModelMismatch(
                f"answerer.json was fitted for features {features}, the code computes {expected}; "
                "run bench/calibrate_answerer.py --write"
            )
        return cls(
            features=features,
            mean=np.array(raw["mean"], dtype=float),
            scale=np.array(raw["scale"], dtype=float),
            weights=np.array(raw["weights"], dtype=float),
            bias=float(raw.get("bias", 0.0)),
        )


@dataclass(frozen=True)
class AnswerModel:
    ranker: Linear
    answerable: Linear
    threshold: float
    tie: float
    context: float
    provenance: dict[str, Any] | None = None

    def probability(self, question_features: np.ndarray) -> float:
        z = float(self.answerable(question_features))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "ranker": self.ranker.to_dict(),
            "answerable": self.answerable.to_dict(),
            "threshold": round(self.threshold, 6),
            "tie": round(self.tie, 6),
            "context": round(self.context, 6),
            "provenance": self.provenance or {},
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> AnswerModel:
        return cls(
            ranker=Linear.from_dict(raw["ranker"], UNIT_FEATURES),
            answerable=Linear.from_dict(raw["answerable"], QUESTION_FEATURES),
            threshold=float(raw["threshold"]),
            tie=float(raw["tie"]),
            context=float(raw["context"]),
            provenance=raw.get("provenance"),
        )

    @classmethod
    def bundled(cls) -> AnswerModel:
        raw = resources.files("assistant.data").joinpath("answerer.json").read_text("utf-8")
        return cls.from_dict(json.loads(raw))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
