"""Training logs as trainers write them (fixtures under tests/fixtures/logs/ copy each format's real shape;
TensorBoard event files are written by a real writer), read as they are and judged on evaluation points."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import mlstrategy as mls
from mlstrategy import Situation
from mlstrategy.adapters.history import read_history, situation_from_history

LOGS = Path(__file__).parent / "fixtures" / "logs"


def _names(advice):
    return [d.name for d in advice.diagnoses], [a.name for a in advice.actions]


# ---------------------------------------------------------------- Hugging Face
def test_a_trainer_state_json_is_read_at_its_evaluation_points_without_the_summary_row():
    state = json.loads((LOGS / "trainer_state.json").read_text())
    reading = read_history(LOGS / "trainer_state.json")
    assert reading.format == "huggingface" and reading.points == 5
    evals = [row for row in state["log_history"] if "eval_loss" in row]
    assert reading.situation.dev_curve == [row["eval_loss"] for row in evals]
    first = [row["loss"] for row in state["log_history"] if "loss" in row and row["step"] <= evals[0]["step"]]
    assert reading.situation.train_curve[0] == pytest.approx(sum(first) / len(first))
    assert reading.situation.dev_error == pytest.approx(1 - evals[-1]["eval_accuracy"])
    assert any("summary row" in note for note in reading.notes)
    diagnoses, actions = _names(mls.advise(reading.situation))
    assert "variance" in diagnoses and "early_stopping" in actions  # eval loss best at epoch 3, then rising


def test_an_output_folder_reads_its_latest_checkpoint_and_a_checkpoint_folder_reads_its_own():
    latest = Situation.from_history(LOGS / "huggingface")
    assert latest == situation_from_history(LOGS / "huggingface" / "checkpoint-500")
    assert len(latest.dev_curve) == 5
    early = Situation.from_history(str(LOGS / "huggingface" / "checkpoint-300"))
    assert early.dev_curve == latest.dev_curve[:3]
    assert mls.advise(early).primary_problem == "undertrained"  # at step 300 the eval loss was still falling


def test_the_loaded_trainer_state_and_its_log_history_read_the_same():
    state = json.loads((LOGS / "trainer_state.json").read_text())
    from_file = situation_from_history(LOGS / "trainer_state.json")
    assert situation_from_history(state) == from_file == situation_from_history(state["log_history"])


# ---------------------------------------------------------------- Lightning
def test_lightning_step_rows_are_averaged_per_epoch_and_post_fit_rows_left_out():
    reading = read_history(LOGS / "lightning_metrics.csv")
    situation = reading.situation
    assert situation.train_curve == [0.9, 0.6, 0.45, 0.36]  # the mean of each epoch's logged steps
    assert situation.dev_curve == [0.85, 0.65, 0.55, 0.50]  # not the trainer.validate row logged after fit
    assert situation.dev_error == pytest.approx(0.18) and situation.test_error == pytest.approx(0.20)
    assert any("after training" in note for note in reading.notes)
    # the last epoch's steps rise (0.29 ... 0.43) but its mean still fell: still improving, not stuck
    assert mls.advise(train_curve=situation.train_curve, dev_curve=situation.dev_curve).primary_problem == "undertrained"


def _lightning_rows(epochs: list[tuple[list[float], float]]) -> list[str]:
    rows, step = [], 0
    for epoch, (losses, val) in enumerate(epochs):
        for loss in losses:
            step += 10
            rows.append(f"{epoch},{step},{loss},")
        rows.append(f"{epoch},{step},,{val}")
    return rows


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.lists(st.floats(0.01, 5), min_size=1, max_size=5), st.floats(0.01, 5)),
                min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_reordering_the_rows_of_a_step_level_log_keeps_the_per_epoch_curve(tmp_path_factory, epochs, rnd):
    folder = tmp_path_factory.mktemp("shuffled")
    rows = _lightning_rows(epochs)
    header = "epoch,step,train_loss,val_loss\n"
    (folder / "a.csv").write_text(header + "\n".join(rows) + "\n")
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    (folder / "b.csv").write_text(header + "\n".join(shuffled) + "\n")
    first = situation_from_history(folder / "a.csv")
    assert situation_from_history(folder / "b.csv") == first
    assert first.dev_curve == [val for _, val in epochs]
    assert first.train_curve == pytest.approx([sum(losses) / len(losses) for losses, _ in epochs])


# ---------------------------------------------------------------- Ultralytics, detectron2, TensorBoard CSV
def test_ultralytics_results_csv_sums_the_losses_and_uses_map50_95():
    reading = read_history(LOGS / "ultralytics_results.csv")
    assert reading.format == "ultralytics" and reading.points == 10
    lines = (LOGS / "ultralytics_results.csv").read_text().splitlines()
    header = [cell.strip() for cell in lines[0].split(",")]
    last = dict(zip(header, (float(cell) for cell in lines[-1].split(","))))
    assert reading.situation.dev_error == pytest.approx(1 - last["metrics/mAP50-95(B)"])
    losses = [last[f"train/{part}_loss"] for part in ("box", "cls", "dfl")]
    assert reading.situation.train_curve[-1] == pytest.approx(sum(losses))
    assert any("mAP50-95" in note for note in reading.notes)


def test_detectron2_metrics_json_is_cut_at_its_evaluations_and_ap_read_as_percent():
    reading = read_history(LOGS / "detectron2_metrics.json")
    rows = [json.loads(line) for line in (LOGS / "detectron2_metrics.json").read_text().splitlines()]
    aps = [row["bbox/AP"] for row in rows if "bbox/AP" in row]
    assert reading.format == "detectron2"
    assert reading.situation.dev_curve == pytest.approx([1 - ap / 100 for ap in aps])
    first = [row["total_loss"] for row in rows if "total_loss" in row and row["iteration"] <= 499]
    assert reading.situation.train_curve[0] == pytest.approx(sum(first) / len(first))
    assert any("percent" in note for note in reading.notes)


def test_tensorboard_csv_downloads_merge_into_one_history_with_tags_from_file_names():
    situation = situation_from_history(LOGS / "tensorboard_csv")
    assert situation.train_curve == [0.9, 0.5, 0.3, 0.2, 0.12, 0.08]
    assert situation.dev_curve == [0.8, 0.55, 0.45, 0.44, 0.5, 0.58]
    assert situation.dev_error == pytest.approx(0.17)
    one = situation_from_history(LOGS / "tensorboard_csv" / "run-validation-tag-epoch_loss.csv")
    assert one.dev_curve == situation.dev_curve and one.train_curve is None


# ---------------------------------------------------------------- percent, other metrics, dev only
def test_percent_accuracies_are_divided_with_a_note_and_f1_or_wer_are_named():
    reading = read_history({"loss": [0.9, 0.6, 0.5], "val_acc": [61.0, 70.0, 74.5]})
    assert reading.situation.dev_error == pytest.approx(0.255)
    assert any("percent" in note for note in reading.notes)
    f1 = read_history([{"step": 10, "loss": 0.7}, {"step": 10, "eval_f1": 0.8, "eval_loss": 0.6}])
    assert f1.situation.dev_error == pytest.approx(0.2) and any("eval_f1" in note for note in f1.notes)
    assert f1.situation.optimizing_metric == "eval_f1"  # so the advice names the metric
    wer = read_history([{"step": 5, "loss": 2.0}, {"step": 5, "eval_wer": 0.31, "eval_loss": 1.5},
                        {"step": 10, "loss": 1.0}, {"step": 10, "eval_wer": 0.22, "eval_loss": 1.1}])
    assert wer.situation.dev_error == pytest.approx(0.22) and any("eval_wer" in note for note in wer.notes)


def test_a_history_with_dev_metrics_only_is_read_and_says_what_a_training_curve_adds():
    reading = read_history([{"epoch": e, "val_loss": v} for e, v in enumerate([0.9, 0.7, 0.6, 0.55])])
    assert reading.situation.dev_curve == [0.9, 0.7, 0.6, 0.55] and reading.situation.train_curve is None
    assert any("training loss would" in note for note in reading.notes)


# ---------------------------------------------------------------- refusals: one line, the file, the option
def test_a_run_table_is_refused_with_a_pointer_to_from_runs():
    with pytest.raises(ValidationError) as caught:
        situation_from_history(LOGS / "wandb_runs.csv")
    (error,) = caught.value.errors()
    assert "wandb_runs.csv" in error["msg"] and "from_runs" in error["msg"] and "--runs" in error["msg"]
    assert "\n" not in error["msg"]


def test_unreadable_logs_name_the_file_what_was_found_and_the_option(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here")
    with pytest.raises(ValidationError) as caught:
        situation_from_history(tmp_path)
    message = caught.value.errors()[0]["msg"]
    assert str(tmp_path) in message and "notes.txt" in message and "--history-format" in message
    (tmp_path / "odd.csv").write_text("epoch,objective\n0,1.0\n1,0.9\n")
    with pytest.raises(ValidationError) as caught:
        situation_from_history(tmp_path / "odd.csv")
    message = caught.value.errors()[0]["msg"]
    assert "'objective'" in message and "--column loss=<column>" in message and "\n" not in message
    with pytest.raises(ValidationError, match="unknown log format 'tensorbord'.*did you mean 'tensorboard'"):
        situation_from_history(tmp_path / "odd.csv", log_format="tensorbord")
    with pytest.raises(ValidationError, match="did you mean 'val_loss'"):
        situation_from_history(tmp_path / "odd.csv", columns={"val_los": "objective"})
    assert situation_from_history(tmp_path / "odd.csv", columns={"loss": "objective"}).train_curve == [1.0, 0.9]
    lightning = tmp_path / "lightning_logs"
    for version in ("version_0", "version_1"):
        (lightning / version).mkdir(parents=True)
        shutil.copy(LOGS / "lightning_metrics.csv", lightning / version / "metrics.csv")
    with pytest.raises(ValidationError, match="holds 2 lightning logs"):
        situation_from_history(lightning)
    assert situation_from_history(lightning / "version_1") == situation_from_history(LOGS / "lightning_metrics.csv")


# ---------------------------------------------------------------- TensorBoard event files (a real writer)
def _write_events(folder: Path, tags: dict[str, list[tuple[int, float]]], suffix: str = "") -> None:
    from tensorboardX import SummaryWriter

    writer = SummaryWriter(str(folder), filename_suffix=suffix)  # a suffix: two files written in one second
    for tag, points in tags.items():
        for step, value in points:
            writer.add_scalar(tag, value, step)
    writer.close()


def test_tensorboard_event_files_from_a_hugging_face_run_read_like_its_log_history(tmp_path):
    pytest.importorskip("tensorboard")
    log_history = [{"loss": 0.9, "step": 50}, {"loss": 0.7, "step": 100}, {"eval_loss": 0.8, "step": 100},
                   {"loss": 0.5, "step": 150}, {"loss": 0.4, "step": 200}, {"eval_loss": 0.75, "step": 200}]
    _write_events(tmp_path / "runs" / "Dec01_10-00-00_host", {
        "train/loss": [(r["step"], r["loss"]) for r in log_history if "loss" in r],
        "train/learning_rate": [(50, 5e-5), (100, 4e-5), (150, 3e-5), (200, 2e-5)],
        "eval/loss": [(r["step"], r["eval_loss"]) for r in log_history if "eval_loss" in r]})
    reading = read_history(tmp_path / "runs")
    assert reading.format == "tensorboard"
    assert reading.situation == situation_from_history(log_history)
    assert reading.situation.train_curve == [0.8, 0.45] and reading.situation.dev_curve == [0.8, 0.75]


def test_keras_train_and_validation_run_folders_are_one_history(tmp_path):
    pytest.importorskip("tensorboard")
    _write_events(tmp_path / "train", {"epoch_loss": list(enumerate([0.9, 0.5, 0.3])),
                                       "epoch_accuracy": list(enumerate([0.6, 0.8, 0.9]))})
    _write_events(tmp_path / "validation", {"epoch_loss": list(enumerate([1.0, 0.7, 0.8])),
                                            "epoch_accuracy": list(enumerate([0.55, 0.7, 0.72]))})
    keras = {"loss": [0.9, 0.5, 0.3], "accuracy": [0.6, 0.8, 0.9], "val_loss": [1.0, 0.7, 0.8],
             "val_accuracy": [0.55, 0.7, 0.72]}
    assert situation_from_history(tmp_path) == situation_from_history(keras)


def test_several_tensorboard_runs_in_one_folder_are_refused_by_name(tmp_path):
    pytest.importorskip("tensorboard")
    for version in ("version_0", "version_1"):
        _write_events(tmp_path / version, {"train_loss": [(0, 1.0), (1, 0.5)]})
    with pytest.raises(ValidationError, match="holds 2 TensorBoard runs .*'version_0', 'version_1'.*one run"):
        situation_from_history(tmp_path)


curve = st.lists(st.floats(0.001, 10, allow_nan=False).map(lambda v: round(v, 6)), min_size=2, max_size=8)


@settings(max_examples=10, deadline=None)
@given(curve, curve)
def test_the_same_history_from_a_dict_a_csv_and_an_event_file_is_the_same_situation(tmp_path_factory, train, dev):
    pytest.importorskip("tensorboard")
    folder = tmp_path_factory.mktemp("same")
    n = min(len(train), len(dev))
    train, dev = train[:n], dev[:n]
    keras = {"loss": train, "val_loss": dev}
    (folder / "log.csv").write_text("epoch,loss,val_loss\n" + "".join(f"{e},{t},{d}\n" for e, (t, d) in
                                                                      enumerate(zip(train, dev))))
    _write_events(folder / "tb", {"train_loss": list(enumerate(train)), "val_loss": list(enumerate(dev))})
    expected = situation_from_history(keras)
    assert situation_from_history(folder / "log.csv") == expected
    from_events = situation_from_history(folder / "tb")  # event files store float32
    assert from_events.train_curve == pytest.approx(train, rel=1e-6)
    assert from_events.dev_curve == pytest.approx(dev, rel=1e-6)


def test_a_lightning_run_logged_to_tensorboard_leaves_out_its_post_fit_validation_and_reads_its_test(tmp_path):
    pytest.importorskip("tensorboard")
    run = tmp_path / "lightning_logs" / "version_0"
    steps = [100, 200, 300, 400]
    _write_events(run, {"train_loss": list(zip(steps, [0.9, 0.5, 0.3, 0.2])),
                        "val_loss": list(zip(steps, [0.8, 0.6, 0.5, 0.45])),
                        "epoch": list(zip(steps, [0, 1, 2, 3])), "hp_metric": [(0, -1.0)]})
    _write_events(run, {"val_loss": [(401, 0.1)], "val_acc": [(401, 0.99)], "epoch": [(401, 4)]}, ".1")  # validate()
    _write_events(run, {"test_loss": [(401, 0.5)], "test_acc": [(401, 0.85)], "epoch": [(401, 4)]}, ".2")  # test()
    reading = read_history(run)
    assert reading.situation.dev_curve == [0.8, 0.6, 0.5, 0.45] and reading.situation.dev_error is None
    assert reading.situation.test_error == pytest.approx(0.15)
    assert any("after the last training step" in note for note in reading.notes)


def test_event_files_without_scalars_say_so(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboardX import SummaryWriter

    writer = SummaryWriter(str(tmp_path / "run"))
    writer.add_text("args", "lr=0.1")
    writer.close()
    with pytest.raises(ValidationError, match="hold no scalars"):
        situation_from_history(tmp_path / "run")


def test_the_log_and_run_readers_docstring_examples_run():
    import doctest

    from mlstrategy.adapters import logs, runs

    for module in (logs, runs):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_a_log_larger_than_the_bound_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from mlstrategy.adapters import logs

    big = tmp_path / "metrics.csv"
    big.write_text("epoch,loss\n" + "".join(f"{e},{1 / (e + 1)}\n" for e in range(2000)))
    monkeypatch.setattr(logs, "MAX_BYTES", 1024)
    with pytest.raises(ValidationError) as caught:
        situation_from_history(big)
    message = caught.value.errors()[0]["msg"]
    assert "metrics.csv" in message and "more than the 1,024" in message and "\n" not in message


def test_a_trainer_state_that_is_not_utf8_or_not_json_is_refused_in_one_line(tmp_path):
    state = json.loads((LOGS / "trainer_state.json").read_text())
    state["best_model_checkpoint"] = "out/ch\u00e9ckpoint"
    path = tmp_path / "trainer_state.json"
    path.write_bytes(json.dumps(state, ensure_ascii=False).encode("latin-1"))
    assert situation_from_history(path) == situation_from_history(LOGS / "trainer_state.json")
    path.write_text('{"log_history": [')
    with pytest.raises(ValidationError) as caught:
        situation_from_history(path)
    assert "is not JSON" in caught.value.errors()[0]["msg"] and "\n" not in caught.value.errors()[0]["msg"]


def test_a_keras_csvlogger_training_log_is_found_in_its_folder(tmp_path):
    keras = {"loss": [0.69, 0.52, 0.41, 0.33, 0.27], "accuracy": [0.55, 0.74, 0.82, 0.87, 0.90],
             "val_loss": [0.66, 0.55, 0.49, 0.52, 0.58], "val_accuracy": [0.60, 0.72, 0.78, 0.77, 0.76]}
    names = ["accuracy", "loss", "val_accuracy", "val_loss"]
    rows = ["epoch," + ",".join(names)] + [f"{e}," + ",".join(str(keras[n][e]) for n in names) for e in range(5)]
    (tmp_path / "training.log").write_text("\n".join(rows) + "\n")
    reading = read_history(tmp_path)
    assert reading.format == "keras" and reading.situation == situation_from_history(keras)


# ---------------------------------------------------------------- cells that hold no finite number are reported
def _dropped(reading) -> list[str]:
    return [note for note in reading.notes if "no finite number" in note]


def test_nan_inf_and_overflowing_cells_of_a_csv_log_are_counted_and_placed(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("epoch,loss,val_loss\n0,0.9,1\n1,nan,0.7\n2,0.5,inf\n3,0.4,1e400\n4,0.3,0.5\n")
    reading = read_history(path)
    assert _dropped(reading) == [
        "1 cell of 'loss' holds no finite number (NaN, inf, or too large for a float) and was left out: row 2",
        "2 cells of 'val_loss' hold no finite number (NaN, inf, or too large for a float) and were left out: rows 3, 4"]
    assert reading.situation.train_curve == [0.9, 0.5, 0.4, 0.3] and reading.situation.dev_curve == [1, 0.7, 0.5]


def test_a_keras_history_with_nan_epochs_names_the_epochs_and_long_lists_are_cut():
    history = {"loss": [0.9] + [float("nan")] * 8 + [0.3], "val_loss": [1.0] * 9 + [10**400]}
    notes = _dropped(read_history(history))
    assert notes[0].startswith("8 cells of 'loss' hold") and notes[0].endswith("epochs 2, 3, 4, 5, 6 and 3 more")
    assert notes[1].endswith("was left out: epoch 10")


def test_logged_rows_report_inf_and_hugging_face_state_reports_a_nan_loss():
    """In rows held in memory (a DataFrame's records) NaN is pandas' empty cell; inf is still reported. In Hugging
    Face's log_history a value never logged is an absent key, so a NaN there is a logged (diverged) loss."""
    rows = [{"step": 1, "loss": float("inf")}, {"step": 2, "loss": 0.4, "val_loss": 0.5},
            {"step": 3, "loss": 0.3, "val_loss": float("nan")}]
    assert _dropped(read_history(rows)) == [
        "1 cell of 'loss' holds no finite number (NaN, inf, or too large for a float) and was left out: row 1"]
    state = {"log_history": [{"loss": 0.9, "step": 50}, {"loss": float("nan"), "step": 100},
                             {"eval_loss": 0.8, "step": 100}]}
    assert _dropped(read_history(state))[0].endswith("row 2")


def test_the_nan_cells_pandas_writes_for_unlogged_values_are_not_reported(tmp_path):
    pd = pytest.importorskip("pandas")
    path = tmp_path / "metrics.csv"  # Lightning's CSVLogger: training and validation rows of their own
    path.write_text("epoch,step,train_loss,val_loss\n0,49,0.9,\n0,49,,1.0\n1,99,0.5,\n1,99,,0.7\n")
    frame = pd.read_csv(path)
    assert frame["val_loss"].isna().sum() == 2
    for source in (path, frame, frame.to_dict("records"), frame.to_dict("list")):
        assert _dropped(read_history(source)) == []


def test_situation_from_history_warns_with_the_dropped_cells_and_read_history_returns_them():
    history = {"loss": [0.9, float("nan"), 0.3], "val_loss": [1.0, 0.8, 0.6]}
    with pytest.warns(mls.adapters.DroppedCellsWarning, match=r"1 cell of 'loss' .* left out: epoch 2"):
        situation = Situation.from_history(history)
    assert situation.train_curve == [0.9, 0.3]
    assert read_history(history).dropped == {"loss": ("epoch 2",)}


def test_nan_scalars_in_tensorboard_event_files_are_reported_by_step(tmp_path):
    pytest.importorskip("tensorboard")
    _write_events(tmp_path / "run", {"train_loss": [(0, 0.9), (1, float("nan")), (2, 0.4)],
                                     "val_loss": [(0, 1.0), (1, 0.8), (2, float("inf"))]})
    assert [note.rsplit(": ", 1)[1] for note in _dropped(read_history(tmp_path / "run"))] == ["step 1", "step 2"]


def test_a_clean_log_has_no_dropped_cell_note():
    assert _dropped(read_history({"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]})) == []


finite = st.floats(0.001, 10, allow_nan=False).map(lambda v: round(v, 6))
unusable = st.sampled_from(["nan", "inf", "-inf", "1e400", "NaN", "Infinity"])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.one_of(finite, unusable), st.one_of(finite, unusable)), min_size=2, max_size=12))
def test_every_unusable_cell_is_counted_once_and_no_usable_one_is(tmp_path_factory, rows):
    """The notes account for exactly the cells that were left out, column by column, and the curves keep the rest."""
    path = tmp_path_factory.mktemp("nan") / "log.csv"
    path.write_text("epoch,loss,val_loss\n" + "".join(f"{e},{t},{d}\n" for e, (t, d) in enumerate(rows)))
    try:
        reading = read_history(path)
    except ValidationError:  # every cell of both curves unusable: nothing to read, refused
        assert all(isinstance(cell, str) for row in rows for cell in row)
        return
    for column, name in ((0, "loss"), (1, "val_loss")):
        bad = [index + 1 for index, row in enumerate(rows) if isinstance(row[column], str)]
        notes = [note for note in _dropped(reading) if f" of '{name}' " in note]
        assert len(notes) == (1 if bad else 0)
        if bad:
            assert notes[0].split(" ", 1)[0] == str(len(bad))
