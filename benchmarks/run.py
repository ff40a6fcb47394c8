"""Speed, scaling and memory of a consultation, next to the plain formulas and two peer rule engines.

    python benchmarks/run.py            # the full run (about 2-4 minutes on 2 cores)
    python benchmarks/run.py --quick    # small counts (about a minute)

Everything is measured in one run, on the same generated situations, and printed as ONE plain-text table
(benchmarks/README.md says what each row means):
- `mlstrategy.advise()` with its plan (validation, engine, ranked diagnoses and actions), and the same with the
  first access to `advice.graph`, on CORE situations (error rates only) and FULL ones (every topic);
- the plain course formulas (tests/reference.py) and two peers on the same core rules (benchmarks/peers.py):
  durable_rules written directly, and CLIPS through clipspy; their agreement with our engine; our ratios;
- clipspy's fact-release bug: memory and time over consultations without and with the fix (subprocesses);
- `advise_many` throughput with 1 and 2 worker processes;
- time against size (candidates, error-analysis categories) with the fitted log-log exponent;
- resident memory before and after many consultations;
- the CLI's wall time, the import time of mlstrategy, and which heavy libraries `import mlstrategy` loads.

Timed implementations run interleaved, block by block in rotating order, so that load from other processes
on the machine falls on all of them alike; the ratios are more stable than the absolute times.
"""
from __future__ import annotations

import argparse
import compileall
import gc
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGES = ("mlstrategy", "knowledge", "inference")  # the three source folders (pyproject maps them into mlstrategy)
sys.path.insert(0, str(HERE))

import mlstrategy as mls  # noqa: E402
import peers  # noqa: E402  (benchmarks/peers.py)
from situations import (  # noqa: E402  (benchmarks/situations.py)
    candidates_situation, categories_situation, core_situations, f1_candidates_situation, full_situations,
)

GAPS = frozenset(peers.GAPS)
HEAVY = ("matplotlib", "pandas", "numpy", "sklearn", "mlflow")
CLI_ARGS = ("advise", "--human-error", "1%", "--train-error", "8%", "--dev-error", "10%")
CLI_HISTORY = ROOT / "tests" / "fixtures" / "logs" / "trainer_state.json"  # a Hugging Face Trainer's own file

# ---------------------------------------------------------------- the plain formulas (tests/reference.py)
try:
    sys.path.insert(0, str(ROOT / "tests"))
    import reference  # noqa: E402
except ImportError:  # a tree without tests/: the reference row says so
    reference = None
finally:
    sys.path.remove(str(ROOT / "tests"))


def plain(s: dict[str, Any]) -> tuple[str | None, frozenset[str]]:
    """The core rules through tests/reference.py: proxy, gaps, problems, primary problem, the plan's action set."""
    r = reference
    proxy = r.bayes_proxy(s.get("bayes_error"), s.get("human_error"), s.get("human_errors"))
    train, dev = s.get("train_error"), s.get("dev_error")
    bayes = s.get("bayes_error")
    gaps = r.gaps(proxy, train, s.get("train_dev_error"), dev, s.get("test_error"))
    worth = r.problems(gaps, proxy=proxy, train=train, bayes_error=bayes)
    actions = r.gap_actions(worth, False)
    r.human_level_actions(proxy, train, dev, r.largest_gap(gaps, proxy, train, bayes))  # the rest of the core plan
    return r.primary_problem(gaps, proxy=proxy, train=train, bayes_error=bayes), frozenset(actions)


