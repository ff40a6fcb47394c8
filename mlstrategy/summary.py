"""What a person reads first, shared by every rendering: the headline, the one-line summary for sweeps, the
values the plan depends on (each interval beside its value), and long lists cut to their top items.

Advice holds results; this module decides what of them leads (compute apart from render).

>>> import mlstrategy as mls
>>> mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10).headline
'Avoidable bias (7%) is the primary problem: first train a bigger model and train longer.'
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping, NamedTuple

from .inference.formatting import field_title, format_value
from .knowledge.catalog import BOOKKEEPING_VALUES, DIAGNOSES
from .knowledge.gaps import GAPS
from .sanitize import one_line

if TYPE_CHECKING:  # pragma: no cover
    from .advice import Action, Advice

__all__ = ["shorten", "headline", "summary_line", "summary_table", "ValueRow", "value_rows", "key_value_names", "brief",
           "LIST_LIMIT", "INTERVAL_PREFIXES"]

LIST_LIMIT = 8
"""Mappings and lists longer than this are shown as their top items and "N more" (the full data is in JSON)."""
INTERVAL_PREFIXES: dict[str, str] = {"ci_low": "low", "ci_high": "high", "range_low": "low", "range_high": "high"}
"""Values named `<prefix>:<name>` bound `name`: a confidence interval (ci) or a plausible range (range)."""


def _sentence_case(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _join(items: list[str], word: str = "and") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def _first_titles(actions: Iterable["Action"]) -> list[str]:
    return [_sentence_case(action.title) for action in actions if action.step == "do first"]


def _size(name: str, severity: float | None) -> str:
    return f" ({format_value(name, severity)})" if severity is not None else ""


def _measurement(names: Iterable[str]) -> str:
    """What a person does to settle a question: 'measure human-level error or Bayes error', 'measure on a bigger
    dev set' (a set size is settled by more examples, not by stating it)."""
    names = list(names)
    facts = [field_title(n) for n in names if not n.endswith("_size")]
    sets = [n[:-len("_size")].replace("_", "-") for n in names if n.endswith("_size")]
    parts = ([f"measure {_join(facts, 'or')}"] if facts else []) + (
        [f"measure on a bigger {_join(sets, 'or')} set"] if sets else [])
    return " or ".join(parts)


def headline(advice: "Advice") -> str:
    """One sentence: the primary problem and what to do first, or what cannot be told yet and the measurement
    that settles it, or that the target is met, or the model to choose, or that nothing needs fixing."""
    primary = advice.primary_problem
    diagnosis = advice.diagnosis(primary) if primary else None
    if diagnosis is not None:
        first = _first_titles(advice.actions)
        todo = f": first {_join(first)}" if first else ""
        return f"{diagnosis.title}{_size(diagnosis.name, diagnosis.severity)} is the primary problem{todo}."
    undetermined = advice.undetermined
    if undetermined is not None:
        between = [DIAGNOSES[n].title.lower() if n in DIAGNOSES else n.replace("_", " ") for n in undetermined.between]
        what = _join(between, "or") if between else undetermined.title.lower()
        settle = f" - {_measurement(undetermined.settled_by)} to settle it" if undetermined.settled_by else ""
        return f"Can't tell yet: {what}{settle}."
    status = next((d for d in advice.diagnoses if d.kind == "status"), None)
    if status is not None:
        return f"{status.title}." if status.name != "meets_target" else _meets_target(advice)
    if advice.choice is not None:
        return advice.choice.sentence
    if advice.missing:
        return (f"No problem worth acting on in these facts; measuring the {field_title(advice.missing[0].name)} "
                "would tell more.")
    return "No problem worth acting on was found."


def _meets_target(advice: "Advice") -> str:
    target = advice.inputs.get("target_error")
    level = next((name for name in ("test_error", "dev_error") if name in advice.inputs), None)
    if target is None or level is None:
        return "Meets the target."
    return (f"Meets the target: {field_title(level)} {format_value(level, advice.inputs[level])} is at or below "
            f"the target {format_value('target_error', target)}.")


