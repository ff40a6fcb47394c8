"""Pictures of Advice: the error ladder with its gaps, and the explanation graph as SVG or PNG.

Advice holds results; this module only draws them (compute apart from render). matplotlib is an optional
extra (`pip install 'mlstrategy[plot]'`), imported only here and only when a picture is drawn; figures are
`matplotlib.figure.Figure` objects on the non-interactive Agg canvas, so nothing touches pyplot's global
state and no window ever opens. The graph uses Graphviz's `dot` program when it is installed, else a
layered matplotlib drawing.

>>> import mlstrategy as mls
>>> advice = mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10)
>>> figure = ladder_figure(advice)             # doctest: +SKIP
>>> graph_svg(advice).startswith("<svg")       # doctest: +SKIP
True
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from .inference.formatting import field_title, format_value, percent
from .render import MAX_LABEL
from .sanitize import one_line
from .summary import brief

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .advice import Advice

__all__ = ["ladder_figure", "save_plot", "graph_figure", "graph_svg", "save_graph", "figure_svg",
           "prefix_ids", "graph_svg_note", "PictureFormatError", "GRAPH_FORMATS", "ladder_formats", "KIND_STYLE", "KIND_LABEL", "LADDER_SIZE", "LADDER_DPI", "INSTALL_HINT"]

INSTALL_HINT = "pip install 'mlstrategy[plot]'"
LADDER_SIZE: tuple[float, float] = (8.0, 4.5)
"""The ladder figure's size in inches; at LADDER_DPI a saved PNG is 800 x 450 pixels."""
LADDER_DPI = 100

# The error ladder, bottom to top: (fact or value name, label on the chart).
_LEVELS: tuple[tuple[str, str], ...] = (
    ("bayes_proxy", "Bayes proxy"),
    ("train_error", "train"),
    ("train_dev_error", "train-dev"),
    ("dev_error", "dev"),
    ("test_error", "test"),
)
_GAPS: tuple[str, ...] = ("avoidable_bias", "variance", "data_mismatch", "dev_set_overfitting")
# The levels each gap spans when the explanation graph does not say (mirrors knowledge/gaps.py).
_GAP_ENDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "avoidable_bias": (("bayes_proxy",), ("train_error",)),
    "variance": (("train_error",), ("train_dev_error", "dev_error")),
    "data_mismatch": (("train_dev_error",), ("dev_error",)),
    "dev_set_overfitting": (("dev_error",), ("test_error",)),
}

# Node styles of the explanation graph, by kind (the fill colors match render.graph_dot's).
_KINDS: tuple[str, ...] = ("input", "rule", "value", "diagnosis", "action")
_NODE_STYLE: dict[str, dict[str, Any]] = {
    "input": {"boxstyle": "square,pad=0.35", "facecolor": "#e8f0fe", "edgecolor": "#3367d6", "linestyle": "-"},
    "rule": {"boxstyle": "round,pad=0.35", "facecolor": "#f6f6f6", "edgecolor": "#888888", "linestyle": "--"},
    "value": {"boxstyle": "round,pad=0.35", "facecolor": "#ffffff", "edgecolor": "#555555", "linestyle": "-"},
    "diagnosis": {"boxstyle": "sawtooth,pad=0.4", "facecolor": "#fde7e9", "edgecolor": "#c5221f", "linestyle": "-"},
    "action": {"boxstyle": "rarrow,pad=0.35", "facecolor": "#e6f4ea", "edgecolor": "#188038", "linestyle": "-"},
}
KIND_STYLE = _NODE_STYLE
"""Colors, box styles and line styles by node kind (public for pages that draw their own legend)."""
KIND_LABEL = _KIND_LABEL = {"input": "input (given)", "rule": "rule firing", "value": "derived value",
               "diagnosis": "diagnosis", "action": "action"}


