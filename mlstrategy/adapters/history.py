"""Learning curves from a training history: the log file a trainer wrote, as it is, or its in-memory form.

Accepted: a Keras `History` (or its `.history` dict of lists), a list of logged dicts (Hugging Face's
`trainer.state.log_history`), a pandas DataFrame, a mapping with a `log_history` (a loaded
`trainer_state.json`), or a path: a file or a folder a trainer writes (see `mlstrategy.adapters.logs` for
the formats: Hugging Face, Lightning, Keras CSVLogger, TensorBoard, Ultralytics, detectron2).

How a curve is read, as an engineer reads one:
- Curves are judged on their *evaluation points*. A log with a step column (steps, iterations) is cut at
  the steps where dev metrics were logged; each training column is averaged over the steps of each
  evaluation interval, so per-step noise never drives a verdict. Without a step column, each epoch is a point
  (Lightning's train and validation rows of one epoch are merged).
- Accuracies, F1 and mAP become error levels (1 - value); logged in percent (0-100), they are divided by 100
  with a note. WER, CER and top-k errors are error levels as they are. The metric used is named in the notes.
- A history with dev metrics only is read; the notes say what a training curve would add.
- A table of runs (one row per run: a W&B export, MLflow's `search_runs`, Optuna's `trials_dataframe`) is
  never read as a history: it is refused with a pointer to `Situation.from_runs`.

`train_error` and `dev_error` are the last evaluation point's error. The training accuracy Keras reports is a
running average over the epoch's batches (with dropout on), so an evaluation of the final model, passed as
`train_error=...`, is more exact and wins over it.

>>> s = situation_from_history({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.8], "accuracy": [0.6, 0.8, 0.9]})
>>> s.train_curve, s.dev_curve, s.train_error
([0.9, 0.5, 0.4], [1.0, 0.7, 0.8], 0.1)
"""
from __future__ import annotations

import bisect
import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ..plain import suggest
from ._common import input_error, join_names, non_finite_cells, to_number

if TYPE_CHECKING:  # pragma: no cover
    from ..facts import Situation

__all__ = ["DroppedCellsWarning", "situation_from_history", "read_history", "HistoryReading", "SPELLINGS", "ROLES"]

_TITLE = "history"

SPELLINGS: dict[str, tuple[str, ...]] = {
    "loss": ("train_loss_epoch", "train_loss", "training_loss", "trn_loss", "loss_epoch", "epoch_loss", "loss",
             "loss_train", "train_loss_step", "loss_step", "total_loss"),
    "val_loss": ("val_loss_epoch", "val_loss", "validation_loss", "valid_loss", "dev_loss", "eval_loss", "loss_val",
                 "loss_valid", "loss_validation", "val_loss_step", "val_epoch_loss", "validation_epoch_loss"),
    "accuracy": ("train_acc_epoch", "train_accuracy_epoch", "train_acc", "train_accuracy", "training_accuracy",
                 "training_acc", "accuracy", "acc", "binary_accuracy", "categorical_accuracy",
                 "sparse_categorical_accuracy", "accuracy_train", "acc_train", "train_acc_step", "train_accuracy_step",
                 "train_epoch_accuracy", "train_top1"),
    "val_accuracy": ("val_acc_epoch", "val_accuracy_epoch", "val_acc", "val_accuracy", "validation_accuracy",
                     "validation_acc", "valid_acc", "valid_accuracy", "dev_acc", "dev_accuracy", "eval_accuracy",
                     "eval_acc", "val_binary_accuracy", "val_categorical_accuracy", "val_sparse_categorical_accuracy",
                     "accuracy_val", "acc_val", "accuracy_valid", "acc_valid", "val_acc_step", "val_accuracy_step",
                     "val_epoch_accuracy", "validation_epoch_accuracy", "val_top1", "eval_top1", "val_acc1",
                     "val_top1_accuracy", "metrics_accuracy_top1"),
    "error": ("train_error_epoch", "train_error", "train_err", "training_error", "train_error_rate", "error", "err",
              "error_rate", "error_train", "err_train", "train_wer", "train_cer"),
    "val_error": ("val_error_epoch", "val_error", "val_err", "validation_error", "valid_error", "dev_error",
                  "eval_error", "val_error_rate", "error_val", "err_val", "error_valid", "eval_wer", "val_wer",
                  "valid_wer", "dev_wer", "wer", "eval_cer", "val_cer", "valid_cer", "cer", "val_top1_error",
                  "eval_top1_error", "val_top5_error", "eval_top5_error", "top1_error", "top5_error"),
    "score": ("train_f1", "train_f1_score", "train_map", "train_auc", "train_iou", "train_miou"),
    "val_score": ("val_f1", "val_f1_score", "eval_f1", "eval_f1_score", "valid_f1", "dev_f1", "validation_f1",
                  "val_map", "eval_map", "val_map50_95", "metrics_map50_95b", "metrics_map50_95", "metrics_map_0_5_0_95", "metrics_map50b",
                  "metrics_map_0_5",
                  "bbox_ap", "segm_ap", "val_bbox_map", "val_auc", "eval_auc", "val_roc_auc", "eval_roc_auc",
                  "val_iou", "val_miou", "eval_miou", "sem_seg_miou", "eval_exact_match"),
    "test_accuracy": ("test_acc_epoch", "test_acc", "test_accuracy", "eval_test_accuracy"),
    "test_error": ("test_error", "test_err", "test_wer", "test_cer"),
    "test_loss": ("test_loss_epoch", "test_loss"),
    "epoch": ("epoch", "epochs", "train_epoch"),
    "step": ("step", "global_step", "iteration", "iter", "steps", "trainer_global_step"),
}
"""Column spellings recognized for each role, in order of preference, after lower-casing, turning
'/', '-', '.', ':' and spaces into '_' and dropping parentheses (so 'Train/Loss' reads as 'train_loss',
Ultralytics' 'metrics/mAP50-95(B)' as 'metrics_map50_95b' and YOLOv5's 'metrics/mAP_0.5:0.95' as
'metrics_map_0_5_0_95')."""

