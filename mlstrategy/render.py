"""Renderings of Advice for people: plain text, Markdown, rich terminal output, and graph exports.

Advice holds results; this module only formats them (compute apart from render).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any


from .inference.formatting import field_title, format_value

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .advice import Advice, Diagnosis

__all__ = ["text", "markdown", "rich_renderable", "graph_dot", "graph_mermaid"]


def _severity(diagnosis: "Diagnosis") -> str:
    if diagnosis.severity is None:
        return ""
    return f" {format_value(diagnosis.name, diagnosis.severity)}"


def _diagnosis_line(diagnosis: "Diagnosis") -> str:
    kind = {"target": "target problem", "problem": f"{diagnosis.stage} stage", "caveat": "caveat",
            "undetermined": "can't tell yet", "status": "status"}.get(diagnosis.kind, diagnosis.kind)
    return f"{diagnosis.name}{_severity(diagnosis)} ({kind}): {diagnosis.description}"


def _primary_line(advice: "Advice") -> str:
    """The headline: the primary problem, or what the facts cannot tell yet, or how the project stands."""
    primary = advice.primary_problem
    if primary:
        return f"Primary problem: {primary}"
    first = next((d for d in advice.diagnoses if d.kind in ("undetermined", "status")), None)
    if first is not None and first.kind == "undetermined":
        between = advice.values.get("undetermined_between") or ()
        settle = advice.values.get("settled_by") or ()
        return (f"Primary problem: can't tell yet ({' or '.join(between) or first.title})"
                + (f"; measure {', '.join(settle)} to settle it" if settle else ""))
    if first is not None:
        return f"Status: {first.title}"
    return "Primary problem: none found"


def _params(params: dict[str, Any]) -> str:
    return ", ".join(f"{key}={format_value(key, value)}" for key, value in params.items())


def _values(advice: "Advice") -> str:
    return ", ".join(f"{field_title(name)} {format_value(name, value)}" for name, value in advice.values.items())


def _why_not_line(answer: Any) -> str:
    check = answer.nearest
    if check is None:
        return answer.note or "no rule applies"
    return f"[{check.rule}] failed on " + "; ".join(str(f) for f in check.failures)


def text(advice: "Advice") -> str:
    """A plain-text report: primary problem, diagnoses with reasons, the plan, values, questions."""
    lines = ["mlstrategy advice", "================="]
    given = ", ".join(f"{field_title(k)} {format_value(k, v)}" for k, v in advice.inputs.items())
    lines.append(f"Given: {given or 'nothing'}")
    lines.append(_primary_line(advice))
    lines.append("")
    lines.append("Diagnoses")
    if not advice.diagnoses:
        lines.append("  (none: no gap or target problem worth acting on)")
    for index, diagnosis in enumerate(advice.diagnoses, 1):
        lines.append(f"  {index}. {_diagnosis_line(diagnosis)}")
        for reason in diagnosis.reasons:
            lines.append(f"     because {reason}")
    lines.append("")
    lines.append("Plan")
    if not advice.actions:
        lines.append("  (no action: nothing worth fixing was found)")
    shown: set[str] = set()
    for index, action in enumerate(advice.actions, 1):
        target = f" (for {', '.join(action.addresses)})" if action.addresses else ""
        params = f" [{_params(action.params)}]" if action.params else ""
        lines.append(f"  {index}. {action.name}: {action.title}{params}{target}")
        for reason in action.reasons:  # a rule recommending several actions is quoted once
            lines.append(f"     because [{reason.rule}] (see above)" if reason.rule in shown else f"     because {reason}")
            shown.add(reason.rule)
    if advice.not_advised:
        lines.append("")
        lines.append("Considered, not advised")
        for answer in advice.not_advised:
            lines.append(f"  - {answer.name}: {_why_not_line(answer)}")
    if advice.values:
        lines.append("")
        lines.append(f"Values: {_values(advice)}")
    if advice.missing:
        lines.append("")
        lines.append("Would sharpen the advice")
        for item in advice.missing:
            lines.append(f"  - {item.name}: {item.why}")
    return "\n".join(lines)


def markdown(advice: "Advice") -> str:
    """A Markdown report (also what notebooks show)."""
    out = ["## mlstrategy advice", ""]
    out.append(f"**Primary problem:** `{advice.primary_problem}`" if advice.primary_problem else "**Primary problem:** none found")
    out.append("")
    out.append("### Diagnoses")
    if not advice.diagnoses:
        out.append("_None: no gap or target problem worth acting on._")
    for index, diagnosis in enumerate(advice.diagnoses, 1):
        out.append(f"{index}. **{diagnosis.title}** (`{diagnosis.name}`{_severity(diagnosis)}, {diagnosis.kind}): "
                   f"{diagnosis.description}")
        for reason in diagnosis.reasons:
            out.append(f"   - _{reason.rule}_: {reason.text}")
    out.append("")
    out.append("### Plan")
    if not advice.actions:
        out.append("_No action: nothing worth fixing was found._")
    for index, action in enumerate(advice.actions, 1):
        target = f" (for {', '.join(f'`{a}`' for a in action.addresses)})" if action.addresses else ""
        params = f" [{_params(action.params)}]" if action.params else ""
        out.append(f"{index}. **{action.title}** (`{action.name}`){params}{target}")
        for reason in action.reasons:
            out.append(f"   - _{reason.rule}_: {reason.text}")
    if advice.not_advised:
        out += ["", "### Considered, not advised"]
        out += [f"- `{answer.name}`: {_why_not_line(answer)}" for answer in advice.not_advised]
    if advice.values:
        out += ["", "### Values", "", "| value | |", "| --- | --- |"]
        out += [f"| `{name}` | {format_value(name, value)} |" for name, value in advice.values.items()]
    if advice.missing:
        out += ["", "### Would sharpen the advice"]
        out += [f"- `{item.name}`: {item.why}" for item in advice.missing]
    return "\n".join(out) + "\n"


def rich_renderable(advice: "Advice") -> Any:
    """A rich renderable (tables and panels) for terminals; rich is imported only here."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = []
    title = f"Primary problem: [bold]{advice.primary_problem}[/bold]" if advice.primary_problem else "No problem worth acting on"
    parts.append(Text.from_markup(title))
    diagnoses = Table(title="Diagnoses", show_lines=True, expand=True)
    for column in ("#", "diagnosis", "size", "kind", "because"):
        diagnoses.add_column(column, overflow="fold")
    for index, d in enumerate(advice.diagnoses, 1):
        diagnoses.add_row(str(index), d.name, _severity(d).strip(), d.kind, "\n".join(str(r) for r in d.reasons))
    parts.append(diagnoses)
    plan = Table(title="Plan", show_lines=True, expand=True)
    for column in ("#", "action", "for", "because"):
        plan.add_column(column, overflow="fold")
    for index, a in enumerate(advice.actions, 1):
        label = a.name + (f"\n{_params(a.params)}" if a.params else "")
        plan.add_row(str(index), label, ", ".join(a.addresses), "\n".join(str(r) for r in a.reasons))
    parts.append(plan)
    if advice.values:
        parts.append(Text(f"Values: {_values(advice)}"))
    if advice.not_advised:
        parts.append(Panel("\n".join(f"- {w.name}: {_why_not_line(w)}" for w in advice.not_advised),
                           title="Considered, not advised"))
    if advice.missing:
        parts.append(Panel("\n".join(f"- {m.name}: {m.why}" for m in advice.missing), title="Would sharpen the advice"))
    return Group(*parts)


