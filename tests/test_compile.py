"""inference/compile.py: the knowledge base is checked (fields, settings, ids, cycles) and stratified at compile time."""
from __future__ import annotations

import os
from typing import Any

import pytest

from mlstrategy.inference.compile import KnowledgeError, compile_knowledge, condition_json
from mlstrategy.inference.engine import Engine
from mlstrategy.knowledge import RULES
from mlstrategy.knowledge.dsl import Const, Diagnose, Rule, Value, absent, eq, gt, known
from mlstrategy.knowledge.sections import SECTIONS


# ---------------------------------------------------------------- compile-time checks
def _rule(rule_id: str, when: Any, concludes: str, reads: tuple[str, ...] = ()) -> Rule:
    return Rule(
        id=rule_id, section="Avoidable bias", when=when,
        then=(Value(concludes, lambda facts: 1.0, reads),), because="test rule",
    )


@pytest.mark.parametrize(
    "rules",
    [
        pytest.param(
            (_rule("test.a", known("y"), "x"), _rule("test.b", known("x"), "y")), id="positive-cycle"),
        pytest.param(
            (_rule("test.a", absent("y"), "x"), _rule("test.b", known("x"), "y")), id="cycle-through-negation"),
        pytest.param(
            (_rule("test.a", gt("z", 0.5), "x"), _rule("test.b", known("x"), "y"),
             _rule("test.c", known("y"), "z")), id="three-rule-cycle"),
    ],
)
def test_the_compiler_rejects_a_cycle(rules: tuple[Rule, ...]) -> None:
    with pytest.raises(KnowledgeError, match="cycle"):
        compile_knowledge(rules)
    with pytest.raises(KnowledgeError):
        Engine(RULES + rules)


def test_the_compiler_rejects_a_duplicate_rule_id() -> None:
    first = _rule("test.same", known("train_error"), "x")
    second = _rule("test.same", known("dev_error"), "y")
    with pytest.raises(KnowledgeError, match="test.same"):
        compile_knowledge((first, second))
    with pytest.raises(KnowledgeError):
        Engine(RULES + (RULES[0],))


def test_the_knowledge_base_itself_compiles() -> None:
    compiled = compile_knowledge(RULES)
    assert set(compiled.strata) == {rule.id for rule in RULES}


def _knowledge_rule(rule_id, when, then, because="x"):
    return Rule(id=rule_id, section=SECTIONS[0], when=when, then=then, because=because, title="t")


def test_compiler_rejects_a_field_nobody_provides():
    typo = _knowledge_rule("test.typo", known("trian_error"), (Diagnose("variance"),))
    with pytest.raises(KnowledgeError, match="did you mean 'train_error'"):
        compile_knowledge([*RULES, typo])
    bare_string = _knowledge_rule("test.bare", eq("train_label_errors", "random"), (Diagnose("variance"),))
    with pytest.raises(KnowledgeError, match="random"):
        compile_knowledge([*RULES, bare_string])
    compile_knowledge([*RULES, _knowledge_rule("test.ok", eq("train_label_errors", Const("random")), (Diagnose("variance"),))])


def test_compiler_rejects_cycles_and_duplicate_ids():
    a = _knowledge_rule("test.a", known("value_b"), (Value("value_a", lambda f: 1, ()),))
    b = _knowledge_rule("test.b", known("value_a"), (Value("value_b", lambda f: 1, ()),))
    with pytest.raises(KnowledgeError, match="cycle"):
        compile_knowledge([a, b])
    with pytest.raises(KnowledgeError, match="defined twice"):
        compile_knowledge([*RULES, RULES[0]])


def test_strata_respect_every_read():
    compiled = compile_knowledge(RULES)
    for rule in RULES:
        for field in rule.reads():
            for producer in compiled.producers.get(field, ()):
                if producer != rule.id:
                    assert compiled.strata[producer] < compiled.strata[rule.id], (producer, rule.id, field)


def test_the_rule_dependency_graph_is_acyclic_and_matches_the_strata():
    import networkx as nx

    from mlstrategy.inference.compile import dependency_graph

    graph = dependency_graph(RULES)
    compiled = compile_knowledge(RULES)
    assert nx.is_directed_acyclic_graph(graph) and set(graph.nodes) == {rule.id for rule in RULES}
    for producer, reader in graph.edges:
        assert compiled.strata[producer] < compiled.strata[reader]


