"""Every topic of the course as knowledge: the course's own worked examples, one test each."""
from __future__ import annotations

import pytest

import mlstrategy as mls
from conftest import names


# ---------------------------------------------------------------- single-number metric
def test_cat_confusion_matrix_gives_precision_recall_accuracy_and_f1():
    advice = mls.advise(confusion_matrix={"tp": 3, "fp": 1, "fn": 2, "tn": 4})
    assert advice.values["precision"] == pytest.approx(3 / 4)
    assert advice.values["recall"] == pytest.approx(3 / 5)
    assert advice.values["accuracy"] == pytest.approx(7 / 10)
    assert advice.values["f1"] == pytest.approx(2 / (4 / 3 + 5 / 3))


def test_cat_f1_table_picks_classifier_a():
    advice = mls.advise(candidates=[{"name": "A", "precision": 0.95, "recall": 0.90},
                                    {"name": "B", "precision": 0.98, "recall": 0.85}])
    assert advice.values["f1:A"] == pytest.approx(2 * 0.95 * 0.90 / 1.85)
    assert advice.values["f1:B"] == pytest.approx(2 * 0.98 * 0.85 / 1.83)
    assert advice.values["optimizing_metric"] == "f1"
    assert advice.values["selected_candidate"] == "A"


def test_several_tracked_metrics_without_an_optimizing_one():
    advice = mls.advise(tracked_metrics=["precision", "recall", "running_time_ms"])
    assert advice.primary_problem == "no_single_metric"
    assert {"single_number_metric", "optimizing_satisficing"} <= set(names(advice.actions))
    assert "no_single_metric" not in names(mls.advise(tracked_metrics=["precision", "recall"],
                                                      optimizing_metric="f1").diagnoses)


# ---------------------------------------------------------------- optimizing and satisficing
RUNNING_TIME = [{"name": "A", "f1": 0.90, "running_time_ms": 80},
                {"name": "B", "f1": 0.92, "running_time_ms": 95},
                {"name": "C", "f1": 0.92, "running_time_ms": 1500}]


def test_maximize_f1_subject_to_running_time_under_100ms_picks_b():
    advice = mls.advise(candidates=RUNNING_TIME, satisficing={"running_time_ms": {"max": 100}})
    assert advice.values["optimizing_metric"] == "f1"  # inferred: the one metric without a bound
    assert advice.values["selected_candidate"] == "B"
    reason = str(advice.why("selected_candidate"))
    assert "C fails a bound: running_time_ms 1500 is not <= 100" in reason
    assert "A is lower on f1" in reason


def test_no_candidate_meets_every_bound_selects_none():
    advice = mls.advise(candidates=RUNNING_TIME, satisficing={"running_time_ms": {"max": 50}})
    assert "selected_candidate" not in advice.values
    assert advice.primary_problem == "no_feasible_candidate"


def test_ties_are_broken_by_name_not_position():
    tied = [{"name": "Z", "accuracy": 0.9}, {"name": "M", "accuracy": 0.9}]
    assert mls.advise(candidates=tied).values["selected_candidate"] == "M"
    assert mls.advise(candidates=tied[::-1]).values["selected_candidate"] == "M"


def test_stated_directions_override_names():
    candidates = [{"name": "A", "score": 0.2}, {"name": "B", "score": 0.5}]
    assert mls.advise(candidates=candidates).values["selected_candidate"] == "B"
    assert mls.advise(candidates=candidates, minimize=["score"]).values["selected_candidate"] == "A"


# ---------------------------------------------------------------- dev/test sets
def test_dev_and_test_from_different_distributions():
    advice = mls.advise(dev_distribution="US", test_distribution="India")
    assert advice.primary_problem == "dev_test_distribution_mismatch"
    assert "same_distribution_dev_test" in names(advice.actions)


def test_dev_test_must_reflect_future_data():
    advice = mls.advise(dev_distribution="web", test_distribution="web", production_distribution="mobile")
    assert "change_dev_test_set" in names(advice.actions)


@pytest.mark.parametrize("total, split", [(1_000_000, (0.98, 0.01, 0.01)), (10_000, (0.6, 0.2, 0.2)),
                                          (100, (0.6, 0.2, 0.2))])