# ---------------------------------------------------------------- measuring
def rss_mb() -> float:
    """Resident memory now, in MB (Linux /proc/self/statm; the peak elsewhere)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # pragma: no cover - not Linux
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": percentile(ordered, 0.5), "p99": percentile(ordered, 0.99), "n": len(ordered)}


Contender = tuple[str, Callable[[Any], Any], Callable[[Any], Any] | None]


def interleaved(cases: list[Any], contenders: list[Contender], block: int = 200) -> tuple[dict, dict]:
    """Time each contender once per case (microseconds per call), block by block in rotating order.

    A contender's digest (if any) is computed from each call's result outside the timed region.
    """
    clock = time.perf_counter_ns
    times: dict[str, list[float]] = {name: [] for name, _, _ in contenders}
    digests: dict[str, list[Any]] = {name: [] for name, _, _ in contenders}
    order = list(contenders)
    for start in range(0, len(cases), block):
        chunk = cases[start:start + block]
        for name, call, digest in order:
            out_times, out_digests = times[name], digests[name]
            gc.collect()
            for case in chunk:
                begin = clock()
                result = call(case)
                out_times.append((clock() - begin) / 1000)
                if digest is not None:
                    out_digests.append(digest(result))
                del result
        order = order[1:] + order[:1]
    return times, digests


def advise_plan(facts: dict[str, Any]) -> Any:
    """advise() and its plan (built on first access): the primary problem and the ordered actions."""
    advice = mls.advise(facts)
    advice.primary_problem
    advice.actions
    return advice


def advise_plan_graph(facts: dict[str, Any]) -> Any:
    advice = advise_plan(facts)
    advice.graph
    return advice


def engine_digest(advice: Any) -> tuple[str | None, frozenset[str]]:
    """Our answer on the core rules: the primary problem and the actions addressing one of the four gaps."""
    return advice.primary_problem, frozenset(a.name for a in advice.actions if GAPS.intersection(a.addresses))


def loglog_exponent(points: list[tuple[int, float]]) -> float | None:
    """The least-squares slope of log(time) against log(size)."""
    if len(points) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def time_once(call: Callable[[], Any]) -> float:
    begin = time.perf_counter_ns()
    call()
    return (time.perf_counter_ns() - begin) / 1000


def scaling(make: Callable[[int], dict], sizes: Iterable[int], base: dict[str, Any],
            budget_us: float) -> tuple[float, list[tuple[int, Any]]]:
    """Median microseconds of advise() + plan + graph for the base situation and for each size (or the error it
    raised). Repetitions within a time budget per size, run round-robin across the sizes so load falls on all."""
    situations: dict[Any, dict[str, Any]] = {"base": base, **{size: make(size) for size in sizes}}
    reps: dict[Any, int] = {}
    times: dict[Any, Any] = {}
    for key, situation in situations.items():
        try:
            first = time_once(lambda: advise_plan_graph(situation))  # also the warm-up
        except Exception as error:  # a limit of the engine: reported, not fatal
            times[key] = error
            continue
        reps[key], times[key] = int(max(3, min(300, budget_us / max(first, 1.0)))), []
    gc.collect()
    for round_ in range(max(reps.values())):
        for key, count in reps.items():
            if round_ < count:
                situation = situations[key]
                times[key].append(time_once(lambda: advise_plan_graph(situation)))
    medians = {key: value if isinstance(value, Exception) else statistics.median(value) for key, value in times.items()}
    return medians.pop("base"), list(medians.items())


def run_python(code: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args, "-c", code], capture_output=True, text=True, timeout=timeout,
                          cwd=str(ROOT))


CLIPS_CHILD = r"""
import array, gc, json, statistics, sys, time
sys.path.insert(0, {bench!r})
import peers, run
patch, count = {patch}, {count}
peer = peers.ClipsPeer(patch=patch)
cases = run.core_situations(1000, 7)
for facts in cases[:200]:
    peer.consult(facts)
times = array.array("d", bytes(8 * count))  # allocated before the first reading
gc.collect()
before, clips_before = run.rss_mb(), peer.env.eval("(mem-used)")
clock = time.perf_counter_ns
for index in range(count):
    begin = clock()
    peer.consult(cases[index % len(cases)])
    times[index] = (clock() - begin) / 1000
