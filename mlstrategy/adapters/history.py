"""Learning curves from a training history: Keras, PyTorch Lightning's CSVLogger, or any per-epoch log.

Accepted: a Keras `History` (or its `.history` dict of lists), a list of per-epoch dicts (e.g. Hugging Face's
`trainer.state.log_history`), a pandas DataFrame, or a CSV path (Lightning's metrics.csv, Keras' CSVLogger).
Rows that share an epoch (Lightning writes training and validation rows apart, leaving the other's cells
empty) are merged: the last value of each column within the epoch wins.

`train_curve` and `dev_curve` are the per-epoch losses (or error rates when no loss is logged), oldest first.
`train_error` and `dev_error` are the last epoch's error, 1 - accuracy, when accuracy or error is logged;
the training accuracy Keras reports is a running average over the epoch's batches (with dropout on), so an
evaluation of the final model, passed as `train_error=...`, is more exact and wins over it.

>>> s = situation_from_history({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.8], "accuracy": [0.6, 0.8, 0.9]})
>>> s.train_curve, s.dev_curve, s.train_error
([0.9, 0.5, 0.4], [1.0, 0.7, 0.8], 0.1)
"""
from __future__ import annotations

from typing import Any, Mapping

from ..facts import Situation, suggest
from ._common import Table, input_error, is_frame, is_path, is_records, join_names, read_table, to_number

__all__ = ["situation_from_history", "SPELLINGS"]

_TITLE = "history"

SPELLINGS: dict[str, tuple[str, ...]] = {
    "loss": ("train_loss_epoch", "train_loss", "training_loss", "trn_loss", "loss_epoch", "epoch_loss", "loss",
             "loss_train", "train_loss_step", "loss_step"),
    "val_loss": ("val_loss_epoch", "val_loss", "validation_loss", "valid_loss", "dev_loss", "eval_loss", "loss_val",
                 "loss_valid", "loss_validation", "val_loss_step"),
    "accuracy": ("train_acc_epoch", "train_accuracy_epoch", "train_acc", "train_accuracy", "training_accuracy",
                 "training_acc", "accuracy", "acc", "binary_accuracy", "categorical_accuracy",
                 "sparse_categorical_accuracy", "accuracy_train", "acc_train", "train_acc_step", "train_accuracy_step"),
    "val_accuracy": ("val_acc_epoch", "val_accuracy_epoch", "val_acc", "val_accuracy", "validation_accuracy",
                     "validation_acc", "valid_acc", "valid_accuracy", "dev_acc", "dev_accuracy", "eval_accuracy",
                     "eval_acc", "val_binary_accuracy", "val_categorical_accuracy", "val_sparse_categorical_accuracy",
                     "accuracy_val", "acc_val", "accuracy_valid", "acc_valid", "val_acc_step", "val_accuracy_step"),
    "error": ("train_error_epoch", "train_error", "train_err", "training_error", "train_error_rate", "error", "err",
              "error_rate", "error_train", "err_train"),
    "val_error": ("val_error_epoch", "val_error", "val_err", "validation_error", "valid_error", "dev_error",
                  "eval_error", "val_error_rate", "error_val", "err_val", "error_valid"),
    "epoch": ("epoch", "epochs"),
}
"""Column spellings recognized for each role, in order of preference, after lower-casing and turning
'/', '-', '.' and spaces into '_' (so 'Train/Loss' reads as 'train_loss')."""


