"""The error ladder: Bayes proxy -> train -> train-dev -> dev -> test, and the gap between each step."""
from __future__ import annotations

from typing import Any, Callable, Mapping

from .dsl import Rule, Value, absent, all_of, any_of, known, same_or_unknown

__all__ = ["RULES", "GAPS", "gap", "bias_bound", "LADDER", "GAP_ENDS"]

GAPS: tuple[str, ...] = ("avoidable_bias", "variance", "data_mismatch", "dev_set_overfitting")
"""The four gaps of the course, in the order of the chain (train, dev, test)."""


def gap(higher: str, lower: str) -> Callable[[Mapping[str, Any]], float]:
    """The gap `higher - lower`, rounded to 12 decimals so that 8% - 1% reads 7%, not 6.999...%."""

    def compute(facts: Mapping[str, Any]) -> float:
        return round(facts[higher] - facts[lower], 12)

    compute.__name__ = f"{higher}_minus_{lower}"
    return compute


def bias_bound(facts: Mapping[str, Any]) -> str | None:
    """Why avoidable bias is known only as the bound [0, training error], or None when it is estimated.

    'no_human_level': no Bayes proxy at all. 'past_human_level': the training error is at or below the best human
    level and no Bayes error is known; a human level is only an upper bound on Bayes error, so once the model
    beats people it no longer tells how far Bayes error lies below (the course: surpassing human-level performance).
    """
    if facts.get("train_error") is None:
        return None
    if facts.get("bayes_proxy") is None:
        return "no_human_level"
    if facts.get("bayes_error") is None and facts["train_error"] <= facts["bayes_proxy"]:
        return "past_human_level"
    return None


def _largest(facts: Mapping[str, Any]) -> float:
    gaps = [facts[name] for name in GAPS if facts.get(name) is not None]
    if bias_bound(facts) is not None:
        gaps.append(facts["train_error"])  # avoidable bias could be the whole training error, which counts here
    return max(gaps)


def _largest_detail(facts: Mapping[str, Any]) -> str:
    cause = bias_bound(facts)
    if cause == "no_human_level":
        return "Without a human-level error, avoidable bias could be as large as the training error, which counts here."
    if cause == "past_human_level":
        return ("Past human level, avoidable bias could be as large as the training error (Bayes error may lie "
                "anywhere below the human level), which counts here.")
    return ""


def _gap_rule(rule_id: str, section: str, name: str, higher: str, lower: str, when: Any, because: str) -> Rule:
    return Rule(
        id=rule_id,
        section=section,
        title=f"{name.replace('_', ' ')} = {higher.replace('_', ' ')} - {lower.replace('_', ' ')}",
        when=when,
        then=(Value(name, gap(higher, lower), (higher, lower)),),
        because=because,
    )


RULES: tuple[Rule, ...] = (
    _gap_rule(
        "gaps.avoidable_bias", "Avoidable bias", "avoidable_bias", "train_error", "bayes_proxy",
        all_of(known("train_error"), known("bayes_proxy")),
        "Training error {train_error} - Bayes proxy {bayes_proxy} = avoidable bias {avoidable_bias}.",
    ),
    _gap_rule(
        "gaps.variance_train_dev", "Bias and Variance with mismatched data distributions", "variance",
        "train_dev_error", "train_error",
        all_of(known("train_dev_error"), known("train_error")),
        "Train-dev error {train_dev_error} - training error {train_error} = variance {variance} "
        "(the train-dev set shares the training distribution, so this gap is variance alone).",
    ),
    _gap_rule(
        "gaps.variance_dev", "Avoidable bias", "variance", "dev_error", "train_error",
        all_of(absent("train_dev_error"), known("dev_error"), known("train_error")),
        "Dev error {dev_error} - training error {train_error} = variance {variance} "
        "(with no train-dev error, the whole train-to-dev gap counts as variance).",
    ),
    _gap_rule(
        "gaps.data_mismatch", "Bias and Variance with mismatched data distributions", "data_mismatch",
        "dev_error", "train_dev_error",
        all_of(known("dev_error"), known("train_dev_error")),
        "Dev error {dev_error} - train-dev error {train_dev_error} = data mismatch {data_mismatch}.",
    ),
    _gap_rule(
        "gaps.dev_set_overfitting", "Bias and Variance with mismatched data distributions", "dev_set_overfitting",
        "test_error", "dev_error",
        # with dev and test from different distributions, test - dev is a change of target, not overfitting the dev set
        all_of(known("test_error"), known("dev_error"), same_or_unknown("dev_distribution", "test_distribution")),
        "Test error {test_error} - dev error {dev_error} = dev-set overfitting {dev_set_overfitting} (dev and test "
        "are not known to come from different distributions).",
    ),
    Rule(
        id="gaps.largest",
        section="Understanding human-level performance",
        title="The largest gap",
        when=any_of(*(known(name) for name in GAPS)),
        then=(Value("largest_gap", _largest, (*GAPS, "bayes_proxy", "bayes_error", "train_error")),),
        because="The largest gap is {largest_gap}: the biggest gap is where effort pays most.",
        detail=_largest_detail,
    ),
)


LADDER: tuple[str, ...] = ("bayes_proxy", "train_error", "train_dev_error", "dev_error", "test_error")
"""The error ladder, bottom to top: each gap spans two of its steps."""


def _gap_ends() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    ends: dict[str, tuple[list[str], list[str]]] = {name: ([], []) for name in GAPS}
    for rule in RULES:
        for conclusion in rule.then:
            if isinstance(conclusion, Value) and conclusion.name in ends:
                higher, lower = conclusion.reads  # every gap is `higher - lower` (see _gap_rule)
                lows, highs = ends[conclusion.name]
                lows.extend(() if lower in lows else (lower,))
                highs.extend(() if higher in highs else (higher,))
    return {name: (tuple(lows), tuple(highs)) for name, (lows, highs) in ends.items()}


GAP_ENDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = _gap_ends()
"""For each gap, the ladder steps it may start from and end at, in the order its rules prefer them, read off the
gap rules themselves (e.g. variance: from train_error to train_dev_error, or to dev_error without one). Pictures
of the ladder read this rather than keep a copy."""
