"""The course's worked examples, each as the situation and the advice the course gives."""
from __future__ import annotations

import pytest

import mlstrategy as mls
from conftest import names

BIAS_ONLY = {"bigger_model", "train_longer", "better_optimizer", "reduce_regularization"}
VARIANCE_ONLY = {"more_data", "regularization", "data_augmentation"}


def test_human_1_train_8_dev_10_is_an_avoidable_bias_problem():
    advice = mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10)
    assert advice.primary_problem == "avoidable_bias"
    assert names(advice.diagnoses) == ["avoidable_bias"]
    assert names(advice.actions)[:3] == ["bigger_model", "train_longer", "better_optimizer"]
    assert not VARIANCE_ONLY & set(names(advice.actions))
    assert advice.values["avoidable_bias"] == pytest.approx(0.07, abs=1e-12)
    assert advice.values["variance"] == pytest.approx(0.02, abs=1e-12)


def test_human_7_5_train_8_dev_10_is_a_variance_problem():
    advice = mls.advise(human_error=0.075, train_error=0.08, dev_error=0.10)
    assert advice.primary_problem == "variance"
    assert names(advice.diagnoses) == ["variance"]
    assert {"more_data", "regularization", "data_augmentation"} <= set(names(advice.actions))
    assert not BIAS_ONLY & set(names(advice.actions))
    assert advice.values["avoidable_bias"] == pytest.approx(0.005, abs=1e-12)


def test_train_dev_9_percent_shows_variance():
    advice = mls.advise(human_error=0.0, train_error=0.01, train_dev_error=0.09, dev_error=0.10)
    assert advice.primary_problem == "variance"
    assert advice.values["variance"] == pytest.approx(0.08)
    assert advice.values["data_mismatch"] == pytest.approx(0.01)
    assert "data_mismatch" not in names(advice.diagnoses)


def test_train_dev_1_5_percent_shows_data_mismatch():
    advice = mls.advise(human_error=0.0, train_error=0.01, train_dev_error=0.015, dev_error=0.10)
    assert advice.primary_problem == "data_mismatch"
    assert advice.values["data_mismatch"] == pytest.approx(0.085)
    plan = names(advice.actions)
    assert plan[0] == "error_analysis"
    assert {"collect_target_like_data", "artificial_data_synthesis"} <= set(plan)
    synthesis = advice.action("artificial_data_synthesis")
    assert any("tiny subset" in reason.text for reason in synthesis.reasons)  # the course's caution


def test_radiology_bayes_proxy_is_the_best_human_level():
    advice = mls.advise(
        human_errors={"typical human": 0.03, "typical doctor": 0.01, "experienced doctor": 0.007,
                      "team of experienced doctors": 0.005},
        train_error=0.007, dev_error=0.008,
    )
    assert advice.values["bayes_proxy"] == pytest.approx(0.005)
    # 0.2% avoidable bias vs 0.1% variance: the course says focus on bias
    assert advice.primary_problem == "avoidable_bias"
    assert "variance" not in names(advice.diagnoses)


def test_test_error_far_above_dev_error_is_dev_set_overfitting():
    advice = mls.advise(human_error=0.01, train_error=0.02, train_dev_error=0.025, dev_error=0.03, test_error=0.10)
    assert advice.primary_problem == "dev_set_overfitting"
    assert names(advice.actions)[0] == "bigger_dev_set"


def test_different_distributions_without_train_dev_asks_for_a_train_dev_set():
    advice = mls.advise(human_error=0.0, train_error=0.01, dev_error=0.10, train_distribution="web",
                        dev_distribution="mobile")
    assert "train_dev_missing" in names(advice.diagnoses)
    # the dev - train gap spans two distributions: variance or data mismatch, and the headline says so
    assert advice.primary_problem is None
    assert names(advice.diagnoses)[0] == "variance_or_data_mismatch"
    assert advice.values["settled_by"] == ("train_dev_error",)
    assert names(advice.actions)[0] == "create_train_dev_set"
    assert not VARIANCE_ONLY & set(names(advice.actions))  # variance or mismatch? measure first
    assert names(advice.missing)[0] == "train_dev_error"


def test_unstated_distributions_count_as_equal_and_ask_for_train_dev():
    advice = mls.advise(human_error=0.01, train_error=0.02, dev_error=0.10)
    assert advice.primary_problem == "variance"
    assert "train_dev_missing" not in names(advice.diagnoses)
    assert "train_dev_error" in names(advice.missing)


def test_near_human_level_is_a_caveat_never_primary():
    # past human level the human error is no Bayes estimate: avoidable bias is anywhere in [0, 4%], against
    # variance 2%, so the course cannot tell bias from variance (and giving a human level never makes it surer)
    advice = mls.advise(human_error=0.05, train_error=0.04, dev_error=0.06)
    assert "near_human_level" in names(advice.diagnoses)
    assert advice.primary_problem is None
    assert names(advice.diagnoses)[0] == "bias_or_variance"
    assert "error_analysis" in names(advice.actions)
    assert "avoidable_bias" not in names(advice.diagnoses)
    assert "bayes_error" in names(advice.missing)
    # with a clearly dominant variance the verdict comes back even past human level
    clear = mls.advise(human_error=0.05, train_error=0.04, dev_error=0.12)
    assert clear.primary_problem == "variance"


def test_orthogonalization_target_problems_rank_before_gaps():
    advice = mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10, metric_matches_users=False)
    assert advice.primary_problem == "metric_mismatch"
    plan = names(advice.actions)
    assert plan.index("change_metric") < plan.index("bigger_model")


def test_real_world_failure_changes_the_target_not_the_model():
    advice = mls.advise(train_error=0.02, dev_error=0.025, real_world_ok=False)
    assert advice.primary_problem == "real_world_mismatch"
    assert names(advice.actions)[:2] == ["change_dev_test_set", "change_metric"]


def test_no_real_problem_gets_no_fix_it_actions():
    advice = mls.advise(human_error=0.01, train_error=0.0105, dev_error=0.011)
    assert advice.primary_problem is None
    assert advice.actions == []


def test_settings_change_the_threshold_per_call():
    strict = mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10, settings={"secondary_gap_ratio": 0.25})
    assert {"avoidable_bias", "variance"} <= set(names(strict.diagnoses))
    assert "more_data" in names(strict.actions)
    assert strict.primary_problem == "avoidable_bias"


def test_one_action_several_reasons():
    advice = mls.advise(human_error=0.0, train_error=0.01, train_dev_error=0.015, dev_error=0.10)
    analysis = advice.action("error_analysis")
    assert {r.rule for r in analysis.reasons} == {"data_mismatch.actions", "human.below_human_level"}
    assert names(advice.actions).count("error_analysis") == 1


def test_missing_human_level_is_asked_for_first():
    advice = mls.advise(train_error=0.08, dev_error=0.10)
    assert names(advice.missing)[0] == "human_error"
    assert "avoidable_bias" not in advice.values