# ---------------------------------------------------------------- matplotlib, lazily
def _new_figure(size: tuple[float, float], dpi: float) -> "Figure":
    """A Figure on its own Agg canvas: no pyplot, no global figure registry, no GUI backend."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:  # the optional extra is not installed
        raise ImportError(f"Pictures of advice need matplotlib: {INSTALL_HINT}") from error
    figure = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


def figure_svg(figure: "Figure") -> str:
    """A Figure as an SVG string (the `<svg>` element alone, ready to inline in HTML)."""
    buffer = io.StringIO()
    with _reproducible():
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _svg_element(buffer.getvalue())


def _reproducible() -> Any:
    """While saving: SVG ids from a fixed salt, not random, so the same advice gives the same file."""
    from matplotlib import rc_context

    return rc_context({"svg.hashsalt": "mlstrategy"})


def _svg_element(svg: str) -> str:
    """Drop the XML declaration, DOCTYPE and comments before the `<svg>` element."""
    start = svg.find("<svg")
    return svg[start:].strip() if start >= 0 else svg.strip()


# ---------------------------------------------------------------- the error ladder
def _levels(advice: "Advice") -> list[tuple[str, str, float]]:
    """The known steps of the ladder, bottom to top: (name, label, error)."""
    known = {**advice.inputs, **{k: v for k, v in advice.values.items() if k == "bayes_proxy"}}
    out = []
    for name, label in _LEVELS:
        value = known.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if name == "bayes_proxy" and "bayes_error" not in advice.inputs and "human_error" in advice.inputs:
                label = "Bayes proxy\n(human level)"
            elif name == "bayes_proxy" and "bayes_error" in advice.inputs:
                label = "Bayes error"
            out.append((name, label, float(value)))
    return out


def _gap_ends(advice: "Advice", gap: str, present: set[str]) -> tuple[str, str] | None:
    """The two ladder steps a gap spans: read off the rule that computed it, else the course's definition."""
    graph = advice.graph
    node = f"value:{gap}"
    if node in graph:
        for rule in graph.predecessors(node):
            read = {graph.nodes[p].get("name") for p in graph.predecessors(rule)} & present
            if len(read) == 2:
                order = [name for name, _ in _LEVELS]
                low, high = sorted(read, key=order.index)
                return low, high
    lows, highs = _GAP_ENDS[gap]
    low = next((name for name in lows if name in present), None)
    high = next((name for name in highs if name in present), None)
    return (low, high) if low and high else None


