"""Error levels and set sizes from labels and predictions: what a classifier's evaluation already gives you.

Each set (train, train-dev, dev, test) is a pair (y_true, y_pred) of lists, numpy arrays, pandas Series or
anything with `.tolist()`. The error is 1 - accuracy, and the set's size is its number of examples, so the
significance checks apply. y_pred may be a 2-D table of class probabilities or scores (one column per
class): the predicted class is the argmax, named by `classes` when given. No numpy is needed for plain lists.

>>> situation_from_predictions(dev=([0, 1, 1, 0], [0, 1, 0, 0]), human_error=0.01).dev_error
0.25
"""
from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .._text import excerpt

from ._common import input_error, is_missing, shown

if TYPE_CHECKING:  # pragma: no cover
    from ..facts import Situation

__all__ = ["situation_from_predictions", "situation_from_estimator", "error_rates"]

_TITLE = "predictions"


def error_rates(y_true: Any, y_pred: Any, by_class: bool = False, *,
                classes: Sequence[Any] | None = None) -> float | dict[str, float]:
    """The error (1 - accuracy) of predictions, or by class: each class's share of examples misclassified.

    With `by_class=True` the result maps each true class (as a string, the way `class_weights` and a
    candidate's `errors_by_class` name classes) to the share of all examples that are of that class and
    misclassified; the shares add up to the overall error.

    >>> error_rates(["cat", "cat", "dog", "dog"], ["cat", "dog", "dog", "cat"])
    0.5
    >>> error_rates(["cat", "cat", "dog", "dog"], ["cat", "dog", "dog", "dog"], by_class=True)
    {'cat': 0.25, 'dog': 0.0}
    """
    truth, predicted = labels_pair(y_true, y_pred, where="predictions", classes=classes)
    total = len(truth)
    if not by_class:
        return sum(t != p for t, p in zip(truth, predicted)) / total
    wrong: dict[str, int] = {str(label): 0 for label in _ordered(truth)}
    for t, p in zip(truth, predicted):
        if t != p:
            wrong[str(t)] += 1
    return {label: count / total for label, count in wrong.items()}


def situation_from_predictions(train: Any = None, train_dev: Any = None, dev: Any = None, test: Any = None, *,
                               classes: Sequence[Any] | None = None, **facts: Any) -> Situation:
    """A Situation with `<set>_error` and `<set>_size` for each (y_true, y_pred) pair given.

    Other facts (e.g. `human_error=0.01`) are merged in, and win over the derived ones; the result is
    validated, so bad input raises `pydantic.ValidationError` (a ValueError), as a mismatched pair does.

    >>> s = situation_from_predictions(train=([1, 0, 1, 1], [1, 0, 1, 1]), dev=([1, 0, 1, 1], [1, 1, 1, 1]))
    >>> s.train_error, s.dev_error, s.dev_size
    (0.0, 0.25, 4)
    """
    from ..facts import Situation

    return Situation.from_any({**prediction_facts(train, train_dev, dev, test, classes=classes), **facts})


def prediction_facts(train: Any = None, train_dev: Any = None, dev: Any = None, test: Any = None, *,
                     classes: Sequence[Any] | None = None) -> dict[str, Any]:
    """`situation_from_predictions`' errors and sizes as plain values, not validated yet."""
    pairs = {"train": train, "train_dev": train_dev, "dev": dev, "test": test}
    derived: dict[str, Any] = {}
    for name, pair in pairs.items():
        if pair is None:
            continue
        y_true, y_pred = _split(pair, name, ("y_true", "y_pred"))
        truth, predicted = labels_pair(y_true, y_pred, where=name, classes=classes)
        derived[f"{name}_error"] = sum(t != p for t, p in zip(truth, predicted)) / len(truth)
        derived[f"{name}_size"] = len(truth)
    if not derived:
        raise input_error(_TITLE, "sets", "give at least one set as a pair (y_true, y_pred): train=, train_dev=, dev= "
                          "or test=")
    return derived


