"""The field-name protocol, in one place: how snapshot field names are built, parsed and grouped into families.

A snapshot field is a plain name (`train_error`), or `<prefix>:<name>` for a marker or a member of a family:
`diagnosis:variance`, `action:more_data`, `missing:dev_size`, `setting:min_gap`, `ci_low:variance`, `f1:A`.
A family is written `<prefix>:*` (`f1:*` stands for every `f1:<candidate>`). Everything that builds or takes
these names apart calls the functions here, so the protocol can be read (and changed) in one module.

>>> diagnosis_field("variance"), split_field("ci_low:variance"), family_of("f1:A"), in_family("f1:A", "f1:*")
('diagnosis:variance', ('ci_low', 'variance'), 'f1:*', True)
"""
from __future__ import annotations

__all__ = [
    "SEPARATOR", "WILDCARD", "DIAGNOSIS", "ACTION", "MISSING", "SETTING", "CI_LOW", "CI_HIGH", "RANGE_LOW", "RANGE_HIGH",
    "member", "family", "split_field", "prefix_of", "name_of", "family_of", "is_family", "family_prefix",
    "in_family", "is_setting", "setting_name", "is_concluded_marker",
    "diagnosis_field", "action_field", "missing_field", "setting_field", "ci_low_field", "ci_high_field",
    "range_low_field", "range_high_field",
]

SEPARATOR = ":"
WILDCARD = "*"
DIAGNOSIS, ACTION, MISSING, SETTING = "diagnosis", "action", "missing", "setting"
CI_LOW, CI_HIGH = "ci_low", "ci_high"
RANGE_LOW, RANGE_HIGH = "range_low", "range_high"


def member(prefix: str, name: str) -> str:
    """The field `<prefix>:<name>`: a marker (`diagnosis:variance`) or a family member (`f1:A`)."""
    return f"{prefix}{SEPARATOR}{name}"


def family(prefix: str) -> str:
    """The family read `<prefix>:*`, standing for every member of the family."""
    return member(prefix, WILDCARD)


def split_field(field: str) -> tuple[str | None, str]:
    """(prefix, name): `ci_low:variance` -> ('ci_low', 'variance'); a plain name has no prefix."""
    prefix, separator, name = field.partition(SEPARATOR)
    return (prefix, name) if separator else (None, field)


def prefix_of(field: str) -> str | None:
    """The prefix of a prefixed field (`diagnosis` of `diagnosis:variance`), None for a plain name."""
    return split_field(field)[0]


def name_of(field: str) -> str:
    """The name without its prefix (`variance` of `diagnosis:variance`); a plain name is itself."""
    return split_field(field)[1]


def family_of(field: str) -> str | None:
    """The family a prefixed field belongs to (`f1:*` for `f1:A`), None for a plain name."""
    prefix = prefix_of(field)
    return family(prefix) if prefix is not None else None


def is_family(field: str) -> bool:
    """Whether a read names a whole family (`f1:*`): its name, after the first separator, is the wildcard alone (a
    member whose own name ends in `:*`, such as `f1:A:*` of a candidate named `A:*`, is no family)."""
    prefix, name = split_field(field)
    return prefix is not None and name == WILDCARD


def family_prefix(family_field: str) -> str:
    """What every member's name starts with: `f1:` for `f1:*`."""
    return family_field[: -len(WILDCARD)]


def in_family(field: str, family_field: str) -> bool:
    """Whether `field` is a member of the family `family_field` (`f1:A` of `f1:*`)."""
    return field.startswith(family_prefix(family_field))


def is_setting(field: str) -> bool:
    """Whether a field carries a setting (`setting:min_gap`): settings ride on the fact, they are not facts."""
    return prefix_of(field) == SETTING


def setting_name(field: str) -> str:
    """The setting a `setting:<name>` field carries."""
    return name_of(field)


def is_concluded_marker(field: str) -> bool:
    """Whether a field marks a concluded diagnosis or action (rather than holding a value)."""
    return prefix_of(field) in (DIAGNOSIS, ACTION)


def diagnosis_field(name: str) -> str:
    """The snapshot field that holds a concluded diagnosis (its severity, or true)."""
    return member(DIAGNOSIS, name)


def action_field(name: str) -> str:
    """The snapshot field that marks a recommended action."""
    return member(ACTION, name)


def missing_field(name: str) -> str:
    """The snapshot field that marks a fact asked for."""
    return member(MISSING, name)


def setting_field(name: str) -> str:
    """The snapshot field that carries a setting (settings ride on the fact so rules compare within one fact)."""
    return member(SETTING, name)


def ci_low_field(name: str) -> str:
    """The low end of the confidence interval of a measured error or a gap (`ci_low:variance`)."""
    return member(CI_LOW, name)


def ci_high_field(name: str) -> str:
    """The high end of the confidence interval of a measured error or a gap (`ci_high:variance`)."""
    return member(CI_HIGH, name)


def range_low_field(name: str) -> str:
    """The low end of a gap's plausible range: a bound, an interval or a point (`range_low:variance`)."""
    return member(RANGE_LOW, name)


def range_high_field(name: str) -> str:
    """The high end of a gap's plausible range (`range_high:variance`)."""
    return member(RANGE_HIGH, name)
