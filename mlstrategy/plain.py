"""Plain input without pydantic: what a consultation of plain values (the command line's flags, keywords, a
parsed YAML file of numbers and names) needs of the fact base, read from a table of the models.

Nearly every situation is plain values: floats in [0, 1] (or "8%") for error levels, whole numbers for sizes,
short names, booleans, and nested parts made of them (a confusion matrix, candidates with their metrics, the
satisficing bounds, an error-analysis tally, class weights, learning curves, metric names). `given_facts`
checks such values exactly as pydantic would and returns the given facts as `Situation.given()` would; anything
else (an unusual value, any value pydantic would refuse or change) returns None, and the caller validates with
pydantic (`mlstrategy.facts`), so every error and every unusual value is read by the models as before. The
models load only then: importing pydantic and defining them is about 180 ms of a command line's start on our
2-core machine, for a consultation of 0.4 ms (1.5 ms with every topic), and validating a situation with every
topic costs pydantic about 140 us where these checks take about 20.

The table (`_model_table.py`) is generated from the models (`mlstrategy.facts.model_table`); a test fails,
and says how to regenerate it, whenever the models and the table differ.
"""
from __future__ import annotations

import math
import sys
from typing import Any

from . import _model_table as _table

__all__ = ["FACT_GROUPS", "SITUATION_FIELDS", "SETTINGS_DEFAULTS", "FRACTION_FIELDS", "FACT_HELP", "given_facts", "holds_nested",
           "default_setting_fields", "parse_text_value", "suggest", "fraction_text"]

SITUATION_FIELDS: tuple[str, ...] = _table.SITUATION_FIELDS
"""Every fact name, in the models' declaration order (the order of `Situation.given()`)."""
SETTINGS_DEFAULTS: dict[str, Any] = _table.SETTINGS_DEFAULTS
"""Every setting and its default, in declaration order."""
FRACTION_FIELDS: frozenset[str] = _table.FRACTION_FIELDS
"""The facts and settings typed `Fraction` (they read and print as percentages)."""
FACT_HELP: dict[str, str] = _table.FACT_HELP
"""Each fact's description (the command line's --help)."""

FRACTION, COUNT, BOOL, LABEL, CHOICE, FRACTIONS, COUNTS = range(7)
"""The kinds of value read here: scalars, then mappings of labels to scalars."""
CONFUSION, CANDIDATES, BOUNDS, TALLY, WEIGHTS, CURVE, NAMES = range(7, 14)
"""The nested parts read here (each by its reader in `_NESTED`): a confusion matrix, the candidates, the
satisficing bounds, an error-analysis tally, class weights, a learning curve, a list of metric names."""
NESTED = CONFUSION
MAX_COUNT = 10**15
"""The largest count (`Count`'s bound)."""
MAX_ENTRIES = 1_000
"""A mapping (human_errors, tasks) or a list of candidates or names with more entries than this goes through
pydantic (and the expanded-size check)."""
MAX_CURVE = 100_000
"""A learning curve with more points than this goes through pydantic (and the expanded-size check)."""
MAX_CANDIDATE_VALUES = 100_000
"""Candidates holding more metric values and errors by class than this in all go through pydantic (and the
expanded-size check): a YAML file can give every candidate the same shared mapping of metrics."""
_LARGEST = sys.float_info.max
MAX_EXACT_INT = 2**53
"""Integers up to this size convert to a float exactly (a metric bound, a class weight, a curve point given as 3)."""
LABEL_LENGTH = 200
"""`Label`'s max_length."""

KINDS: dict[str, int] = _table.QUICK_KINDS
"""The facts read here, by kind (the table's `_quick_kinds` of Situation)."""
EXTRA: dict[str, Any] = {name: frozenset(value) if isinstance(value, tuple) else value
                         for name, value in _table.QUICK_EXTRA.items()}
"""Each kind's extra: a mapping's minimum length, the choices of a Literal."""
_POSITION = {name: index for index, name in enumerate(SITUATION_FIELDS)}

FACT_GROUPS: dict[str, tuple[str, ...]] = {
    "error levels": ("human_error", "human_errors", "bayes_error", "train_error", "train_dev_error", "dev_error", "test_error",
                     "target_error"),
    "data": (
        "train_size", "train_dev_size", "dev_size", "test_size", "total_examples",
        "train_distribution", "dev_distribution", "test_distribution", "target_examples",
        "other_distribution_examples", "production_distribution", "structured_data",
    ),
    "metrics and goals": (
        "precision", "recall", "confusion_matrix", "class_weights", "candidates", "tracked_metrics",
        "maximize", "minimize", "optimizing_metric", "satisficing", "metric_matches_users", "real_world_ok",
    ),
    "error analysis": ("error_analysis", "train_label_errors"),
    "transfer, multi-task, end-to-end": (
        "task_a_examples", "task_b_examples", "same_input_type", "low_level_features_shared", "tasks",
        "can_train_big_network", "labels_incomplete", "end_to_end_examples", "stage_examples", "stages_simpler",
    ),
    "learning curves": ("train_curve", "dev_curve"),
}
"""The facts by topic, for the command line's help and the docs (every fact is in exactly one group: tested)."""


