"""Reading learning curves as an engineer does (course: "Improving your model performance")."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mlstrategy as mls
from mlstrategy.knowledge.curves import MEMORIZED, wiggle


def _diagnoses(advice):
    return [d.name for d in advice.diagnoses]


def test_a_memorizing_model_is_overfitting_although_its_training_loss_no_longer_falls():
    advice = mls.advise(train_curve=[0.62, 0.31, 0.09, 0.02, 0.004, 0.004, 0.004],
                        dev_curve=[0.45, 0.37, 0.36, 0.42, 0.50, 0.55, 0.60])
    assert advice.primary_problem == "variance"
    early = next(a for a in advice.actions if a.name == "early_stopping")
    assert early.params == {"epoch": 3, "of": 7}
    assert "reached about zero" in str(advice.why("variance"))


def test_a_training_curve_at_zero_is_not_undertrained():
    advice = mls.advise(train_curve=[2.0, 0.3, 0.01, 0.004, 0.002], dev_curve=[2.0, 0.5, 0.30, 0.29, 0.29])
    assert "undertrained" not in _diagnoses(advice)


def test_a_curve_too_short_gets_no_verdict_and_says_how_many_points():
    advice = mls.advise(train_curve=[1.0, 0.6], dev_curve=[1.1, 0.8])
    assert _diagnoses(advice) == ["curve_too_short"] and advice.primary_problem is None
    assert advice.values["curve_points"] == 2 and "2 evaluation points" in str(advice.why("curve_too_short"))


def test_a_noisy_training_curve_is_not_called_still_improving():
    advice = mls.advise(train_curve=[1.0, 0.5, 0.6, 0.4, 0.55, 0.45])
    assert _diagnoses(advice) == ["curve_too_noisy"] and "train_longer" not in [a.name for a in advice.actions]


def test_both_losses_near_zero_early_is_too_good_to_be_true():
    advice = mls.advise(train_curve=[0.5, 0.005, 0.001, 0.001, 0.001], dev_curve=[0.5, 0.004, 0.002, 0.001, 0.001])
    assert "curve_too_good" in _diagnoses(advice) and advice.primary_problem != "curve_too_good"
    assert "leak" in str(advice.why("curve_too_good"))


@pytest.mark.parametrize("dev, expected, action", [
    ([0.9, 0.7, 0.6, 0.5, 0.45], "undertrained", "train_longer"),
    ([0.9, 0.6, 0.5, 0.6, 0.7], "variance", "early_stopping"),
])
def test_a_dev_curve_alone_still_tells_improving_or_rising(dev, expected, action):
    advice = mls.advise(dev_curve=dev)
    assert advice.primary_problem == expected and advice.actions[0].name == action
    asked = {item.name: item.why for item in advice.missing}
    assert "bias" in asked["train_curve"]  # and says what a training curve would add


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.001, 10), min_size=4, max_size=12))
def test_wiggle_is_zero_exactly_for_monotone_tails(curve):
    tail = curve[-4:]
    monotone = all(b <= a for a, b in zip(tail, tail[1:])) or all(b >= a for a, b in zip(tail, tail[1:]))
    assert (wiggle(curve, 3) == 0.0) == monotone


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.001, 10), min_size=4, max_size=10), st.floats(0.001, 10))
def test_a_dev_curve_clearly_above_its_best_is_overfitting_when_training_loss_reached_zero(dev, first):
    rising = dev + [min(dev) * 2]  # the last point twice the best: a clear rise
    train = [first] + [first * MEMORIZED / 2] * (len(rising) - 1)  # at about zero and flat
    assert "variance" in _diagnoses(mls.advise(train_curve=train, dev_curve=rising))


def test_a_training_curve_still_falling_while_the_dev_curve_has_flattened_is_not_undertrained():
    # 120 epochs of a detector: the training loss still creeps down, the dev loss has been flat for a while
    train = [0.30 * 0.99 ** e for e in range(117)] + [0.0915, 0.0912, 0.0905]
    dev = [0.20 * 0.99 ** e for e in range(60)] + [0.1097] * 60
    advice = mls.advise(train_curve=train, dev_curve=dev)
    assert "undertrained" not in _diagnoses(advice) and "train_longer" not in [a.name for a in advice.actions]
    assert mls.advise(train_curve=train).primary_problem == "undertrained"  # without a dev curve it is all we know
