"""From the facts a consultation concluded to advice: ranked diagnoses, an ordered plan, ranked questions.

Ranking follows orthogonalization: target problems first (place the target before aiming at it), then
the gap problems, those outside the statistical noise first (where set sizes are known), then by size, caveats last (they qualify the advice and are never the primary problem).
Actions are de-duplicated (one action, all its reasons) and ordered by the best-ranked diagnosis they
address, then by the order the course lists them in.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from mlstrategy.knowledge.catalog import DIAGNOSES, STAGES
from mlstrategy.knowledge.dsl import TEMPLATE_FIELD
from mlstrategy.knowledge.fields import ci_low_field

from .engine import Firing, Trace, frozen
from .formatting import format_value

__all__ = ["RankedDiagnosis", "PlannedAction", "Question", "rank_diagnoses", "order_actions", "rank_questions", "fill_template", "render", "rationale",
           "plan_items", "plan_steps", "STEPS", "FIRST_STEP_SIZE", "NOT_PRIMARY"]

_KIND_ORDER = {"target": 0, "problem": 1, "undetermined": 1, "caveat": 2, "status": 3}
NOT_PRIMARY: frozenset[str] = frozenset({"caveat", "undetermined", "status"})
"""Diagnosis kinds that qualify the advice and are never the primary problem."""

STEPS: tuple[str, ...] = ("do first", "then", "also possible")
"""The plan's steps: the knobs to turn now for the primary problem (orthogonalization: one problem, a few
knobs at a time), what becomes worth doing once it is fixed (the problems ranked after it), and alternatives."""
FIRST_STEP_SIZE = 2
"""How many of the primary problem's actions are "do first"; the others for it are "also possible"."""
_CATALOG_ORDER = {name: index for index, name in enumerate(DIAGNOSES)}


def fill_template(template: str, facts: Mapping[str, Any]) -> str:
    """Fill a rationale template with the values it names, formatted for people ('{train_error}' -> '8%')."""
    return TEMPLATE_FIELD.sub(lambda match: format_value(match.group(1), facts.get(match.group(1))), template)


render = fill_template
"""The old name of `fill_template` (kept working; `mlstrategy.render` is what draws advice)."""


def rationale(rule: Any, facts: Mapping[str, Any]) -> str:
    """A rule's rationale for one consultation: its template filled in, plus its detail text if it has one."""
    text = fill_template(rule.because, facts)
    if rule.detail is not None:
        extra = rule.detail(facts)
        if extra:
            text = f"{text} {extra}"
    return text


@dataclass(frozen=True)
class RankedDiagnosis:
    name: str
    severity: float | None
    firings: tuple[Firing, ...]


@dataclass(frozen=True)
class PlannedAction:
    name: str
    params: dict[str, Any]
    addresses: tuple[str, ...]
    firings: tuple[Firing, ...]
    step: str = "do first"


@dataclass(frozen=True)
class Question:
    name: str
    why: str
    rank: int
    rules: tuple[str, ...]


def _diagnosis_key(name: str, severity: Any, facts: Mapping[str, Any]) -> tuple:
    info = DIAGNOSES.get(name)
    kind = _KIND_ORDER.get(info.kind, 1) if info else 1
    size = -float(severity) if isinstance(severity, (int, float)) and not isinstance(severity, bool) else 0.0
    stage = STAGES.index(info.stage) if info and info.stage in STAGES else len(STAGES)
    low = facts.get(ci_low_field(name))
    noise = 1 if isinstance(low, (int, float)) and low <= 0 else 0
    order = _CATALOG_ORDER.get(name, len(_CATALOG_ORDER))
    if info is not None and info.kind == "undetermined":  # after an unfinished model, before the gap problems
        return (kind, 1, 0, 0.0, stage, order, name)
    if kind == 1:  # problems: an unfinished model first, significant before noise, the largest, the chain's order
        leads = 0 if facts.get("gap_leader") == name else 1
        return (kind, 0 if info and info.before_gaps else 2, leads, noise, size, stage, order, name)
    return (kind, _CATALOG_ORDER.get(name, len(_CATALOG_ORDER)), name)


def rank_diagnoses(trace: Trace) -> list[RankedDiagnosis]:
    """Diagnoses in the order the advice presents them (see module docstring)."""
    found = trace.concluded("diagnosis")
    ranked = [
        RankedDiagnosis(name, next((c.value for _, c in pairs if c.value is not None), None),
                        tuple(firing for firing, _ in pairs))
        for name, pairs in found.items()
    ]
    return sorted(ranked, key=lambda item: _diagnosis_key(item.name, item.severity, trace.facts))


