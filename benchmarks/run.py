"""Speed and memory of a consultation, measured by hand (never as a test).

    python benchmarks/run.py [--n 10000] [--memory-n 100000] [--seed 1]

On the same generated situations it times, per call: `mlstrategy.advise()` (validation, engine, plan),
the same plus first access to `advice.graph`, and the plain course formulas (tests/reference.py when
present, else the inline copy below). Then it reads resident memory before and after `--memory-n`
further consultations. It prints one plain-text table.
"""
from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import random
import resource
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import mlstrategy as mls

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- the plain formulas
try:
    sys.path.insert(0, str(ROOT / "tests"))
    import reference as _reference  # the course formulas written plainly (tests/reference.py)

    REFERENCE_SOURCE = "tests/reference.py"
except ImportError:  # a checkout without tests/: the same formulas, inline
    _reference = None
    REFERENCE_SOURCE = "inline formulas"
finally:
    sys.path.pop(0)

MIN_GAP, RATIO = 0.001, 0.6
GAPS = ("avoidable_bias", "variance", "data_mismatch", "dev_set_overfitting")


def _inline_plain(s: dict[str, Any]) -> tuple[str | None, list[str]]:
    """Bayes proxy, the four gaps, the gaps worth acting on and the primary problem (Settings defaults)."""
    if s.get("bayes_error") is not None:
        proxy = s["bayes_error"]
    else:
        levels = list((s.get("human_errors") or {}).values())
        if s.get("human_error") is not None:
            levels.append(s["human_error"])
        proxy = min(levels) if levels else None
    train, train_dev, dev, test = (s.get(k) for k in ("train_error", "train_dev_error", "dev_error", "test_error"))
    found = {
        "avoidable_bias": None if train is None or proxy is None else train - proxy,
        "variance": (train_dev - train if train is not None else None) if train_dev is not None
        else (None if dev is None or train is None else dev - train),
        "data_mismatch": None if dev is None or train_dev is None else dev - train_dev,
        "dev_set_overfitting": None if test is None or dev is None else test - dev,
    }
    gaps = {name: value for name, value in found.items() if value is not None}
    if not gaps:
        return None, []
    largest = max(gaps.values())
    worth = [name for name in GAPS if name in gaps and gaps[name] >= MIN_GAP and gaps[name] >= RATIO * largest]
    primary = max(worth, key=lambda name: (gaps[name], -GAPS.index(name))) if worth else None
    return primary, worth


def _reference_plain(s: dict[str, Any]) -> tuple[str | None, list[str]]:
    """The same through tests/reference.py: proxy, gaps, problems, primary problem and the plan's action set."""
    r = _reference
    proxy = r.bayes_proxy(s.get("bayes_error"), s.get("human_error"), s.get("human_errors"))
    train, dev = s.get("train_error"), s.get("dev_error")
    gaps = r.gaps(proxy, train, s.get("train_dev_error"), dev, s.get("test_error"))
    worth = r.problems(gaps)
    missing = r.train_dev_missing(s.get("train_dev_error"), s.get("train_distribution"), s.get("dev_distribution"))
    r.gap_actions(worth, missing) | r.human_level_actions(proxy, train, dev, r.largest_gap(gaps))
    return r.primary_problem(gaps), worth


def _usable_reference() -> bool:
    names = ("bayes_proxy", "gaps", "problems", "primary_problem", "train_dev_missing", "gap_actions",
             "human_level_actions", "largest_gap")
    if _reference is None or not all(hasattr(_reference, name) for name in names):
        return False
    try:
        _reference_plain({"human_error": 0.01, "train_error": 0.08, "dev_error": 0.1})
    except Exception:  # a colleague's file mid-edit: fall back rather than fail
        return False
    return True


if _usable_reference():
    plain = _reference_plain
else:
    plain = _inline_plain
    REFERENCE_SOURCE = "inline formulas"


