"""A shareable HTML report of Advice: one self-contained page with the plan, its explanations and two pictures.

The page needs nothing else: styles are inline, the error ladder and the explanation graph are inline SVG,
there are no scripts and no external URLs (a Content-Security-Policy says so to the browser), and every piece
of text that came from the user or the knowledge base is escaped. Explanations fold away in `<details>`.

>>> import mlstrategy as mls
>>> page = html(mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10))   # doctest: +SKIP
>>> page.startswith("<!DOCTYPE html>")                                            # doctest: +SKIP
True
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .inference.formatting import field_title, format_value
from .render import STEP_TITLES, choice_table, plan_reasons, split_values
from .sanitize import clean
from .summary import LIST_LIMIT, brief, shorten

if TYPE_CHECKING:  # pragma: no cover
    from .advice import Advice
    from .choice import ModelChoice

__all__ = ["html", "fragment", "save_html", "CSS"]

CSS = """
.mls-report { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1f2328; line-height: 1.5; max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
.mls-report h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
.mls-report h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid #d8dee4; }
.mls-report .primary { font-size: 1.15rem; padding: .7rem 1rem; border-left: 4px solid #c5221f;
  background: #fdf1f1; border-radius: 4px; }
.mls-report .primary.none { border-color: #188038; background: #eef7f0; }
.mls-report .primary.undetermined { border-color: #9a6700; background: #fff8e5; }
.mls-report table { border-collapse: collapse; margin: .4rem 0; }
.mls-report th, .mls-report td { text-align: left; padding: .3rem .8rem .3rem 0; border-bottom: 1px solid #eaeef2;
  vertical-align: top; }
.mls-report th { font-weight: 600; }
.mls-report td.num { text-align: right; font-variant-numeric: tabular-nums; }
.mls-report ol, .mls-report ul { padding-left: 1.6rem; }
.mls-report li { margin: .45rem 0; }
.mls-report code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em;
  background: #f3f4f6; padding: .05rem .3rem; border-radius: 3px; }
.mls-report .badge { display: inline-block; font-size: .75rem; padding: 0 .45rem; border-radius: 999px;
  border: 1px solid #d0d7de; color: #57606a; margin-left: .3rem; vertical-align: .1em; }
.mls-report .badge.target { border-color: #8250df; color: #8250df; }
.mls-report .badge.problem { border-color: #c5221f; color: #c5221f; }
.mls-report .badge.caveat { border-color: #9a6700; color: #9a6700; }
.mls-report .muted { color: #57606a; }
.mls-report .reason { margin: .15rem 0 0; color: #3b434b; }
.mls-report details { margin: .25rem 0 .2rem; }
.mls-report summary { cursor: pointer; color: #0b57d0; font-size: .92rem; }
.mls-report pre { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; border: 1px solid #eaeef2;
  border-radius: 4px; padding: .6rem .8rem; font-size: .82rem; line-height: 1.4; margin: .3rem 0; }
.mls-report figure { margin: .6rem 0; }
.mls-report figure.ladder svg { max-width: 100%; height: auto; }
.mls-report figure.graph { overflow: auto; border: 1px solid #eaeef2; border-radius: 4px; padding: .4rem; }
.mls-report figure.graph svg { max-width: none; }
.mls-report figure.graph.chain { overflow: hidden; }
.mls-report figure.graph.chain svg { max-width: 100%; height: auto; display: block; margin: 0 auto; }
.mls-report .headline { font-size: 1.2rem; margin: .4rem 0 .8rem; }
.mls-report h3 { font-size: 1.02rem; margin: 1rem 0 .2rem; }
.mls-report .step-do-first h3 { color: #c5221f; }
.mls-report .step-also-possible { color: #3b434b; }
.mls-report table.candidates th, .mls-report table.candidates td { padding-right: 1.2rem; }
.mls-report tr.chosen { background: #eef7f0; font-weight: 600; }
.mls-report td.fail { color: #c5221f; }
.mls-report td.win { color: #188038; }
.mls-report .warn { border-left: 3px solid #9a6700; padding-left: .5rem; }
.mls-report figcaption { font-size: .88rem; color: #57606a; }
.mls-report .legend > span { white-space: nowrap; margin-right: .9rem; }
.mls-report .swatch { display: inline-block; width: .9em; height: .9em; margin-right: .3rem; vertical-align: -.1em;
  border-radius: 2px; }
.mls-report footer { margin-top: 2.5rem; font-size: .8rem; color: #6e7781; }
"""


def _e(value: Any) -> str:
    """Escape any text for HTML (user facts, names, rationales: nothing goes in raw, no control characters)."""
    return escape(clean(str(value)), quote=True)


def _value(name: str, value: Any) -> str:
    return _e(format_value(name, value))


def _facts(advice: "Advice") -> str:
    if not advice.inputs:
        return '<p class="muted">No facts were given.</p>'
    rows = "".join(
        f'<tr><th scope="row">{_e(field_title(name))} <code>{_e(name)}</code></th><td>{_fact(name, value)}</td></tr>'
        for name, value in advice.inputs.items()
    )
    return f"<table>{rows}</table>"


def _fact(name: str, value: Any, limit: int = LIST_LIMIT * 2) -> str:
    """A given fact; mappings and lists are spelled out (format_value would only count a list), the longest
    cut to their top `limit` items (largest counts first) and "N more": the JSON output has them all."""
    if isinstance(value, dict):
        items = list(value.items())
        if len(items) > limit and all(isinstance(v, (int, float)) and not isinstance(v, bool) for _, v in items):
            items.sort(key=lambda kv: -float(kv[1]))
        shown = ", ".join(f"{_e(key)}: {_fact(name, item, limit)}" for key, item in items[:limit])
        return shown + (f' <span class="muted">and {len(items) - limit:,} more</span>' if len(items) > limit else "")
    if isinstance(value, (list, tuple)):
        shown = "; ".join(_fact(name, item, limit) for item in value[:limit]) or "(none)"
        return shown + (f' <span class="muted">and {len(value) - limit:,} more</span>' if len(value) > limit else "")
    return _value(name, value)


def _why(advice: "Advice", name: str, kind: str) -> str:
    try:
        text = str(advice.why(name, kind=kind))
    except (KeyError, ValueError):  # nothing to explain (should not happen for a concluded item)
        return ""
    return f"<details><summary>Why?</summary><pre>{_e(shorten(text))}</pre></details>"


def _primary(advice: "Advice") -> str:
    """The headline, then the primary problem (or the model choice, or what is not yet known)."""
    name = advice.primary_problem
    diagnosis = advice.diagnosis(name) if name else None
    headline = f'<p class="headline"><strong>{_e(advice.headline)}</strong></p>'
    if diagnosis is None:
        pending = advice.undetermined or next((d for d in advice.diagnoses if d.kind == "status"), None)
        if pending is not None:  # what cannot be told yet (amber), or how the project stands (green)
            css, label = ("undetermined", "Can't tell yet:") if pending.kind == "undetermined" else ("none", "Status:")
            label = "" if label.lower().rstrip(":") in pending.title.lower() else f"{label} "  # once is enough
            return (headline + f'<p class="primary {css}"><strong>{label}{_e(pending.title)}</strong> '
                    f"<code>{_e(pending.name)}</code><br>{_e(pending.description)}</p>")
        return headline + '<p class="primary none"><strong>Primary problem:</strong> none found</p>'
    name = diagnosis.name  # the primary problem's name (the lookup matched it), now known to be set
    size = f" ({_value(name, diagnosis.severity)})" if diagnosis.severity is not None else ""
    return (headline + f'<p class="primary"><strong>Primary problem:</strong> {_e(diagnosis.title)}{size} '
            f"<code>{_e(name)}</code><br>{_e(diagnosis.description)}</p>")


def _reasons(items: list[tuple[Any, bool]]) -> str:
    return "".join(
        f'<p class="reason">Because <code>{_e(r.rule)}</code>: {_e(shorten(r.text))}</p>' if full
        else f'<p class="reason">Because <code>{_e(r.rule)}</code> (see above)</p>'
        for r, full in items
    )


def _diagnoses(advice: "Advice", reasons: dict[str, list[tuple[Any, bool]]]) -> str:
    if not advice.diagnoses:
        return '<p class="muted">None: no gap or target problem worth acting on.</p>'
    items = []
    for d in advice.diagnoses:
        size = f" {_value(d.name, d.severity)}" if d.severity is not None else ""
        stage = f" &middot; {_e(d.stage)} stage" if d.stage and d.kind == "problem" else ""
        between = (f'<br><span class="muted">Between: {", ".join(f"<code>{_e(n)}</code>" for n in d.between)}'
                   + (f'; measure {", ".join(f"<code>{_e(n)}</code>" for n in d.settled_by)} to tell'
                      if d.settled_by else "") + "</span>") if d.between or d.settled_by else ""
        items.append(
            f'<li id="diagnosis-{_e(d.name)}"><strong>{_e(d.title)}</strong>{size} <code>{_e(d.name)}</code>'
            f'<span class="badge {_e(d.kind)}">{_e(d.kind)}{stage}</span>'
            f"<br>{_e(d.description)}{between}{_reasons(reasons[d.name])}{_why(advice, d.name, 'diagnosis')}</li>"
        )
    return "<ol>" + "".join(items) + "</ol>"


def _plan(advice: "Advice", reasons: dict[str, list[tuple[Any, bool]]]) -> str:
    """The plan in its steps, numbered through; a rule quoted once, then referred to."""
    if not advice.actions:
        return '<p class="muted">No action: nothing worth fixing was found.</p>'
    parts = []
    start = 1
    for step, actions in advice.steps().items():
        items = []
        for a in actions:
            params = ""
            if a.params:
                params = " [" + ", ".join(f"{_e(k)}={_e(brief(k, v))}" for k, v in a.params.items()) + "]"
            target = ""
            if a.addresses:
                target = ' <span class="muted">for ' + ", ".join(f"<code>{_e(x)}</code>" for x in a.addresses) + "</span>"
            description = f"<br>{_e(a.description)}" if a.description else ""
            items.append(
                f'<li id="action-{_e(a.name)}"><strong>{_e(a.title)}</strong> <code>{_e(a.name)}</code>{params}{target}'
                f"{description}{_reasons(reasons[a.name])}{_why(advice, a.name, 'action')}</li>"
            )
        slug = step.replace(" ", "-")
        parts.append(f'<section class="step step-{slug}"><h3>{_e(STEP_TITLES.get(step, step))}</h3>'
                     f'<ol class="plan" start="{start}">' + "".join(items) + "</ol></section>")
        start += len(actions)
    return "".join(parts)


def _choice(choice: "ModelChoice") -> str:
    """The candidates by metric, each bound passed or failed, the winner marked."""
    header, rows = choice_table(choice)
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in header)
    body = []
    for row in rows:
        chosen = row[-1] == "CHOSEN"
        cells = [f'<th scope="row">{_e(row[0])}</th>']
        for cell in row[1:]:
            css = "fail" if cell.endswith("FAILS") or cell == "fails a bound" else ("win" if cell == "CHOSEN" else "")
            cells.append(f'<td class="{css}">{_e(cell)}</td>')
        body.append(f'<tr class="{"chosen" if chosen else ""}">' + "".join(cells) + "</tr>")
    return (f'<p>{_e(choice.sentence)}</p><table class="candidates"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
            + ('<p class="muted">* the optimizing metric</p>' if choice.optimizing_metric else ""))


def _not_advised(advice: "Advice") -> str:
    items = []
    for answer in advice.not_advised:
        check = answer.nearest
        if check is None:
            short = _e(answer.note or "no rule applies")
        else:
            short = f"<code>{_e(check.rule)}</code> failed on " + "; ".join(_e(f) for f in check.failures)
        items.append(f"<li><code>{_e(answer.name)}</code>: {short}"
                     f"<details><summary>Why not?</summary><pre>{_e(answer.full())}</pre></details></li>")
    return "<ul>" + "".join(items) + "</ul>"


def _value_table(rows: list[Any]) -> str:
    return "<table>" + "".join(
        f'<tr><th scope="row">{_e(field_title(r.name))} <code>{_e(r.name)}</code></th>'
        f'<td class="num">{_e(r.text)}</td></tr>' for r in rows) + "</table>"


def _values(advice: "Advice") -> str:
    """The values the plan rests on; the others behind a toggle, cut to their first rows (JSON has them all)."""
    key, other = split_values(advice)
    out = _value_table(key) if key else '<p class="muted">None that the plan rests on.</p>'
    if other:
        limit = LIST_LIMIT * 4
        more = (f'<p class="muted">and {len(other) - limit:,} more (the JSON output lists them all)</p>'
                if len(other) > limit else "")
        out += (f"<details><summary>{len(other):,} other values</summary>{_value_table(other[:limit])}{more}"
                "</details>")
    return out


def _missing(advice: "Advice") -> str:
    return "<ul>" + "".join(f"<li><code>{_e(m.name)}</code>: {_e(m.why)}</li>" for m in advice.missing) + "</ul>"


def chain_graph(advice: "Advice") -> Any:
    """The part of the graph behind the headline: the primary (or undetermined) diagnosis and the "do first"
    actions, with everything they rest on; None when there is no such part (the whole graph is shown)."""

    graph = advice.graph
    targets = [f"diagnosis:{advice.primary_problem}"] if advice.primary_problem else []
    if advice.undetermined is not None:
        targets.append(f"diagnosis:{advice.undetermined.name}")
    targets += [f"action:{a.name}" for a in advice.actions if a.step == "do first"]
    if advice.choice is not None:
        targets.append("value:selected_candidate")
    nodes: set[str] = set()
    for target in targets:
        if target in graph:
            nodes |= _chain(graph, target)
    if not nodes or len(nodes) == len(graph):
        return None
    return graph.subgraph(nodes).copy()


def _chain(graph: Any, target: str) -> set[str]:
    """`target` and what it rests on, as `why` shows it: a summary of many facts (the largest gap) that the
    chain reads is one node, its own derivation left to the full graph."""
    from .inference.explain import SUMMARY_READS

    seen, stack = {target}, [target]
    while stack:  # fact nodes only: each adds the rules that concluded it and what those rules read
        node = stack.pop()
        rules = list(graph.predecessors(node))
        if node != target and graph.nodes[node].get("kind") == "value" and any(
                sum(1 for p in graph.predecessors(rule) if graph.nodes[p].get("kind") != "input") > SUMMARY_READS
                for rule in rules):  # a summary (the largest gap), as in why: see Explanation.is_summary
            continue
        for rule in rules:
            seen.add(rule)
            for premise in graph.predecessors(rule):
                if premise not in seen:
                    seen.add(premise)
                    stack.append(premise)
    return seen


def _figures(advice: "Advice") -> tuple[str, str, str, str]:
    """The ladder, the chain graph (or '' when the whole graph is the chain), the whole graph, and a note when
    Graphviz could not draw them; inline SVG with ids made unique to this page."""
    from .plots import figure_svg, graph_svg_note, ladder_figure, prefix_ids

    ladder = prefix_ids(figure_svg(ladder_figure(advice)), "mls-ladder-")
    chain = chain_graph(advice)
    chain_svg, note = ("", "") if chain is None else graph_svg_note(advice, chain, "TB")
    graph, full_note = graph_svg_note(advice)
    return (ladder, prefix_ids(chain_svg, "mls-chain-") if chain_svg else "", prefix_ids(graph, "mls-graph-"),
            note or full_note)


def _legend() -> str:
    """The node kinds of the explanation graph, as swatches in the page (Graphviz's drawing has no legend)."""
    from .plots import KIND_LABEL, KIND_STYLE

    items = []
    for kind, label in KIND_LABEL.items():
        style = KIND_STYLE[kind]
        border = "dashed" if style["linestyle"] == "--" else "solid"
        items.append(f'<span class="swatch" style="background:{style["facecolor"]};border:1px {border} '
                     f'{style["edgecolor"]}"></span>{_e(label)}')
    return '<span class="legend">' + "".join(f"<span>{item}</span>" for item in items) + "</span>"


def _graph_section(chain: str, graph: str, note: str) -> list[str]:
    caption = ("From the facts given through rule firings and derived values to diagnoses and actions. "
               f"{_legend()}")
    warning = (f'<p class="muted warn">Drawn without Graphviz, more plainly: {_e(note)}.</p>' if note else "")
    if not chain:
        return ["<h2>Explanation graph</h2>", warning,
                f'<figure class="graph" role="img" aria-label="Explanation graph">{graph}'
                f"<figcaption>{caption}</figcaption></figure>"]
    return ["<h2>Why: the primary problem's chain</h2>", warning,
            f'<figure class="graph chain" role="img" aria-label="The reasoning behind the first steps">{chain}'
            f"<figcaption>{caption}</figcaption></figure>",
            '<details class="full-graph"><summary>Show the full explanation graph</summary>'
            f'<figure class="graph" role="img" aria-label="Explanation graph">{graph}</figure></details>']


def fragment(advice: "Advice") -> str:
    """The report as one `<div>` with its own scoped styles: what notebooks show, and the page's body."""
    ladder, chain, graph, note = _figures(advice)
    by_diagnosis, by_action = plan_reasons(advice, plan_first=True)  # the page shows the plan first
    parts = [
        '<div class="mls-report">',
        f"<style>{CSS}</style>",
        "<h1>mlstrategy advice</h1>",
        _primary(advice),
    ]
    choice = advice.choice
    if choice is not None:
        parts += ["<h2>Model choice</h2>", _choice(choice)]
    parts += [
        "<h2>Plan</h2>",
        _plan(advice, by_action),
        "<h2>Facts given</h2>",
        _facts(advice),
        "<h2>Error ladder</h2>",
        f'<figure class="ladder" role="img" aria-label="Error ladder with its gaps">{ladder}'
        "<figcaption>Each step is an error level; each arrow a gap between two steps, "
        "the primary problem's in red; whiskers are confidence intervals, shaded bands plausible ranges."
        "</figcaption></figure>",
        "<h2>Diagnoses</h2>",
        _diagnoses(advice, by_diagnosis),
    ]
    if advice.not_advised:
        parts += ["<h2>Considered, not advised</h2>", _not_advised(advice)]
    if advice.values:
        parts += ["<h2>Values</h2>", _values(advice)]
    if advice.missing:
        parts += ["<h2>Would sharpen the advice</h2>", _missing(advice)]
    parts += _graph_section(chain, graph, note)
    parts += [f"<footer>Made by mlstrategy {_e(__version__)}.</footer>", "</div>"]
    return "\n".join(parts)


def html(advice: "Advice") -> str:
    """The report as one self-contained HTML page (no scripts, no external URLs).

    >>> save_html(advice, "advice.html")   # doctest: +SKIP
    """
    primary = advice.primary_problem
    title = f"mlstrategy advice: {primary}" if primary else "mlstrategy advice"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        '<meta name="generator" content="mlstrategy ' + _e(__version__) + '">\n'
        f"<title>{_e(title)}</title>\n"
        "<style>body { margin: 0; background: #ffffff; }</style>\n"
        "</head>\n<body>\n"
        + fragment(advice)
        + "\n</body>\n</html>\n"
    )


def save_html(advice: "Advice", path: str | Path) -> Path:
    """Write the page of `html(advice)` to `path` in UTF-8."""
    path = Path(path)
    path.write_text(html(advice), encoding="utf-8")
    return path
