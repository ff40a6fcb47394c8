"""Honest at the edges: no confident verdict where the course says you can't tell yet, and always the question
that settles it (past human level, no human level, small sets, mismatched distributions, contradictory facts)."""
from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import mlstrategy as mls
from mlstrategy.inference.compile import KnowledgeError, check_exclusions, compile_knowledge
from mlstrategy.knowledge import RULES
from mlstrategy.knowledge.dsl import Recommend, Rule, known
from mlstrategy.knowledge.exclusions import EXCLUSIONS, Exclusion
from strategies import error_situations, situations

GAP_VERDICTS = {"avoidable_bias", "variance", "data_mismatch", "dev_set_overfitting"}
VARIANCE_KNOBS = {"more_data", "regularization", "data_augmentation"}
MODEL_KNOBS = {"bigger_model", "train_longer", "better_optimizer", "reduce_regularization", *VARIANCE_KNOBS}


def names(items) -> list[str]:
    return [item.name for item in items]


def diagnosis(advice: mls.Advice, name: str):
    return next(d for d in advice.diagnoses if d.name == name)


# ---------------------------------------------------------------- 1. past human level
@pytest.mark.parametrize("facts", [
    dict(human_error=0.005, train_error=0.003, dev_error=0.004),  # the lecture: team 0.5%, train 0.3%, dev 0.4%
    dict(human_error=0.08, train_error=0.03, dev_error=0.035, structured_data=True),
    dict(human_errors={"typical": 0.03, "team": 0.005}, train_error=0.003, dev_error=0.004),
])
def test_past_human_level_gives_no_bias_or_variance_verdict(facts):
    advice = mls.advise(**facts)
    assert advice.primary_problem is None
    assert names(advice.diagnoses)[0] == "bias_or_variance"
    assert not VARIANCE_KNOBS & set(names(advice.actions))
    assert "error_analysis" in names(advice.actions)
    assert "bayes_error" in names(advice.missing)
    assert advice.values["range_low:avoidable_bias"] == 0.0
    assert advice.values["range_high:avoidable_bias"] == facts["train_error"]


def test_a_known_bayes_error_restores_the_verdict_past_human_level():
    advice = mls.advise(bayes_error=0.001, human_error=0.005, train_error=0.003, dev_error=0.006)
    assert advice.primary_problem == "variance"  # variance 0.3% against avoidable bias 0.2%: measured, not bounded


# ---------------------------------------------------------------- 2. no human level
def test_no_human_level_says_it_cannot_tell_and_asks_for_one():
    advice = mls.advise(train_error=0.08, dev_error=0.10)
    assert advice.primary_problem is None
    first = advice.diagnoses[0]
    assert first.name == "bias_or_variance" and first.kind == "undetermined"
    assert names(advice.missing)[0] == "human_error"
    assert "measure_human_level" in names(advice.actions)
    assert advice.values["settled_by"] == ("human_error",)
    text = str(advice).lower()
    assert "can't tell yet" in text and "nothing worth fixing" not in text and "none found" not in text


def test_no_human_level_with_a_dominant_variance_is_still_variance():
    advice = mls.advise(train_error=0.01, dev_error=0.10)  # avoidable bias at most 1%, variance 9%
    assert advice.primary_problem == "variance"


# ---------------------------------------------------------------- 3. small sets
def test_a_small_dev_set_keeps_a_two_point_variance_inside_the_noise():
    advice = mls.advise(human_error=0.01, train_error=0.02, dev_error=0.04, dev_size=100)
    assert advice.values["ci_low:variance"] < 0  # tested with the training error taken as exact
    assert advice.primary_problem != "variance"
    assert "bigger_dev_set" in names(advice.actions)
    assert not VARIANCE_KNOBS & set(names(advice.actions))
    assert "exact" in str(advice.why("gap_not_significant"))  # says which set was taken as exact
    assert advice.primary_problem == mls.advise(human_error=0.01, train_error=0.02, dev_error=0.04, dev_size=100,
                                                train_size=50_000).primary_problem


def test_zero_errors_in_fifty_dev_examples_is_not_proof_of_beating_humans():
    advice = mls.advise(human_error=0.01, train_error=0.0, dev_error=0.0, dev_size=50, train_size=5000)
    assert advice.values["ci_high:dev_error"] > 0.07  # 0 of 50 is consistent with about 7%
    assert "bigger_dev_set" in names(advice.actions)
    assert advice.primary_problem is None


# ---------------------------------------------------------------- 4. distributions
def test_test_minus_dev_across_distributions_is_not_dev_set_overfitting():
    advice = mls.advise(dev_distribution="North America", test_distribution="Southeast Asia", human_error=0.01,
                        train_error=0.03, dev_error=0.04, test_error=0.09)
    assert "dev_set_overfitting" not in names(advice.diagnoses)
    assert "dev_set_overfitting" not in advice.values
    assert advice.primary_problem == "dev_test_distribution_mismatch"


