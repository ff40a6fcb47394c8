"""Coverage-guided fuzzing of every input reader with atheris (libFuzzer for Python), run by hand.

Each target feeds the fuzzer's bytes to one reader, as a file (situation files, prediction tables, error
sheets, histories, .jsonl batches) or decoded as JSON (in-memory predictions, sheets, situations). The
property is the one tests/test_reader_properties.py checks with hypothesis: a result or a
pydantic.ValidationError, whose text is short; any other exception is a finding (libFuzzer stops, prints the
traceback and writes the input to crash-*). libFuzzer's -timeout flags a slow input (default here: 10 s).

    . .venv/bin/activate && pip install atheris     # not a dependency of mlstrategy
    python benchmarks/fuzz_readers.py --list
    python benchmarks/fuzz_readers.py situation_yaml -max_total_time=3600   # an hour on one reader
    python benchmarks/fuzz_readers.py all --seconds 120                     # every target in turn, 2 min each
    python benchmarks/fuzz_readers.py history_csv,jsonl_line --seconds 600  # some targets in turn

Arguments after the target go to libFuzzer (-max_total_time, -runs, -timeout, -rss_limit_mb, a corpus dir).
Without atheris, `--hypothesis N` runs the same targets on N hypothesis-generated inputs each instead.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path(tempfile.mkdtemp(prefix="mlstrategy-fuzz-"))


def _targets() -> dict[str, Callable[[bytes], None]]:
    """Target name -> a function of the fuzzer's bytes that raises only on a finding."""
    from pydantic import ValidationError

    import mlstrategy as mls
    from mlstrategy.adapters import situation_from_prediction_table
    from mlstrategy.cli import _parse_line
    from mlstrategy.facts import describe_errors

    def settle(read: Callable, *args, **kwargs) -> None:
        try:
            read(*args, **kwargs)
        except ValidationError as error:
            text = describe_errors(error)
            if len(text) > 50_000:
                raise AssertionError(f"a {len(text):,}-character message") from error

    def as_file(suffix: str, read: Callable) -> Callable[[bytes], None]:
        path = SCRATCH / f"input{suffix}"

        def target(data: bytes) -> None:
            path.write_bytes(data)
            settle(read, str(path))
        return target

    def as_json(read: Callable) -> Callable[[bytes], None]:
        def target(data: bytes) -> None:
            try:
                value = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                return  # not JSON: the file targets cover that
            read(value)
        return target

    def jsonl_line(data: bytes) -> None:
        try:
            value = _parse_line(data)
        except ValueError:
            return  # its own error entry
        settle(mls.Situation.from_any, value)

    def predictions(value) -> None:
        if isinstance(value, list) and len(value) == 2:
            settle(mls.Situation.from_predictions, dev=(value[0], value[1]))
        settle(mls.Situation.from_predictions, dev=value)

    return {
        "situation_yaml": as_file(".yaml", mls.Situation.from_file),
        "situation_json": as_file(".json", mls.Situation.from_file),
        "situation_toml": as_file(".toml", mls.Situation.from_file),
        "predictions_csv": as_file(".csv", situation_from_prediction_table),
        "error_sheet_csv": as_file(".csv", mls.Situation.from_error_sheet),
        "error_sheet_xlsx": as_file(".xlsx", mls.Situation.from_error_sheet),
        "history_csv": as_file(".csv", mls.Situation.from_history),
        "jsonl_line": jsonl_line,
        "predictions_json": as_json(predictions),
        "error_sheet_json": as_json(lambda value: settle(mls.Situation.from_error_sheet, value, dev_error=0.1)),
        "history_json": as_json(lambda value: settle(mls.Situation.from_history, value)),
        "situation_from_json": as_json(lambda value: settle(mls.Situation.from_any, value)),
    }


SEEDS = [b"human_error: 1%\ntrain_error: 8%\ndev_error: 10%\n", b'{"train_error": 0.08, "dev_size": 1000}',
         b"train_error = 0.08\n[error_analysis]\nexamined = 10\n", b"set,y_true,y_pred\ndev,1,0\ntrain,0,0\n",
         b"Image,Dog,Blurry,Mislabeled\n1,x,,\n2,,x,1\n% totals,50%,50%,\n", b"epoch,loss,val_loss\n0,0.9,1\n1,nan,0.7\n",
         b'[[0, 1, 1], [[0.2, 0.8], [0.9, 0.1], [0.4, 0.6]]]', b'[["Image", "Dog"], [1, "x"]]',
         b'[{"epoch": 0, "loss": 0.5, "val_loss": 0.6}]', b'{"candidates": [{"name": "a", "acc": 0.9}]}']


def _atheris(name: str, libfuzzer_args: list[str]) -> int:
    import atheris

    target = _targets()[name]
    import tomllib  # noqa: F401 - pure Python readers, instrumented with ours
    import yaml  # noqa: F401

    atheris.instrument_all()  # coverage of every loaded Python function (ours, pydantic's Python side, yaml)
    corpus = SCRATCH / f"corpus-{name}"
    corpus.mkdir(exist_ok=True)
    for number, seed in enumerate(SEEDS):
        (corpus / f"seed{number}").write_bytes(seed)
    args = [sys.argv[0], *libfuzzer_args]
    if not any(arg.startswith("-timeout") for arg in args):
        args.append("-timeout=10")
    if not any(not arg.startswith("-") for arg in libfuzzer_args):
        args.append(str(corpus))
    atheris.Setup(args, target)
    atheris.Fuzz()
    return 0


def _hypothesis(name: str, examples: int) -> int:
    from hypothesis import HealthCheck, given, settings, strategies as st

    target = _targets()[name]
    inputs = st.one_of(st.binary(max_size=2000), st.sampled_from(SEEDS), st.text(max_size=500).map(str.encode))

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(inputs)
    def run(data: bytes) -> None:
        target(data)

    run()
    print(f"{name}: {examples} inputs, no finding")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if argv[0] == "--list":
        print("\n".join(_targets()))
        return 0
    name, rest = argv[0], argv[1:]
    if name == "all" or "," in name:  # each target in a process of its own: libFuzzer runs one per process
        seconds = int(rest[rest.index("--seconds") + 1]) if "--seconds" in rest else 60
        failed = 0
        for each in (_targets() if name == "all" else name.split(",")):
            started = time.time()
            done = subprocess.run([sys.executable, __file__, each, f"-max_total_time={seconds}", "-print_final_stats=1"],
                                  capture_output=True, text=True, cwd=ROOT)
            stats = [line for line in done.stderr.splitlines() if line.startswith(("stat::number_of_executed_units",
                                                                                    "stat::peak_rss_mb"))]
            runs = stats[0].split(":")[-1].strip() if stats else "?"
            verdict = "no finding" if done.returncode == 0 else "FINDING (see its output above)"
            print(f"{each:22} {runs:>9} runs in {time.time() - started:5.0f} s: {verdict}", flush=True)
            if done.returncode != 0:
                failed += 1
                print("\n".join(done.stderr.splitlines()[-40:]))
        return 1 if failed else 0
    if name not in _targets():
        print(f"unknown target {name!r}; targets: {', '.join(_targets())}", file=sys.stderr)
        return 2
    if rest[:1] == ["--hypothesis"]:
        return _hypothesis(name, int(rest[1]))
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris is not installed (pip install atheris); running 1,000 hypothesis inputs instead",
              file=sys.stderr)
        return _hypothesis(name, 1000)
    return _atheris(name, rest)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "tests"))
    os.chdir(ROOT)
    raise SystemExit(main(sys.argv[1:]))
