"""The flight simulator: every rule reachable by the case generator, answers from advise(), explanations that hold."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import ROOT
from mlstrategy import advise
from mlstrategy.knowledge.dsl import AnyOf, Known
from mlstrategy.cases import DIFFICULTIES, fired, generate, input_closure
from mlstrategy.cli import main
from mlstrategy.consult import default_engine
from mlstrategy.inference.evaluate import holds
from mlstrategy.inference.formatting import percent
from mlstrategy.knowledge import RULES
from mlstrategy.knowledge.dsl import AllOf
from mlstrategy.practice import Case, Question, cases, make_case, play

UNREACHABLE: dict[str, str] = {}
"""Rules the generator cannot reach by construction, each with the reason (none today; keep this list short)."""


def _atoms(condition: Any) -> list[Any]:
    """The atoms a why-not failure can name: the parts of an all_of, recursively; an any_of is one atom."""
    if isinstance(condition, AllOf):
        return [atom for part in condition.parts for atom in _atoms(part)]
    return [condition]


def _snapshot(advice, rule_id: str) -> dict[str, Any]:
    stratum = default_engine().knowledge.strata[rule_id]
    snapshots = advice.trace.snapshots
    return snapshots[stratum] if stratum < len(snapshots) else advice.trace.facts


def _failed_atom_exists(rule, snapshot, failure) -> bool:
    """A why-not failure names a condition of the rule that really is false in the snapshot the rule saw."""
    return any(tuple(dict.fromkeys(atom.fields())) == failure.fields and not holds(atom, snapshot)
               for atom in _atoms(rule.when))


# ---------------------------------------------------------------- the generator, over every rule
@pytest.mark.parametrize("rule", [r for r in RULES if r.id not in UNREACHABLE], ids=lambda r: r.id)
def test_every_rule_fires_in_a_generated_situation_and_fails_in_a_near_one(rule):
    firing = generate(rule.id, seed=0)
    assert fired(advise(firing.facts), rule.id)  # verified again from the facts alone
    missing = generate(rule.id, seed=0, fires=False)
    advice = advise(missing.facts)
    assert not fired(advice, rule.id)
    # the near miss stays close: it still states some input the rule depends on, unless the rule reads only one
    closure = set(input_closure(rule))
    # (a rule that needs only one of several inputs given, any_of(known(a), known(b)), misses only without them all)
    only_presence = isinstance(rule.when, AnyOf) and all(isinstance(part, Known) for part in rule.when.parts)
    assert closure & set(missing.facts) or len(closure) <= 1 or only_presence
    snapshot = _snapshot(advice, rule.id)
    for field in rule.concludes():
        kind, _, name = field.partition(":")
        if field.endswith(":*") or kind not in ("diagnosis", "action") or advice.trace.facts.get(field) is not None:
            continue
        check = next(c for c in advice.why_not(name, kind=kind).checks if c.rule == rule.id)
        assert check.failures, (rule.id, name)
        for failure in check.failures:
            assert _failed_atom_exists(rule, snapshot, failure), (rule.id, str(failure))


def test_the_unreachable_list_is_short_and_names_real_rules():
    ids = {rule.id for rule in RULES}
    assert len(UNREACHABLE) <= 3 and set(UNREACHABLE) <= ids and all(UNREACHABLE.values())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule=st.sampled_from(RULES), seed=st.integers(0, 10_000), fires=st.booleans())
def test_generated_situations_are_deterministic_for_a_seed(rule, seed, fires):
    first = generate(rule.id, seed=seed, fires=fires)
    second = generate(rule.id, seed=seed, fires=fires)
    assert first.facts == second.facts and first.project == second.project
    assert fired(first.advice, rule.id) is fires


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_difficulty_levels_follow_the_hard_features(difficulty):
    found = generate("bias.worth_acting_on", seed=2, difficulty=difficulty)
    from mlstrategy.cases import hard_features

    features = hard_features(found.advice)
    assert len(features) == {"easy": 0, "medium": 1}.get(difficulty, max(2, len(features)))


def test_a_hard_case_is_hard_for_the_reasons_the_course_gives():
    found = generate("variance.worth_acting_on", seed=4, difficulty="hard")
    from mlstrategy.cases import hard_features

    assert set(hard_features(found.advice)) <= {"near-tie", "past human level", "small sets", "mismatched distributions"}
    assert len(hard_features(found.advice)) >= 2


# ---------------------------------------------------------------- questions
SESSION = cases(seed=11, count=10)


def _accepted_from_fresh_advice(question: Question, facts: dict[str, Any]) -> set[str]:
    """What advise() itself concludes for the question, computed here independently of the question."""
    fresh = advise(facts)
    if question.kind == "primary":
        return {fresh.primary_problem}
    if question.kind == "first_action":
        return {fresh.actions[0].name}
    if question.kind == "measure":
        return {fresh.missing[0].name}
    if question.kind == "candidate":
        return {fresh.values.get("selected_candidate") or "none of them"}
    if question.kind == "shows":
        return {d.name for d in fresh.diagnoses} & {c.name for c in question.choices}
    if question.kind == "recommend":
        return {a.name for a in fresh.actions} & {c.name for c in question.choices}
    raise AssertionError(question.kind)


def test_a_session_spans_the_course_with_one_to_three_questions_per_case():
    assert len(SESSION) == 10
    assert len({case.section for case in SESSION}) >= 8
    assert all(1 <= len(case.questions) <= 3 for case in SESSION)
    assert {q.kind for case in SESSION for q in case.questions} >= {"primary", "first_action"}


@pytest.mark.parametrize("case", SESSION, ids=lambda c: c.rule)
def test_every_accepted_answer_is_what_advise_concludes_and_distractors_did_not_hold(case: Case):
    fresh = advise(case.facts)
    knowledge = default_engine().knowledge
    for question in case.questions:
        assert question.accepted == _accepted_from_fresh_advice(question, dict(case.facts))
        assert question.check(next(iter(question.accepted))).correct
        for choice in question.choices:
            if choice.name in question.accepted:
                continue
            assert not question.check(choice.key).correct
            if choice.kind in ("diagnosis", "action"):
                why_not = fresh.why_not(choice.name, kind=choice.kind)
                assert not why_not.concluded and why_not.nearest.failures
                rule = knowledge.rule(why_not.nearest.rule)
                snapshot = _snapshot(fresh, rule.id)
                assert all(_failed_atom_exists(rule, snapshot, f) for f in why_not.nearest.failures)
                assert why_not.nearest.rule in question.explanations[choice.name]
            elif choice.kind == "measure":
                assert choice.name not in {m.name for m in fresh.missing} and choice.name not in case.facts


def _leaves(name: str, value: Any) -> list[str]:
    """The pieces of a fact a reader must find in the story: names, counts and rates, formatted as shown."""
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, float) and (name.endswith(("_error", "_errors")) or name in ("precision", "recall", "accuracy")
                                     or 0 <= value <= 1):
        return [percent(value)]
    if isinstance(value, int):
        return [f"{value:,}"]
    if isinstance(value, float):
        return [f"{value:g}"]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [piece for key, item in value.items() for piece in
                ([key] if key not in ("examined", "categories", "mislabeled", "name", "max", "min") else []) +
                _leaves(key if name != "human_errors" else "human_errors", item)]
    if isinstance(value, list):
        return [piece for item in value for piece in _leaves(name, item)]
    raise AssertionError((name, value))


@pytest.mark.parametrize("case", SESSION, ids=lambda c: c.rule)
def test_the_story_names_every_fact_the_questions_depend_on(case: Case):
    fresh = advise(case.facts)
    depends: set[str] = set()
    for question in case.questions:
        for choice in question.choices:
            if choice.kind in ("diagnosis", "action") and choice.name in question.accepted:
                depends |= fresh.why(choice.name, kind=choice.kind).inputs()
            elif choice.kind in ("diagnosis", "action"):
                depends |= {f for failure in fresh.why_not(choice.name, kind=choice.kind).nearest.failures
                            for f in failure.fields if f in case.facts}
            elif choice.kind == "candidate":
                depends.add("candidates")
    assert depends <= set(case.facts)
    for name in depends:
        for piece in _leaves(name, case.facts[name]):
            assert piece in case.story, (name, piece)


def test_cases_are_deterministic_for_a_seed_and_differ_between_seeds():
    again = cases(seed=11, count=10)
    assert [c.to_dict() for c in again] == [c.to_dict() for c in SESSION]
    assert [c.to_dict() for c in cases(seed=12, count=3)] != [c.to_dict() for c in SESSION[:3]]


def test_a_section_gives_cases_of_that_section_only():
    chosen = cases(section="error analysis", seed=1, count=4)
    assert len(chosen) == 4 and {case.section for case in chosen} == {"Carrying out error analysis"}


def test_an_unknown_section_is_refused_with_the_closest_heading():
    with pytest.raises(ValueError, match="Carrying out error analysis"):
        cases(section="Carrying out eror analysis")


def test_make_case_prefers_a_situation_where_the_rule_decides_an_answer():
    case = make_case("bias.worth_acting_on", seed=0)
    assert any(q.kind == "primary" and q.accepted == {"avoidable_bias"} for q in case.questions)


# ---------------------------------------------------------------- a scripted session
def _script(session: list[Case]) -> tuple[list[str], int, dict[str, list[int]]]:
    """Answers: right for the first question of each case, wrong for the others (plus one skip)."""
    answers, right, by_section = [], 0, {}
    for case in session:
        for index, question in enumerate(case.questions):
            good = next(c.key for c in question.choices if c.name in question.accepted)
            bad = next(c.key for c in question.choices if c.name not in question.accepted)
            reply = good if index == 0 else ("skip" if index == 2 else bad)
            answers.append(reply)
            right += reply == good
            tally = by_section.setdefault(question.section, [0, 0])
            tally[0] += reply == good
            tally[1] += 1
    return answers, right, by_section


def test_a_scripted_session_gives_the_expected_score_and_explanations():
    session = cases(seed=5, count=4)
    answers, right, by_section = _script(session)
    replies = iter(["nonsense"] + answers)  # an invalid reply is explained and asked again
    lines: list[str] = []
    transcript = play(session, ask=lambda prompt: next(replies), out=lines.append)
    text = "\n".join(lines)
    assert transcript.right == right and len(transcript.entries) == len(answers)
    assert {s: list(t) for s, t in transcript.by_section().items()} == by_section
    assert "'nonsense' is not one of the choices" in text
    assert text.count("Right: ") == right and "Not " in text and "Why not: [" in text and "Why: [" in text
    assert f"Score: {right} of {len(answers)}" in text
    assert set(transcript.review()) == {s for s, (r, a) in by_section.items() if r < a}


def test_quit_stops_and_scores_what_was_answered():
    session = cases(seed=5, count=2)
    replies = iter([next(c.key for c in session[0].questions[0].choices if c.name in session[0].questions[0].accepted),
                    "quit"])
    transcript = play(session, ask=lambda prompt: next(replies), out=lambda *a: None)
    assert transcript.stopped and transcript.right == 1 and len(transcript.entries) == 1


def test_mlstrategy_practice_json_transcript_from_stdin(monkeypatch, capsys):
    session = cases(seed=9, count=3)
    answers, right, by_section = _script(session)
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(answers) + "\n"))
    assert main(["practice", "--seed", "9", "--count", "3", "--format", "json"]) == 0
    transcript = json.loads(capsys.readouterr().out)
    assert transcript["score"]["right"] == right and transcript["score"]["asked"] == len(answers)
    assert {s: [v["right"], v["asked"]] for s, v in transcript["score"]["by_section"].items()} == by_section
    assert [c["rule"] for c in transcript["cases"]] == [c.rule for c in session]
    first = transcript["cases"][0]["questions"][0]
    assert first["correct"] and first["answer"] in first["accepted"] and first["explanation"].startswith("Right")


def test_mlstrategy_practice_from_a_piped_script():
    session = cases(seed=3, count=2)
    answers, right, _ = _script(session)
    result = subprocess.run([sys.executable, "-m", "mlstrategy.cli", "practice", "--seed", "3", "--count", "2"],
                            input="\n".join(answers) + "\n", capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert session[0].story.splitlines()[0] in result.stdout
    assert f"Score: {right} of {len(answers)}" in result.stdout and "Sections to review:" in result.stdout


def test_mlstrategy_practice_refuses_an_unknown_section(capsys):
    assert main(["practice", "--section", "Transfer lerning", "--seed", "1"]) == 2
    assert "did you mean 'Transfer learning'" in capsys.readouterr().err


def test_the_readme_practice_example_runs(capsys):
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Practise", 1)[1]
    code = section.split("```python", 1)[1].split("```", 1)[0]
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "Error analysis:" in out and ("Right: " in out or "Not " in out)


def test_a_new_rule_gets_situations_without_new_code():
    from mlstrategy.inference.engine import Engine
    from mlstrategy.knowledge.dsl import Recommend, Rule, all_of, ge, gt, lt, times

    rule = Rule(id="practice_test.dev_far_above_train", section="Avoidable bias",
                when=all_of(gt("dev_error", times("train_error", 2)), ge("dev_size", 1_000),
                            lt("variance", 0.5)),
                then=(Recommend("look_at_dev_examples"),), because="Dev error {dev_error} is over twice {train_error}.")
    engine = Engine(RULES + (rule,))
    firing = generate(rule.id, seed=3, engine=engine)
    assert fired(advise(firing.facts, engine=engine), rule.id)
    facts = firing.facts
    assert facts["dev_error"] > 2 * facts["train_error"] and facts["dev_size"] >= 1_000
    missing = generate(rule.id, seed=3, fires=False, engine=engine)
    assert not fired(advise(missing.facts, engine=engine), rule.id)


def test_every_input_can_be_drawn_and_is_valid():
    from random import Random

    from mlstrategy import Situation
    from mlstrategy.cases import draw
    from mlstrategy.knowledge.stories import PROJECTS

    rng = Random(0)
    for project in PROJECTS:
        draft: dict[str, Any] = {"_hard": False}
        for name in Situation.model_fields:
            value = draw(name, rng, draft, project)
            assert value is not None, name
            draft[name] = value
        Situation(**{k: v for k, v in draft.items() if not k.startswith("_")})


def test_a_json_transcript_lists_unanswered_questions_too(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["practice", "--seed", "9", "--count", "2", "--format", "json"]) == 0
    transcript = json.loads(capsys.readouterr().out)
    assert transcript["stopped"] and transcript["score"]["asked"] == 0 and len(transcript["cases"]) == 2
    assert all(not q["answered"] and q["answer"] is None for c in transcript["cases"] for q in c["questions"])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule=st.sampled_from(RULES), seed=st.integers(0, 10_000))
def test_any_case_answers_as_advise_does(rule, seed):
    case = make_case(rule.id, seed)
    if case is None:  # no question can be asked about this situation (rare): nothing to grade
        return
    for question in case.questions:
        assert question.accepted == _accepted_from_fresh_advice(question, dict(case.facts))
        assert not {c.name for c in question.choices if c.kind != "candidate"} - set(question.explanations)
