"""The error-analysis tally from the spreadsheet the course fills in by hand.

One row per misclassified dev example you examined; one column per error category, marked with "x", "✓",
"yes", "true" or 1 when the example falls in it (several categories may be marked on one row); an
optional "Mislabeled" ("incorrectly labeled") column; id columns ("Image", "id") and free-text columns
("Comments") are ignored, and so is a trailing "% totals" row. The result is the course's tally:

    Image  Dog  Great cats  Blurry  Mislabeled  Comments
    1      ✓                                    Pitbull
    2      ✓                ✓
    3                                           Rainy day at zoo
    4           ✓

-> error_analysis = {examined: 4, categories: {Dog: 2, Great cats: 1, Blurry: 1}, mislabeled: 0}

A CSV (Google Sheets or Excel "Save as CSV"), a pandas DataFrame, a list of row dicts (gspread's
`get_all_records()`) or of rows with the header first (`get_all_values()`) is read without pandas;
an .xlsx workbook is read with pandas and openpyxl.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from .._text import excerpt
from ..plain import suggest

from ._common import input_error, is_missing, join_names, read_table, shown

if TYPE_CHECKING:  # pragma: no cover
    from ..facts import Situation

__all__ = ["situation_from_error_sheet", "read_mark"]

_TITLE = "error sheet"

_YES = {"x", "✓", "✔", "☑", "☒", "yes", "y", "true", "t", "1", "1.0", "+"}
_NO = {"0", "0.0", "no", "n", "false", "f", "-", "–", "—", "☐"}

_MISLABELED = {
    "mislabeled", "mislabelled", "mislabel", "mislabels", "incorrectly labeled", "incorrectly labelled",
    "incorrect label", "incorrect labels", "wrong label", "wrong labels", "label error", "label errors",
    "bad label", "bad labels", "mislabeled data", "incorrectly labeled data", "incorrectly labelled data",
}
_COMMENTS = {"comment", "comments", "note", "notes", "remark", "remarks", "description", "observations"}
_IDS = {
    "id", "ids", "image", "images", "img", "picture", "photo", "example", "examples", "sample", "samples", "file",
    "filename", "file name", "path", "url", "link", "index", "idx", "#", "no", "no.", "nr", "number", "num", "row",
    "name", "audio", "clip", "utterance", "sentence", "text", "input", "key", "uid", "uuid",
}
_TOTAL_LABEL = re.compile(r"^\s*%?\s*(totals?|sum|count|share)\s*(%|\(%\))?\s*:?\s*$", re.IGNORECASE)
_PERCENT = re.compile(r"^\s*\d+(\.\d+)?\s*%\s*$")


def read_mark(value: Any) -> bool | None:
    """A checkbox cell: True (x, ✓, yes, 1, True), False (empty, 0, no, False), or None when it is not a mark.

    >>> [read_mark(v) for v in ("✓", "X", " yes ", 1, "", None, 0, "Pitbull")]
    [True, True, True, True, False, False, False, None]
    """
    if isinstance(value, bool):
        return value
    if is_missing(value):
        return False
    if isinstance(value, (int, float)):
        return True if value == 1 else False if value == 0 else None
    text = str(value).strip().lower().replace("\ufe0f", "")  # the emoji variation selector of ✔️
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def situation_from_error_sheet(sheet: Any, dev_error: Any = None, *, categories: Sequence[str] | None = None,
                               mislabeled_column: str | None = None, ignore: Iterable[str] = (),
                               **facts: Any) -> Situation:
    """A Situation whose `error_analysis` is the tally of an error-analysis spreadsheet.

    `examined` is the number of example rows, each category's count the rows marked in its column, and
    `mislabeled` the rows marked in the mislabeled column. Categories are found by their marks; name them
    with `categories=[...]` (then every other column is ignored), the mislabeled column with
    `mislabeled_column=`, and columns to skip with `ignore=`. `dev_error` and other facts are merged in.

    >>> rows = [["Image", "Dog", "Blurry", "Comments"], [1, "x", "", "Pitbull"], [2, "", "x", ""], [3, "x", "x", ""]]
    >>> situation_from_error_sheet(rows, dev_error=0.10).error_analysis.categories
    {'Dog': 2, 'Blurry': 2}
    """
    from ..facts import Situation

    derived = error_sheet_facts(sheet, categories=categories, mislabeled_column=mislabeled_column, ignore=ignore)
    if dev_error is not None:
        derived["dev_error"] = dev_error
    return Situation.from_any({**derived, **facts})


def error_sheet_facts(sheet: Any, *, categories: Sequence[str] | None = None, mislabeled_column: str | None = None,
                      ignore: Iterable[str] = ()) -> dict[str, Any]:
    """`situation_from_error_sheet`'s `error_analysis` tally as a plain value, not validated yet (the command line
    reads it with `mlstrategy.plain`, so a sheet needs neither pydantic nor the models unless a value needs them)."""
    header, rows = read_table(sheet, what="error sheet", title=_TITLE, excel=True)
    if not header:
        raise input_error(_TITLE, "sheet", "the sheet is empty: it needs a header row and one row per examined error")
    _check_names(header, categories, mislabeled_column, ignore)
    rows = _example_rows(rows)
    if not rows:
        raise input_error(_TITLE, "rows", "the sheet has no example rows: one row per misclassified dev example "
                          "examined", join_names(header)[:80])

    skip = set(ignore)
    mislabeled_name = mislabeled_column or next((n for n in header if _normal(n) in _MISLABELED and n not in skip), None)
    counts: dict[str, int] = {}
    mislabeled = None
    for at, name in enumerate(header):
        if name in skip:
            continue
        is_mislabeled = name == mislabeled_name
        if categories is not None:
            chosen = is_mislabeled or name in categories
        else:
            chosen = is_mislabeled or not (_is_id(name) or _normal(name) in _COMMENTS or _normal(name) in _MISLABELED)
        if not chosen:
            continue
        marks = [read_mark(row[at]) for row in rows]
        explicit = categories is not None or is_mislabeled
        if not _is_mark_column(name, marks, rows, at, strict=explicit):
            continue  # free text: ignored
        count = sum(1 for mark in marks if mark)
        if is_mislabeled:
            mislabeled = count
        elif name in counts:
            raise input_error(_TITLE, name, f"column '{excerpt(name)}' appears twice; give categories distinct names", name)
        else:
            counts[name] = count
    if not counts and mislabeled is None:
        raise input_error(_TITLE, "columns", "no category columns found. Columns: " + join_names(header)
                          + ". A category column holds a mark (x, ✓, yes, 1) on each row that falls in it; name "
                          "them with categories=[...] if they were not recognized", join_names(header)[:80])
    tally: dict[str, Any] = {"examined": len(rows), "categories": counts}
    if mislabeled is not None:
        tally["mislabeled"] = mislabeled
    return {"error_analysis": tally}


def _normal(name: str) -> str:
    return " ".join(str(name).strip().lower().replace("_", " ").replace("-", " ").split())


def _is_id(name: str) -> bool:
    text = _normal(name)
    return (not text or text.startswith("unnamed") or text in _IDS or "#" in text or text.endswith(" id")
            or text.endswith(" no") or text.endswith(" number"))


def _check_names(header: list[str], categories: Sequence[str] | None, mislabeled_column: str | None,
                 ignore: Iterable[str]) -> None:
    named = [*(categories or ()), *([mislabeled_column] if mislabeled_column else []), *ignore]
    unknown = [name for name in named if name not in header]
    if unknown:
        hints = [f"'{excerpt(name)}' -> {hint!r}" for name in unknown[:10] if (hint := suggest(name, header))]
        raise input_error(_TITLE, "columns", f"no column named {join_names(unknown)}"
                          + (f" (did you mean {', '.join(hints)}?)" if hints else "")
                          + f"; columns found: {join_names(header)}", join_names(unknown)[:80])


def _example_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """The rows that are examples: blank rows dropped, and a trailing totals row ('% totals', 'Total', '8%')."""
    rows = [row for row in rows if not all(is_missing(cell) for cell in row)]
    while rows and _is_totals(rows[-1]):
        rows.pop()
    return rows


def _is_totals(row: list[Any]) -> bool:
    """A totals row: a cell reads 'Total', '% totals', 'Sum'..., or most filled cells are percentages."""
    cells = [str(cell) for cell in row if not is_missing(cell)]
    if any(_TOTAL_LABEL.match(cell) for cell in cells):
        return True
    return sum(1 for cell in cells if _PERCENT.match(cell)) * 2 > len(cells)


def _distinct_numbers(cells: list[Any]) -> bool:
    """True when every cell is a number and no two are equal (row numbers or ids, not marks)."""
    numbers = []
    for cell in cells:
        try:
            numbers.append(float(str(cell).strip()))
        except ValueError:
            return False
    return len(set(numbers)) == len(numbers)


def _is_mark_column(name: str, marks: list[bool | None], rows: list[list[Any]], at: int, *, strict: bool) -> bool:
    """True when the column holds marks. A column mostly of marks with a few unreadable cells is an error
    (a typo would silently lower a count); a column mostly of other text is free text."""
    bad = [i for i, mark in enumerate(marks) if mark is None]
    if not bad:
        return True
    filled = [rows[i][at] for i in range(len(rows)) if not is_missing(rows[i][at])]
    if not strict and _distinct_numbers(filled):
        return False  # an unnamed id column such as 1, 2, 3, ...
    readable = sum(1 for i, mark in enumerate(marks) if mark is not None and not is_missing(rows[i][at]))
    if strict or readable >= len(bad):
        first = bad[0]
        raise input_error(_TITLE, name, f"column '{excerpt(name)}', example row {first + 1}: cannot read {shown(rows[first][at])} as a "
                          "mark; use x, ✓, yes or 1 for a row in the category and leave it empty (or 0, no) otherwise",
                          str(rows[first][at])[:60])
    return False
