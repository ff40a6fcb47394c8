"""The `mlstrategy` command's process (the console script and `python -m mlstrategy`): set up, then `cli.main`.

What is done here concerns this process alone, never a program that imports mlstrategy (`mlstrategy.cli.main`
changes nothing of its caller's process):

- Nothing is done about pydantic: a plain command (`advise` with plain flags) never imports it (mlstrategy.plain
  reads plain facts from a table of the models), and a command that needs the models imports them after the
  start-up, in the user's environment (their PYDANTIC_DISABLE_PLUGINS, or pydantic's plugin scan).
- The cyclic garbage collector is paused during the start-up imports, whose objects (modules, classes, the
  knowledge base) all live as long as the process; they are then frozen (`gc.freeze`), so that no later collection walks
  them. The collector runs as usual while the command works (a `.jsonl` batch of any length keeps flat memory).
- At the end the objects the command made are frozen too, so that the interpreter's exit does not walk some
  40,000 objects only to free memory the operating system takes back anyway. Standard streams are flushed and
  atexit handlers run as ever, and every file the command writes is closed before it returns.

`mlstrategy bench` is left a plain process: the benchmarks it runs time this very process, and must measure
what `python benchmarks/run.py` measures.
"""
from __future__ import annotations

import gc
import sys

__all__ = ["main"]


def main() -> int:
    """Run the command line in this process (`mlstrategy ...`); returns the exit status."""
    if sys.argv[1:2] == ["bench"]:
        from .cli import main as run

        return run()
    collecting = gc.isenabled()
    gc.disable()
    try:
        from .cli import main as run
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    try:
        return run()
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
