"""The `mlstrategy` command: advice, explanations and the rule catalogue from a shell.

    mlstrategy advise --human-error 1% --train-error 8% --dev-error 10%
    mlstrategy advise situation.yaml --format markdown
    mlstrategy why bigger_model situation.yaml
    mlstrategy why-not more_data situation.yaml
    mlstrategy graph situation.yaml --format mermaid
    mlstrategy rules
    mlstrategy demo
"""
from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

from pydantic import ValidationError

from .facts import FACT_GROUPS, Situation, describe_errors, load_mapping, parse_text_value, suggest
from .settings import Settings

__all__ = ["main", "build_parser"]

FORMATS = ("text", "markdown", "json", "rich", "html")


def _add_fact_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("situation", nargs="?",
                        help="a YAML, JSON or TOML file of facts (flags below override it); for `advise`, a .jsonl "
                             "file of many situations gives one JSON line of advice per line")
    sources = parser.add_argument_group("facts from what you have (flags and the file override them)")
    sources.add_argument("--predictions", metavar="CSV",
                         help="predictions: columns set (train/train_dev/dev/test), y_true, y_pred -> errors and sizes")
    sources.add_argument("--history", metavar="CSV", help="a training history (Keras CSVLogger, Lightning metrics.csv)")
    sources.add_argument("--errors", metavar="CSV", help="an error-analysis sheet: one row per examined dev error, "
                                                         "one 0/1 or x column per category, optional mislabeled")
    sources.add_argument("--mlflow-run", metavar="RUN_ID", help="read errors and curves from an MLflow run")
    sources.add_argument("--mlflow-uri", metavar="URI", help="the MLflow tracking URI (default: MLflow's own)")
    for group_name, names in FACT_GROUPS.items():
        group = parser.add_argument_group(f"facts: {group_name}")
        for name in names:
            info = Situation.model_fields[name]
            group.add_argument(f"--{name.replace('_', '-')}", dest=f"fact_{name}", metavar="VALUE",
                               help=info.description)
    settings = parser.add_argument_group("settings (thresholds, never facts)")
    settings.add_argument("--settings", dest="settings_file", metavar="FILE", help="a YAML/JSON/TOML file of settings")
    settings.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                          help=f"one setting, e.g. --set min_gap=0.2%% (names: {', '.join(Settings.model_fields)})")