def suggest(name: str, choices: Any) -> str | None:
    """The closest valid name to a misspelt one, or None (the one place "did you mean" is computed)."""
    import difflib  # on use: only a misspelt name needs it (~1.2 ms of every command line's start)

    found = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


_PLAIN_TEXT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._%+-/")
"""Characters that cannot make YAML read a structure: no flow brackets, no ': ', tag, anchor, comment or newline."""
_YAML_BOOLEANS = frozenset(variant for word in ("yes", "no", "true", "false", "on", "off")
                           for variant in (word, word.title(), word.upper()))
"""The plain words YAML 1.1 (PyYAML's resolver) reads as booleans."""


def _plain_scalar(text: str) -> bool:
    """True when YAML would certainly read `text` as a scalar that is not a boolean (a number, a word, '8%'):
    then `parse_text_value` returns it as typed without importing PyYAML (the command line's usual flags)."""
    stripped = text.strip(" ")
    return (_PLAIN_TEXT.issuperset(text) and stripped not in _YAML_BOOLEANS and stripped != "-"
            and not stripped.startswith(("- ", "--", "..", "%")))  # a list item, a document marker, a directive


def parse_text_value(raw: str) -> Any:
    """A value typed as text (a CLI flag, an answer in `consult`): YAML for structures and booleans
    ('{expert: 0.01}', 'true'), otherwise the string itself, which the fact base parses and range-checks ('8%')."""
    if isinstance(raw, str) and _plain_scalar(raw):
        return raw  # what YAML would give back: neither a structure nor a boolean
    import yaml

    from .files import load_yaml

    try:
        parsed = load_yaml(raw)
    except (yaml.YAMLError, RecursionError):
        return raw
    return parsed if isinstance(parsed, (dict, list, bool)) else raw


def fraction_text(value: str) -> float | None:
    """The fraction `parse_fraction` reads from a text ("8%" -> 0.08, "0.1" -> 0.1), or None where it would
    refuse it (the refusal, with its message, is pydantic's to give)."""
    text = value.strip().replace(" ", "")
    if "_" in text:  # float("1_0") is 10.0: '1_0%' is a typo, not 10%
        return None
    try:
        number = round(float(text[:-1]) / 100, 12) if text.endswith("%") else float(text)  # "0.7%" -> 0.007
    except ValueError:
        return None
    if not math.isfinite(number) or number < 0 or number > 1:
        return None
    return number


def _plain_label(text: Any) -> bool:
    """True for a `Label` pydantic stores as it is: a str (not a subclass) of 1 to 200 ASCII characters with no
    whitespace at either end (str_strip_whitespace would change it; Python's strip removes all that Rust's trim
    does, and more)."""
    return type(text) is str and 0 < len(text) <= LABEL_LENGTH and text.isascii() and text.strip() == text


def _plain_count(text: str) -> bool:
    """True for the digits of a whole number pydantic reads as that number: ASCII digits only, no sign, no leading
    zero, no separators or spaces, at most 15 digits (so at most 10**15 - 1)."""
    return 0 < len(text) <= 15 and text.isascii() and text.isdigit() and (text[0] != "0" or text == "0")


def _plain_int(value: Any, low: int = 0, high: int = MAX_COUNT) -> bool:
    """True for an int (not a bool or a subclass) in [low, high]."""
    return type(value) is int and low <= value <= high


def _plain_number(value: Any) -> float | None:
    """The float pydantic's `Number` (a finite float; an int converts) makes of `value`, or None where it may
    do anything else (an int too large to convert exactly, a bool, a numpy scalar, a string)."""
    if type(value) is float:
        return value if math.isfinite(value) else None
    if type(value) is int and -MAX_EXACT_INT <= value <= MAX_EXACT_INT:
        return float(value)
    return None


def _plain_counts(value: Any, high: int = MAX_COUNT) -> dict[str, int] | None:
    """A new dict of at most MAX_ENTRIES plain labels to whole numbers in [0, high] (tasks, a tally's
    categories), or None."""
    if type(value) is not dict or len(value) > MAX_ENTRIES:
        return None
    for label, item in value.items():
        if not _plain_label(label) or not _plain_int(item, 0, high):
            return None
    return dict(value)


