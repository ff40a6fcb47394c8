"""inference/evaluate.py: the plain-Python evaluator of the rule language agrees with the engine and says why."""
from __future__ import annotations

from hypothesis import given, settings

import mlstrategy as mls
from mlstrategy.inference.evaluate import describe, failures, holds, operand_value, required_fields
from mlstrategy.knowledge.dsl import all_of, any_of, absent, diagnosed, eq, ge, known, lt, plus, setting, times
from mlstrategy.knowledge.fields import ACTION, DIAGNOSIS, MISSING, is_family, split_field
from strategies import settings_overrides, situations

some = settings(max_examples=200, deadline=None)


# ---------------------------------------------------------------- why_not agrees with the engine
def _kind_and_name(field: str) -> tuple[str, str]:
    prefix, rest = split_field(field)
    return (prefix, rest) if prefix in (DIAGNOSIS, ACTION, MISSING) else ("value", field)


@some
@given(facts=situations(), overrides=settings_overrides)
def test_evaluator_agrees_with_engine(facts: dict, overrides: dict) -> None:
    advice = mls.advise(facts, settings=overrides)
    knowledge, trace = advice._knowledge, advice.trace
    fired = {firing.rule for firing in trace.firings}
    for rule in knowledge.rules:
        snapshot = trace.snapshots[knowledge.strata[rule.id]]
        assert holds(rule.when, snapshot) == (rule.id in fired), (rule.id, snapshot)
    for field in knowledge.producers:
        kind, name = _kind_and_name(field)
        if kind == "missing" or is_family(field) or trace.facts.get(field) is not None:
            continue  # questions are not conclusions; a value family (`ceiling:*`) has no single name
        answer = advice.why_not(name, kind)
        assert not answer.concluded, field
        assert answer.checks, field
        assert all(check.failures for check in answer.checks), (field, answer)


@some
@given(facts=situations(), overrides=settings_overrides)
def test_a_condition_holds_only_where_its_required_fields_are_present(facts: dict, overrides: dict) -> None:
    """The engine skips a stratum none of whose rules has its required fields (required_fields): sound only if
    no condition can hold without them, in any snapshot, and a rule that needs nothing is never counted out."""
    advice = mls.advise(facts, settings=overrides)
    knowledge, trace = advice._knowledge, advice.trace
    for rule in knowledge.rules:
        snapshot = trace.snapshots[knowledge.strata[rule.id]]
        if holds(rule.when, snapshot):
            missing = {name for name in required_fields(rule.when) if snapshot.get(name) is None}
            assert not missing, (rule.id, missing)


def test_required_fields_of_each_condition_form() -> None:
    condition = all_of(known("a"), any_of(ge("b", "c"), all_of(lt("b", 1), known("d"))), absent("e"),
                       ge("f", times("g", setting("min_gap"))))
    assert required_fields(condition) == {"a", "b", "f", "g"}
    assert required_fields(absent("x")) == frozenset()


# ---------------------------------------------------------------- the evaluator's own semantics
def test_an_absent_field_or_a_mismatched_kind_fails_a_comparison_in_either_direction() -> None:
    assert not holds(lt("dev_error", 0.5), {}) and not holds(ge("dev_error", 0.5), {})
    assert not holds(eq("train_label_errors", 1), {"train_label_errors": "random"})
    assert not holds(eq("structured_data", 1), {"structured_data": True})  # a boolean is not a number here
    assert holds(eq("dev_size", 10.0), {"dev_size": 10})  # ints and floats compare as numbers


def test_arithmetic_operands_read_settings_and_need_every_side() -> None:
    facts = {"largest_gap": 0.1, "setting:secondary_gap_ratio": 0.6, "variance": 0.07}
    assert operand_value(times("largest_gap", setting("secondary_gap_ratio")), facts) == 0.06
    assert operand_value(plus("largest_gap", 0.5), facts) == 0.6
    assert operand_value(times("largest_gap", "absent_field"), facts) is None
    assert holds(ge("variance", times("largest_gap", setting("secondary_gap_ratio"))), facts)


def test_failures_name_every_failed_part_of_an_all_of_with_its_values() -> None:
    condition = all_of(known("train_error"), ge("dev_error", 0.05), absent("dev_size"), diagnosed("variance"))
    found = failures(condition, {"dev_error": 0.02, "dev_size": 100})
    texts = [str(failure) for failure in found]
    assert len(found) == 4
    assert texts[0].endswith("not given and not concluded")
    assert texts[1].startswith("dev error (2%) >= ") and ("5%" in texts[1] or "0.05" in texts[1])
    assert texts[2].endswith("it is 100")
    assert texts[3].endswith(": no") and found[3].fields == ("diagnosis:variance",)
    assert failures(condition, {"train_error": 0.1, "dev_error": 0.1, "diagnosis:variance": 0.1}) == []


def test_an_any_of_fails_as_one_and_describe_reads_without_values() -> None:
    condition = any_of(known("train_error"), known("dev_error"))
    (failure,) = failures(condition, {})
    assert failure.fields == ("train_error", "dev_error")
    assert " or " in describe(condition) and "(" not in describe(ge("dev_error", 0.05))
