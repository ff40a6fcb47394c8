"""The `mlstrategy` command: advice, explanations and the rule catalogue from a shell.

    mlstrategy advise --human-error 1% --train-error 8% --dev-error 10%
    mlstrategy advise situation.yaml --format markdown
    mlstrategy why bigger_model situation.yaml
    mlstrategy why-not more_data situation.yaml
    mlstrategy graph situation.yaml --format mermaid
    mlstrategy diff before.yaml after.yaml
    mlstrategy rules
    mlstrategy demo
"""
from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence, cast

# Plain flags are read without pydantic (mlstrategy.plain): the models load when a command needs them (a file,
# a nested value, other settings, an error to describe), so a plain `advise` starts without them.
from .plain import FACT_GROUPS, FACT_HELP, SETTINGS_DEFAULTS, given_facts, parse_text_value, suggest

if TYPE_CHECKING:  # pragma: no cover
    from .facts import Situation
    from .settings import Settings

__all__ = ["main", "build_parser"]

FORMATS = ("text", "markdown", "json", "rich", "html")
_LOG_FORMATS = ("huggingface", "lightning", "keras", "csv", "tensorboard", "tensorboard-csv", "ultralytics", "detectron2",
                "jsonl")
"""mlstrategy.adapters.logs.FORMATS, spelt out so that building the parser imports no adapter."""


def _add_all_fact_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("situation", nargs="?",
                        help="a YAML, JSON or TOML file of facts (flags below override it); for `advise`, a .jsonl "
                             "file of many situations gives one JSON line of advice per line")
    sources = parser.add_argument_group("facts from what you have (flags and the file override them)")
    sources.add_argument("--predictions", metavar="CSV",
                         help="predictions: columns set (train/train_dev/dev/test), y_true, y_pred -> errors and sizes")
    sources.add_argument("--history", metavar="PATH",
                         help="a training log, file or folder, as the trainer wrote it: Hugging Face trainer_state.json "
                              "or checkpoint/output folder, Lightning metrics.csv, Keras CSVLogger, TensorBoard event "
                              "files or CSV downloads, Ultralytics results.csv, detectron2 metrics.json")
    sources.add_argument("--column", dest="columns", action="append", default=[], metavar="ROLE=NAME",
                         help="name the history's column for a role, e.g. --column val_loss=my_val (roles: "
                              "loss, val_loss, accuracy, val_accuracy, error, val_error, score, val_score, epoch, step...)")
    sources.add_argument("--history-format", metavar="NAME", choices=_LOG_FORMATS,
                         help=f"the history's format where detection is ambiguous ({', '.join(_LOG_FORMATS)})")
    sources.add_argument("--errors", metavar="CSV", help="an error-analysis sheet: one row per examined dev error, "
                                                         "one 0/1 or x column per category, optional mislabeled")
    sources.add_argument("--mlflow-run", metavar="RUN_ID", help="read errors and curves from an MLflow run")
    sources.add_argument("--mlflow-uri", metavar="URI", help="the MLflow tracking URI (default: MLflow's own)")
    for group_name, names in FACT_GROUPS.items():
        group = parser.add_argument_group(f"facts: {group_name}")
        for name in names:
            group.add_argument(f"--{name.replace('_', '-')}", dest=f"fact_{name}", metavar="VALUE",
                               help=FACT_HELP[name])
    settings = parser.add_argument_group("settings (thresholds, never facts)")
    settings.add_argument("--settings", dest="settings_file", metavar="FILE", help="a YAML/JSON/TOML file of settings")
    settings.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                          help=f"one setting, e.g. --set min_gap=0.2%% (names: {', '.join(SETTINGS_DEFAULTS)})")