def summary_line(advice: "Advice") -> str:
    """One compact line for a sweep: 'variance 10% | do first: more_data, regularization | choose B'."""
    parts = []
    primary = advice.primary_problem
    diagnosis = advice.diagnosis(primary) if primary else None
    if diagnosis is not None:  # diagnosis.name is the primary problem's (the lookup matched it)
        parts.append(f"{diagnosis.name}{_size(diagnosis.name, diagnosis.severity).replace('(', '').replace(')', '')}")
    elif advice.undetermined is not None:
        u = advice.undetermined
        parts.append(f"can't tell: {' or '.join(u.between) or u.name}"
                     + (f" (measure {' or '.join(u.settled_by)})" if u.settled_by else ""))
    elif any(d.name == "meets_target" for d in advice.diagnoses):
        parts.append("meets the target")
    else:
        parts.append("no problem")
    first = [a.name for a in advice.actions if a.step == "do first"]
    if first:
        parts.append("do first: " + ", ".join(first))
    if advice.choice is not None:
        parts.append(f"choose {advice.choice.chosen}" if advice.choice.chosen else "no candidate chosen")
    return " | ".join(parts)


def summary_table(results: Iterable[Any], labels: Iterable[str] | None = None) -> str:
    """`advise_many` results as a plain table, one line each (a failed item shows its error)."""
    results = list(results)
    names = list(labels) if labels is not None else [str(index) for index in range(len(results))]
    width = max((len(name) for name in names), default=1)
    lines = [f"{'#'.ljust(width)}  advice"]
    for name, result in zip(names, results):
        line = result.summary_line() if hasattr(result, "summary_line") else \
            f"error: {one_line(str(getattr(result, 'message', result)))[:200]}"
        lines.append(f"{name.ljust(width)}  {line}")
    return "\n".join(lines)


# ---------------------------------------------------------------- values people read
class ValueRow(NamedTuple):
    """A value with its interval or plausible range folded in: '10% (95% CI 9.2-10.8%)'.

    A named tuple rather than a frozen dataclass (the same attributes, repr, equality and hash, and immutable):
    creating a dataclass class costs ~1.5 ms of every command line's start."""

    name: str
    value: Any
    text: str
    low: float | None = None
    high: float | None = None
    kind: str = ""  # "ci", "range" or ""


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _interval(name: str, low: float, high: float) -> str:
    if format_value(name, 1.0).endswith("%"):
        trim = lambda v: f"{v * 100:.1f}".rstrip("0").rstrip(".")  # noqa: E731
        return f"{trim(low)}-{trim(high)}%"
    return f"{low:.4g}-{high:.4g}"


def value_rows(advice: "Advice", names: Iterable[str] | None = None) -> list[ValueRow]:
    """Every derived value once, its `ci_low`/`ci_high` or `range_low`/`range_high` beside it (never rows of
    their own), gaps first; an interval on an input (e.g. the dev error's) goes beside the input's value."""
    values = advice.values
    bounds: dict[str, dict[str, Any]] = {}
    plain: dict[str, Any] = {}
    for key, value in values.items():
        if key in BOOKKEEPING_VALUES:
            continue
        prefix, sep, base = key.partition(":")
        if sep and prefix in INTERVAL_PREFIXES:
            bounds.setdefault(base, {})[prefix] = value
        else:
            plain[key] = value
    for base in bounds:
        if base not in plain and base in advice.inputs:
            plain[base] = advice.inputs[base]
        plain.setdefault(base, None)
    order = [n for n in GAPS if n in plain] + [n for n in plain if n not in GAPS]
    wanted = set(names) if names is not None else None
    confidence = advice.setting("confidence")
    rows = []
    for name in order:
        if wanted is not None and name not in wanted:
            continue
        value, found = plain[name], bounds.get(name, {})
        text = format_value(name, value) if value is not None else ""
        kind, low, high = "", None, None
        if _is_number(found.get("ci_low")) and _is_number(found.get("ci_high")):
            kind, low, high = "ci", float(found["ci_low"]), float(found["ci_high"])
            level = f"{confidence * 100:g}%"
            text = f"{text} ({level} CI {_interval(name, low, high)})".strip()
        elif (_is_number(found.get("range_low")) and _is_number(found.get("range_high"))
              and (value is None or found["range_low"] != found["range_high"])):  # a point needs no range
            kind, low, high = "range", float(found["range_low"]), float(found["range_high"])
            text = (f"{text} (could be {_interval(name, low, high)})" if text
                    else f"{_interval(name, low, high)} (plausible range)")
        rows.append(ValueRow(name, value, text or "unknown", low, high, kind))
    return rows


