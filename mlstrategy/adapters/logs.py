"""Training logs as trainers write them: detect the format by content, read rows of logged numbers.

Formats (FORMATS; detected from the file or folder, or named with `log_format=` / `--history-format`):
- `huggingface`: `trainer_state.json` (its `log_history`), a checkpoint folder, or an output folder holding
  `checkpoint-*` folders (the latest checkpoint's state has the longest history).
- `lightning`: CSVLogger's `metrics.csv` (step and epoch rows mixed; train, val and test rows apart), or a
  `lightning_logs/version_N` folder.
- `keras`: CSVLogger files and any CSV with one row per epoch (also what `csv` means).
- `tensorboard`: event files (`events.out.tfevents.*`) or a log folder, read with tensorboard's own event
  reader (the optional `tensorboard` extra). Keras' `train/` and `validation/` run folders are told apart.
- `tensorboard-csv`: TensorBoard's CSV downloads (`Wall time,Step,Value`, one tag per file); a folder of them
  is merged, each tag named from its file name (`run-validation-tag-epoch_loss.csv`).
- `ultralytics`: YOLO's `results.csv` (padded column names; losses summed over box/cls/dfl; mAP50-95).
- `detectron2`: `metrics.json`, one JSON object per line (`iteration`, `total_loss`, evaluation rows with
  `bbox/AP` in percent); `jsonl`: any log of one JSON object per line (a `.jsonl` file).

Every reader bounds what it reads (MAX_BYTES) and refuses what it cannot read with one `ValidationError`
naming the file, what was found and the option to use.
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from ._common import (
    input_error,
    is_frame,
    is_missing,
    is_path,
    is_records,
    join_names,
    non_finite_cells,
    path_kind,
    read_table,
    require,
    shown,
    to_number,
)

__all__ = ["Log", "read_log", "FORMATS", "MAX_BYTES"]

_TITLE = "history"
FORMATS = ("huggingface", "lightning", "keras", "csv", "tensorboard", "tensorboard-csv", "ultralytics", "detectron2",
           "jsonl")
MAX_BYTES = 512 * 1024 * 1024
"""The largest log file read (a step-level log of millions of rows is still far below it)."""

_VALIDATION_RUNS = {"validation", "val", "valid", "eval", "evaluation", "dev", "test"}
_TRAIN_RUNS = {"train", "training"}


@dataclass
class Log:
    """Rows of logged numbers (`records`), or for a Keras History its per-epoch `columns`, with provenance."""

    format: str
    where: str
    records: list[dict[str, float]] = field(default_factory=list)
    columns: dict[str, list[Any]] | None = None
    percent: frozenset[str] = frozenset()
    notes: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    """Every column name seen, text columns included (a run table's 'Name' and 'State')."""
    dropped: dict[str, list[str]] = field(default_factory=dict)
    """Column -> where it held a number that is not usable (NaN, inf, 10**400, '1_0'): 'row 4', 'step 300'.
    The reader leaves those cells out and says so in its notes (`dropped_notes`)."""

    def drop(self, name: str, where: str) -> None:
        self.dropped.setdefault(name, []).append(where)

    def dropped_notes(self) -> list[str]:
        return describe_dropped(self.dropped)

    def names(self) -> list[str]:
        if self.header:
            return list(self.header)
        if self.columns is not None:
            return list(self.columns)
        return list(dict.fromkeys(name for record in self.records for name in record))


def describe_dropped(dropped: Mapping[str, Sequence[str]]) -> list[str]:
    """One note per column that lost cells, naming how many and where (the first few): "2 cells of
    'val_loss' hold no finite number (NaN, inf, or too large for a float) and were left out: rows 3, 4"."""
    notes = []
    for name, places in dropped.items():
        kinds = {place.split(" ", 1)[0] for place in places}
        listed = list(places) if len(kinds) > 1 else [place.split(" ", 1)[1] for place in places]
        where = ", ".join(listed[:5]) + (f" and {len(places) - 5} more" if len(places) > 5 else "")
        if len(kinds) == 1:
            where = f"{kinds.pop()}{'s' if len(places) > 1 else ''} {where}"
        one = len(places) == 1
        notes.append(f"{'1 cell' if one else f'{len(places)} cells'} of {shown(name)} {'holds' if one else 'hold'} no "
                     f"finite number (NaN, inf, or too large for a float) and {'was' if one else 'were'} left out: "
                     f"{where}")
    return notes


def _refuse(where: str, why: str, found: Any = None) -> Exception:
    """One ValidationError for the history: `why` names the file itself, so the location is the input's role."""
    return input_error(_TITLE, "history" if where not in ("format",) else "log_format", why,
                       found if found is not None else where)


def read_log(history: Any, log_format: str | None = None) -> Log:
    """A `Log` from a path (file or folder) or an in-memory history (see the module docstring)."""
    if log_format is not None and log_format not in FORMATS:
        from ..facts import suggest

        hint = suggest(log_format, FORMATS)
        raise _refuse("format", f"unknown log format {log_format!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                      + f"; formats: {', '.join(FORMATS)}", log_format)
    if is_path(history):
        return _read_path(Path(history), log_format)
    return _read_memory(history)


# ---------------------------------------------------------------- in memory
def _read_memory(history: Any) -> Log:
    logged = getattr(history, "history", None)  # a keras.callbacks.History
    if isinstance(logged, Mapping) and not is_frame(history):
        history = logged
    if isinstance(history, Mapping):
        if isinstance(history.get("log_history"), list):  # a loaded trainer_state.json
            return _log("huggingface", "history", history["log_history"])
        columns = {str(key): _as_list(key, value) for key, value in history.items()}
        lengths = {len(values) for values in columns.values()}
        from .history import SPELLINGS, _find

        if len(lengths) == 1 and _find(list(columns), SPELLINGS["epoch"] + SPELLINGS["step"]):  # a table by column
            return _log("records", "history", [dict(zip(columns, row)) for row in zip(*columns.values())],
                        nan_is_missing=True)
        return Log("keras", "history", columns=columns)
    if is_frame(history) or is_records(history) or (isinstance(history, (list, tuple)) and history
                                                    and all(isinstance(r, (list, tuple)) for r in history)):
        header, rows = read_table(history, what="history", title=_TITLE)
        return _log("records", "history", [dict(zip(header, row)) for row in rows], header, nan_is_missing=True)
    if isinstance(history, (list, tuple)) and not history:
        return Log("records", "history")
    raise _refuse("history", f"cannot read a {type(history).__name__} as a training history: give a log file or "
                  "folder path, a Keras History or its .history dict, a list of logged dicts, or a pandas DataFrame",
                  type(history).__name__)


def _as_list(key: Any, value: Any) -> list[Any]:
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise _refuse(str(key), f"history[{key!r}] must be a list of per-epoch values; got {type(value).__name__}",
                      repr(value)[:60])
    return list(value)


def _log(fmt: str, where: str, rows: Any, header: list[str] | None = None, *, nan_is_missing: bool = False) -> Log:
    """A Log of logged rows (mappings), keeping every column name for the run-table check.

    `nan_is_missing` for an in-memory table (a DataFrame, its records, a dict of columns): pandas writes NaN for
    a cell that was never logged (Lightning logs training and validation on rows of their own), so NaN there
    is an empty cell; inf and overflowing numbers are still reported. Elsewhere (a log file, Hugging Face's
    log_history) a missing value is an absent key or an empty cell, and a NaN is what was logged (a diverged loss)."""
    rows = [row for row in rows if _is_mapping(row)]
    if header is None:
        header = list(dict.fromkeys(str(key).strip() for row in rows for key in row))
    log = Log(fmt, where, header=header)
    log.records = _numeric_records(rows, log, nan_is_missing)
    return log


def _number(cell: Any) -> float | None:
    """`to_number`, with a fast path for the text cells of a CSV log (millions of them in a step-level log)."""
    if cell.__class__ is str:
        if not cell or cell.isspace():
            return None
        try:
            value = float(cell)
        except ValueError:
            return None
        return value if math.isfinite(value) else None
    return to_number(cell)


def _is_mapping(row: Any) -> bool:
    return isinstance(row, dict) or isinstance(row, Mapping)  # dict first: the ABC check is slow per row


def _numeric_records(rows: Any, log: Log, nan_is_missing: bool = False) -> list[dict[str, float]]:
    """Each row as name -> finite number; text and empty cells dropped, non-finite numbers dropped and recorded
    in `log.dropped` (row numbers count the logged rows from 1; a NaN only unless `nan_is_missing`, see `_log`);
    rows with no number dropped."""
    out = []
    names: dict[Any, str] = {}  # each key's stripped name, computed once
    for number, row in enumerate(rows, 1):
        if not _is_mapping(row):
            continue
        numbers = {}
        for key, cell in row.items():
            value = _number(cell)
            name = names.get(key)
            if name is None:
                name = names[key] = str(key).strip()
            if value is not None:
                numbers[name] = value
            elif non_finite_cells((cell,)) and not (nan_is_missing and is_missing(cell)):
                log.drop(name, f"row {number}")
        if numbers:
            out.append(numbers)
    return out


# ---------------------------------------------------------------- files and folders
def _read_path(path: Path, log_format: str | None) -> Log:
    where = str(path)
    kind = path_kind(path, title=_TITLE, what="history")
    if kind is None:
        raise _refuse(where, f"{where}: no such file or folder")
    if kind == "folder":
        return _read_folder(path, log_format)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise _refuse(where, f"{where} is {size:,} bytes, more than the {MAX_BYTES:,} a history is "
                      "read up to (mlstrategy.adapters.logs.MAX_BYTES)", size)
    chosen = log_format or _sniff(path)
    reader = _READERS.get(chosen, _read_csv_log)
    return reader(path)


def _sniff(path: Path) -> str:
    """The format of one file, from its name and first bytes."""
    if path.name.startswith("events.out.tfevents"):
        return "tensorboard"
    with path.open("rb") as handle:
        head = handle.read(4096)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    if text.startswith("{") or text.startswith("["):
        first = text.splitlines()[0] if text else ""
        lines = path.suffix.lower() == ".jsonl" or (first.rstrip().endswith("}") and '"log_history"' not in text
                                                     and _one_object_per_line(path))
        return "detectron2" if lines else "huggingface"  # one JSON object per line, else one JSON document
    header = [normal_cell(c) for c in re.split(r"[,;\t]", text.splitlines()[0])] if text else []
    if header[:3] == ["wall time", "step", "value"]:
        return "tensorboard-csv"
    if any(c.startswith("train/") for c in header) and any(c.startswith("metrics/") for c in header):
        return "ultralytics"
    if "step" in header and "epoch" in header:
        return "lightning"
    return "csv"


def normal_cell(cell: str) -> str:
    return cell.strip().strip('"').strip().lower()


def _one_object_per_line(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as handle:
        lines = [line for _, line in zip(range(3), handle) if line.strip()]
    try:
        return len(lines) > 1 and all(isinstance(json.loads(line), dict) for line in lines)
    except ValueError:
        return False


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except ValueError as error:
        raise _refuse(str(path), f"{path} is not JSON ({str(error)[:80]}); for one JSON object per line give "
                      "--history-format detectron2", path.name) from None


def _read_huggingface(path: Path) -> Log:
    state = _read_json(path)
    if isinstance(state, Mapping) and isinstance(state.get("log_history"), list):
        log = _log("huggingface", str(path), state["log_history"])
        if state.get("best_model_checkpoint"):
            log.notes.append(f"the trainer kept {state['best_model_checkpoint']!r} as its best checkpoint "
                             f"(best metric {state.get('best_metric')})")
        return log
    if isinstance(state, list):
        return _log("records", str(path), state)
    keys = list(state)[:8] if isinstance(state, Mapping) else []
    raise _refuse(str(path), f"{path} is JSON without a 'log_history' list (keys: {join_names(keys)}): not a Hugging "
                  "Face trainer_state.json; for detectron2's metrics.json give --history-format detectron2", path.name)


def _read_detectron2(path: Path) -> Log:
    records = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                raise _refuse(str(path), f"{path} line {number} is not a JSON object: detectron2's metrics.json has "
                              "one per line", line[:40]) from None
            if not isinstance(row, dict):
                raise _refuse(str(path), f"{path} line {number} is JSON but not an object (a {type(row).__name__}): "
                              "a log of one JSON object per line has an object on every line", line[:40])
            records.append(row)
    log = _log("detectron2" if any("iteration" in r for r in records) else "jsonl", str(path), records)
    log.percent = frozenset(name for name in log.names() if re.search(r"/(AP|mIoU|top1|accuracy)", name))
    if any("iteration" in r for r in log.records) and not any(log.percent & set(r) for r in log.records):
        log.notes.append("no evaluation rows (bbox/AP, segm/AP): only the training loss is read")
    return log


def _read_csv_log(path: Path, fmt: str | None = None) -> Log:
    header, rows = read_table(path, what="history", title=_TITLE)
    return _log(fmt or ("lightning" if {"step", "epoch"} <= {h.lower() for h in header} else "keras"), str(path),
                [dict(zip(header, row)) for row in rows], header)


def _read_ultralytics(path: Path) -> Log:
    header, rows = read_table(path, what="history", title=_TITLE)
    records = []
    log = Log("ultralytics", str(path))
    for number, row in enumerate(rows, 1):
        record = {}
        for name, cell in zip(header, row):
            value = to_number(cell)
            if value is not None:
                record[name] = value
            elif non_finite_cells((cell,)):
                log.drop(name, f"row {number}")
        for part, name in (("train/", "loss"), ("val/", "val_loss")):
            losses = [v for k, v in record.items() if k.startswith(part) and k.endswith("loss")]
            if losses and name not in record:
                record[name] = round(math.fsum(losses), 12)
        if record:
            records.append(record)
    log.records = records
    parts = [h for h in header if h.startswith("train/") and h.endswith("loss")]
    if len(parts) > 1:
        log.notes.append(f"the losses are the sums of {', '.join(p[6:] for p in parts)} (train/ and val/)")
    return log


def _read_tensorboard_csv(paths: list[Path], where: str) -> Log:
    by_step: dict[tuple[str, float], dict[str, float]] = {}
    log = Log("tensorboard-csv", where,
              notes=[f"{len(paths)} TensorBoard CSV export(s) merged by step"] if len(paths) > 1 else [])
    for path in paths:
        header, rows = read_table(path, what="history", title=_TITLE)
        names = [normal_cell(h) for h in header]
        if names[:3] != ["wall time", "step", "value"]:
            raise _refuse(str(path), f"{path}: columns {join_names(header)}, not TensorBoard's 'Wall time', 'Step', "
                          "'Value'", join_names(header)[:60])
        run, tag = _tag_from_file(path.stem)
        name = _scalar_name(run, tag)
        for row in rows:
            step, value = to_number(row[1]), to_number(row[2])
            if step is not None and value is not None:
                by_step.setdefault((run if run in _VALIDATION_RUNS else "", step), {"step": step})[name] = value
            elif step is not None and non_finite_cells(row[2:3]):
                log.drop(name, f"step {step:g}")
    log.records = list(by_step.values())
    return log


def _tag_from_file(stem: str) -> tuple[str, str]:
    """('validation', 'epoch_loss') from 'run-validation-tag-epoch_loss' (TensorBoard's download name)."""
    match = re.match(r"^run[-_](.*?)-tag-(.+)$", stem)
    if match:
        return match.group(1).strip("._-").lower(), match.group(2)
    return "", stem


def _scalar_name(run: str, tag: str) -> str:
    """A column name for a tag: Keras' train/validation run folders prefix it ('validation' + 'epoch_loss' ->
    'val_loss'); other tags keep their name ('eval/loss')."""
    leaf = run.replace("\\", "/").split("/")[-1].lower() if run else ""
    base = re.sub(r"^epoch_", "", tag)
    if leaf in _VALIDATION_RUNS:
        return f"{'test' if leaf == 'test' else 'val'}_{base}"
    if leaf in _TRAIN_RUNS and not base.lower().startswith("train"):
        return f"train_{base}"
    return tag


def _read_events(paths: list[Path], root: Path) -> Log:
    accumulator = require("tensorboard.backend.event_processing.event_accumulator", "reading TensorBoard event files",
                          "tensorboard").EventAccumulator
    tensor_util = require("tensorboard.util.tensor_util", "reading TensorBoard event files", "tensorboard")
    folders = sorted({p.parent for p in paths})
    runs = {folder: ("" if folder == root else folder.relative_to(root).as_posix()) for folder in folders}
    read: dict[Path, list[tuple[str, list[tuple[int, float]]]]] = {}
    for folder in folders:
        for path in sorted(p for p in paths if p.parent == folder):
            events = accumulator(str(path), size_guidance={"scalars": 0, "tensors": 0})
            try:
                events.Reload()
            except Exception as error:  # a truncated or foreign file: tensorboard raises its own errors
                raise _refuse(str(path), f"{path} is not a readable TensorBoard event file ({type(error).__name__})",
                              path.name) from None
            tags = events.Tags()
            scalars = [(t, [(e.step, e.value) for e in events.Scalars(t)]) for t in tags.get("scalars", [])]
            for tag in tags.get("tensors", []):  # TF2 / Keras write scalars as tensors
                values = []
                for event in events.Tensors(tag):
                    array = tensor_util.make_ndarray(event.tensor_proto)
                    if array.size == 1 and array.dtype.kind in "fiu":
                        values.append((event.step, float(array.reshape(-1)[0])))
                if values:
                    scalars.append((tag, values))
            scalars = [(tag, values) for tag, values in scalars if tag != "hp_metric"]  # Lightning's placeholder
            if scalars:
                read.setdefault(folder, []).extend(scalars)
    if not read:
        raise _refuse(str(root), f"{root}: its {len(paths)} TensorBoard event file(s) hold no scalars (only graphs, "
                      "hyperparameters or images?)", str(root))
    plain = [runs[f] for f in read if runs[f].split("/")[-1].lower() not in _VALIDATION_RUNS | _TRAIN_RUNS]
    if len(plain) > 1:
        raise _refuse(str(root), f"{root} holds {len(plain)} TensorBoard runs ({join_names(plain[:6])}): give the "
                      "folder of one run", join_names(plain[:6]))
    by_step: dict[tuple[str, float], dict[str, float]] = {}
    log = Log("tensorboard", str(root))
    for folder, scalars in read.items():
        run = runs[folder]
        leaf = run.split("/")[-1].lower()
        for tag, values in scalars:
            name = _scalar_name(run, tag)
            for step, value in values:
                if to_number(value) is not None:
                    key = ("val" if leaf in _VALIDATION_RUNS else "", float(step))
                    by_step.setdefault(key, {"step": float(step)})[name] = _shortest(value)
                else:  # an event holds a float32: only NaN or inf can be unusable
                    log.drop(name, f"step {step}")
    log.records = list(by_step.values())
    return log


def _shortest(value: float) -> float:
    """An event file's float32 as the shortest decimal that is that float32 (0.8, not 0.800000011920929)."""
    import numpy

    return float(str(numpy.float32(value)))


def _read_folder(folder: Path, log_format: str | None) -> Log:
    found = _folder_formats(folder)
    if log_format:
        if log_format not in found:
            raise _refuse(str(folder), f"{folder}: no {log_format} log found (found: "
                          f"{', '.join(found) or 'no log files'})", str(folder))
        chosen = log_format
    elif not found:
        names = sorted(p.name for p in folder.iterdir())[:8]
        raise _refuse(str(folder), f"{folder}: no training log found (files: {join_names(names)}); looked for "
                      "trainer_state.json, metrics.csv, results.csv, metrics.json, training.log, events.out.tfevents.* and "
                      "TensorBoard CSV exports; give the log file itself (--history FILE --history-format NAME)",
                      join_names(names)[:60])
    else:
        chosen = next(iter(found))
    files = found[chosen]
    if chosen == "tensorboard":
        log = _read_events(files, folder)
    elif chosen == "tensorboard-csv":
        log = _read_tensorboard_csv(files, str(folder))
    else:
        if len(files) > 1:
            raise _refuse(str(folder), f"{folder} holds {len(files)} {chosen} logs ("
                          f"{join_names(str(f.relative_to(folder)) for f in files[:4])}): give one of them",
                          str(files[0]))
        log = _READERS[chosen](files[0])
    others = [name for name in found if name != chosen]
    if others:
        log.notes.append(f"read the {chosen} log of {folder}; it also holds {', '.join(others)} "
                         "(--history-format chooses)")
    return log


def _checkpoint_number(path: Path) -> int:
    match = re.search(r"checkpoint-(\d+)", path.parent.name)
    return int(match.group(1)) if match else -1


def _folder_formats(folder: Path) -> dict[str, list[Path]]:
    """Format -> the log files of that format in a folder, in order of preference."""
    found: dict[str, list[Path]] = {}
    states = [folder / "trainer_state.json"] if (folder / "trainer_state.json").is_file() else \
        sorted(folder.glob("checkpoint-*/trainer_state.json"), key=_checkpoint_number)[-1:]
    if states:
        found["huggingface"] = states
    metrics = [p for p in [folder / "metrics.csv", *sorted(folder.glob("version_*/metrics.csv")),
                           *sorted(folder.glob("lightning_logs/version_*/metrics.csv"))] if p.is_file()]
    if metrics:
        found["lightning"] = metrics
    if (folder / "training.log").is_file():  # Keras' CSVLogger, as most examples name it
        found["keras"] = [folder / "training.log"]
    if (folder / "results.csv").is_file():
        found["ultralytics"] = [folder / "results.csv"]
    if (folder / "metrics.json").is_file():
        found["detectron2"] = [folder / "metrics.json"]
    events = _event_files(folder)
    if events:
        found["tensorboard"] = events
    exports = [p for p in sorted(folder.glob("*.csv")) if p.name not in ("metrics.csv", "results.csv")
               and _sniff(p) == "tensorboard-csv"]
    if exports:
        found["tensorboard-csv"] = exports
    return found


MAX_SCAN_DEPTH = 4  # a TensorBoard log dir: runs/<run>/events.*, lightning_logs/version_0/events.*, train/events.*
MAX_SCAN_ENTRIES = 20_000  # files and folders looked at under a history folder before it is refused


def _event_files(folder: Path) -> list[Path]:
    """The TensorBoard event files under `folder`, up to `MAX_SCAN_DEPTH` folders down (symbolic links to folders
    are not followed); a folder with more than `MAX_SCAN_ENTRIES` entries in that reach is refused, so a path
    such as '/' is one error and not a walk of the whole file system."""
    found, seen = [], 0
    for root, dirs, files in os.walk(folder):
        seen += len(dirs) + len(files)
        if seen > MAX_SCAN_ENTRIES:
            raise _refuse(str(folder), f"{folder} holds more than {MAX_SCAN_ENTRIES:,} files and folders within "
                          f"{MAX_SCAN_DEPTH} levels: not a training run's folder; give the log file itself or the "
                          "run's own folder", str(folder))
        if len(Path(root).relative_to(folder).parts) + 1 >= MAX_SCAN_DEPTH:
            dirs.clear()
        found += [Path(root, name) for name in files if name.startswith("events.out.tfevents.")]
    return sorted(path for path in found if path.is_file())


_READERS = {
    "huggingface": _read_huggingface,
    "detectron2": _read_detectron2,
    "jsonl": _read_detectron2,
    "ultralytics": _read_ultralytics,
    "lightning": lambda path: _read_csv_log(path, "lightning"),
    "keras": lambda path: _read_csv_log(path, "keras"),
    "csv": _read_csv_log,
    "tensorboard": lambda path: _read_events([path], path.parent),
    "tensorboard-csv": lambda path: _read_tensorboard_csv([path], str(path)),
}
