"""Before and after: what changed between two consultations (a team runs the advice after each iteration).

>>> import mlstrategy as mls
>>> before = mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10)
>>> after = mls.advise(human_error=0.01, train_error=0.015, dev_error=0.09)
>>> change = before.compare(after)
>>> change.primary_before, change.primary_after
('avoidable_bias', 'variance')
>>> [gap.name for gap in change.gaps if gap.closed]
['avoidable_bias']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .inference.formatting import field_title, format_value
from .knowledge.gaps import GAPS
from .sanitize import clean

if TYPE_CHECKING:  # pragma: no cover
    from .advice import Advice

__all__ = ["GapChange", "Comparison", "compare"]


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class GapChange:
    """One gap whose value differs: before and after (None where it was not measured), and whether it is
    now worth acting on (opened) or no longer (closed)."""

    name: str
    before: float | None
    after: float | None
    opened: bool = False
    closed: bool = False

    def __str__(self) -> str:
        what = " (closed)" if self.closed else " (opened)" if self.opened else ""
        return f"{field_title(self.name)}: {format_value(self.name, self.before)} → {format_value(self.name, self.after)}{what}"


@dataclass(frozen=True)
class Comparison:
    """What changed from one advice (before) to another (after). Falsy when nothing did."""

    primary_before: str | None
    primary_after: str | None
    gaps: tuple[GapChange, ...] = ()
    diagnoses_new: tuple[str, ...] = ()
    diagnoses_resolved: tuple[str, ...] = ()
    actions_new: tuple[str, ...] = ()
    actions_done: tuple[str, ...] = ()
    """Actions the earlier plan had and the later one does not (done, or no longer needed)."""
    values_changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def primary_changed(self) -> bool:
        return self.primary_before != self.primary_after

    @property
    def gaps_closed(self) -> list[str]:
        return [gap.name for gap in self.gaps if gap.closed]

    @property
    def gaps_opened(self) -> list[str]:
        return [gap.name for gap in self.gaps if gap.opened]

    def __bool__(self) -> bool:
        return bool(self.primary_changed or self.gaps or self.diagnoses_new or self.diagnoses_resolved
                    or self.actions_new or self.actions_done or self.values_changed)

    def lines(self) -> list[str]:
        if not self:
            return ["No change: the same primary problem, gaps, diagnoses and plan."]
        out = []
        if self.primary_changed:
            out.append(f"Primary problem: {self.primary_before or 'none'} → {self.primary_after or 'none'}")
        else:
            out.append(f"Primary problem unchanged: {self.primary_after or 'none'}")
        if self.gaps:
            out.append("Gaps:")
            out += [f"  - {gap}" for gap in self.gaps]
        for title, names in (("New diagnoses", self.diagnoses_new), ("Resolved diagnoses", self.diagnoses_resolved),
                             ("New actions", self.actions_new), ("Actions no longer advised (done?)", self.actions_done)):
            if names:
                out.append(f"{title}: {', '.join(names)}")
        others = {k: v for k, v in self.values_changed.items() if k not in GAPS}
        if others:
            out.append("Other values: " + "; ".join(f"{field_title(k)} {format_value(k, a)} → {format_value(k, b)}"
                                                    for k, (a, b) in others.items()))
        return out

    def __str__(self) -> str:
        return clean("\n".join(self.lines()))

    def to_markdown(self) -> str:
        from .render import md

        out = ["## What changed", ""]
        for line in self.lines():  # an indented item is a list item; any other line its own paragraph
            out += [f"- {md(line[4:])}"] if line.startswith("  - ") else ["", md(line)]
        return "\n".join(out) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {
            "primary_before": self.primary_before, "primary_after": self.primary_after,
            "primary_changed": self.primary_changed,
            "gaps": [{"name": g.name, "before": g.before, "after": g.after, "opened": g.opened, "closed": g.closed}
                     for g in self.gaps],
            "diagnoses_new": list(self.diagnoses_new), "diagnoses_resolved": list(self.diagnoses_resolved),
            "actions_new": list(self.actions_new), "actions_done": list(self.actions_done),
            "values_changed": {k: list(v) for k, v in self.values_changed.items()},
        }


def compare(before: "Advice", after: "Advice") -> Comparison:
    """What changed from `before` to `after` (see `Comparison`): every gap whose value differs, whether it
    opened or closed (became, or stopped being, a diagnosis), diagnoses and actions new or gone."""
    diagnosed_before = {d.name for d in before.diagnoses}
    diagnosed_after = {d.name for d in after.diagnoses}
    gaps = []
    for name in GAPS:
        a, b = _number(before.values.get(name)), _number(after.values.get(name))
        if a == b:
            continue
        gaps.append(GapChange(name, a, b, opened=name in diagnosed_after and name not in diagnosed_before,
                              closed=name in diagnosed_before and name not in diagnosed_after))
    names = list(dict.fromkeys([*before.values, *after.values]))
    changed = {n: (before.values.get(n), after.values.get(n)) for n in names
               if before.values.get(n) != after.values.get(n)}
    actions_before = [a.name for a in before.actions]
    actions_after = [a.name for a in after.actions]
    return Comparison(
        primary_before=before.primary_problem,
        primary_after=after.primary_problem,
        gaps=tuple(gaps),
        diagnoses_new=tuple(d.name for d in after.diagnoses if d.name not in diagnosed_before),
        diagnoses_resolved=tuple(d.name for d in before.diagnoses if d.name not in diagnosed_after),
        actions_new=tuple(n for n in actions_after if n not in actions_before),
        actions_done=tuple(n for n in actions_before if n not in actions_after),
        values_changed=changed,
    )
