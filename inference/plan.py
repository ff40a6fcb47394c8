"""From the facts a consultation concluded to advice: ranked diagnoses, an ordered plan, ranked questions.

Ranking follows orthogonalization: target problems first (place the target before aiming at it), then
the gap problems, those outside the statistical noise first (where set sizes are known), then by size, caveats last (they qualify the advice and are never the primary problem).
Actions are de-duplicated (one action, all its reasons) and ordered by the best-ranked diagnosis they
address, then by the order the course lists them in.
"""
from __future__ import annotations

import operator
from typing import Any, Mapping, NamedTuple, Sequence

from mlstrategy.knowledge.catalog import DIAGNOSES, STAGES
from mlstrategy.knowledge.dsl import TEMPLATE_FIELD
from mlstrategy.knowledge._record import record
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


@record
class RankedDiagnosis:
    name: str
    severity: float | None
    firings: tuple[Firing, ...]


@record
class PlannedAction:
    name: str
    params: dict[str, Any]
    addresses: tuple[str, ...]
    firings: tuple[Firing, ...]
    step: str = "do first"


@record
class Question:
    name: str
    why: str
    rank: int
    rules: tuple[str, ...]


class _Static(NamedTuple):
    """What ranking needs of a diagnosis that does not depend on the consultation, looked up once per name."""

    kind: int  # _KIND_ORDER of its kind
    undetermined: bool
    before_gaps: bool
    stage: int
    order: int  # its place in the catalogue
    ci_low: str  # the field of its gap's confidence interval's low end
    caveat: bool


_STATIC: dict[str, _Static] = {}


def _static(name: str) -> _Static:
    found = _STATIC.get(name)
    if found is None:
        info = DIAGNOSES.get(name)
        found = _STATIC[name] = _Static(
            kind=_KIND_ORDER.get(info.kind, 1) if info else 1,
            undetermined=info is not None and info.kind == "undetermined",
            before_gaps=bool(info and info.before_gaps),
            stage=STAGES.index(info.stage) if info and info.stage in STAGES else len(STAGES),
            order=_CATALOG_ORDER.get(name, len(_CATALOG_ORDER)),
            ci_low=ci_low_field(name),
            caveat=info is not None and info.kind == "caveat",
        )
    return found


def _diagnosis_key(name: str, severity: Any, facts: Mapping[str, Any]) -> tuple:
    static = _STATIC.get(name) or _static(name)
    kind = static.kind
    if static.undetermined:  # after an unfinished model, before the gap problems
        return (kind, 1, 0, 0.0, static.stage, static.order, name)
    if kind == 1:  # problems: an unfinished model first, significant before noise, the largest, the chain's order
        size = -float(severity) if isinstance(severity, (int, float)) and not isinstance(severity, bool) else 0.0
        low = facts.get(static.ci_low)
        noise = 1 if isinstance(low, (int, float)) and low <= 0 else 0
        leads = 0 if facts.get("gap_leader") == name else 1
        return (kind, 0 if static.before_gaps else 2, leads, noise, size, static.stage, static.order, name)
    return (kind, static.order, name)


def rank_diagnoses(trace: Trace) -> list[RankedDiagnosis]:
    """Diagnoses in the order the advice presents them (see module docstring): each with its severity, the first
    value any of its conclusions carries, and the firings that concluded it, in firing order."""
    found: dict[str, list[Any]] = {}  # name -> [severity, firings]
    diagnosing = trace._diagnosing  # the engine's list of the firings that diagnosed, if it made the trace
    for firing in trace.firings if diagnosing is None else diagnosing:
        for item in firing.concluded:
            if item.kind == "diagnosis":
                entry = found.get(item.name)
                if entry is None:
                    found[item.name] = [item.value, [firing]]
                else:
                    if entry[0] is None:
                        entry[0] = item.value
                    entry[1].append(firing)
    facts = trace.facts
    keyed = [(_diagnosis_key(name, severity, facts), name, severity, firings)
             for name, (severity, firings) in found.items()]
    keyed.sort()  # keys end with the name: never a tie
    return [frozen(RankedDiagnosis, name=name, severity=severity, firings=tuple(firings))
            for _, name, severity, firings in keyed]


def order_actions(trace: Trace, diagnoses: list[RankedDiagnosis]) -> list[PlannedAction]:
    """Each recommended action once, with every rule that recommended it, in plan order (see `plan_items`)."""
    return [frozen(PlannedAction, name=name, params=params, addresses=addresses, firings=firings, step=step)
            for name, params, addresses, firings, step in plan_items(trace, diagnoses)]


_PlanItem = tuple[str, dict[str, Any], tuple[str, ...], tuple[Firing, ...], str]
_Template = tuple[tuple[str, tuple[tuple[int, int], ...], tuple[str, ...], tuple[int, ...], str], ...]

_TEMPLATES: dict[tuple, _Template] = {}
"""Plan structures by (engine token, the rules that fired in order, the ranked diagnoses' names); see `plan_items`."""
_SEEN: dict[tuple, None] = {}
"""The keys seen once: a structure is kept from the second trace that has it (situations that are all different,
as rich ones tend to be, would otherwise pay for keeping structures never used again)."""
_TEMPLATES_KEPT = 512
"""At most this many structures (and keys seen once) are kept; all are forgotten when it fills (a sweep of similar
situations refills it with the few it needs)."""
_rule_of = operator.itemgetter(0)  # a Firing's rule id, in C
_name_of = operator.attrgetter("name")