def test_train_and_dev_from_different_distributions_without_train_dev_is_variance_or_mismatch():
    advice = mls.advise(human_error=0.01, train_error=0.02, dev_error=0.09, train_distribution="web scrape",
                        dev_distribution="user uploads")
    assert advice.primary_problem is None
    assert names(advice.diagnoses)[0] == "variance_or_data_mismatch"
    assert names(advice.actions)[0] == "create_train_dev_set"
    assert names(advice.missing)[0] == "train_dev_error"


# ---------------------------------------------------------------- 5. splits and contradictory actions
def test_the_course_web_and_phone_split_is_not_outdated():
    advice = mls.advise(human_error=0.01, train_error=0.02, dev_error=0.09, train_size=200_000, dev_size=2500,
                        test_size=2500, train_distribution="web", dev_distribution="phone", test_distribution="phone")
    assert "rebalance_split" not in names(advice.actions)
    assert "outdated_split" not in names(advice.diagnoses)


def test_dev_set_overfitting_with_large_sets_never_also_shrinks_the_dev_set():
    advice = mls.advise(human_error=0.005, train_error=0.01, dev_error=0.016, test_error=0.045, train_size=800_000,
                        dev_size=25_000, test_size=25_000)
    assert "bigger_dev_set" in names(advice.actions)
    assert "rebalance_split" not in names(advice.actions)
    assert "bigger_dev_set" in str(advice.why_not("rebalance_split"))


def test_regularization_and_less_regularization_never_share_a_plan():
    advice = mls.advise(human_error=0.01, train_error=0.06, dev_error=0.11)  # bias 5%, variance 5%
    plan = set(names(advice.actions))
    assert "regularization" in plan and "reduce_regularization" not in plan
    assert {"bigger_model", "more_data"} <= plan


def test_the_compiler_rejects_an_excluded_action_without_its_guard():
    rogue = Rule(id="rogue.rebalance", section="Size of the dev and test sets", when=known("dev_size"),
                 then=(Recommend("rebalance_split"),), because="rebalance")
    with pytest.raises(KnowledgeError, match="bigger_dev_set"):
        compile_knowledge((*RULES, rogue))
    check_exclusions(RULES)  # the knowledge base itself passes
    with pytest.raises(KnowledgeError):
        check_exclusions(RULES, (Exclusion("more_data", "regularization", "test"),))


# ---------------------------------------------------------------- 6-8. human labels, candidates, contradictions
def test_human_labels_only_while_people_beat_the_model():
    advice = mls.advise(bayes_error=0.02, human_error=0.05, train_error=0.045, dev_error=0.05)
    assert "get_human_labels" not in names(advice.actions)
    assert "get_human_labels" in names(mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10).actions)


def test_candidates_with_two_metrics_and_no_bound_ask_for_one():
    advice = mls.advise(candidates=[{"name": "A", "f1": 0.90, "running_time_ms": 80},
                                    {"name": "B", "f1": 0.92, "running_time_ms": 95},
                                    {"name": "C", "f1": 0.92, "running_time_ms": 1500}])
    assert "no_single_metric" in names(advice.diagnoses)
    assert {"satisficing", "optimizing_metric"} <= set(names(advice.missing))
    chosen = mls.advise(candidates=advice.situation.candidates, satisficing={"running_time_ms": {"max": 100}})
    assert chosen.values["selected_candidate"] == "B"
    assert "no_single_metric" not in names(chosen.diagnoses)


@pytest.mark.parametrize(("facts", "caveat"), [
    (dict(human_error=0.01, train_error=0.10, dev_error=0.05), "dev_below_train"),
    (dict(human_error=0.01, train_error=0.10, train_dev_error=0.05, dev_error=0.12), "train_dev_below_train"),
    (dict(human_error=0.04, train_error=0.07, train_dev_error=0.10, dev_error=0.06), "dev_below_train_dev"),
    (dict(human_error=0.01, train_error=0.02, dev_error=0.08, test_error=0.03), "test_below_dev"),
    (dict(bayes_error=0.03, human_error=0.01, train_error=0.05, dev_error=0.06), "bayes_above_human"),
    (dict(bayes_error=0.03, train_error=0.01, dev_error=0.06), "train_below_bayes"),
    (dict(human_error=0.01, train_error=0.02, dev_error=0.03, dev_size=0), "empty_set"),
])
def test_contradictory_facts_give_a_caveat_naming_them(facts, caveat):
    advice = mls.advise(**facts)
    found = diagnosis(advice, caveat)
    assert found.kind == "caveat" and found.reasons
    assert advice.primary_problem != caveat
    for name in ("variance", "data_mismatch", "dev_set_overfitting"):
        if advice.values.get(name, 0) < 0:
            assert name not in names(advice.diagnoses)  # a negative gap is never a finding


