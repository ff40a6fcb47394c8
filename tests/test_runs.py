"""Sweeps are not histories: a run table gives one situation per run, and a summary of how the runs group."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import mlstrategy as mls
from mlstrategy import Situation
from mlstrategy.adapters.runs import run_table_kind

LOGS = Path(__file__).parent / "fixtures" / "logs"


def test_a_wandb_export_gives_one_situation_per_run_and_a_summary_of_the_sweep():
    runs = Situation.from_runs(LOGS / "wandb_runs.csv", human_error=0.01)
    assert len(runs) == 8 and runs.kind == "a W&B runs export"
    assert runs.names[0] == "fresh-sweep-1"
    assert (runs[0].train_error, runs[0].dev_error, runs[0].human_error) == (pytest.approx(0.01), pytest.approx(0.2), 0.01)
    assert runs.metric == "dev_error" and runs.best == "quiet-sweep-8"  # val_acc 0.90, the highest
    advices = mls.advise_many(runs)
    problems = [a.primary_problem for a in advices]
    assert problems[0] == "variance" and problems[3] == "avoidable_bias"  # 0.99/0.80 and 0.86/0.85
    summary = runs.summary(advices)
    assert f"{problems.count('variance')} of 8 show variance" in summary
    assert "best run by dev_error (lowest): 'quiet-sweep-8' (0.1)" in summary
    assert f"primary problem {problems[7]}" in summary and "1 not finished (crashed)" in summary


def test_an_mlflow_search_runs_table_strips_the_metrics_prefix():
    table = [{"run_id": f"r{i}", "experiment_id": "1", "status": "FINISHED", "metrics.train_accuracy": train,
              "metrics.val_accuracy": dev, "params.lr": str(lr), "tags.mlflow.runName": f"lr-{lr}"}
             for i, (train, dev, lr) in enumerate([(0.97, 0.80, 0.1), (0.88, 0.86, 0.01)])]
    runs = Situation.from_runs(table)
    assert runs.kind == "an MLflow search_runs table" and runs.names == ("lr-0.1", "lr-0.01")
    assert runs[1].dev_error == pytest.approx(0.14) and runs.best == "lr-0.01"


def test_an_optuna_trials_dataframe_ranks_by_its_objective_in_the_stated_direction():
    trials = [{"number": n, "value": v, "params_lr": lr, "user_attrs_val_acc": acc, "state": "COMPLETE"}
              for n, v, lr, acc in [(0, 0.71, 0.1, 0.70), (1, 0.83, 0.01, 0.82), (2, 0.79, 0.001, 0.80)]]
    maximized = Situation.from_runs(trials, metric="value", direction="maximize")
    assert maximized.best == "1" and maximized[1].dev_error == pytest.approx(0.18)
    assert Situation.from_runs(trials, metric="value").best == "0"  # Optuna minimizes by default
    with pytest.raises(ValidationError, match="metric='valu' names no column"):
        Situation.from_runs(trials, metric="valu")


def test_a_table_that_is_not_a_run_table_is_refused_with_a_pointer_to_history():
    with pytest.raises(ValidationError, match="not a run table .*--history"):
        Situation.from_runs(LOGS / "lightning_metrics.csv")


_HEADERS = {
    "wandb": ["Name", "State", "Created", "Runtime"],
    "mlflow": ["run_id", "status", "start_time"],
    "optuna": ["number", "value", "state", "duration"],
}


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(sorted(_HEADERS)), st.integers(2, 12),
       st.lists(st.sampled_from(["loss", "val_loss", "accuracy", "val_acc", "epoch", "step", "train_loss"]),
                min_size=1, max_size=4, unique=True), st.data())
def test_a_run_table_is_never_read_as_a_history(kind, count, metrics, data):
    prefix = {"wandb": "", "mlflow": "metrics.", "optuna": "user_attrs_"}[kind]
    rows = []
    for index in range(count):
        row = {name: (f"run-{index}" if name in ("Name", "run_id") else index if name == "number" else "finished")
               for name in _HEADERS[kind]}
        row.update({prefix + m: data.draw(st.floats(0.01, 0.99)) for m in metrics})
        if kind == "optuna":
            row["value"] = data.draw(st.floats(0, 1))
        rows.append(row)
    assert run_table_kind(list(rows[0])) is not None
    with pytest.raises(ValidationError, match="from_runs"):
        Situation.from_history(rows)
    assert len(Situation.from_runs(rows)) == count


def test_the_dataframes_mlflow_and_optuna_return_read_like_their_rows():
    pd = pytest.importorskip("pandas")
    trials = pd.DataFrame({
        "number": [0, 1], "value": [0.3, 0.2],
        "datetime_start": pd.to_datetime(["2026-12-01 10:00", "2026-12-01 10:05"]),
        "duration": pd.to_timedelta(["5min", "6min"]), "params_lr": [0.1, 0.01],
        "user_attrs_train_acc": [0.95, 0.9], "user_attrs_val_acc": [0.7, 0.8], "state": ["COMPLETE", "COMPLETE"]})
    runs = Situation.from_runs(trials)
    assert runs.kind == "an Optuna trials_dataframe" and runs.best == "1"
    assert [s.dev_error for s in runs] == [pytest.approx(0.3), pytest.approx(0.2)]
    assert list(runs) == list(Situation.from_runs(trials.to_dict("records")))