class _Parser(argparse.ArgumentParser):
    """argparse, with "did you mean" for a misspelt option (the fact base does the same for misspelt keys)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        if "unrecognized arguments" in message:
            options = sorted({option for parser in _all_parsers(self) for action in parser._actions
                              for option in action.option_strings})
            hints = [f"{token} -> {suggest(token, options)}" for token in message.split()
                     if token.startswith("--") and suggest(token, options)]
            if hints:
                message += " (did you mean: " + "; ".join(hints) + "?)"
        super().error(message)


def _all_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found.extend(_all_parsers(child))
    return found


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(
        prog="mlstrategy",
        description="An expert system for ML strategy: ranked diagnoses and an explained action plan.",
    )
    parser.add_argument("--version", action="version", version=f"mlstrategy {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    advise = commands.add_parser("advise", help="diagnose a situation and plan what to do")
    _add_fact_options(advise)
    advise.add_argument("--format", choices=FORMATS, default=None, help="report format (default: rich on a terminal, else text)")
    advise.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")

    for name, help_text in (("why", "explain a conclusion back to the facts"),
                            ("why-not", "say why something was not concluded")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("name", help="an action, diagnosis or value name (e.g. bigger_model)")
        _add_fact_options(command)
        command.add_argument("--format", choices=("text", "json"), default="text")

    consult = commands.add_parser("consult", help="interactive: answer the questions that would sharpen the advice")
    _add_fact_options(consult)

    plot = commands.add_parser("plot", help="draw the error ladder (or the explanation graph) to a PNG/SVG/PDF file")
    _add_fact_options(plot)
    plot.add_argument("-o", "--output", metavar="FILE", required=True, help="the picture: .png, .svg or .pdf")
    plot.add_argument("--what", choices=("ladder", "graph"), default="ladder")

    graph = commands.add_parser("graph", help="export the reasoning graph")
    _add_fact_options(graph)
    graph.add_argument("--format", choices=("dot", "mermaid", "json"), default="dot")
    graph.add_argument("-o", "--output", metavar="FILE")

    rules = commands.add_parser("rules", help="list every rule: id, course section, what it concludes")
    rules.add_argument("--format", choices=("text", "markdown", "json"), default="text")

    commands.add_parser("settings", help="list every setting with its default and meaning")

    commands.add_parser("bench", help="run the benchmark table (benchmarks/run.py of a source checkout; "
                                      "options such as --quick are passed on)")

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

    demo = commands.add_parser("demo", help="the built-in example situation, explained")
    demo.add_argument("--format", choices=FORMATS, default=None)
    return parser


def _flag_facts(args: argparse.Namespace) -> dict[str, Any]:
    return {key[5:]: parse_text_value(raw) for key, raw in vars(args).items() if key.startswith("fact_") and raw is not None}


def _adapter_facts(args: argparse.Namespace, flags: dict[str, Any]) -> dict[str, Any]:
    """Facts read from predictions, a history, an error sheet or an MLflow run (the adapters)."""
    data: dict[str, Any] = {}
    if getattr(args, "mlflow_run", None):
        data.update(Situation.from_mlflow(args.mlflow_run, tracking_uri=args.mlflow_uri).given())
    if getattr(args, "predictions", None):
        from .adapters import situation_from_prediction_table

        data.update(situation_from_prediction_table(args.predictions).given())
    if getattr(args, "history", None):
        data.update(Situation.from_history(args.history).given())
    if getattr(args, "errors", None):
        dev_error = flags.get("dev_error", data.get("dev_error"))
        data.update(Situation.from_error_sheet(args.errors, dev_error=dev_error).given())
    return data


def _situation(args: argparse.Namespace) -> Situation:
    flags = _flag_facts(args)
    data = _adapter_facts(args, flags)
    if args.situation:
        data.update(load_mapping(args.situation))
    data.update(flags)
    return Situation.from_any(data)


def _settings(args: argparse.Namespace) -> Settings:
    data: dict[str, Any] = load_mapping(args.settings_file) if args.settings_file else {}
    for item in args.settings:
        name, sep, raw = item.partition("=")
        if not sep:
            from pydantic_core import PydanticCustomError

            raise ValidationError.from_exception_data("Settings", [{
                "type": PydanticCustomError("set_syntax", "--set takes NAME=VALUE, got '{item}'", {"item": item}),
                "loc": ("--set",), "input": item}])
        data[name.strip()] = parse_text_value(raw.strip())
    return Settings.from_any(data)


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _render(advice: Any, fmt: str | None, output: str | None = None) -> None:
    fmt = fmt or ("rich" if sys.stdout.isatty() and not output else "text")
    if fmt == "rich":
        from rich.console import Console

        if output:
            with open(output, "w", encoding="utf-8") as handle:
                Console(file=handle, width=120).print(advice)
        else:
            Console().print(advice)
    elif fmt == "json":
        _emit(advice.to_json(), output)
    elif fmt == "markdown":
        _emit(advice.to_markdown(), output)
    elif fmt == "html":
        _emit(advice.to_html(), output)
    else:
        _emit(str(advice), output)


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


def _advise_lines(args: argparse.Namespace) -> int:
    """`mlstrategy advise runs.jsonl`: one JSON line of advice (or of the error) per input line, in order."""
    from . import BatchError, advise_many

    flags = _flag_facts(args)
    parsed: list[Any] = []  # per non-empty line: a situation mapping, or the BatchError of a line that is not JSON
    with open(args.situation, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                parsed.append({**json.loads(line), **flags})
            except (json.JSONDecodeError, TypeError) as error:  # TypeError: a JSON value that is not an object
                parsed.append(BatchError(len(parsed), "JSONDecodeError", f"line {number}: not a JSON object ({error})"))
    runs = [item for item in parsed if not isinstance(item, BatchError)]
    advised = iter(advise_many(runs, settings=_settings(args)))
    results = []
    for index, item in enumerate(parsed):
        result = item if isinstance(item, BatchError) else next(advised)
        results.append(BatchError(index, result.error_type, result.message) if isinstance(result, BatchError) else result)
    _emit("\n".join(json.dumps(result.to_dict(), ensure_ascii=False) for result in results), getattr(args, "output", None))
    return 0 if all(results) else 2  # 2, as for one invalid situation: some line could not be advised


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


def demo_situation() -> Situation:
    """The built-in example: a cat-photo app trained on web images, judged on mobile photos."""
    text = resources.files("mlstrategy").joinpath("examples/demo.yaml").read_text(encoding="utf-8")
    import yaml

    return Situation.from_any(yaml.safe_load(text))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for invalid input)."""
    from . import advise

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:  # its options belong to benchmarks/run.py
        return _bench(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        if args.command == "rules":
            _rules(args.format)
        elif args.command == "settings":
            _emit("\n".join(f"{name} = {field.default!r}\n    {field.description}"
                            for name, field in Settings.model_fields.items()), None)
        elif args.command == "demo":
            situation = demo_situation()
            advice = advise(situation)
            if args.format in ("json", "html"):  # machine-readable: the advice alone
                _render(advice, args.format)
                return 0
            _emit("Demo: a cat-photo app trained on web images and judged on mobile photos.\n"
                  f"Facts: {json.dumps(situation.given())}\n", None)
            _render(advice, args.format)
            first = advice.actions[0].name if advice.actions else None
            if first:
                _emit(f"\nWhy {first}?\n{advice.why(first)}", None)
        elif args.command == "practice":
            return _practice(args)
        elif args.command == "consult":
            from .interactive import consult

            consult(_situation(args), _settings(args))
        elif args.command == "advise" and args.situation and args.situation.endswith(".jsonl"):
            return _advise_lines(args)
        else:
            advice = advise(_situation(args), settings=_settings(args))
            if args.command == "plot":
                (advice.save_graph if args.what == "graph" else advice.save_plot)(args.output)
                sys.stderr.write(f"mlstrategy: wrote {args.output}\n")
            elif args.command == "advise":
                _render(advice, args.format, args.output)
            elif args.command == "graph":
                exported = {"dot": advice.to_dot, "mermaid": advice.to_mermaid,
                            "json": lambda: json.dumps(advice.to_node_link(), indent=2, default=str)}[args.format]()
                _emit(exported, args.output)
            else:
                from .inference.explain import UnknownName

                try:
                    result = advice.why(args.name) if args.command == "why" else advice.why_not(args.name)
                except UnknownName as error:
                    hint = str(error).replace(f"advice.why_not({args.name!r})", f"`mlstrategy why-not {args.name}`")
                    sys.stderr.write(f"mlstrategy: {hint}\n")
                    return 2
                _emit(json.dumps(result.to_dict(), indent=2, default=str) if args.format == "json" else str(result), None)
    except ValidationError as error:
        sys.stderr.write(f"mlstrategy: invalid input\n{describe_errors(error)}\n")
        return 2
    except BrokenPipeError:  # e.g. `mlstrategy rules | head`
        return 0
    except ImportError as error:  # an optional extra (matplotlib for pictures, mlflow...) is not installed
        sys.stderr.write(f"mlstrategy: {error}\n")
        return 2
    except OSError as error:
        sys.stderr.write(f"mlstrategy: {error}\n")
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
