"""Single-number evaluation metrics, and choosing among candidates with optimizing and satisficing metrics."""
from __future__ import annotations

import functools
import re
from types import MappingProxyType
from typing import Any, Mapping

from .fields import member
from .snapshot import per_snapshot
from .dsl import Ask, Diagnose, Recommend, Rule, Value, Values, absent, all_of, eq, ge, known

__all__ = ["RULES", "f1_score", "metric_direction", "optimizing_metric", "select_candidate", "candidate_metrics",
           "feasible_candidates"]

HIGHER_IS_BETTER = ("accuracy", "acc", "precision", "recall", "f1", "auc", "map", "bleu", "score", "iou", "dice",
                    "r2", "throughput", "per_second")
LOWER_IS_BETTER = ("error", "time", "latency", "memory", "false_positive", "false_negative", "false_positives",
                   "false_negatives", "loss", "ms", "size", "cost", "fpr", "fnr", "mse", "mae", "rmse", "perplexity",
                   "seconds", "mb", "gb", "bytes")


def f1_score(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall: 2 / (1/P + 1/R); 0 when both are zero."""
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def _confusion(facts: Mapping[str, Any]) -> dict[str, int]:
    return facts["confusion_matrix"]


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else numerator / denominator


def metric_direction(name: str, facts: Mapping[str, Any]) -> str | None:
    """'max' or 'min' for a metric: stated in maximize/minimize, else inferred from common names, else None."""
    if name in (facts.get("maximize") or ()):
        return "max"
    if name in (facts.get("minimize") or ()):
        return "min"
    return _direction_by_name(name)


@functools.lru_cache(maxsize=1024)
def _direction_by_name(name: str) -> str | None:
    """The direction a metric's name implies (a pure function of the name: computed once per name)."""
    lowered = name.lower()
    words = set(re.split(r"[^a-z0-9]+", lowered))

    def says(names: tuple[str, ...]) -> bool:  # a whole word, or a phrase such as false_positive
        return any((n in lowered) if "_" in n else (n in words) for n in names)

    if says(HIGHER_IS_BETTER[-2:]):  # a rate per unit of time: 'items_per_second' is not a time
        return "max"
    if says(LOWER_IS_BETTER):
        return "min"
    if says(HIGHER_IS_BETTER):
        return "max"
    return None


@per_snapshot
def candidate_metrics(facts: Mapping[str, Any]) -> Mapping[str, Mapping[str, float]]:
    """Each candidate's metrics by name, with F1 added where precision and recall are known (`f1:<name>`).

    Read-only and computed once per snapshot: the metric rules, the margin rule and the model choice share it.
    """
    table: dict[str, Mapping[str, float]] = {}
    for candidate in facts.get("candidates") or ():
        metrics = {k: v for k, v in candidate.items() if k not in ("name", "errors_by_class")}
        derived = facts.get(member("f1", candidate["name"]))
        if derived is not None and "f1" not in metrics:
            metrics["f1"] = derived
        weighted = facts.get(member("weighted_error", candidate["name"]))
        if weighted is not None:
            metrics["weighted_error"] = weighted
        table[candidate["name"]] = MappingProxyType(metrics)
    return MappingProxyType(table)


@per_snapshot
def optimizing_metric(facts: Mapping[str, Any]) -> str | None:
    """The metric to optimize: stated, or weighted error when class weights are given, or the one unbounded metric.

    Precision and recall with a derived F1 count as one metric, F1 (the course's single-number metric).
    """
    if facts.get("optimizing_metric"):
        return facts["optimizing_metric"]
    table = candidate_metrics(facts)
    names: set[str] = set()
    for metrics in table.values():
        names |= set(metrics)
    if "weighted_error" in names:
        return "weighted_error"
    bounded = set(facts.get("satisficing") or {})
    if "f1" in names:
        names -= {"precision", "recall"}
    free = sorted(names - bounded)
    return free[0] if len(free) == 1 else None


def _meets(value: float | None, bound: Mapping[str, Any]) -> bool:
    if value is None:
        return False
    if bound.get("max") is not None and value > bound["max"]:
        return False
    if bound.get("min") is not None and value < bound["min"]:
        return False
    return True


@per_snapshot
def feasible_candidates(facts: Mapping[str, Any]) -> tuple[str, ...]:
    """The names of the candidates that meet every satisficing bound, sorted."""
    bounds = facts.get("satisficing") or {}
    return tuple(sorted(
        name for name, metrics in candidate_metrics(facts).items()
        if all(_meets(metrics.get(metric), bound) for metric, bound in bounds.items())
    ))


@per_snapshot
def select_candidate(facts: Mapping[str, Any]) -> str | None:
    """The best candidate on the optimizing metric among those meeting every bound; ties go to the first name."""
    metric = optimizing_metric(facts)
    if metric is None:
        return None
    direction = metric_direction(metric, facts) or "max"
    table = candidate_metrics(facts)
    scored = [(table[name][metric], name) for name in feasible_candidates(facts) if table[name].get(metric) is not None]
    if not scored:
        return None
    sign = -1 if direction == "max" else 1
    return min(scored, key=lambda item: (sign * item[0], item[1]))[1]


def _bound_text(bound: Mapping[str, Any]) -> str:
    parts = []
    if bound.get("max") is not None:
        parts.append(f"<= {bound['max']:g}")
    if bound.get("min") is not None:
        parts.append(f">= {bound['min']:g}")
    return " and ".join(parts)


def selection_detail(facts: Mapping[str, Any]) -> str:
    """Why each candidate won or lost: a failed bound, or a worse optimizing metric."""
    metric = optimizing_metric(facts)
    if metric is None:
        return ("No optimizing metric could be chosen: state `optimizing_metric`, or leave exactly one metric "
                "without a satisficing bound.")
    direction = metric_direction(metric, facts)
    chosen = select_candidate(facts)
    bounds = facts.get("satisficing") or {}
    table = candidate_metrics(facts)
    notes = []
    if direction is None:
        notes.append(f"The direction of {metric!r} is not known; higher is assumed better (state it in maximize/minimize).")
    for name in sorted(table):
        metrics = table[name]
        failed = [f"{m} {metrics.get(m, 'unknown')} is not {_bound_text(b)}" for m, b in bounds.items()
                  if not _meets(metrics.get(m), b)]
        if name == chosen:
            notes.append(f"{name} is selected: best {metric} ({metrics.get(metric):g}) among candidates meeting every bound.")
        elif failed:
            notes.append(f"{name} fails a bound: {'; '.join(failed)}.")
        elif metrics.get(metric) is None:
            notes.append(f"{name} has no {metric}.")
        else:
            tie = chosen is not None and metrics.get(metric) == table[chosen].get(metric)
            worse = "ties on" if tie else ("is lower on" if (direction or "max") == "max" else "is higher on")
            notes.append(f"{name} {worse} {metric} ({metrics[metric]:g})" + (" and loses the tie by name." if tie else "."))
    if chosen is None and metric is not None:
        notes.append("No candidate meets every bound: none is selected.")
    return " ".join(notes)


def _per_candidate_f1(facts: Mapping[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for candidate in facts.get("candidates") or ():
        if candidate.get("precision") is not None and candidate.get("recall") is not None:
            out[candidate["name"]] = f1_score(candidate["precision"], candidate["recall"])
    return out


RULES: tuple[Rule, ...] = (
    Rule(
        id="metrics.accuracy_from_confusion_matrix",
        section="Single number evaluation metric",
        title="Accuracy from a confusion matrix",
        when=known("confusion_matrix"),
        then=(Value("accuracy", lambda f: _ratio(_confusion(f)["tp"] + _confusion(f)["tn"], sum(_confusion(f).values())),
                    ("confusion_matrix",)),),
        because="Accuracy = (TP + TN) / all = {accuracy}.",
    ),
    Rule(
        id="metrics.precision_from_confusion_matrix",
        section="Single number evaluation metric",
        title="Precision from a confusion matrix",
        when=all_of(known("confusion_matrix"), absent("precision")),
        then=(Value("precision", lambda f: _ratio(_confusion(f)["tp"], _confusion(f)["tp"] + _confusion(f)["fp"]),
                    ("confusion_matrix",)),),
        because="Precision = TP / (TP + FP) = {precision}: of the examples called positive, how many are.",
    ),
    Rule(
        id="metrics.recall_from_confusion_matrix",
        section="Single number evaluation metric",
        title="Recall from a confusion matrix",
        when=all_of(known("confusion_matrix"), absent("recall")),
        then=(Value("recall", lambda f: _ratio(_confusion(f)["tp"], _confusion(f)["tp"] + _confusion(f)["fn"]),
                    ("confusion_matrix",)),),
        because="Recall = TP / (TP + FN) = {recall}: of the positives, how many were found.",
    ),
    Rule(
        id="metrics.f1",
        section="Single number evaluation metric",
        title="F1 combines precision and recall",
        when=all_of(known("precision"), known("recall")),
        then=(Value("f1", lambda f: f1_score(f["precision"], f["recall"]), ("precision", "recall")),),
        because="F1 = 2 / (1/P + 1/R) = {f1} for precision {precision} and recall {recall}: one number to compare models by.",
    ),
    Rule(
        id="metrics.f1_per_candidate",
        section="Single number evaluation metric",
        title="F1 for each candidate",
        when=known("candidates"),
        then=(Values("f1", _per_candidate_f1, ("candidates",)),),
        because="Each candidate with precision and recall gets F1 = 2 / (1/P + 1/R), so they can be ranked by one number.",
    ),
    Rule(
        id="metrics.no_single_metric",
        section="Single number evaluation metric",
        title="Several metrics, none to optimize",
        when=all_of(ge("tracked_metrics", 2), absent("optimizing_metric")),
        then=(
            Diagnose("no_single_metric"),
            Recommend("single_number_metric", addresses=("no_single_metric",)),
            Recommend("optimizing_satisficing", addresses=("no_single_metric",)),
        ),
        because=(
            "The team tracks several metrics ({tracked_metrics}) with no optimizing one: with several numbers it is unclear "
            "which model is better. Combine them into one (e.g. F1 for precision and recall), or optimize one "
            "metric subject to bounds on the others."
        ),
    ),
    Rule(
        id="metrics.select_candidate",
        section="Satisfying and Optimizing metric",
        title="Choose the best candidate that meets every bound",
        when=known("candidates"),
        then=(
            Value("optimizing_metric", optimizing_metric,
                  ("candidates", "optimizing_metric", "satisficing", "f1:*", "weighted_error:*")),
            Value("feasible_candidates", lambda f: len(feasible_candidates(f)), ("candidates", "satisficing")),
            Value("selected_candidate", select_candidate,
                  ("candidates", "optimizing_metric", "satisficing", "maximize", "minimize", "f1:*", "weighted_error:*")),
        ),
        because="Optimize {optimizing_metric} subject to the satisficing bounds: {selected_candidate} is chosen.",
        detail=selection_detail,
    ),
    Rule(
        id="metrics.candidates_without_single_metric",
        section="Satisfying and Optimizing metric",
        title="Candidates with several metrics and none to optimize",
        when=all_of(known("candidates"), absent("optimizing_metric")),
        then=(
            Diagnose("no_single_metric"),
            Recommend("optimizing_satisficing", addresses=("no_single_metric",)),
            Ask("satisficing", "Bounds on all metrics but one (e.g. running time at most 100 ms) leave one metric to "
                               "optimize, which decides which candidate to choose.", rank=6),
            Ask("optimizing_metric", "The one metric to optimize (the others get satisficing bounds) decides which "
                                     "candidate to choose.", rank=7),
        ),
        because=("The candidates are compared on several metrics with no optimizing one and no bounds that leave "
                 "exactly one free: no single number ranks them. Pick one metric to optimize and set satisficing "
                 "bounds on the others (the course: maximize accuracy subject to running time <= 100 ms)."),
    ),
    Rule(
        id="metrics.ask_dev_size",
        section="Size of the dev and test sets",
        title="Ask for the dev set size to compare candidates",
        when=all_of(ge("feasible_candidates", 2), known("optimizing_metric"), absent("dev_size")),
        then=(Ask("dev_size", "With the dev set size, the advice checks whether the dev set can tell the two best "
                              "candidates apart or their difference is noise.", rank=25),),
        because="{feasible_candidates} candidates compete on {optimizing_metric}, on a dev set of unknown size.",
    ),
    Rule(
        id="metrics.no_feasible_candidate",
        section="Satisfying and Optimizing metric",
        title="No candidate meets every bound",
        when=eq("feasible_candidates", 0),
        then=(Diagnose("no_feasible_candidate"),),
        because="None of the {candidates} candidates meets every satisficing bound: no model is selected. Relax a bound "
                "that is stricter than users need, or improve the models on the bounded metric.",
    ),
)
