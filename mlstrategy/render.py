"""Renderings of Advice for people: plain text, Markdown, rich terminal output, and graph exports.

Advice holds results; this module only formats them (compute apart from render). Every rendering leads with
`Advice.headline`, shows the model choice as a table when candidates were given, the plan in its steps ("do
first", "then", "also possible") with each rule's rationale quoted once and referred to after, and the values
the plan rests on with each interval beside its value. User text never reaches a rendering raw: control
characters are stripped (`mlstrategy.sanitize`), and each format escapes by its own grammar (rich markup,
Markdown, DOT, Mermaid).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .inference.formatting import field_title, format_value
from .sanitize import clean, one_line
from .summary import LIST_LIMIT, brief, key_value_names, shorten, value_rows

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .advice import Advice, Diagnosis, Reason
    from .choice import ModelChoice

__all__ = ["text", "markdown", "rich_renderable", "graph_dot", "graph_mermaid", "plan_reasons", "choice_table",
           "split_values", "summarised_graph", "md", "md_code", "dot_string", "mermaid_string", "STEP_TITLES", "MAX_LABEL"]

STEP_TITLES = {"do first": "Do first", "then": "Then", "also possible": "Also possible"}
MAX_LABEL = 200
"""Graph labels are cut to this many characters (Graphviz refuses labels over 16,384; a picture needs far less)."""


# ---------------------------------------------------------------- shared pieces
def _severity(diagnosis: "Diagnosis") -> str:
    if diagnosis.severity is None:
        return ""
    return f" {format_value(diagnosis.name, diagnosis.severity)}"


def _diagnosis_line(diagnosis: "Diagnosis") -> str:
    kind = {"target": "target problem", "problem": f"{diagnosis.stage} stage", "caveat": "caveat",
            "undetermined": "can't tell yet", "status": "status"}.get(diagnosis.kind, diagnosis.kind)
    line = f"{diagnosis.name}{_severity(diagnosis)} ({kind}): {diagnosis.description}"
    if diagnosis.between:
        line += f" Between: {', '.join(diagnosis.between)}."
    if diagnosis.settled_by:
        line += f" Settled by measuring: {', '.join(diagnosis.settled_by)}."
    return line


def _params(params: dict[str, Any]) -> str:
    return ", ".join(f"{key}={brief(key, value)}" for key, value in params.items())


def _why_not_line(answer: Any) -> str:
    check = answer.nearest
    if check is None:
        return answer.note or "no rule applies"
    return f"[{check.rule}] failed on " + "; ".join(str(f) for f in check.failures)


def plan_reasons(advice: "Advice", plan_first: bool = False) -> tuple[dict[str, list[tuple["Reason", bool]]],
                                                                     dict[str, list[tuple["Reason", bool]]]]:
    """The reasons of each diagnosis and of each action (by name), each flagged True where it is quoted in full
    (the first time a rule is met, in the order the page shows them: diagnoses first, or the plan first) and
    False where it is only referred to: a rule that recommends five actions is quoted once, not five times."""
    quoted: set[str] = set()

    def flag(reasons: tuple["Reason", ...]) -> list[tuple["Reason", bool]]:
        out = [(reason, reason.rule not in quoted) for reason in reasons]
        quoted.update(reason.rule for reason in reasons)
        return out

    if plan_first:
        actions = {a.name: flag(a.reasons) for a in advice.actions}
        return {d.name: flag(d.reasons) for d in advice.diagnoses}, actions
    diagnoses = {d.name: flag(d.reasons) for d in advice.diagnoses}
    return diagnoses, {a.name: flag(a.reasons) for a in advice.actions}


def split_values(advice: "Advice") -> tuple[list[Any], list[Any]]:
    """(the values the plan rests on, the others): each a list of `summary.ValueRow`."""
    key = key_value_names(advice)
    rows = value_rows(advice)
    return [r for r in rows if r.name in key], [r for r in rows if r.name not in key]


def choice_table(choice: "ModelChoice") -> tuple[list[str], list[list[str]]]:
    """The candidates table: header and rows; a bounded metric's cell says passed or failed, the winner is marked."""
    from .choice import metric_label, metric_value

    metrics = choice.metrics
    header = ["candidate"] + [
        metric_label(m) + (f" ({choice.bound_text(m)})" if m in choice.bounds else "")
        + (" *" if m == choice.optimizing_metric else "") for m in metrics] + ["result"]
    rows = []
    for row in choice.rows[:LIST_LIMIT * 4]:
        cells = [row.name]
        for m in metrics:
            cell = metric_value(m, row.metrics.get(m))
            if m in row.passed:
                cell += " ok" if row.passed[m] else " FAILS"
            cells.append(cell)
        cells.append("CHOSEN" if row.chosen else ("fails a bound" if not row.feasible else ""))
        rows.append(cells)
    if len(choice.rows) > LIST_LIMIT * 4:
        rows.append([f"... and {len(choice.rows) - LIST_LIMIT * 4:,} more"] + [""] * (len(header) - 1))
    return header, rows


