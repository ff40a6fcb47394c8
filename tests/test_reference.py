"""The engine against the oracle: over generated situations, its gaps, diagnoses, primary problem and plan
are the course formulas of tests/reference.py."""
from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import mlstrategy as mls
import reference as ref
from strategies import error_situations, settings_overrides

TOL = 1e-9
GAP_PROBLEMS = set(ref.GAPS)


def expected_for(facts: dict, overrides: dict) -> dict:
    """What the course says about these facts, computed by the oracle alone."""
    min_gap = overrides.get("min_gap", ref.MIN_GAP)
    ratio = overrides.get("secondary_gap_ratio", ref.SECONDARY_GAP_RATIO)
    bayes = facts.get("bayes_error")
    proxy = ref.bayes_proxy(bayes, facts.get("human_error"), facts.get("human_errors"))
    human = ref.best_human(facts.get("human_error"), facts.get("human_errors"))
    train, dev = facts.get("train_error"), facts.get("dev_error")
    gaps = ref.gaps(proxy, train, facts.get("train_dev_error"), dev, facts.get("test_error"))
    largest = ref.largest_gap(gaps, proxy, train, bayes)
    missing = ref.train_dev_missing(facts.get("train_dev_error"), facts.get("train_distribution"), facts.get("dev_distribution"))
    worth = ref.problems(gaps, min_gap, ratio, proxy, train, bayes)
    found, between = ref.leader(ref.gap_ranges(gaps, proxy, train, bayes), min_gap, missing,
                                ref.bias_bound(proxy, train, bayes) is not None)
    gap_actions = ref.gap_actions(worth, missing)
    actions = gap_actions | ref.human_level_actions(proxy, train, dev, largest, min_gap, human)
    bound = ref.bias_bound(proxy, train, bayes)
    if found == "undetermined" and "avoidable_bias" in between:
        actions |= {"no_human_level": {"measure_human_level"}, "past_human_level": {"error_analysis"}}.get(bound, set())
    return {
        "min_gap": min_gap, "ratio": ratio, "proxy": proxy, "train": train, "dev": dev,
        "gaps": gaps, "largest": largest, "problems": set(worth),
        "primary": found if found in ref.GAPS else None,
        "undetermined": ref.undetermined_kind(between) if found == "undetermined" else None,
        "near_human_level": ref.near_human_level(proxy, train),
        "train_dev_missing": missing,
        "gap_actions": gap_actions,
        "actions": actions,
    }


def assume_clear_of_thresholds(exp: dict) -> None:
    """Skip situations where float rounding could legitimately flip a comparison (within TOL of a threshold)."""
    gaps, largest = exp["gaps"], exp["largest"]
    for value in gaps.values():
        assume(abs(value - exp["min_gap"]) > TOL)
        if value != largest:
            assume(abs(value - exp["ratio"] * largest) > TOL)
    proxy = exp["proxy"]
    for level in (exp["train"], exp["dev"]):
        if proxy is not None and level is not None:
            assume(abs(level - proxy) > TOL)
    top = exp["primary"]
    for name in exp["problems"] - {top} if top is not None else ():
        assume(abs(gaps[name] - gaps[top]) > TOL)  # a tie leaves the primary problem to a tie-break


def check_against_reference(facts: dict, overrides: dict | None = None, *, only_errors: bool = True) -> None:
    """Compare the engine with the oracle; with other facts present, only the gap analysis is compared."""
    overrides = overrides or {}
    exp = expected_for(facts, overrides)
    advice = mls.advise(facts, settings=overrides)
    why = f"expected {exp}; got {advice!r} with values {advice.values}"

    for name in ref.GAPS:
        if name in exp["gaps"]:
            assert advice.values[name] == pytest.approx(exp["gaps"][name], abs=TOL, rel=0), (name, why)
        else:
            assert name not in advice.values, (name, why)
    if exp["proxy"] is None:
        assert "bayes_proxy" not in advice.values
    else:
        assert advice.values["bayes_proxy"] == pytest.approx(exp["proxy"], abs=TOL, rel=0), why
    if exp["largest"] is None:
        assert "largest_gap" not in advice.values
    else:
        assert advice.values["largest_gap"] == pytest.approx(exp["largest"], abs=TOL, rel=0), why

    diagnosed = {d.name for d in advice.diagnoses}
    problems = {d.name for d in advice.diagnoses if d.kind in ("problem", "target")}
    assert (problems if only_errors else problems & GAP_PROBLEMS) == exp["problems"], why
    undetermined = [d.name for d in advice.diagnoses if d.kind == "undetermined"]
    assert undetermined == ([exp["undetermined"]] if exp["undetermined"] else []), why
    assert ("near_human_level" in diagnosed) == exp["near_human_level"], why
    assert ("train_dev_missing" in diagnosed) == exp["train_dev_missing"], why
    if only_errors:
        assert advice.primary_problem == exp["primary"], why

    addressed = GAP_PROBLEMS | {"train_dev_missing"}
    assert {a.name for a in advice.actions if set(a.addresses) & addressed} == exp["gap_actions"], why
    if only_errors:
        assert {a.name for a in advice.actions} == exp["actions"], why


