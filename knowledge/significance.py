"""Statistical noise: Wilson intervals for error rates, Newcombe intervals for gaps, and dev sets too small to tell.

A gap whose interval contains zero is within the noise of the set sizes: enlarge the dev set rather
than chase it. Newcombe's hybrid score interval assumes the two sets are independent samples; when the
same examples could be in both, it is conservative (wider than needed).
"""
from __future__ import annotations

import functools
import math
from typing import Any, Callable, Mapping

from .dsl import Ask, Diagnose, Recommend, Rule, Value, absent, all_of, any_of, diagnosed, eq, known, le
from .fields import ci_high_field, ci_low_field
from .snapshot import per_snapshot
from .metrics import candidate_metrics, feasible_candidates, metric_direction, optimizing_metric

__all__ = ["RULES", "wilson", "newcombe", "MEASURED"]

MEASURED = (("train_error", "train_size"), ("train_dev_error", "train_dev_size"), ("dev_error", "dev_size"),
            ("test_error", "test_size"))
"""Each measured error level and the size of the set it was measured on."""


@functools.lru_cache(maxsize=64)
def _z(confidence: float) -> float:
    """The two-sided normal quantile of a confidence level: one per setting value, computed once (each interval
    of a consultation asks for it, and inv_cdf costs more than the interval itself)."""
    from statistics import NormalDist  # on use: only set sizes need it (~1.7 ms of every command line's start)

    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(p: float, n: int, confidence: float) -> tuple[float, float]:
    """The Wilson score interval of a proportion p measured on n examples."""
    if n <= 0:
        return (0.0, 1.0)
    z = _z(confidence)
    denominator = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, center - half), min(1.0, center + half))


def _bounds(p: float, n: int | None, confidence: float) -> tuple[float, float]:
    """A rate's Wilson interval; a rate measured on a set of unknown size is taken as exact."""
    return (p, p) if n is None else wilson(p, n, confidence)


def newcombe(p1: float, n1: int | None, p2: float, n2: int | None, confidence: float) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p1 - p2 from two independent samples.

    A side whose set size is unknown (None) is taken as exact: the interval is then that of the other side alone,
    so a gap is still tested whenever the size of the noisier set is known.
    """
    l1, u1 = _bounds(p1, n1, confidence)
    l2, u2 = _bounds(p2, n2, confidence)
    d = p1 - p2
    return (d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def _wilson_interval(error: str, size: str) -> Callable[[Mapping[str, Any]], tuple[float, float]]:
    """The rounded Wilson interval of one measured error, computed once per snapshot for both of its ends."""

    @per_snapshot
    def interval(facts: Mapping[str, Any]) -> tuple[float, float]:
        low, high = wilson(facts[error], facts[size], facts["setting:confidence"])
        return (round(low, 12), round(high, 12))

    return interval


def _newcombe_interval(high: tuple[str, str], low: tuple[str, str]) -> Callable[[Mapping[str, Any]], tuple[float, float]]:
    """The rounded Newcombe interval of one gap, computed once per snapshot for both of its ends."""

    @per_snapshot
    def interval(facts: Mapping[str, Any]) -> tuple[float, float]:
        bottom, top = newcombe(facts[high[0]], facts.get(high[1]), facts[low[0]], facts.get(low[1]),
                               facts["setting:confidence"])
        return (round(bottom, 12), round(top, 12))

    return interval


def _end(interval: Callable[[Mapping[str, Any]], tuple[float, float]], index: int) -> Callable[[Mapping[str, Any]], float]:
    """One end (0: low, 1: high) of an interval shared by a rule's two values."""

    def compute(facts: Mapping[str, Any]) -> float:
        return interval(facts)[index]

    return compute


def _exact_sides(high: tuple[str, str], low: tuple[str, str]) -> Callable[[Mapping[str, Any]], str]:
    """Says which end of a gap was taken as exact because its set size is not given."""

    def detail(facts: Mapping[str, Any]) -> str:
        exact = [error for error, size in (high, low) if facts.get(size) is None]
        if not exact:
            return ""
        names = " and ".join(f"{error.replace('_', ' ')} ({facts[error] * 100:.4g}%)" for error in exact)
        return (f"The size of the set behind the {names} is not given: that error is taken as exact, so the "
                "interval shows the noise of the other set only (give its size for the full interval).")

    return detail