def _given(advice: "Advice") -> str:
    return ", ".join(f"{field_title(k)} {brief(k, v)}" for k, v in advice.inputs.items())


def _rows_text(rows: list[Any]) -> str:
    return ", ".join(f"{field_title(r.name)} {r.text}" for r in rows)


def _grid(header: list[str], rows: list[list[str]], pad: str = "  ") -> list[str]:
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
    fmt = lambda line: pad + "  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip()  # noqa: E731
    return [fmt(header), pad + "  ".join("-" * w for w in widths), *(fmt(line) for line in rows)]


# ---------------------------------------------------------------- plain text
def _primary_name(advice: "Advice") -> str:
    """The primary problem's name, or what cannot be told apart yet, or 'none'."""
    if advice.primary_problem:
        return advice.primary_problem
    if advice.undetermined is not None:
        return f"can't tell yet ({' or '.join(advice.undetermined.between) or advice.undetermined.name})"
    return "none"


def text(advice: "Advice") -> str:
    """A plain-text report: headline, the model choice, diagnoses, the plan in steps, values, questions."""
    lines = ["mlstrategy advice", "=================", advice.headline, ""]
    lines.append(f"Given: {_given(advice) or 'nothing'}")
    lines.append(f"Primary problem: {_primary_name(advice)}")
    choice = advice.choice
    if choice is not None:
        lines += ["", "Model choice", f"  {choice.sentence}", *_grid(*choice_table(choice))]
    by_diagnosis, by_action = plan_reasons(advice)
    lines.append("")
    lines.append("Diagnoses")
    if not advice.diagnoses:
        lines.append("  (none: no gap or target problem worth acting on)")
    for index, diagnosis in enumerate(advice.diagnoses, 1):
        lines.append(f"  {index}. {_diagnosis_line(diagnosis)}")
        for reason, full in by_diagnosis[diagnosis.name]:
            lines.append(f"     because {shorten(str(reason))}" if full else f"     because [{reason.rule}] (see above)")
    lines.append("")
    lines.append("Plan")
    if not advice.actions:
        lines.append("  (no action: nothing worth fixing was found)")
    index = 0
    for step, actions in advice.steps().items():
        lines.append(f"  {STEP_TITLES.get(step, step)}:")
        for action in actions:
            index += 1
            target = f" (for {', '.join(action.addresses)})" if action.addresses else ""
            params = f" [{_params(action.params)}]" if action.params else ""
            lines.append(f"  {index}. {action.name}: {action.title}{params}{target}")
            for reason, full in by_action[action.name]:
                lines.append(f"     because {shorten(str(reason))}" if full else f"     because [{reason.rule}] (see above)")
    if advice.not_advised:
        lines.append("")
        lines.append("Considered, not advised")
        for answer in advice.not_advised:
            lines.append(f"  - {answer.name}: {_why_not_line(answer)}")
    key, other = split_values(advice)
    if key or other:
        lines.append("")
        lines.append(f"Values: {_rows_text(key) or '(none the plan rests on)'}")
        if other:
            shown = other[:LIST_LIMIT]
            more = f" and {len(other) - len(shown):,} more (--format json lists them all)" if len(other) > len(shown) else ""
            lines.append(f"Other values: {_rows_text(shown)}{more}")
    if advice.missing:
        lines.append("")
        lines.append("Would sharpen the advice")
        for item in advice.missing:
            lines.append(f"  - {item.name}: {item.why}")
    return clean("\n".join(lines))