def situation_from_history(history: Any, *, loss: str | None = None, val_loss: str | None = None,
                           accuracy: str | None = None, val_accuracy: str | None = None, error: str | None = None,
                           val_error: str | None = None, epoch: str | None = None, **facts: Any) -> Situation:
    """A Situation with `train_curve`, `dev_curve` and, when accuracy or error is logged, the final errors.

    Columns are found by their common spellings (see SPELLINGS); name them yourself with `loss=`,
    `val_loss=`, `accuracy=`, `val_accuracy=`, `error=`, `val_error=` and `epoch=`. Other keywords are facts
    merged into the result (and win over the derived ones), e.g. `human_error=0.01`.

    >>> situation_from_history([{"epoch": 0, "loss": 0.7, "val_loss": 0.8}, {"epoch": 1, "loss": 0.4, "val_loss": 0.6}]).dev_curve
    [0.8, 0.6]
    """
    overrides = {"loss": loss, "val_loss": val_loss, "accuracy": accuracy, "val_accuracy": val_accuracy,
                 "error": error, "val_error": val_error, "epoch": epoch}
    columns = _columns(history, overrides)
    if not columns:
        raise input_error(_TITLE, "history", "the history is empty: no columns or no epochs", type(history).__name__)
    roles = _detect(columns, overrides)
    series = {role: _values(columns[name]) for role, name in roles.items() if role != "epoch"}

    train_error = _error(series, roles, "error", "accuracy")
    dev_error = _error(series, roles, "val_error", "val_accuracy")
    train_curve = series.get("loss") or train_error
    dev_curve = series.get("val_loss") or dev_error
    if not train_curve:
        raise _no_train_column(list(columns), roles)

    derived: dict[str, Any] = {"train_curve": train_curve}
    if dev_curve:
        derived["dev_curve"] = dev_curve
    if train_error:
        derived["train_error"] = train_error[-1]
    if dev_error:
        derived["dev_error"] = dev_error[-1]
    return Situation.from_any({**derived, **facts})


# ---------------------------------------------------------------- reading the history
def _columns(history: Any, overrides: Mapping[str, str | None]) -> dict[str, list[Any]]:
    """Column name -> per-epoch values (None where an epoch has none), from any accepted form."""
    logged = getattr(history, "history", None)  # a keras.callbacks.History
    if isinstance(logged, Mapping) and not is_frame(history):
        history = logged
    if isinstance(history, Mapping):
        columns = {str(key): _as_list(key, value) for key, value in history.items()}
        lengths = {len(values) for values in columns.values()}
        epoch_name = _epoch_column(list(columns), overrides.get("epoch"))
        if epoch_name is not None and len(lengths) == 1:  # a table stored by column: merge rows per epoch
            header = list(columns)
            return _per_epoch((header, [list(row) for row in zip(*columns.values())]), epoch_name)
        return columns  # Keras: one list per metric, one value per epoch (validation lists may be shorter)
    if is_path(history) or is_frame(history) or is_records(history):
        table = read_table(history, what="history", title=_TITLE)
        return _per_epoch(table, _epoch_column(table[0], overrides.get("epoch")))
    if isinstance(history, (list, tuple)) and not history:
        return {}
    raise input_error(_TITLE, "history", f"cannot read a {type(history).__name__} as a training history: give a Keras "
                      "History or its .history dict, a list of per-epoch dicts, a pandas DataFrame, or a CSV path",
                      type(history).__name__)


def _as_list(key: Any, value: Any) -> list[Any]:
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise input_error(_TITLE, str(key), f"history[{key!r}] must be a list of per-epoch values; got "
                          f"{type(value).__name__}", repr(value)[:60])
    return list(value)


def _epoch_column(names: list[str], chosen: str | None) -> str | None:
    """The epoch column: the one named (it must exist), else a column called 'epoch', else None."""
    if chosen is None:
        return _find(names, SPELLINGS["epoch"])
    found = chosen if chosen in names else _find(names, (_normal(chosen),))
    if found is None:
        raise _unknown_column("epoch", chosen, names)
    return found


def _unknown_column(role: str, chosen: str, names: list[str]) -> Exception:
    hint = suggest(chosen, names)
    return input_error(_TITLE, role, f"{role}={chosen!r} names no column of the history"
                       + (f" (did you mean {hint!r}?)" if hint else "") + f"; columns found: {join_names(names)}", chosen)


