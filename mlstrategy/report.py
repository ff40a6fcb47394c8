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

if TYPE_CHECKING:  # pragma: no cover
    from .advice import Advice

__all__ = ["html", "fragment", "save_html", "CSS"]

CSS = """
.mls-report { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1f2328; line-height: 1.5; max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
.mls-report h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
.mls-report h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid #d8dee4; }
.mls-report .primary { font-size: 1.15rem; padding: .7rem 1rem; border-left: 4px solid #c5221f;
  background: #fdf1f1; border-radius: 4px; }
.mls-report .primary.none { border-color: #188038; background: #eef7f0; }
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
.mls-report figcaption { font-size: .88rem; color: #57606a; }
.mls-report .legend > span { white-space: nowrap; margin-right: .9rem; }
.mls-report .swatch { display: inline-block; width: .9em; height: .9em; margin-right: .3rem; vertical-align: -.1em;
  border-radius: 2px; }
.mls-report footer { margin-top: 2.5rem; font-size: .8rem; color: #6e7781; }
"""


def _e(value: Any) -> str:
    """Escape any text for HTML (user facts, names, rationales: nothing goes in raw)."""
    return escape(str(value), quote=True)


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


def _fact(name: str, value: Any) -> str:
    """A given fact; mappings and lists are spelled out (format_value would only count a list)."""
    if isinstance(value, dict):
        return ", ".join(f"{_e(key)}: {_fact(name, item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return "; ".join(_fact(name, item) for item in value) or "(none)"
    return _value(name, value)


def _why(advice: "Advice", name: str, kind: str) -> str:
    try:
        text = str(advice.why(name, kind=kind))
    except (KeyError, ValueError):  # nothing to explain (should not happen for a concluded item)
        return ""
    return f"<details><summary>Why?</summary><pre>{_e(text)}</pre></details>"


def _primary(advice: "Advice") -> str:
    name = advice.primary_problem
    diagnosis = advice.diagnosis(name) if name else None
    if diagnosis is None or name is None:
        return '<p class="primary none"><strong>Primary problem:</strong> none found</p>'
    size = f" ({_value(name, diagnosis.severity)})" if diagnosis.severity is not None else ""
    return (f'<p class="primary"><strong>Primary problem:</strong> {_e(diagnosis.title)}{size} '
            f"<code>{_e(name)}</code><br>{_e(diagnosis.description)}</p>")


def _diagnoses(advice: "Advice") -> str:
    if not advice.diagnoses:
        return '<p class="muted">None: no gap or target problem worth acting on.</p>'
    items = []
    for d in advice.diagnoses:
        size = f" {_value(d.name, d.severity)}" if d.severity is not None else ""
        stage = f" &middot; {_e(d.stage)} stage" if d.stage and d.kind == "problem" else ""
        reasons = "".join(f'<p class="reason">Because <code>{_e(r.rule)}</code>: {_e(r.text)}</p>' for r in d.reasons)
        items.append(
            f'<li id="diagnosis-{_e(d.name)}"><strong>{_e(d.title)}</strong>{size} <code>{_e(d.name)}</code>'
            f'<span class="badge {_e(d.kind)}">{_e(d.kind)}{stage}</span>'
            f"<br>{_e(d.description)}{reasons}{_why(advice, d.name, 'diagnosis')}</li>"
        )
    return "<ol>" + "".join(items) + "</ol>"


def _plan(advice: "Advice") -> str:
    if not advice.actions:
        return '<p class="muted">No action: nothing worth fixing was found.</p>'
    items = []
    quoted: set[str] = set()  # a rule that recommends several actions is quoted once, then referred to
    for a in advice.actions:
        params = ""
        if a.params:
            params = " [" + ", ".join(f"{_e(k)}={_value(k, v)}" for k, v in a.params.items()) + "]"
        target = ""
        if a.addresses:
            target = ' <span class="muted">for ' + ", ".join(f"<code>{_e(x)}</code>" for x in a.addresses) + "</span>"
        description = f"<br>{_e(a.description)}" if a.description else ""
        reasons = "".join(
            f'<p class="reason">Because <code>{_e(r.rule)}</code> (see above)</p>' if r.rule in quoted
            else f'<p class="reason">Because <code>{_e(r.rule)}</code>: {_e(r.text)}</p>'
            for r in a.reasons
        )
        quoted.update(r.rule for r in a.reasons)
        items.append(
            f'<li id="action-{_e(a.name)}"><strong>{_e(a.title)}</strong> <code>{_e(a.name)}</code>{params}{target}'
            f"{description}{reasons}{_why(advice, a.name, 'action')}</li>"
        )
    return '<ol class="plan">' + "".join(items) + "</ol>"


def _not_advised(advice: "Advice") -> str:
    items = []
    for answer in advice.not_advised:
        check = answer.nearest
        if check is None:
            short = _e(answer.note or "no rule applies")
        else:
            short = f"<code>{_e(check.rule)}</code> failed on " + "; ".join(_e(f) for f in check.failures)
        items.append(f"<li><code>{_e(answer.name)}</code>: {short}"
                     f"<details><summary>Why not?</summary><pre>{_e(answer)}</pre></details></li>")
    return "<ul>" + "".join(items) + "</ul>"


def _values(advice: "Advice") -> str:
    rows = "".join(
        f'<tr><th scope="row">{_e(field_title(name))} <code>{_e(name)}</code></th>'
        f'<td class="num">{_value(name, value)}</td></tr>'
        for name, value in advice.values.items()
    )
    return f"<table>{rows}</table>"


def _missing(advice: "Advice") -> str:
    return "<ul>" + "".join(f"<li><code>{_e(m.name)}</code>: {_e(m.why)}</li>" for m in advice.missing) + "</ul>"


def _figures(advice: "Advice") -> tuple[str, str]:
    """The ladder chart and the explanation graph, as inline SVG with ids made unique to this page."""
    from .plots import figure_svg, graph_svg, ladder_figure, prefix_ids

    ladder = prefix_ids(figure_svg(ladder_figure(advice)), "mls-ladder-")
    graph = prefix_ids(graph_svg(advice), "mls-graph-")
    return ladder, graph


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


def fragment(advice: "Advice") -> str:
    """The report as one `<div>` with its own scoped styles: what notebooks show, and the page's body."""
    ladder, graph = _figures(advice)
    parts = [
        '<div class="mls-report">',
        f"<style>{CSS}</style>",
        "<h1>mlstrategy advice</h1>",
        _primary(advice),
        "<h2>Facts given</h2>",
        _facts(advice),
        "<h2>Error ladder</h2>",
        f'<figure class="ladder" role="img" aria-label="Error ladder with its gaps">{ladder}'
        "<figcaption>Each step is an error level; each arrow a gap between two steps, "
        "the primary problem's in red.</figcaption></figure>",
        "<h2>Diagnoses</h2>",
        _diagnoses(advice),
        "<h2>Plan</h2>",
        _plan(advice),
    ]
    if advice.not_advised:
        parts += ["<h2>Considered, not advised</h2>", _not_advised(advice)]
    if advice.values:
        parts += ["<h2>Values</h2>", _values(advice)]
    if advice.missing:
        parts += ["<h2>Would sharpen the advice</h2>", _missing(advice)]
    parts += [
        "<h2>Explanation graph</h2>",
        f'<figure class="graph" role="img" aria-label="Explanation graph">{graph}'
        "<figcaption>From the facts given (left) through rule firings and derived values to diagnoses and "
        f"actions (right). {_legend()}</figcaption></figure>",
        f"<footer>Made by mlstrategy {_e(__version__)}.</footer>",
        "</div>",
    ]
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
