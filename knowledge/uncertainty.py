"""What is known about each gap, and whether the facts can tell which gap is the problem.

Each gap is held as a plausible range: a point (the set sizes are not given, so the errors count as exact), an
interval (Wilson/Newcombe from the set sizes that are given), or only a bound (avoidable bias in [0, training
error] with no human level, or once the model is past human level, where the human level stops being a Bayes
estimate). A gap leads (is the primary problem) only when it is certainly worth acting on (its low end is at
least `min_gap`) and its low end is at least every other gap's high end. Otherwise the advice is undetermined
between the gaps that could be the largest, and names the measurement that settles it.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

from .dsl import (
    Ask, Const, Diagnose, Recommend, Rule, Value, all_of, any_of, eq, known, not_diagnosed,
)
from .fields import ci_high_field, ci_low_field, range_high_field, range_low_field
from .gaps import GAPS, bias_bound
from .snapshot import per_snapshot

__all__ = ["RULES", "gap_range", "gap_ranges", "leader", "judge", "UNDETERMINED"]

UNDETERMINED = ("bias_or_variance", "variance_or_data_mismatch", "gaps_undetermined")
"""The undetermined diagnoses: the facts cannot yet tell which of several problems it is."""

_SIZES = {"avoidable_bias": ("train_size",), "variance": ("train_size", "train_dev_size", "dev_size"),
          "data_mismatch": ("train_dev_size", "dev_size"), "dev_set_overfitting": ("dev_size", "test_size")}


_CI_FIELDS = {name: (ci_low_field(name), ci_high_field(name)) for name in GAPS}  # built once: read on every consultation


def gap_range(name: str, facts: Mapping[str, Any]) -> tuple[float, float] | None:
    """The plausible range of one gap: a bound, an interval, or a point; None when the gap is not measured."""
    if name == "avoidable_bias" and bias_bound(facts) is not None:
        high = facts.get("ci_high:train_error", facts["train_error"])
        return (0.0, round(high, 12))
    point = facts.get(name)
    if point is None:
        return None
    low_field, high_field = _CI_FIELDS.get(name) or (ci_low_field(name), ci_high_field(name))
    low, high = facts.get(low_field), facts.get(high_field)
    if low is None or high is None:
        return (point, point)
    return (low, high)


def gap_ranges(facts: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """Every measured gap's plausible range, in the order of the chain."""
    found = {name: gap_range(name, facts) for name in GAPS}
    return {name: value for name, value in found.items() if value is not None}


def _mixed_variance(facts: Mapping[str, Any]) -> bool:
    """The dev - train gap spans two distributions (no train-dev set): it is variance, data mismatch or both."""
    train, dev = facts.get("train_distribution"), facts.get("dev_distribution")
    return facts.get("train_dev_error") is None and None not in (train, dev) and train != dev


@per_snapshot
def leader(facts: Mapping[str, Any]) -> Mapping[str, Any]:
    """The verdict of `judge` for these facts, read-only and computed once per snapshot: the leader rule's six
    values and the rationale read one verdict."""
    return MappingProxyType(judge(facts))


