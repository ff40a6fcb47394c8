"""The `mlstrategy` command, driven end to end."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import advise_in_fresh_process
from mlstrategy.cli import main

FLAGS = ["--human-error", "1%", "--train-error", "8%", "--dev-error", "10%"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_advise_with_flags(capsys):
    code, out, _ = run(capsys, "advise", *FLAGS, "--format", "text")
    assert code == 0
    assert "Primary problem: avoidable_bias" in out and "bigger_model" in out


@pytest.mark.parametrize("fmt, marker", [("markdown", "## mlstrategy advice"), ("json", '"primary_problem"'), ("text", "Plan")])
def test_advise_a_file_in_each_format(capsys, tmp_path, fmt, marker):
    situation = tmp_path / "situation.yaml"
    situation.write_text("human_error: 1%\ntrain_error: 8%\ndev_error: 10%\n")
    code, out, _ = run(capsys, "advise", str(situation), "--format", fmt)
    assert code == 0 and marker in out
    if fmt == "json":
        assert json.loads(out)["primary_problem"] == "avoidable_bias"


def test_flags_override_the_file_and_settings_apply(capsys, tmp_path):
    situation = tmp_path / "situation.json"
    situation.write_text(json.dumps({"human_error": 0.01, "train_error": 0.5, "dev_error": 0.1}))
    code, out, _ = run(capsys, "advise", str(situation), "--train-error", "8%", "--set", "secondary_gap_ratio=0.25",
                       "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [d["name"] for d in data["diagnoses"]] == ["avoidable_bias", "variance"]


def test_structured_flags(capsys):
    code, out, _ = run(capsys, "advise", "--human-errors", "{expert: 1%, team: 0.5%}", "--train-error", "8%",
                       "--dev-error", "10%", "--format", "json")
    assert code == 0 and json.loads(out)["values"]["bayes_proxy"] == pytest.approx(0.005)


def test_output_file(capsys, tmp_path):
    target = tmp_path / "report.md"
    code, out, _ = run(capsys, "advise", *FLAGS, "--format", "markdown", "-o", str(target))
    assert code == 0 and out == "" and target.read_text().startswith("## mlstrategy advice")


def test_why_and_why_not(capsys):
    code, out, _ = run(capsys, "why", "bigger_model", *FLAGS)
    assert code == 0 and "Training error 8% - Bayes proxy 1% = avoidable bias 7%" in out
    code, out, _ = run(capsys, "why-not", "more_data", *FLAGS)
    assert code == 0 and out.count("\n") == 1 and "nearest rule [variance.actions]" in out
    code, out, _ = run(capsys, "why-not", "more_data", "--all", *FLAGS)
    assert code == 0 and "variance.worth_acting_on" in out
    code, _, err = run(capsys, "why", "more_data", *FLAGS)
    assert code == 2 and "mlstrategy why-not more_data" in err


def test_graph_formats(capsys):
    for fmt, marker in (("dot", "digraph"), ("mermaid", "flowchart LR"), ("json", '"nodes"')):
        code, out, _ = run(capsys, "graph", *FLAGS, "--format", fmt)
        assert code == 0 and marker in out


def test_rules_and_demo(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0 and "gaps.avoidable_bias" in out and "Avoidable bias" in out
    code, out, _ = run(capsys, "rules", "--format", "json")
    assert any(rule["id"] == "bias.actions" for rule in json.loads(out))
    code, out, _ = run(capsys, "demo", "--format", "text")
    assert code == 0 and "Primary problem: data_mismatch" in out and "Why error_analysis?" in out


def test_invalid_input_exits_2_with_the_field_and_a_hint(capsys):
    code, _, err = run(capsys, "advise", "--train-error", "8", "--dev-error", "10%")
    assert code == 2 and "train_error" in err and "8% = 0.08" in err
    code, _, err = run(capsys, "advise", "missing-file.yaml")
    assert code == 2 and "missing-file.yaml" in err


def test_installed_entry_point_runs():
    exe = shutil.which("mlstrategy")
    assert exe, "the mlstrategy command is installed by `pip install -e .`"
    result = subprocess.run([exe, "advise", *FLAGS, "--format", "json"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and json.loads(result.stdout)["primary_problem"] == "avoidable_bias"
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.startswith("mlstrategy ")


def _command_process(extra_env: dict[str, str], *argv: str) -> list[str]:
    """Run `mlstrategy.__main__.main` (what the console script runs) in a fresh process; report its set-up."""
    import os
    import sys

    code = ("import gc, io, os, sys, contextlib, pydantic.plugin._loader as loader\n"
            "from mlstrategy.__main__ import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    code = main()\n"
            "print(code, 'Primary problem: avoidable_bias' in out.getvalue(), os.environ.get('PYDANTIC_DISABLE_PLUGINS'),"
            " loader._plugins is None, gc.isenabled())")
    env = {key: value for key, value in os.environ.items() if key != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=60,
                          env={**env, **extra_env}, check=True)
    return done.stdout.split()


def test_the_command_process_leaves_pydantic_and_its_plugins_to_the_users_environment():
    # plain advice: pydantic is never imported, so it never scans the installed distributions for plugins
    assert _command_process({}, "advise", *FLAGS, "--format", "text") == ["0", "True", "None", "True", "True"]
    # a nested part made of plain values is read without the models too
    assert _command_process({}, "advise", *FLAGS, "--confusion-matrix", "{tp: 80, fp: 10, fn: 10, tn: 900}", "--format",
                            "text") == ["0", "True", "None", "True", "True"]
    # a value only the models read (a metric typed as a percentage) is read by them, built after the start-up in
    # the user's environment: pydantic loads its plugins, and the user's own PYDANTIC_DISABLE_PLUGINS is theirs
    nested = ["--candidates", "[{name: A, accuracy: '92%'}]"]
    assert _command_process({}, "advise", *FLAGS, *nested, "--format", "text") == [
        "0", "True", "None", "False", "True"]
    assert _command_process({"PYDANTIC_DISABLE_PLUGINS": "some_plugin"}, "advise", *FLAGS, *nested, "--format",
                            "text") == ["0", "True", "some_plugin", "False", "True"]


def test_importing_the_command_line_leaves_the_process_as_it_was():
    """Only the console script's process is set up (__main__.py); a program calling cli.main keeps its pydantic
    plugins and its garbage collector."""
    import sys

    # the interpreter's own count is the baseline: CPython 3.12.1 starts with objects already in the permanent
    # generation (375 of them), 3.10, 3.11 and 3.13 with none
    code = ("import gc, io, contextlib, pydantic.plugin._loader as loader\nfrozen = gc.get_freeze_count()\n"
            "from mlstrategy.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    main(['advise', '--human-error', '1%', '--train-error', '8%', '--dev-error', '10%',\n"
            "          '--candidates', \"[{name: A, accuracy: '92%'}]\"])\n"  # a value only pydantic reads
            "print(loader._plugins is None, gc.isenabled(), gc.get_freeze_count() - frozen)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["False", "True", "0"]


def test_settings_listing_and_readme_agree(capsys, root):
    from mlstrategy.settings import Settings

    code, out, _ = run(capsys, "settings")
    readme = (root / "README.md").read_text()
    assert code == 0
    for name, field in Settings.model_fields.items():
        assert f"{name} = {field.default!r}" in out
        default = f"{field.default:,}" if isinstance(field.default, int) else str(field.default)
        assert f"| `{name}` | {default} |" in readme, f"README's settings table is stale for {name}"


def test_advise_from_a_predictions_table_history_and_error_sheet(capsys, tmp_path):
    predictions = tmp_path / "preds.csv"
    rows = ["set,y_true,y_pred"] + ["train,1,1"] * 90 + ["train,1,0"] * 10 + ["dev,1,1"] * 80 + ["dev,0,1"] * 20
    predictions.write_text("\n".join(rows) + "\n")
    code, out, _ = run(capsys, "advise", "--predictions", str(predictions), "--human-error", "1%", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["inputs"]["train_error"] == pytest.approx(0.1) and data["inputs"]["dev_size"] == 100
    history = tmp_path / "history.csv"
    history.write_text("epoch,loss,val_loss\n0,1.0,1.0\n1,0.6,0.7\n2,0.4,0.5\n3,0.3,0.6\n4,0.2,0.7\n")
    code, out, _ = run(capsys, "advise", "--history", str(history), "--format", "json")
    assert code == 0 and json.loads(out)["primary_problem"] == "variance"
    sheet = tmp_path / "errors.csv"
    sheet.write_text("image,dog,blurry,mislabeled\n" + "\n".join(f"{i},{int(i < 8)},{int(i < 61)},0" for i in range(100)))
    code, out, _ = run(capsys, "advise", "--errors", str(sheet), "--dev-error", "10%", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["values"]["ceiling:blurry"] == pytest.approx(0.039)


def test_a_predictions_table_and_an_error_sheet_are_advised_without_the_models(tmp_path):
    """What the adapters derive from a table is plain values: the command needs neither pydantic nor the models
    (importing them is about half of its start), and advises as the validated situation would."""
    predictions = tmp_path / "preds.csv"
    predictions.write_text("set,y_true,y_pred\n" + "train,1,1\n" * 9 + "train,1,0\n" + "dev,1,1\n" * 7 + "dev,0,1\n" * 3)
    sheet = tmp_path / "errors.csv"
    sheet.write_text("image,dog,blurry\n" + "\n".join(f"{i},{int(i < 8)},{int(i < 61)}" for i in range(100)))
    status, pydantic, models, report = advise_in_fresh_process(
        "advise", "--predictions", str(predictions), "--errors", str(sheet), "--human-error", "1%")
    assert (status, pydantic, models) == (0, False, False)
    import mlstrategy as mls  # the validated path, which the report must equal
    from mlstrategy.adapters import situation_from_error_sheet, situation_from_prediction_table

    derived = situation_from_prediction_table(predictions).given()
    derived.update(situation_from_error_sheet(sheet, dev_error=derived["dev_error"]).given(), human_error=0.01)
    assert report == json.loads(mls.advise(mls.Situation.from_any(derived)).to_json())


def test_many_situations_as_json_lines(capsys, tmp_path):
    runs = tmp_path / "runs.jsonl"
    runs.write_text('{"human_error": 0.01, "train_error": 0.08, "dev_error": 0.1}\n\n{"train_error": 8}\nnot json\n')
    code, out, _ = run(capsys, "advise", str(runs))
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 2 and len(lines) == 3
    assert lines[0]["primary_problem"] == "avoidable_bias"
    assert lines[1]["error"] == "ValidationError" and "8% = 0.08" in lines[1]["message"]
    assert lines[2]["index"] == 2 and "line 4" in lines[2]["message"]


def test_html_report_and_plot_files(capsys, tmp_path):
    report, ladder, graph = tmp_path / "r.html", tmp_path / "ladder.png", tmp_path / "graph.svg"
    assert run(capsys, "advise", *FLAGS, "--format", "html", "-o", str(report))[0] == 0
    assert report.read_text().count("<svg") == 3
    assert run(capsys, "plot", *FLAGS, "-o", str(ladder))[0] == 0
    assert ladder.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run(capsys, "plot", *FLAGS, "--what", "graph", "-o", str(graph))[0] == 0
    assert "<svg" in graph.read_text()


def test_bench_runs_the_benchmark_script(capsys):
    code = main(["bench", "--help"])  # the options belong to benchmarks/run.py
    out, _ = capsys.readouterr()
    assert code == 0 and "--quick" in out


def test_user_mistakes_on_the_command_line_exit_2_with_a_message(capsys, tmp_path):
    code, _, err = run(capsys, "advise", *FLAGS, "--set", "min_gap")
    assert code == 2 and "NAME=VALUE" in err
    code, _, err = run(capsys, "advise", str(tmp_path))  # a folder, not a file
    assert code == 2 and "folder" in err
    code, out, _ = run(capsys, "demo", "--format", "json")
    assert code == 0 and json.loads(out)["primary_problem"] == "data_mismatch"
    rich_file = tmp_path / "rich.txt"
    assert run(capsys, "advise", *FLAGS, "--format", "rich", "-o", str(rich_file))[0] == 0
    assert "bigger_model" in rich_file.read_text()


def test_a_misspelt_flag_names_the_closest_one(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["advise", "--train-eror", "8%", "--dev-error", "10%"])
    assert caught.value.code == 2 and "did you mean --train-error for --train-eror?" in capsys.readouterr().err


# ---------------------------------------------------------------- every failure: one line, exit code 2
def one_line_failure(argv: list[str], *, cwd=None) -> str:
    """Run the real command (a subprocess: a traceback would show) and return its one-line error."""
    import sys

    done = subprocess.run([sys.executable, "-m", "mlstrategy.cli", *argv], capture_output=True, text=True,
                          timeout=120, cwd=cwd, check=False)
    assert done.returncode == 2, (done.returncode, done.stderr[-800:])
    assert "Traceback" not in done.stderr and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlstrategy: "), done.stderr
    return lines[0]


@pytest.mark.parametrize("argv, expected", [
    (["plot", "-o", "x.txt"], "the error ladder can be written as"),
    (["plot", "-o", "x.bmp3"], "not '.bmp3'"),
    (["plot", "--what", "graph", "-o", "x.jpg"], "the explanation graph can be written as .svg, .png, .pdf, not '.jpg'"),
])
def test_a_picture_format_that_cannot_be_written_is_one_line(tmp_path, argv, expected):
    pytest.importorskip("matplotlib")
    assert expected in one_line_failure([*argv[:1], *FLAGS, *argv[1:]], cwd=tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_a_missing_mlflow_run_is_one_line(tmp_path):
    pytest.importorskip("mlflow")
    line = one_line_failure(["advise", "--mlflow-run", "0123456789abcdef", "--mlflow-uri", (tmp_path / "mlruns").as_uri()],
                            cwd=tmp_path)
    assert "0123456789abcdef" in line


def test_plot_graph_as_pdf_and_a_name_without_extension(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    code, _, err = run(capsys, "plot", *FLAGS, "--what", "graph", "-o", str(tmp_path / "g.pdf"))
    assert code == 0 and (tmp_path / "g.pdf").read_bytes().startswith(b"%PDF") and "PDF" in err
    code, _, err = run(capsys, "plot", *FLAGS, "-o", str(tmp_path / "ladder"))
    assert code == 0 and (tmp_path / "ladder.png").read_bytes()[:4] == b"\x89PNG"
    assert f"wrote {tmp_path / 'ladder.png'} (error ladder, PNG: the name had no extension)" in err
    code, _, err = run(capsys, "advise", *FLAGS, "-o", str(tmp_path / "report"))
    assert code == 0 and "wrote" in err and "text report" in err and "no extension" in err
    code, _, err = run(capsys, "advise", *FLAGS, "-o", str(tmp_path / "report.md"))
    assert code == 0 and (tmp_path / "report.md").read_text().startswith("## mlstrategy advice")


def test_settings_take_percentages(capsys):
    code, out, _ = run(capsys, "advise", *FLAGS, "--dev-size", "1000", "--train-size", "1000", "--format", "json",
                       "--set", "confidence=90%", "--set", "min_gap=0.2%")
    settings = json.loads(out)["settings"]
    assert code == 0 and settings["confidence"] == pytest.approx(0.9) and settings["min_gap"] == pytest.approx(0.002)


def test_every_option_has_help_text():
    import argparse

    from mlstrategy.cli import _all_parsers, build_parser

    missing = [(parser.prog, action.dest) for _, parser in _all_parsers(build_parser()) for action in parser._actions
               if not isinstance(action, argparse._SubParsersAction) and action.help in (None, "")
               and action.dest != "help"]
    assert missing == []


def test_parsing_one_command_builds_its_parser_alone_and_reads_what_the_full_parser_reads():
    """The command line builds only the parser of the command it is given (argparse's translation look-ups for the
    others cost ~5 ms of start-up): the same commands, the same namespace, the same help, and an unknown command
    still gets every command's parser (its error lists them)."""
    import argparse

    from mlstrategy.cli import COMMANDS, _all_parsers, build_parser

    def commands(parser: argparse.ArgumentParser) -> list[str]:
        return [name for name, _ in _all_parsers(parser)[1:]]

    full = build_parser()
    assert commands(full) == list(COMMANDS)
    samples = {"why": ["why", "bigger_model"], "why-not": ["why-not", "more_data", "--all"], "plot": ["plot", "-o", "x"],
               "diff": ["diff", "a.yaml", "b.yaml", "--set", "min_gap=1%"], "practice": ["practice", "--count", "3"]}
    for command in COMMANDS:
        argv = samples.get(command, [command]) + (["--train-error", "8%"] if command in ("advise", "why", "graph") else [])
        alone = build_parser(only=command)
        assert commands(alone) == [command]
        assert alone.parse_args(argv) == full.parse_args(argv), command
        assert dict(_all_parsers(alone))[command].format_help() == dict(_all_parsers(full))[command].format_help()
    assert commands(build_parser(only="advize")) == list(COMMANDS)


def test_an_option_of_another_command_is_named_as_such(capsys):
    """`why --all` is not a typo of `--all`: the message says which command takes it."""
    from mlstrategy.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["why", "--all", "bigger_model", "--train-error", "0.1"])
    message = capsys.readouterr().err
    assert stop.value.code == 2
    assert "--all is an option of why-not" in message and "did you mean" not in message


def test_a_fact_option_given_to_a_command_without_facts_names_every_command_that_takes_it(capsys):
    """The parser adds the fact options to the command being parsed only; the hint still sees every command."""
    from mlstrategy.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["rules", "--dev-error", "10%"])
    assert stop.value.code == 2
    assert "--dev-error is an option of advise, consult, graph, plot, why, why-not" in capsys.readouterr().err