def test_a_negative_gap_within_the_noise_is_no_contradiction():
    advice = mls.advise(human_error=0.01, train_error=0.05, dev_error=0.04, dev_size=100)
    assert "dev_below_train" not in names(advice.diagnoses)


# ---------------------------------------------------------------- doing well and the target
def test_meeting_the_target_gives_no_model_knobs():
    advice = mls.advise(human_error=0.01, train_error=0.02, dev_error=0.03, target_error=0.05)
    assert "meets_target" in names(advice.diagnoses)
    assert advice.primary_problem is None
    assert not MODEL_KNOBS & set(names(advice.actions))
    assert "get_human_labels" not in names(advice.actions)


def test_a_target_met_only_within_the_noise_asks_for_a_bigger_dev_set():
    advice = mls.advise(human_error=0.01, train_error=0.02, dev_error=0.03, dev_size=100, target_error=0.05)
    assert "meets_target" not in names(advice.diagnoses)
    assert "target_within_noise" in names(advice.diagnoses)
    assert "bigger_dev_set" in names(advice.actions)


def test_a_target_not_met_leaves_the_gaps_to_decide():
    advice = mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10, target_error=0.05)
    assert advice.primary_problem == "avoidable_bias"


@pytest.mark.parametrize(("facts", "primary", "doing_well"), [
    # Machine Learning Yearning ch. 21-22: 0/0.5/1 doing well; 14/15/16 near optimal; 14/15/30 variance
    (dict(bayes_error=0.0, train_error=0.005, dev_error=0.01), "avoidable_bias", True),
    (dict(bayes_error=0.14, train_error=0.15, dev_error=0.16), "avoidable_bias", True),
    (dict(bayes_error=0.14, train_error=0.15, dev_error=0.30), "variance", False),
    # the lecture's radiology case: team 0.5%, train 0.7%, dev 0.8%: the 0.2-point avoidable bias still leads
    (dict(human_errors={"typical human": 0.03, "typical doctor": 0.01, "experienced doctor": 0.007,
                        "team of experienced doctors": 0.005}, train_error=0.007, dev_error=0.008), "avoidable_bias", True),
])
def test_small_gaps_are_doing_well_and_ask_for_the_target(facts, primary, doing_well):
    advice = mls.advise(**facts)
    assert advice.primary_problem == primary
    assert ("doing_well" in names(advice.diagnoses)) == doing_well
    assert ("target_error" in names(advice.missing)) == doing_well
    if doing_well:
        met = mls.advise(**facts, target_error=facts["dev_error"])
        assert "meets_target" in names(met.diagnoses) and not MODEL_KNOBS & set(names(met.actions))


# ---------------------------------------------------------------- questions that settle decisions
@pytest.mark.parametrize(("facts", "questions"), [
    (dict(task_a_examples=1_000_000, task_b_examples=1_000), {"same_input_type", "low_level_features_shared"}),
    (dict(tasks={"cars": 50000, "signs": 50000, "lights": 50000}), {"low_level_features_shared", "can_train_big_network"}),
    (dict(production_distribution="phone"), {"dev_distribution"}),
    (dict(candidates=[{"name": "A", "accuracy": 0.90}, {"name": "B", "accuracy": 0.91}]), {"dev_size"}),
    (dict(train_error=0.08, dev_error=0.10), {"human_error"}),
])
def test_undecided_choices_ask_the_fact_that_decides_them(facts, questions):
    assert questions <= set(names(mls.advise(**facts).missing))


# ---------------------------------------------------------------- properties
@settings(max_examples=150, deadline=None)
@given(facts=error_situations(train=True), above=st.floats(0, 1))
def test_a_human_level_above_the_training_error_never_makes_the_verdict_surer(facts: dict, above: float) -> None:
    facts = {k: v for k, v in facts.items() if k not in ("human_error", "human_errors", "bayes_error")}
    human = facts["train_error"] + (1 - facts["train_error"]) * above
    without = mls.advise(facts)
    with_human = mls.advise({**facts, "human_error": human})
    if without.primary_problem not in {"avoidable_bias", "variance"}:
        assert with_human.primary_problem not in {"avoidable_bias", "variance"}, (facts, human)


@settings(max_examples=150, deadline=None)
@given(facts=error_situations(proxy=True, train=True), size=st.integers(1, 5000), more=st.integers(1, 10**6),
       which=st.sampled_from(["train_size", "dev_size", "train_dev_size", "test_size"]))
