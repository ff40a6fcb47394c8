"""knowledge/orthogonalization.py: orthogonalization: each stage of the chain has its own knobs; the course's own worked examples, one test each."""
from __future__ import annotations

import pytest

import mlstrategy as mls
from conftest import names


# ---------------------------------------------------------------- orthogonalization
@pytest.mark.parametrize("facts, stage, knob", [
    ({"human_error": 0.01, "train_error": 0.08, "dev_error": 0.085}, "train", "bigger_model"),
    ({"human_error": 0.01, "train_error": 0.012, "dev_error": 0.08}, "dev", "regularization"),
    ({"human_error": 0.01, "train_error": 0.012, "dev_error": 0.015, "test_error": 0.06}, "test", "bigger_dev_set"),
    ({"human_error": 0.01, "train_error": 0.012, "dev_error": 0.015, "test_error": 0.016, "real_world_ok": False},
     "real world", "change_dev_test_set"),
])
def test_orthogonalization_chain_each_stage_has_its_knobs(facts, stage, knob):
    advice = mls.advise(**facts)
    assert advice.diagnoses[0].stage == stage
    assert knob in names(advice.actions)
    assert advice.actions[0].addresses == (advice.primary_problem,)
