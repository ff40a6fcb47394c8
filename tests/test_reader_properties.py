"""Every reader, on arbitrary bytes and arbitrary JSON: a result or a pydantic.ValidationError, never another
exception; on the command line, exit 0 or 2 with short lines and no traceback.

The same properties, run for hours with atheris, are benchmarks/fuzz_readers.py.
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import warnings

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from pydantic import ValidationError

import mlstrategy as mls
from mlstrategy.adapters import situation_from_prediction_table
from mlstrategy.adapters.history import DroppedCellsWarning
from mlstrategy.cli import main

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25,
)
"""Any JSON value (NaN and infinities included: Python's json reads them)."""

COLUMNS = ["set", "y_true", "y_pred", "epoch", "loss", "val_loss", "accuracy", "val_accuracy", "Image", "Dog",
           "Blurry", "Mislabeled", "Comments", "train", "dev", "x", "✓", "nan", "inf", "1e400", "1_0", "", '"']
cells = st.one_of(st.sampled_from(COLUMNS), st.text(max_size=8), st.integers().map(str),
                  st.floats().map(repr))
csv_text = st.lists(st.lists(cells, min_size=1, max_size=6), min_size=0, max_size=8).map(
    lambda rows: "\n".join(",".join(row) for row in rows))
file_bytes = st.one_of(st.binary(max_size=300), csv_text.map(lambda text: text.encode("utf-8")),
                       json_values.map(lambda value: json.dumps(value).encode()))
"""Bytes for a file: arbitrary ones, CSV-like text made of the column names the readers look for, and JSON."""


def settle(read, *args, **kwargs):
    """Call a reader: a result or a ValidationError is fine, anything else fails the property. A history with cells
    that hold no finite number warns with DroppedCellsWarning by design (the cells are left out and reported): that
    warning is a result too; any other warning still fails (warnings are errors in the suite)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DroppedCellsWarning)
            return read(*args, **kwargs)
    except ValidationError as error:
        assert error.errors()  # one or more problems, each with a message
        return None


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@EXAMPLES
@given(data=file_bytes, suffix=st.sampled_from([".yaml", ".json", ".toml", ".yml"]))
def test_situation_files(folder, data, suffix):
    path = folder / f"situation{suffix}"
    path.write_bytes(data)
    settle(mls.Situation.from_file, path)


@EXAMPLES
@given(data=file_bytes, reader=st.sampled_from(["predictions", "errors", "history"]),
       suffix=st.sampled_from([".csv", ".tsv", ".xlsx"]))
def test_table_files(folder, data, reader, suffix):
    path = folder / f"table{suffix}"
    path.write_bytes(data)
    read = {"predictions": situation_from_prediction_table, "errors": mls.Situation.from_error_sheet,
            "history": mls.Situation.from_history}[reader]
    if suffix == ".xlsx" and reader != "errors":
        return  # only the error sheet reads workbooks
    settle(read, str(path))


@EXAMPLES
@given(y_true=json_values, y_pred=json_values)
def test_predictions_from_any_json(y_true, y_pred):
    situation = settle(mls.Situation.from_predictions, dev=(y_true, y_pred))
    if situation is not None:
        assert 0 <= situation.dev_error <= 1 and situation.dev_size >= 1


@EXAMPLES
@given(sheet=json_values)
def test_error_sheets_and_histories_from_any_json(sheet):
    settle(mls.Situation.from_error_sheet, sheet, dev_error=0.1)
    settle(mls.Situation.from_history, sheet)
    settle(situation_from_prediction_table, sheet)


@EXAMPLES
@given(value=json_values)
def test_situations_from_any_json(value):
    situation = settle(mls.Situation.from_any, value) if isinstance(value, dict) else None
    result = mls.advise_many([value])[0]
    assert bool(result) == (situation is not None) or not isinstance(value, dict)
    if not result:
        assert len(result.message) < 50_000 and result.error_type == "ValidationError"


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@EXAMPLES
@given(lines=st.lists(st.one_of(file_bytes, json_values.map(lambda v: json.dumps(v).encode())), max_size=5))
def test_json_lines_batches(folder, lines):
    """Each line is answered: its advice or its own error entry; the run never stops at a bad line."""
    path = folder / "runs.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines))
    code, out, err = run_cli("advise", str(path))
    assert code in (0, 2) and "Traceback" not in err
    entries = [json.loads(line) for line in out.splitlines() if line]
    answered = [line for line in path.read_bytes().split(b"\n") if line.strip()]
    assert len(entries) == len(answered)


@EXAMPLES
@given(data=file_bytes, option=st.sampled_from([None, "--predictions", "--history", "--errors", "--settings"]),
       suffix=st.sampled_from([".yaml", ".json", ".csv"]))
def test_the_command_line_on_any_file(folder, data, option, suffix):
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    args = ["advise", str(path)] if option is None else ["advise", "--train-error", "1%", option, str(path)]
    code, _, err = run_cli(*args, "--format", "json")
    assert code in (0, 2), err
    if code == 2:
        assert err.startswith("mlstrategy: ") and "Traceback" not in err
        assert all(len(line) < 2_500 for line in err.splitlines())


def test_nan_is_a_json_value_here():
    assert math.isnan(json.loads("NaN"))  # so json_values covers what Python's json accepts
