"""Train/dev/test sets: dev and test from one distribution that reflects the future, and sized for the data."""
from __future__ import annotations

from typing import Any, Mapping

from .fields import member
from .dsl import (
    Ask, Diagnose, Recommend, Rule, Value, Values, absent, all_of, any_of, ge, known, ne, not_recommended, same_or_unknown,
    setting,
)

__all__ = ["RULES", "suggested_split", "mismatched_split"]


def _total(facts: Mapping[str, Any]) -> int | None:
    if facts.get("total_examples") is not None:
        return facts["total_examples"]
    sizes = [facts.get(k) for k in ("train_size", "dev_size", "test_size")]
    return sum(s for s in sizes if s is not None) if all(s is not None for s in sizes) else None


def dev_test_size(total: int, cap: int) -> int:
    """Examples for each of dev and test: 20% of small data sets, growing to `cap` or 1% of the data.

    min(20% of n, max(cap, 1% of n)): 60/20/20 up to 5 x cap examples (50,000 by default), 98/1/1 at
    100 x cap (1,000,000), and 1% beyond.
    """
    return int(min(0.2 * total, max(cap, 0.01 * total)))


def suggested_split(facts: Mapping[str, Any]) -> dict[str, float] | dict[str, None]:
    """Suggested fractions of all examples for train, dev and test."""
    total = _total(facts)
    if not total:
        return {"train": None, "dev": None, "test": None}
    each = dev_test_size(total, facts["setting:dev_test_cap"])
    return {"train": round(1 - 2 * each / total, 12), "dev": round(each / total, 12), "test": round(each / total, 12)}


