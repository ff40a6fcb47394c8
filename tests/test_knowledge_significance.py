"""knowledge/significance.py: statistical noise: gaps and candidate margins within the noise of the set sizes; the course's own worked examples, one test each."""
from __future__ import annotations

import mlstrategy as mls
from conftest import names


# ---------------------------------------------------------------- significance
def test_a_gap_inside_the_noise_asks_for_a_bigger_dev_set():
    advice = mls.advise(human_error=0.05, train_error=0.08, dev_error=0.10, train_size=200, dev_size=200)
    assert "gap_not_significant" in names(advice.diagnoses)
    assert advice.values["ci_low:avoidable_bias"] <= 0
    assert "bigger_dev_set" in names(advice.actions)
    assert "bigger_model" not in names(advice.actions)  # do not chase noise


def test_a_gap_outside_the_noise_keeps_its_actions():
    advice = mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10, train_size=100_000, dev_size=10_000)
    assert "gap_not_significant" not in names(advice.diagnoses)
    assert 0.06 < advice.values["ci_low:avoidable_bias"] < 0.07 < advice.values["ci_high:avoidable_bias"]
    assert "bigger_model" in names(advice.actions)


def test_dev_set_too_small_to_separate_two_candidates():
    candidates = [{"name": "A", "accuracy": 0.90}, {"name": "B", "accuracy": 0.91}]
    small = mls.advise(candidates=candidates, dev_size=100)
    assert "dev_set_too_small" in names(small.diagnoses)
    assert "bigger_dev_set" in names(small.actions)
    assert "dev_set_too_small" not in names(mls.advise(candidates=candidates, dev_size=100_000).diagnoses)