def _plain_fractions(value: Any) -> dict[str, float] | None:
    """A new dict of at most MAX_ENTRIES plain labels to floats in [0, 1] (human levels, errors by class), or
    None ("8%" in a mapping is left to pydantic)."""
    if type(value) is not dict or len(value) > MAX_ENTRIES:
        return None
    for label, item in value.items():
        if not _plain_label(label) or type(item) is not float or not 0.0 <= item <= 1.0:  # NaN fails the comparison
            return None
    return dict(value)


def _confusion_matrix(value: Any) -> dict[str, Any] | None:
    """`ConfusionMatrix`: exactly tp, fp, fn and tn, each a whole number; written in that order."""
    if type(value) is not dict or len(value) != 4:
        return None
    matrix = {"tp": value.get("tp"), "fp": value.get("fp"), "fn": value.get("fn"), "tn": value.get("tn")}
    for count in matrix.values():  # a missing side is None: no int
        if type(count) is not int or not 0 <= count <= MAX_COUNT:
            return None
    return matrix


def _candidate(value: Any) -> dict[str, Any] | None:
    """`Candidate`: a plain name, metric values that are finite numbers (kept as given, int or float; a "92%"
    text is left to pydantic), and errors by class as fractions; written name, errors_by_class, then the metrics
    in their order."""
    if type(value) is not dict or not _plain_label(value.get("name")):
        return None
    out: dict[str, Any] = {"name": value["name"]}
    errors = value.get("errors_by_class")
    if errors is not None:
        errors = _plain_fractions(errors)
        if errors is None:
            return None
        out["errors_by_class"] = errors
    if len(value) - 1 - ("errors_by_class" in value) > MAX_ENTRIES:  # metrics, besides the name and errors by class
        return None
    for metric, number in value.items():
        if type(metric) is not str:  # before comparing it: an object's own __eq__ could do anything
            return None
        if metric == "name" or metric == "errors_by_class":
            continue
        if not _plain_label(metric):
            return None
        kind = type(number)
        if not ((kind is float and math.isfinite(number)) or (kind is int and -MAX_COUNT <= number <= MAX_COUNT)):
            return None
        out[metric] = number
    return out


def _candidates(value: Any) -> list[dict[str, Any]] | None:
    """The candidates: a list of 1 to MAX_ENTRIES `Candidate`s with distinct names, or the mapping form
    {name: metrics}, read as the list [{"name": name, **metrics}] (a "name" among the metrics is left to pydantic)."""
    if type(value) is dict:  # sizes first: every name may share one mapping of metrics (a YAML alias)
        if (len(value) > MAX_ENTRIES or sum(map(len, value.values())) > MAX_CANDIDATE_VALUES
                or any(type(metrics) is not dict or "name" in metrics for metrics in value.values())):
            return None
        value = [{"name": name, **metrics} for name, metrics in value.items()]
    elif type(value) is not list:
        return None
    if not 1 <= len(value) <= MAX_ENTRIES:
        return None
    out = []
    names = set()
    values = 0
    for item in value:
        candidate = _candidate(item)
        if candidate is None or candidate["name"] in names:
            return None
        values += len(candidate) + len(candidate.get("errors_by_class", ()))
        if values > MAX_CANDIDATE_VALUES:
            return None
        names.add(candidate["name"])
        out.append(candidate)
    return out


def _bounds(value: Any) -> dict[str, dict[str, float]] | None:
    """The satisficing bounds: metric -> `Bound` ({max}, {min} or both, min at most max), written max then min."""
    if type(value) is not dict or len(value) > MAX_ENTRIES:
        return None
    out = {}
    for metric, bound in value.items():
        if not _plain_label(metric) or type(bound) is not dict or not bound or not bound.keys() <= {"max", "min"}:
            return None
        read: dict[str, float] = {}
        for side in ("max", "min"):
            given = bound.get(side)
            if given is not None:
                number = _plain_number(given)
                if number is None:
                    return None
                read[side] = number
        if not read or ("max" in read and "min" in read and read["min"] > read["max"]):
            return None
        out[metric] = read
    return out


def _tally(value: Any) -> dict[str, Any] | None:
    """`ErrorAnalysis`: examined (a whole number above 0), categories and mislabeled (counts of at most examined),
    written with every field (the defaults, {} and 0, too)."""
    if type(value) is not dict or "examined" not in value or not value.keys() <= {"examined", "categories", "mislabeled"}:
        return None
    examined = value["examined"]
    if not _plain_int(examined, 1):
        return None
    categories = _plain_counts(value.get("categories", {}), examined)
    mislabeled = value.get("mislabeled", 0)
    if categories is None or not _plain_int(mislabeled, 0, examined):
        return None
    return {"examined": examined, "categories": categories, "mislabeled": mislabeled}


