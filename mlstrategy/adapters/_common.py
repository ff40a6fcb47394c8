"""What the adapters share: one kind of input error, reading cells and tables, and optional imports.

Adapters read plain Python values, CSV files (standard library) and anything array-like by duck typing
(`.tolist()`, `.columns`), so none of them needs numpy or pandas to be installed; only what cannot be read
without a library (an Excel workbook) imports one, inside the function that needs it.
"""
from __future__ import annotations

import csv
import importlib
import io
import itertools
import math
import os
import re
import zipfile
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence


from .._text import excerpt
from ..files import MAX_FILE_BYTES, _path_problem, _shown, decode_text, input_error, path_kind, read_bytes, read_text  # noqa: F401

__all__ = ["EXTRA", "input_error", "require", "is_missing", "to_number", "read_table", "Table", "read_bytes",
           "read_text", "read_csv", "non_finite_cells", "MAX_TABLE_BYTES", "MAX_TABLE_ROWS", "shown"]

MAX_TABLE_BYTES = 10 * MAX_FILE_BYTES
"""CSV files and workbooks (predictions, histories, error sheets) larger than this (100 MiB) are refused. A
prediction table of a million examples is about 20 MB; the limit is on bytes read, so a device or a growing
file cannot get past it by reporting a small size."""
MAX_TABLE_ROWS = 2_000_000
"""CSV tables hold at most this many rows (a million test predictions, or two million logged steps). A row
takes 100-200 bytes of memory once read, so 100 MiB of short lines (or of blank ones) would otherwise take
gigabytes; two million rows take a few hundred MB."""

EXTRA = "data"
"""The optional-dependency extra that installs what the adapters can use (`pip install 'mlstrategy[data]'`)."""

Table = tuple[list[str], list[list[Any]]]
"""A header (column names) and rows (one list of cells per row, as long as the header)."""


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
    if isinstance(value, str) and "_" in value:  # float("1_0") is 10.0: a typo, never a logged number
        return None
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def shown(value: Any) -> str:
    """A cell or label for a message, as repr would show it ('dog', 0.2) but cut short (see `excerpt`)."""
    return f"'{excerpt(value)}'" if isinstance(value, str) else excerpt(value)


_NUMERIC_TEXT = re.compile(r"^[+-]?(nan|inf|infinity|\d[\d_]*\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?)$", re.IGNORECASE)


def non_finite_cells(cells: Iterable[Any]) -> list[int]:
    """Positions of the cells that hold a number `to_number` cannot use: NaN, infinity, a number too large for a
    float (10**400), or digits with '_' separators. Readers report these ("3 cells dropped: rows 4, 9, 12")
    instead of silently reading them as empty."""
    found = []
    for position, cell in enumerate(cells):
        if isinstance(cell, bool) or cell is None or to_number(cell) is not None:
            continue
        if isinstance(cell, str):
            if _NUMERIC_TEXT.match(cell.strip()):
                found.append(position)
        elif isinstance(cell, (int, float)) or hasattr(cell, "__float__"):
            try:
                value = float(cell)
            except (TypeError, ValueError, OverflowError):
                found.append(position)
                continue
            if not math.isfinite(value):  # NaN, inf (pandas' missing values are NaN too: the reader decides)
                found.append(position)
    return found


def is_path(value: Any) -> bool:
    """True for a str or os.PathLike naming a file (not for in-memory data)."""
    return isinstance(value, (str, os.PathLike))


def read_csv(path: str | os.PathLike[str], *, title: str = "table", what: str = "table") -> Table:
    """Read a CSV (or TSV, or semicolon-separated) file into a header and rows of strings.

    Excel's UTF-8 byte-order mark is dropped, and the delimiter is the one the header line uses most
    (',' ';' or tab), so files saved from a spreadsheet in any locale read the same; free text in later
    rows cannot mislead it. At most `MAX_TABLE_BYTES` are read; a file that is not UTF-8 or not CSV (a cell
    over the csv module's field limit, a quote left open) is one `ValidationError` naming the line.
    """
    text = read_text(path, limit=MAX_TABLE_BYTES, title=title, what=what)
    first = text.split("\n", 1)[0]
    counts = {mark: first.count(mark) for mark in (",", ";", "\t")}
    delimiter = max(counts, key=counts.__getitem__) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(itertools.islice(reader, MAX_TABLE_ROWS + 2))  # the header, the rows, one more to tell
    except csv.Error as exc:
        raise input_error(title, what, f"cannot read {_shown(path)} as CSV: line {reader.line_num}: {exc}",
                          str(path)) from None
    if len(rows) > MAX_TABLE_ROWS + 1:
        raise input_error(title, what, f"cannot read {_shown(path)}: a {what} is limited to {MAX_TABLE_ROWS:,} rows "
                          "and this one holds more", str(path))
    if not rows:
        return [], []
    header = [cell.strip() for cell in rows[0]]
    width = len(header)
    body = [row if len(row) == width else (row + [""] * width)[:width] for row in itertools.islice(rows, 1, None)]
    return header, body


def read_workbook(path: str | os.PathLike[str], *, title: str, what: str) -> Table:
    """The first sheet of an .xlsx/.xls/.ods file, read with pandas (an optional dependency), bounded in bytes
    read and in unzipped size; a file that is not a workbook is one `ValidationError`."""
    suffix = Path(path).suffix.lower()
    pandas = require("pandas", f"reading {suffix} files", "pandas (and openpyxl for .xlsx)")
    data = read_bytes(path, limit=MAX_TABLE_BYTES, title=title, what=what)
    if suffix != ".xls":  # .xlsx/.xlsm/.ods are zip files: refuse a zip bomb before it is inflated
        try:
            unzipped = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(data)).infolist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError):
            # NotImplementedError: a zip "version" or compression method zipfile does not know (found by atheris)
            raise input_error(title, what, f"cannot read {_shown(path)}: not a {suffix} workbook (a {suffix} file "
                              "is a zip archive; this one is not); export the sheet as CSV or save it again",
                              str(path)) from None
        if unzipped > MAX_TABLE_BYTES:
            raise input_error(title, what, f"cannot read {_shown(path)}: it unzips to {unzipped:,} bytes, more "
                              f"than the {MAX_TABLE_BYTES:,} allowed", str(path))
    try:
        frame = pandas.read_excel(io.BytesIO(data))
    except ImportError as exc:
        raise ImportError(f"reading {suffix} files needs {exc.name or 'an Excel reader'}: "
                          f"pip install 'mlstrategy[{EXTRA}]' ({exc})") from exc
    except Exception as exc:  # openpyxl, xlrd and odfpy raise many kinds (KeyError, ValueError, XML errors...)
        raise input_error(title, what, f"cannot read {_shown(path)} as a {suffix} workbook: "
                          f"{type(exc).__name__}: {excerpt(str(exc), 120)}", str(path)) from None
    return from_frame(frame)


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
        if excel and Path(source).suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
            return read_workbook(source, title=title, what=what)
        return read_csv(source, title=title, what=what)
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
    """Column names for a message: 'a', 'b', 'c' (or '(none)'), the first 20, each cut short."""
    names = list(names)
    text = ", ".join(f"'{excerpt(name)}'" for name in names[:20])
    if len(names) > 20:
        text += f" and {len(names) - 20:,} more"
    return text or "(none)"
