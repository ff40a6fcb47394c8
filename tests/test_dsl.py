"""knowledge/dsl.py: rules are frozen data that check themselves and know exactly what they read."""
from __future__ import annotations

import pytest

from mlstrategy.knowledge.dsl import (
    Ask, Compare, Const, Diagnose, Fact, Recommend, Rule, Setting, Value, Values, absent, all_of, any_of, diagnosed,
    eq, ge, gt, known, not_diagnosed, plus, setting, template_fields, times,
)


def rule(**changes) -> Rule:
    fields = {"id": "example.rule", "section": "Avoidable bias", "when": known("train_error"),
              "then": (Value("x", lambda f: 1, ("train_error",)),), "because": "train error {train_error}"}
    return Rule(**{**fields, **changes})


@pytest.mark.parametrize("bad_id", ["bias", "Bias.dominant", "bias.", ".bias", "bias dominant.x", "1bias.x"])
def test_a_rule_id_must_be_dotted_lower_case(bad_id: str) -> None:
    with pytest.raises(ValueError, match="dotted lower-case"):
        rule(id=bad_id)


def test_a_rule_must_conclude_something_and_compare_with_a_known_operator() -> None:
    with pytest.raises(ValueError, match="concludes nothing"):
        rule(then=())
    with pytest.raises(ValueError, match="unknown comparison"):
        Compare("=>", Fact("train_error"), Const(1))


def test_builders_read_a_bare_string_as_a_field_and_anything_else_as_a_constant() -> None:
    assert ge("variance", "largest_gap").right == Fact("largest_gap")
    assert ge("variance", 0.1).right == Const(0.1)
    assert eq("train_label_errors", Const("random")).right == Const("random")
    assert gt("variance", setting("min_gap")).right == Setting("min_gap")
    assert times("largest_gap", 0.5) == times(Fact("largest_gap"), Const(0.5))
    assert diagnosed("variance") == known("diagnosis:variance")
    assert not_diagnosed("variance") == absent("diagnosis:variance")
    assert ge.__name__ == "ge" and "right" in (ge.__doc__ or "")


def test_conditions_list_fields_and_settings_separately() -> None:
    condition = all_of(ge("variance", times("largest_gap", setting("secondary_gap_ratio"))),
                       any_of(absent("ci_low:variance"), gt("ci_low:variance", plus("dev_error", 0))))
    assert condition.fields() == ("variance", "largest_gap", "ci_low:variance", "ci_low:variance", "dev_error")
    assert condition.settings() == ("secondary_gap_ratio",)


def test_reads_gather_conditions_conclusions_and_the_rationale_in_first_use_order_once_each() -> None:
    r = rule(when=all_of(known("train_error"), known("bayes_proxy")),
             then=(Value("gap", lambda f: 0, ("train_error", "dev_error")), Diagnose("variance", severity="variance"),
                   Recommend("more_data", params=lambda f: {}, reads=("dev_size",))),
             because="{train_error} {test_error} {setting:min_gap}")
    assert r.reads() == ("train_error", "bayes_proxy", "dev_error", "variance", "dev_size", "test_error")
    assert r.condition_fields() == ("train_error", "bayes_proxy")
    assert r.settings() == ("min_gap",)
    assert r.concludes() == ("gap", "diagnosis:variance", "action:more_data")


def test_the_rationale_showing_what_the_rule_concludes_is_not_a_read() -> None:
    r = rule(then=(Value("gap", lambda f: 0, ()), Values("split", lambda f: {}, ()), Ask("dev_size", "why")),
             because="{train_error}: gap {gap}, split {split:dev} / {split:test}")
    assert r.reads() == ("train_error",)
    assert r.concludes() == ("gap", "split:*", "missing:dev_size")


def test_a_function_that_uses_a_setting_declares_it_as_a_setting_not_a_fact() -> None:
    r = rule(then=(Value("x", lambda f: f["setting:dev_test_cap"], ("train_error", "setting:dev_test_cap")),))
    assert "setting:dev_test_cap" not in r.reads()
    assert r.settings() == ("dev_test_cap",)


def test_template_fields_are_the_braced_names() -> None:
    assert template_fields("{train_error} - {bayes_proxy} (setting {setting:min_gap}) {}") == (
        "train_error", "bayes_proxy", "setting:min_gap")


def test_rules_are_frozen_values() -> None:
    r = rule()
    with pytest.raises(AttributeError):
        r.id = "other.id"  # type: ignore[misc]
    assert r == rule(then=r.then) and r != rule(then=r.then, because="other")  # equal by value
    assert hash(r) == hash(rule(then=r.then))


def test_a_detail_function_declares_its_reads_beside_it() -> None:
    r = rule(detail=lambda f: f"{f['dev_error']} {f['setting:min_gap']}", detail_reads=("dev_error", "setting:min_gap"))
    assert r.reads() == ("train_error", "dev_error")
    assert r.settings() == ("min_gap",)


def test_operand_and_condition_classes_compare_print_and_freeze_by_their_own_class():
    """Times/Plus, Known/Absent, AllOf/AnyOf share their base's generated methods: same fields, different class,
    never equal; each prints its own name and refuses changes to its fields."""
    import dataclasses

    from mlstrategy.knowledge.dsl import Absent, AllOf, AnyOf, Fact, Known, Plus, Setting, Times

    for first, second, args in ((Times, Plus, (Fact("a"), Setting("b"))), (Known, Absent, (Fact("a"),)),
                                (AllOf, AnyOf, ((Known(Fact("a")),),))):
        one, other, again = first(*args), second(*args), first(*args)
        assert one == again and hash(one) == hash(again) and one != other
        assert repr(one).startswith(f"{first.__name__}(") and repr(other).startswith(f"{second.__name__}(")
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(one, one.__match_args__[0], None)
