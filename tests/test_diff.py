"""Before and after: Advice.compare and `mlstrategy diff` (teams run the advice after each iteration)."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings

import mlstrategy as mls
from mlstrategy.cli import main
from mlstrategy.knowledge.gaps import GAPS

from strategies import error_situations

BEFORE = {"human_error": 0.01, "train_error": 0.08, "dev_error": 0.10}
AFTER = {"human_error": 0.01, "train_error": 0.015, "dev_error": 0.09}


def advise(facts: dict) -> mls.Advice:
    return mls.advise(**{k: v for k, v in facts.items() if v is not None})


def test_fixing_bias_closes_it_and_variance_becomes_the_problem():
    change = mls.advise(**BEFORE).compare(mls.advise(**AFTER))
    assert change.primary_before == "avoidable_bias" and change.primary_after == "variance" and change.primary_changed
    assert change.gaps_closed == ["avoidable_bias"] and change.gaps_opened == ["variance"]
    assert {g.name: (g.before, g.after) for g in change.gaps} == {"avoidable_bias": (0.07, 0.005),
                                                                  "variance": (0.02, 0.075)}
    assert "bigger_model" in change.actions_done and "more_data" in change.actions_new
    text = str(change)
    assert "Primary problem: avoidable_bias → variance" in text and "avoidable bias: 7% → 0.5% (closed)" in text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(error_situations(), error_situations())
def test_diff_of_an_advice_with_itself_is_empty_and_names_every_gap_that_differs(a, b):
    first, second = advise(a), advise(b)
    same = first.compare(advise(a))
    assert not same and same.gaps == () and "No change" in str(same)
    differ = {name for name in GAPS if first.values.get(name) != second.values.get(name)}
    change = first.compare(second)
    assert {gap.name for gap in change.gaps} == differ
    assert bool(change) == (outcome(first) != outcome(second))  # a change is reported exactly where one is
    if differ:
        assert all(field_title_or_name(name) in str(change) for name in differ)


def outcome(advice: mls.Advice) -> tuple:
    return (advice.primary_problem, sorted(d.name for d in advice.diagnoses), sorted(a.name for a in advice.actions),
            advice.values)


def field_title_or_name(name: str) -> str:
    from mlstrategy.inference.formatting import field_title

    return field_title(name)


def test_the_diff_command(tmp_path, capsys):
    before, after = tmp_path / "before.yaml", tmp_path / "after.yaml"
    before.write_text("human_error: 1%\ntrain_error: 8%\ndev_error: 10%\n", encoding="utf-8")
    after.write_text("human_error: 1%\ntrain_error: 1.5%\ndev_error: 9%\n", encoding="utf-8")
    assert main(["diff", str(before), str(after)]) == 0
    out = capsys.readouterr().out
    assert "avoidable_bias → variance" in out and "(closed)" in out
    assert main(["diff", str(before), str(before), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["gaps"] == [] and data["primary_changed"] is False
    assert main(["diff", str(before), str(tmp_path / "missing.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") <= 3 and "Traceback" not in err