def key_value_names(advice: "Advice") -> set[str]:
    """The values the headline and the first steps rest on (the rest stays in details and JSON): the gaps,
    the Bayes proxy, the chosen model, and every value the primary problem's or first steps' rules read.

    Walked over the firings (what each rule read and concluded), not the graph: a text report never needs
    networkx."""
    names = {name for name in (*GAPS, "bayes_proxy", "selected_candidate", "optimizing_metric") if name in advice.values}
    producers: dict[str, list[Any]] = {}
    for firing in advice.trace.firings:
        for item in firing.concluded:
            if item.kind in ("value", "diagnosis", "action"):
                producers.setdefault(item.field, []).append(firing)
    value_fields = {item.field: item.name for firing in advice.trace.firings for item in firing.concluded
                    if item.kind == "value"}
    targets = [f"diagnosis:{advice.primary_problem}"] if advice.primary_problem else []
    if advice.undetermined is not None:
        targets.append(f"diagnosis:{advice.undetermined.name}")
    targets += [f"action:{a.name}" for a in advice.actions if a.step == "do first"]
    seen: set[str] = set()
    stack = [t for t in targets if t in producers]
    while stack:
        current = stack.pop()
        for firing in producers.get(current, ()):
            for read in firing.read_names:
                if read not in seen:
                    seen.add(read)
                    stack.append(read)
    names |= {value_fields[f] for f in seen if f in value_fields}
    return {name.partition(":")[2] if name.partition(":")[0] in INTERVAL_PREFIXES else name for name in names}


# ---------------------------------------------------------------- long lists, cut
def _ranked_items(mapping: Mapping[Any, Any]) -> list[tuple[Any, Any]]:
    """Largest numbers first (the top categories), else the mapping's own order."""
    items = list(mapping.items())
    if all(_is_number(v) for _, v in items):
        return sorted(items, key=lambda kv: -float(kv[1]))
    return items


def brief(name: str, value: Any, limit: int = LIST_LIMIT) -> str:
    """format_value, with mappings and lists longer than `limit` cut to their top items and 'N more'."""
    if isinstance(value, Mapping):
        items = _ranked_items(value) if len(value) > limit else list(value.items())
        shown = ", ".join(f"{key} {brief(name, item, limit)}" for key, item in items[:limit])
        return shown + (f" and {len(items) - limit:,} more" if len(items) > limit else "")
    if isinstance(value, (list, tuple)) and value and all(isinstance(item, str) for item in value) and len(value) > limit:
        return ", ".join(value[:limit]) + f" and {len(value) - limit:,} more"
    return format_value(name, value)


def shorten(text: str, limit: int = LIST_LIMIT) -> str:
    """Prose that lists many items ('a 50% of errors; b 49%; ...' over 1,300 categories) cut to its first
    `limit` items and 'N more', on each line; short text is returned unchanged."""
    if len(text) <= 100 * limit:
        return text
    out = []
    for line in text.split("\n"):
        for separator in ("; ", ", "):
            parts = line.split(separator)
            if len(parts) > 2 * limit:
                line = separator.join(parts[:limit]) + f"{separator}... and {len(parts) - limit:,} more"
        out.append(line)
    return "\n".join(out)
