"""When to change the metric: weight the errors that matter, and choose candidates by the weighted error."""
from __future__ import annotations

from typing import Any, Mapping

from .dsl import Recommend, Rule, Values, all_of, known

__all__ = ["RULES", "weighted_errors"]


def weighted_errors(facts: Mapping[str, Any]) -> dict[str, float]:
    """The course's weighted error per candidate, from `errors_by_class` and `class_weights`.

    `errors_by_class[c]` is the share of dev examples that are of class c and misclassified (they sum to
    the candidate's error). The weighted error is sum_c w_c * errors_by_class[c] (weight 1 for unlisted
    classes). The course also divides by the sum of all weights; that divisor is the same for every
    candidate on one dev set, so it cannot change the ranking and needs class frequencies we are not given.
    """
    weights = facts.get("class_weights") or {}
    out: dict[str, float] = {}
    for candidate in facts.get("candidates") or ():
        errors = candidate.get("errors_by_class")
        if errors:
            out[candidate["name"]] = round(sum(weights.get(c, 1.0) * e for c, e in errors.items()), 12)
    return out


def _weights(facts: Mapping[str, Any]) -> dict[str, Any]:
    return {"class_weights": dict(facts["class_weights"])}


RULES: tuple[Rule, ...] = (
    Rule(
        id="weighting.weighted_error",
        section="When to change dev/test sets and metrics",
        title="Weighted error per candidate",
        when=all_of(known("class_weights"), known("candidates")),
        then=(Values("weighted_error", weighted_errors, ("class_weights", "candidates")),),
        because=(
            "Errors on some classes matter more (class weights {class_weights}): each candidate's error is "
            "re-weighted, sum of weight x share of dev examples misclassified in that class, and candidates "
            "are compared on it instead of the plain error."
        ),
    ),
    Rule(
        id="weighting.weight_metric",
        section="When to change dev/test sets and metrics",
        title="Adopt the weighted error",
        when=known("class_weights"),
        then=(Recommend("weight_metric", params=_weights, reads=("class_weights",)),),
        because=(
            "With class weights {class_weights}, the metric becomes (1 / sum w) * sum w_i * [prediction_i != y_i]: "
            "a mistake on a heavily weighted class costs that many ordinary mistakes. (The weighted_error values "
            "rank candidates by sum w_c x their share of misclassified dev examples of class c: the same ranking, "
            "without the 1 / sum w that needs the class frequencies.)"
        ),
    ),
)
