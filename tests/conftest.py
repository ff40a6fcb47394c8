"""Shared fixtures: the project root, names() for lists of named results, and the command line run in a fresh
process."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def advise_in_fresh_process(*argv: str) -> tuple[int, bool, bool, dict]:
    """`mlstrategy <argv> --format json` in a fresh interpreter: its exit code, whether pydantic and the models
    (mlstrategy.facts) were imported, and the JSON report."""
    code = ("import io, sys, json, contextlib\nfrom mlstrategy.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()):\n"
            f"    code = main({[*argv, '--format', 'json']!r})\n"
            "print(json.dumps([code, 'pydantic' in sys.modules, 'mlstrategy.facts' in sys.modules, "
            "json.loads(out.getvalue())]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    status, pydantic, models, report = json.loads(done.stdout)
    return status, pydantic, models, report


def names(items):
    return [item.name for item in items]


@pytest.fixture
def root() -> Path:
    return ROOT
