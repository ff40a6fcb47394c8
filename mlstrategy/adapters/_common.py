"""What the adapters share: one kind of input error, reading cells and tables, and optional imports.

Adapters read plain Python values, CSV files (standard library) and anything array-like by duck typing
(`.tolist()`, `.columns`), so none of them needs numpy or pandas to be installed; only what cannot be read
without a library (an Excel workbook) imports one, inside the function that needs it.
"""
from __future__ import annotations

import csv
import importlib
import math
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

__all__ = ["EXTRA", "input_error", "require", "is_missing", "to_number", "read_table", "Table"]

EXTRA = "data"
"""The optional-dependency extra that installs what the adapters can use (`pip install 'mlstrategy[data]'`)."""

Table = tuple[list[str], list[list[Any]]]
"""A header (column names) and rows (one list of cells per row, as long as the header)."""


def input_error(title: str, where: str, why: str, value: Any = None) -> ValidationError:
    """A `pydantic.ValidationError` (a ValueError) for input an adapter cannot read.

    The same type as every other invalid fact, so callers and the CLI handle both alike. `where` names the
    part of the input (a set, a column); `value` is a short excerpt of the offending input for the message.
    """
    return ValidationError.from_exception_data(
        title,
        [{"type": PydanticCustomError("adapter_input", "{why}", {"why": why}), "loc": (where,),
          "input": value if value is not None else where}],
    )


def require(module: str, feature: str, packages: str) -> Any:
    """Import an optional dependency, or raise ImportError naming what to install.

    >>> require("math", "nothing", "nothing").sqrt(4.0)
    2.0
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{feature} needs {packages}: pip install 'mlstrategy[{EXTRA}]'") from exc


def is_missing(value: Any) -> bool:
    """True for an empty cell: None, NaN, pandas' NA/NaT, or a blank string."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(value != value)  # NaN (float, numpy) is the one value not equal to itself
    except (TypeError, ValueError):  # pandas.NA: its comparison is NA, whose truth value raises
        return True


def to_number(value: Any) -> float | None:
    """A cell as a finite float, or None when it is empty, not numeric, or not finite."""
    if isinstance(value, bool) or is_missing(value):
        return None
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def is_path(value: Any) -> bool:
    """True for a str or os.PathLike naming a file (not for in-memory data)."""
    return isinstance(value, (str, os.PathLike))


def read_csv(path: str | os.PathLike[str]) -> Table:
    """Read a CSV (or TSV, or semicolon-separated) file into a header and rows of strings.

    Excel's UTF-8 byte-order mark is dropped, and the delimiter is the one the header line uses most
    (',' ';' or tab), so files saved from a spreadsheet in any locale read the same; free text in later
    rows cannot mislead it.
    """
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        handle.seek(0)
        counts = {mark: first.count(mark) for mark in (",", ";", "\t")}
        delimiter = max(counts, key=counts.__getitem__) if any(counts.values()) else ","
        rows = list(csv.reader(handle, delimiter=delimiter))
    if not rows:
        return [], []
    header = [cell.strip() for cell in rows[0]]
    width = len(header)
    body = [(row + [""] * width)[:width] for row in rows[1:]]
    return header, body


def from_records(records: Sequence[Mapping[str, Any]]) -> Table:
    """A table from a list of per-row mappings; columns in order of first appearance, gaps as None."""
    header: list[str] = []
    seen: set[str] = set()
    for record in records:
        for key in record:
            if key not in seen:
                seen.add(key)
                header.append(key)
    return [str(c).strip() for c in header], [[record.get(key) for key in header] for record in records]


def from_frame(frame: Any) -> Table:
    """A table from a pandas (or pandas-like) DataFrame, without importing pandas."""
    header = [str(column).strip() for column in frame.columns]
    return header, [list(row) for row in frame.itertuples(index=False, name=None)]


def is_frame(value: Any) -> bool:
    """True for a DataFrame-like object (pandas, or anything with columns and itertuples)."""
    return hasattr(value, "columns") and hasattr(value, "itertuples")


def is_records(value: Any) -> bool:
    """True for a non-empty list or tuple of mappings (per-row records)."""
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(row, Mapping) for row in value)


def read_table(source: Any, *, what: str, title: str, excel: bool = False) -> Table:
    """A table from a CSV path, a DataFrame, a list of row mappings, or a list of rows whose first is the header.

    With `excel=True`, an .xlsx/.xls/.ods path is read with pandas (an optional dependency).
    """
    if is_path(source):
        suffix = Path(source).suffix.lower()
        if excel and suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
            pandas = require("pandas", f"reading {suffix} files", "pandas (and openpyxl for .xlsx)")
            try:
                frame = pandas.read_excel(source)
            except ImportError as exc:
                raise ImportError(f"reading {suffix} files needs {exc.name or 'an Excel reader'}: "
                                  f"pip install 'mlstrategy[{EXTRA}]' ({exc})") from exc
            return from_frame(frame)
        return read_csv(source)
    if is_frame(source):
        return from_frame(source)
    if is_records(source):
        return from_records(source)
    if isinstance(source, (list, tuple)) and source and all(isinstance(row, (list, tuple)) for row in source):
        header = [str(cell).strip() if not is_missing(cell) else "" for cell in source[0]]
        width = len(header)
        return header, [(list(row) + [None] * width)[:width] for row in source[1:]]
    raise input_error(title, what, f"cannot read a {type(source).__name__} as a {what}: give a CSV file path, a pandas "
                      "DataFrame, a list of row dicts, or a list of rows whose first row is the header",
                      type(source).__name__)


def join_names(names: Iterable[str]) -> str:
    """Column names for a message: 'a', 'b', 'c' (or '(none)')."""
    text = ", ".join(repr(name) for name in names)
    return text or "(none)"