# ---------------------------------------------------------------- Markdown
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")


def md(value: Any) -> str:
    """Text for Markdown: one line, punctuation that is Markdown syntax backslash-escaped, no raw HTML."""
    escaped = _MD_SPECIAL.sub(r"\\\1", one_line(str(value)))
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_code(value: Any) -> str:
    """A Markdown code span that holds any text (a fence longer than its longest run of backticks)."""
    body = one_line(str(value)).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", body)), default=0) + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def markdown(advice: "Advice") -> str:
    """A Markdown report (also what notebooks show)."""
    out = ["## mlstrategy advice", "", f"**{md(advice.headline)}**", ""]
    out.append(f"**Primary problem:** {md_code(advice.primary_problem)}" if advice.primary_problem
               else "**Primary problem:** none found")
    choice = advice.choice
    if choice is not None:
        header, rows = choice_table(choice)
        out += ["", "### Model choice", "", md(choice.sentence), "",
                "| " + " | ".join(md(h) for h in header) + " |", "|" + " --- |" * len(header)]
        out += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
    by_diagnosis, by_action = plan_reasons(advice)

    def because(items: list[tuple[Any, bool]]) -> list[str]:
        return [f"   - _{md(r.rule)}_: {md(shorten(r.text))}" if full else f"   - _{md(r.rule)}_ (see above)" for r, full in items]

    out.append("")
    out.append("### Diagnoses")
    if not advice.diagnoses:
        out.append("_None: no gap or target problem worth acting on._")
    for index, diagnosis in enumerate(advice.diagnoses, 1):
        out.append(f"{index}. **{md(diagnosis.title)}** ({md_code(diagnosis.name)}{md(_severity(diagnosis))}, "
                   f"{md(diagnosis.kind)}): {md(diagnosis.description)}")
        out += because(by_diagnosis[diagnosis.name])
    out.append("")
    out.append("### Plan")
    if not advice.actions:
        out.append("_No action: nothing worth fixing was found._")
    index = 0
    for step, actions in advice.steps().items():
        out += ["", f"**{STEP_TITLES.get(step, step)}**", ""]
        for action in actions:
            index += 1
            target = f" (for {', '.join(md_code(a) for a in action.addresses)})" if action.addresses else ""
            params = f" \\[{md(_params(action.params))}\\]" if action.params else ""
            out.append(f"{index}. **{md(action.title)}** ({md_code(action.name)}){params}{target}")
            out += because(by_action[action.name])
    if advice.not_advised:
        out += ["", "### Considered, not advised"]
        out += [f"- {md_code(answer.name)}: {md(_why_not_line(answer))}" for answer in advice.not_advised]
    key, other = split_values(advice)
    if key or other:
        out += ["", "### Values", "", "| value | |", "| --- | --- |"]
        out += [f"| {md_code(r.name)} | {md(r.text)} |" for r in key]
        if other:
            out += ["", f"<details><summary>{len(other):,} other values</summary>", "", "| value | |", "| --- | --- |"]
            out += [f"| {md_code(r.name)} | {md(r.text)} |" for r in other[:LIST_LIMIT * 4]]
            if len(other) > LIST_LIMIT * 4:
                out.append(f"| ... | and {len(other) - LIST_LIMIT * 4:,} more (in the JSON output) |")
            out += ["", "</details>"]
    if advice.missing:
        out += ["", "### Would sharpen the advice"]
        out += [f"- {md_code(item.name)}: {md(item.why)}" for item in advice.missing]
    return clean("\n".join(out)) + "\n"


