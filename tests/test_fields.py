"""knowledge/fields.py: the field-name protocol builds, parses and groups names consistently."""
from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mlstrategy.knowledge import RULES
from mlstrategy.knowledge import fields as F

names = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
keys = st.text(min_size=1, max_size=12).filter(lambda key: key != F.WILDCARD)  # candidate and category names: any text


@settings(max_examples=200, deadline=None)
@given(prefix=names, key=keys)
@example(prefix="f1", key=":*")  # a candidate named ':*' (found by CI on 3.12): its member is no family read
@example(prefix="f1", key="A:*")
def test_a_member_parses_back_into_its_prefix_and_key(prefix: str, key: str) -> None:
    field = F.member(prefix, key)
    assert F.split_field(field) == (prefix, key)
    assert F.prefix_of(field) == prefix and F.name_of(field) == key
    assert F.family_of(field) == F.family(prefix)
    assert F.in_family(field, F.family(prefix))
    assert not F.is_family(field)


@given(name=names)
def test_a_plain_name_has_no_prefix_and_no_family(name: str) -> None:
    assert F.split_field(name) == (None, name)
    assert F.family_of(name) is None
    assert not F.is_setting(name) and not F.is_concluded_marker(name)


@given(a=names, b=names, key=keys)
def test_membership_is_by_prefix_not_by_a_shared_start(a: str, b: str, key: str) -> None:
    """`f1x:A` is not a member of `f1:*` (the separator is part of the family prefix)."""
    assert F.in_family(F.member(a + b, key), F.family(a)) == (b == "")


def test_the_markers_and_intervals_are_the_spelled_names() -> None:
    assert F.diagnosis_field("variance") == "diagnosis:variance"
    assert F.action_field("more_data") == "action:more_data"
    assert F.missing_field("dev_size") == "missing:dev_size"
    assert F.setting_field("min_gap") == "setting:min_gap"
    assert (F.ci_low_field("variance"), F.ci_high_field("variance")) == ("ci_low:variance", "ci_high:variance")
    assert F.is_setting("setting:min_gap") and F.setting_name("setting:min_gap") == "min_gap"
    assert F.is_concluded_marker("diagnosis:variance") and F.is_concluded_marker("action:more_data")
    assert not F.is_concluded_marker("missing:dev_size")
    assert F.family_prefix("f1:*") == "f1:" and F.is_family("f1:*")


def test_every_prefixed_field_the_rules_use_has_a_parsable_prefix() -> None:
    """Every `x:y` a rule reads or concludes splits into a known kind of prefix: a marker, a setting, or a family
    some rule concludes (so no rule invents a prefix by hand)."""
    families = {F.prefix_of(field) for rule in RULES for field in rule.concludes() if F.is_family(field)}
    markers = {F.DIAGNOSIS, F.ACTION, F.MISSING, F.SETTING, F.CI_LOW, F.CI_HIGH, F.RANGE_LOW, F.RANGE_HIGH}
    for rule in RULES:
        for field in (*rule.reads(), *rule.concludes()):
            prefix = F.prefix_of(field)
            assert prefix is None or prefix in markers | families, (rule.id, field)
