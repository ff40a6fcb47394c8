"""Tables of runs (one row per run, a sweep): each run becomes a Situation, and the sweep is summarized.

A run table is not a training history: 64 runs are not 64 epochs. Recognized tables (`run_table_kind`):
- a Weights & Biases runs export (CSV from the project's table: `Name`, `State`, `ID`, ... then config and
  summary columns),
- an MLflow `search_runs` DataFrame (`run_id`, `status`, `metrics.<name>`, `params.<name>`, `tags.<name>`),
- an Optuna `trials_dataframe` (`number`, `value`, `params_<name>`, `user_attrs_<name>`, `state`).

Each run's final metrics are read with the history reader's column spellings (accuracy, error, F1, mAP...,
prefixes such as `metrics.` stripped), so a run gives `train_error`, `dev_error` and `test_error` when logged.

>>> runs = situation_from_runs([{"Name": "a", "State": "finished", "ID": "x1", "train_acc": 0.99, "val_acc": 0.80},
...                             {"Name": "b", "State": "finished", "ID": "x2", "train_acc": 0.85, "val_acc": 0.84}])
>>> runs.names, runs[0].dev_error, runs.best
(('a', 'b'), 0.2, 'b')
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from ..facts import Situation
from ._common import input_error, is_frame, is_path, is_records, join_names, path_kind, read_table, to_number

__all__ = ["situation_from_runs", "run_table_kind", "Runs"]

_TITLE = "runs"
_PREFIXES = ("metrics.", "summary.", "summary_metrics.", "user_attrs_", "metrics/")
_NOT_METRICS = ("params.", "params_", "tags.", "config.", "system_attrs_")


def run_table_kind(names: Sequence[str]) -> str | None:
    """Which run table a header is ('a W&B runs export', ...), or None for anything else (e.g. a history)."""
    lower = {str(n).strip().lower() for n in names}
    if {"name", "state"} <= lower and ({"id", "created", "runtime", "sweep", "user", "tags", "notes"} & lower):
        return "a W&B runs export"
    if "run_id" in lower or (any(n.startswith("metrics.") for n in lower) and any(
            n.startswith(("params.", "tags.")) or n in ("status", "experiment_id") for n in lower)):
        return "an MLflow search_runs table"
    if "number" in lower and ("value" in lower or any(n.startswith("values_") for n in lower)) and (
            "state" in lower or any(n.startswith("params_") for n in lower)):
        return "an Optuna trials_dataframe"
    return None


@dataclass(frozen=True)
class Runs(Sequence["Situation"]):
    """The situations of a sweep's runs (a Sequence: pass it to `advise_many`), with names and the ranking.

    `metric` is what ranks the runs (the dev error when logged, else the table's objective `value`);
    `best` names the best run by it. `summary(advices)` says how the runs group by primary problem.
    """

    kind: str
    names: tuple[str, ...]
    situations: tuple[Situation, ...]
    states: tuple[str | None, ...]
    metric: str | None
    scores: tuple[float | None, ...]
    lower_is_better: bool = True

    def __getitem__(self, index: Any) -> Any:
        return self.situations[index]

    def __len__(self) -> int:
        return len(self.situations)

    def __iter__(self) -> Iterator[Situation]:
        return iter(self.situations)

    @property
    def best(self) -> str | None:
        """The best run's name by `metric`, or None when no run has a value."""
        scored = [(score, i) for i, score in enumerate(self.scores) if score is not None]
        if not scored:
            return None
        _, index = (min if self.lower_is_better else max)(scored)
        return self.names[index]

    def summary(self, advices: Sequence[Any]) -> str:
        """How the runs group, from their advice (in run order): counts per primary problem and the best run.

        E.g. "64 runs (a W&B runs export): 12 of 64 show variance, 40 of 64 avoidable_bias, 12 of 64 no
        primary problem; best run by dev_error (lowest): 'lr=3e-4' (0.081), primary problem variance."
        """
        problems = [getattr(a, "primary_problem", None) if a else "error" for a in advices]
        counts = Counter(p or "no primary problem" for p in problems)
        total = len(advices)
        parts = [f"{n} of {total} " + (f"show {name}" if name != "no primary problem" else name)
                 for name, n in counts.most_common()]
        text = f"{total} runs ({self.kind}): " + ", ".join(parts)
        unfinished = [s for s in self.states if s and s.lower() not in ("finished", "complete", "completed")]
        if unfinished:
            text += f"; {len(unfinished)} not finished ({', '.join(sorted(set(unfinished)))})"
        best = self.best
        if best is not None:
            index = self.names.index(best)
            direction = "lowest" if self.lower_is_better else "highest"
            text += (f"; best run by {self.metric} ({direction}): {best!r} ({self.scores[index]:g}), primary problem "
                     f"{problems[index] or 'none'}")
        else:
            text += "; no run logged an error level or objective to rank by"
        return text + "."


def situation_from_runs(table: Any, *, metric: str | None = None, direction: str = "minimize",
                        **facts: Any) -> Runs:
    """One Situation per run of a run table (path to a CSV, a DataFrame, or a list of row dicts).

    `metric` names the column that ranks the runs (default: each run's dev error, else the table's
    `value`); `direction` says whether it is minimized (default, as Optuna's) or maximized. Other keywords
    are facts shared by every run (e.g. `human_error=0.01`).
    """
    from ..facts import Situation
    from .history import _detect, _error, _values, normal

    from_any = Situation.from_any

    where = str(table) if is_path(table) else "runs"
    if is_path(table) and path_kind(table, title=_TITLE, what="runs") != "file":
        raise input_error(_TITLE, "runs", f"{where}: no such file", where)
    if not (is_path(table) or is_frame(table) or is_records(table)):
        raise input_error(_TITLE, "runs", f"cannot read a {type(table).__name__} as a run table: give a CSV path, "
                          "a pandas DataFrame or a list of row dicts", type(table).__name__)
    header, rows = read_table(table, what="run table", title=_TITLE)
    kind = run_table_kind(header)
    if kind is None:
        raise input_error(_TITLE, "runs", f"{where} is not a run table (columns {join_names(header[:8])}): expected a "
                          "W&B export (Name, State, ID), an MLflow search_runs table (run_id, metrics.*) or an Optuna "
                          "trials_dataframe (number, value, params_*); for a training history use --history",
                          join_names(header)[:80])
    if direction not in ("minimize", "maximize"):
        raise input_error(_TITLE, "direction", f"direction must be 'minimize' or 'maximize'; got {direction!r}", direction)
    lower = {normal(h): h for h in header}
    name_col = next((lower[k] for k in ("name", "tags_mlflow_runname", "run_id", "id", "number") if k in lower), None)
    state_col = next((lower[k] for k in ("state", "status") if k in lower), None)
    metric_cols = {_strip(h): h for h in header if not h.lower().startswith(_NOT_METRICS)}
    if metric is not None and metric not in header and metric not in metric_cols:
        raise input_error(_TITLE, "metric", f"metric={metric!r} names no column of {where}; columns: "
                          f"{join_names(header[:12])}", metric)
    names, situations, states, scores = [], [], [], []
    for index, row in enumerate(rows):
        cells = dict(zip(header, row))
        columns = {short: [cells[h]] for short, h in metric_cols.items() if to_number(cells[h]) is not None}
        roles = _detect(columns, {}, where)
        series = {role: _values(columns[col]) for role, col in roles.items()}
        derived: dict[str, Any] = {}
        for fact, order in (("train_error", ("error", "accuracy", "score")),
                            ("dev_error", ("val_error", "val_accuracy", "val_score")),
                            ("test_error", ("test_error", "test_accuracy"))):
            values = _error(series, roles, order, frozenset(), [])
            if values:
                derived[fact] = values[-1]
        try:
            situations.append(from_any({**derived, **facts}))
        except ValueError as error:
            raise input_error(_TITLE, "runs", f"{where} row {index + 1}: {str(error).splitlines()[-1][:120]}",
                              index + 1) from None
        names.append(str(cells[name_col]) if name_col and cells.get(name_col) not in (None, "") else f"run {index + 1}")
        states.append(str(cells[state_col]) if state_col and cells.get(state_col) not in (None, "") else None)
        objective = metric or lower.get("value", "")
        scores.append(to_number(cells.get(objective, cells.get(metric_cols.get(objective, ""), None))))
    lower_is_better = direction == "minimize"
    if metric is None and any(s.dev_error is not None for s in situations):
        metric, lower_is_better = "dev_error", True
        scores = [s.dev_error for s in situations]
    elif metric is None:
        metric = lower.get("value")
    return Runs(kind, tuple(names), tuple(situations), tuple(states), metric, tuple(scores), lower_is_better)


def _strip(name: str) -> str:
    for prefix in _PREFIXES:
        if name.lower().startswith(prefix):
            return name[len(prefix):]
    return name
