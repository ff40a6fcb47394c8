"""mlstrategy/errors.py: every invalid input gives typed problems (field, value, allowed range, suggestion)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import mlstrategy as mls
from mlstrategy.errors import InputProblem, Range, problems
from mlstrategy.facts import Situation, describe_errors, suggest
from strategies import bad_counts, bad_fractions

FRACTIONS = ("human_error", "bayes_error", "train_error", "train_dev_error", "dev_error", "test_error")
COUNTS = ("train_size", "dev_size", "test_size", "total_examples")


def only_problem(**facts) -> tuple[InputProblem, ValidationError]:
    with pytest.raises(ValidationError) as caught:
        mls.advise(**facts)
    found = problems(caught.value)
    assert len(found) == 1, found
    return found[0], caught.value


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(FRACTIONS), value=bad_fractions)
def test_a_bad_fraction_names_its_field_value_and_the_unit_range(name: str, value: object) -> None:
    problem, error = only_problem(**{name: value})
    assert problem.field == name and problem.loc == (name,)
    assert problem.allowed == Range(0, 1) and str(problem.allowed) == "[0, 1]"
    assert problem.message == error.errors()[0]["msg"]  # the message people read is unchanged
    assert problem.value == value or problem.value != problem.value or isinstance(value, (list, dict))


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(COUNTS), value=bad_counts)
def test_a_bad_count_allows_only_non_negative_numbers(name: str, value: object) -> None:
    problem, _ = only_problem(**{name: value})
    assert problem.field == name
    if isinstance(problem.allowed, Range):
        assert problem.allowed.low == 0 and problem.allowed.low_inclusive
        assert -1 not in problem.allowed and 0 in problem.allowed


@given(percent=st.integers(2, 100))
def test_a_percentage_typed_without_its_sign_suggests_the_fraction(percent: int) -> None:
    problem, error = only_problem(dev_error=percent)
    assert problem.suggestion == pytest.approx(percent / 100)
    assert f"Did you mean {percent}% = " in problem.message and problem.value == percent
    assert problem.suggestion not in Range(1.0, None, low_inclusive=False)


def test_each_unknown_name_is_its_own_problem_with_the_closest_valid_name() -> None:
    with pytest.raises(ValidationError) as caught:
        mls.advise(dev_eror=0.1, trian_error=0.2, zzzz=1)
    found = {problem.field: problem for problem in problems(caught.value)}
    assert set(found) == {"dev_eror", "trian_error", "zzzz"}
    assert found["dev_eror"].suggestion == "dev_error" == suggest("dev_eror", Situation.model_fields)
    assert found["trian_error"].suggestion == "train_error"
    assert found["zzzz"].suggestion is None
    assert found["dev_eror"].allowed == tuple(Situation.model_fields)
    assert "did you mean 'dev_error'?" in describe_errors(caught.value)


def test_a_tally_over_its_examined_count_gives_the_range_it_must_stay_in() -> None:
    problem, _ = only_problem(error_analysis={"examined": 10, "categories": {"dogs": 12}})
    assert (problem.field, problem.value, problem.allowed) == ("error_analysis", 12, Range(0, 10))


def test_pydantic_range_errors_on_settings_are_typed_too() -> None:
    with pytest.raises(ValidationError) as caught:
        mls.advise(dev_error=0.1, settings={"confidence": 0.3})
    (problem,) = problems(caught.value)
    assert (problem.field, problem.value, problem.kind) == ("confidence", 0.3, "greater_than")
    assert problem.allowed == Range(0.5, None, low_inclusive=False) and str(problem.allowed) == "> 0.5"
    assert 0.5 not in problem.allowed and 0.51 in problem.allowed


def test_range_reads_like_the_messages() -> None:
    assert str(Range(0, 1)) == "[0, 1]"
    assert str(Range(0.5, 1, low_inclusive=False, high_inclusive=False)) == "(0.5, 1)"
    assert str(Range(None, 3)) == "<= 3" and str(Range()) == "any"
    assert True not in Range(0, 1) and "0.5" not in Range(0, 1)
