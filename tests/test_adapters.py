"""Adapters: a Situation from what users already have (predictions, a fitted model, a training history, the
error-analysis spreadsheet), and clear errors for input that would give a wrong answer."""
from __future__ import annotations

import doctest
import json
import random
import subprocess
import sys

import pytest
from pydantic import ValidationError

import mlstrategy as mls
from mlstrategy import Situation
from mlstrategy.adapters import (
    error_rates,
    situation_from_error_sheet,
    situation_from_estimator,
    situation_from_history,
    situation_from_predictions,
)

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
pytest.importorskip("sklearn")

from sklearn.datasets import make_classification  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402


# ---------------------------------------------------------------- a small, realistic project
@pytest.fixture(scope="module")
def project():
    """Train / train-dev from one distribution, dev from a noisier one (phone photos vs web images, in spirit)."""
    X, y = make_classification(n_samples=4000, n_features=10, n_informative=5, n_redundant=0, flip_y=0.0,
                               class_sep=1.5, random_state=0)
    rng = np.random.default_rng(0)
    sets = {
        "train": (X[:2000], y[:2000]),
        "train_dev": (X[2000:3000], y[2000:3000]),
        "dev": (X[3000:] + rng.normal(0, 1.5, X[3000:].shape), y[3000:]),
    }
    model = LogisticRegression(max_iter=1000).fit(*sets["train"])
    return model, sets


def _accuracy_error(model, X, y) -> float:
    return 1 - model.score(X, y)


# ---------------------------------------------------------------- predictions and estimators
def test_a_fitted_logistic_regression_gives_errors_sizes_and_data_mismatch_advice(project):
    model, sets = project
    situation = Situation.from_estimator(model, **sets)
    for name, (X, y) in sets.items():
        assert getattr(situation, f"{name}_error") == pytest.approx(_accuracy_error(model, X, y))
        assert getattr(situation, f"{name}_size") == len(y)
    advice = mls.advise(situation, human_error=0.02)
    assert advice.primary_problem == "data_mismatch"
    assert "ci_low:dev_error" in advice.values  # set sizes given: the significance check ran
    assert situation_from_estimator(model, **sets) == situation


def test_lists_arrays_series_and_probabilities_give_the_same_situation(project):
    model, sets = project
    X, y = sets["dev"]
    predicted = model.predict(X)
    forms = [
        (y, predicted),
        (y.tolist(), predicted.tolist()),
        (pd.Series(y, name="label"), pd.Series(predicted)),
        (y, model.predict_proba(X)),  # 2-D class probabilities: argmax
        (y, model.predict_proba(X).tolist()),
        (y, pd.DataFrame(model.predict_proba(X), columns=["p0", "p1"])),
        (y, model.predict_proba(X)[:, 1:]),  # one column, P(class 1), as a Keras sigmoid output
        (np.eye(2)[y], model.predict_proba(X)),  # one-hot labels
    ]
    situations = [Situation.from_predictions(dev=pair) for pair in forms]
    assert all(s == situations[0] for s in situations)
    assert situations[0].dev_error == pytest.approx(_accuracy_error(model, X, y))
    assert situations[0].dev_size == len(y)


def test_string_labels_and_named_probability_columns(project):
    _, sets = project
    X, y = sets["train"]
    names = np.array(["cat", "dog"])[y]
    model = LogisticRegression(max_iter=1000).fit(X, names)
    by_label = situation_from_predictions(train=(names, model.predict(X)))
    by_scores = situation_from_predictions(train=(names, model.predict_proba(X)), classes=model.classes_)
    assert by_label == by_scores == situation_from_estimator(model, train=(X, names))
    with pytest.raises(ValidationError, match="pass classes="):
        situation_from_predictions(train=(names, model.predict_proba(X)))


def test_high_variance_tree_with_human_level():
    X, y = make_classification(n_samples=1500, n_features=10, n_informative=5, random_state=1)
    tree = DecisionTreeClassifier(random_state=0).fit(X[:1000], y[:1000])
    situation = Situation.from_estimator(tree, train=(X[:1000], y[:1000]), dev=(X[1000:], y[1000:]))
    assert situation.train_error == 0.0 and situation.dev_error > 0.05
    advice = mls.advise(situation, human_error=0.01)
    assert advice.primary_problem == "variance"


