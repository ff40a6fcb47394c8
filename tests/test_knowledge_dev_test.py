"""knowledge/dev_test.py: train/dev/test sets: one distribution that reflects the future, sized for the data; the course's own worked examples, one test each."""
from __future__ import annotations

import pytest

import mlstrategy as mls
from conftest import names


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
