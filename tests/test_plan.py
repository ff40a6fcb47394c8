"""inference/plan.py: rationales filled for people, diagnoses ranked, actions merged and ordered, questions ranked."""
from __future__ import annotations

from mlstrategy.inference.engine import Concluded, Firing, Trace
from mlstrategy.inference.plan import order_actions, rank_diagnoses, rank_questions, rationale, fill_template
from mlstrategy.knowledge.dsl import Rule, Value, known


def firing(rule_id: str, *concluded: Concluded, stratum: int = 0) -> Firing:
    return Firing(rule_id, stratum, tuple(concluded))


def diagnosis(name: str, severity: float | None = None) -> Concluded:
    return Concluded("diagnosis", name, f"diagnosis:{name}", severity)


def action(name: str, *addresses: str, **params: object) -> Concluded:
    return Concluded("action", name, f"action:{name}", True, params, addresses)


def trace(*firings: Firing, facts: dict | None = None, inputs: dict | None = None) -> Trace:
    return Trace(inputs=inputs or {}, settings={}, facts=facts or {}, firings=list(firings))


def test_render_fills_a_template_as_people_read_it() -> None:
    facts = {"train_error": 0.08, "dev_size": 10000, "setting:min_gap": 0.001}
    assert fill_template("{train_error} on {dev_size} (min {setting:min_gap}); {human_error}", facts) == \
        "8% on 10,000 (min 0.1%); unknown"


def test_rationale_appends_the_detail_text_only_when_there_is_one() -> None:
    base = {"id": "example.rule", "section": "Avoidable bias", "when": known("train_error"),
            "then": (Value("x", lambda f: 1, ()),), "because": "train error {train_error}."}
    facts = {"train_error": 0.1}
    assert rationale(Rule(**base), facts) == "train error 10%."
    assert rationale(Rule(**base, detail=lambda f: "More."), facts) == "train error 10%. More."
    assert rationale(Rule(**base, detail=lambda f: ""), facts) == "train error 10%."


def test_target_problems_rank_first_then_problems_by_size_then_caveats() -> None:
    ranked = rank_diagnoses(trace(
        firing("a.rule", diagnosis("variance", 0.02), diagnosis("avoidable_bias", 0.07)),
        firing("b.rule", diagnosis("metric_mismatch")),
        firing("c.rule", diagnosis("near_human_level")),
    ))
    assert [d.name for d in ranked] == ["metric_mismatch", "avoidable_bias", "variance", "near_human_level"]


def test_a_gap_within_the_noise_ranks_after_a_smaller_significant_one() -> None:
    facts = {"ci_low:avoidable_bias": -0.01, "ci_low:variance": 0.005}
    ranked = rank_diagnoses(trace(firing("a.rule", diagnosis("avoidable_bias", 0.07), diagnosis("variance", 0.02)),
                                  facts=facts))
    assert [d.name for d in ranked] == ["variance", "avoidable_bias"]


def test_an_action_from_several_rules_is_planned_once_with_every_reason_and_parameter() -> None:
    first = firing("a.rule", action("error_analysis", "data_mismatch", "variance", sample=100))
    second = firing("b.rule", action("error_analysis", "below_human_level", focus="dogs"), action("bigger_model", "avoidable_bias"))
    diagnoses = rank_diagnoses(trace(firing("d.rule", diagnosis("avoidable_bias", 0.07), diagnosis("data_mismatch", 0.01),
                                            diagnosis("below_human_level"))))
    plan = order_actions(trace(first, second), diagnoses)
    assert [a.name for a in plan] == ["bigger_model", "error_analysis"]  # by the best-ranked diagnosis addressed
    merged = plan[1]
    assert merged.firings == (first, second)
    assert merged.addresses == ("data_mismatch", "below_human_level")  # only diagnoses concluded (not variance)
    assert merged.params == {"sample": 100, "focus": "dogs"}


def test_questions_are_asked_once_at_their_most_decisive_rank_and_never_for_a_given_fact() -> None:
    ask = lambda name, why, rank: Concluded("missing", name, f"missing:{name}", (why, rank))  # noqa: E731
    questions = rank_questions(trace(
        firing("a.rule", ask("dev_size", "sizes for {dev_error}", 40), ask("human_error", "a proxy", 10)),
        firing("b.rule", ask("dev_size", "sharper", 20), ask("train_error", "given", 5)),
        facts={"dev_error": 0.1}, inputs={"train_error": 0.1},
    ))
    assert [(q.name, q.rank) for q in questions] == [("human_error", 10), ("dev_size", 20)]
    assert questions[1].why == "sharper" and questions[1].rules == ("a.rule", "b.rule")


# ---------------------------------------------------------------- the kept plan structure (plan_items' templates)
from hypothesis import HealthCheck, given, settings as hypothesis_settings  # noqa: E402

import mlstrategy  # noqa: E402
from mlstrategy.inference import plan as plan_module  # noqa: E402

import pytest  # noqa: E402