def ladder_figure(advice: "Advice") -> "Figure":
    """The error ladder: Bayes proxy, train, train-dev, dev and test error as steps (those known), each gap
    drawn between its two steps and labelled with its name and size; the primary problem in the title
    and its gap in red.

    >>> figure = ladder_figure(mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10))  # doctest: +SKIP
    >>> figure.savefig("ladder.png")                                                           # doctest: +SKIP
    """
    figure = _new_figure(LADDER_SIZE, LADDER_DPI)  # first: it turns a missing matplotlib into the install hint
    from matplotlib.ticker import FuncFormatter

    ax = figure.add_subplot()
    primary = advice.primary_problem
    diagnosis = advice.diagnosis(primary) if primary else None
    if diagnosis is not None:
        severity = f" ({format_value(primary or '', diagnosis.severity)})" if diagnosis.severity is not None else ""
        title = f"Primary problem: {diagnosis.title}{severity}"
    else:  # can't tell yet, meets the target, the chosen model, or nothing to fix: the headline says which
        title = "\n".join(textwrap.wrap(one_line(advice.headline), 72)[:2])
    ax.set_title(title, fontsize=12 if "\n" not in title else 10.5, fontweight="bold", loc="left")

    levels = _levels(advice)
    if not levels:
        ax.text(0.5, 0.5, "No error levels given (human, train, train-dev, dev or test error)",
                ha="center", va="center", transform=ax.transAxes, color="#555555")
        ax.set_axis_off()
        figure.subplots_adjust(left=0.04, right=0.98, top=0.88, bottom=0.06)
        return figure

    x = {name: float(index) for index, (name, _, _) in enumerate(levels)}
    y = {name: value for name, _, value in levels}
    top = max(max(y.values()), 1e-6)
    half = 0.24
    for index, (name, label, value) in enumerate(levels):
        ax.hlines(value, index - half, index + half, color="#1f3b73", linewidth=3, zorder=3)
        ax.annotate(percent(value), (index, value), xytext=(0, 4), textcoords="offset points",
                    ha="center", va="bottom", fontsize=9, color="#1f3b73")
        if index:  # the riser from the previous step
            previous = levels[index - 1][2]
            ax.plot([index - 1 + half, index - half], [previous, value], color="#9aa7c2", linewidth=1,
                    linestyle=":", zorder=2)

    present = set(y)
    for name, _, value in levels:  # an error level measured on a set of known size: its interval as a whisker
        interval = _bounds(advice, name, "ci")
        if interval is not None:
            low, high = interval
            ax.errorbar(x[name], value, yerr=[[max(value - low, 0)], [max(high - value, 0)]], fmt="none",
                        ecolor="#1f3b73", elinewidth=0.9, capsize=3, zorder=3)
    for gap in _GAPS:
        size = advice.values.get(gap)
        band = _bounds(advice, gap, "range")
        color = "#c5221f" if gap == primary else "#5f6368"
        style: dict[str, Any] = {"fontsize": 9, "color": color, "fontweight": "bold" if gap == primary else "normal",
                                 "zorder": 5}
        ends = _gap_ends(advice, gap, present)
        if ends is None:
            if band is not None:  # one end unknown (no human level): the band where that end could be
                _range_band(ax, gap, x, y, present, band[0], band[1], color, style)
            continue
        if not isinstance(size, (int, float)) or isinstance(size, bool):  # no number for the gap: no arrow
            continue
        lower, upper = ends
        at = (x[lower] + x[upper]) / 2
        ax.annotate("", xy=(at, y[upper]), xytext=(at, y[lower]),
                    arrowprops={"arrowstyle": "<|-|>", "color": color, "linewidth": 1.6 if gap == primary else 1.1,
                                "shrinkA": 0, "shrinkB": 0, "mutation_scale": 9},
                    zorder=4)
        interval = _bounds(advice, gap, "ci")
        if interval is not None:  # the gap's interval: where its top end could be
            ci_low, ci_high = interval
            ax.errorbar(at, y[lower] + float(size), yerr=[[max(float(size) - ci_low, 0)],
                                                          [max(ci_high - float(size), 0)]],
                        fmt="none", ecolor=color, elinewidth=0.9, capsize=4, zorder=4)
        label = f"{field_title(gap)}\n{percent(float(size))}"
        if abs(y[upper] - y[lower]) >= 0.16 * top:  # room beside the arrow
            ax.annotate(label, (at, (y[lower] + y[upper]) / 2), xytext=(5, 0), textcoords="offset points",
                        ha="left", va="center", **style)
        else:  # a short arrow: the label goes above it, clear of both steps
            ax.annotate(label, (at, max(y[lower], y[upper])), xytext=(0, 5), textcoords="offset points",
                        ha="center", va="bottom", linespacing=1.1, **style)

    ax.set_xticks(range(len(levels)), [label for _, label, _ in levels])
    ax.set_xlim(-0.6, len(levels) - 0.4)
    ax.set_ylim(0, top * 1.25)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: percent(round(value, 10))))
    ax.set_ylabel("error")
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    figure.subplots_adjust(left=0.1, right=0.97, top=0.9 if "\n" not in title else 0.86, bottom=0.14)
    return figure