def test_split_sizes_for_the_data(total, split):
    values = mls.advise(total_examples=total).values
    assert (values["split:train"], values["split:dev"], values["split:test"]) == pytest.approx(split)


def test_an_old_split_on_a_million_examples_is_rebalanced():
    advice = mls.advise(train_size=600_000, dev_size=200_000, test_size=200_000)
    assert "outdated_split" in names(advice.diagnoses)
    action = advice.action("rebalance_split")
    assert action.params == pytest.approx({"train": 0.98, "dev": 0.01, "test": 0.01})


def test_mismatched_data_dev_and_test_come_from_the_target_only():
    # the course: 200,000 web images, 10,000 from the mobile app
    advice = mls.advise(target_examples=10_000, other_distribution_examples=200_000)
    params = advice.action("add_target_data_to_train").params
    assert params == {"dev_examples": 2_500, "test_examples": 2_500, "target_examples_to_train": 5_000,
                      "other_examples_to_train": 200_000}
    assert advice.values["split:dev"] == pytest.approx(2_500 / 210_000)


# ---------------------------------------------------------------- changing the metric
def test_weighted_porn_filter_metric_prefers_b():
    candidates = [{"name": "A", "errors_by_class": {"porn": 0.02, "other": 0.01}},
                  {"name": "B", "errors_by_class": {"porn": 0.001, "other": 0.049}}]
    advice = mls.advise(candidates=candidates, class_weights={"porn": 10}, metric_matches_users=False)
    assert advice.values["weighted_error:A"] == pytest.approx(0.21)
    assert advice.values["weighted_error:B"] == pytest.approx(0.059)
    assert advice.values["selected_candidate"] == "B"
    assert advice.primary_problem == "metric_mismatch"
    assert {"change_metric", "weight_metric"} <= set(names(advice.actions))
    assert advice.action("weight_metric").params == {"class_weights": {"porn": 10.0}}


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


# ---------------------------------------------------------------- error analysis
def test_five_dogs_in_a_hundred_is_not_worth_it_fifty_is():
    five = mls.advise(error_analysis={"examined": 100, "categories": {"dogs": 5}}, dev_error=0.10)
    assert five.values["ceiling:dogs"] == pytest.approx(0.095)
    assert "focus_error_category" not in names(five.actions)
    fifty = mls.advise(error_analysis={"examined": 100, "categories": {"dogs": 50}}, dev_error=0.10)
    assert fifty.values["ceiling:dogs"] == pytest.approx(0.05)
    assert fifty.action("focus_error_category").params["category"] == "dogs"


def test_spreadsheet_8_43_61_points_at_great_cats_and_blurry_images():
    advice = mls.advise(error_analysis={"examined": 100, "categories": {"dog": 8, "great cats": 43, "blurry": 61,
                                                                        "instagram filters": 12}}, dev_error=0.10)
    params = advice.action("focus_error_category").params
    assert params["category"] == "blurry"
    assert [c["category"] for c in params["categories"]] == ["blurry", "great cats"]
    assert advice.values["ceiling:great cats"] == pytest.approx(0.057)


def test_mislabeled_6_percent_of_10_percent_error_is_not_the_priority():
    tally = {"examined": 100, "categories": {"dog": 8, "great cats": 43, "blurry": 61}, "mislabeled": 6}
    advice = mls.advise(error_analysis=tally, dev_error=0.10)
    assert advice.values["mislabeled_share"] == pytest.approx(0.06)
    assert advice.values["mislabeled_error"] == pytest.approx(0.006)
    assert "fix_mislabeled_dev_test" not in names(advice.actions)
    noisy = mls.advise(error_analysis={"examined": 100, "categories": {"blurry": 40}, "mislabeled": 30}, dev_error=0.02)
    assert "label_noise_significant" in names(noisy.diagnoses)
    assert noisy.action("fix_mislabeled_dev_test").params == {"sets": ["dev", "test"]}
    assert any("training set need not be fixed" in r.text for r in noisy.action("fix_mislabeled_dev_test").reasons)