class _Parser(argparse.ArgumentParser):
    """argparse, with "did you mean" for a misspelt option (the fact base does the same for misspelt keys)."""

    partial = False
    """True when only one command's fact options were added (`build_parser(only=...)`)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        if "unrecognized arguments" in message:
            owners: dict[str, list[str]] = {}  # option -> the commands that take it
            for command, parser in _all_parsers(build_parser() if self.partial else self):
                for action in parser._actions:
                    for option in action.option_strings:
                        owners.setdefault(option, []).append(command)
            hints = []
            for token in message.split(":", 1)[1].split():
                option = token.split("=", 1)[0]
                if not option.startswith("--"):
                    continue
                if option in owners:  # a real option, given to a command that does not take it
                    hints.append(f"{option} is an option of {', '.join(sorted(set(owners[option])))}")
                elif suggest(option, sorted(owners)):
                    hints.append(f"did you mean {suggest(option, sorted(owners))} for {option}?")
            if hints:
                message += " (" + "; ".join(hints) + ")"
        super().error(message)


def _all_parsers(parser: argparse.ArgumentParser, name: str = "mlstrategy"
                 ) -> list[tuple[str, argparse.ArgumentParser]]:
    """Every (command name, parser) below `parser`, itself included."""
    found = [(name, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child_name, child in action.choices.items():
                found.extend(_all_parsers(child, child_name))
    return found


COMMANDS = ("advise", "why", "why-not", "consult", "plot", "graph", "diff", "rules", "settings", "bench", "practice",
            "demo")
"""Every command, in the order `mlstrategy --help` lists them."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `only`, the command being parsed: when it is one of `COMMANDS`, that
    command's parser alone is built (the others cost ~5 ms of start-up: argparse looks up its translations for
    every parser), else every command's, and the fact options (about 60 per command) go to none."""
    from . import __version__

    parser = _Parser(
        prog="mlstrategy",
        description="An expert system for ML strategy: ranked diagnoses and an explained action plan.",
    )
    parser.partial = only is not None
    alone = only in COMMANDS

    def wanted(name: str) -> bool:
        return not alone or name == only

    def fact_options(command: argparse.ArgumentParser, name: str) -> None:
        if only is None or only == name:
            _add_all_fact_options(command)
    parser.add_argument("--version", action="version", version=f"mlstrategy {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    if wanted("advise"):
        advise = commands.add_parser("advise", help="diagnose a situation and plan what to do")
        fact_options(advise, "advise")
        advise.add_argument("--format", choices=FORMATS, default=None,
                            help="report format (default: from the -o extension .html/.md/.json/.txt, else rich on a "
                                 "terminal, else text)")
        advise.add_argument("-o", "--output", metavar="FILE",
                            help="write the report to FILE instead of standard output")
        advise.add_argument("--runs", metavar="FILE", help="a table of runs (W&B runs export, MLflow search_runs or "
                                                            "Optuna trials CSV): advice per run and a summary of the sweep")

    for name, help_text in (("why", "explain a conclusion back to the facts"),
                            ("why-not", "say why something was not concluded")):
        if not wanted(name):
            continue
        command = commands.add_parser(name, help=help_text)
        command.add_argument("name", help="an action, diagnosis or value name (e.g. bigger_model)")
        fact_options(command, name)
        command.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or JSON")
        if name == "why-not":
            command.add_argument("--all", action="store_true",
                                 help="every rule that could conclude it, nested (default: the nearest rule in one line)")

    if wanted("consult"):
        consult = commands.add_parser("consult", help="interactive: answer the questions that would sharpen the advice")
        fact_options(consult, "consult")

    if wanted("plot"):
        plot = commands.add_parser("plot",
                                   help="draw the error ladder (or the explanation graph) to a PNG/SVG/PDF file")
        fact_options(plot, "plot")
        plot.add_argument("-o", "--output", metavar="FILE", required=True,
                          help="the picture: .png, .svg or .pdf (the ladder also .jpg and others matplotlib writes); "
                               "a name without an extension gets .png")
        plot.add_argument("--what", choices=("ladder", "graph"), default="ladder",
                          help="the error ladder (default) or the explanation graph")

    if wanted("graph"):
        graph = commands.add_parser("graph", help="export the reasoning graph")
        fact_options(graph, "graph")
        graph.add_argument("--format", choices=("dot", "mermaid", "json"), default="dot",
                           help="Graphviz DOT (default), a Mermaid flowchart, or node-link JSON")
        graph.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")

    if wanted("diff"):
        diff = commands.add_parser("diff", help="compare the advice for two situations (before and after an iteration)")
        diff.add_argument("before", help="the earlier situation file (YAML, JSON or TOML)")
        diff.add_argument("after", help="the later situation file")
        diff.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="text (default), "
                          "Markdown or JSON")
        diff_settings = diff.add_argument_group("settings (thresholds, never facts)")
        diff_settings.add_argument("--settings", dest="settings_file", metavar="FILE",
                                   help="a YAML/JSON/TOML file of settings")
        diff_settings.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                                   help="one setting for both runs, e.g. --set confidence=95%%")

    if wanted("rules"):
        rules = commands.add_parser("rules", help="list every rule: id, course section, what it concludes")
        rules.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                           help="text (default), Markdown or JSON")

    if wanted("settings"):
        commands.add_parser("settings", help="list every setting with its default and meaning")

    if wanted("bench"):
        commands.add_parser("bench", help="run the benchmark table (benchmarks/run.py of a source checkout; "
                                          "options such as --quick are passed on)")

    if wanted("practice"):
        practice = commands.add_parser("practice", help="the course's flight simulator: answer questions on generated "
                                                        "cases, graded with the advice's explanations")
        practice.add_argument("--section", help="practise one course section (its heading or part of it, e.g. "
                                                "'error analysis'); default: across the course")
        practice.add_argument("--seed", type=int, default=None, help="replay the same cases (default: a new session, "
                                                                     "whose seed is printed)")
        practice.add_argument("--count", type=int, default=10, help="how many cases (default 10)")
        practice.add_argument("--difficulty", choices=("easy", "medium", "hard"), default=None,
                              help="hard cases have near-ties, pass human level, use small sets or mismatched data")
        practice.add_argument("--format", choices=("text", "json"), default="text",
                              help="json: read the answers from standard input, print only a transcript at the end")

    if wanted("demo"):
        demo = commands.add_parser("demo", help="the built-in example situation, explained")
        demo.add_argument("--format", choices=FORMATS, default=None,
                          help="report format (default: rich on a terminal, else text)")
    return parser