def _bounds(advice: "Advice", name: str, kind: str) -> tuple[float, float] | None:
    """A value's interval (kind "ci") or plausible range (kind "range") from `Advice.values`, else None."""
    ends = [advice.values.get(f"{kind}_{end}:{name}") for end in ("low", "high")]
    numbers = [float(v) for v in ends if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return (numbers[0], numbers[1]) if len(numbers) == 2 else None


def _range_band(ax: Any, gap: str, x: dict[str, float], y: dict[str, float], present: set[str],
                low: float, high: float, color: str, style: dict[str, Any]) -> None:
    """A gap known only as a range, one of its ends missing (avoidable bias with no human level): a band
    beside the known end where the missing end could be, labelled with the range."""
    lows, highs = _GAP_ENDS[gap]
    top_end = next((name for name in highs if name in present), None)
    bottom_end = next((name for name in lows if name in present), None)
    if top_end is not None:
        at, start, stop = x[top_end], y[top_end] - high, y[top_end] - low
    elif bottom_end is not None:
        at, start, stop = x[bottom_end], y[bottom_end] + low, y[bottom_end] + high
    else:
        return
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((at - 0.3, max(start, 0)), 0.6, max(stop - start, 0), facecolor=color, alpha=0.12,
                           edgecolor=color, linestyle="--", linewidth=0.8, zorder=1))
    ax.annotate(f"{field_title(gap)}\ncould be {percent(low)}-{percent(high)}", (at + 0.3, (start + stop) / 2),
                xytext=(4, 0), textcoords="offset points", ha="left", va="center", **style)


def save_plot(advice: "Advice", path: str | Path, dpi: float | None = None) -> Path:
    """Write the ladder figure to `path`; the format follows the suffix (.png, .svg, .pdf...)."""
    path = Path(path)
    figure = ladder_figure(advice)  # first: it turns a missing matplotlib into the install hint
    _check_suffix(path, ladder_formats(), "the error ladder")
    with _reproducible():
        figure.savefig(path, dpi=dpi or LADDER_DPI, metadata=_metadata(path))
    return path


def _metadata(path: Path) -> dict[str, Any] | None:
    """Reproducible files: no creation date where the format records one."""
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return {"Date": None}
    if suffix == ".pdf":
        return {"CreationDate": None}
    return None


# ---------------------------------------------------------------- the explanation graph
def _node_label(data: dict[str, Any]) -> str:
    kind = data.get("kind")
    name = str(data.get("name", ""))
    if kind == "rule":
        text = str(data.get("rule", name))
    elif kind == "action" or data.get("summary"):  # a summary node ('ceiling: 1,292 more') is its name
        text = name
    elif kind == "diagnosis":
        value = data.get("value")
        sized = isinstance(value, (int, float)) and not isinstance(value, bool)
        text = f"{name} {format_value(name, value)}" if sized else name
    else:
        text = f"{name} = {brief(name, data.get('value'))}"
    text = one_line(text)
    text = text if len(text) <= MAX_LABEL else text[:MAX_LABEL - 1] + "…"
    return "\n".join(textwrap.wrap(text, 30, break_long_words=True, break_on_hyphens=False)) or " "


def _layers(graph: nx.DiGraph) -> dict[Any, int]:
    """Columns, left to right: the longest path from a given fact, so every edge points right; inputs in
    column 0 and actions nobody reads in the last column. A graph with a cycle falls back to columns by kind."""
    if not nx.is_directed_acyclic_graph(graph):
        rank = {kind: index for index, kind in enumerate(_KINDS)}
        return {node: rank.get(data.get("kind"), 2) for node, data in graph.nodes(data=True)}
    layer: dict[Any, int] = {}
    for node in nx.topological_sort(graph):
        layer[node] = max((layer[p] + 1 for p in graph.predecessors(node)), default=0)
    last = max(layer.values(), default=0)
    for node, data in graph.nodes(data=True):
        if data.get("kind") == "action" and graph.out_degree(node) == 0:
            layer[node] = last
    return layer


def _order(graph: nx.DiGraph, layer: dict[Any, int]) -> list[list[Any]]:
    """Nodes of each column, ordered to cut edge crossings (a few barycenter sweeps, deterministic)."""
    count = max(layer.values(), default=-1) + 1
    columns: list[list[Any]] = [[] for _ in range(count)]
    for node in sorted(graph.nodes, key=lambda n: (graph.nodes[n].get("kind", ""), str(n))):
        columns[layer[node]].append(node)
    position = {node: index for column in columns for index, node in enumerate(column)}

    def sweep(indices: range, neighbours: Any) -> None:
        for i in indices:
            def key(node: Any) -> float:
                near = [position[n] for n in neighbours(node)]
                return sum(near) / len(near) if near else position[node]
            columns[i].sort(key=key)
            position.update({node: index for index, node in enumerate(columns[i])})

    for _ in range(3):
        sweep(range(1, count), graph.predecessors)
        sweep(range(count - 2, -1, -1), graph.successors)
    return columns