# ---------------------------------------------------------------- rich
def rich_renderable(advice: "Advice") -> Any:
    """A rich renderable (tables and panels) for terminals; rich is imported only here.

    Every piece of text is a `rich.text.Text`, never markup: a category named `[/]` or `[link=...]` is shown
    as written, and control characters are stripped.
    """
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    def t(value: Any, style: str = "") -> Text:
        return Text(clean(str(value)), style=style)

    parts: list[Any] = [t(advice.headline, "bold")]
    if advice.primary_problem:
        parts.append(Text.assemble("Primary problem: ", (clean(advice.primary_problem), "bold")))
    choice = advice.choice
    if choice is not None:
        header, rows = choice_table(choice)
        table = Table(title="Model choice", caption=clean(choice.sentence), expand=True)
        for column in header:
            table.add_column(t(column), overflow="fold")
        for row in rows:
            table.add_row(*(t(cell, "bold green" if cell == "CHOSEN" else "") for cell in row))
        parts.append(table)
    by_diagnosis, by_action = plan_reasons(advice)

    def because(items: list[tuple[Any, bool]]) -> Text:
        return t("\n".join(shorten(str(r)) if full else f"[{r.rule}] (see above)" for r, full in items))

    diagnoses = Table(title="Diagnoses", show_lines=True, expand=True)
    for column in ("#", "diagnosis", "size", "kind", "because"):
        diagnoses.add_column(column, overflow="fold")
    for index, d in enumerate(advice.diagnoses, 1):
        diagnoses.add_row(str(index), t(d.name), t(_severity(d).strip()), t(d.kind), because(by_diagnosis[d.name]))
    parts.append(diagnoses)
    plan = Table(title="Plan", show_lines=True, expand=True)
    for column in ("#", "step", "action", "for", "because"):
        plan.add_column(column, overflow="fold")
    index = 0
    for step, actions in advice.steps().items():
        for a in actions:
            index += 1
            label = a.name + (f"\n{_params(a.params)}" if a.params else "")
            plan.add_row(str(index), t(STEP_TITLES.get(step, step)), t(label), t(", ".join(a.addresses)),
                         because(by_action[a.name]))
    parts.append(plan)
    key, other = split_values(advice)
    if key:
        parts.append(t(f"Values: {_rows_text(key)}"))
    if other:
        shown = other[:LIST_LIMIT]
        more = f" and {len(other) - len(shown):,} more (--format json lists them all)" if len(other) > len(shown) else ""
        parts.append(t(f"Other values: {_rows_text(shown)}{more}", "dim"))
    if advice.not_advised:
        parts.append(Panel(t("\n".join(f"- {w.name}: {_why_not_line(w)}" for w in advice.not_advised)),
                           title="Considered, not advised"))
    if advice.missing:
        parts.append(Panel(t("\n".join(f"- {m.name}: {m.why}" for m in advice.missing)), title="Would sharpen the advice"))
    return Group(*parts)


# ---------------------------------------------------------------- graph exports
def _label(data: dict[str, Any]) -> str:
    """A node's label on one line, lists cut to their top items, at most MAX_LABEL characters."""
    kind = data.get("kind")
    if kind == "rule":
        label = f"rule {data['rule']}"
    elif kind == "action":
        label = f"action {data['name']}"
    elif kind == "diagnosis":
        value = data.get("value")
        size = f" {format_value(data['name'], value)}" if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
        label = f"diagnosis {data['name']}{size}"
    elif data.get("summary"):
        label = str(data["name"])
    else:
        label = f"{data['name']} = {brief(data['name'], data.get('value'))}"
    label = one_line(label)
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…"


