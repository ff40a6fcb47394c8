"""Properties of the rule base that hold for every situation: determinism, order independence, explanations
that rest on the facts they name, monotone gaps, an evaluator that agrees with the engine, and validation
that only ever raises ValidationError."""
from __future__ import annotations

import random

import networkx as nx
import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import mlstrategy as mls
from mlstrategy.inference.engine import Engine
from mlstrategy.knowledge import RULES
from strategies import (
    ERROR_FIELDS, bad_counts, bad_distributions, bad_fractions, error_situations, fractions,
    human_levels, json_like, labels, settings_overrides, situations,
)

TOL = 1e-9
NODE_KINDS = {"input", "value", "diagnosis", "action", "rule"}
ERROR_INPUTS = ("human_error", "human_errors", "bayes_error", *ERROR_FIELDS)
COUNT_FIELDS = (
    "train_size", "train_dev_size", "dev_size", "test_size", "total_examples", "target_examples",
    "other_distribution_examples", "task_a_examples", "task_b_examples", "end_to_end_examples",
)
FRACTION_FIELDS = ("human_error", "bayes_error", *ERROR_FIELDS, "precision", "recall")
LABEL_FIELDS = ("train_distribution", "dev_distribution", "test_distribution", "production_distribution", "optimizing_metric")
KNOWN_KEYS = tuple(mls.Situation.model_fields)

few = settings(max_examples=100, deadline=None)
some = settings(max_examples=200, deadline=None)


# ---------------------------------------------------------------- determinism and order
@few
@given(facts=situations(), overrides=settings_overrides)
def test_same_input_same_advice(facts: dict, overrides: dict) -> None:
    first = mls.advise(facts, settings=overrides)
    second = mls.advise(facts, settings=overrides)
    assert first.to_dict() == second.to_dict()
    assert str(first) == str(second)
    assert mls.advise(mls.Situation(**facts), settings=mls.Settings(**overrides)).to_dict() == first.to_dict()


def decisions(advice: mls.Advice) -> dict:
    """What the advice decides, without the texts that echo the user's own wording and order."""
    return {
        "inputs": advice.inputs,
        "primary_problem": advice.primary_problem,
        "diagnoses": [(d.name, d.severity) for d in advice.diagnoses],
        "actions": [(a.name, a.params, a.addresses) for a in advice.actions],
        "values": advice.values,
        "missing": [m.name for m in advice.missing],
    }


@few
@given(facts=situations(), rnd=st.randoms(use_true_random=False), split=st.integers(0, 20))
def test_input_order_does_not_matter(facts: dict, rnd: random.Random, split: int) -> None:
    items = list(facts.items())
    rnd.shuffle(items)
    expected = mls.advise(**facts)
    assert mls.advise(**dict(items)).to_dict() == expected.to_dict()
    assert mls.advise(dict(items)).to_dict() == expected.to_dict()
    head, tail = dict(items[:split]), dict(items[split:])
    assert mls.advise(head, **tail).to_dict() == expected.to_dict()  # a mapping updated by keywords
    # inside a mapping fact (human_errors, class_weights, tasks, ...) order changes only how texts list it
    inner = {key: (dict(rnd.sample(list(value.items()), len(value))) if isinstance(value, dict) else value)
             for key, value in items}
    assert decisions(mls.advise(inner)) == decisions(expected)


@pytest.fixture(scope="module")
def shuffled_engines() -> list[Engine]:
    """A handful of engines over random permutations of the rule base (building one takes a few ms)."""
    rnd = random.Random(20240601)
    engines = []
    for _ in range(5):
        rules = list(RULES)
        rnd.shuffle(rules)
        engines.append(Engine(rules))
    return engines


@few
@given(facts=situations(), overrides=settings_overrides)
def test_rule_definition_order_does_not_matter(shuffled_engines: list[Engine], facts: dict, overrides: dict) -> None:
    default = mls.advise(facts, settings=overrides)
    expected = default.to_dict()
    whys = {a.name: str(default.why(a.name)) for a in default.actions}
    for engine in shuffled_engines:
        advice = mls.advise(facts, settings=overrides, engine=engine)
        assert advice.to_dict() == expected
        assert {a.name: str(advice.why(a.name)) for a in advice.actions} == whys


