"""Explanations: the reasoning graph of one consultation, `why` chains and `why_not` answers.

The graph has fact nodes (kind `input`, `value`, `diagnosis`, `action`) and rule-firing nodes (kind
`rule`). Edges run from the facts a rule actually read (its read set, never "the whole fact") to the
firing, and from the firing to what it concluded.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

from mlstrategy.knowledge.catalog import ACTIONS, DIAGNOSES
from mlstrategy.sanitize import clean  # user text in a why tree reaches terminals too
from mlstrategy.knowledge.fields import action_field, diagnosis_field, member, name_of, split_field

from .compile import CompiledKnowledge, producers_of
from .engine import Trace
from .evaluate import Failure, failures
from .formatting import format_value
from .plan import rationale

__all__ = ["build_graph", "node_id", "Explanation", "explain", "WhyNot", "why_not", "UnknownName", "find_node"]

_CONCLUSION_KINDS = ("value", "diagnosis", "action")
SUMMARY_READS = 2
"""A value whose rule read more derived facts than this is a summary (see `Explanation.is_summary`): the
largest gap reads every gap; an interval, which reads error levels and set sizes, is not one."""


class UnknownName(KeyError):
    """A name that is neither concluded nor an input; the message suggests the closest one."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def node_id(kind: str, name: str) -> str:
    """Graph node ids: 'input:train_error', 'value:avoidable_bias', 'diagnosis:variance', 'rule:bias.actions'."""
    return member(kind, name)


def _field_node(field_name: str, concluded: dict[str, str]) -> str:
    if field_name in concluded:
        return concluded[field_name]
    return node_id("input", field_name)


def build_graph(trace: Trace, knowledge: CompiledKnowledge) -> nx.DiGraph:
    """The reasoning graph of a consultation (see module docstring)."""
    import networkx as nx  # imported on first use: the command line's advice never needs it

    graph = nx.DiGraph()
    concluded: dict[str, str] = {}
    for firing in trace.firings:
        for item in firing.concluded:
            if item.kind in _CONCLUSION_KINDS:
                concluded.setdefault(item.field, node_id(item.kind, item.name))
    for firing in trace.firings:
        outputs = [item for item in firing.concluded if item.kind in _CONCLUSION_KINDS]
        if not outputs:
            continue  # a rule that only asks a question explains no conclusion
        rule = knowledge.rule(firing.rule)
        rule_node = node_id("rule", firing.rule)
        graph.add_node(
            rule_node, kind="rule", rule=rule.id, name=rule.id, section=rule.section, title=rule.title,
            because=rationale(rule, trace.facts), stratum=firing.stratum,
        )
        own = {item.field for item in outputs}
        for field_name, value in firing.reads.items():
            # a rule that reads a field it concludes itself (e.g. a stated optimizing metric) read the input
            source = node_id("input", field_name) if field_name in own else _field_node(field_name, concluded)
            if source not in graph:
                kind, name = split_field(source)
                attrs: dict[str, Any] = {"kind": kind or "value", "name": name, "value": value}
                if kind == "input":
                    attrs["input"] = True
                graph.add_node(source, **attrs)
            graph.add_edge(source, rule_node, field=field_name)
        for item in outputs:
            target = node_id(item.kind, item.name)
            if target not in graph:
                graph.add_node(target, kind=item.kind, name=item.name,
                               value=trace.facts.get(item.field) if item.kind != "action" else True)
            if item.kind == "action" and item.params:
                graph.nodes[target].setdefault("params", {}).update(item.params)
            graph.add_edge(rule_node, target)
    return graph


# ---------------------------------------------------------------- why
_KIND_PREFERENCE = ("action", "diagnosis", "value", "input")


def find_node(graph: nx.DiGraph, name: str, kind: str | None = None) -> str | None:
    """The node for a name: an action before a diagnosis before a value before an input."""
    kinds = (kind,) if kind else _KIND_PREFERENCE
    for candidate in kinds:
        node = node_id(candidate, name)
        if node in graph:
            return node
    return None


class _Printable:
    """Renders itself as its `lines()` (an indented tree of text)."""

    def lines(self, depth: int = 0) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def __str__(self) -> str:
        return clean("\n".join(self.lines()))