ROLES: tuple[str, ...] = tuple(SPELLINGS)
"""The roles a column can play; `columns={"val_loss": "my_val"}` (CLI: `--column val_loss=my_val`) names one."""

_DEV_ROLES = ("val_loss", "val_accuracy", "val_error", "val_score")
_TEST_ROLES = ("test_accuracy", "test_error", "test_loss")
_HIGHER_IS_BETTER = {"accuracy", "val_accuracy", "score", "val_score", "test_accuracy"}
_SUMMARY_KEYS = {"train_runtime", "total_flos"}  # Hugging Face's end-of-training summary row: not a point
_MAX_POINTS = 50  # without evaluation rows, a long step-level log is averaged into at most this many points


@dataclass(frozen=True)
class HistoryReading:
    """What was read from a history: the situation, the format, the evaluation points and notes for people.

    The notes say what the reader decided on the user's behalf (a percentage divided by 100, the metric
    used as the error level, rows left out), so advice built on the situation can be checked.
    """

    situation: Situation
    format: str
    points: int
    columns: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    dropped: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Column -> where it held NaN, inf or a number too large for a float ('row 4', 'epoch 3', 'step 300'):
    those cells were left out of the curves (the notes say so too)."""


class DroppedCellsWarning(UserWarning):
    """A training history held cells with no finite number (NaN, inf, 10**400) that were left out of its curves:
    a NaN loss often means training diverged. `read_history(...).dropped` names them without a warning."""


def situation_from_history(history: Any, *, loss: str | None = None, val_loss: str | None = None,
                           accuracy: str | None = None, val_accuracy: str | None = None, error: str | None = None,
                           val_error: str | None = None, epoch: str | None = None,
                           columns: Mapping[str, str] | None = None, log_format: str | None = None,
                           **facts: Any) -> Situation:
    """A Situation with `train_curve`, `dev_curve` and, when an accuracy or error metric is logged, the final errors.

    Columns are found by their common spellings (see SPELLINGS); name them yourself with `loss=`,
    `val_loss=`, `accuracy=`, `val_accuracy=`, `error=`, `val_error=` and `epoch=`, or any role of ROLES with
    `columns={"val_score": "eval_f1"}`. `log_format` names the format of a path where detection is
    ambiguous (see `mlstrategy.adapters.logs.FORMATS`). Other keywords are facts merged into the result (and
    win over the derived ones), e.g. `human_error=0.01`. `read_history` also returns the reader's notes.

    >>> situation_from_history([{"epoch": 0, "loss": 0.7, "val_loss": 0.8}, {"epoch": 1, "loss": 0.4, "val_loss": 0.6}]).dev_curve
    [0.8, 0.6]
    """
    chosen = {"loss": loss, "val_loss": val_loss, "accuracy": accuracy, "val_accuracy": val_accuracy,
              "error": error, "val_error": val_error, "epoch": epoch}
    reading = read_history(history, columns={**{k: v for k, v in chosen.items() if v is not None}, **(columns or {})},
                           log_format=log_format, **facts)
    if reading.dropped:  # the situation alone cannot say it: warn (read_history returns it as data)
        from .logs import describe_dropped

        warnings.warn("; ".join(describe_dropped(reading.dropped)), DroppedCellsWarning, stacklevel=2)
    return reading.situation


def read_history(history: Any, *, columns: Mapping[str, str] | None = None, log_format: str | None = None,
                 **facts: Any) -> HistoryReading:
    """Read a history into a `HistoryReading` (the situation, the format found, points and notes).

    >>> reading = read_history({"loss": [0.9, 0.6], "val_acc": [61.0, 70.0]})
    >>> reading.situation.dev_error, reading.notes[0][:40]
    (0.3, "'val_acc' is in percent (0-100): divided")
    """
    from ..facts import Situation

    found = history_facts(history, columns=columns, log_format=log_format)
    return HistoryReading(Situation.from_any({**found.facts, **facts}), found.format, found.points, found.columns,
                          found.notes, found.dropped)


@dataclass(frozen=True)
class HistoryFacts:
    """What `history_facts` read: the facts derived from the history (curves, final errors, the metric) as plain
    values, not validated yet, and the rest of a `HistoryReading`."""

    facts: dict[str, Any]
    format: str
    points: int
    columns: Mapping[str, str]
    notes: tuple[str, ...]
    dropped: Mapping[str, tuple[str, ...]]


def history_facts(history: Any, *, columns: Mapping[str, str] | None = None, log_format: str | None = None
                  ) -> HistoryFacts:
    """`read_history` without building the Situation: the command line reads the derived facts as plain values
    (`mlstrategy.plain`), so a training log needs neither pydantic nor the models unless a value needs them."""
    from .logs import read_log

    overrides = _overrides(columns or {})
    log = read_log(history, log_format)
    where = log.where
    names = log.names()
    from .runs import run_table_kind

    kind = run_table_kind(names)
    if kind:
        raise input_error(_TITLE, "history", f"{where} is a table of runs ({kind}: one row per run, columns "
                          f"{join_names(names[:8])}{', ...' if len(names) > 8 else ''}), not a training history; "
                          "read it with Situation.from_runs(table) (command line: --runs FILE)", join_names(names)[:80])
    notes = list(log.notes)
    if log.columns is not None:
        by_column = log.columns
        for name, cells in by_column.items():  # a Keras History: one cell per epoch
            for position in non_finite_cells(cells):
                log.drop(name, f"epoch {position + 1}")
        if not by_column:
            raise input_error(_TITLE, "history", f"{where} is empty: no columns or no epochs", log.format)
    else:
        if not log.records:
            raise input_error(_TITLE, "history", f"{where} is empty: no rows with numbers", log.format)
        by_column = _points(log.records, overrides, notes, where)
    notes.extend(log.dropped_notes())
    roles = _detect(by_column, overrides, where)
    series = {role: _values(by_column[name]) for role, name in roles.items() if role not in ("epoch", "step")}

    train_error = _error(series, roles, ("error", "accuracy", "score"), log.percent, notes)
    dev_error = _error(series, roles, ("val_error", "val_accuracy", "val_score"), log.percent, notes)
    test_error = _error(series, roles, ("test_error", "test_accuracy"), log.percent, notes)
    train_curve = series.get("loss") or train_error
    dev_curve = series.get("val_loss") or dev_error
    if not train_curve and not dev_curve:
        raise _no_curve(where, list(by_column), roles)
    derived: dict[str, Any] = {}
    if train_curve:
        derived["train_curve"] = train_curve
    else:
        notes.append("only dev metrics were logged: the dev curve alone can tell 'still improving' or 'rising'; a "
                     "training loss would separate bias from variance")
    if dev_curve:
        derived["dev_curve"] = dev_curve
    if train_error:
        derived["train_error"] = train_error[-1]
    if dev_error:
        derived["dev_error"] = dev_error[-1]
    if test_error:
        derived["test_error"] = test_error[-1]
    metric = _named_metric(series, roles)
    if metric and dev_error:
        derived["optimizing_metric"] = metric  # the advice then names the metric its dev error comes from
    return HistoryFacts(derived, log.format, max(len(train_curve), len(dev_curve)),
                        {role: name for role, name in roles.items()}, tuple(notes),
                        {name: tuple(places) for name, places in log.dropped.items()})


# ---------------------------------------------------------------- columns and roles
def _overrides(columns: Mapping[str, str]) -> dict[str, str]:
    unknown = [role for role in columns if role not in SPELLINGS]
    if unknown:
        hint = suggest(unknown[0], ROLES)
        raise input_error(_TITLE, "columns", f"{unknown[0]!r} is not a column role"
                          + (f" (did you mean {hint!r}?)" if hint else "") + f"; roles: {', '.join(ROLES)}", unknown[0])
    return {role: str(name) for role, name in columns.items() if name is not None}


def normal(name: str) -> str:
    """A column name as compared with SPELLINGS: lower case, separators as '_', no parentheses."""
    text = str(name).strip().lower()
    for mark in "/-. :":
        text = text.replace(mark, "_")
    return text.replace("(", "").replace(")", "")


def _matches(names: Sequence[str], spellings: tuple[str, ...]) -> list[str]:
    """The columns whose normalized name is one of the spellings, most preferred spelling first."""
    by_normal: dict[str, str] = {}
    for name in names:
        by_normal.setdefault(normal(name), name)
    return [by_normal[spelling] for spelling in spellings if spelling in by_normal]


def _find(names: Sequence[str], spellings: tuple[str, ...]) -> str | None:
    found = _matches(names, spellings)
    return found[0] if found else None


def _chosen(role: str, chosen: str, names: Sequence[str], where: str) -> str:
    """The column a user named for a role; it must exist."""
    found = chosen if chosen in names else _find(names, (normal(chosen),))
    if found is None:
        hint = suggest(chosen, names)
        raise input_error(_TITLE, role, f"{role}={chosen!r} names no column of {where}"
                          + (f" (did you mean {hint!r}?)" if hint else "") + f"; columns found: {join_names(names)}",
                          chosen)
    return found


def _column_for(role: str, names: Sequence[str], overrides: Mapping[str, str], where: str) -> str | None:
    if role in overrides:
        return _chosen(role, overrides[role], names, where)
    return _find(names, SPELLINGS[role])


def _detect(columns: Mapping[str, list[Any]], overrides: Mapping[str, str], where: str) -> dict[str, str]:
    """Role -> column name: the override when given (it must exist), else the common spelling with most values.

    Most values first, so a one-off summary column (Hugging Face's final 'train_loss') never hides the
    per-point one ('loss'); equal counts go by the order of SPELLINGS ('train_loss_epoch' before '_step').
    """
    names = list(columns)
    roles: dict[str, str] = {}
    taken: set[str] = set()
    for role, spellings in SPELLINGS.items():
        if role in overrides:
            roles[role] = _chosen(role, overrides[role], names, where)
            taken.add(roles[role])
    for role, spellings in SPELLINGS.items():
        if role in roles or role in ("epoch", "step"):
            continue
        candidates = [name for name in _matches(names, spellings) if name not in taken]
        if candidates:
            roles[role] = max(candidates, key=lambda name: (len(_values(columns[name])), -candidates.index(name)))
    return roles


def _values(cells: list[Any]) -> list[float]:
    """The finite numbers of a column, oldest first (empty cells and NaN dropped)."""
    return [number for number in (to_number(cell) for cell in cells) if number is not None]


# ---------------------------------------------------------------- evaluation points
def _mean(values: list[float]) -> float:
    """The mean, order-free (fsum) and without float noise; one value is kept exactly."""
    return values[0] if len(values) == 1 else round(math.fsum(values) / len(values), 12)


def _points(records: list[dict[str, float]], overrides: Mapping[str, str], notes: list[str],
            where: str) -> dict[str, list[float | None]]:
    """Column -> one value per evaluation point, from logged rows (steps or epochs, in any order).

    With a step column, rows are cut at the steps where a dev metric was logged and each column is averaged
    over each interval (previous evaluation, this one]; training rows after the last evaluation are left out.
    Dev rows logged again at an evaluated step with a later epoch (Lightning's `trainer.validate` after
    `fit`) are left out. Without a step column, rows merge per epoch. Test-only rows never make a point.
    """
    names = list(dict.fromkeys(name for record in records for name in record))
    step = _column_for("step", names, overrides, where)
    epoch = _column_for("epoch", names, overrides, where)
    dev = {name for role in _DEV_ROLES for name in
           ([_chosen(role, overrides[role], names, where)] if role in overrides else _matches(names, SPELLINGS[role]))}
    test = {name for role in _TEST_ROLES for name in _matches(names, SPELLINGS[role])}
    rows = [r for r in records if not _SUMMARY_KEYS & set(r)]
    if len(rows) < len(records):
        notes.append("the end-of-training summary row (Hugging Face's train_runtime, mean train_loss) is not a point")
    position = step or epoch
    tests = [r for r in rows if set(r) & test]  # final numbers, not a curve: taken apart from every row
    rows = [kept for r in rows if (kept := {k: v for k, v in r.items() if k not in test})
            and set(kept) - {step, epoch}]
    points: list[dict[str, float]] = []
    if position is None:
        points = [dict(r) for r in rows]
    elif step is None or not any(set(r) & dev for r in rows):
        points = _grouped(rows, position, epoch, step, notes)
    else:
        points = _intervals(rows, step, epoch, dev, notes)
    if tests and points:  # the last test metrics, attached to the last point
        ordered = sorted(tests, key=lambda r: (r.get(position or "", 0), sorted(r.items())))
        last = {name: value for r in ordered for name, value in r.items() if name in test}
        points[-1].update(last)
    drop = {n for n in (step, epoch) if n}
    header = [n for n in names if n not in drop]
    return {name: [p.get(name) for p in points] for name in header}


def _grouped(rows: list[dict[str, float]], position: str, epoch: str | None, step: str | None,
             notes: list[str]) -> list[dict[str, float]]:
    """One point per epoch (Hugging Face's fractional epochs are rounded up: 0.5 and 1.0 are epoch 1), or,
    without an epoch column, consecutive steps averaged into at most _MAX_POINTS points."""
    if epoch is not None and any(epoch in r for r in rows):
        keyed = [(math.ceil(r[epoch] - 1e-9), r) for r in rows if epoch in r]  # rows without an epoch left out
        if step is not None and len({k for k, _ in keyed}) < len(keyed):
            notes.append("no evaluation rows: the training columns are averaged per epoch")
    else:
        ordered = sorted((r for r in rows if position in r), key=lambda r: r[position])
        size = max(1, math.ceil(len(ordered) / _MAX_POINTS))
        if size > 1:
            notes.append(f"no evaluation rows: {len(ordered)} logged steps averaged in groups of {size}")
        keyed = [(i // size, r) for i, r in enumerate(ordered)]
    groups: dict[float, list[dict[str, float]]] = {}
    for key, row in keyed:
        groups.setdefault(key, []).append(row)
    return [_merge(groups[key]) for key in sorted(groups)]


def _merge(rows: list[dict[str, float]]) -> dict[str, float]:
    """The mean of each column over rows (order-free: fsum)."""
    merged: dict[str, list[float]] = {}
    for row in rows:
        for name, value in row.items():
            merged.setdefault(name, []).append(value)
    return {name: _mean(values) for name, values in merged.items()}


def _intervals(rows: list[dict[str, float]], step: str, epoch: str | None, dev: set[str],
               notes: list[str]) -> list[dict[str, float]]:
    rows = sorted((r for r in rows if step in r), key=lambda r: r[step])
    keys = [r[step] for r in rows]
    is_eval = [not dev.isdisjoint(r) for r in rows]
    evals: dict[float, list[dict[str, float]]] = {}
    for row, evaluated in zip(rows, is_eval):
        if evaluated:
            evals.setdefault(row[step], []).append(row)
    refit = 0
    for at, group in evals.items():  # a validation re-run after training: same step, a later epoch
        if epoch is not None:
            first = min(r.get(epoch, math.inf) for r in group)
            kept = [r for r in group if r.get(epoch, math.inf) == first]
            refit += len(group) - len(kept)
            evals[at] = kept
    if refit:
        notes.append(f"{refit} dev row(s) logged again after training (a later epoch at an evaluated step, e.g. "
                     "trainer.validate after fit) are left out of the curve")
    steps = sorted(evals)
    points: list[dict[str, float]] = []
    trained_in: list[bool] = []
    for index, at in enumerate(steps):
        low = bisect.bisect_right(keys, steps[index - 1]) if index else 0
        high = bisect.bisect_right(keys, at)
        trained = [rows[i] for i in range(low, high) if not is_eval[i]]
        dev_part = _merge(evals[at])
        carried = [{k: v for k, v in r.items() if k not in dev} for r in evals[at]]
        train_part = _merge(trained + carried)
        trained_in.append(bool(trained) or any(set(c) - {step, epoch} for c in carried))
        points.append({**train_part, **{k: v for k, v in dev_part.items() if k in dev}})
    again = 0
    while len(points) > 1 and not trained_in[-1] and any(trained_in):  # evaluated again after training ended
        points.pop(), trained_in.pop(), steps.pop()
        again += 1
    if again:
        notes.append(f"{again} evaluation(s) after the last training step (a re-run such as trainer.validate after "
                     "fit) are left out of the curve")
    last = bisect.bisect_right(keys, steps[-1])
    after = [rows[i] for i in range(last, len(rows)) if not is_eval[i]]
    if after:
        notes.append(f"{len(after)} training row(s) after the last evaluation (step {steps[-1]:g}) are not judged")
    return points


# ---------------------------------------------------------------- error levels
def _error(series: Mapping[str, list[float]], roles: Mapping[str, str], order: tuple[str, ...],
           percent: frozenset[str], notes: list[str]) -> list[float]:
    """Error levels from the first role of `order` that has values: an error as is, else 1 - a score.

    Percentages (a column the format logs in percent, or one with values above 1 and at most 100) are
    divided by 100 with a note; an error rate above 1 (a WER with many insertions) is capped at 1.
    """
    for role in order:
        values = series.get(role)
        if not values:
            continue
        name = roles[role]
        if name in percent or (max(values) > 1 and max(values) <= 100 and min(values) >= 0):
            values = [v / 100 for v in values]
            notes.append(f"{name!r} is in percent (0-100): divided by 100")
        if role in _HIGHER_IS_BETTER:
            if max(values) > 1:
                raise input_error(_TITLE, name, f"column {name!r} has values above 100 (e.g. {max(values)}): not an "
                                  "accuracy or score in [0, 1] or in percent", max(values))
            if role not in ("accuracy", "val_accuracy", "test_accuracy"):
                notes.append(f"the error level is 1 - {name!r} (no accuracy logged)")
            return [round(1 - v, 12) for v in values]
        if max(values) > 1:
            notes.append(f"{name!r} exceeds 1 (e.g. {max(values)}): capped at 1 as an error level")
            values = [min(v, 1.0) for v in values]
        if normal(name) not in _PLAIN_ERRORS:
            notes.append(f"the error level is {name!r}")
        return values
    return []


_PLAIN_ERRORS = ("error", "err", "val_error", "train_error", "test_error", "dev_error", "val_err", "eval_error",
                 "validation_error", "valid_error", "error_rate", "val_error_rate", "val_error_epoch")


def _named_metric(series: Mapping[str, list[float]], roles: Mapping[str, str]) -> str | None:
    """The dev metric's column when the dev error comes from a metric other than accuracy or a plain error
    (F1, mAP, WER...), else None."""
    for role in ("val_error", "val_accuracy", "val_score"):
        if series.get(role):
            name = roles[role]
            return name if role == "val_score" or (role == "val_error" and normal(name) not in _PLAIN_ERRORS) else None
    return None


def _no_curve(where: str, names: list[str], roles: Mapping[str, str]) -> Exception:
    recognized = set(roles.values())
    metric_like = [n for n in names if n not in recognized and any(k in normal(n) for k in ("loss", "acc", "err"))]
    found = ", ".join(f"{role}={name!r}" for role, name in roles.items() if role not in ("epoch", "step"))
    return input_error(
        _TITLE, "columns",
        f"{where}: no training or dev loss, accuracy or error column with values found. Columns: " + join_names(names)
        + (f" (recognized: {found})" if found else "")
        + ". Name the columns yourself, e.g. loss='<column>' and val_loss='<column>' (command line: --column "
        "loss=<column> --column val_loss=<column>; roles: " + ", ".join(r for r in ROLES if r not in ("step",)) + ")"
        + (f"; columns that look like metrics: {join_names(metric_like)}" if metric_like else ""),
        join_names(names)[:80],
    )
