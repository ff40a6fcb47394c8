"""How numbers and names read in explanations: fractions as percentages, fields by their plain names."""
from __future__ import annotations

import functools
from typing import Any

from mlstrategy.knowledge.catalog import FRACTION_VALUES, VALUE_TITLES
from mlstrategy.knowledge.fields import split_field

__all__ = ["format_value", "field_title", "percent"]


def percent(value: float) -> str:
    """0.07 -> '7%', 0.075 -> '7.5%', 0.0005 -> '0.05%'."""
    text = f"{value * 100:.4f}".rstrip("0").rstrip(".")
    return f"{'0' if text in ('-0', '') else text}%"


_WRAPPERS = ("diagnosis", "setting", "value", "input", "action", "missing")


@functools.cache
def _fractions() -> tuple[frozenset[str], frozenset[str]]:
    """(fields that read as percentages, fields that do not): metadata, not names (the models load lazily)."""
    from mlstrategy.plain import FRACTION_FIELDS, SETTINGS_DEFAULTS, SITUATION_FIELDS

    fractions = FRACTION_VALUES | FRACTION_FIELDS
    return fractions, frozenset(SITUATION_FIELDS) | frozenset(SETTINGS_DEFAULTS) | VALUE_TITLES.keys()


def _is_fraction(name: str) -> bool:
    prefix, rest = split_field(name)
    base = rest if prefix in _WRAPPERS else (prefix or rest)  # 'setting:min_gap' -> min_gap; 'ceiling:dogs' -> ceiling
    fractions, described = _fractions()
    if base in fractions or base in described:
        return base in fractions
    return base.endswith("_error")  # a metric the user named (a candidate's 'top5_error'): only the name can tell


def format_value(name: str, value: Any) -> str:
    """A value as a person reads it: error levels and gaps as percentages, dicts as `k=v` lists."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) and _is_fraction(name) and not isinstance(value, bool):
        return percent(float(value))
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return ", ".join(f"{key} {format_value(name, item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):  # names and numbers (a learning curve) read as a list; others by how many
        if value and all(isinstance(item, str) for item in value):
            return ", ".join(value)
        if value and all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in value):
            return ", ".join(format_value(name, item) for item in value)
        return f"{len(value):,}"
    return str(value)


def field_title(field: str) -> str:
    """'train_error' -> 'training error', 'diagnosis:variance' -> 'diagnosis variance', 'setting:min_gap' -> 'setting min_gap'."""
    kind, name = split_field(field)
    if kind is not None:
        return f"{kind} {name}"
    return VALUE_TITLES.get(field, field.replace("_", " "))
