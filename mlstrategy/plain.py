"""Plain input without pydantic: what a consultation of plain values (the command line's flags, keywords, a
parsed YAML file of numbers and names) needs of the fact base, read from a table of the models.

Nearly every situation is a few plain values: floats in [0, 1] (or "8%") for error levels, whole numbers for
sizes, short names, booleans. `given_facts` checks such values exactly as pydantic would and returns the given
facts as `Situation.given()` would; anything else (a nested part, an unusual value, any value pydantic would
refuse or change) returns None, and the caller validates with pydantic (`mlstrategy.facts`), so every error and
every unusual value is read by the models as before. The models load only then: importing pydantic and
defining them is about 180 ms of a command line's start on our 2-core machine, for a consultation of 0.4 ms.

The table (`_model_table.py`) is generated from the models (`mlstrategy.facts.model_table`); a test fails,
and says how to regenerate it, whenever the models and the table differ.
"""
from __future__ import annotations

import math
from typing import Any

from . import _model_table as _table

__all__ = ["FACT_GROUPS", "SITUATION_FIELDS", "SETTINGS_DEFAULTS", "FRACTION_FIELDS", "FACT_HELP", "given_facts",
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
"""The kinds of value read here; the mappings last."""
MAX_COUNT = 10**15
"""The largest count (`Count`'s bound)."""
MAX_ENTRIES = 1_000
"""A mapping (human_errors, tasks) with more entries than this goes through pydantic (and the expanded-size check)."""
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
        else:  # a mapping of labels to fractions or to counts
            if type(value) is not dict or not extra[key] <= len(value) <= MAX_ENTRIES:
                return None
            for label, item in value.items():
                if not _plain_label(label):
                    return None
                if kind == FRACTIONS:
                    if type(item) is not float or not 0.0 <= item <= 1.0:
                        return None
                elif type(item) is not int or not 0 <= item <= MAX_COUNT:
                    return None
            value = dict(value)
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