@dataclass(frozen=True)
class Explanation(_Printable):
    """One step of a `why` chain: a fact (with its value) and the rule firings that concluded it."""

    kind: str
    name: str
    value: Any
    rules: tuple["RuleStep", ...] = ()
    repeated: bool = False

    def lines(self, depth: int = 0) -> list[str]:
        pad = "  " * depth
        head = f"{pad}{_fact_label(self.kind, self.name, self.value)}"
        if self.kind == "input":
            head += " (given)"
        if self.repeated:
            return [head if self.kind == "input" else head + " (explained above)"]
        if depth and self.is_summary:  # the chain of the asked item only: a summary of many facts is one line
            count = sum(len(step.premises) for step in self.rules)
            return [f"{head} (from {count} facts; why({self.name!r}) shows them)"]  # see is_summary
        out = [head]
        for step in self.rules:
            out.append(f"{pad}  because [{step.rule}] {step.because}")
            for premise in step.premises:
                out.extend(premise.lines(depth + 2))
        return out

    @property
    def is_summary(self) -> bool:
        """A value concluded from more than SUMMARY_READS derived facts (the largest gap, from every gap): inside
        another item's chain it is context, shown as one line rather than its whole derivation."""
        return self.kind == "value" and any(
            sum(1 for premise in step.premises if premise.kind != "input") > SUMMARY_READS for step in self.rules)

    def inputs(self) -> set[str]:
        """The input facts this explanation rests on."""
        found = {self.name} if self.kind == "input" else set()
        for step in self.rules:
            for premise in step.premises:
                found |= premise.inputs()
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "name": self.name, "value": self.value,
            "because": [
                {"rule": s.rule, "section": s.section, "text": s.because, "premises": [p.to_dict() for p in s.premises]}
                for s in self.rules
            ],
        }


@dataclass(frozen=True)
class RuleStep:
    rule: str
    section: str
    because: str
    premises: tuple[Explanation, ...]


def _fact_label(kind: str, name: str, value: Any) -> str:
    if kind == "action":
        title = ACTIONS[name].title if name in ACTIONS else name
        return f"action {name} ({title})"
    if kind == "diagnosis":
        severity = f" ({format_value(name, value)})" if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
        return f"diagnosis {name}{severity}"
    return f"{kind} {name} = {format_value(name, value)}"


def explain(graph: nx.DiGraph, node: str) -> Explanation:
    """The chain from a conclusion back to the input facts, each step with its rule's rationale."""
    return _explain(graph, node, set())


def _explain(graph: nx.DiGraph, node: str, seen: set[str]) -> Explanation:
    data = graph.nodes[node]
    if node in seen:
        return Explanation(data["kind"], data["name"], data.get("value"), repeated=True)
    seen.add(node)
    steps = []
    for rule_node in sorted(graph.predecessors(node)):
        rule = graph.nodes[rule_node]
        premises = tuple(_explain(graph, source, seen) for source in graph.predecessors(rule_node))
        steps.append(RuleStep(rule["rule"], rule["section"], rule["because"], premises))
    return Explanation(data["kind"], data["name"], data.get("value"), tuple(steps))


# ---------------------------------------------------------------- why not
@dataclass(frozen=True)
class RuleCheck:
    """One rule that could conclude the name, and the conditions that failed (with values)."""

    rule: str
    section: str
    failures: tuple[Failure, ...]
    because_missing: tuple["WhyNot", ...] = ()