def test_small_sets_make_a_gap_not_significant():
    y_train = [0, 1] * 50
    y_dev = [0, 1] * 25
    train_pred = y_train[:90] + [1 - v for v in y_train[90:]]  # 10 of 100 wrong
    dev_pred = y_dev[:43] + [1 - v for v in y_dev[43:]]  # 7 of 50 wrong
    situation = Situation.from_predictions(train=(y_train, train_pred), dev=(y_dev, dev_pred))
    assert (situation.train_error, situation.dev_error, situation.dev_size) == (0.1, 0.14, 50)
    advice = mls.advise(situation, human_error=0.09)
    assert "gap_not_significant" in [d.name for d in advice.diagnoses]


def test_error_rates_overall_and_by_class_feed_weighted_candidates(project):
    model, sets = project
    X, y = sets["train_dev"]
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(*sets["train"])
    overall = error_rates(y, model.predict(X))
    shares = error_rates(y, model.predict(X), by_class=True)
    assert set(shares) == {"0", "1"}
    assert sum(shares.values()) == pytest.approx(overall)
    assert shares["1"] == pytest.approx(np.mean((y == 1) & (model.predict(X) != y)))
    candidates = [
        {"name": "logreg", "errors_by_class": shares},
        {"name": "tree", "errors_by_class": error_rates(y, tree.predict(X), by_class=True)},
    ]
    advice = mls.advise(candidates=candidates, class_weights={"1": 10})
    assert advice.values["weighted_error:logreg"] == pytest.approx(shares["0"] + 10 * shares["1"])
    assert "weight_metric" in [a.name for a in advice.actions]


def test_error_rates_by_class_lists_every_true_class():
    assert error_rates(["cat", "dog", "bird", "dog"], ["cat", "cat", "bird", "dog"], by_class=True) == {
        "bird": 0.0, "cat": 0.0, "dog": 0.25}


def test_extra_facts_are_merged_and_win():
    situation = situation_from_predictions(dev=([0, 1, 1, 0], [0, 1, 0, 0]), human_error="1%", dev_size=5000)
    assert (situation.human_error, situation.dev_error, situation.dev_size) == (0.01, 0.25, 5000)


@pytest.mark.parametrize("kwargs, message", [
    ({"dev": ([0, 1, 1], [0, 1])}, "y_true has 3 labels but y_pred has 2 predictions"),
    ({"dev": ([], [])}, "no examples"),
    ({"dev": [0, 1, 1]}, "dev must be a pair (y_true, y_pred)"),
    ({"dev": ([0, 1], [0.2, 0.9])}, "non-integer values such as 0.2"),
    ({"dev": ([0, None], [0, 1])}, "missing value at position 1"),
    ({"dev": ([0, 1], [[0.1, 0.9], [0.3]])}, "rows must all have 2 columns"),
    ({"dev": ([0, 1], [[0.2, 0.8], [0.6, 0.4]])}, None),  # fine: argmax of two columns
    ({}, "give at least one set"),
])
def test_bad_predictions_are_validation_errors_that_say_why(kwargs, message):
    if message is None:
        assert situation_from_predictions(**kwargs).dev_error == 1.0
        return
    with pytest.raises(ValidationError) as caught:
        situation_from_predictions(**kwargs)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_misspelt_fact_and_a_model_without_predict():
    with pytest.raises(ValidationError, match="did you mean 'human_error'"):
        Situation.from_predictions(dev=([0, 1], [0, 1]), human_eror=0.01)
    with pytest.raises(TypeError, match=r"\.predict"):
        situation_from_estimator(object(), dev=([[0]], [0]))
    with pytest.raises(ValidationError, match="dev must be a pair"):
        situation_from_estimator(LogisticRegression(), dev=[[0], [1], [0]])


# ---------------------------------------------------------------- training histories
KERAS_OVERFITTING = {  # model.fit(...).history: dev loss bottoms out at epoch 4, then rises
    "loss": [0.69, 0.52, 0.41, 0.33, 0.27, 0.22, 0.18, 0.15],
    "accuracy": [0.55, 0.74, 0.82, 0.87, 0.90, 0.925, 0.94, 0.955],
    "val_loss": [0.66, 0.55, 0.49, 0.47, 0.48, 0.51, 0.55, 0.60],
    "val_accuracy": [0.60, 0.72, 0.78, 0.80, 0.80, 0.79, 0.785, 0.78],
}