def _flag_facts(args: argparse.Namespace) -> dict[str, Any]:
    return {key[5:]: parse_text_value(raw) for key, raw in vars(args).items() if key.startswith("fact_") and raw is not None}


def _adapter_facts(args: argparse.Namespace, flags: dict[str, Any]) -> dict[str, Any]:
    """Facts read from predictions, a history, an error sheet or an MLflow run (the adapters)."""
    data: dict[str, Any] = {}
    if getattr(args, "mlflow_run", None):
        data.update(_mlflow_facts(args.mlflow_run, args.mlflow_uri))
    if getattr(args, "predictions", None):
        from .adapters.predictions import prediction_table_facts

        data.update(_given(prediction_table_facts(args.predictions)))
    if getattr(args, "history", None):
        from .adapters.history import history_facts

        reading = history_facts(args.history, columns=_column_options(args.columns), log_format=args.history_format)
        for note in reading.notes:
            sys.stderr.write(f"mlstrategy: note ({reading.format} log): {note}\n")
        data.update(_given(reading.facts))
    if getattr(args, "errors", None):
        dev_error = flags.get("dev_error", data.get("dev_error"))
        from .adapters.sheets import error_sheet_facts

        sheet = error_sheet_facts(args.errors)
        data.update(_given(sheet if dev_error is None else {**sheet, "dev_error": dev_error}))
    return data


def _given(facts: dict[str, Any]) -> dict[str, Any]:
    """The given facts of what an adapter derived, as `Situation.from_any(facts).given()` gives them: read
    without pydantic when plain (`mlstrategy.plain`), else validated (its error names what is wrong)."""
    given = given_facts(facts)
    if given is not None:
        return given
    from .facts import Situation

    return Situation.from_any(facts).given()


class _NeverRaised(Exception):
    """Stands for pydantic's ValidationError in a process that never loaded pydantic (so nothing raised one)."""


def _validation_error() -> type[Exception]:
    """pydantic's ValidationError once pydantic is loaded, else an exception nothing raises: an `except` clause
    for validation errors that does not import pydantic to catch what it cannot have raised."""
    core = sys.modules.get("pydantic_core")
    return core.ValidationError if core is not None else _NeverRaised


class InputError(Exception):
    """A failure the command line reports as one line (exit code 2): a missing run, a picture format..."""