@dataclass(frozen=True)
class WhyNot(_Printable):
    """Why a diagnosis, action or value was not concluded: every rule that could, nearest first."""

    name: str
    kind: str
    concluded: bool
    checks: tuple[RuleCheck, ...] = ()
    note: str = ""

    @property
    def nearest(self) -> RuleCheck | None:
        return self.checks[0] if self.checks else None

    def __str__(self) -> str:
        """One line: the nearest rule and the conditions that failed; `full()` has every rule, nested."""
        if self.concluded or not self.checks:
            return clean("\n".join(self.lines()))
        nearest = self.checks[0]
        failed = "; ".join(str(f) for f in nearest.failures) or "no condition failed"
        others = len(self.checks) - 1
        more = f" ({others} other rule{'s' if others > 1 else ''} could conclude it: --all lists them)" if others else ""
        return clean(f"{self.kind} {self.name} was not concluded: nearest rule [{nearest.rule}] failed on {failed}.{more}")

    def full(self) -> str:
        """Every rule that could conclude the name, nearest first, with each failed condition and, for a derived
        fact that is missing, why that was not concluded either."""
        return clean("\n".join(self.lines()))

    def lines(self, depth: int = 0) -> list[str]:
        pad = "  " * depth
        if self.concluded and self.kind == "input":
            return [f"{pad}{self.name} is an input you gave, not a conclusion."]
        if self.concluded:
            return [f"{pad}{self.kind} {self.name} was concluded: see why({self.name!r})."]
        if not self.checks:
            return [f"{pad}{self.kind} {self.name} was not concluded. {self.note}".rstrip()]
        out = [f"{pad}{self.kind} {self.name} was not concluded."]
        for index, check in enumerate(self.checks):
            label = "nearest rule" if index == 0 else "also"
            out.append(f"{pad}  {label} [{check.rule}] ({check.section}) failed on:")
            for failure in check.failures:
                out.append(f"{pad}    - {failure}")
            for nested in check.because_missing:
                out.extend(nested.lines(depth + 3))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "kind": self.kind, "concluded": self.concluded, "note": self.note,
            "rules": [
                {"rule": c.rule, "section": c.section, "failed": [str(f) for f in c.failures],
                 "because_missing": [n.to_dict() for n in c.because_missing]}
                for c in self.checks
            ],
        }


def _fields_for(name: str) -> list[tuple[str, str]]:
    """The (kind, field) pairs a name may stand for: an action, a diagnosis, a value."""
    return [("action", action_field(name)), ("diagnosis", diagnosis_field(name)), ("value", name)]


def why_not(trace: Trace, knowledge: CompiledKnowledge, name: str, kind: str | None = None,
            _seen: frozenset[str] = frozenset()) -> WhyNot:
    """Evaluate every rule that could conclude `name` against the snapshot it saw, nearest rule first."""
    pairs = [(k, f) for k, f in _fields_for(name) if kind is None or k == kind]
    for found_kind, field_name in pairs:
        if trace.facts.get(field_name) is not None and field_name not in trace.inputs:
            return WhyNot(name, found_kind, concluded=True)
    for found_kind, field_name in pairs:
        producers = producers_of(field_name, knowledge.producers)
        if not producers:
            continue
        checks = []
        fired = {firing.rule for firing in trace.firings}
        for rule_id in producers:
            rule = knowledge.rule(rule_id)
            stratum = knowledge.strata[rule_id]
            snapshot = trace.snapshots[stratum] if stratum < len(trace.snapshots) else trace.facts
            failed = tuple(failures(rule.when, snapshot))
            if not failed and rule_id in fired:
                failed = (Failure("its conditions hold, but its function found no value to conclude here", ()),)
            derived_missing = dict.fromkeys(
                f for failure in failed for f in failure.fields
                if producers_of(f, knowledge.producers) and f not in _seen and snapshot.get(f) is None
            )
            nested = tuple(
                why_not(trace, knowledge, name_of(f), split_field(f)[0] or "value", _seen | {field_name})
                for f in derived_missing
            )
            checks.append(RuleCheck(rule_id, rule.section, failed, nested))
        checks.sort(key=lambda c: (len(c.failures), c.rule))
        return WhyNot(name, found_kind, concluded=False, checks=tuple(checks))
    if name in trace.inputs:
        return WhyNot(name, "input", concluded=True, note="it is an input you gave")
    return WhyNot(name, kind or "name", concluded=False, note=_no_rule_note(name, knowledge))


def _no_rule_note(name: str, knowledge: CompiledKnowledge) -> str:
    from mlstrategy.plain import suggest

    names = known_names(knowledge)
    hint = suggest(name, names)
    return f"No rule concludes {name!r}." + (f" Did you mean {hint!r}?" if hint else "")


def known_names(knowledge: CompiledKnowledge) -> list[str]:
    """Every name a rule can conclude, plus the catalogue's diagnoses and actions."""
    names = {name_of(field) for field in knowledge.producers}
    return sorted(names | set(DIAGNOSES) | set(ACTIONS))