def order_actions(trace: Trace, diagnoses: list[RankedDiagnosis]) -> list[PlannedAction]:
    """Each recommended action once, with every rule that recommended it, in plan order (see `plan_items`)."""
    return [frozen(PlannedAction, name=name, params=params, addresses=addresses, firings=firings, step=step)
            for name, params, addresses, firings, step in plan_items(trace, diagnoses)]


def plan_items(trace: Trace, diagnoses: list[RankedDiagnosis]) -> list[tuple[str, dict[str, Any], tuple[str, ...],
                                                                            tuple[Firing, ...], str]]:
    """The plan as (name, params, addresses, firings, step) per action, in plan order.

    One pass over the firings: an action's entry holds its merged parameters, the concluded diagnoses it
    addresses (a rule may name several it could serve), the firings that recommended it (a rule fires once per
    consultation, so identity is equality) and its plan key, the best over its recommendations of (rank of the
    best diagnosis it addresses, stratum, position among the firing's actions, rule id)."""
    rank = {item.name: index for index, item in enumerate(diagnoses)}
    unaddressed = len(rank)
    entries: dict[str, list[Any]] = {}  # name -> [params, addresses, firings, key]
    for firing in trace.firings:
        position = 0
        for item in firing.concluded:
            if item.kind != "action":
                continue
            addresses: list[str] = []
            best = unaddressed
            for name in item.addresses:
                index = rank.get(name)
                if index is not None and name not in addresses:
                    addresses.append(name)
                    if index < best:
                        best = index
            key = (best, firing.stratum, position, firing.rule)
            position += 1
            entry = entries.get(item.name)
            if entry is None:
                entries[item.name] = [dict(item.params), addresses, [firing], key]
                continue
            if item.params:
                entry[0].update(item.params)
            known = entry[1]
            for name in addresses:
                if name not in known:
                    known.append(name)
            if entry[2][-1] is not firing:
                entry[2].append(firing)
            if key < entry[3]:
                entry[3] = key
    order = [name for _, name in sorted((entry[3], name) for name, entry in entries.items())]
    steps = plan_steps([(name, entries[name][1]) for name in order], diagnoses)
    planned: dict[str, list[Any]] = {step: [] for step in STEPS}
    for name in order:
        params, addresses, firings, _ = entries[name]
        step = steps[name]
        planned[step].append((name, params, tuple(addresses), tuple(firings), step))
    return [item for step in STEPS for item in planned[step]]  # plan order within each step


def plan_steps(actions: list[tuple[str, Sequence[str]]], diagnoses: list[RankedDiagnosis]) -> dict[str, str]:
    """The step of each action (in plan order, with what it addresses): see STEPS.

    The key diagnosis is the best-ranked one any action addresses (the primary problem when it has actions):
    its first FIRST_STEP_SIZE actions are "do first", its others and actions addressing no diagnosis are
    "also possible", and actions for the diagnoses ranked after it are "then". Caveats never lead.
    """
    leading = [d.name for d in diagnoses if (DIAGNOSES[d.name].kind if d.name in DIAGNOSES else "problem") != "caveat"]
    addressed = {a for _, addresses in actions for a in addresses}
    key = next((name for name in leading if name in addressed), None)
    steps: dict[str, str] = {}
    first = 0
    for name, addresses in actions:
        if key is None and first < FIRST_STEP_SIZE:  # nothing diagnosed: the plan's first actions lead
            steps[name], first = "do first", first + 1
        elif key is not None and key in addresses and first < FIRST_STEP_SIZE:
            steps[name], first = "do first", first + 1
        elif key is not None and key not in addresses and any(a in leading for a in addresses):
            steps[name] = "then"
        else:
            steps[name] = "also possible"
    return steps


def rank_questions(trace: Trace) -> list[Question]:
    """The facts worth asking for, most decisive first, each once."""
    asked: dict[str, Question] = {}
    for firing in trace.firings:
        for item in firing.concluded:
            if item.kind != "missing" or item.name in trace.inputs:
                continue
            why, rank = item.value
            previous = asked.get(item.name)
            if previous is None or rank < previous.rank:
                rules = (previous.rules if previous else ()) + (firing.rule,)
                asked[item.name] = Question(item.name, fill_template(why, trace.facts), rank, rules)
            else:
                asked[item.name] = Question(previous.name, previous.why, previous.rank, previous.rules + (firing.rule,))
    return sorted(asked.values(), key=lambda q: (q.rank, q.name))