def _mlflow_facts(run_id: str, uri: str | None) -> dict[str, Any]:
    """Facts of an MLflow run; a missing run or a store MLflow refuses is one line, never MLflow's traceback."""
    from .facts import Situation

    try:
        return Situation.from_mlflow(run_id, tracking_uri=uri).given()
    except (_validation_error(), ImportError):
        raise
    except LookupError as error:
        raise InputError(str(error).splitlines()[0]) from None
    except Exception as error:  # noqa: BLE001 - MLflow raises its own exception types, also for bad stores
        if not type(error).__module__.startswith("mlflow"):
            raise
        first = next((line.strip() for line in str(error).splitlines() if line.strip()), type(error).__name__)
        raise InputError(f"MLflow could not read run {run_id!r}: {first[:300]}") from None


def _column_options(items: list[str]) -> dict[str, str]:
    """--column ROLE=NAME options as {role: name}; a malformed one is an invalid input (exit 2, one line)."""
    columns: dict[str, str] = {}
    for item in items:
        role, sep, name = item.partition("=")
        if not sep or not role.strip() or not name.strip():
            from pydantic_core import PydanticCustomError, ValidationError

            raise ValidationError.from_exception_data("history", [{
                "type": PydanticCustomError("column_syntax", "--column takes ROLE=NAME (e.g. val_loss=my_val), got "
                                            "'{item}'", {"item": item}), "loc": ("--column",), "input": item}])
        columns[role.strip()] = name.strip()
    return columns


def _advise_runs(args: argparse.Namespace) -> int:
    """`mlstrategy advise --runs runs.csv`: the sweep's summary, then each run's primary problem and first action
    (JSON: one line per run); facts from flags or a situation file are shared by every run."""
    from . import BatchError, advise_many

    from .facts import Situation, load_mapping

    shared = load_mapping(args.situation) if args.situation else {}
    runs = Situation.from_runs(args.runs, **{**shared, **_flag_facts(args)})
    advices = advise_many(runs, settings=_settings(args))
    if args.format == "json":
        text = "\n".join(json.dumps({"run": name, **result.to_dict()}, ensure_ascii=False)
                         for name, result in zip(runs.names, advices))
    else:
        lines = [runs.summary(advices)]
        for name, result in zip(runs.names, advices):
            if isinstance(result, BatchError):
                lines.append(f"  {name}: could not be advised ({result.message})")
            else:
                first = result.actions[0].name if result.actions else "none"
                lines.append(f"  {name}: {result.primary_problem or 'no primary problem'}; first action {first}")
        text = "\n".join(lines)
    _emit(text, args.output)
    return 0 if all(advices) else 2


def _situation_data(args: argparse.Namespace) -> "dict[str, Any] | Situation":
    """The facts of the flags, the adapters and the situation file: plain ones as they are (`advise` reads them
    without pydantic), anything else validated here, so that a wrong fact is reported before a wrong setting."""
    flags = _flag_facts(args)
    data = _adapter_facts(args, flags)
    if args.situation:
        from .files import load_mapping

        data.update(load_mapping(args.situation))
    data.update(flags)
    if given_facts(data) is not None:
        return data
    from .facts import Situation

    return Situation.from_any(data)


def _situation(args: argparse.Namespace) -> "Situation":
    from .facts import Situation

    return Situation.from_any(_situation_data(args))


def _settings(args: argparse.Namespace) -> "Settings | None":
    """The settings of --settings and --set; None when neither is given (the defaults, without the model)."""
    if not args.settings_file and not args.settings:
        return None
    from .files import load_mapping
    from .settings import Settings

    data: dict[str, Any] = load_mapping(args.settings_file) if args.settings_file else {}
    for item in args.settings:
        name, sep, raw = item.partition("=")
        if not sep:
            from pydantic_core import PydanticCustomError, ValidationError

            raise ValidationError.from_exception_data("Settings", [{
                "type": PydanticCustomError("set_syntax", "--set takes NAME=VALUE, got '{item}'", {"item": item}),
                "loc": ("--set",), "input": item}])
        data[name.strip()] = _setting_value(raw.strip())
    return Settings.from_any(data)


_PERCENT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)\s*%")