def test_a_larger_set_never_makes_a_gap_less_significant(facts: dict, size: int, more: int, which: str) -> None:
    small = mls.advise({**facts, which: size}).values
    large = mls.advise({**facts, which: size + more}).values
    for gap in GAP_VERDICTS:
        if small.get(f"ci_low:{gap}", 0) > 0 and small.get(gap, 0) > 0:
            assert large[f"ci_low:{gap}"] > 0, (gap, small, large)


@settings(max_examples=200, deadline=None)
@given(facts=situations())
def test_no_plan_holds_two_excluded_actions(facts: dict) -> None:
    try:
        plan = set(names(mls.advise(facts).actions))
    except mls.RuleError:
        assume(False)
    for exclusion in EXCLUSIONS:
        assert not {exclusion.winner, exclusion.loser} <= plan, (exclusion, facts)


@settings(max_examples=200, deadline=None)
@given(facts=error_situations(), sizes=st.fixed_dictionaries({}, optional={
    name: st.integers(0, 100_000) for name in ("train_size", "train_dev_size", "dev_size", "test_size")}))
def test_a_gap_whose_interval_contains_zero_is_never_the_primary_problem(facts: dict, sizes: dict) -> None:
    advice = mls.advise({**facts, **sizes})
    primary = advice.primary_problem
    if primary in GAP_VERDICTS:
        assert advice.values[f"range_low:{primary}"] > 0, advice.values
        assert advice.values.get(f"ci_low:{primary}", 1) > 0, advice.values


PLAUSIBLE_ANSWERS = {  # answers a user could give to each question, to check the question is worth asking
    "human_error": [0.0, 0.01, 0.05, 0.2], "bayes_error": [0.0, 0.01, 0.05], "train_dev_error": None,
    "dev_size": [30, 100, 1_000, 100_000], "test_error": None, "target_error": [0.001, 0.5],
    "same_input_type": [True, False], "low_level_features_shared": [True, False],
    "can_train_big_network": [True, False], "dev_distribution": ["phone", "web"],
    "satisficing": None, "optimizing_metric": None, "end_to_end_examples": [100, 10_000_000],
}


def _answers(name: str, advice: mls.Advice) -> list:
    facts = advice.inputs
    if name in ("train_dev_error", "test_error"):  # anywhere between the levels around it, and far above
        low = facts.get("train_error", 0.0)
        return [low, (low + facts.get("dev_error", low)) / 2, facts.get("dev_error", low), min(1.0, low + 0.5)]
    if name == "satisficing":
        metric = next(m for c in facts["candidates"] for m in c if m != "name")
        return [{metric: {"max": 0.0}}, {metric: {"min": 0.0}}, {metric: {"max": 10**6}}]
    if name == "optimizing_metric":
        return sorted({m for c in facts["candidates"] for m in c if m != "name"})
    return PLAUSIBLE_ANSWERS.get(name) or []


@settings(max_examples=60, deadline=None)
@given(facts=st.one_of(
    error_situations(train=True),
    st.just(dict(task_a_examples=1_000_000, task_b_examples=1_000)),
    st.just(dict(tasks={"cars": 50000, "signs": 50000})),
    st.just(dict(production_distribution="phone", test_distribution="phone")),
    st.just(dict(candidates=[{"name": "A", "f1": 0.9, "running_time_ms": 80}, {"name": "B", "f1": 0.92, "running_time_ms": 95}])),
))
def test_every_question_is_worth_asking(facts: dict) -> None:
    # realistic error levels: at 100% test error against 0% dev error no set size could make the gap noise
    assume(all(value <= 0.5 for name, value in facts.items() if name.endswith("_error")))
    advice = mls.advise(facts)

    def outcome(a: mls.Advice) -> tuple:
        return a.primary_problem, tuple(sorted(names(a.diagnoses))), tuple(sorted(names(a.actions)))

    asked = {q.name: _answers(q.name, advice) for q in advice.missing}
    # a decision may need several answers together (transfer: same input AND shared features), so each question
    # is tried with the other open questions answered too, in a few joint profiles
    profiles = [{}] + [{name: answers[k % len(answers)] for name, answers in asked.items() if answers}
                       for k in range(max((len(a) for a in asked.values()), default=0))]
    for name, answers in asked.items():
        if not answers:
            continue
        outcomes: set = set()
        for profile in profiles:
            base = {**facts, **{k: v for k, v in profile.items() if k != name}}
            outcomes = {outcome(mls.advise(base))}
            for answer in answers:
                try:
                    outcomes.add(outcome(mls.advise({**base, name: answer})))
                except ValueError:  # an answer that contradicts a given fact
                    continue
            if len(outcomes) > 1:
                break
        assert len(outcomes) > 1, (name, facts)
