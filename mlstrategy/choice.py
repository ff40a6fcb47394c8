"""Model choice as a result: the candidates by metric, each satisficing bound passed or failed, the winner.

The rules (`knowledge.metrics`) choose; this module lays the choice out for people: a table every rendering
can show, and one sentence ("Choose B: best F1 among those within 100 ms; C fails running time 1,500 ms >
100 ms").

>>> import mlstrategy as mls
>>> advice = mls.advise(candidates={"A": {"f1": 0.9, "running_time_ms": 80}, "B": {"f1": 0.95, "running_time_ms": 95},
...                                 "C": {"f1": 0.97, "running_time_ms": 1500}},
...                     satisficing={"running_time_ms": {"max": 100}})
>>> advice.choice.sentence
'Choose B: best F1 among those within 100 ms; C fails running time 1,500 ms > 100 ms.'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .knowledge.metrics import _meets, candidate_metrics, metric_direction  # the rules' own bound check

if TYPE_CHECKING:  # pragma: no cover
    from .advice import Advice

__all__ = ["ModelChoice", "CandidateRow", "model_choice", "metric_label", "metric_value"]

# Units spelled in metric names, as users write them: running_time_ms -> "running time", "ms".
_UNITS = {"ms": "ms", "s": "s", "sec": "s", "us": "µs", "mb": "MB", "gb": "GB", "kb": "KB", "mib": "MiB", "gib": "GiB"}
_ACRONYMS = {"f1": "F1", "auc": "AUC", "roc": "ROC", "map": "mAP", "bleu": "BLEU", "wer": "WER", "iou": "IoU"}
_RATES = ("accuracy", "precision", "recall", "f1", "error", "rate", "auc")


def _split_unit(metric: str) -> tuple[str, str]:
    head, _, tail = metric.rpartition("_")
    if head and tail.lower() in _UNITS:
        return head, _UNITS[tail.lower()]
    return metric, ""


def metric_label(metric: str) -> str:
    """'running_time_ms' -> 'running time', 'f1' -> 'F1', 'weighted_error' -> 'weighted error'."""
    base, _ = _split_unit(metric)
    return " ".join(_ACRONYMS.get(word.lower(), word) for word in base.split("_"))


def metric_value(metric: str, value: float | None) -> str:
    """A metric value with its unit: ('running_time_ms', 1500) -> '1,500 ms', ('f1', 0.95) -> '95%'."""
    if value is None:
        return "unknown"
    base, unit = _split_unit(metric)
    if not unit and 0 <= value <= 1 and any(word in base.lower() for word in _RATES):
        text = f"{value * 100:.2f}".rstrip("0").rstrip(".")
        return f"{text}%"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"
    return f"{text} {unit}".strip()


@dataclass(frozen=True)
class CandidateRow:
    """One candidate: its metric values, each bound passed (True) or failed (False), and whether it won."""

    name: str
    metrics: dict[str, float | None]
    passed: dict[str, bool]
    chosen: bool

    @property
    def feasible(self) -> bool:
        return all(self.passed.values())


@dataclass(frozen=True)
class ModelChoice:
    """The model choice of one consultation (see module docstring)."""

    optimizing_metric: str | None
    direction: str  # "max" or "min"
    bounds: dict[str, dict[str, float]]
    rows: tuple[CandidateRow, ...]
    chosen: str | None

    @property
    def metrics(self) -> list[str]:
        """The table's columns: the optimizing metric, the bounded ones, then the rest (first seen first)."""
        seen: dict[str, None] = {}
        if self.optimizing_metric:
            seen[self.optimizing_metric] = None
        seen.update(dict.fromkeys(self.bounds))
        for row in self.rows:
            seen.update(dict.fromkeys(row.metrics))
        return list(seen)

    def bound_text(self, metric: str) -> str:
        """'<= 100 ms', '>= 90%'."""
        bound = self.bounds.get(metric, {})
        parts = [f"{op} {metric_value(metric, bound[side])}" for side, op in (("min", ">="), ("max", "<="))
                 if bound.get(side) is not None]
        return " and ".join(parts)

    def failures(self, row: CandidateRow) -> list[str]:
        """Why a candidate fails its bounds: ['running time 1,500 ms > 100 ms']."""
        out = []
        for metric, ok in row.passed.items():
            if ok:
                continue
            value, bound = row.metrics.get(metric), self.bounds[metric]
            if value is None:
                out.append(f"{metric_label(metric)} unknown")
            elif bound.get("max") is not None and value > bound["max"]:
                out.append(f"{metric_label(metric)} {metric_value(metric, value)} > {metric_value(metric, bound['max'])}")
            else:
                out.append(f"{metric_label(metric)} {metric_value(metric, value)} < {metric_value(metric, bound['min'])}")
        return out

    def _within(self) -> str:
        phrases = []
        for metric, bound in self.bounds.items():
            _, unit = _split_unit(metric)
            if bound.get("max") is not None and bound.get("min") is None and unit:
                phrases.append(f"within {metric_value(metric, bound['max'])}")
            else:
                phrases.append(f"with {metric_label(metric)} {self.bound_text(metric)}")
        return " and ".join(phrases)

    @property
    def sentence(self) -> str:
        """The choice in one sentence, with each loser's failed bound."""
        failing = "; ".join(f"{row.name} fails {', '.join(self.failures(row))}" for row in self.rows if not row.feasible)
        tail = f"; {failing}" if failing else ""
        if self.optimizing_metric is None:
            return ("Can't choose a model yet: state optimizing_metric, or leave exactly one metric without a "
                    f"satisficing bound{tail}.")
        best = "best" if self.direction == "max" else "lowest"
        label = metric_label(self.optimizing_metric)
        if self.chosen is None:
            return f"No candidate meets every bound, so none is chosen{tail}."
        among = f" among those {self._within()}" if self.bounds else ""
        return f"Choose {self.chosen}: {best} {label}{among}{tail}."

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence, "optimizing_metric": self.optimizing_metric, "direction": self.direction,
            "bounds": self.bounds, "chosen": self.chosen,
            "candidates": [{"name": r.name, "metrics": r.metrics, "passed": r.passed, "chosen": r.chosen}
                           for r in self.rows],
        }


def model_choice(advice: "Advice") -> ModelChoice | None:
    """The choice laid out from what the rules concluded (None when no candidates were given)."""
    facts = advice.trace.facts
    if not facts.get("candidates"):
        return None
    metric = advice.values.get("optimizing_metric")
    chosen = advice.values.get("selected_candidate")
    bounds = {name: {k: v for k, v in dict(bound).items() if v is not None}
              for name, bound in (facts.get("satisficing") or {}).items()}
    table = candidate_metrics(facts)
    rows = []
    for name, metrics in table.items():
        passed = {m: _meets(metrics.get(m), b) for m, b in bounds.items()}
        rows.append(CandidateRow(name, dict(metrics), passed, name == chosen))
    direction = (metric_direction(metric, facts) or "max") if metric else "max"
    return ModelChoice(metric, direction, bounds, tuple(rows), chosen)

