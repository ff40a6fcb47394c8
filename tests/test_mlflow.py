"""Facts from a real MLflow run, logged to a tracking store under tmp_path and read back (no mocks).

Needs `mlflow-skinny` (the `mlflow` extra). Without it these tests skip, except under CI (CI set), where a
missing MLflow is a failure: CI must test the adapter, not skip it.
"""
from __future__ import annotations

import importlib
import os
import sys

import pytest
from pydantic import ValidationError

from mlstrategy import Situation, advise
from mlstrategy.adapters.mlflow import situation_from_mlflow

UNDER_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture
def tracking_uri(tmp_path, monkeypatch) -> str:
    """A fresh file-backed tracking store. mlflow-skinny has no SQL store (that needs the full mlflow's
    SQLAlchemy and Alembic), and MLflow 3 refuses the file store unless MLFLOW_ALLOW_FILE_STORE is set."""
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    monkeypatch.setenv("DO_NOT_TRACK", "true")
    try:
        importlib.import_module("mlflow")
    except ImportError:
        if UNDER_CI:
            pytest.fail("mlflow is not installed under CI: pip install -e '.[mlflow]'")
        pytest.skip("mlflow is not installed (pip install 'mlstrategy[mlflow]')")
    return (tmp_path / "mlruns").as_uri()  # file:///...


def log_run(uri: str, metrics: dict[str, float | list[float]]) -> str:
    """Log a real run: a scalar is logged once, a list once per step. Returns the run id."""
    from mlflow.tracking import MlflowClient

    client = MlflowClient(uri)
    experiment = client.create_experiment("mlstrategy-tests")
    run_id = client.create_run(experiment).info.run_id
    for name, value in metrics.items():
        for step, point in enumerate(value if isinstance(value, list) else [value]):
            client.log_metric(run_id, name, point, step=step)
    client.set_terminated(run_id)
    return run_id


def test_errors_accuracies_and_loss_curves_become_facts(tracking_uri):
    run_id = log_run(tracking_uri, {
        "train_acc": [0.70, 0.88, 0.92],  # the latest value counts: train error 8%
        "val_accuracy": 0.90,
        "loss": [1.0, 0.6, 0.4],
        "val_loss": [1.2, 0.9, 0.8],
        "learning_rate": 0.001,  # not a fact: ignored
    })
    situation = situation_from_mlflow(run_id, tracking_uri=tracking_uri, human_error="1%")
    assert situation.given() == {
        "human_error": 0.01, "train_error": 0.08, "dev_error": 0.1,
        "train_curve": [1.0, 0.6, 0.4], "dev_curve": [1.2, 0.9, 0.8],
    }
    advice = advise(situation)  # curves still falling: an unfinished model comes first, then its bias
    assert [d.name for d in advice.diagnoses][:2] == ["undertrained", "avoidable_bias"]


def test_logged_errors_win_over_accuracies_and_keywords_win_over_metrics(tracking_uri):
    run_id = log_run(tracking_uri, {"train_error": 0.01, "train_dev_error": 0.015, "val_error": 0.10,
                                    "val_acc": 0.5, "test_error": 0.11, "train_loss": [0.5, 0.3], "loss": [9.0, 9.0]})
    situation = Situation.from_mlflow(run_id, tracking_uri=tracking_uri, human_error=0.0, test_error="10.5%")
    assert (situation.train_error, situation.train_dev_error, situation.dev_error) == (0.01, 0.015, 0.10)
    assert situation.test_error == 0.105 and situation.train_curve == [0.5, 0.3]
    diagnoses = [d.name for d in advise(situation).diagnoses]  # two points of a curve: too short to judge
    assert diagnoses[0] == "data_mismatch" and "curve_too_short" in diagnoses and "undertrained" not in diagnoses


def test_metric_names_override_the_defaults(tracking_uri):
    run_id = log_run(tracking_uri, {"holdout_err": 0.12, "fit_err": 0.02, "val_error": 0.5, "eval_acc": 0.8,
                                    "nll": [3.0, 2.0, 1.5], "val_loss": [3.0, 2.5]})
    situation = situation_from_mlflow(
        run_id, {"dev_error": "holdout_err", "train_error": "fit_err", "test_accuracy": "eval_acc",
                 "train_curve": "nll", "dev_curve": None},
        tracking_uri,
    )
    assert situation.given() == {"train_error": 0.02, "dev_error": 0.12, "test_error": 0.2, "train_curve": [3.0, 2.0, 1.5]}


def test_an_unknown_run_is_a_clear_error(tracking_uri):
    log_run(tracking_uri, {"val_error": 0.1})
    with pytest.raises(LookupError, match="no MLflow run 'not-a-run-id'"):
        situation_from_mlflow("not-a-run-id", tracking_uri=tracking_uri)
    with pytest.raises(LookupError, match="no MLflow run '0123456789abcdef0123456789abcdef' in the tracking store file:"):
        situation_from_mlflow("0123456789abcdef0123456789abcdef", tracking_uri=tracking_uri)


def test_a_named_metric_the_run_lacks_and_a_misspelt_fact_are_clear_errors(tracking_uri):
    run_id = log_run(tracking_uri, {"val_loss": [1.0, 0.9]})
    with pytest.raises(LookupError, match="has no metric 'val_los' .*did you mean 'val_loss'"):
        situation_from_mlflow(run_id, {"dev_curve": "val_los"}, tracking_uri)
    with pytest.raises(ValueError, match="did you mean 'dev_error'"):
        situation_from_mlflow(run_id, {"dev_eror": "val_loss"}, tracking_uri)


def test_values_that_are_not_facts_are_validation_errors(tracking_uri):
    run_id = log_run(tracking_uri, {"val_accuracy": 92.5})  # a percentage logged as a number
    with pytest.raises(ValidationError, match=r"Did you mean 92.5% = 0.925\?"):
        situation_from_mlflow(run_id, tracking_uri=tracking_uri)


def test_without_mlflow_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow", None)  # `import mlflow` now raises ImportError
    monkeypatch.setitem(sys.modules, "mlflow.tracking", None)
    with pytest.raises(ImportError, match=r"pip install 'mlstrategy\[mlflow\]'"):
        situation_from_mlflow("any-run")