def graph_figure(advice: "Advice", graph: nx.DiGraph | None = None) -> "Figure":
    """The explanation graph (or `graph`, a part of it) drawn with matplotlib: columns left to right from the
    facts given, through rule firings and derived values, to diagnoses and actions; each kind with its own
    shape and color, and a legend."""
    graph = advice.graph if graph is None else graph
    layer = _layers(graph)
    columns = _order(graph, layer)
    tallest = max((len(column) for column in columns), default=0)
    col_width, row_height = 2.0, 0.62
    width = max(6.0, len(columns) * col_width + 0.6)
    height = max(2.6, tallest * row_height + 1.3)
    figure = _new_figure((width, height), 100)  # first: it turns a missing matplotlib into the install hint
    from matplotlib.patches import FancyArrowPatch, Patch

    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    if not columns:
        ax.text(0.5, 0.5, "Nothing was concluded: no reasoning to show", ha="center", va="center",
                transform=ax.transAxes, color="#555555")
        return figure

    # Each box is drawn twice: an invisible copy below the arrows gives them the box outline to stop at, and
    # the visible copy above them hides any edge that passes behind a box on its way to a farther column.
    boxes = {}
    for i, column in enumerate(columns):
        for j, node in enumerate(column):
            data = graph.nodes[node]
            style = dict(_NODE_STYLE.get(data.get("kind"), _NODE_STYLE["value"]), linewidth=1.0)
            where = (i * col_width, ((len(column) - 1) / 2 - j) * row_height)
            text: dict[str, Any] = {"s": _node_label(data), "ha": "center", "va": "center", "fontsize": 7.5,
                    "fontweight": "bold" if data.get("kind") in ("diagnosis", "action") else "normal"}
            boxes[node] = ax.text(*where, **text, color="none", zorder=1,
                                  bbox={**style, "facecolor": "none", "edgecolor": "none"})
            ax.text(*where, **text, zorder=3, bbox=style)
    for a, b in graph.edges:
        ax.add_patch(FancyArrowPatch(
            boxes[a].get_position(), boxes[b].get_position(), patchA=boxes[a].get_bbox_patch(),
            patchB=boxes[b].get_bbox_patch(), arrowstyle="-|>", mutation_scale=8, color="#8a8a8a",
            linewidth=0.7, shrinkA=1, shrinkB=2, zorder=2))
    ax.set_xlim(-col_width / 2, (len(columns) - 0.5) * col_width)
    ax.set_ylim(-(tallest / 2 + 0.9) * row_height, (tallest / 2 + 0.2) * row_height)
    handles = [Patch(facecolor=_NODE_STYLE[k]["facecolor"], edgecolor=_NODE_STYLE[k]["edgecolor"],
                     linestyle=_NODE_STYLE[k]["linestyle"], label=_KIND_LABEL[k]) for k in _KINDS]
    ax.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=7, frameon=False,
              handlelength=1.6, borderaxespad=0.2)
    return figure


# Defaults for what advice.to_dot() leaves unset: a compact layout in a sans-serif face.
_DOT_FLAGS: tuple[str, ...] = ("-Nfontname=Helvetica,Arial,sans-serif", "-Nfontsize=10", "-Nheight=0.3",
                               "-Gnodesep=0.12", "-Granksep=0.35", "-Earrowsize=0.6", "-Gpad=0.1")


class PictureFormatError(ValueError):
    """A picture asked for in a format that cannot be written (the message names the formats that can)."""


GRAPH_FORMATS: tuple[str, ...] = (".svg", ".png", ".pdf")
"""The suffixes `save_graph` writes (with Graphviz or with the matplotlib drawing)."""