# ---------------------------------------------------------------- graph exports
def _label(data: dict[str, Any]) -> str:
    kind = data.get("kind")
    if kind == "rule":
        return f"rule {data['rule']}"
    if kind == "action":
        return f"action {data['name']}"
    if kind == "diagnosis":
        value = data.get("value")
        size = f" {format_value(data['name'], value)}" if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
        return f"diagnosis {data['name']}{size}"
    return f"{data['name']} = {format_value(data['name'], data.get('value'))}"


_DOT_STYLE = {
    "input": {"shape": "box", "style": "filled", "fillcolor": "#e8f0fe"},
    "value": {"shape": "box", "style": "rounded"},
    "rule": {"shape": "ellipse", "style": "dashed"},
    "diagnosis": {"shape": "box", "style": "filled", "fillcolor": "#fde7e9"},
    "action": {"shape": "box", "style": "filled", "fillcolor": "#e6f4ea"},
}


def graph_dot(graph: nx.DiGraph) -> str:
    """DOT text via networkx's pydot bridge, with nodes styled by kind."""
    import networkx as nx

    drawn = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        label = _label(data).replace("\\", "\\\\").replace('"', '\\"')  # user text may hold quotes
        drawn.add_node(_dot_id(node), label=f'"{label}"', **_DOT_STYLE.get(data.get("kind"), {}))
    drawn.add_edges_from((_dot_id(a), _dot_id(b)) for a, b in graph.edges)
    dot = nx.nx_pydot.to_pydot(drawn)
    dot.set_rankdir("LR")
    return dot.to_string()


def _dot_id(node: str) -> str:
    return '"' + node.replace('"', "'") + '"'


def graph_mermaid(graph: nx.DiGraph) -> str:
    """A Mermaid flowchart of the graph (no library writes Mermaid; the format is a few lines)."""
    ids = {node: f"n{index}" for index, node in enumerate(graph.nodes)}
    shapes = {"input": ("[/", "/]"), "value": ("(", ")"), "rule": ("{{", "}}"), "diagnosis": ("[", "]"), "action": ("([", "])")}
    lines = ["flowchart LR"]
    for node, data in graph.nodes(data=True):
        left, right = shapes.get(data.get("kind"), ("[", "]"))
        label = re.sub(r'["\[\]{}()<>]', "", _label(data))
        lines.append(f'    {ids[node]}{left}"{label}"{right}')
    for a, b in graph.edges:
        lines.append(f"    {ids[a]} --> {ids[b]}")
    for kind, style in _DOT_STYLE.items():
        fill = style.get("fillcolor", "#ffffff")
        lines.append(f"    classDef {kind} fill:{fill},stroke:#555")
    for kind in _DOT_STYLE:
        members = [ids[n] for n, d in graph.nodes(data=True) if d.get("kind") == kind]
        if members:
            lines.append(f"    class {','.join(members)} {kind}")
    return "\n".join(lines) + "\n"