gc.collect()
after, clips_after = run.rss_mb(), peer.env.eval("(mem-used)")
block = max(1, min(1000, count // 5))
print(json.dumps({{"before": before, "after": after, "clips_before": clips_before, "clips_after": clips_after,
                  "first": statistics.median(times[:block]), "last": statistics.median(times[-block:]),
                  "block": block, "patched": peer.patched}}))
"""


def clips_memory(patch: bool, count: int) -> dict[str, Any]:
    """The CLIPS peer over `count` consultations in a fresh process: RSS and median time, first vs last block."""
    done = run_python(CLIPS_CHILD.format(bench=str(HERE), patch=patch, count=count))
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


BATCH_CHILD = r"""
import json, sys, time
sys.path.insert(0, {bench!r})
import mlstrategy, run
cases = run.core_situations({count}, {seed})
mlstrategy.advise(cases[0])
rates = {{}}
for workers in (1, 2, 1, 2):  # twice each, alternating: the best of two (load from other processes only slows)
    begin = time.perf_counter()
    results = mlstrategy.advise_many(cases, workers=workers, progress=False)
    returned = time.perf_counter()
    assert len(results) == len(cases) and all(results)
    [advice.primary_problem for advice in results]  # the results read: a pool's traces are rebuilt on first use
    read = time.perf_counter()
    for key, seconds in ((str(workers), returned - begin), (f"{{workers}} read", read - begin)):
        rates[key] = max(rates.get(key, 0.0), len(cases) / seconds)
    del results
print(json.dumps(rates))
"""


def batch_rates(count: int, seed: int) -> dict[str, Any]:
    """advise_many's situations per second with workers=1 and workers=2, in a fresh process."""
    done = run_python(BATCH_CHILD.format(bench=str(HERE), count=count, seed=seed))
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


CALLGRIND_CHILD = r"""
import functools, sys
sys.path.insert(0, {bench!r})
import run
make = run.full_situations if {who!r} == "full" else run.core_situations
cases = make({count}, {seed})
call = {{"ours": run.advise_plan, "full": run.advise_plan, "durable": lambda: run.peers.DurablePeer().consult,
        "clips": lambda: run.peers.ClipsPeer().consult}}[{who!r}]
call = call if {who!r} in ("ours", "full") else call()
for facts in make(200, {seed} + 1):  # warm-up (not counted): compile, caches, interned strings
    call(facts)
functools.reduce(lambda _, facts: call(facts), cases, None)  # counted: callgrind collects inside reduce only
"""


def callgrind_instructions(who: str, count: int, seed: int) -> float | str:
    """Instructions per consultation under callgrind: "ours", the "durable" or the "clips" peer on core
    situations, or "full": ours on full situations; over `count` consultations after a warm-up. Only the measured loop is counted (collection is toggled on inside
    `functools.reduce`, which runs it); PYTHONHASHSEED is fixed. Repeatable to a fraction of a percent on a
    loaded machine, unlike wall time: judge an engine change by this when the machine is busy."""
    import shutil
    import tempfile

    if shutil.which("valgrind") is None:
        return "valgrind not installed"
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=functools_reduce",
             f"--callgrind-out-file={Path(folder) / 'callgrind.out'}", sys.executable, "-c",
             CALLGRIND_CHILD.format(bench=str(HERE), seed=seed, who=who, count=count)],
            capture_output=True, text=True, timeout=1800, cwd=str(ROOT), env={**os.environ, "PYTHONHASHSEED": "0"})
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None or int(found.group(1)) == 0:
        return "failed: " + ((done.stderr.strip().splitlines() or ["?"])[-1])[:80]
    return int(found.group(1)) / count


def cli_command(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("mlstrategy")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "import sys; from mlstrategy.__main__ import main; sys.exit(main())", *args]


def compile_package() -> None:
    """Write the package's bytecode, as `pip install` does: an editable checkout run with PYTHONDONTWRITEBYTECODE
    (as this workplace sets it) would otherwise recompile every module in every fresh process timed."""
    for part in PACKAGES:
        compileall.compile_dir(str(ROOT / part), quiet=1)


def wall_times(command: list[str], runs: int) -> list[float]:
    """Milliseconds of wall time per run of a command (output discarded); raises if it fails."""
    out = []
    for _ in range(runs):
        begin = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True, cwd=str(ROOT))
        out.append((time.perf_counter() - begin) * 1000)
    return out


FIRST_ADVICE = "import mlstrategy as m; m.advise(human_error=0.01, train_error=0.08, dev_error=0.1).actions"