_DOT_STYLE = {
    "input": {"shape": "box", "style": "filled", "fillcolor": "#e8f0fe"},
    "value": {"shape": "box", "style": "rounded"},
    "rule": {"shape": "ellipse", "style": "dashed"},
    "diagnosis": {"shape": "box", "style": "filled", "fillcolor": "#fde7e9"},
    "action": {"shape": "box", "style": "filled", "fillcolor": "#e6f4ea"},
}


def dot_string(text: str) -> str:
    """A DOT quoted string holding `text` as a label shows it: in DOT's escString a backslash starts an escape
    (\\n, \\l, \\N...), so each backslash is doubled, each quote escaped, and line breaks become spaces."""
    return '"' + one_line(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def graph_dot(graph: nx.DiGraph, rankdir: str = "LR") -> str:
    """DOT text via networkx's pydot bridge, with nodes styled by kind.

    Node ids are `n0`, `n1`... (a name never becomes DOT syntax); names live only in the escaped labels.
    """
    import networkx as nx

    ids = {node: f"n{index}" for index, node in enumerate(graph.nodes)}
    drawn = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        drawn.add_node(ids[node], label=dot_string(_label(data)), **_DOT_STYLE.get(data.get("kind"), {}))
    drawn.add_edges_from((ids[a], ids[b]) for a, b in graph.edges)
    dot = nx.nx_pydot.to_pydot(drawn)
    dot.set_rankdir(rankdir)
    return dot.to_string()


def summarised_graph(graph: nx.DiGraph, limit: int = 2 * LIST_LIMIT) -> nx.DiGraph:
    """The graph for a picture: a family of more than `limit` values (`ceiling:<category>` over 1,300
    categories) keeps its first `limit` members and one node 'N more'; the exports (DOT, Mermaid, JSON) stay
    complete, only pictures are summarised."""
    families: dict[str, list[Any]] = {}
    for node, data in graph.nodes(data=True):
        name = str(data.get("name", ""))
        if data.get("kind") == "value" and ":" in name:
            families.setdefault(name.split(":", 1)[0], []).append(node)
    large = {family: nodes for family, nodes in families.items() if len(nodes) > limit}
    if not large:
        return graph
    out = graph.copy()
    for family, nodes in large.items():
        hidden = sorted(nodes, key=lambda n: (graph.nodes[n].get("value") is None, str(graph.nodes[n].get("value")), n))[limit:]
        more = f"value:{family}:more"
        out.add_node(more, kind="value", name=f"{family}: {len(hidden):,} more", value=None, summary=True)
        for node in hidden:
            out.add_edges_from((p, more) for p in graph.predecessors(node))
            out.add_edges_from((more, q) for q in graph.successors(node))
            out.remove_node(node)
    return out


def mermaid_string(text: str) -> str:
    """A Mermaid quoted label: every character that is not a letter, digit, space or plain punctuation is
    written as Mermaid's entity code `#NNN;` (quotes, brackets, `%`, `#`, `;`, `<`, `>`, `&`, backticks and
    any non-ASCII), so no label can end the string, open a comment or carry markup."""
    return '"' + "".join(ch if ch.isascii() and (ch.isalnum() or ch in " .,:=+-_/@!?'") else f"#{ord(ch)};"
                         for ch in one_line(text)) + '"'


def graph_mermaid(graph: nx.DiGraph) -> str:
    """A Mermaid flowchart of the graph (no library writes Mermaid; the format is a few lines)."""
    ids = {node: f"n{index}" for index, node in enumerate(graph.nodes)}
    shapes = {"input": ("[/", "/]"), "value": ("(", ")"), "rule": ("{{", "}}"), "diagnosis": ("[", "]"), "action": ("([", "])")}
    lines = ["flowchart LR"]
    for node, data in graph.nodes(data=True):
        left, right = shapes.get(data.get("kind"), ("[", "]"))
        lines.append(f"    {ids[node]}{left}{mermaid_string(_label(data))}{right}")
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