def _target_dev_test_size(facts: Mapping[str, Any]) -> int:
    """Dev and test each: a quarter of the target data at most, and no more than the split rule allows."""
    target, other = facts["target_examples"], facts["other_distribution_examples"]
    return min(target // 4, dev_test_size(target + other, facts["setting:dev_test_cap"]))


def mismatched_split(facts: Mapping[str, Any]) -> dict[str, float]:
    """With target and other-distribution data: dev and test only from the target, everything else to training."""
    target, other = facts["target_examples"], facts["other_distribution_examples"]
    total = target + other
    if total == 0:
        return {}
    each = _target_dev_test_size(facts)
    return {"train": round((total - 2 * each) / total, 12), "dev": round(each / total, 12), "test": round(each / total, 12)}


def _mismatched_params(facts: Mapping[str, Any]) -> dict[str, Any]:
    target, other = facts["target_examples"], facts["other_distribution_examples"]
    each = _target_dev_test_size(facts)
    return {"dev_examples": each, "test_examples": each, "target_examples_to_train": target - 2 * each,
            "other_examples_to_train": other}


def split_imbalance(facts: Mapping[str, Any]) -> float | None:
    """How far the given dev and test sizes are from the suggestion: the largest ratio either way (>= 1)."""
    total = _total(facts)
    if not total or facts.get("split:dev") is None:
        return None
    worst = 1.0
    for name in ("dev", "test"):
        given, suggested = facts.get(f"{name}_size"), facts[member("split", name)] * total
        if given is None or suggested <= 0:
            continue
        given = max(given, 1)  # an empty set counts as one example: off by the whole suggestion
        worst = max(worst, given / suggested, suggested / given)
    return round(worst, 9)


def _rebalance_params(facts: Mapping[str, Any]) -> dict[str, Any]:
    return {name: facts[member("split", name)] for name in ("train", "dev", "test")}


RULES: tuple[Rule, ...] = (
    Rule(
        id="dev_test.same_distribution",
        section="Train/dev/test distributions",
        title="Dev and test from one distribution",
        when=ne("dev_distribution", "test_distribution"),
        then=(
            Diagnose("dev_test_distribution_mismatch"),
            Recommend("same_distribution_dev_test", addresses=("dev_test_distribution_mismatch",)),
        ),
        because=(
            "Dev data comes from {dev_distribution} and test data from {test_distribution}: a team tuned on one "
            "target is then scored on another. Shuffle the data you care about and split it into dev and test."
        ),
    ),
    Rule(
        id="dev_test.reflect_the_future",
        section="Train/dev/test distributions",
        title="Dev/test reflect the data expected in the future",
        when=all_of(known("production_distribution"),
                    any_of(ne("dev_distribution", "production_distribution"),
                           ne("test_distribution", "production_distribution"))),
        then=(
            Diagnose("dev_test_not_production"),
            Recommend("change_dev_test_set", addresses=("dev_test_not_production",)),
        ),
        because=(
            "The system will face {production_distribution} data but dev/test come from {dev_distribution} / "
            "{test_distribution}: choose dev and test sets that reflect the data you expect to get in the future "
            "and consider important to do well on."
        ),
    ),
    Rule(
        id="dev_test.ask_dev_distribution",
        section="Train/dev/test distributions",
        title="Ask where the dev data comes from",
        when=all_of(known("production_distribution"), absent("dev_distribution")),
        then=(Ask("dev_distribution", "The system will face {production_distribution} data: where dev (and test) "
                                      "data come from decides whether the target is in the right place.", rank=8),),
        because="The production distribution {production_distribution} is known but not the dev distribution.",
    ),
    Rule(
        id="dev_test.suggested_split",
        section="Size of the dev and test sets",
        title="Split sizes for the amount of data",
        # split sizing only ever within one distribution: training data from another distribution (the course's
        # 200,000 web images and 10,000 phone photos) is sized by what you have, not by a 60/20/20 rule
        when=all_of(absent("target_examples"), same_or_unknown("train_distribution", "dev_distribution"),
                    any_of(known("total_examples"), all_of(known("train_size"), known("dev_size"), known("test_size")))),
        then=(Values("split", suggested_split, ("total_examples", "train_size", "dev_size", "test_size")),),
        because=(
            "For this much data, train/dev/test of {split:train} / {split:dev} / {split:test}: the old 60/20/20 "
            "suits small data sets; with a million examples 98/1/1 leaves dev and test sets of 10,000, enough "
            "to see the differences that matter (setting dev_test_cap = {setting:dev_test_cap})."
        ),
    ),
    Rule(
        id="dev_test.split_for_mismatched_data",
        section="Training and testing on different distributions",
        title="Dev and test from the target distribution only",
        when=all_of(known("target_examples"), known("other_distribution_examples")),
        then=(
            Values("split", mismatched_split, ("target_examples", "other_distribution_examples", "setting:dev_test_cap")),
            Recommend("add_target_data_to_train", params=_mismatched_params,
                      reads=("target_examples", "other_distribution_examples", "setting:dev_test_cap")),
        ),
        because=(
            "With {target_examples} examples from the distribution you care about and "
            "{other_distribution_examples} from others: take dev and test only from the target data, and put "
            "the rest of it, with all the other data, into training (option two). Shuffling everything together "
            "(option one) would fill dev/test mostly with data you do not care about."
        ),
    ),
    Rule(
        id="dev_test.split_imbalance",
        section="Size of the dev and test sets",
        title="How far the split is from the suggestion",
        when=all_of(known("dev_size"), known("test_size"), known("split:dev")),
        then=(Value("split_imbalance", split_imbalance,
                    ("dev_size", "test_size", "train_size", "split:dev", "split:test", "total_examples")),),
        because="The given dev and test sets are up to {split_imbalance} times off the suggested sizes.",
    ),
    Rule(
        id="dev_test.outdated_split",
        section="Size of the dev and test sets",
        title="Rebalance an outdated split",
        when=all_of(ge("split_imbalance", setting("split_tolerance")), not_recommended("bigger_dev_set")),
        then=(
            Diagnose("outdated_split"),
            Recommend("rebalance_split", addresses=("outdated_split",), params=_rebalance_params,
                      reads=("split:train", "split:dev", "split:test")),
        ),
        because=(
            "Dev {dev_size} and test {test_size} examples are {split_imbalance} times off the suggested "
            "{split:dev} / {split:test} of the data (tolerance {setting:split_tolerance}): move examples between "
            "the sets, keeping dev and test from one distribution."
        ),
    ),
)