def situation_from_estimator(estimator: Any, train: Any = None, dev: Any = None, train_dev: Any = None,
                             test: Any = None, *, classes: Sequence[Any] | None = None, **facts: Any) -> Situation:
    """A Situation from a fitted classifier (anything with `.predict`) and (X, y) for each set.

    scikit-learn estimators and pipelines predict labels; a model whose `.predict` returns class
    probabilities (Keras) is read by argmax, with the estimator's `classes_` (or `classes`) naming columns.

    >>> from sklearn.dummy import DummyClassifier
    >>> X, y = [[0], [1], [2], [3]], [0, 0, 0, 1]
    >>> model = DummyClassifier(strategy="most_frequent").fit(X, y)
    >>> situation_from_estimator(model, train=(X, y), dev=(X, y), human_error=0.01).dev_error
    0.25
    """
    predict = getattr(estimator, "predict", None)
    if not callable(predict):
        raise TypeError(f"situation_from_estimator needs a fitted model with a .predict(X) method "
                        f"(scikit-learn compatible); got {type(estimator).__name__}")
    if classes is None:
        known = getattr(estimator, "classes_", None)
        classes = _to_list(known, "classes_", "classes") if known is not None else None
    pairs: dict[str, Any] = {}
    for name, data in {"train": train, "train_dev": train_dev, "dev": dev, "test": test}.items():
        if data is not None:
            features, y = _split(data, name, ("X", "y"))
            pairs[name] = (y, predict(features))
    if not pairs:
        raise input_error(_TITLE, "sets", "give at least one set as a pair (X, y): train=, train_dev=, dev= or test=")
    return situation_from_predictions(**pairs, classes=classes, **facts)


# ---------------------------------------------------------------- reading labels
def labels_pair(y_true: Any, y_pred: Any, *, where: str, classes: Sequence[Any] | None = None) -> tuple[list, list]:
    """Both sides as equally long lists of labels, checked for the mistakes that would give a wrong error."""
    truth, truth_indexed = _labels(y_true, where, "y_true", classes)
    predicted, predicted_indexed = _labels(y_pred, where, "y_pred", classes)
    if len(truth) != len(predicted):
        raise input_error(_TITLE, where, f"{where}: y_true has {len(truth)} labels but y_pred has {len(predicted)} "
                          "predictions; they must be the same examples in the same order",
                          f"{len(truth)} vs {len(predicted)}")
    if not truth:
        raise input_error(_TITLE, where, f"{where}: no examples (y_true and y_pred are empty)", "[]")
    for side, values in (("y_true", truth), ("y_pred", predicted)):
        for position, value in enumerate(values):
            kind = type(value)
            if kind is int or (kind is str and value.strip()) or (kind is float and value == value):
                continue  # the common labels, checked without a call (a million rows read in seconds)
            if not _is_label(value):
                raise input_error(_TITLE, where, f"{where}: {side} holds a {type(value).__name__} at position "
                                  f"{position} ({excerpt(value)}); a label is a number, a string or a boolean",
                                  excerpt(value))
            if is_missing(value):
                raise input_error(_TITLE, where, f"{where}: {side} has a missing value at position {position}; "
                                  "drop unlabelled examples first", excerpt(value))
    _check_comparable(truth, predicted, truth_indexed, predicted_indexed, where)
    return truth, predicted


def _check_comparable(truth: list, predicted: list, truth_indexed: int, predicted_indexed: int, where: str) -> None:
    """Refuse comparisons that would count nearly every example wrong for a reason other than the model."""
    labels = dict.fromkeys(truth)  # in order of appearance: a message never depends on the hash order
    for side, other, indexed in (("y_pred", labels, predicted_indexed), ("y_true", dict.fromkeys(predicted),
                                                                         truth_indexed)):
        if indexed:
            foreign = [label for label in other if not (_is_whole(label) and 0 <= label < indexed)]
            if foreign:
                raise input_error(_TITLE, where, f"{where}: {side} is a table of class scores, whose argmax is a column "
                                  f"index 0..{indexed - 1}, but the other side holds labels such as {shown(foreign[0])}; "
                                  "pass classes=[...] naming the columns in order", excerpt(foreign[0]))
    for value in predicted:
        if isinstance(value, float) and not value.is_integer() and value not in labels:
            raise input_error(_TITLE, where, f"{where}: y_pred holds non-integer values such as {shown(value)} that are not "
                              "labels in y_true; pass predicted labels, or class probabilities as a 2-D array (one "
                              "column per class). Errors here are for classifiers (1 - accuracy)", excerpt(value))


def _labels(values: Any, where: str, side: str, classes: Sequence[Any] | None) -> tuple[list, int]:
    """A flat list of labels, and the number of score columns when they came from an argmax (else 0)."""
    shape = getattr(values, "shape", None)
    if getattr(values, "ndim", None) == 2 and shape is not None and len(shape) == 2 and shape[1] > 1:
        indices = _numpy_argmax(values)  # a wide score table: skip building a list of lists
        if indices is not None:
            return _named(indices, classes, int(shape[1]), where, side)
    if isinstance(shape, tuple) and len(shape) > 2:
        raise input_error(_TITLE, where, f"{where}: {side} is a {len(shape)}-D array of shape {excerpt(shape)}: "
                          "predictions are labels (1-D) or class scores (2-D, one column per class); take the argmax "
                          "or reshape it first", excerpt(shape))
    items = _to_list(values, where, side)
    if not items or not isinstance(items[0], (list, tuple)):
        for position, item in enumerate(items):
            if isinstance(item, (list, tuple)):
                raise input_error(_TITLE, where, f"{where}: {side} mixes single labels and rows (position {position})",
                                  excerpt(item))
        return items, 0
    return _from_scores(items, where, side, classes)


