"""Facts from an MLflow run: its latest error (or accuracy) metrics, and loss curves from metric history.

MLflow is optional: it is imported only when a run is read (`pip install 'mlstrategy[mlflow]'`, which
installs `mlflow-skinny`).

    situation = situation_from_mlflow("3f2a...", human_error="1%")
    situation = situation_from_mlflow("3f2a...", metric_names={"dev_error": "holdout_err"},
                                      tracking_uri="http://localhost:5000")
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from ..facts import Situation, parse_fraction, suggest

if TYPE_CHECKING:  # pragma: no cover
    from mlflow.tracking import MlflowClient

__all__ = ["situation_from_mlflow", "DEFAULT_METRIC_NAMES", "ACCURACIES", "CURVES"]

DEFAULT_METRIC_NAMES: dict[str, tuple[str, ...]] = {
    "train_error": ("train_error",),
    "train_dev_error": ("train_dev_error",),
    "dev_error": ("dev_error", "val_error"),
    "test_error": ("test_error",),
    "train_accuracy": ("train_accuracy", "train_acc"),
    "dev_accuracy": ("val_accuracy", "val_acc", "dev_accuracy"),
    "test_accuracy": ("test_accuracy",),
    "train_curve": ("train_loss", "loss"),
    "dev_curve": ("val_loss",),
}
"""Fact (or accuracy) name -> the MLflow metric names tried for it, first found wins. Errors win over accuracies."""

ACCURACIES: dict[str, str] = {
    "train_accuracy": "train_error",
    "train_dev_accuracy": "train_dev_error",
    "dev_accuracy": "dev_error",
    "test_accuracy": "test_error",
}
"""Accuracy names that `metric_names` may map, and the error fact each becomes (error = 1 - accuracy)."""

CURVES = ("train_curve", "dev_curve")
"""Facts read from a metric's whole history (oldest step first) rather than its latest value."""


def situation_from_mlflow(
    run_id: str,
    metric_names: Mapping[str, str | None] | None = None,
    tracking_uri: str | None = None,
    **facts: Any,
) -> Situation:
    """A Situation from an MLflow run's metrics, completed or overridden by `facts`.

    By default the latest `train_error`, `train_dev_error`, `dev_error`/`val_error` and `test_error` are read,
    accuracies (`train_accuracy`/`train_acc`, `val_accuracy`/`val_acc`/`dev_accuracy`, `test_accuracy`) become
    errors as 1 - accuracy, and the histories of `train_loss`/`loss` and `val_loss` become `train_curve` and
    `dev_curve`. `metric_names` maps a fact name (or `dev_accuracy` and the like) to the metric to read instead,
    or to None to read nothing for it; a metric named there must exist in the run. Keywords are facts that win
    over the metrics (e.g. `human_error="1%"`).

    Raises ImportError without MLflow, LookupError for an unknown run or a named metric the run lacks,
    and pydantic.ValidationError for values that are not valid facts.
    """
    wanted = _wanted(metric_names or {})
    client = _client(tracking_uri)
    metrics = _latest_metrics(client, run_id, tracking_uri)
    derived: dict[str, Any] = {}
    for key, (candidates, explicit) in wanted.items():
        found = next((name for name in candidates if name in metrics), None)
        if found is None:
            if explicit:
                hint = suggest(candidates[0], metrics)
                raise LookupError(
                    f"MLflow run {run_id!r} has no metric {candidates[0]!r} (asked for as {key})"
                    + (f"; did you mean {hint!r}?" if hint else f"; its metrics: {', '.join(sorted(metrics)) or 'none'}")
                )
            continue
        fact = ACCURACIES.get(key, key)
        if fact in derived:
            continue  # a metric named explicitly, or an error, was found first
        if key in CURVES:
            derived[fact] = _history(client, run_id, found)
        elif key in ACCURACIES:
            derived[fact] = _error_from_accuracy(metrics[found], found)
        else:
            derived[fact] = metrics[found]
    return Situation.from_any(derived, **facts)


def _wanted(metric_names: Mapping[str, str | None]) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Key -> (metric names to try, named explicitly): the explicit ones first, so they win over the defaults."""
    valid = set(Situation.model_fields) | set(ACCURACIES)
    for key in metric_names:
        if key not in valid:
            hint = suggest(key, valid)
            raise ValueError(f"metric_names: {key!r} is not a fact name" + (f" (did you mean {hint!r}?)" if hint else ""))
    wanted: dict[str, tuple[tuple[str, ...], bool]] = {
        key: ((name,), True) for key, name in metric_names.items() if name is not None
    }
    for key, names in DEFAULT_METRIC_NAMES.items():
        if key not in metric_names:
            wanted[key] = (names, False)
    return wanted


def _client(tracking_uri: str | None) -> "MlflowClient":
    try:
        from mlflow.tracking import MlflowClient
    except ImportError as error:
        raise ImportError(
            "reading MLflow runs needs MLflow: pip install 'mlstrategy[mlflow]' (it installs mlflow-skinny)"
        ) from error
    return MlflowClient(tracking_uri)


def _latest_metrics(client: "MlflowClient", run_id: str, tracking_uri: str | None) -> dict[str, float]:
    """The run's metrics, each at its latest step; an unknown run is a LookupError naming the store."""
    from mlflow.exceptions import MlflowException

    try:
        run = client.get_run(run_id)
    except MlflowException as error:
        if error.error_code not in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
            raise
        import mlflow

        store = tracking_uri or mlflow.get_tracking_uri()
        raise LookupError(f"no MLflow run {run_id!r} in the tracking store {store}: {error.message}") from None
    return dict(run.data.metrics)


def _history(client: "MlflowClient", run_id: str, metric: str) -> list[float]:
    """A metric's values over the run, oldest step first (a curve)."""
    points = sorted(client.get_metric_history(run_id, metric), key=lambda point: (point.step, point.timestamp))
    return [point.value for point in points]


def _error_from_accuracy(accuracy: float, metric: str) -> float:
    """1 - accuracy, after checking the accuracy is a fraction (a logged 92.5 is a percentage: the error says so)."""
    try:
        checked = parse_fraction(accuracy)
    except PydanticCustomError as error:
        raise ValidationError.from_exception_data(
            "Situation", [{"type": error, "loc": (metric,), "input": accuracy}]
        ) from None
    return round(1.0 - checked, 12)  # 1 - 0.9 is 0.09999999999999998
