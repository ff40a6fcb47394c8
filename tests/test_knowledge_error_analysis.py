"""knowledge/error_analysis.py: error analysis: ceilings per category, mislabeled examples, training label errors; the course's own worked examples, one test each."""
from __future__ import annotations

import pytest

import mlstrategy as mls
from conftest import names


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
