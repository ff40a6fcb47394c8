"""Explanations: the reasoning graph, why chains, why_not answers, questions and renderings."""
from __future__ import annotations

import json
import re

import networkx as nx
import pytest

import mlstrategy as mls
from conftest import names


@pytest.fixture
def bias():
    return mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10)


def pct(text: str, n: float) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(str(n))}(\.0+)?\s?%", text) is not None


def test_why_names_the_numbers_and_rules(bias):
    text = str(bias.why("bigger_model"))
    assert pct(text, 8) and pct(text, 1) and pct(text, 7)
    assert "Training error 8% - Bayes proxy 1% = avoidable bias 7%" in text
    assert "[bias.actions]" in text and "[gaps.avoidable_bias]" in text
    assert bias.why("bigger_model").inputs() == {"train_error", "human_error", "dev_error"}


def test_why_prefers_action_then_diagnosis_then_value(bias):
    assert bias.why("avoidable_bias").kind == "diagnosis"
    assert bias.why("avoidable_bias", kind="value").kind == "value"
    assert bias.why("bayes_proxy").kind == "value"


def test_why_of_something_not_concluded_points_to_why_not(bias):
    with pytest.raises(mls.UnknownName) as caught:
        bias.why("more_data")
    assert "why_not" in str(caught.value)
    with pytest.raises(KeyError):
        bias.why("bigger_modle")


def test_why_not_names_the_rule_and_the_failed_condition_with_values(bias):
    answer = bias.why_not("more_data")
    text, full = str(answer), answer.full()
    assert not answer.concluded
    assert answer.nearest.rule == "variance.actions"
    # one line leads: the nearest rule and its failed condition, with values; the nested tree is on request
    assert "\n" not in text and text.startswith("action more_data was not concluded: nearest rule [variance.actions]")
    assert "variance (2%) >= largest gap (7%) x setting secondary_gap_ratio (0.6) = 4.2%" in text
    assert "variance.worth_acting_on" in full and "variance.worth_acting_on" not in text
    assert bias.why_not("bigger_model").concluded
    assert "No rule concludes 'foo'" in str(bias.why_not("foo"))


def test_graph_contract(bias):
    graph = bias.graph
    assert isinstance(graph, nx.DiGraph)
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    assert kinds == {"input", "value", "diagnosis", "action", "rule"}
    for node, data in graph.nodes(data=True):
        if data["kind"] == "rule":
            assert data["rule"] in {r.id for r in mls.rules()}
        else:
            assert "name" in data and "value" in data
        if data["kind"] == "input":
            assert data["input"] is True
    # edges only from what the rule read: the gap rule reads train error and the proxy, not dev error
    assert set(graph.predecessors("rule:gaps.avoidable_bias")) == {"input:train_error", "value:bayes_proxy"}
    assert nx.is_directed_acyclic_graph(graph)


def test_graph_exports(bias):
    dot = bias.to_dot()
    assert dot.startswith("strict digraph") and '"action bigger_model"' in dot
    mermaid = bias.to_mermaid()
    assert mermaid.startswith("flowchart LR") and "-->" in mermaid
    data = bias.to_node_link()
    assert {n["id"] for n in data["nodes"]} == set(bias.graph.nodes)
    json.dumps(data)


def test_missing_ranked_with_reasons(bias):
    # no dev_size: variance 2% is not worth acting on next to bias 7%, so no dev set size could change the advice
    assert names(bias.missing) == ["train_dev_error", "test_error"]
    assert all(item.why for item in bias.missing)
    complete = mls.advise(human_error=0.01, train_error=0.08, train_dev_error=0.09, dev_error=0.10, test_error=0.1,
                          dev_size=5000)
    assert complete.missing == []


def test_rules_catalogue_is_complete():
    listed = mls.rules()
    assert len({r.id for r in listed}) == len(listed)
    from mlstrategy.knowledge.sections import SECTIONS

    assert all(r.section in SECTIONS and r.because and r.title for r in listed)
    order = [SECTIONS.index(r.section) for r in listed]
    assert order == sorted(order)
