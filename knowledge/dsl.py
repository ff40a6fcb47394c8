"""The rule language: rules are frozen data with an id, a course section, conditions, conclusions and a rationale.

Conditions compare fields of the fact snapshot (inputs, derived values, diagnoses) to constants, to settings
or to other fields, and are compiled by `mlstrategy.inference` into durable_rules conditions, so the engine
evaluates them. Conclusions derive values with small pure functions, diagnoses, actions and questions.
Every condition and conclusion records which fields it reads: explanations come only from those.

>>> rule = Rule(
...     id="example.bias", section="Avoidable bias",
...     when=all_of(known("train_error"), known("bayes_proxy")),
...     then=(Value("avoidable_bias", lambda f: f["train_error"] - f["bayes_proxy"], ("train_error", "bayes_proxy")),),
...     because="train error {train_error} - Bayes proxy {bayes_proxy} = avoidable bias {avoidable_bias}",
... )
>>> rule.reads()
('train_error', 'bayes_proxy')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Union

from ._record import record

# the field-name protocol lives in fields.py; the marker builders are re-exported here, where rules import them
from .fields import (
    action_field, diagnosis_field, family, family_of, is_setting, missing_field, setting_field, setting_name,
)

__all__ = [
    "Fact", "Setting", "Const", "Times", "Plus", "Compare", "Known", "Absent", "AllOf", "AnyOf",
    "Value", "Values", "Diagnose", "Recommend", "Ask", "Rule", "Condition", "Operand", "Conclusion",
    "fact", "setting", "known", "absent", "diagnosed", "not_diagnosed", "all_of", "any_of",
    "gt", "ge", "lt", "le", "eq", "ne", "times", "plus",
    "diagnosis_field", "action_field", "missing_field", "setting_field", "template_fields", "same_or_unknown",
    "not_recommended",
]


# ---------------------------------------------------------------- operands
@record
class Fact:
    """A field of the fact snapshot: an input, a derived value, or a diagnosis/action marker."""

    field: str

    def fields(self) -> tuple[str, ...]:
        return (self.field,)

    def settings(self) -> tuple[str, ...]:
        return ()


@record
class Setting:
    """A threshold from `Settings`, read from the snapshot where the engine put it."""

    name: str

    @property
    def field(self) -> str:
        return setting_field(self.name)

    def fields(self) -> tuple[str, ...]:
        return ()

    def settings(self) -> tuple[str, ...]:
        return (self.name,)


@record
class Const:
    """A constant number, string or boolean."""

    value: float | int | str | bool

    def fields(self) -> tuple[str, ...]:
        return ()

    def settings(self) -> tuple[str, ...]:
        return ()


Ref = Union[Fact, Setting]


# Operands, conditions and conclusions are frozen records (`_record`: a frozen dataclass's behaviour for a
# fraction of its start-up cost); Rule, which has fields outside __init__, stays a dataclass. A subclass that adds
# no field is not decorated again: it inherits the base's methods, which compare, hash and print by the
# instance's own class.
@record
class _Arithmetic:
    left: Ref
    right: Union[Ref, Const]

    def fields(self) -> tuple[str, ...]:
        return self.left.fields() + self.right.fields()

    def settings(self) -> tuple[str, ...]:
        return self.left.settings() + self.right.settings()


class Times(_Arithmetic):
    """`left * right` on the right-hand side of a comparison (durable_rules allows arithmetic only there)."""


class Plus(_Arithmetic):
    """`left + right` on the right-hand side of a comparison."""


Operand = Union[Fact, Setting, Const, Times, Plus]


# ---------------------------------------------------------------- conditions
OPERATORS = (">", ">=", "<", "<=", "==", "!=")


@record
class Compare:
    """`left op right`: the left side is always a fact field (a durable_rules restriction we keep)."""

    op: str
    left: Fact
    right: Operand

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise ValueError(f"unknown comparison {self.op!r}; use one of {OPERATORS}")

    def fields(self) -> tuple[str, ...]:
        return self.left.fields() + self.right.fields()

    def settings(self) -> tuple[str, ...]:
        return self.right.settings()


@record
class _FieldTest:
    ref: Fact

    def fields(self) -> tuple[str, ...]:
        return self.ref.fields()

    def settings(self) -> tuple[str, ...]:
        return ()


class Known(_FieldTest):
    """The field is present in the snapshot (the user gave it, or a rule concluded it)."""


class Absent(_FieldTest):
    """The field is not present. Over derived fields this is negation: the compiler stratifies it."""


@record
class _Group:
    parts: tuple["Condition", ...]

    def fields(self) -> tuple[str, ...]:
        return tuple(f for part in self.parts for f in part.fields())

    def settings(self) -> tuple[str, ...]:
        return tuple(s for part in self.parts for s in part.settings())


class AllOf(_Group):
    """Every part holds."""


class AnyOf(_Group):
    """At least one part holds (durable_rules fires once per holding part: the compiler makes the parts exclusive
    where their negations are field tests, and the engine keeps one firing otherwise)."""


Condition = Union[Compare, Known, Absent, AllOf, AnyOf]


def _operand(value: Any) -> Operand:
    if isinstance(value, (Fact, Setting, Const, Times, Plus)):
        return value
    if isinstance(value, str):
        return Fact(value)
    return Const(value)


def fact(name: str) -> Fact:
    """A reference to a snapshot field by name."""
    return Fact(name)


def setting(name: str) -> Setting:
    """A reference to a setting by name (see `mlstrategy.Settings`)."""
    return Setting(name)


def times(left: Any, right: Any) -> Times:
    return Times(_operand(left), _operand(right))  # type: ignore[arg-type]


def plus(left: Any, right: Any) -> Plus:
    return Plus(_operand(left), _operand(right))  # type: ignore[arg-type]


def _compare(op: str) -> Callable[[str, Any], Compare]:
    def build(left: str, right: Any) -> Compare:
        # a bare string on the right is a field name; wrap a string constant in Const(...)
        return Compare(op, Fact(left), _operand(right))

    build.__name__ = {">": "gt", ">=": "ge", "<": "lt", "<=": "le", "==": "eq", "!=": "ne"}[op]
    build.__doc__ = f"`left {op} right`: left is a field name; right a field name, setting, number or expression."
    return build


gt, ge, lt, le, eq, ne = (_compare(op) for op in OPERATORS)


def known(name: str) -> Known:
    return Known(Fact(name))


def absent(name: str) -> Absent:
    return Absent(Fact(name))


def diagnosed(name: str) -> Known:
    """The diagnosis `name` was concluded in an earlier stratum."""
    return Known(Fact(diagnosis_field(name)))


def not_diagnosed(name: str) -> Absent:
    return Absent(Fact(diagnosis_field(name)))


def all_of(*parts: Condition) -> AllOf:
    return AllOf(tuple(parts))


def any_of(*parts: Condition) -> AnyOf:
    return AnyOf(tuple(parts))


# ---------------------------------------------------------------- conclusions
@record
class Value:
    """Derive the value `name` (a number, or a name for a few) with a small pure function of the facts.

    A function that returns None concludes nothing (e.g. precision when nothing was predicted positive);
    so does a float that is not finite (a ratio that overflowed).
    """

    name: str
    compute: Callable[[Mapping[str, Any]], Any]
    reads: tuple[str, ...]

    @property
    def field(self) -> str:
        return self.name


@record
class Values:
    """Derive a family of values `prefix:<key>` (e.g. `ceiling:dogs`, `f1:A`) from one pure function.

    The function returns a mapping key -> value. No rule may condition on a family member: they are
    results for people, one per category or candidate.
    """

    prefix: str
    compute: Callable[[Mapping[str, Any]], Mapping[str, Any]]
    reads: tuple[str, ...]

    @property
    def field(self) -> str:
        return family(self.prefix)


@record
class Diagnose:
    """Conclude the diagnosis `name`; `severity` names the value field that measures it (e.g. a gap)."""

    name: str
    severity: str | None = None

    @property
    def field(self) -> str:
        return diagnosis_field(self.name)

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.severity,) if self.severity else ()


@record
class Recommend:
    """Recommend the action `action` for the diagnoses it `addresses`, with optional computed parameters."""

    action: str
    addresses: tuple[str, ...] = ()
    params: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None
    reads: tuple[str, ...] = ()

    @property
    def field(self) -> str:
        return action_field(self.action)


@record
class Ask:
    """Ask for the input fact `name`: `why` says what its answer would decide; lower `rank` asks first."""

    name: str
    why: str
    rank: int = 50

    @property
    def field(self) -> str:
        return missing_field(self.name)

    @property
    def reads(self) -> tuple[str, ...]:
        return ()


Conclusion = Union[Value, Values, Diagnose, Recommend, Ask]

TEMPLATE_FIELD = re.compile(r"\{([^{}]+)\}")
"""A `{field}` in a rationale template (filled in by `mlstrategy.inference.plan.fill_template`)."""
_RULE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def template_fields(template: str) -> tuple[str, ...]:
    """The field names a rationale template mentions: `{train_error}`, `{setting:min_gap}`."""
    return tuple(TEMPLATE_FIELD.findall(template))


@dataclass(frozen=True)
class Rule:
    """One heuristic of the course: when `when` holds, conclude `then`, because `because`."""

    id: str
    section: str
    when: Condition
    then: tuple[Conclusion, ...]
    because: str
    title: str = ""
    detail: Callable[[Mapping[str, Any]], str] | None = None
    """An optional small pure function whose text is appended to the rationale (e.g. why each candidate lost)."""
    detail_reads: tuple[str, ...] = ()
    """The fields (and `setting:x`) the detail function reads, declared beside it like a conclusion's reads."""
    _reads: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _settings: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not _RULE_ID.match(self.id):
            raise ValueError(f"rule id {self.id!r} must be dotted lower-case, e.g. 'bias.dominant'")
        if not self.then:
            raise ValueError(f"rule {self.id} concludes nothing")
        fields = list(self.when.fields())
        for reads in (*(c.reads for c in self.then), self.detail_reads):  # a `setting:x` read is a setting, not a fact
            fields.extend(name for name in reads if not is_setting(name))
        # the rationale may show what the rule concludes; that is not a read
        concluded = set(self.concludes())
        fields.extend(name for name in template_fields(self.because)
                      if not is_setting(name) and name not in concluded
                      and family_of(name) not in concluded)  # nor a member of a family it concludes
        object.__setattr__(self, "_reads", tuple(dict.fromkeys(fields)))
        names = list(self.when.settings())
        names.extend(setting_name(n) for reads in (*(c.reads for c in self.then), self.detail_reads)
                     for n in reads if is_setting(n))
        names.extend(setting_name(n) for n in template_fields(self.because) if is_setting(n))
        object.__setattr__(self, "_settings", tuple(dict.fromkeys(names)))

    def reads(self) -> tuple[str, ...]:
        """Every fact field a condition, a conclusion or the rationale reads, in first-use order."""
        return self._reads

    def condition_fields(self) -> tuple[str, ...]:
        """The fields the conditions read (a subset of `reads`)."""
        return tuple(dict.fromkeys(self.when.fields()))

    def settings(self) -> tuple[str, ...]:
        """The settings the conditions and the rationale use."""
        return self._settings

    def concludes(self) -> tuple[str, ...]:
        """The snapshot fields this rule concludes."""
        return tuple(c.field for c in self.then)



# ---------------------------------------------------------------- common condition shapes
def same_or_unknown(left: str, right: str) -> AnyOf:
    """Two label fields are equal, or one of them is not given (e.g. dev and test not known to differ)."""
    return any_of(absent(left), absent(right), eq(left, right))


def not_recommended(action: str) -> Absent:
    """The action `action` was not recommended in an earlier stratum (how an excluded action yields to its winner)."""
    return Absent(Fact(action_field(action)))