from strategies import situations  # noqa: E402


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=situations())
def test_a_kept_plan_structure_gives_the_plan_computed_from_scratch(facts: dict) -> None:
    # the same firings and ranking each time: seen once, kept from the second, reused by the third
    consulted = [mlstrategy.advise(facts) for _ in range(3)]
    for advice in consulted:
        ranked = rank_diagnoses(advice.trace)
        assert plan_module.plan_items(advice.trace, ranked) == plan_module._plan_items(advice.trace, ranked)
    key = (consulted[0].trace._origin, tuple(f.rule for f in consulted[0].trace.firings),
           tuple(d.name for d in rank_diagnoses(consulted[0].trace)))
    assert key in plan_module._TEMPLATES or len(plan_module._TEMPLATES) <= 1  # kept (unless just cleared)
    assert len({tuple(a.name for a in advice.actions) for advice in consulted}) == 1


@pytest.mark.parametrize("shares", [(30, 40, 50, 60), (25, 80, 35, 70)])
def test_another_consultation_with_the_same_firings_reads_its_own_parameters(shares, monkeypatch) -> None:
    # one structure (the same rules fire, the same ranking), parameters of each consultation's own (the share and
    # the ceiling of the category to focus on): from the third consultation on, the kept structure is reused
    reused = []
    real = plan_module._from_template
    monkeypatch.setattr(plan_module, "_from_template", lambda *args: reused.append(1) or real(*args))
    plans = []
    for share in shares:
        advice = mlstrategy.advise(human_error=0.01, train_error=0.02, dev_error=0.10,
                                   error_analysis={"examined": 100, "categories": {"blurry": share}})
        ranked = rank_diagnoses(advice.trace)
        planned = plan_module.plan_items(advice.trace, ranked)
        assert planned == plan_module._plan_items(advice.trace, ranked)
        plans.append(planned)
        focus = next(params for name, params, *_ in planned if name == "focus_error_category")
        assert focus["share"] == share / 100 and focus["ceiling"] == round(0.10 * (1 - share / 100), 12)
    assert reused, "no consultation reused the kept structure"
    assert len({tuple(item[0] for item in planned) for planned in plans}) == 1


def test_a_trace_built_by_hand_is_planned_from_scratch_and_never_kept() -> None:
    kept = dict(plan_module._TEMPLATES)
    hand = trace(firing("r1", diagnosis("variance", 0.05), action("more_data", "variance")))
    ranked = rank_diagnoses(hand)
    assert [item[0] for item in plan_module.plan_items(hand, ranked)] == ["more_data"]
    assert plan_module._TEMPLATES == kept


def test_a_structure_that_does_not_fit_the_trace_is_not_used() -> None:
    advice = mlstrategy.advise(human_error=0.01, train_error=0.08, dev_error=0.10)
    ranked = rank_diagnoses(advice.trace)
    real = plan_module.plan_items(advice.trace, ranked)
    assert plan_module.plan_items(advice.trace, ranked) == real  # seen twice: kept
    key = (advice.trace._origin, tuple(f.rule for f in advice.trace.firings), tuple(d.name for d in ranked))
    template = plan_module._TEMPLATES[key]
    name, sources, addresses, places, step = template[0]
    broken = ((name + "_elsewhere", sources, addresses, places, step), *template[1:])
    assert plan_module._from_template(broken, advice.trace.firings) is None  # not the action the structure expects
    plan_module._TEMPLATES[key] = broken
    try:  # planned from scratch, the same plan, and the structure kept is the right one again
        assert plan_module.plan_items(advice.trace, ranked) == real
        assert plan_module._TEMPLATES[key] == template
    finally:
        plan_module._TEMPLATES.pop(key, None)


def test_a_plan_seen_once_keeps_no_structure() -> None:
    facts = {"human_error": 0.01, "train_error": 0.2, "dev_error": 0.31, "test_error": 0.33, "train_dev_error": 0.25}
    advice = mlstrategy.advise(facts)
    ranked = rank_diagnoses(advice.trace)
    key = (advice.trace._origin, tuple(f.rule for f in advice.trace.firings), tuple(d.name for d in ranked))
    plan_module._TEMPLATES.pop(key, None)
    plan_module._SEEN.pop(key, None)
    plan_module.plan_items(advice.trace, ranked)
    assert key in plan_module._SEEN and key not in plan_module._TEMPLATES
    plan_module.plan_items(advice.trace, ranked)
    assert key in plan_module._TEMPLATES


@hypothesis_settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=situations())
def test_ranking_from_the_engines_list_of_diagnosing_firings_is_ranking_from_every_firing(facts: dict) -> None:
    made = mlstrategy.advise(facts).trace
    assert made._diagnosing == [f for f in made.firings if any(c.kind == "diagnosis" for c in f.concluded)]
    rebuilt = Trace(inputs=made.inputs, settings=made.settings, facts=made.facts, firings=list(made.firings),
                    sizes=list(made.sizes))  # as a trace built any other way: no engine list, no engine token
    assert rebuilt._diagnosing is None and rebuilt._origin is None
    assert rank_diagnoses(made) == rank_diagnoses(rebuilt)
    assert plan_module.plan_items(made, rank_diagnoses(made)) == plan_module.plan_items(rebuilt, rank_diagnoses(rebuilt))