def import_time_ms(runs: int) -> tuple[float, float, float]:
    """`import mlstrategy`: median cumulative ms from -X importtime, median process wall ms, bare-python wall ms."""
    cumulative = []
    for _ in range(runs):
        done = run_python("import mlstrategy", "-X", "importtime")
        for line in done.stderr.splitlines():
            parts = [part.strip() for part in line.split("|")]
            if len(parts) == 3 and parts[2] == "mlstrategy":
                cumulative.append(int(parts[1]) / 1000)
    with_import = wall_times([sys.executable, "-c", "import mlstrategy"], runs)
    bare = wall_times([sys.executable, "-c", "pass"], runs)
    return statistics.median(cumulative), statistics.median(with_import), statistics.median(bare)


def heavy_modules() -> tuple[list[str], list[str]]:
    """Heavy optional libraries in sys.modules after `import mlstrategy`, and after one advise() with its graph."""
    code = (f"import sys, json, mlstrategy\nheavy = {HEAVY!r}\nfirst = [m for m in heavy if m in sys.modules]\n"
            "a = mlstrategy.advise(human_error=0.01, train_error=0.08, dev_error=0.1); a.actions; a.graph; str(a)\n"
            "print(json.dumps([first, [m for m in heavy if m in sys.modules]]))")
    done = run_python(code)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    first, after = json.loads(done.stdout.strip().splitlines()[-1])
    return first, after


def version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


# ---------------------------------------------------------------- the table
class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def section(self, title: str) -> None:
        self.rows.append(("", "", "", ""))
        self.rows.append((f"-- {title}", "", "", ""))

    def add(self, name: str, value: str = "", p99: str = "", notes: str = "") -> None:
        self.rows.append((name, value, p99, notes))

    def timing(self, name: str, values: dict[str, float], notes: str = "") -> None:
        self.add(name, f"{values['median']:.1f}", f"{values['p99']:.1f}", notes)

    def render(self) -> str:
        header = ("measurement", "median", "p99", "unit / notes")
        width = max(len(row[0]) for row in self.rows + [header] if not row[0].startswith("-- "))
        lines = [f"{header[0]:<{width}}  {header[1]:>10}  {header[2]:>10}  {header[3]}",
                 f"{'-' * width}  {'-' * 10}  {'-' * 10}  {'-' * 40}"]
        for name, value, p99, notes in self.rows:
            lines.append(f"{name:<{width}}  {value:>10}  {p99:>10}  {notes}".rstrip())
        return "\n".join(lines)


def fmt_ratio(ours: dict[str, float], theirs: dict[str, float]) -> tuple[str, str]:
    return f"{ours['median'] / theirs['median']:.2f}x", f"{ours['p99'] / theirs['p99']:.2f}x"


def fmt_scaling(base: float, points: list[tuple[int, Any]]) -> tuple[str, str]:
    """The fitted exponent over the sizes that ran, and the notes: each size's time, the exponent without the
    fixed cost (time minus the base situation's), and the exponent of the last step."""
    parts = []
    for size, value in points:
        if isinstance(value, Exception):
            code = re.search(r"error code: \d+", str(value))
            parts.append(f"{size:,} FAILS ({type(value).__name__}, {code.group(0) if code else str(value)[:60]})")
        else:
            parts.append(f"{size:,}: {value / 1000:.2f} ms")
    ok = [(size, value) for size, value in points if not isinstance(value, Exception)]
    exponent = loglog_exponent(ok)
    marginal = loglog_exponent([(size, value - base) for size, value in ok if value > base])
    parts.append(f"base {base / 1000:.2f} ms; exponent of time minus base "
                 + ("n/a" if marginal is None else f"{marginal:.2f}"))
    if len(ok) >= 2:
        (n1, t1), (n2, t2) = ok[-2], ok[-1]
        parts.append(f"last step {math.log(t2 / t1) / math.log(n2 / n1):.2f}")
    return ("n/a" if exponent is None else f"{exponent:.2f}"), "; ".join(parts)