def _setting_value(raw: str) -> Any:
    """A --set value: '95%' -> 0.95 (every setting that takes a fraction takes a percentage), else as typed."""
    if _PERCENT.fullmatch(raw):
        return round(float(raw.rstrip("% ")) / 100, 12)
    return parse_text_value(raw)


def _emit(text: str, output: str | None, what: str = "") -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
        if what:
            _wrote(output, what)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


_SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".json": "json",
                   ".txt": "text", ".text": "text"}


def _wrote(path: str, what: str) -> None:
    sys.stderr.write(f"mlstrategy: wrote {path} ({what})\n")


def _render(advice: Any, fmt: str | None, output: str | None = None) -> None:
    """The report in `fmt`; without one, the -o extension picks it (.html, .md, .json, .txt), else rich on a
    terminal and text elsewhere. Writing a file says what was written (a name without an extension too)."""
    suffix = Path(output).suffix.lower() if output else ""
    fmt = fmt or _SUFFIX_FORMATS.get(suffix) or ("rich" if sys.stdout.isatty() and not output else "text")
    what = f"{fmt} report" + ("" if suffix else "; the name has no extension: --format or .html/.md/.json "
                                               "pick another format")
    if fmt == "rich":
        from rich.console import Console

        if output:
            with open(output, "w", encoding="utf-8") as handle:
                Console(file=handle, width=120).print(advice)
            _wrote(output, what)
        else:
            Console().print(advice)
    elif fmt == "json":
        _emit(advice.to_json(), output, what)
    elif fmt == "markdown":
        _emit(advice.to_markdown(), output, what)
    elif fmt == "html":
        _emit(advice.to_html(), output, what)
    else:
        _emit(str(advice), output, what)


def _plot(advice: Any, what: str, output: str) -> None:
    """Draw the ladder or the graph; a name without an extension becomes a .png, and the message says so."""
    path = Path(output)
    note = "PNG"
    if not path.suffix:
        path, note = path.with_name(path.name + ".png"), "PNG: the name had no extension"
    else:
        note = path.suffix[1:].upper()
    try:
        written = (advice.save_graph if what == "graph" else advice.save_plot)(path)
    except ValueError as error:  # plots.PictureFormatError: a format this picture cannot be written in
        raise InputError(str(error)) from None
    _wrote(str(written), f"{'explanation graph' if what == 'graph' else 'error ladder'}, {note}")


def _diff(args: argparse.Namespace) -> None:
    from . import advise

    settings = _settings(args)
    from .facts import Situation, load_mapping

    before = advise(Situation.from_any(load_mapping(args.before)), settings=settings)
    after = advise(Situation.from_any(load_mapping(args.after)), settings=settings)
    comparison = before.compare(after)
    if args.format == "json":
        _emit(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False), None)
    elif args.format == "markdown":
        _emit(comparison.to_markdown(), None)
    else:
        _emit(str(comparison), None)


def _rules(fmt: str) -> None:
    from . import rules

    listed = rules()
    if fmt == "json":
        _emit(json.dumps([
            {"id": r.id, "section": r.section, "title": r.title, "concludes": list(r.concludes()),
             "reads": list(r.reads()), "settings": list(r.settings()), "because": r.because}
            for r in listed], indent=2), None)
        return
    lines: list[str] = []
    section = None
    for rule in listed:
        if rule.section != section:
            section = rule.section
            lines += ["", f"## {section}" if fmt == "markdown" else section]
        concludes = ", ".join(rule.concludes())
        lines.append(f"- `{rule.id}`: {rule.title} -> {concludes}" if fmt == "markdown"
                     else f"  {rule.id:34} {rule.title} -> {concludes}")
    _emit("\n".join(lines).lstrip("\n"), None)


MAX_BATCH_BYTES = 100 * 10 * 2**20
"""A .jsonl batch is read up to this many bytes (1000 MiB, counted on bytes read); each line is limited as a
situation file is (10 MiB)."""