def test_random_training_label_errors_need_no_fix_systematic_ones_do():
    assert "fix_train_labels" not in names(mls.advise(train_label_errors="random").actions)
    assert "random_label_noise" in names(mls.advise(train_label_errors="random").diagnoses)
    assert "fix_train_labels" in names(mls.advise(train_label_errors="systematic").actions)


# ---------------------------------------------------------------- human level, first system
def test_beyond_human_level_on_structured_data_vs_perception():
    structured = mls.advise(human_error=0.05, train_error=0.03, dev_error=0.035, structured_data=True)
    reasons = " ".join(r.text for r in structured.diagnosis("near_human_level").reasons)
    assert "structured data" in reasons and "common" in reasons
    perception = mls.advise(human_error=0.05, train_error=0.03, dev_error=0.035, structured_data=False)
    assert "hard" in " ".join(r.text for r in perception.diagnosis("near_human_level").reasons)


def test_below_human_level_names_what_humans_allow():
    advice = mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10)
    assert {"get_human_labels", "error_analysis"} <= set(names(advice.actions))


def test_a_new_project_builds_a_quick_baseline():
    advice = mls.advise(total_examples=50_000)
    assert names(advice.actions) == ["build_quick_baseline"]
    assert "dev_error" in names(advice.missing)


# ---------------------------------------------------------------- transfer, multi-task, end-to-end
def test_cat_to_x_ray_transfer_retrains_the_last_layers():
    advice = mls.advise(task_a_examples=1_000_000, task_b_examples=100, same_input_type=True,
                        low_level_features_shared=True)
    assert advice.action("transfer_learning").params == {"fine_tune": "last_layers"}
    more = mls.advise(task_a_examples=1_000_000, task_b_examples=50_000, same_input_type=True,
                      low_level_features_shared=True)
    assert more.action("transfer_learning").params == {"fine_tune": "all"}


def test_transfer_not_advised_when_a_has_less_data_than_b():
    advice = mls.advise(task_a_examples=100, task_b_examples=1_000_000, same_input_type=True,
                        low_level_features_shared=True)
    assert "transfer_learning" not in names(advice.actions)
    assert "task a examples (100) > task b examples (1,000,000) x setting transfer_data_ratio (10)" in str(
        advice.why_not("transfer_learning"))


def test_autonomous_driving_multi_task_with_missing_labels():
    advice = mls.advise(tasks={"pedestrians": 100_000, "cars": 100_000, "stop signs": 80_000, "traffic lights": 90_000},
                        low_level_features_shared=True, can_train_big_network=True, labels_incomplete=True)
    action = advice.action("multi_task_learning")
    assert action.params["loss"].startswith("sum over the labelled")
    assert "separate_models" not in names(advice.actions)


def test_multi_task_without_a_big_enough_network_trains_separate_models():
    advice = mls.advise(tasks={"a": 1000, "b": 1000}, low_level_features_shared=True, can_train_big_network=False)
    assert "separate_models" in names(advice.actions) and "multi_task_learning" not in names(advice.actions)


@pytest.mark.parametrize("case, facts, expected", [
    ("speech with 3,000 hours", {"end_to_end_examples": 3_000}, "pipeline"),
    ("speech with 100,000 hours", {"end_to_end_examples": 100_000}, "end_to_end"),
    ("face recognition", {"end_to_end_examples": 50_000, "stage_examples": {"face detection": 1_000_000,
                                                                          "identity": 2_000_000}}, "pipeline"),
    ("translation", {"end_to_end_examples": 10_000_000}, "end_to_end"),
    ("hand x-ray age", {"end_to_end_examples": 1_000, "stage_examples": {"bones": 50_000, "bone lengths": 50_000}},
     "pipeline"),
    ("simpler stages", {"end_to_end_examples": 1_000_000, "stages_simpler": True}, "pipeline"),
])
def test_end_to_end_or_pipeline_exactly_one(case, facts, expected):
    advice = mls.advise(**facts)
    chosen = {"end_to_end", "pipeline"} & set(names(advice.actions))
    assert chosen == {expected}, case
    loser = ({"end_to_end", "pipeline"} - chosen).pop()
    assert not advice.why_not(loser).concluded and advice.why_not(loser).nearest.failures


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