# ---------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts: about a minute")
    parser.add_argument("--n", type=int, help="core situations timed (default 10000; quick 2000)")
    parser.add_argument("--full-n", type=int, help="full situations timed (default 3000; quick 500)")
    parser.add_argument("--memory-n", type=int, help="consultations between the two memory readings (default 100000; quick 10000)")
    parser.add_argument("--batch-n", type=int, help="situations per advise_many run (default 20000; quick 4000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated situations (default 1)")
    parser.add_argument("--callgrind", type=int, help="consultations per callgrind run (default 400; quick 100; 0 skips)")
    args = parser.parse_args(argv)
    quick = args.quick
    n_core = args.n or (2_000 if quick else 10_000)
    n_full = args.full_n or (500 if quick else 3_000)
    memory_n = args.memory_n if args.memory_n is not None else (10_000 if quick else 100_000)
    batch_n = args.batch_n or (4_000 if quick else 20_000)
    clips_n, clips_unpatched_n = 20_000, (2_000 if quick else 5_000)
    cli_runs = 3 if quick else 5
    callgrind_n = args.callgrind if args.callgrind is not None else (100 if quick else 400)
    scale_budget = 300_000 if quick else 2_000_000  # microseconds per size
    started, load_start = time.perf_counter(), os.getloadavg()
    table = Table()

    core = core_situations(n_core, args.seed)
    full = full_situations(n_full, args.seed)

    # warm-up: compile the knowledge base, fill caches
    for facts in core[:300] + full[:100]:
        advise_plan_graph(facts)
    durable_peer = peers.DurablePeer()
    try:
        clips_peer: Any = peers.ClipsPeer()
        clips_note = f"clipspy {version('clipspy')}, fact-release patch {'applied' if clips_peer.patched else 'NOT applied'}"
    except ImportError:
        clips_peer, clips_note = None, "clipspy not installed: pip install clipspy"
    for facts in core[:300]:
        durable_peer.consult(facts)
        if clips_peer is not None:
            clips_peer.consult(facts)
        if reference is not None:
            plain(facts)

    # ---- one consultation: core set, with the reference and the peers, interleaved
    contenders: list[Contender] = [("ours", advise_plan, engine_digest), ("ours+graph", advise_plan_graph, None),
                                   ("durable", durable_peer.consult, lambda x: x)]
    if clips_peer is not None:
        contenders.append(("clips", clips_peer.consult, lambda x: x))
    if reference is not None:
        contenders.append(("plain", plain, lambda x: x))
    times, answers = interleaved(core, contenders)
    core_stats = {name: stats(values) for name, values in times.items()}
    full_times, _ = interleaved(full, [("ours", advise_plan, None), ("ours+graph", advise_plan_graph, None)], block=100)
    full_stats = {name: stats(values) for name, values in full_times.items()}

    table.section(f"one consultation (microseconds per call; {n_core:,} core and {n_full:,} full situations)")
    table.timing("advise() + plan, core", core_stats["ours"], "validation, engine, ranked diagnoses and actions")
    table.timing("advise() + plan + advice.graph, core", core_stats["ours+graph"], "plus the first access to the graph")
    table.timing("advise() + plan, full", full_stats["ours"], "every topic in each situation")
    table.timing("advise() + plan + advice.graph, full", full_stats["ours+graph"])
    if reference is not None:
        table.timing("plain formulas (tests/reference.py), core", core_stats["plain"], "same core rules, plain Python")
    else:
        table.add("plain formulas (tests/reference.py), core", "n/a", "", "tests/reference.py not found")
    table.timing("peer: durable_rules written directly, core", core_stats["durable"], "benchmarks/peers.py DurablePeer")
    if clips_peer is not None:
        table.timing("peer: CLIPS (clipspy), core", core_stats["clips"], "benchmarks/peers.py ClipsPeer; " + clips_note)
    else:
        table.add("peer: CLIPS (clipspy), core", "n/a", "", clips_note)

    table.section("ratios (advise() + plan, core, divided by the other; same situations, interleaved)")
    if reference is not None:
        table.add("ours / plain formulas", *fmt_ratio(core_stats["ours"], core_stats["plain"]))
    table.add("ours / durable_rules peer", *fmt_ratio(core_stats["ours"], core_stats["durable"]))
    if clips_peer is not None:
        table.add("ours / CLIPS peer", *fmt_ratio(core_stats["ours"], core_stats["clips"]))

    if callgrind_n:
        table.section(f"instructions per consultation (callgrind, {callgrind_n:,} consultations after a warm-up)")
        labels = {"ours": "advise() + plan, core", "durable": "peer: durable_rules written directly, core",
                  "clips": "peer: CLIPS (clipspy), core", "full": "advise() + plan, full"}
        if clips_peer is None:
            del labels["clips"]
        from concurrent.futures import ThreadPoolExecutor  # each run is its own valgrind process: one per core

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            counted = dict(zip(labels, pool.map(lambda who: callgrind_instructions(who, callgrind_n, args.seed), labels)))
        for who, label in labels.items():
            value = counted[who]
            table.add(label, f"{value / 1000:,.0f}" if isinstance(value, float) else "n/a", "",
                      "thousand instructions per call" if isinstance(value, float) else value)
        for peer, label in (("durable", "durable_rules peer"), ("clips", "CLIPS peer")):
            if isinstance(counted["ours"], float) and isinstance(counted.get(peer), float):
                table.add(f"ours / {label} (instructions)", f"{counted['ours'] / counted[peer]:.2f}x", "",
                          "CLIPS runs fewer instructions per microsecond than our Python does, so this is above the "
                          "time ratio" if peer == "clips" else "")

    table.section("agreement with our engine on the core situations (primary problem and set of gap actions)")
    ours = answers["ours"]
    for name, label in (("durable", "durable_rules peer"), ("clips", "CLIPS peer"), ("plain", "plain formulas")):
        if name in answers:
            same = sum(a == b for a, b in zip(ours, answers[name]))
            primary = sum(a[0] == b[0] for a, b in zip(ours, answers[name]))
            note = f"of {len(ours):,} situations (primary problem alone: {primary:,})"
            if name == "plain" and same < len(ours):
                note += "; the reference does not round gaps to 12 decimals as the rules do, so float noise breaks exact ties"
            table.add(f"{label} agrees", f"{same:,}", "", note)

    # ---- clipspy's fact release: without and with the fix, each in a fresh process
    if clips_peer is not None:
        table.section("clipspy 1.0.6 fact release (CLIPS peer in a fresh process; RSS and median time per call)")
        for patch, count in ((False, clips_unpatched_n), (True, clips_n)):
            result = clips_memory(patch, count)
            label = f"CLIPS peer, {'with the fix' if patch else 'unpatched'}, {count:,} consultations"
            if "error" in result:
                table.add(label, "error", "", result["error"])
                continue
            grown = result["after"] - result["before"]
            held = result["clips_after"] - result["clips_before"]
            table.add(label, f"{grown:+.2f}", "",
                      f"MB RSS ({result['before']:.1f} -> {result['after']:.1f}); CLIPS (mem-used) "
                      f"{held / 2**20:+.2f} MB = {held / count:.0f} B per consultation; median "
                      f"{result['first']:.0f} us over the first {result['block']:,}, {result['last']:.0f} us over the last")

    # ---- batch throughput (a fresh process, as a script would call it; not this process's large heap)
    table.section(f"advise_many throughput ({batch_n:,} core situations per run, fresh process; situations per second)")
    rates = batch_rates(batch_n, args.seed)
    if "error" in rates:
        table.add("advise_many", "error", "", rates["error"])
    else:
        table.add("advise_many, workers=1", f"{rates['1']:,.0f}", "", "runs in the calling process (no pool); best of 2")
        table.add("advise_many, workers=2", f"{rates['2']:,.0f}", "",
                  f"its own pool of 2 processes, start-up included; {rates['2'] / rates['1']:.2f}x workers=1")
        table.add("advise_many + primary_problem read, workers=1", f"{rates['1 read']:,.0f}", "",
                  "the results read too (a pool's traces are rebuilt on first use)")
        table.add("advise_many + primary_problem read, workers=2", f"{rates['2 read']:,.0f}", "",
                  f"{rates['2 read'] / rates['1 read']:.2f}x workers=1")

    # ---- scaling
    table.section("time against size (advise() + plan + graph, median per size; fitted log-log exponent)")
    bare = {"human_error": 0.01, "train_error": 0.05, "dev_error": 0.08}
    exponent, detail = fmt_scaling(*scaling(candidates_situation, (10, 100, 1_000, 10_000), {**bare, "dev_size": 5_000},
                                            scale_budget))
    table.add("candidates (accuracy, running_time_ms <= 100)", exponent, "", detail)
    exponent, detail = fmt_scaling(*scaling(categories_situation, (10, 100, 1_000), bare, scale_budget))
    table.add("error-analysis categories", exponent, "", detail)
    exponent, detail = fmt_scaling(*scaling(categories_situation, (10, 30, 100, 200), bare, scale_budget))
    table.add("error-analysis categories, up to 200", exponent, "", detail)
    for label, make in (("candidates with P and R", f1_candidates_situation),
                        ("error-analysis categories", categories_situation)):
        try:
            mls.advise(make(10_000))
            verdict = "yes"
        except Exception as error:  # the engine fact once held a field per item (error 302 past ~255 fields)
            verdict = f"no: {type(error).__name__}"
        table.add(f"10,000 {label} accepted", verdict, "", "per-item values stay off the engine fact")

    # ---- memory
    table.section("resident memory (this process, advise() + plan)")
    gc.collect()
    before = rss_mb()
    for index in range(memory_n):
        advise_plan(core[index % len(core)])
    gc.collect()
    after = rss_mb()
    table.add(f"RSS growth over {memory_n:,} consultations", f"{after - before:+.2f}", "",
              f"MB ({before:.1f} -> {after:.1f})")

    # ---- command line and import
    table.section("command line and import (fresh processes)")
    compile_package()
    cli = wall_times(cli_command(*CLI_ARGS), cli_runs)
    table.add("CLI: mlstrategy advise (wall time)", f"{statistics.median(cli):.0f}", "",
              f"ms, median of {cli_runs} (min {min(cli):.0f}, max {max(cli):.0f}): "
              f"`mlstrategy {' '.join(CLI_ARGS)}`")
    import tempfile

    import yaml

    with tempfile.TemporaryDirectory() as folder:  # the user's usual file: every topic, nested parts too
        situation = Path(folder) / "situation.yaml"
        situation.write_text(yaml.safe_dump(full[0], sort_keys=False), encoding="utf-8")
        cli = wall_times(cli_command("advise", str(situation)), cli_runs)
    table.add("CLI: advise a file with every topic", f"{statistics.median(cli):.0f}", "",
              f"ms, median of {cli_runs} (min {min(cli):.0f}, max {max(cli):.0f}): `mlstrategy advise situation.yaml`, "
              "one full situation (candidates, bounds, a tally, curves...)")
    if CLI_HISTORY.exists():
        cli = wall_times(cli_command("advise", "--history", str(CLI_HISTORY)), cli_runs)
        table.add("CLI: advise a training log", f"{statistics.median(cli):.0f}", "",
                  f"ms, median of {cli_runs} (min {min(cli):.0f}, max {max(cli):.0f}): `mlstrategy advise --history "
                  "tests/fixtures/logs/trainer_state.json`")
    cumulative, with_import, bare = import_time_ms(cli_runs)
    table.add("import mlstrategy (-X importtime, cumulative)", f"{cumulative:.0f}", "", f"ms, median of {cli_runs}")
    table.add("python -c 'import mlstrategy' (wall)", f"{with_import:.0f}", "",
              f"ms, median of {cli_runs}; bare `python -c pass` {bare:.0f} ms")
    # the import is lazy (names load on first use): time until the first advice is what a script waits for
    first_advice = wall_times([sys.executable, "-c", FIRST_ADVICE], cli_runs)
    table.add("import mlstrategy + first advise() (wall)", f"{statistics.median(first_advice):.0f}", "",
              f"ms, median of {cli_runs}: `{FIRST_ADVICE}`")
    first, after_use = heavy_modules()
    table.add("heavy libraries after import mlstrategy", "none" if not first else ",".join(first), "",
              f"checked: {', '.join(HEAVY)}; after advise() + graph + str(): {', '.join(after_use) or 'none'}")

    elapsed = time.perf_counter() - started
    load_end = os.getloadavg()
    print(f"mlstrategy {mls.__version__} benchmark{' (--quick)' if quick else ''}: seed {args.seed}, "
          f"Python {platform.python_version()}, durable_rules {version('durable_rules')}, "
          f"clipspy {version('clipspy')}, {os.cpu_count()} CPUs")
    print(f"load average {load_start[0]:.1f} at start, {load_end[0]:.1f} at end; {elapsed:.0f} s in all")
    print(table.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