# ---------------------------------------------------------------- situations
def situations(count: int, seed: int) -> list[dict[str, Any]]:
    """Varied course-like situations: a Bayes proxy, a ladder of error levels, sometimes distributions."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        bayes = round(rng.uniform(0.0, 0.05), 4)
        train = round(bayes + rng.uniform(0.0, 0.10), 4)
        train_dev = round(train + rng.uniform(0.0, 0.05), 4)
        dev = round(train_dev + rng.uniform(0.0, 0.08), 4)
        test = round(dev + rng.uniform(0.0, 0.05), 4)
        facts: dict[str, Any] = {"train_error": train}
        proxy = rng.choice(["human", "humans", "bayes"])
        if proxy == "human":
            facts["human_error"] = bayes
        elif proxy == "humans":
            facts["human_errors"] = {"typical person": round(bayes + 0.02, 4), "expert team": bayes}
        else:
            facts["bayes_error"] = bayes
        facts["dev_error"] = dev
        if rng.random() < 0.4:
            facts["train_dev_error"] = train_dev
        if rng.random() < 0.3:
            facts["test_error"] = test
        if rng.random() < 0.3:
            facts["train_distribution"] = "web"
            facts["dev_distribution"] = rng.choice(["web", "mobile"])
        out.append(facts)
    return out


# ---------------------------------------------------------------- measuring
def rss_mb() -> float:
    """Resident memory now, in MB (Linux /proc/self/statm; the peak elsewhere)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # pragma: no cover - not Linux
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def timings(call: Callable[[dict[str, Any]], Any], cases: list[dict[str, Any]]) -> list[float]:
    """Microseconds per call, one call per situation."""
    clock = time.perf_counter_ns
    out = []
    gc.collect()
    for facts in cases:
        start = clock()
        call(facts)
        out.append((clock() - start) / 1000)
    return out


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": percentile(ordered, 0.5), "p95": percentile(ordered, 0.95), "p99": percentile(ordered, 0.99),
        "mean": sum(ordered) / len(ordered),
    }


def advise_only(facts: dict[str, Any]) -> Any:
    return mls.advise(facts)


def advise_with_graph(facts: dict[str, Any]) -> Any:
    advice = mls.advise(facts)
    return advice.graph


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="timed consultations per measurement (default 10000)")
    parser.add_argument("--memory-n", type=int, default=100_000,
                        help="consultations between the two memory readings (default 100000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated situations (default 1)")
    args = parser.parse_args(argv)

    cases = situations(args.n, args.seed)
    for facts in cases[: min(1_000, args.n)]:  # warm-up: compile the knowledge base, fill caches
        advise_with_graph(facts)
        plain(facts)

    agree = sum(mls.advise(facts).primary_problem == plain(facts)[0] for facts in cases)
    rows = [
        ("advise()", summary(timings(advise_only, cases))),
        ("advise() + advice.graph", summary(timings(advise_with_graph, cases))),
        (f"plain formulas ({REFERENCE_SOURCE})", summary(timings(plain, cases))),
    ]

    gc.collect()
    before = rss_mb()
    for index in range(args.memory_n):
        mls.advise(cases[index % len(cases)])
    gc.collect()
    after = rss_mb()

    try:
        durable_version = metadata.version("durable_rules")
    except metadata.PackageNotFoundError:  # pragma: no cover
        durable_version = "?"
    width = max(len(f"ratio {name} / plain") for name, _ in rows[:2])
    print(f"mlstrategy {mls.__version__} benchmark: {args.n} situations (seed {args.seed}), "
          f"Python {platform.python_version()}, durable_rules {durable_version}")
    print(f"{'':{width}}  {'median':>9}  {'p95':>9}  {'p99':>9}  {'mean':>9}   (microseconds per call)")
    for name, stats in rows:
        print(f"{name:{width}}  " + "  ".join(f"{stats[key]:9.1f}" for key in ("median", "p95", "p99", "mean")))
    base = rows[2][1]
    for name, stats in rows[:2]:
        print(f"{'ratio ' + name + ' / plain':{width}}  "
              + "  ".join(f"{stats[key] / base[key]:8.0f}x" for key in ("median", "p95", "p99", "mean")))
    print(f"{'primary problem agrees with plain':{width}}  {agree}/{len(cases)} situations")
    print(f"{'resident memory (MB)':{width}}  before {before:.1f}, after {args.memory_n} consultations "
          f"{after:.1f} ({after - before:+.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