def _interval_rule(error: str, size: str) -> Rule:
    interval = _wilson_interval(error, size)
    return Rule(
        id=f"significance.interval_{error}",
        section="Size of the dev and test sets",
        title=f"Wilson interval of the {error.replace('_', ' ')}",
        when=all_of(known(error), known(size)),
        then=(Value(ci_low_field(error), _end(interval, 0), (error, size)),
              Value(ci_high_field(error), _end(interval, 1), (error, size))),
        because=(f"{{{error}}} measured on {{{size}}} examples: the true rate lies in {{ci_low:{error}}} to "
                 f"{{ci_high:{error}}} (Wilson interval, confidence {{setting:confidence}})."),
    )


def _gap_interval_rule(gap: str, high: tuple[str, str], low: tuple[str, str], extra: tuple = ()) -> Rule:
    interval = _newcombe_interval(high, low)
    return Rule(
        id=f"significance.interval_{gap}" + ("_dev" if extra else ""),
        section="Size of the dev and test sets",
        title=f"Newcombe interval of the {gap.replace('_', ' ')}",
        # tested whenever the size of either set is known; a set of unknown size counts as exact (the detail says so)
        when=all_of(known(gap), known(high[0]), known(low[0]), any_of(known(high[1]), known(low[1])), *extra),
        then=(Value(ci_low_field(gap), _end(interval, 0), (gap, *high, *low)),
              Value(ci_high_field(gap), _end(interval, 1), (gap, *high, *low))),
        because=(f"{gap.replace('_', ' ').capitalize()} {{{gap}}} lies in {{ci_low:{gap}}} to {{ci_high:{gap}}} "
                 "(Newcombe's interval for a difference of two proportions, confidence {setting:confidence}; "
                 "conservative when the two sets are not independent samples)."),
        detail=_exact_sides(high, low),
    )


def _not_significant_rule(gap: str) -> Rule:
    return Rule(
        id=f"significance.{gap}_not_significant",
        section="Size of the dev and test sets",
        title=f"{gap.replace('_', ' ').capitalize()} within the noise",
        when=all_of(diagnosed(gap), le(ci_low_field(gap), 0)),
        then=(Diagnose("gap_not_significant"), Recommend("bigger_dev_set", addresses=("gap_not_significant",))),
        because=(f"{gap.replace('_', ' ').capitalize()} {{{gap}}} could be zero: its interval {{ci_low:{gap}}} to "
                 f"{{ci_high:{gap}}} contains 0 at these set sizes. Enlarge the dev set (and measure again) rather "
                 "than chase a gap that may be noise."),
    )


SMALL_DEV_SET = 100
"""A small but common dev set: asking for the dev set size pays when a gap could be noise on this many examples."""


def _dev_gap_could_be_noise(facts: Mapping[str, Any]) -> bool | None:
    """True when some gap worth acting on, measured against the dev error, would be within the noise of a dev set of
    SMALL_DEV_SET examples (the other end taken as exact): then the dev set size can change the advice."""
    pairs = (("variance", "dev_error", "train_error"), ("data_mismatch", "dev_error", "train_dev_error"),
             ("dev_set_overfitting", "test_error", "dev_error"))
    for gap, high, low in pairs:
        if gap == "variance" and facts.get("train_dev_error") is not None:
            continue
        if None in (facts.get(gap), facts.get(high), facts.get(low)) or facts[gap] < facts["setting:min_gap"]:
            continue
        if facts[gap] < facts["largest_gap"] * facts["setting:secondary_gap_ratio"]:
            continue  # a gap not worth acting on stays so whatever the noise
        n_high = SMALL_DEV_SET if high == "dev_error" else None
        n_low = SMALL_DEV_SET if low == "dev_error" else None
        if newcombe(facts[high], n_high, facts[low], n_low, facts["setting:confidence"])[0] <= 0:
            return True
    return None


def _margin_low(facts: Mapping[str, Any]) -> float | None:
    """The low end of the interval for best minus runner-up (both meeting every bound) on the optimizing metric,
    when it is a rate."""
    metric = optimizing_metric(facts)
    if metric is None:
        return None
    table = candidate_metrics(facts)
    values = sorted(  # only candidates that meet every bound compete
        ((table[name][metric], name) for name in feasible_candidates(facts) if table[name].get(metric) is not None),
        key=lambda item: (-item[0] if (metric_direction(metric, facts) or "max") == "max" else item[0], item[1]),
    )
    if len(values) < 2 or not all(0 <= v <= 1 for v, _ in values[:2]):
        return None
    (best, _), (second, _) = values[0], values[1]
    n = facts["dev_size"]
    low, _ = newcombe(max(best, second), n, min(best, second), n, facts["setting:confidence"])
    return round(low, 12)


