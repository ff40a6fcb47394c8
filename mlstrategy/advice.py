"""Advice: what one consultation concluded, with explanations. Renderings live in `mlstrategy.render`.

>>> import mlstrategy as mls
>>> advice = mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10)
>>> advice.primary_problem
'avoidable_bias'
>>> advice.actions[0].name
'bigger_model'
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .inference.explain import Explanation, WhyNot

    from .choice import ModelChoice
    from .compare import Comparison
    from .facts import Situation
    from .settings import Settings

from ._cached import cached
from .inference.compile import CompiledKnowledge
from .inference.engine import Firing, Trace
from .inference.plan import STEPS, plan_items, rank_diagnoses, rank_questions, rationale
from .knowledge.catalog import ACTIONS, DIAGNOSES
from .plain import SETTINGS_DEFAULTS, holds_nested, suggest

__all__ = ["Advice", "Diagnosis", "Action", "Reason", "MissingFact", "STEPS"]


class Reason:
    """One rule's reason for a conclusion: its id, course section, and rationale filled with the values used.

    The text is rendered on first use: a sweep that reads only names and numbers never pays for it.
    """

    __slots__ = ("rule", "section", "_render", "_text")

    def __init__(self, rule: str, section: str, text: str | Callable[[], str]) -> None:
        self.rule = rule
        self.section = section
        self._render = text if callable(text) else None
        self._text = None if callable(text) else text

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._render() if self._render is not None else ""
        return self._text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reason) and (self.rule, self.section, self.text) == (other.rule, other.section, other.text)

    def __hash__(self) -> int:
        return hash((self.rule, self.section))

    def __repr__(self) -> str:
        return f"Reason(rule={self.rule!r}, section={self.section!r}, text={self.text!r})"

    def __str__(self) -> str:
        return f"[{self.rule}] {self.text}"


@dataclass(frozen=True)
class Diagnosis:
    """A diagnosed problem or caveat; `severity` is its gap where it has one (e.g. avoidable bias 0.07)."""

    name: str
    kind: str
    """"target" (the dev/test set or metric is in the wrong place), "problem" (a gap or defect to fix),
    "caveat" (qualifies the advice), "undetermined" (the facts cannot yet tell apart the problems in `between`;
    measuring `settled_by` settles it) or "status" (e.g. `meets_target`). Only targets and problems can be the
    primary problem."""
    stage: str  # the link of the orthogonalization chain it concerns
    title: str
    description: str
    severity: float | None
    reasons: tuple[Reason, ...]
    between: tuple[str, ...] = ()
    """For an undetermined diagnosis: the problems that cannot yet be told apart (e.g. avoidable_bias, variance)."""
    settled_by: tuple[str, ...] = ()
    """For an undetermined diagnosis: the input facts whose measurement settles it (e.g. human_error)."""

    @property
    def is_caveat(self) -> bool:
        return self.kind == "caveat"


@dataclass(frozen=True)
class Action:
    """One step of the plan: what to do, its parameters, which diagnoses it addresses, and every reason for it."""

    name: str
    title: str
    description: str
    params: dict[str, Any]
    addresses: tuple[str, ...]
    reasons: tuple[Reason, ...]
    step: str = "do first"
    """Its step of the plan: "do first", "then" or "also possible" (see `mlstrategy.inference.plan.STEPS`)."""


@dataclass(frozen=True)
class MissingFact:
    """A fact not given that would change or sharpen the advice, and why."""

    name: str
    why: str
    rules: tuple[str, ...] = field(default=())


_new = object.__new__
_set_dict = object.__setattr__


def _copy(value: Any) -> Any:
    """A given fact with its own dicts and lists (a candidate's metrics, a curve), its scalars shared. A given list
    holds one kind of item (candidates, or numbers, or names: `mlstrategy.plain` reads no other), so its first
    item tells whether there is anything to copy inside it."""
    kind = type(value)
    if kind is dict:
        return {key: _copy(item) if type(item) in _CONTAINERS else item for key, item in value.items()}
    if kind is list:
        return [_copy(item) for item in value] if value and type(value[0]) in _CONTAINERS else list(value)
    return value


_CONTAINERS = (dict, list)


class Advice:
    """Ranked diagnoses, an ordered action plan, derived values, questions and the reasoning graph."""

    def __init__(self, situation: "Situation | None", settings: "Settings | None", trace: Trace,
                 knowledge: CompiledKnowledge, fields_set: "set[str] | None" = None,
                 given: "dict[str, Any] | None" = None, source: "Mapping[str, Any] | None" = None) -> None:
        """`situation` None: the consultation read plain input without pydantic (`mlstrategy.plain`); the
        Situation is built from the given facts on first access, with `fields_set` as the fields the caller set.
        The given facts are `given` (a pool's, so that the trace it sent is not rebuilt until read), else the
        trace's inputs; their containers are copied. `source`: the caller's input they were read from; when they
        hold a nested part (a model of its own), the Situation is validated from a copy of it, so that the nested
        models record what the caller set, as pydantic's own reading does. `settings` None: the default settings,
        also on first access."""
        if situation is not None:
            self.situation = situation
        else:  # the given facts' own containers, as a validated Situation would hold them (advice.inputs shares
            given = trace.inputs if given is None else given  # the trace's, which a caller may change first)
            for value in given.values():  # most given facts hold no container: then there is nothing to copy
                if type(value) is dict or type(value) is list:
                    if holds_nested(given):  # plain dicts, lists and scalars
                        given = _copy(source if source is not None else given)
                    else:  # mappings of scalars (human levels, tasks): one level
                        given = {key: dict(item) if type(item) is dict else item for key, item in given.items()}
                    break
            self._given = given
        if settings is not None:
            self.settings = settings
        self._fields_set = fields_set
        self.trace = trace
        self._knowledge = knowledge
        self._reason_of: dict[str, Reason] = {}  # one reason per rule that fired (a rule fires once per consultation)

    # Built on first access when the consultation needed neither (plain input, default settings): reading them
    # loads pydantic and the models, which nothing else of plain advice (its plan, texts, JSON) needs.
    @cached
    def situation(self) -> "Situation":
        """The facts as validated (a `Situation`)."""
        from .facts import situation_of_given

        return situation_of_given(self._given, self._fields_set)

    @cached
    def settings(self) -> "Settings":
        """The settings of the consultation."""
        from .settings import DEFAULT_SETTINGS

        return DEFAULT_SETTINGS

    # Results are built on first access: a sweep that reads only `primary_problem` pays for little else.
    @cached
    def _ranked(self) -> list[Any]:
        return rank_diagnoses(self.trace)

    @cached
    def diagnoses(self) -> list[Diagnosis]:
        """Ranked: target problems, then gap problems (significant, then largest first), then caveats."""
        return [self._diagnosis(item.name, item.severity, item.firings) for item in self._ranked]

    @cached
    def actions(self) -> list[Action]:
        """The plan: each action once, with every reason, ordered by the diagnosis it addresses."""
        known, reasons = self._reason_of, self._reasons
        out = []
        for name, params, addresses, firings, step in plan_items(self.trace, self._ranked):
            info = ACTIONS.get(name)  # read live, as why() and the graph read it
            title, description = (info.title, info.description) if info is not None else (name, "")
            # one firing nearly always recommended it: its reason, shared by every item that firing concluded
            reason = known.get(firings[0].rule) if len(firings) == 1 else None
            action = _new(Action)  # `frozen(Action, ...)` written out: this runs for every action of every advice
            _set_dict(action, "__dict__", {
                "name": name, "title": title, "description": description, "params": params, "addresses": addresses,
                "reasons": (reason,) if reason is not None else reasons(firings), "step": step})
            out.append(action)
        return out

    def steps(self) -> dict[str, list[Action]]:
        """The plan by step, in order ("do first", "then", "also possible"); steps with no action are left out."""
        grouped: dict[str, list[Action]] = {step: [] for step in STEPS}
        for action in self.actions:
            grouped.setdefault(action.step, []).append(action)
        return {step: items for step, items in grouped.items() if items}

    @cached
    def missing(self) -> list[MissingFact]:
        """Facts not given that would change or sharpen the advice, most decisive first."""
        return [MissingFact(q.name, q.why, q.rules) for q in rank_questions(self.trace)]

    @cached
    def values(self) -> dict[str, Any]:
        """Derived values by name (gaps, Bayes proxy, F1, ceilings, the selected candidate...)."""
        return {name: self.trace.facts[pairs[0][1].field] for name, pairs in self.trace.concluded("value").items()}

    # ------------------------------------------------------------ contents
    @property
    def primary_problem(self) -> str | None:
        """The first diagnosis that is not a caveat: target problems before gap problems, larger gaps first.

        None when nothing needs fixing, and when the facts cannot tell which problem it is (an undetermined
        diagnosis ranks first: `advice.undetermined` names the candidates and what settles them)."""
        for item in self._ranked:
            kind = DIAGNOSES[item.name].kind if item.name in DIAGNOSES else "problem"
            if kind in ("target", "problem"):
                return item.name
            if kind == "undetermined":
                return None
        return None

    @property
    def undetermined(self) -> Diagnosis | None:
        """The first undetermined diagnosis (e.g. bias or variance, until a human level is measured), if any."""
        return next((d for d in self.diagnoses if d.kind == "undetermined"), None)

    @cached
    def choice(self) -> "ModelChoice | None":
        """The model choice when candidates were given: the table, each bound passed or failed, the winner."""
        if not self.trace.facts.get("candidates"):  # as model_choice decides, without importing it (~2.5 ms)
            return None
        from .choice import model_choice

        return model_choice(self)

    @property
    def headline(self) -> str:
        """One sentence: what to do first and why (every rendering leads with it)."""
        from .summary import headline

        return headline(self)

    def summary_line(self) -> str:
        """A compact line for sweeps: the primary problem and its size, the first steps, the chosen model."""
        from .summary import summary_line

        return summary_line(self)

    def compare(self, other: "Advice") -> "Comparison":
        """What changed from this advice to `other` (a later run): gaps closed or opened, the primary problem,
        actions new or done. Empty (falsy) when nothing changed.

        >>> before.compare(after).gaps_closed   # doctest: +SKIP
        ['avoidable_bias']
        """
        from .compare import compare

        return compare(self, other)

    @property
    def inputs(self) -> dict[str, Any]:
        """The facts the user gave."""
        return dict(self.trace.inputs)

    def diagnosis(self, name: str) -> Diagnosis | None:
        return next((d for d in self.diagnoses if d.name == name), None)

    def action(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)

    def _reasons(self, firings: tuple[Firing, ...]) -> tuple[Reason, ...]:
        """One reason per firing, shared by every item it concluded (a rule's firing recommends several actions)
        and rendered once, on first read."""
        known = self._reason_of
        if len(firings) == 1:  # nearly always: one rule recommended it
            reason = known.get(firings[0].rule)  # a rule fires at most once per consultation
            return (reason,) if reason is not None else (self._reason(known, firings[0]),)
        return tuple(known.get(firing.rule) or self._reason(known, firing) for firing in firings)

    def _reason(self, known: dict[str, Reason], firing: Firing) -> Reason:
        rule = self._knowledge.rule(firing.rule)
        reason = known[firing.rule] = Reason(rule.id, rule.section, partial(rationale, rule, self.trace.facts))
        return reason

    def _diagnosis(self, name: str, severity: Any, firings: tuple[Firing, ...]) -> Diagnosis:
        info = DIAGNOSES.get(name)
        return Diagnosis(
            name=name,
            kind=info.kind if info else "problem",
            stage=info.stage if info else "",
            title=info.title if info else name,
            description=info.description if info else "",
            severity=severity if isinstance(severity, (int, float)) and not isinstance(severity, bool) else None,
            reasons=self._reasons(firings),
            between=self._undetermined_field(info, "between", "undetermined_between"),
            settled_by=self._undetermined_field(info, "settled_by", "settled_by"),
        )

    def _undetermined_field(self, info: Any, attribute: str, value: str) -> tuple[str, ...]:
        """An undetermined diagnosis's candidates or settling facts: what this situation concluded (the
        `undetermined_between` and `settled_by` values), else what the catalogue declares."""
        if info is None or info.kind != "undetermined":
            return tuple(getattr(info, attribute, ()) or ())
        found = self.values.get(value)
        if isinstance(found, (list, tuple)) and found:
            return tuple(str(item) for item in found)
        return tuple(getattr(info, attribute, ()) or ())

    @cached
    def not_advised(self) -> "list[WhyNot]":
        """Choices the situation bears on but that were not advised (transfer, multi-task, end-to-end...), with why not."""
        out = []
        given = set(self.trace.inputs)
        for name, info in ACTIONS.items():
            if given & set(info.bears_on) and self.action(name) is None:
                out.append(self.why_not(name, kind="action"))
        return out

    # ------------------------------------------------------------ explanations
    @cached
    def graph(self) -> nx.DiGraph:
        """The reasoning graph: input/value/diagnosis/action nodes and rule-firing nodes (built on first use)."""
        from .inference.explain import build_graph  # explanations load on first use: plain advice never needs them

        return build_graph(self.trace, self._knowledge)

    def why(self, name: str, kind: str | None = None) -> "Explanation":
        """The chain from a conclusion back to the input facts, with each rule's rationale and numbers.

        `kind` picks one of `action`, `diagnosis`, `value`, `input` when a name is several; by default an
        action comes before a diagnosis before a value.
        """
        from .inference.explain import UnknownName, explain, find_node, known_names

        node = find_node(self.graph, name, kind)
        if node is None:
            hint = suggest(name, set(known_names(self._knowledge)) | set(self.trace.inputs))
            raise UnknownName(
                f"{name!r} was not concluded in this advice"
                + (f" (did you mean {hint!r}?)" if hint and hint != name else "")
                + f"; advice.why_not({name!r}) says why."
            )
        return explain(self.graph, node)

    def why_not(self, name: str, kind: str | None = None) -> "WhyNot":
        """Why a diagnosis, action or value was not concluded: the nearest rule and each failed condition, with values."""
        from .inference.explain import why_not

        return why_not(self.trace, self._knowledge, name, kind)

    # ------------------------------------------------------------ renderings
    def setting(self, name: str) -> Any:
        """One setting's value in this consultation (without building the Settings of a plain consultation)."""
        if "settings" in self.__dict__:
            return getattr(self.settings, name)
        return SETTINGS_DEFAULTS[name]

    def _settings_dump(self) -> dict[str, Any]:
        """`self.settings.model_dump()`; for the defaults not yet built, from the table of the models."""
        if "settings" not in self.__dict__:
            return dict(SETTINGS_DEFAULTS)
        return self.settings.model_dump()

    def to_dict(self) -> dict[str, Any]:
        """Plain data: inputs, settings, primary problem, diagnoses, plan, values and questions."""
        def reasons(items: tuple[Reason, ...]) -> list[dict[str, str]]:
            return [{"rule": r.rule, "section": r.section, "text": r.text} for r in items]

        choice = self.choice
        return {
            "headline": self.headline,
            "inputs": self.inputs,
            "settings": self._settings_dump(),
            "primary_problem": self.primary_problem,
            "diagnoses": [
                {"name": d.name, "kind": d.kind, "stage": d.stage, "title": d.title, "severity": d.severity,
                 "reasons": reasons(d.reasons),
                 **({"between": list(d.between), "settled_by": list(d.settled_by)} if d.between or d.settled_by else {})}
                for d in self.diagnoses
            ],
            "actions": [
                {"name": a.name, "title": a.title, "step": a.step, "params": a.params, "addresses": list(a.addresses),
                 "reasons": reasons(a.reasons)}
                for a in self.actions
            ],
            "steps": {step: [a.name for a in items] for step, items in self.steps().items()},
            "choice": choice.to_dict() if choice is not None else None,
            "values": dict(self.values),
            "missing": [{"name": m.name, "why": m.why} for m in self.missing],
            "not_advised": [
                {"name": w.name, "rule": w.nearest.rule if w.nearest else None,
                 "failed": [str(f) for f in w.nearest.failures] if w.nearest else []}
                for w in self.not_advised
            ],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_markdown(self) -> str:
        from .render import markdown

        return markdown(self)

    def __str__(self) -> str:
        from .render import text

        return text(self)

    def __repr__(self) -> str:
        return (f"<Advice primary_problem={self.primary_problem!r} diagnoses={[d.name for d in self.diagnoses]} "
                f"actions={[a.name for a in self.actions]}>")

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __rich__(self) -> Any:
        from .render import rich_renderable

        return rich_renderable(self)

    def to_dot(self) -> str:
        """The reasoning graph in Graphviz DOT."""
        from .render import graph_dot

        return graph_dot(self.graph)

    def to_mermaid(self) -> str:
        """The reasoning graph as a Mermaid flowchart (renders in GitHub Markdown)."""
        from .render import graph_mermaid

        return graph_mermaid(self.graph)

    def to_node_link(self) -> dict[str, Any]:
        """The reasoning graph as node-link JSON data (networkx's format, for D3 and friends)."""
        import networkx as nx

        return nx.node_link_data(self.graph, edges="edges")

    # ------------------------------------------------------------ reports and pictures (matplotlib: the [plot] extra)
    def to_html(self) -> str:
        """The report as one self-contained HTML page: plan, explanations, the error ladder and the graph inline."""
        from .report import html

        return html(self)

    def save_html(self, path: Any) -> Any:
        """Write `to_html()` to `path` (a str or os.PathLike), UTF-8; returns it as a pathlib.Path."""
        from .report import save_html

        return save_html(self, path)

    def plot(self) -> Any:
        """The error ladder (Bayes proxy, train, train-dev, dev, test) with each gap: a matplotlib Figure."""
        from .plots import ladder_figure

        return ladder_figure(self)

    def save_plot(self, path: Any) -> Any:
        """Write the error ladder to `path` (a str or os.PathLike); the suffix picks the format (.png, .svg, .pdf)."""
        from .plots import save_plot

        return save_plot(self, path)

    def save_graph(self, path: Any) -> Any:
        """Write the explanation graph to `path` as .svg or .png (Graphviz's dot when installed, else matplotlib)."""
        from .plots import save_graph

        return save_graph(self, path)

    def _repr_html_(self) -> str | None:
        """The HTML report for notebooks; None (so the Markdown is shown) when matplotlib is not installed."""
        from .report import fragment

        try:
            return fragment(self)
        except ImportError:
            return None