def test_keras_history_overfitting_gives_curves_errors_and_early_stopping():
    situation = Situation.from_history(KERAS_OVERFITTING, human_error=0.01)
    assert situation.train_curve == KERAS_OVERFITTING["loss"]
    assert situation.dev_curve == KERAS_OVERFITTING["val_loss"]
    assert situation.train_error == pytest.approx(0.045) and situation.dev_error == pytest.approx(0.22)
    advice = mls.advise(situation)
    assert "variance" in [d.name for d in advice.diagnoses]
    early = next(a for a in advice.actions if a.name == "early_stopping")
    assert early.params["epoch"] == 4


def test_a_keras_history_object_and_error_rates_when_no_loss_is_logged():
    class History:  # what keras.Model.fit returns
        epoch = [0, 1, 2]
        history = {"acc": [0.5, 0.7, 0.8], "val_acc": [0.5, 0.65, 0.7]}

    situation = situation_from_history(History())
    assert situation.train_curve == [0.5, 0.3, 0.2] and situation.dev_curve == [0.5, 0.35, 0.3]
    assert (situation.train_error, situation.dev_error) == (0.2, 0.3)


def _lightning_csv(path, epochs):
    """metrics.csv as PyTorch Lightning's CSVLogger writes it: train and val rows apart, other cells empty."""
    lines = ["epoch,step,train_loss_step,train_loss_epoch,train_acc,val_loss,val_acc"]
    step = 0
    for epoch, (train_loss, train_acc, val_loss, val_acc) in enumerate(epochs):
        for _ in range(2):  # two logged steps per epoch
            step += 25
            lines.append(f"{epoch},{step},{train_loss + 0.05:.4f},,,,")
        lines.append(f"{epoch},{step},,,,{val_loss},{val_acc}")
        lines.append(f"{epoch},{step},,{train_loss},{train_acc},,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


UNDERTRAINED = [(0.90, 0.50, 0.92, 0.50), (0.70, 0.62, 0.74, 0.60), (0.55, 0.70, 0.60, 0.68),
                (0.44, 0.76, 0.50, 0.73), (0.36, 0.80, 0.43, 0.77)]


def test_lightning_csv_is_merged_per_epoch_and_still_improving_means_train_longer(tmp_path):
    path = _lightning_csv(tmp_path / "metrics.csv", UNDERTRAINED)
    situation = Situation.from_history(path)
    assert situation.train_curve == [e[0] for e in UNDERTRAINED]  # the epoch value, not the last step's
    assert situation.dev_curve == [e[2] for e in UNDERTRAINED]
    assert situation.train_error == pytest.approx(0.20) and situation.dev_error == pytest.approx(0.23)
    advice = mls.advise(situation)
    assert "undertrained" in [d.name for d in advice.diagnoses]
    assert "train_longer" in [a.name for a in advice.actions]
    curves_only = mls.advise(train_curve=situation.train_curve, dev_curve=situation.dev_curve)
    assert curves_only.primary_problem == "undertrained" and curves_only.actions[0].name == "train_longer"
    # the same log as a DataFrame, as per-epoch records, and by str path
    frame = pd.read_csv(path)
    assert situation_from_history(frame) == situation == situation_from_history(str(path))
    assert situation_from_history(frame.to_dict("records")) == situation


def test_hugging_face_log_history_averages_the_loss_per_evaluation_interval_not_the_summary():
    log_history = [
        {"loss": 0.9, "learning_rate": 5e-5, "epoch": 0.5, "step": 50},
        {"loss": 0.7, "learning_rate": 4e-5, "epoch": 1.0, "step": 100},
        {"eval_loss": 0.8, "eval_accuracy": 0.6, "epoch": 1.0, "step": 100},
        {"loss": 0.5, "learning_rate": 3e-5, "epoch": 1.5, "step": 150},
        {"loss": 0.4, "learning_rate": 2e-5, "epoch": 2.0, "step": 200},
        {"eval_loss": 0.75, "eval_accuracy": 0.7, "epoch": 2.0, "step": 200},
        {"train_loss": 0.62, "train_runtime": 12.3, "epoch": 2.0, "step": 200},
    ]
    situation = situation_from_history(log_history)
    assert situation.train_curve == [0.8, 0.45]  # steps 50-100 and 150-200, judged at the evaluation points
    assert situation.dev_curve == [0.8, 0.75] and situation.dev_error == pytest.approx(0.3)


def test_columns_are_named_by_keywords_and_nan_is_dropped_with_a_warning():
    history = {"Loss/train": [1.0, 0.8, float("nan"), 0.5], "my_val": [1.1, 0.9, 0.8, 0.7], "lr": [0.1] * 4}
    with pytest.warns(mls.adapters.DroppedCellsWarning, match="'Loss/train' .* epoch 3"):
        situation = situation_from_history(history, val_loss="my_val")
    assert situation.train_curve == [1.0, 0.8, 0.5] and situation.dev_curve == [1.1, 0.9, 0.8, 0.7]


def test_history_errors_list_the_columns_and_how_to_name_them():
    with pytest.raises(ValidationError) as caught:
        situation_from_history({"epoch": [0, 1], "objective": [1.0, 0.9], "val_objective": [1.1, 1.0]})
    message = str(caught.value)
    assert "'objective', 'val_objective'" in message and "loss='<column>'" in message
    with pytest.raises(ValidationError, match="did you mean 'train_objective'"):
        situation_from_history({"train_objective": [1.0, 0.9]}, loss="train_objectiv")
    with pytest.raises(ValueError, match="values above 100"):
        situation_from_history({"loss": [1.0, 0.9], "acc": [55.0, 161.0]})
    with pytest.raises(ValidationError, match="empty"):
        situation_from_history([])
    with pytest.raises(ValidationError, match="cannot read a int"):
        situation_from_history(3)
    with pytest.raises(ValidationError, match="dev_curve"):  # a negative loss is not a curve Situation accepts
        situation_from_history({"loss": [0.5, 0.4], "val_loss": [-0.1, 0.2]})


# ---------------------------------------------------------------- the error-analysis spreadsheet
COURSE_TOTALS = {"Dog": 8, "Great Cats": 43, "blurry": 61, "Instagram filters": 12}  # of 100, and 6 mislabeled


def _course_sheet(mark: str = "✓") -> list[list[str]]:
    """100 examined dev errors whose '% totals' are the course's (8%, 43%, 61%, 12%; 6% mislabeled)."""
    rng = random.Random(0)
    columns = {**COURSE_TOTALS, "Mislabeled": 6}
    marked = {name: set(rng.sample(range(100), count)) for name, count in columns.items()}
    comments = {0: "Pitbull", 2: "Rainy day at zoo", 9: "lion, 50% occluded"}
    rows = [["Image", *columns, "Comments"]]
    for i in range(100):
        rows.append([str(i + 1), *(mark if i in marked[name] else "" for name in columns), comments.get(i, "")])
    rows.append(["% totals", *(f"{count}%" for count in columns.values()), ""])
    return rows


def _write_csv(path, rows, delimiter=",", encoding="utf-8"):
    import csv

    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def test_the_course_spreadsheet_gives_its_tally_ceilings_and_focus(tmp_path):
    path = _write_csv(tmp_path / "errors.csv", _course_sheet())
    situation = Situation.from_error_sheet(path, dev_error=0.10)
    tally = situation.error_analysis
    assert (tally.examined, tally.categories, tally.mislabeled) == (100, COURSE_TOTALS, 6)
    advice = mls.advise(situation)
    assert advice.values["ceiling:Great Cats"] == pytest.approx(0.057)
    assert advice.values["ceiling:Dog"] == pytest.approx(0.092)
    assert advice.values["mislabeled_error"] == pytest.approx(0.006)  # 0.6% of the 10% is incorrect labels
    focus = next(a for a in advice.actions if a.name == "focus_error_category")
    assert focus.params["category"] == "blurry"
    assert {c["category"] for c in focus.params["categories"]} == {"blurry", "Great Cats"}
    assert "fix_mislabeled_dev_test" not in [a.name for a in advice.actions]


@pytest.mark.parametrize("mark, delimiter, encoding", [
    ("x", ";", "utf-8-sig"),  # Excel in a European locale: semicolons and a byte-order mark
    ("yes", "\t", "utf-8"),
    ("1", ",", "utf-8"),
    ("✔️", ",", "utf-8"),
])
def test_other_marks_delimiters_and_encodings(tmp_path, mark, delimiter, encoding):
    path = _write_csv(tmp_path / "errors.csv", _course_sheet(mark), delimiter, encoding)
    tally = situation_from_error_sheet(path).error_analysis
    assert (tally.examined, tally.categories, tally.mislabeled) == (100, COURSE_TOTALS, 6)


def test_dataframes_records_and_rows_agree(tmp_path):
    rows = _course_sheet()
    frame = pd.DataFrame(rows[1:-1], columns=rows[0])
    expected = situation_from_error_sheet(rows, dev_error="10%")
    assert situation_from_error_sheet(frame, dev_error=0.1) == expected
    assert situation_from_error_sheet(frame.to_dict("records"), dev_error=0.1) == expected  # gspread records
    booleans = frame.copy()
    for name in [*COURSE_TOTALS, "Mislabeled"]:
        booleans[name] = frame[name] == "✓"  # a notebook's own tally: True / False columns
    booleans["Image"] = range(100)
    assert situation_from_error_sheet(booleans, dev_error=0.1) == expected


def test_excel_workbook(tmp_path):
    pytest.importorskip("openpyxl")
    rows = _course_sheet()
    path = tmp_path / "errors.xlsx"
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(path, index=False)
    tally = situation_from_error_sheet(path).error_analysis
    assert (tally.examined, tally.categories, tally.mislabeled) == (100, COURSE_TOTALS, 6)


def test_id_and_free_text_columns_are_ignored_and_columns_can_be_chosen():
    rows = [
        ["example id", "Dog", "Breed", "Incorrectly labeled", "Notes"],
        [101, "x", "pitbull", "", "dark"],
        [102, "", "", "x", ""],
        [103, "x", "lab", "", ""],
        [None, None, None, None, None],  # a blank line
    ]
    tally = situation_from_error_sheet(rows).error_analysis
    assert (tally.examined, tally.categories, tally.mislabeled) == (3, {"Dog": 2}, 1)
    chosen = situation_from_error_sheet(rows, categories=["Dog"], ignore=["Incorrectly labeled"]).error_analysis
    assert (chosen.categories, chosen.mislabeled) == ({"Dog": 2}, 0)


def test_error_sheet_errors_say_which_cell_or_column():
    with pytest.raises(ValidationError) as caught:
        situation_from_error_sheet([["Image", "Dog", "Blurry"], [1, "x", ""], [2, "maybe", "x"], [3, "x", ""]])
    assert "column 'Dog', example row 2: cannot read 'maybe'" in str(caught.value)
    with pytest.raises(ValidationError, match="no category columns found. Columns: 'Image', 'Comments'"):
        situation_from_error_sheet([["Image", "Comments"], [1, "Pitbull"]])
    with pytest.raises(ValidationError, match=r"no column named 'Dgo' \(did you mean 'Dgo' -> 'Dog'\?\)"):
        situation_from_error_sheet([["Image", "Dog"], [1, "x"]], categories=["Dgo"])
    with pytest.raises(ValidationError, match="no example rows"):
        situation_from_error_sheet([["Image", "Dog"], ["% totals", "8%"]])
    with pytest.raises(ValidationError, match="cannot read a int"):
        situation_from_error_sheet(7)


# ---------------------------------------------------------------- optional dependencies stay optional
def test_plain_lists_and_csv_work_without_numpy_or_pandas(tmp_path):
    path = _write_csv(tmp_path / "errors.csv", _course_sheet())
    script = f"""
import sys, json
sys.modules["numpy"] = None; sys.modules["pandas"] = None   # as if not installed
from mlstrategy import Situation
s = Situation.from_predictions(train=([0, 1, 1, 0], [0, 1, 1, 1]), dev=([0, 1, 2], [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.5, 0.3, 0.2]]))
h = Situation.from_history({{"loss": [0.9, 0.5], "val_loss": [1.0, 0.8]}})
e = Situation.from_error_sheet({str(path)!r}, dev_error=0.1)
print(json.dumps([s.given(), h.given(), e.error_analysis.examined]))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    situation, history, examined = json.loads(done.stdout)
    assert situation == {"train_error": 0.25, "dev_error": 1 / 3, "train_size": 4, "dev_size": 3}
    assert history == {"train_curve": [0.9, 0.5], "dev_curve": [1.0, 0.8]} and examined == 100


def test_importing_the_adapters_imports_no_optional_dependency():
    code = ("import sys, mlstrategy.adapters; "
            "print([m for m in ('numpy', 'pandas', 'sklearn', 'openpyxl') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_missing_optional_dependency_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"needs pandas .*pip install 'mlstrategy\[data\]'"):
        situation_from_error_sheet(tmp_path / "errors.xlsx")


def test_the_adapters_docstring_examples_run():
    from mlstrategy.adapters import _common, history, predictions, sheets

    for module in (_common, predictions, history, sheets):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
