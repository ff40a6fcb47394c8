"""Adapters: turn what users already have into a `Situation`.

- `situation_from_predictions`, `situation_from_estimator`, `error_rates`: labels and predictions per set
  (lists, numpy arrays, pandas Series, class-probability tables) or a fitted classifier -> errors and sizes.
- `situation_from_history`, `read_history`: a training log as the trainer wrote it (Hugging Face, Lightning,
  Keras, TensorBoard, Ultralytics, detectron2; a file or folder) or its in-memory form -> learning curves
  judged at evaluation points, final errors, and notes on what was decided.
- `situation_from_runs`: a table of runs (W&B, MLflow, Optuna) -> one situation per run, for `advise_many`.
- `situation_from_error_sheet`: the course's error-analysis spreadsheet -> the `error_analysis` tally.

The same entry points are `Situation.from_predictions`, `.from_estimator`, `.from_history` and
`.from_error_sheet`. None of them needs numpy or pandas for plain lists and CSV files; optional libraries
are imported only inside the function that needs them.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .history import DroppedCellsWarning, read_history, situation_from_history
    from .predictions import error_rates, situation_from_estimator, situation_from_prediction_table, situation_from_predictions
    from .runs import situation_from_runs
    from .sheets import situation_from_error_sheet

_HOME = {"DroppedCellsWarning": "history", "read_history": "history", "situation_from_history": "history",
         "error_rates": "predictions", "situation_from_estimator": "predictions",
         "situation_from_prediction_table": "predictions", "situation_from_predictions": "predictions",
         "situation_from_runs": "runs", "situation_from_error_sheet": "sheets"}
"""Where each name lives: its module is imported on first use (PEP 562), so that reading a training log from the
command line (`mlstrategy.adapters.history`) does not import the other adapters, nor the models they build."""


_MODULES = ("history", "logs", "predictions", "runs", "sheets", "mlflow")
"""The adapters' modules, attributes of the package as an eager import made them."""

if not TYPE_CHECKING:  # type checkers read the imports above (a misspelt name stays an error there)
    def __getattr__(name: str) -> Any:
        if name in _MODULES:
            return import_module(f".{name}", __name__)  # the import sets it on the package
        home = _HOME.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(f".{home}", __name__), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME, *_MODULES})


__all__ = [
    "situation_from_predictions", "situation_from_estimator", "error_rates", "situation_from_history",
    "situation_from_error_sheet", "situation_from_prediction_table", "situation_from_mlflow",
    "read_history", "situation_from_runs", "DroppedCellsWarning",
]


def situation_from_mlflow(*args, **kwargs):  # noqa: ANN002, ANN003 - mlflow is imported only when called
    """See `mlstrategy.adapters.mlflow.situation_from_mlflow` (needs `pip install 'mlstrategy[mlflow]'`)."""
    from .mlflow import situation_from_mlflow as read

    return read(*args, **kwargs)
