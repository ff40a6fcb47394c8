"""knowledge/curves.py: learning curves: undertrained, overfitting with early stopping, stuck high; the course's own worked examples, one test each."""
from __future__ import annotations

import mlstrategy as mls
from conftest import names


# ---------------------------------------------------------------- learning curves
def test_still_improving_when_training_stopped_is_undertrained():
    advice = mls.advise(train_curve=[1.0, 0.8, 0.6, 0.5, 0.4], dev_curve=[1.1, 0.9, 0.7, 0.6, 0.5])
    assert advice.primary_problem == "undertrained"
    assert names(advice.actions) == ["train_longer"]


def test_dev_rising_while_train_falls_is_variance_with_early_stopping():
    advice = mls.advise(train_curve=[1.0, 0.6, 0.4, 0.3, 0.2], dev_curve=[1.0, 0.7, 0.5, 0.6, 0.7])
    assert advice.primary_problem == "variance"
    assert advice.action("early_stopping").params == {"epoch": 3, "of": 5}
    assert "regularization" in names(advice.actions)
    assert "train_longer" not in names(advice.actions)


def test_flat_and_high_training_curve_is_bias():
    advice = mls.advise(train_curve=[1.0, 0.9, 0.85, 0.85, 0.85, 0.85])
    assert advice.primary_problem == "avoidable_bias"
    assert names(advice.actions) == ["bigger_model"]


def test_an_unfinished_model_comes_before_the_gaps_measured_on_it():
    advice = mls.advise(train_curve=[1.0, 0.8, 0.6, 0.5, 0.4], dev_curve=[1.1, 0.9, 0.7, 0.6, 0.5],
                        human_error=0.19, train_error=0.20, dev_error=0.23)
    assert [d.name for d in advice.diagnoses][:2] == ["undertrained", "variance"]
    assert names(advice.actions)[0] == "train_longer"
