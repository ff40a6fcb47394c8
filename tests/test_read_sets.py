"""Read sets are checked, not trusted: every `compute`, `params` and `detail` function reads only what its rule declares.

An explanation names exactly the facts a rule read (DESIGN: read sets), and those come from the rule's
declaration (`Value(..., reads=...)`, `Recommend(..., reads=...)`, its conditions and its rationale). A
function that looks at a fact it did not declare leaves a real premise out of the explanation graph. Here
every function runs on a recording mapping over the course scenarios, the examples and the hypothesis
situations, and any read beyond the declaration fails.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Mapping

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import mlstrategy as mls
from mlstrategy.inference.engine import Engine, Trace
from mlstrategy.inference.plan import rationale
from mlstrategy.knowledge.dsl import Recommend, Rule, Value, Values, all_of, known, setting_field
from mlstrategy.knowledge.fields import family_of
from test_knowledge import SCENARIOS  # together they fire every rule of the knowledge base
from strategies import (
    candidate_situations, error_situations, measured_situations, settings_overrides, situations, tallies,
)

ROOT = Path(__file__).resolve().parent.parent


class Recording(Mapping[str, Any]):
    """A read-only view of the facts that remembers every key looked up (iterating counts as reading `*`)."""

    def __init__(self, facts: Mapping[str, Any]) -> None:
        self._facts = facts
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return self._facts[key]

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return key in self._facts

    def __iter__(self) -> Iterator[str]:
        self.read.add("*")
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)


def declared(rule: Rule) -> frozenset[str]:
    """What a rule may read: its read set, its settings, and what it concludes itself (e.g. a detail text that
    shows the chosen candidate: not a premise)."""
    return frozenset(rule.reads()) | {setting_field(name) for name in rule.settings()} | set(rule.concludes())


def undeclared(rule: Rule, reads: set[str]) -> set[str]:
    """The reads a rule's declaration does not cover (a family `f1:*` covers every `f1:<key>`)."""
    allowed = declared(rule)
    return {key for key in reads if key not in allowed and (family_of(key) or "") not in allowed}


def record_conclusions(trace: Trace, engine: Engine, into: dict[str, set[str]]) -> None:
    """Compute every fired rule's conclusions again on a Recording of the facts its stratum saw; reads land in
    `into` by rule id (the engine's own firing path is compiled closures: the same functions, called again)."""
    items = list(trace.facts.items())
    for firing in trace.firings:
        rule = engine.knowledge.rule(firing.rule)
        recorder = Recording(dict(items[:trace.sizes[firing.stratum]]))
        for conclusion in rule.then:
            if isinstance(conclusion, (Value, Values)):
                conclusion.compute(recorder)
            elif isinstance(conclusion, Recommend) and conclusion.params is not None:
                conclusion.params(recorder)
        into.setdefault(rule.id, set()).update(recorder.read)


def record_details(trace: Trace, engine: Engine, into: dict[str, set[str]]) -> None:
    """Render every fired rule's rationale (its detail function included) on a Recording of the final facts."""
    for firing in trace.firings:
        rule = engine.knowledge.rule(firing.rule)
        if rule.detail is not None:
            recorder = Recording(trace.facts)
            rationale(rule, recorder)
            into.setdefault(rule.id, set()).update(recorder.read)


def check(facts: Mapping[str, Any], overrides: Mapping[str, Any] | None = None) -> dict[str, set[str]]:
    """Consult on `facts` while recording; the undeclared reads by rule id (empty when all is declared)."""
    from mlstrategy.advisor import default_engine

    situation = mls.Situation.from_any(facts)
    engine = default_engine()
    reads: dict[str, set[str]] = {}
    trace = engine.consult(situation.given(), mls.Settings.from_any(overrides).as_fields())
    record_conclusions(trace, engine, reads)
    record_details(trace, engine, reads)
    found = {rule_id: undeclared(engine.knowledge.rule(rule_id), keys) for rule_id, keys in reads.items()}
    return {rule_id: keys for rule_id, keys in found.items() if keys}


