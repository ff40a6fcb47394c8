"""A plain-Python evaluator of the rule language: the engine's semantics, written out for why_not.

It answers "which condition failed, with which values". A property test checks that it agrees with
the engine on every rule and situation it generates.
"""
from __future__ import annotations

import operator
from typing import Any, Mapping

from mlstrategy.knowledge.dsl import AllOf, Absent, AnyOf, Compare, Const, Fact, Known, Setting, Times

from mlstrategy.knowledge._record import record
from mlstrategy.knowledge.fields import is_concluded_marker

from .formatting import field_title, format_value

__all__ = ["holds", "failures", "describe", "Failure", "operand_value", "required_fields"]

_COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne}


@record
class Failure:
    """One condition that does not hold, described with the actual values."""

    condition: str
    fields: tuple[str, ...]

    def __str__(self) -> str:
        return self.condition


def operand_value(operand: Any, facts: Mapping[str, Any]) -> Any:
    """The value of an operand in a snapshot (None when a field it needs is absent)."""
    if isinstance(operand, Const):
        return operand.value
    if isinstance(operand, (Fact, Setting)):
        return facts.get(operand.field)
    left, right = operand_value(operand.left, facts), operand_value(operand.right, facts)
    if left is None or right is None:
        return None
    return left * right if isinstance(operand, Times) else left + right


def _same_kind(a: Any, b: Any) -> bool:
    numbers = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return True
    return type(a) is type(b)


def holds(condition: Any, facts: Mapping[str, Any]) -> bool:
    """Whether a condition holds in a snapshot, with the engine's semantics (an absent field fails a comparison)."""
    if isinstance(condition, Compare):
        left, right = operand_value(condition.left, facts), operand_value(condition.right, facts)
        if left is None or right is None or not _same_kind(left, right):
            return False
        return bool(_COMPARE[condition.op](left, right))
    if isinstance(condition, Known):
        return facts.get(condition.ref.field) is not None
    if isinstance(condition, Absent):
        return facts.get(condition.ref.field) is None
    if isinstance(condition, AllOf):
        return all(holds(part, facts) for part in condition.parts)
    if isinstance(condition, AnyOf):
        return any(holds(part, facts) for part in condition.parts)
    raise TypeError(f"unknown condition {condition!r}")


def required_fields(condition: Any) -> frozenset[str]:
    """The fields that must be present for the condition to hold (`holds` is False whenever one is absent): every
    field a comparison reads, a `known` field; for `any_of`, only what every branch needs. Settings are always
    present and are not listed."""
    if isinstance(condition, Compare):
        return frozenset((*condition.left.fields(), *condition.right.fields()))
    if isinstance(condition, Known):
        return frozenset((condition.ref.field,))
    if isinstance(condition, Absent):
        return frozenset()
    if isinstance(condition, AllOf):
        return frozenset().union(*(required_fields(part) for part in condition.parts))
    if isinstance(condition, AnyOf):
        parts = [required_fields(part) for part in condition.parts]
        return frozenset.intersection(*parts) if parts else frozenset()
    raise TypeError(f"unknown condition {condition!r}")


def _operand_text(operand: Any, facts: Mapping[str, Any] | None) -> str:
    if isinstance(operand, Const):
        return repr(operand.value) if isinstance(operand.value, str) else format_value("", operand.value)
    if isinstance(operand, (Setting, Fact)):
        label = f"setting {operand.name}" if isinstance(operand, Setting) else field_title(operand.field)
        if facts is None:
            return label
        name = operand.name if isinstance(operand, Setting) else operand.field
        return f"{label} ({format_value(name, facts.get(operand.field))})"
    sign = "x" if isinstance(operand, Times) else "+"
    inner = f"{_operand_text(operand.left, facts)} {sign} {_operand_text(operand.right, facts)}"
    if facts is None:
        return inner
    value = operand_value(operand, facts)
    unit_field = operand.left.field if isinstance(operand.left, Fact) else ""
    return inner + (f" = {format_value(unit_field, value)}" if value is not None else "")


def describe(condition: Any, facts: Mapping[str, Any] | None = None) -> str:
    """A condition in words, with the actual values when facts are given: 'variance (2%) >= setting min_gap (0.1%)'."""
    if isinstance(condition, Compare):
        return f"{_operand_text(condition.left, facts)} {condition.op} {_operand_text(condition.right, facts)}"
    if isinstance(condition, (Known, Absent)):
        field = condition.ref.field
        derived = is_concluded_marker(field)
        if isinstance(condition, Known):
            return f"{field_title(field)} " + ("was concluded" if derived else "is known")
        return f"{field_title(field)} " + ("was not concluded" if derived else "is absent")
    joiner = " and " if isinstance(condition, AllOf) else " or "
    return "(" + joiner.join(describe(part, facts) for part in condition.parts) + ")"


def _why_false(condition: Any, facts: Mapping[str, Any]) -> str:
    if isinstance(condition, Compare):
        missing = [f for f in condition.fields() if facts.get(f) is None]
        if missing:
            return f"{', '.join(field_title(f) for f in missing)} unknown"
    if isinstance(condition, Absent):
        return f"it is {format_value(condition.ref.field, facts.get(condition.ref.field))}"
    if isinstance(condition, Known):
        return "no" if is_concluded_marker(condition.ref.field) else "not given and not concluded"
    return "false"


def failures(condition: Any, facts: Mapping[str, Any]) -> list[Failure]:
    """Every failed atom of a condition (all failed parts of an all_of; an any_of fails as one)."""
    if holds(condition, facts):
        return []
    if isinstance(condition, AllOf):
        return [failure for part in condition.parts for failure in failures(part, facts)]
    text = f"{describe(condition, facts)}: {_why_false(condition, facts)}"
    return [Failure(text, tuple(dict.fromkeys(condition.fields())))]
