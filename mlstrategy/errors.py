"""Invalid input as typed problems: the field, the value, the allowed range and the suggestion as attributes.

Invalid input raises `pydantic.ValidationError` (the API contract). Its messages are for people; a program
that wants to act on an error (highlight the field in a form, offer the suggested value) reads `problems()`
instead of parsing text, as rule-engine's errors carry their symbol and suggestion. The facts are already in
each error's context (pydantic's `ctx`): the allowed range under pydantic's own keys (`ge`, `gt`, `le`, `lt`,
for its built-in numeric errors and ours alike), a `suggestion` where one is computed, and for unknown names
the names given, the closest valid one for each and every valid name.

>>> import mlstrategy as mls
>>> try:
...     mls.advise(dev_error=8)
... except ValidationError as error:
...     problem = problems(error)[0]
>>> problem.field, problem.value, str(problem.allowed), problem.suggestion
('dev_error', 8, '[0, 1]', 0.08)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from pydantic import ValidationError

__all__ = ["InputProblem", "Range", "problems"]


@dataclass(frozen=True)
class Range:
    """An allowed numeric range; a missing end is unbounded. `str()` reads like the messages: '[0, 1]', '> 0.5'."""

    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True

    def __contains__(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.low is not None and (value < self.low or (value == self.low and not self.low_inclusive)):
            return False
        return not (self.high is not None and (value > self.high or (value == self.high and not self.high_inclusive)))

    def __str__(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{'[' if self.low_inclusive else '('}{self.low:g}, {self.high:g}{']' if self.high_inclusive else ')'}"
        if self.low is not None:
            return f"{'>=' if self.low_inclusive else '>'} {self.low:g}"
        return f"{'<=' if self.high_inclusive else '<'} {self.high:g}" if self.high is not None else "any"

    @classmethod
    def from_context(cls, ctx: dict[str, Any]) -> Range | None:
        """The range an error's context states (pydantic's `ge`/`gt`/`le`/`lt`), or None when it states none."""
        low, high = _number(ctx.get("ge", ctx.get("gt"))), _number(ctx.get("le", ctx.get("lt")))
        if low is None and high is None:
            return None
        return cls(low, high, "gt" not in ctx, "lt" not in ctx)


def _given(ctx: dict[str, Any], item: Any) -> Any:
    """The value as given: the context's own value, unless messages replaced it by a bounded text excerpt."""
    if "value" in ctx and not (isinstance(ctx["value"], str) and "input" in item):
        return ctx["value"]
    return item.get("input", ctx.get("value"))


def _number(value: Any) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with the input.

    `field` is the dotted path ('dev_error', 'candidates.0.name', 'error_analysis'; an unknown name is its own
    field), `value` what was given, `allowed` a `Range` or the tuple of valid names (None when neither applies),
    `suggestion` the likely intended value or name (None when there is no good guess), `kind` pydantic's error
    type ('fraction_range', 'unknown_fact', 'greater_than_equal', ...), `message` the message as people read it.
    """

    field: str
    value: Any
    allowed: Union[Range, tuple[str, ...], None]
    suggestion: Any
    kind: str
    message: str
    loc: tuple[str | int, ...] = ()


def problems(error: ValidationError) -> list[InputProblem]:
    """Every problem of a validation error, in its order; an error naming several unknown names gives one each."""
    found: list[InputProblem] = []
    for item in error.errors():
        ctx: dict[str, Any] = dict(item.get("ctx") or {})
        loc = tuple(item["loc"])
        path = ".".join(str(part) for part in loc)
        if "unknown" in ctx:
            for name in ctx["unknown"]:
                found.append(InputProblem(
                    ".".join(p for p in (path, str(name)) if p), name, tuple(ctx.get("choices", ())),
                    (ctx.get("suggestions") or {}).get(name), item["type"], item["msg"], (*loc, name)))
            continue
        found.append(InputProblem(
            # the value as given (messages show a bounded excerpt of it in ctx["value"])
            path or "value", _given(ctx, item), Range.from_context(ctx),
            ctx.get("suggestion"), item["type"], item["msg"], loc))
    return found