COURSE_SCENARIOS: list[dict[str, Any]] = [
    {"human_error": 0.01, "train_error": 0.08, "dev_error": 0.10},
    {"human_error": 0.075, "train_error": 0.08, "dev_error": 0.10, "dev_size": 10_000, "train_size": 100_000},
    {"human_errors": {"typical": 0.03, "doctor": 0.01, "expert": 0.007, "team": 0.005}, "train_error": 0.007,
     "dev_error": 0.008},
    {"human_error": 0.005, "train_error": 0.01, "train_dev_error": 0.015, "dev_error": 0.10, "test_error": 0.105,
     "train_distribution": "web", "dev_distribution": "mobile", "test_distribution": "mobile"},
    {"candidates": [{"name": "A", "accuracy": 0.90, "running_time_ms": 80},
                    {"name": "B", "accuracy": 0.92, "running_time_ms": 95},
                    {"name": "C", "accuracy": 0.95, "running_time_ms": 1500}],
     "satisficing": {"running_time_ms": {"max": 100}}, "dev_size": 1_000},
    {"candidates": [{"name": "A", "precision": 0.95, "recall": 0.90}, {"name": "B", "precision": 0.98, "recall": 0.85}],
     "dev_size": 10_000, "maximize": ["recall"]},
    {"candidates": [{"name": "A", "error": 0.03, "errors_by_class": {"porn": 0.01}},
                    {"name": "B", "error": 0.05, "errors_by_class": {"porn": 0.002}}],
     "class_weights": {"porn": 10}, "dev_size": 5_000, "minimize": ["error"]},
    {"total_examples": 1_000_000, "train_size": 600_000, "dev_size": 200_000, "test_size": 200_000},
    {"train_size": 6_000, "dev_size": 2_000, "test_size": 2_000},
    {"target_examples": 10_000, "other_distribution_examples": 200_000},
    {"dev_error": 0.10, "error_analysis": {"examined": 100, "categories": {"dogs": 5, "great cats": 43, "blurry": 61},
                                           "mislabeled": 6}},
]


def example_files() -> list[Path]:
    return sorted([*(ROOT / "examples").glob("*.yaml"), *(ROOT / "mlstrategy" / "examples").glob("*.yaml")])


@pytest.mark.parametrize("facts", COURSE_SCENARIOS + SCENARIOS, ids=lambda facts: ",".join(sorted(facts))[:60])
def test_course_scenarios_read_only_what_their_rules_declare(facts: dict[str, Any]) -> None:
    assert check(facts) == {}


@pytest.mark.parametrize("path", example_files(), ids=lambda path: path.name)
def test_examples_read_only_what_their_rules_declare(path: Path) -> None:
    assert check(yaml.safe_load(path.read_text())) == {}


topic_situations = st.one_of(
    situations(), measured_situations(), candidate_situations(), error_situations(proxy=True),
    st.builds(lambda errors, tally: {**errors, "error_analysis": tally}, error_situations(), tallies()),
    # candidates beside set sizes and error levels: reads that cross topics
    st.builds(lambda measured, candidates: {**measured, **candidates}, measured_situations(), candidate_situations()),
)


@settings(max_examples=150, deadline=None)
@given(facts=topic_situations, overrides=settings_overrides)
def test_generated_situations_read_only_what_their_rules_declare(facts: dict[str, Any], overrides: dict) -> None:
    try:
        found = check(facts, overrides)
    except ValidationError:
        assume(False)  # a merged situation the fact base rejects (e.g. a size given twice differently)
        return
    assert found == {}


def test_an_undeclared_read_is_caught() -> None:
    """The check can fail: a rule whose function peeks at a fact it does not declare is named, with the fact."""
    sneaky = Rule(
        id="example.sneaky", section="Avoidable bias", when=all_of(known("train_error")),
        then=(Value("sneaky", lambda f: f["train_error"] + (f.get("dev_error") or 0), ("train_error",)),),
        because="train error {train_error}",
    )
    engine = Engine([sneaky])
    reads: dict[str, set[str]] = {}
    record_conclusions(engine.consult({"train_error": 0.1, "dev_error": 0.2}, {}), engine, reads)
    assert undeclared(sneaky, reads["example.sneaky"]) == {"dev_error"}
    assert undeclared(sneaky, {"train_error"}) == set()


def test_a_family_declaration_covers_its_members_only() -> None:
    rule = Rule(id="example.family", section="Avoidable bias", when=known("candidates"),
                then=(Value("best", lambda f: None, ("candidates", "f1:*")),), because="")
    assert undeclared(rule, {"f1:A", "f1:B", "candidates"}) == set()
    assert undeclared(rule, {"weighted_error:A", "*"}) == {"weighted_error:A", "*"}
