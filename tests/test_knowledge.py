"""The knowledge base as a whole: well-formed, covering the course, every rule and conclusion reachable."""
from __future__ import annotations


import mlstrategy as mls
from mlstrategy.knowledge import RULES
from mlstrategy.knowledge.catalog import ACTIONS, DIAGNOSES
from mlstrategy.knowledge.dsl import Diagnose, Recommend
from mlstrategy.knowledge.sections import SECTIONS

# Situations that together make every rule fire at least once (the course's own cases, mostly).
SCENARIOS = [
    dict(human_error=0.01, train_error=0.08, dev_error=0.10),
    dict(human_error=0.075, train_error=0.08, dev_error=0.10),
    dict(bayes_error=0.0, train_error=0.01, train_dev_error=0.015, dev_error=0.10, test_error=0.2,
         train_size=1000, train_dev_size=1000, dev_size=1000, test_size=1000),
    dict(human_error=0.05, train_error=0.08, dev_error=0.10, train_size=200, dev_size=200),
    dict(human_error=0.0, train_error=0.01, train_dev_error=0.09, dev_error=0.10, train_size=100, train_dev_size=100),
    dict(human_error=0.01, train_error=0.02, train_dev_error=0.025, dev_error=0.06, train_dev_size=80, dev_size=80),
    dict(human_error=0.01, train_error=0.02, dev_error=0.03, test_error=0.1, dev_size=60, test_size=60),
    dict(human_error=0.0, train_error=0.01, dev_error=0.10, train_distribution="web", dev_distribution="mobile"),
    dict(human_errors={"a": 0.05}, train_error=0.04, dev_error=0.06, structured_data=True),
    dict(human_error=0.05, train_error=0.04, dev_error=0.06, structured_data=False),
    dict(train_error=0.08), dict(dev_error=0.1),
    dict(metric_matches_users=False, real_world_ok=False),
    dict(confusion_matrix={"tp": 3, "fp": 1, "fn": 2, "tn": 4}),
    dict(tracked_metrics=["precision", "recall"]),
    dict(candidates=[{"name": "A", "precision": 0.95, "recall": 0.9}, {"name": "B", "accuracy": 0.9}], dev_size=100),
    dict(candidates=[{"name": "A", "f1": 0.9, "running_time_ms": 80}], satisficing={"running_time_ms": {"max": 50}}),
    dict(candidates=[{"name": "A", "accuracy": 0.90}, {"name": "B", "accuracy": 0.91}], dev_size=100),
    dict(candidates=[{"name": "A", "errors_by_class": {"porn": 0.02}}], class_weights={"porn": 10}),
    dict(dev_distribution="US", test_distribution="India", production_distribution="India"),
    dict(train_size=600_000, dev_size=200_000, test_size=200_000),
    dict(target_examples=10_000, other_distribution_examples=200_000),
    dict(error_analysis={"examined": 100, "categories": {"blurry": 40}, "mislabeled": 30}, dev_error=0.02),
    dict(error_analysis={"examined": 100, "categories": {"dogs": 50}}),
    dict(train_label_errors="random"), dict(train_label_errors="systematic"),
    dict(task_a_examples=1_000_000, task_b_examples=100, same_input_type=True, low_level_features_shared=True),
    dict(tasks={"a": 1000, "b": 1000}, low_level_features_shared=True, can_train_big_network=True),
    dict(tasks={"a": 1000, "b": 1000}, low_level_features_shared=True, can_train_big_network=False),
    dict(end_to_end_examples=1_000, stage_examples={"a": 100_000}, stages_simpler=True),
    dict(end_to_end_examples=1_000_000),
    dict(stage_examples={"a": 100_000}),
    dict(train_curve=[1.0, 0.8, 0.6, 0.5, 0.4], dev_curve=[1.1, 0.9, 0.7, 0.6, 0.5]),
    dict(train_curve=[1.0, 0.6, 0.4, 0.3, 0.2], dev_curve=[1.0, 0.7, 0.5, 0.6, 0.7]),
    dict(train_curve=[1.0, 0.9, 0.85, 0.85, 0.85, 0.85]),
    dict(train_curve=[1.0, 0.6]),  # too short to tell
    dict(train_curve=[1.0, 0.5, 0.6, 0.4, 0.55, 0.45]),  # too noisy to tell
    dict(train_curve=[0.5, 0.005, 0.001, 0.001, 0.001], dev_curve=[0.5, 0.004, 0.002, 0.001, 0.001]),  # too good
    dict(dev_curve=[0.9, 0.7, 0.6, 0.5, 0.45]), dict(dev_curve=[0.9, 0.6, 0.5, 0.6, 0.7]),  # dev only
    # the edges: contradictory facts, targets, doing well, questions that settle decisions
    dict(human_error=0.01, train_error=0.10, dev_error=0.05),
    dict(human_error=0.01, train_error=0.10, train_dev_error=0.05, dev_error=0.12),
    dict(human_error=0.04, train_error=0.07, train_dev_error=0.10, dev_error=0.06),
    dict(human_error=0.01, train_error=0.02, dev_error=0.06, test_error=0.03),
    dict(bayes_error=0.03, human_error=0.01, train_error=0.02, dev_error=0.06),
    dict(human_error=0.01, train_error=0.02, dev_error=0.03, dev_size=0),
    dict(human_error=0.01, train_error=0.02, dev_error=0.03, target_error=0.05),
    dict(human_error=0.01, train_error=0.02, dev_error=0.03, dev_size=100, target_error=0.05),
    dict(human_error=0.0, train_error=0.005, dev_error=0.01),
    dict(human_error=0.01, train_error=0.05, dev_error=0.09, dev_size=300),
    dict(human_error=0.01, train_error=0.01, train_dev_error=0.05, dev_error=0.09, train_dev_size=100, dev_size=100),
    dict(task_a_examples=1_000_000, task_b_examples=1_000),
    dict(tasks={"cars": 50000, "signs": 50000}),
    dict(production_distribution="phone"),
    dict(candidates=[{"name": "A", "f1": 0.9, "running_time_ms": 80}, {"name": "B", "f1": 0.92, "running_time_ms": 95}]),
    dict(candidates=[{"name": "A", "accuracy": 0.90}, {"name": "B", "accuracy": 0.91}]),
    dict(human_error=0.01, train_error=0.08, dev_error=0.12, train_size=100_000, dev_size=100_000),
]

NOT_YET_ENCODED: set[str] = set()


def test_every_rule_is_well_formed():
    assert len({rule.id for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.section in SECTIONS, rule.id
        assert rule.title and rule.because, rule.id


def test_every_course_section_is_encoded():
    assert {rule.section for rule in RULES} == set(SECTIONS)


def test_every_rule_fires_in_some_situation():
    fired = set()
    for facts in SCENARIOS:
        fired |= {firing.rule for firing in mls.advise(**facts).trace.firings}
    assert {rule.id for rule in RULES} - fired == set()


def test_every_catalogued_conclusion_is_reachable():
    concluded = set()
    for facts in SCENARIOS:
        advice = mls.advise(**facts)
        concluded |= {d.name for d in advice.diagnoses} | {a.name for a in advice.actions}
    assert (set(DIAGNOSES) | set(ACTIONS)) - concluded == NOT_YET_ENCODED


def test_every_concluded_name_is_catalogued():
    for rule in RULES:
        for conclusion in rule.then:
            if isinstance(conclusion, Diagnose):
                assert conclusion.name in DIAGNOSES, rule.id
            if isinstance(conclusion, Recommend):
                assert conclusion.action in ACTIONS, rule.id
                assert set(conclusion.addresses) <= set(DIAGNOSES), rule.id