def ladder_formats() -> tuple[str, ...]:
    """The suffixes `save_plot` writes: what matplotlib's Agg canvas supports here (.png, .svg, .pdf, .jpg...)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return tuple(sorted(f".{name}" for name in FigureCanvasAgg.get_supported_filetypes()))


def _check_suffix(path: Path, allowed: tuple[str, ...], what: str) -> None:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        got = f"{path.suffix!r}" if path.suffix else "a name without a suffix"
        raise PictureFormatError(f"{what} can be written as {', '.join(allowed)}, not {got} ({path})")


def _dot(dot_text: str, fmt: str) -> tuple[bytes | None, str]:
    """Graphviz's rendering of DOT text, or (None, why not) when `dot` is missing or refuses the input."""
    program = shutil.which("dot")
    if program is None:
        return None, "Graphviz's dot program is not installed"
    try:
        done = subprocess.run([program, f"-T{fmt}", *_DOT_FLAGS], input=dot_text.encode("utf-8"),
                              capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"dot failed to run ({error})"
    if done.returncode == 0 and done.stdout:
        return done.stdout, ""
    message = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
    return None, f"dot refused the graph ({one_line(message[0])[:200] if message else f'exit {done.returncode}'})"


def _fallback(reason: str) -> None:
    """A fallback is never silent: the drawing is slower and plainer, so say why it was used."""
    import warnings

    warnings.warn(f"explanation graph drawn with matplotlib: {reason}", RuntimeWarning, stacklevel=3)


def graph_svg(advice: "Advice", graph: nx.DiGraph | None = None, rankdir: str = "LR") -> str:
    """The explanation graph (or `graph`, a part of it) as an SVG string (the `<svg>` element alone):
    Graphviz's `dot` when installed, else the matplotlib drawing of `graph_figure`, with a RuntimeWarning."""
    return graph_svg_note(advice, graph, rankdir)[0]


def graph_svg_note(advice: "Advice", graph: nx.DiGraph | None = None, rankdir: str = "LR") -> tuple[str, str]:
    """(the SVG of `graph_svg`, why it was not drawn by Graphviz: '' when it was)."""
    from .render import graph_dot, summarised_graph

    graph = summarised_graph(advice.graph if graph is None else graph)
    rendered, reason = _dot(graph_dot(graph, rankdir), "svg")
    if rendered is not None:  # Graphviz titles an unnamed graph '%3': name it
        svg = _svg_element(rendered.decode("utf-8", errors="replace"))
        return re.sub(r"<title>%\d+</title>", "<title>explanation graph</title>", svg, count=1), ""
    _fallback(reason)
    return figure_svg(graph_figure(advice, graph)), reason


def save_graph(advice: "Advice", path: str | Path) -> Path:
    """Write the explanation graph to `path` as SVG, PNG or PDF, by its suffix."""
    from .render import graph_dot, summarised_graph

    path = Path(path)
    _check_suffix(path, GRAPH_FORMATS, "the explanation graph")
    suffix = path.suffix.lower()
    if suffix == ".svg":
        svg = graph_svg(advice)
        path.write_text('<?xml version="1.0" encoding="utf-8"?>\n' + svg + "\n", encoding="utf-8")
        return path
    graph = summarised_graph(advice.graph)
    rendered, reason = _dot(graph_dot(graph), suffix[1:])
    if rendered is not None:
        path.write_bytes(rendered)
    else:
        _fallback(reason)
        figure = graph_figure(advice, graph)
        with _reproducible():
            figure.savefig(path, metadata=_metadata(path))
    return path


_ID = re.compile(r'\bid="([^"]+)"')


def prefix_ids(svg: str, prefix: str) -> str:
    """Rename every id in an SVG (and each reference to it), so several SVGs can share one HTML page."""
    ids = set(_ID.findall(svg))
    if not ids:
        return svg
    svg = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)

    def ref(match: re.Match[str]) -> str:
        name = match.group(2)
        return f"{match.group(1)}{prefix}{name}" if name in ids else match.group(0)

    return re.sub(r'(url\(#|href="#)([^")]+)', ref, svg)
