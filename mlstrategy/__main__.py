"""The `mlstrategy` command's process (the console script and `python -m mlstrategy`): set up, then `cli.main`.

What is done here concerns this process alone, never a program that imports mlstrategy (`mlstrategy.cli.main`
changes nothing of its caller's process):

- pydantic's plugin loader is skipped while the start-up imports build the models, where they build at import
  (pydantic before 2.14; from 2.14 they build on first use, and plain input never builds them, see
  `mlstrategy.facts.DEFER_BUILD`): it would scan the entry points of every installed distribution (15-35 ms
  here) for plugins the command does not use. The user's own PYDANTIC_DISABLE_PLUGINS wins (it is set only when
  absent), and it is removed again after the imports, so that child processes and any model built later (for
  input with a nested part) see the user's environment.
- The cyclic garbage collector is paused during the start-up imports, whose objects (modules, classes, the
  models) all live as long as the process; they are then frozen (`gc.freeze`), so that no later collection walks
  them. The collector runs as usual while the command works (a `.jsonl` batch of any length keeps flat memory).
- At the end the objects the command made are frozen too, so that the interpreter's exit does not walk some
  40,000 objects only to free memory the operating system takes back anyway. Standard streams are flushed and
  atexit handlers run as ever, and every file the command writes is closed before it returns.

`mlstrategy bench` is left a plain process: the benchmarks it runs time this very process, and must measure
what `python benchmarks/run.py` measures.
"""
from __future__ import annotations

import gc
import os
import sys

__all__ = ["main"]

_PLUGINS = "PYDANTIC_DISABLE_PLUGINS"


def main() -> int:
    """Run the command line in this process (`mlstrategy ...`); returns the exit status."""
    if sys.argv[1:2] == ["bench"]:
        from .cli import main as run

        return run()
    added = _PLUGINS not in os.environ  # the user's own setting wins
    if added:
        os.environ[_PLUGINS] = "__all__"
    collecting = gc.isenabled()
    gc.disable()
    try:
        from .cli import main as run
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
        if added:
            del os.environ[_PLUGINS]
    try:
        return run()
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