def test_a_setting_a_function_declares_must_exist() -> None:
    uses = Rule(id="test.uses_setting", section=SECTIONS[0], title="t", when=known("train_error"), because="x",
                then=(Value("x", lambda f: f["setting:dev_test_cap"], ("train_error", "setting:dev_test_cap")),))
    compiled = compile_knowledge([*RULES, uses])
    assert uses.settings() == ("dev_test_cap",) and compiled.strata["test.uses_setting"] >= 0
    typo = Rule(id="test.typo_setting", section=SECTIONS[0], title="t", when=known("train_error"), because="x",
                then=(Value("x", lambda f: 1, ("setting:dev_test_capp",)),))
    with pytest.raises(KnowledgeError, match="unknown setting 'dev_test_capp'"):
        compile_knowledge([*RULES, typo])


@pytest.mark.parametrize("value", [1e-07, 2.5e16, float("inf"), 2**53])
def test_a_constant_durable_rules_cannot_read_is_refused_with_the_rule_named(value: Any) -> None:
    """durable_rules refuses a ruleset with such a constant ("error code: 204", no rule named); the compiler says
    which rule and why, in arithmetic too."""
    from mlstrategy.knowledge.dsl import gt, times

    for when in (gt("train_error", value), gt("dev_error", times("train_error", value))):
        rule = Rule(id="test.constant", section=SECTIONS[0], title="t", when=when, because="x",
                    then=(Value("x", lambda f: 1.0, ("train_error",)),))
        with pytest.raises(KnowledgeError, match=r"rule test\.constant compares with the constant .*cannot read"):
            compile_knowledge([*RULES, rule])
    fine = Rule(id="test.constant", section=SECTIONS[0], title="t", when=gt("train_error", 0.0125), because="x",
                then=(Value("x", lambda f: 1.0, ("train_error",)),))
    assert "test.constant" in compile_knowledge([*RULES, fine]).strata


def test_a_family_member_is_produced_by_its_familys_rules() -> None:
    from mlstrategy.inference.compile import producers_of

    compiled = compile_knowledge(RULES)
    assert producers_of("split:dev", compiled.producers) == producers_of("split:*", compiled.producers) != ()
    assert producers_of("no_such_field", compiled.producers) == ()


# ---------------------------------------------------------------- any_of: exclusive branches
_FIELDS = ("train_error", "dev_error", "test_error")


def _conditions() -> Any:
    from hypothesis import strategies as st

    from mlstrategy.knowledge.dsl import all_of, any_of

    atoms = st.one_of(
        st.sampled_from(_FIELDS).map(known),
        st.sampled_from(_FIELDS).map(absent),
        st.builds(gt, st.sampled_from(_FIELDS), st.sampled_from((0.05, 0.1, 0.2))),
    )
    return st.recursive(atoms, lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda parts: any_of(*parts)),
        st.lists(inner, min_size=2, max_size=3).map(lambda parts: all_of(*parts)),
    ), max_leaves=6)


def _simple(condition: Any) -> bool:
    """Known/absent tests joined by any_of (at any depth): the compiler makes such a disjunction fully exclusive."""
    from mlstrategy.knowledge.dsl import Absent, AnyOf, Known

    if isinstance(condition, (Known, Absent)):
        return True
    return isinstance(condition, AnyOf) and all(_simple(part) for part in condition.parts)


def test_an_any_of_fires_exactly_when_it_holds_and_once_where_its_branches_can_be_made_exclusive() -> None:
    """The exclusive branches compile.py builds for an `$or` are the same condition (the rule fires exactly when
    the Python evaluator says it holds), and a disjunction of field tests makes durable_rules fire once."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from mlstrategy.inference.evaluate import holds
    from mlstrategy.knowledge.dsl import any_of

    values = st.dictionaries(st.sampled_from(_FIELDS), st.sampled_from((0.01, 0.1, 0.3)))

    @settings(max_examples=int(os.environ.get('ANYOF_EXAMPLES', 60)), deadline=None)
    @given(_conditions(), _conditions(), values)
    def check(first: Any, second: Any, facts: dict[str, float]) -> None:
        condition = any_of(first, second)
        engine = Engine((_rule("test.any", condition, "any_hits"),))
        raw: list[str] = []
        fire = engine._actions["test.any"]
        engine._actions["test.any"] = lambda: (raw.append("test.any"), fire())[1]
        trace = engine.consult(facts, {})
        assert bool(raw) == holds(condition, facts)
        assert [f.rule for f in trace.firings] == (["test.any"] if holds(condition, facts) else [])
        compiled = engine.knowledge.definitions["test.any"]["all"][0]["m"]["$and"][1]
        if _simple(condition) and compiled == condition_json(condition):  # not too long for exclusive branches
            assert len(raw) <= 1, raw
        elif compiled != condition_json(condition):
            assert compiled == condition_json(condition, exclusive=False)

    check()