# ---------------------------------------------------------------- the explanation graph
@some
@given(facts=situations(), overrides=settings_overrides)
def test_graph_is_well_formed_and_every_action_rests_on_inputs(facts: dict, overrides: dict) -> None:
    advice = mls.advise(facts, settings=overrides)
    graph = advice.graph
    for node, data in graph.nodes(data=True):
        assert data.get("kind") in NODE_KINDS, (node, data)
        if data["kind"] == "rule":
            assert data.get("rule"), (node, data)
        else:
            assert "name" in data and "value" in data, (node, data)
            if data["kind"] == "input":
                assert data.get("input") is True and data["name"] in advice.inputs, (node, data)
    for action in advice.actions:
        node = f"action:{action.name}"
        assert graph.nodes[node]["kind"] == "action"
        sources = [n for n in nx.ancestors(graph, node) if graph.nodes[n].get("input") is True]
        assert sources, f"action {action.name} has no path from an input"


def _inputs_on_path(graph: nx.DiGraph, node: str) -> set[str]:
    return {graph.nodes[n]["name"] for n in nx.ancestors(graph, node) if graph.nodes[n]["kind"] == "input"}


@settings(max_examples=200, deadline=None)
@given(facts=error_situations(), data=st.data())
def test_why_ignores_inputs_off_its_path(facts: dict, data: st.DataObject) -> None:
    advice = mls.advise(facts)
    graph = advice.graph
    for item, kind in [(a, "action") for a in advice.actions] + [(d, "diagnosis") for d in advice.diagnoses]:
        node = f"{kind}:{item.name}"
        off_path = [name for name in ERROR_INPUTS if name in facts and name not in _inputs_on_path(graph, node)]
        if not off_path:
            continue
        name = data.draw(st.sampled_from(off_path), label=f"perturbed input for {node}")
        value = data.draw(human_levels if name == "human_errors" else fractions, label=f"new {name}")
        perturbed = mls.advise({**facts, name: value})
        after = perturbed.action(item.name) if kind == "action" else perturbed.diagnosis(item.name)
        if after is None or {r.rule for r in after.reasons} != {r.rule for r in item.reasons}:
            continue  # no longer concluded, or another rule now concludes it too: a new reason is right
        event(f"why compared after perturbing {name}")
        assert str(perturbed.why(item.name, kind)) == str(advice.why(item.name, kind)), (node, name, value)


# ---------------------------------------------------------------- monotone gaps
@some
@given(facts=error_situations(proxy=True, train=True), share=st.floats(0.0, 1.0), overrides=settings_overrides)
def test_more_error_from_training_on_raises_avoidable_bias_by_the_same_amount(
    facts: dict, share: float, overrides: dict
) -> None:
    later = [name for name in ERROR_FIELDS if name in facts]
    d = share * (1.0 - max(facts[name] for name in later))
    raised = {**facts, **{name: facts[name] + d for name in later}}
    assume(all(raised[name] <= 1.0 for name in later))
    before = mls.advise(facts, settings=overrides)
    after = mls.advise(raised, settings=overrides)
    assert after.values["avoidable_bias"] == pytest.approx(before.values["avoidable_bias"] + d, abs=TOL, rel=0)
    for name in ("variance", "data_mismatch", "dev_set_overfitting"):
        assert (name in after.values) == (name in before.values)
        if name in before.values:
            assert after.values[name] == pytest.approx(before.values[name], abs=TOL, rel=0), name
    if before.diagnosis("avoidable_bias") is not None:
        bias, largest = before.values["avoidable_bias"], before.values["largest_gap"]
        chosen = mls.Settings(**overrides)
        assume(bias - chosen.min_gap > TOL and bias - chosen.secondary_gap_ratio * largest > TOL)
        assert after.diagnosis("avoidable_bias") is not None, (facts, raised)
        event("avoidable bias stayed diagnosed")


# ---------------------------------------------------------------- invalid input
NONE_IN_THE_WRONG_PLACE = [
    ("human_errors", {"expert": None}), ("human_errors", {}), ("tasks", {"a": None}), ("stage_examples", {"a": None}),
    ("confusion_matrix", {"tp": None, "fp": 1, "fn": 1, "tn": 1}), ("train_curve", [0.3, None]),
    ("candidates", [None]), ("error_analysis", {"examined": None}), ("class_weights", {"porn": None}),
    ("satisficing", {"time": None}), ("maximize", [None]), ("candidates", [{"name": "A", "accuracy": None}]),
]