def _from_scores(rows: list, where: str, side: str, classes: Sequence[Any] | None) -> tuple[list, int]:
    """Labels from a table with one row per example: one column is labels or P(class 1); several, class scores."""
    width = len(rows[0])
    for position, row in enumerate(rows):
        if not isinstance(row, (list, tuple)) or len(row) != width:
            raise input_error(_TITLE, where, f"{where}: {side} rows must all have {width} columns; row {position} "
                              "does not", excerpt(row))
        for cell in row:
            if not _is_label(cell):
                raise input_error(_TITLE, where, f"{where}: {side} row {position} holds a {type(cell).__name__} "
                                  f"({excerpt(cell)}): scores are a 2-D table, one number per class (a 3-D array "
                                  "is not predictions; take the argmax or reshape it first)", excerpt(cell))
    if width == 0:
        raise input_error(_TITLE, where, f"{where}: {side} has rows with no columns", "[]")
    if width > 1:
        _check_scores(rows, where, side)
    if width == 1:
        column = [row[0] for row in rows]
        if side == "y_true" or all(_is_whole(v) for v in column):
            return column, 0
        if all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in column):  # a sigmoid output: P(class 1)
            indices = [int(v >= 0.5) for v in column]
            return _named(indices, classes, 2, where, side)
        raise input_error(_TITLE, where, f"{where}: {side} is a single column of scores outside [0, 1] (logits?); "
                          "pass predicted labels or probabilities", excerpt(column[0]))
    return _named(_argmax(rows), classes, width, where, side)


def _named(indices: list[int], classes: Sequence[Any] | None, width: int, where: str, side: str) -> tuple[list, int]:
    if classes is None:
        return indices, width
    names = list(classes)
    if len(names) != width:
        raise input_error(_TITLE, where, f"{where}: {side} has {width} score columns but {len(names)} classes were "
                          "named", excerpt(names))
    return [names[i] for i in indices], 0


def _check_scores(rows: list, where: str, side: str) -> None:
    """Scores are numbers, and a row with NaN has no argmax (numpy would pick the NaN; an all-NaN row silently
    became class 0)."""
    for position, row in enumerate(rows):
        for cell in row:
            if isinstance(cell, bool) or not isinstance(cell, numbers.Real):
                raise input_error(_TITLE, where, f"{where}: {side} row {position} holds {excerpt(cell)}: a table "
                                  "of class scores holds numbers only", excerpt(cell))
    bad = [position for position, row in enumerate(rows) if any(math.isnan(cell) for cell in row)]
    if bad:
        raise input_error(_TITLE, where, f"{where}: {side} has NaN scores in {len(bad):,} row(s) (first: row {bad[0]}); "
                          "a diverged or masked model output has no predicted class: drop those examples or fix the "
                          "model", f"row {bad[0]}")


def _is_label(value: Any) -> bool:
    """A label or score cell: hashable and not a container (a list here means a 3-D array, a dict a mistake)."""
    if isinstance(value, (list, tuple, dict, set, frozenset, bytearray)):
        return False
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _argmax(rows: list[list]) -> list[int]:
    """Row-wise argmax; vectorized with numpy when it is installed, plain Python otherwise."""
    indices = _numpy_argmax(rows)
    if indices is not None:
        return indices
    return [max(range(len(row)), key=row.__getitem__) for row in rows]


def _numpy_argmax(table: Any) -> list[int] | None:
    """numpy's row-wise argmax of a numeric table, or None without numpy or for a table numpy cannot read."""
    try:
        import numpy
    except ImportError:
        return None
    try:
        source = table.to_numpy() if hasattr(table, "to_numpy") else table
        array = numpy.asarray(source, dtype=float)
    except (TypeError, ValueError, RuntimeError, OverflowError):  # not numeric, a tensor numpy cannot read (GPU)
        return None
    if array.ndim != 2 or array.shape[1] == 0:
        return None
    if numpy.isnan(array).any():
        return None  # the row-by-row path names the rows with NaN
    return array.argmax(axis=1).tolist()