def _batch_lines(path: str) -> Any:
    """(line number, the line's bytes or None, why it cannot be read or None) for each line of a .jsonl file.

    Bounded: a line is read up to the situation-file limit and the file up to `MAX_BATCH_BYTES`, so a line
    without end (or `/dev/zero`) gives an error entry instead of exhausting memory.
    """
    from .facts import MAX_FILE_BYTES

    total = 0
    with open(path, "rb") as handle:
        number = 0
        while True:
            line = handle.readline(MAX_FILE_BYTES + 1)
            if not line:
                return
            number += 1
            total += len(line)
            if len(line) > MAX_FILE_BYTES and not line.endswith(b"\n"):
                while total <= MAX_BATCH_BYTES and (rest := handle.readline(MAX_FILE_BYTES + 1)):
                    total += len(rest)
                    if rest.endswith(b"\n"):
                        break
                yield number, None, f"longer than {MAX_FILE_BYTES:,} bytes"
            else:
                yield number, line, None
            if total > MAX_BATCH_BYTES:
                yield number + 1, None, f"the file holds more than {MAX_BATCH_BYTES:,} bytes; the rest is not read"
                return


def _parse_line(line: bytes) -> Any:
    """One JSON line as a situation mapping, or a ValueError saying why it is not one (never another error)."""
    from .facts import excerpt, load_json

    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text (byte {line[error.start]:#04x} at column {error.start + 1})") from None
    try:
        value = load_json(text)
    except RecursionError:
        raise ValueError("not a JSON object (nested too deeply)") from None
    except ValueError as error:  # JSONDecodeError, a key given twice, an integer of over 4,300 digits
        raise ValueError(f"not a JSON object ({excerpt(str(error), 200)})") from None
    if not isinstance(value, dict):
        raise ValueError(f"not a JSON object (a JSON {type(value).__name__})")
    return value


BATCH_CHUNK = 10_000
"""A .jsonl batch is advised and written this many lines at a time, so memory stays flat however long it is."""


def _advise_lines(args: argparse.Namespace) -> int:
    """`mlstrategy advise runs.jsonl`: one JSON line of advice (or of the error) per input line, in order.

    A line that cannot be read (not UTF-8, not JSON, too deep, too long) gets its own error entry; every other
    line is still answered. Lines are advised and written in chunks of `BATCH_CHUNK`."""
    from . import BatchError, advise_many

    flags = _flag_facts(args)
    settings = _settings(args)  # a bad --set fails the whole run before any line is read
    output = getattr(args, "output", None)
    pending: list[Any] = []  # per non-empty line: a situation mapping, or the BatchError of a line that is not JSON
    written, failed = 0, False

    def flush(handle: Any) -> None:
        nonlocal written, failed
        runs = [item for item in pending if not isinstance(item, BatchError)]
        advised = iter(advise_many(runs, settings=settings) if runs else ())
        for item in pending:
            result = item if isinstance(item, BatchError) else next(advised)
            if isinstance(result, BatchError):
                result, failed = BatchError(written, result.error_type, result.message), True
            handle.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
            written += 1
        pending.clear()

    with (open(output, "w", encoding="utf-8") if output else contextlib.nullcontext(sys.stdout)) as handle:
        for number, line, why in _batch_lines(args.situation):
            if line is not None and not line.strip():
                continue
            try:
                if why is not None:
                    raise ValueError(why)
                pending.append({**_parse_line(line), **flags})
            except ValueError as error:
                pending.append(BatchError(0, "JSONDecodeError", f"line {number}: {error}"))
            if len(pending) >= BATCH_CHUNK:
                flush(handle)
        flush(handle)
    return 2 if failed else 0  # 2, as for one invalid situation: some line could not be advised


def _bench(extra: list[str]) -> int:
    """Run benchmarks/run.py: it lives beside the package in a source checkout (it is not installed)."""
    import runpy

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
    if not script.exists():
        sys.stderr.write("mlstrategy: the benchmarks come with the source, not the wheel: clone the repository, "
                         "`pip install -e .` and run `mlstrategy bench` (or `python benchmarks/run.py`) there\n")
        return 2
    saved = sys.argv
    sys.argv = [str(script), *extra]
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as done:
        return int(done.code or 0)
    finally:
        sys.argv = saved
    return 0


def _practice(args: argparse.Namespace) -> int:
    """`mlstrategy practice`: a seeded session of generated cases, answered at the prompt or from a script."""
    import random

    from .practice import run

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10_000)
    if args.count < 1:
        sys.stderr.write(f"mlstrategy: --count must be at least 1; got {args.count}\n")
        return 2
    if args.seed is None and args.format == "text":
        _emit(f"Session seed {seed} (replay it with --seed {seed}).", None)
    try:
        run(args.section, seed, args.count, args.difficulty, args.format)
    except ValueError as error:  # a section no rule cites
        sys.stderr.write(f"mlstrategy: {error}\n")
        return 2
    return 0


def demo_facts() -> dict[str, Any]:
    """The built-in example's facts (`examples/demo.yaml`): a cat-photo app trained on web images, judged on
    mobile photos. Plain facts: `mlstrategy demo` advises them without loading the models."""
    from importlib import resources

    from .files import load_yaml

    return load_yaml(resources.files("mlstrategy").joinpath("examples/demo.yaml").read_text(encoding="utf-8"))


def demo_situation() -> "Situation":
    """The built-in example as a validated `Situation`."""
    from .facts import Situation

    return Situation.from_any(demo_facts())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for invalid input)."""
    from . import advise

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:  # its options belong to benchmarks/run.py
        return _bench(argv[1:])
    args = build_parser(only=argv[0] if argv and not argv[0].startswith("-") else None).parse_args(argv)
    try:
        if args.command == "rules":
            _rules(args.format)
        elif args.command == "settings":
            from .settings import Settings

            _emit("\n".join(f"{name} = {field.default!r}\n    {field.description}"
                            for name, field in Settings.model_fields.items()), None)
        elif args.command == "demo":
            advice = advise(demo_facts())
            if args.format in ("json", "html"):  # machine-readable: the advice alone
                _render(advice, args.format)
                return 0
            _emit("Demo: a cat-photo app trained on web images and judged on mobile photos.\n"
                  f"Facts: {json.dumps(advice.inputs)}\n", None)
            _render(advice, args.format)
            first = advice.actions[0].name if advice.actions else None
            if first:
                _emit(f"\nWhy {first}?\n{advice.why(first)}", None)
        elif args.command == "practice":
            return _practice(args)
        elif args.command == "consult":
            from .interactive import consult

            consult(_situation(args), _settings(args))
        elif args.command == "diff":
            _diff(args)


        elif args.command == "advise" and args.runs:
            return _advise_runs(args)
        elif args.command == "advise" and args.situation and args.situation.endswith(".jsonl"):
            return _advise_lines(args)
        else:
            advice = advise(_situation_data(args), settings=_settings(args))
            if args.command == "plot":
                _plot(advice, args.what, args.output)
            elif args.command == "advise":
                _render(advice, args.format, args.output)
            elif args.command == "graph":
                exported = {"dot": advice.to_dot, "mermaid": advice.to_mermaid,
                            "json": lambda: json.dumps(advice.to_node_link(), indent=2, default=str)}[args.format]()
                _emit(exported, args.output, f"{args.format} graph")
            else:
                from .inference.explain import Explanation, UnknownName, WhyNot

                result: Explanation | WhyNot
                try:
                    result = advice.why(args.name) if args.command == "why" else advice.why_not(args.name)
                except UnknownName as error:
                    hint = str(error).replace(f"advice.why_not({args.name!r})", f"`mlstrategy why-not {args.name}`")
                    sys.stderr.write(f"mlstrategy: {hint}\n")
                    return 2
                if args.format == "json":
                    _emit(json.dumps(result.to_dict(), indent=2, default=str), None)
                else:
                    # --all is a why-not option: only a WhyNot has the nested form (`why` parses no --all)
                    _emit(result.full() if isinstance(result, WhyNot) and args.all else str(result), None)
    except _validation_error() as error:  # evaluated only when an exception is raised
        from pydantic import ValidationError

        from .facts import describe_errors

        sys.stderr.write(f"mlstrategy: invalid input\n{describe_errors(cast(ValidationError, error))}\n")
        return 2
    except BrokenPipeError:  # e.g. `mlstrategy rules | head`
        return 0
    except InputError as error:
        sys.stderr.write(f"mlstrategy: {error}\n")
        return 2
    except ImportError as error:  # an optional extra (matplotlib for pictures, mlflow...) is not installed
        sys.stderr.write(f"mlstrategy: {error}\n")
        return 2
    except OSError as error:
        sys.stderr.write(f"mlstrategy: {error}\n")
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