def _weights(value: Any) -> dict[str, float] | None:
    """Class weights: plain labels to numbers above 0, as floats."""
    if type(value) is not dict or len(value) > MAX_ENTRIES:
        return None
    out = {}
    for label, weight in value.items():
        number = _plain_number(weight)
        if not _plain_label(label) or number is None or not number > 0:
            return None
        out[label] = number
    return out


def _curve(value: Any) -> list[float] | None:
    """A learning curve: a list (in order) of up to MAX_CURVE numbers of at least 0, as floats."""
    if type(value) is not list or len(value) > MAX_CURVE:
        return None
    if all(type(point) is float and 0.0 <= point <= _LARGEST for point in value):  # the usual curve (NaN fails)
        return list(value)
    out = []
    for point in value:
        number = _plain_number(point)
        if number is None or not number >= 0:
            return None
        out.append(number)
    return out


def _names(value: Any) -> list[str] | None:
    """Metric names: a list of plain labels (a set, read sorted, is left to pydantic)."""
    if type(value) is not list or len(value) > MAX_ENTRIES or not all(_plain_label(name) for name in value):
        return None
    return list(value)


def holds_nested(facts: Any) -> bool:
    """Whether given facts (or the input they were read from) hold a nested part: a model of its own, which only
    pydantic builds (an unknown name counts as one)."""
    return any(KINDS.get(key, NESTED) >= NESTED for key in facts)


_NESTED = {CONFUSION: _confusion_matrix, CANDIDATES: _candidates, BOUNDS: _bounds, TALLY: _tally, WEIGHTS: _weights,
           CURVE: _curve, NAMES: _names}
"""Each nested kind's reader: the value as `Situation.given()` writes it (new containers), or None where pydantic
may read it otherwise or refuse it."""


def given_facts(base: dict[str, Any]) -> dict[str, Any] | None:
    """What `Situation.model_validate(base).given()` returns, when every value is one pydantic stores as it is or
    reads as this does (see the module's docstring); otherwise None, and pydantic reads the input. Mappings in
    the result are new (never the caller's)."""
    kinds, extra, positions = KINDS, EXTRA, _POSITION
    try:
        if not kinds.keys() >= base.keys():  # a part read only by pydantic, or an unknown name: at once
            return None
    except Exception:  # a key whose __hash__ or __eq__ raises: pydantic's validation meets it as before
        return None
    given: dict[str, Any] = {}
    last, ordered = -1, True
    for key, value in base.items():
        if type(key) is not str:  # a str subclass equal to a name (its __hash__ may be anything)
            return None
        kind = kinds[key]
        if value is None:
            continue
        if kind == FRACTION:
            if type(value) is str:  # "8%", as a flag or a YAML file gives it
                value = fraction_text(value)
                if value is None:
                    return None
            elif type(value) is not float or not 0.0 <= value <= 1.0:  # NaN fails the comparison
                return None
        elif kind == COUNT:
            if type(value) is str and _plain_count(value):  # as a flag gives it: "5000"
                value = int(value)
            elif type(value) is not int or not 0 <= value <= MAX_COUNT:
                return None
        elif kind == BOOL:
            if type(value) is not bool:
                return None
        elif kind == LABEL:
            if not _plain_label(value):
                return None
        elif kind == CHOICE:
            if type(value) is not str or value not in extra[key]:
                return None
        elif kind < NESTED:  # a mapping of labels to fractions or to counts (of at least its minimum length)
            if type(value) is not dict or len(value) < extra[key]:
                return None
            value = _plain_fractions(value) if kind == FRACTIONS else _plain_counts(value)
            if value is None:
                return None
        else:
            try:
                value = _NESTED[kind](value)
            except Exception:  # a key whose __eq__ raises, say: pydantic's validation meets it as before
                return None
            if value is None:
                return None
        given[key] = value
        position = positions[key]
        if position < last:
            ordered = False
        last = position
    if not ordered:  # given facts are in declaration order, as model_dump writes them
        given = {key: given[key] for key in sorted(given, key=positions.__getitem__)}
    return given


_DEFAULT_FIELDS: dict[str, Any] | None = None


def default_setting_fields() -> dict[str, Any]:
    """The default settings as engine fields (`setting:min_gap` -> 0.001), shared: callers must not change it."""
    global _DEFAULT_FIELDS
    if _DEFAULT_FIELDS is None:  # on first use: the field-name protocol lives with the knowledge base, which
        from .knowledge.fields import setting_field  # importing this module alone (facts does) need not load

        # built whole, then published: a thread never sees it half-filled (two may build equal ones)
        _DEFAULT_FIELDS = {setting_field(name): value for name, value in SETTINGS_DEFAULTS.items()}
    return _DEFAULT_FIELDS