@st.composite
def invalid_facts(draw: st.DrawFn) -> tuple[str, object]:
    """One fact with a value the vocabulary forbids."""
    return draw(st.one_of(
        st.tuples(st.sampled_from(FRACTION_FIELDS), bad_fractions),
        st.tuples(st.just("human_errors"), st.dictionaries(labels, bad_fractions, min_size=1, max_size=2)),
        st.tuples(st.sampled_from(COUNT_FIELDS), bad_counts),
        st.tuples(st.just("tasks"), st.dictionaries(labels, bad_counts, min_size=1, max_size=2)),
        st.tuples(st.sampled_from(LABEL_FIELDS), bad_distributions),
        st.tuples(st.sampled_from(("structured_data", "metric_matches_users", "real_world_ok")),
                  st.one_of(st.lists(st.booleans(), min_size=1), st.sampled_from(["maybe", 2, 0.5]))),
        st.sampled_from(NONE_IN_THE_WRONG_PLACE),
        st.tuples(st.text(min_size=1, max_size=20).filter(lambda key: key not in KNOWN_KEYS), json_like),
        st.tuples(st.sampled_from(["train_eror", "dev_erorr", "human_level", "bayes", "trainerror"]), fractions),
    ))


@some
@given(base=error_situations(), bad=invalid_facts(), as_keywords=st.booleans())
def test_invalid_values_raise_validation_error(base: dict, bad: tuple[str, object], as_keywords: bool) -> None:
    key, value = bad
    facts = {**base, key: value}
    with pytest.raises(ValidationError):
        if as_keywords and key.isidentifier() and key not in ("situation", "settings", "engine"):
            mls.advise(**facts)
        else:
            mls.advise(facts)


@few
@given(key=st.sampled_from(["min_gap", "secondary_gap_ratio", "min_gapp", "ratio"]), value=st.one_of(bad_fractions, st.just(0)))
def test_invalid_settings_raise_validation_error(key: str, value: object) -> None:
    if key == "min_gap":
        assume(value != 0)  # 0 is a valid min_gap
    with pytest.raises(ValidationError):
        mls.advise(train_error=0.1, dev_error=0.2, settings={key: value})


@some
@given(overrides=st.dictionaries(st.sampled_from(list(mls.Settings.model_fields)), json_like, min_size=1, max_size=3))
def test_any_settings_give_advice_or_validation_error(overrides: dict) -> None:
    try:
        advice = mls.advise(train_error=0.1, dev_error=0.2, human_error=0.01, settings=overrides)
    except ValidationError:
        return
    assert isinstance(advice, mls.Advice)


@some
@given(key=st.sampled_from(KNOWN_KEYS), value=json_like, base=error_situations())
def test_any_json_value_gives_advice_or_validation_error(key: str, value: object, base: dict) -> None:
    try:
        advice = mls.advise({**base, key: value})
    except ValidationError:
        event("ValidationError")
        return
    event("valid")
    assert isinstance(advice, mls.Advice)
    advice.to_json()


@few
@given(situation=json_like)
def test_any_json_document_gives_advice_or_validation_error(situation: object) -> None:
    try:
        advice = mls.advise(situation)
    except ValidationError:
        return
    assert isinstance(advice, mls.Advice)


HUGE = 10**400  # json.loads("1" + "0" * 400) reads such an integer; float() of it raises OverflowError


@pytest.mark.parametrize(
    "facts",
    [{"train_error": HUGE}, {"human_error": -HUGE}, {"human_errors": {"expert": HUGE}}, {"class_weights": {"porn": HUGE}},
     {"candidates": [{"name": "A", "running_time_ms": HUGE}]}, {"satisficing": {"running_time_ms": {"max": HUGE}}},
     {"train_curve": [0.5, HUGE]}],
    ids=["train_error", "human_error", "human_errors", "class_weights", "candidate_metric", "satisficing", "train_curve"],
)
def test_integers_too_large_for_a_float_raise_validation_error(facts: dict) -> None:
    with pytest.raises(ValidationError):
        mls.advise(facts)


@pytest.mark.parametrize("key", list(mls.Settings.model_fields))
@pytest.mark.parametrize("value", [True, False, HUGE, float("nan"), "many"], ids=["True", "False", "HUGE", "nan", "text"])
def test_settings_reject_booleans_huge_integers_and_non_numbers(key: str, value: object) -> None:
    with pytest.raises(ValidationError):
        mls.advise(train_error=0.1, dev_error=0.2, settings={key: value})
