"""`mlstrategy advise --history PATH`, `--column`, `--history-format` and `--runs`, driven end to end."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import advise_in_fresh_process
from mlstrategy.cli import main

LOGS = Path(__file__).parent / "fixtures" / "logs"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_hugging_face_output_folder_is_advised_as_it_is(capsys):
    code, out, err = run(capsys, "advise", "--history", str(LOGS / "huggingface"), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["primary_problem"] == "variance"
    assert data["inputs"]["dev_curve"][2] == 0.362 and "note (huggingface log)" in err


def test_notes_say_what_the_reader_decided(capsys):
    code, _, err = run(capsys, "advise", "--history", str(LOGS / "detectron2_metrics.json"), "--format", "json")
    assert code == 0 and "'bbox/AP' is in percent" in err


def test_columns_are_named_on_the_command_line(capsys, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("epoch,objective,held_out\n0,1.0,1.1\n1,0.6,0.8\n2,0.4,0.9\n3,0.3,1.0\n")
    code, _, err = run(capsys, "advise", "--history", str(log), "--format", "json")
    assert code == 2 and "--column loss=<column>" in err and "'objective'" in err
    code, out, _ = run(capsys, "advise", "--history", str(log), "--column", "loss=objective",
                       "--column", "val_loss=held_out", "--format", "json")
    assert code == 0 and json.loads(out)["inputs"]["dev_curve"] == [1.1, 0.8, 0.9, 1.0]
    code, _, err = run(capsys, "advise", "--history", str(log), "--column", "objective", "--format", "json")
    assert code == 2 and "--column takes ROLE=NAME" in err


def test_the_history_format_chooses_between_logs_in_one_folder(capsys, tmp_path):
    (tmp_path / "results.csv").write_text((LOGS / "ultralytics_results.csv").read_text())
    (tmp_path / "metrics.json").write_text((LOGS / "detectron2_metrics.json").read_text())
    code, out, err = run(capsys, "advise", "--history", str(tmp_path), "--history-format", "detectron2",
                         "--format", "json")
    assert code == 0 and len(json.loads(out)["inputs"]["dev_curve"]) == 4
    code, _, err = run(capsys, "advise", "--history", str(tmp_path), "--format", "json")
    assert code == 0 and "also holds detectron2 (--history-format chooses)" in err
    code, _, err = run(capsys, "advise", "--history", str(tmp_path), "--history-format", "huggingface")
    assert code == 2 and "no huggingface log found (found: ultralytics, detectron2)" in err


def test_a_run_table_given_as_a_history_names_the_runs_option(capsys):
    code, out, err = run(capsys, "advise", "--history", str(LOGS / "wandb_runs.csv"))
    assert code == 2 and out == "" and "table of runs" in err and "--runs FILE" in err


def test_runs_are_advised_one_by_one_with_a_summary(capsys):
    code, out, _ = run(capsys, "advise", "--runs", str(LOGS / "wandb_runs.csv"), "--human-error", "1%",
                       "--format", "text")
    summary, *lines = out.splitlines()
    assert code == 0 and summary.startswith("8 runs (a W&B runs export): ") and len(lines) == 8
    assert "'quiet-sweep-8'" in summary and lines[0].startswith("  fresh-sweep-1: variance")
    code, out, _ = run(capsys, "advise", "--runs", str(LOGS / "wandb_runs.csv"), "--format", "json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["run"] for r in rows][:2] == ["fresh-sweep-1", "lucky-sweep-2"]
    assert rows[0]["inputs"]["dev_error"] == pytest.approx(0.2)


def test_the_command_lines_log_formats_are_the_readers():
    from mlstrategy.adapters.logs import FORMATS
    from mlstrategy.cli import _LOG_FORMATS

    assert _LOG_FORMATS == FORMATS


@pytest.mark.parametrize("log", ["huggingface", "trainer_state.json", "lightning_metrics.csv", "ultralytics_results.csv",
                                 "detectron2_metrics.json", "tensorboard_csv"])
def test_a_training_log_is_advised_without_the_models(log):
    """The curves and errors read from a log are plain values: the command needs neither pydantic nor the models
    (importing them is about half of its start), and advises as the validated situation would."""
    from mlstrategy import advise
    from mlstrategy.adapters.history import read_history

    status, pydantic, models, report = advise_in_fresh_process("advise", "--history", str(LOGS / log))
    assert (status, pydantic, models) == (0, False, False)
    expected = json.loads(advise(read_history(LOGS / log).situation).to_json())
    assert report == expected


def test_a_log_whose_values_the_models_refuse_says_which(capsys, tmp_path):
    """A negative loss (a log-likelihood logged as the loss, say) is no curve the fact base takes: the command
    line still names the field and the allowed range, as pydantic says it."""
    path = tmp_path / "metrics.csv"
    path.write_text("epoch,train_loss,val_loss\n0,-0.5,0.9\n1,-0.7,0.8\n")
    code, _, err = run(capsys, "advise", "--history", str(path))
    assert code == 2 and "train_curve" in err and "greater than or equal to 0" in err
