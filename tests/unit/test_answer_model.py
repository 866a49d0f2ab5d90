"""Word matching without the model, and the shipped decision model's contract with the code."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from assistant.components.answerer.features import QUESTION_FEATURES, UNIT_FEATURES
from assistant.components.answerer.model import AnswerModel, ModelMismatch
from assistant.components.answerer.terms import _shares_core, _stem_matches, root


def test_roots_and_cores_join_what_a_reader_joins():
    assert root("koordiniert") == root("koordinator") == "koordin"
    assert _stem_matches("koordiniert", {"koordinator"})
    assert _shares_core("finanzierung", "krankenhausfinanzierung")  # compound part
    assert _shares_core("competence", "kompetenzverbund")  # cognate across languages
    assert not _shares_core("krankenhaus", "krankenkasse")
    assert not _shares_core("bund", "verbund")  # too short to say


def test_shipped_model_fits_the_features_the_code_computes():
    model = AnswerModel.bundled()
    assert model.ranker.features == UNIT_FEATURES
    assert model.answerable.features == QUESTION_FEATURES
    assert 0.0 < model.threshold < 1.0
    assert model.tie >= 0.0


def test_a_model_for_other_features_is_refused_with_the_command_to_refit():
    raw = json.loads(resources.files("assistant.data").joinpath("answerer.json").read_text("utf-8"))
    raw["ranker"]["features"] = raw["ranker"]["features"][:-1]
    with pytest.raises(ModelMismatch, match="calibrate_answerer.py"):
        AnswerModel.from_dict(raw)
