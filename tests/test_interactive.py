"""The interactive consultation: questions most decisive first, each at most once, answers validated."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT
from mlstrategy import Situation, advise
from mlstrategy.cli import main
from mlstrategy.interactive import MAX_REPLIES, answer_hint, consult

START = {"train_error": "8%", "dev_error": "10%"}  # no verdict until a human level says how much bias is avoidable


def questions(**facts) -> list[str]:
    """The prompts the knowledge base would ask for these facts, in its order."""
    return [f"{item.name}? " for item in advise(**facts).missing]


class Script:
    """A scripted user: answers in order, EOF when they run out; records every prompt and every line printed."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []
        self.lines: list[str] = []

    def ask(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)

    def out(self, *args: object) -> None:
        self.lines.append(" ".join(str(arg) for arg in args))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def run(situation, *answers: str, settings=None) -> tuple:
    user = Script(*answers)
    return consult(situation, settings, ask=user.ask, out=user.out), user


def test_the_most_decisive_fact_is_asked_first_and_an_answer_changes_the_advice():
    assert advise(**START).primary_problem is None  # avoidable bias could be up to 8%: variance 2% is not yet a verdict
    advice, user = run(START, "1%", "done")
    assert user.prompts == ["human_error? ", questions(**START, human_error="1%")[0]]
    assert advice.situation.human_error == 0.01
    assert advice.primary_problem == "avoidable_bias" and advice.actions[0].name == "bigger_model"
    assert "-> primary problem now: avoidable_bias" in user.text


def test_why_names_the_rules_that_need_the_fact_and_what_it_decides():
    _, user = run(START, "why", "done")
    question = advise(**START).missing[0]
    assert question.name == "human_error"
    assert question.why in user.text
    assert "[human.ask_human_error] Ask for a human-level error" in user.text
    assert user.prompts == ["human_error? ", "human_error? "]  # 'why' asks the same question again


def test_an_invalid_value_is_explained_and_asked_again():
    advice, user = run(START, "8", "1%", "done")
    assert "invalid human_error: must be a fraction in [0, 1]; got 8. Did you mean 8% = 0.08?" in user.text
    assert user.prompts[:2] == ["human_error? ", "human_error? "]
    assert advice.situation.human_error == 0.01


def test_a_skipped_fact_is_never_asked_again():
    advice, user = run(START, "skip", "skip", "skip", "skip", "skip")
    assert user.prompts == questions(**START) and len(user.prompts) >= 3
    assert advice.situation == Situation.from_any(START)
    assert [f"{m.name}? " for m in advice.missing] == user.prompts  # skipped, so still missing


def test_each_fact_is_asked_at_most_once_whatever_the_answers():
    known = {"human_error": "1%", "train_dev_error": "8.5%", "dev_size": "5000", "test_error": "11%"}
    prompts: list[str] = []

    def ask(prompt: str) -> str:  # answers by name, whatever the order; skips anything else
        prompts.append(prompt)
        return known.get(prompt.removesuffix("? "), "skip")

    advice = consult(START, ask=ask, out=lambda *args: None)
    assert len(prompts) == len(set(prompts)) and {"human_error? ", "train_dev_error? "} <= set(prompts)
    assert advice.situation.human_error == 0.01 and advice.situation.train_dev_error == 0.085
    assert all(item.name not in known for item in advice.missing)
    assert advice.primary_problem == advise(advice.situation).primary_problem


def test_end_of_input_stops_asking_and_gives_the_advice_so_far():
    advice, user = run(START)
    assert user.prompts == ["human_error? "]
    assert advice.primary_problem is None and advice.missing[0].name == "human_error"
    assert str(advice) in user.text


def test_replies_per_question_are_bounded():
    advice, user = run(START, *["nonsense"] * MAX_REPLIES, "done")
    assert user.prompts.count("human_error? ") == MAX_REPLIES
    assert "skipping human_error" in user.text and advice.situation.human_error is None


def test_the_end_shows_the_advice_and_how_the_first_actions_were_concluded():
    advice, user = run({**START, "human_error": "1%"}, "done")
    assert str(advice) in user.text
    assert "How was bigger_model concluded?" in user.text
    assert str(advice.why("bigger_model", kind="action")) in user.text
    assert "How was train_longer concluded?" not in user.text  # same chain as bigger_model: explained once


def test_settings_are_applied_and_a_complete_situation_asks_nothing():
    advice, user = run({"human_error": "1%", "train_error": "8%", "dev_error": "10%", "train_dev_error": "9%",
                        "dev_size": 10_000, "test_error": "10%"}, settings={"secondary_gap_ratio": 0.25})
    assert user.prompts == [] and advice.settings.secondary_gap_ratio == 0.25
    _, empty = run(None, "done")  # with nothing known, the first measurement of the chain is asked first
    assert empty.prompts == ["train_error? "]


@pytest.mark.parametrize("name, form", [
    ("human_error", "a fraction or a percentage"), ("dev_size", "a whole number"), ("structured_data", "yes or no"),
    ("train_label_errors", "one of random, systematic"), ("human_errors", "a mapping"), ("tracked_metrics", "a list"),
    ("confusion_matrix", "a mapping of tp, fp, fn, tn"), ("train_distribution", "a label"),
])
def test_each_question_has_a_one_line_hint(name, form):
    hint = answer_hint(name)
    assert form in hint and Situation.model_fields[name].description in hint and "\n" not in hint


def test_mlstrategy_consult_from_a_piped_script():
    script = "why\n8\n1%\nskip\n"  # then EOF: stop asking
    done = subprocess.run(
        [sys.executable, "-m", "mlstrategy.cli", "consult", "--train-error", "8%", "--dev-error", "10%"],
        input=script, capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    second, third = questions(**START, human_error="1%")[:2]
    assert "[human.ask_human_error]" in out  # why
    assert "human_error? 8" in out and "Did you mean 8% = 0.08?" in out  # invalid, then asked again
    assert "human_error? 1%" in out and "-> primary problem now: avoidable_bias" in out
    assert f"{second}skip" in out and out.count(second) == 1  # skipped, never asked again
    assert out.count(third) == 1  # asked, then EOF: no more questions
    assert "Primary problem: avoidable_bias" in out and "Given: human-level error 1%" in out
    assert "How was bigger_model concluded?" in out


def test_mlstrategy_consult_rejects_invalid_facts_before_asking(capsys):
    assert main(["consult", "--dev-error", "800%"]) == 2
    assert "invalid input" in capsys.readouterr().err


def test_back_undoes_the_last_answer_and_asks_it_again():
    advice, user = run(START, "1%", "back", "2%", "done")
    assert user.prompts[:3] == ["human_error? ", questions(**START, human_error="1%")[0], "human_error? "]
    assert advice.situation.human_error == 0.02
    assert "<- back to human_error" in user.text


def test_back_with_nothing_answered_says_so():
    advice, user = run(START, "back", "done")
    assert "(nothing to go back to)" in user.text and advice.situation.human_error is None


def test_set_gives_a_fact_that_was_not_asked_and_the_question_stays_open():
    advice, user = run(START, "set dev_size 5000", "set dev-sise 1", "set test_error=12%", "1%", "done")
    assert advice.situation.dev_size == 5000 and advice.situation.test_error == 0.12
    assert advice.situation.human_error == 0.01  # the question in hand was asked again and answered
    assert "no fact is called 'dev_sise' (did you mean 'dev_size'?)" in user.text
    assert user.prompts[:4] == ["human_error? "] * 4