RULES: tuple[Rule, ...] = (
    *(_interval_rule(error, size) for error, size in MEASURED),
    Rule(
        id="significance.interval_avoidable_bias",
        section="Size of the dev and test sets",
        title="Interval of the avoidable bias",
        when=all_of(known("avoidable_bias"), known("ci_low:train_error"), known("bayes_proxy")),
        then=(Value("ci_low:avoidable_bias", lambda f: round(f["ci_low:train_error"] - f["bayes_proxy"], 12),
                    ("ci_low:train_error", "bayes_proxy")),
              Value("ci_high:avoidable_bias", lambda f: round(f["ci_high:train_error"] - f["bayes_proxy"], 12),
                    ("ci_high:train_error", "bayes_proxy"))),
        because=("Avoidable bias {avoidable_bias} lies in {ci_low:avoidable_bias} to {ci_high:avoidable_bias}: the "
                 "training error's interval less the Bayes proxy (taken as exact)."),
    ),
    _gap_interval_rule("variance", ("train_dev_error", "train_dev_size"), ("train_error", "train_size")),
    _gap_interval_rule("variance", ("dev_error", "dev_size"), ("train_error", "train_size"), (absent("train_dev_error"),)),
    _gap_interval_rule("data_mismatch", ("dev_error", "dev_size"), ("train_dev_error", "train_dev_size")),
    _gap_interval_rule("dev_set_overfitting", ("test_error", "test_size"), ("dev_error", "dev_size")),
    *(_not_significant_rule(gap) for gap in ("avoidable_bias", "variance", "data_mismatch", "dev_set_overfitting")),
    Rule(
        id="significance.candidate_margin",
        section="Size of the dev and test sets",
        title="Can the dev set separate the two best candidates?",
        when=all_of(known("candidates"), known("dev_size")),
        then=(Value("candidate_margin_ci_low", _margin_low, ("candidates", "dev_size", "optimizing_metric", "f1:*",
                                                             "maximize", "minimize", "satisficing", "weighted_error:*")),),
        because="The difference between the two best candidates is at least {candidate_margin_ci_low} "
                "on {dev_size} dev examples (Newcombe interval, confidence {setting:confidence}).",
    ),
    Rule(
        id="significance.dev_set_too_small",
        section="Size of the dev and test sets",
        title="A dev set too small to separate candidates",
        when=le("candidate_margin_ci_low", 0),
        then=(Diagnose("dev_set_too_small"), Recommend("bigger_dev_set", addresses=("dev_set_too_small",))),
        because=("On {dev_size} dev examples the two best candidates could be equally good (the interval of their "
                 "difference reaches {candidate_margin_ci_low}): the dev set must be big enough to detect the "
                 "differences between ideas you care about."),
    ),
    Rule(
        id="significance.dev_gap_could_be_noise",
        section="Size of the dev and test sets",
        title="Could a dev-side gap be noise?",
        when=all_of(absent("dev_size"), known("largest_gap")),
        then=(Value("dev_gap_could_be_noise", _dev_gap_could_be_noise,
                    ("variance", "data_mismatch", "dev_set_overfitting", "dev_error", "test_error", "train_error",
                     "train_dev_error", "largest_gap", "setting:min_gap", "setting:secondary_gap_ratio",
                     "setting:confidence")),),
        because=(f"A gap measured on the dev set could be within the noise of a small dev set ({SMALL_DEV_SET:,} "
                 "examples): whether it is depends on the dev set size."),
    ),
    Rule(
        id="significance.ask_dev_size",
        section="Size of the dev and test sets",
        title="Ask for the dev set size",
        # only a gap worth acting on, measured on a dev set, can turn out to be noise
        when=all_of(absent("dev_size"), eq("dev_gap_could_be_noise", True)),
        then=(Ask("dev_size", "Set sizes (dev_size, and train_size, train_dev_size, test_size) allow a significance "
                              "check: is each gap bigger than the noise of the sets it was measured on?", rank=40),),
        because="Gaps are known ({largest_gap} the largest) but not the set sizes they were measured on.",
    ),
)