def plan_items(trace: Trace, diagnoses: list[RankedDiagnosis]) -> list[_PlanItem]:
    """The plan as (name, params, addresses, firings, step) per action, in plan order (see `_plan_items`).

    The plan's structure (which actions, their order, steps, addresses and firings) depends only on the rules that
    fired, in order, and the ranked diagnoses' names: each rule's recommendations are constants of the rule, and
    its stratum too. Only the parameters are values of the consultation. So for a trace its engine produced
    (`Trace._origin`), the structure is kept and reused for the next trace with the same firings and ranking, and
    only the parameters are read again. Reuse checks that each recommendation it reads is the action it expects;
    anything else (and any trace built by hand) is planned from scratch."""
    origin = trace._origin
    if origin is None:
        return _plan_items(trace, diagnoses)
    firings = trace.firings
    key = (origin, tuple(map(_rule_of, firings)), tuple(map(_name_of, diagnoses)))
    template = _TEMPLATES.get(key)
    if template is not None:
        reused = _from_template(template, firings)
        if reused is not None:
            return reused
    items = _plan_items(trace, diagnoses)
    if template is not None or key in _SEEN:  # kept from its second sighting: a one-off plan costs only its key
        if len(_TEMPLATES) >= _TEMPLATES_KEPT:
            _TEMPLATES.clear()
        _TEMPLATES[key] = _template(items, firings)
    else:
        if len(_SEEN) >= _TEMPLATES_KEPT:
            _SEEN.clear()
        _SEEN[key] = None
    return items


def _template(items: list[_PlanItem], firings: list[Firing]) -> _Template:
    """The structure of a plan: per action its name, where its recommendations are (firing index, conclusion
    index, in firing order: their parameters are merged in that order), its addresses, its firings' indexes and
    its step."""
    index = {id(firing): position for position, firing in enumerate(firings)}
    out = []
    for name, _, addresses, recommending, step in items:
        places = tuple(index[id(firing)] for firing in recommending)
        sources = tuple((place, at) for place in places
                        for at, item in enumerate(firings[place].concluded)
                        if item.kind == "action" and item.name == name)
        out.append((name, sources, addresses, places, step))
    return tuple(out)


def _from_template(template: _Template, firings: list[Firing]) -> list[_PlanItem] | None:
    """The plan of `firings` with a kept structure, its parameters read again; None when a recommendation is not
    where the structure says (then the trace is planned from scratch)."""
    out = []
    try:
        for name, sources, addresses, places, step in template:
            params: dict[str, Any] = {}
            for place, at in sources:  # merged in firing order, as _plan_items merges them
                item = firings[place].concluded[at]
                if item.kind != "action" or item.name != name:
                    return None
                params.update(item.params)
            out.append((name, params, addresses, tuple([firings[place] for place in places]), step))
    except IndexError:
        return None
    return out


def _plan_items(trace: Trace, diagnoses: list[RankedDiagnosis]) -> list[_PlanItem]:
    """The plan as (name, params, addresses, firings, step) per action, in plan order, computed.

    One pass over the firings: an action's entry holds its merged parameters, the concluded diagnoses it
    addresses (a rule may name several it could serve), the firings that recommended it (a rule fires once per
    consultation, so identity is equality) and its plan key, the best over its recommendations of (rank of the
    best diagnosis it addresses, stratum, position among the firing's actions, rule id)."""
    rank = {item.name: index for index, item in enumerate(diagnoses)}
    unaddressed = len(rank)
    entries: dict[str, list[Any]] = {}  # name -> [plan key, name, params, addresses, firings]
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
                entries[item.name] = [key, item.name, dict(item.params), addresses, [firing]]
                continue
            if item.params:
                entry[2].update(item.params)
            known = entry[3]
            for name in addresses:
                if name not in known:
                    known.append(name)
            if entry[4][-1] is not firing:
                entry[4].append(firing)
            if key < entry[0]:
                entry[0] = key
    ordered = list(entries.values())
    ordered.sort()  # by plan key, first in each entry; plan keys are unique: (rule, position) tells two apart
    planned: dict[str, list[Any]] = {step: [] for step in STEPS}
    for (_, name, params, addresses, firings), step in zip(ordered, _steps([entry[3] for entry in ordered], diagnoses)):
        planned[step].append((name, params, tuple(addresses), tuple(firings), step))
    first, then, also = planned.values()  # in STEPS' order; plan order within each step
    return first + then + also


def plan_steps(actions: list[tuple[str, Sequence[str]]], diagnoses: list[RankedDiagnosis]) -> dict[str, str]:
    """The step of each action (in plan order, with what it addresses): see STEPS.

    The key diagnosis is the best-ranked one any action addresses (the primary problem when it has actions):
    its first FIRST_STEP_SIZE actions are "do first", its others and actions addressing no diagnosis are
    "also possible", and actions for the diagnoses ranked after it are "then". Caveats never lead.
    """
    return dict(zip([name for name, _ in actions], _steps([addresses for _, addresses in actions], diagnoses)))


def _steps(addressed_by: list[Sequence[str]], diagnoses: list[RankedDiagnosis]) -> list[str]:
    """`plan_steps` for the actions' addresses alone, in plan order: the steps in the same order."""
    leading = [d.name for d in diagnoses if not (_STATIC.get(d.name) or _static(d.name)).caveat]
    addressed: set[str] = set()
    for addresses in addressed_by:
        addressed.update(addresses)
    key = None
    for name in leading:  # a loop, not next(<generator>): this runs on every consultation
        if name in addressed:
            key = name
            break
    lead = set(leading)
    steps: list[str] = []
    first = 0
    for addresses in addressed_by:
        if first < FIRST_STEP_SIZE and (key is None or key in addresses):  # nothing diagnosed: the first actions lead
            steps.append("do first")
            first += 1
        elif key is not None and key not in addresses and not lead.isdisjoint(addresses):
            steps.append("then")
        else:
            steps.append("also possible")
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