def _per_epoch(table: Table, epoch_name: str | None) -> dict[str, list[Any]]:
    """Merge the rows of each epoch (last non-empty value per column wins); epochs in ascending order."""
    header, rows = table
    if epoch_name is None:
        return {name: [row[i] for row in rows] for i, name in enumerate(header)}
    at = header.index(epoch_name)
    merged: dict[float, dict[str, float]] = {}
    current = float("-inf")  # rows before the first epoch number (rare) form their own group
    for row in rows:
        number = to_number(row[at])
        current = number if number is not None else current
        slot = merged.setdefault(current, {})
        for name, cell in zip(header, row):
            value = to_number(cell)
            if value is not None:
                slot[name] = value
    order = sorted(merged)
    return {name: [merged[e].get(name) for e in order] for name in header if name != epoch_name}


def _normal(name: str) -> str:
    text = str(name).strip().lower()
    for mark in "/-. ":
        text = text.replace(mark, "_")
    return text


def _matches(names: list[str], spellings: tuple[str, ...]) -> list[str]:
    """The columns whose normalized name is one of the spellings, most preferred spelling first."""
    by_normal: dict[str, str] = {}
    for name in names:
        by_normal.setdefault(_normal(name), name)
    return [by_normal[spelling] for spelling in spellings if spelling in by_normal]


def _find(names: list[str], spellings: tuple[str, ...]) -> str | None:
    """The column with the most preferred spelling, or None."""
    found = _matches(names, spellings)
    return found[0] if found else None


def _detect(columns: Mapping[str, list[Any]], overrides: Mapping[str, str | None]) -> dict[str, str]:
    """Role -> column name: the override when given (it must exist), else the common spelling with most values.

    Most values first, so a one-off summary column (Hugging Face's final 'train_loss') never hides the
    per-epoch one ('loss'); equal counts go by the order of SPELLINGS ('train_loss_epoch' before '_step').
    """
    names = list(columns)
    roles: dict[str, str] = {}
    for role, spellings in SPELLINGS.items():
        if role == "epoch":  # already used to merge rows (see _epoch_column)
            continue
        chosen = overrides.get(role)
        if chosen is not None:
            found = chosen if chosen in columns else _find(names, (_normal(chosen),))
            if found is None:
                raise _unknown_column(role, chosen, names)
            roles[role] = found
            continue
        candidates = _matches(names, spellings)
        if candidates:
            roles[role] = max(candidates, key=lambda name: (len(_values(columns[name])), -candidates.index(name)))
    return roles


def _values(cells: list[Any]) -> list[float]:
    """The finite numbers of a column, oldest first (empty cells and NaN dropped)."""
    return [number for number in (to_number(cell) for cell in cells) if number is not None]


def _error(series: Mapping[str, list[float]], roles: Mapping[str, str], error_role: str,
           accuracy_role: str) -> list[float]:
    """Per-epoch error rates: the error column, else 1 - accuracy; percentages are refused with a hint."""
    for role, flip in ((error_role, False), (accuracy_role, True)):
        values = series.get(role)
        if values:
            above = [v for v in values if v > 1]
            if above:
                raise input_error(_TITLE, roles[role], f"column {roles[role]!r} has values above 1 (e.g. {above[0]}): "
                                  "it looks like a percentage; log it as a fraction in [0, 1] or divide by 100",
                                  above[0])
            return [round(1 - v, 12) if flip else v for v in values]
    return []


def _no_train_column(names: list[str], roles: Mapping[str, str]) -> Exception:
    recognized = set(roles.values())
    metric_like = [n for n in names if n not in recognized and any(key in _normal(n) for key in ("loss", "acc", "err"))]
    found = ", ".join(f"{role}={name!r}" for role, name in roles.items() if role != "epoch")
    return input_error(
        _TITLE, "columns",
        "no training loss, accuracy or error column with values found. Columns: " + join_names(names)
        + (f" (recognized: {found})" if found else "")
        + ". Name the training column yourself, e.g. loss='<column>' (or accuracy=, error=), and the dev one with "
        "val_loss= (or val_accuracy=, val_error=)"
        + (f"; columns that look like metrics: {join_names(metric_like)}" if metric_like else ""),
        join_names(names)[:80],
    )