def _to_list(values: Any, where: str, side: str) -> list:
    """Any sequence-like (list, tuple, numpy array, pandas Series or DataFrame, tensor) as a Python list."""
    if isinstance(values, (str, bytes, Mapping, set, frozenset)) or values is None:  # a set has no order
        raise input_error(_TITLE, where, f"{where}: {side} must be a sequence of labels (list, array, Series); got "
                          f"{type(values).__name__}", excerpt(values))
    if hasattr(values, "tolist"):  # numpy, pandas Series, torch tensors
        items = values.tolist()
    elif hasattr(values, "to_numpy"):  # pandas DataFrame
        items = values.to_numpy().tolist()
    else:
        try:
            items = list(values)
        except TypeError:
            items = None
    if not isinstance(items, list):
        raise input_error(_TITLE, where, f"{where}: {side} must be a sequence of labels (list, array, Series); got "
                          f"{type(values).__name__}", excerpt(values))
    return items


def _split(pair: Any, where: str, parts: tuple[str, str]) -> tuple[Any, Any]:
    """A (first, second) pair, or a clear error naming what was expected."""
    if isinstance(pair, (str, bytes, Mapping)) or not hasattr(pair, "__len__") or len(pair) != 2:
        raise input_error(_TITLE, where, f"{where} must be a pair ({parts[0]}, {parts[1]}); got "
                          f"{type(pair).__name__}" + (f" of length {len(pair)}" if hasattr(pair, "__len__") else ""),
                          type(pair).__name__)
    first, second = pair
    return first, second


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _ordered(labels: list) -> list:
    """Distinct labels, sorted when they can be, else in order of first appearance."""
    distinct = list(dict.fromkeys(labels))
    try:
        return sorted(distinct)
    except TypeError:
        return distinct


_SET_COLUMNS = ("set", "split", "subset", "dataset", "partition")
_TRUE_COLUMNS = ("y_true", "label", "labels", "target", "truth", "y")
_PRED_COLUMNS = ("y_pred", "prediction", "predictions", "pred", "predicted")
_SET_NAMES = {"train": "train", "training": "train", "train_dev": "train_dev", "train-dev": "train_dev",
              "traindev": "train_dev", "dev": "dev", "val": "dev", "valid": "dev", "validation": "dev", "test": "test"}


def situation_from_prediction_table(table: Any, **facts: Any) -> Situation:
    """Errors and sizes from one table of predictions: a CSV path, DataFrame or row dicts with a set column
    (train / train_dev / dev or val / test), a true-label column and a predicted-label column.

    >>> rows = [{"set": "train", "y_true": 1, "y_pred": 1}, {"set": "dev", "y_true": 1, "y_pred": 0},
    ...         {"set": "dev", "y_true": 0, "y_pred": 0}]
    >>> situation_from_prediction_table(rows).dev_error
    0.5
    """
    from ..facts import Situation

    return Situation.from_any({**prediction_table_facts(table), **facts})


def prediction_table_facts(table: Any) -> dict[str, Any]:
    """`situation_from_prediction_table`'s errors and sizes as plain values, not validated yet (the command line
    reads them with `mlstrategy.plain`, so a table needs neither pydantic nor the models unless a value does)."""
    from ._common import read_table

    header, rows = read_table(table, what="prediction table", title="predictions")
    lowered = {name.strip().lower(): index for index, name in enumerate(header)}

    def column(spellings: tuple[str, ...], role: str) -> int:
        for spelling in spellings:
            if spelling in lowered:
                return lowered[spelling]
        raise input_error("predictions", role, f"no {role} column: expected one of {', '.join(spellings)}; "
                          f"the table has {', '.join(header) or 'no columns'}")

    which, truth, guess = column(_SET_COLUMNS, "set"), column(_TRUE_COLUMNS, "true label"), column(_PRED_COLUMNS, "prediction")
    pairs: dict[str, tuple[list, list]] = {}
    known: dict[Any, str | None] = {}  # set cell -> set name: a few distinct values over many rows
    for number, row in enumerate(rows, 2):
        cell = row[which]
        try:
            name = known[cell]
        except (KeyError, TypeError):  # TypeError: an unhashable cell (from row dicts)
            name = _SET_NAMES.get(str(cell).strip().lower())
            if isinstance(cell, str):
                known[cell] = name
        if name is None:
            raise input_error("predictions", "set", f"row {number}: unknown set {shown(row[which])}; use train, train_dev, "
                              "dev (or val) or test", row[which])
        pairs.setdefault(name, ([], []))
        pairs[name][0].append(row[truth])
        pairs[name][1].append(row[guess])
    return prediction_facts(**pairs)
