"""knowledge/metrics.py: single-number evaluation metrics, and optimizing and satisficing metrics; the course's own worked examples, one test each."""
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