@settings(max_examples=300, deadline=None)
@given(facts=error_situations(), overrides=settings_overrides)
def test_engine_agrees_with_reference(facts: dict, overrides: dict) -> None:
    assume_clear_of_thresholds(expected_for(facts, overrides))
    check_against_reference(facts, overrides)


@settings(max_examples=150, deadline=None)
@given(facts=error_situations(proxy=True, train=True))
def test_engine_agrees_with_reference_when_the_bias_is_measurable(facts: dict) -> None:
    assume_clear_of_thresholds(expected_for(facts, {}))
    check_against_reference(facts)


@settings(max_examples=100, deadline=None)
@given(
    facts=error_situations(train=True),
    train_distribution=st.sampled_from(["web", "mobile"]),
    dev_distribution=st.sampled_from(["web", "mobile"]),
)
def test_distributions_decide_whether_variance_fixes_wait(facts: dict, train_distribution: str, dev_distribution: str) -> None:
    facts = {**facts, "train_distribution": train_distribution, "dev_distribution": dev_distribution}
    assume_clear_of_thresholds(expected_for(facts, {}))
    check_against_reference(facts)


unrelated_facts = st.fixed_dictionaries({}, optional={
    "metric_matches_users": st.booleans(), "real_world_ok": st.booleans(), "structured_data": st.booleans(),
})


@settings(max_examples=200, deadline=None)
@given(facts=error_situations(), others=unrelated_facts, overrides=settings_overrides)
def test_target_facts_do_not_change_the_gap_analysis(facts: dict, others: dict, overrides: dict) -> None:
    # orthogonalization: whether the target is placed right is a separate knob from the gaps measured against it
    assume_clear_of_thresholds(expected_for(facts, overrides))
    check_against_reference({**facts, **others}, overrides, only_errors=False)


# ---------------------------------------------------------------- the course's worked examples
@pytest.mark.parametrize(
    ("facts", "primary", "problems"),
    [
        ({"human_error": 0.01, "train_error": 0.08, "dev_error": 0.10}, "avoidable_bias", {"avoidable_bias"}),
        ({"human_error": 0.075, "train_error": 0.08, "dev_error": 0.10}, "variance", {"variance"}),
        ({"human_error": 0.0, "train_error": 0.01, "train_dev_error": 0.09, "dev_error": 0.10}, "variance", {"variance"}),
        ({"human_error": 0.0, "train_error": 0.01, "train_dev_error": 0.015, "dev_error": 0.10}, "data_mismatch", {"data_mismatch"}),
        ({"human_errors": {"typical": 0.03, "doctor": 0.01, "team": 0.005}, "train_error": 0.06, "dev_error": 0.07},
         "avoidable_bias", {"avoidable_bias"}),
        ({"human_error": 0.0, "train_error": 0.01, "dev_error": 0.10, "train_distribution": "web", "dev_distribution": "mobile"},
         None, {"variance"}),  # variance or data mismatch: the headline waits for a train-dev error
        ({"human_error": 0.005, "train_error": 0.003, "dev_error": 0.004}, None, set()),  # past human level
        ({"train_error": 0.08, "dev_error": 0.10}, None, set()),  # no human level: bias is anywhere in [0, 8%]
    ],
)
def test_course_examples(facts: dict, primary: str, problems: set) -> None:
    exp = expected_for(facts, {})
    assert exp["primary"] == primary and exp["problems"] == problems  # the oracle reads the course right
    check_against_reference(facts)