def judge(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Which gap is the problem: {'leader': name} when one dominates, {'leader': 'none'} when no gap can be worth
    acting on, else {'leader': 'undetermined', 'between': the gaps that could be the largest, 'kind': the
    undetermined diagnosis, and the causes that keep it open}."""
    ranges = gap_ranges(facts)
    min_gap = facts["setting:min_gap"]
    if not ranges or facts.get("diagnosis:meets_target") is not None:
        return {"leader": "none"}
    floor = max([low for low, _ in ranges.values()])  # a list, not a generator: cheaper for four gaps
    cut = max(min_gap, floor)
    contenders = [name for name, (_, high) in ranges.items() if high >= cut]
    if not contenders:
        return {"leader": "none"}
    bound = bias_bound(facts)  # a bounded avoidable bias is never a verdict: its value is unknown
    mixed = _mixed_variance(facts)
    top = _dominant(ranges, min_gap, bound is not None)
    if top is not None:
        if top == "variance" and mixed:
            return {"leader": "undetermined", "between": ("variance", "data_mismatch"),
                    "kind": "variance_or_data_mismatch", "mismatch": True}
        return {"leader": top}
    if mixed and "variance" in contenders:
        contenders.insert(contenders.index("variance") + 1, "data_mismatch")
    between = tuple(contenders)
    kind = _UNDETERMINED_KINDS.get(between, "gaps_undetermined")
    out: dict[str, Any] = {"leader": "undetermined", "between": between, "kind": kind}
    if "avoidable_bias" in between and bound is not None:
        out["bias"] = bound
    if any(ranges[name][0] != ranges[name][1] for name in contenders if name in ranges
           and not (name == "avoidable_bias" and "bias" in out)):
        out["noise"] = True
    if mixed and "variance" in between:
        out["mismatch"] = True
    return out


def _dominant(ranges: Mapping[str, tuple[float, float]], min_gap: float, bounded_bias: bool) -> str | None:
    """The first gap in the chain's order (equal points dominate each other: the order breaks the tie) that is worth
    acting on for certain and whose low end is at least every other gap's high end; None when there is none."""
    highs = [high for _, high in ranges.values()]
    first = max(highs)
    others = sorted(highs)[-2] if len(highs) > 1 else float("-inf")  # the other gaps' highest high end, for the top
    for name, (low, high) in ranges.items():
        if low < min_gap or (bounded_bias and name == "avoidable_bias"):
            continue
        if low >= (others if high == first else first):  # a tie at the top leaves `others` == `first`: still right
            return name
    return None


_UNDETERMINED_KINDS: dict[tuple[str, ...], str] = {("avoidable_bias", "variance"): "bias_or_variance",
                                                   ("variance", "data_mismatch"): "variance_or_data_mismatch"}


def _settled_by(facts: Mapping[str, Any]) -> tuple[str, ...]:
    found = leader(facts)
    settle: list[str] = []
    if found.get("bias") == "no_human_level":
        settle.append("human_error")
    if found.get("bias") == "past_human_level":
        settle.append("bayes_error")
    if found.get("mismatch"):
        settle.append("train_dev_error")
    if found.get("noise"):
        sizes = [size for name in found["between"] for size in _SIZES.get(name, ()) if facts.get(size) is not None]
        settle.extend(dict.fromkeys(sizes))
    return tuple(dict.fromkeys(settle))


_LEADER_READS = (*GAPS, *(ci_low_field(g) for g in GAPS), *(ci_high_field(g) for g in GAPS), "ci_high:train_error",
                 "train_error", "bayes_proxy", "bayes_error", "train_dev_error", "train_distribution",
                 "dev_distribution", "diagnosis:meets_target")


def _range_rule(name: str) -> Rule:
    bound = name == "avoidable_bias"
    return Rule(
        id=f"uncertainty.range_{name}",
        section="Understanding human-level performance" if bound else "Size of the dev and test sets",
        title=f"What is known about the {name.replace('_', ' ')}",
        when=known("train_error") if bound else known(name),
        then=(Value(range_low_field(name), lambda f: (gap_range(name, f) or (None, None))[0],
                    (name, ci_low_field(name), "train_error", "ci_high:train_error", "bayes_proxy", "bayes_error")),
              Value(range_high_field(name), lambda f: (gap_range(name, f) or (None, None))[1],
                    (name, ci_high_field(name), "train_error", "ci_high:train_error", "bayes_proxy", "bayes_error"))),
        because=(f"The {name.replace('_', ' ')} lies in {{range_low:{name}}} to {{range_high:{name}}}"
                 + (": a bound when no human level is given or the model is past it, else the estimate "
                    "(with the training error's interval when its set size is known)." if bound else
                    ": its interval where a set size is known, else the point estimate (errors taken as exact).")),
    )


def _why_undetermined(facts: Mapping[str, Any]) -> str:
    found = leader(facts)
    if found["leader"] != "undetermined":
        return ""
    parts = []
    for name in found["between"]:
        found_range = gap_range(name, facts)
        if found_range is not None:
            low, high = found_range
            text = f"{low * 100:.4g}%" if low == high else f"{low * 100:.4g}% to {high * 100:.4g}%"
            parts.append(f"{name.replace('_', ' ')} {text}")
    notes = []
    if found.get("bias") == "no_human_level":
        notes.append("without a human-level error avoidable bias is anywhere from 0 to the training error")
    if found.get("bias") == "past_human_level":
        notes.append("past human level the human error is no longer a Bayes estimate, so avoidable bias is anywhere "
                     "from 0 to the training error")
    if found.get("mismatch"):
        notes.append("training and dev data differ with no train-dev error, so the dev - train gap may be data mismatch")
    if found.get("noise"):
        notes.append("the set sizes leave the measured gaps within each other's noise")
    return f"Plausible ranges: {'; '.join(parts)}." + (f" Why: {'; '.join(notes)}." if notes else "")


def _undetermined_rule(kind: str, because: str) -> Rule:
    return Rule(
        id=f"uncertainty.{kind}",
        section="Understanding human-level performance" if kind == "bias_or_variance"
        else "Bias and Variance with mismatched data distributions",
        title={"bias_or_variance": "Bias or variance: can't tell yet",
               "variance_or_data_mismatch": "Variance or data mismatch: can't tell yet",
               "gaps_undetermined": "The largest gap: can't tell yet"}[kind],
        when=eq("undetermined_kind", Const(kind)),
        then=(Diagnose(kind),),
        because=because,
        detail=_why_undetermined,
        detail_reads=(*_LEADER_READS, "setting:min_gap"),  # the plausible ranges it shows come from leader()
    )


def _leader_value(key: str, default: Any = None) -> Any:
    def compute(facts: Mapping[str, Any]) -> Any:
        return leader(facts).get(key, default)

    compute.__name__ = f"leader_{key}"
    return compute


RULES: tuple[Rule, ...] = (
    *(_range_rule(name) for name in GAPS),
    Rule(
        id="uncertainty.leader",
        section="Understanding human-level performance",
        title="Which gap is the problem, if the facts can tell",
        when=any_of(*(known(range_high_field(name)) for name in GAPS)),
        then=(Value("gap_leader", _leader_value("leader"), _LEADER_READS),
              Value("undetermined_kind", _leader_value("kind"), _LEADER_READS),
              Value("undetermined_between", _leader_value("between"), _LEADER_READS),
              Value("unsettled_bias", _leader_value("bias"), _LEADER_READS),
              Value("unsettled_noise", _leader_value("noise"), _LEADER_READS),
              Value("settled_by", _settled_by, (*_LEADER_READS, *dict.fromkeys(s for v in _SIZES.values() for s in v)))),
        because=("The largest gap is {gap_leader}: a gap leads only when its low end is at least {setting:min_gap} and at "
                 "least every other gap's high end."),
    ),
    _undetermined_rule(
        "bias_or_variance",
        "Avoidable bias and variance cannot be told apart yet: which one to work on depends on the measurement "
        "named ({settled_by}); until then neither set of knobs is advised on its own.",
    ),
    _undetermined_rule(
        "variance_or_data_mismatch",
        "The gap from training to dev error could be variance or data mismatch: the measurement named "
        "({settled_by}) tells which, before choosing variance or mismatch fixes.",
    ),
    _undetermined_rule(
        "gaps_undetermined",
        "The gaps {undetermined_between} could each be the largest: the measurement named ({settled_by}) tells "
        "which one to work on first.",
    ),
    Rule(
        id="uncertainty.measure_human_level",
        section="Why human-level performance?",
        title="Measure a human level to tell bias from variance",
        when=eq("unsettled_bias", Const("no_human_level")),
        then=(Recommend("measure_human_level", addresses=UNDETERMINED),
              Ask("human_error", "A human-level error (the proxy for Bayes error) decides between working on bias "
                                 "and working on variance: without it avoidable bias is anywhere from 0 to the "
                                 "training error {train_error}.", rank=2)),
        because=("Without a human-level error, avoidable bias is anywhere in [0, {train_error}]: have people label a "
                 "sample (ideally a team of experts) and measure their error before choosing bias or variance work."),
    ),
    Rule(
        id="uncertainty.past_human_level",
        section="Surpassing human-level performance",
        title="Past human level: no Bayes estimate to decide bias vs variance",
        when=eq("unsettled_bias", Const("past_human_level")),
        then=(Recommend("error_analysis", addresses=UNDETERMINED),
              Ask("bayes_error", "Past human level the human error no longer estimates Bayes error: a known Bayes error "
                                 "(e.g. from the label noise of repeated expert labelling) would turn training error "
                                 "into avoidable bias again.", rank=3)),
        because=("Training error {train_error} is at or below the best human level {bayes_proxy}: once you surpass "
                 "human level you no longer have a good estimate of Bayes error, so bias and variance cannot be told "
                 "apart from these numbers. Progress slows; error analysis on what the model still gets wrong shows "
                 "what is left."),
    ),
    Rule(
        id="uncertainty.within_noise",
        section="Size of the dev and test sets",
        title="Measure on more examples to tell the gaps apart",
        when=all_of(eq("unsettled_noise", True), not_diagnosed("meets_target")),
        then=(Recommend("bigger_dev_set", addresses=UNDETERMINED),),
        because=("At these set sizes the gaps {undetermined_between} overlap within their intervals: measure on more "
                 "examples (settled by {settled_by}) rather than choose between them on noise."),
    ),
)
