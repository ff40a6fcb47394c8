"""The scripts in examples/ run and print what they promise."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

EXPECTED = {
    "quickstart.py": ["Primary problem: avoidable_bias", "Why not more data?"],
    "mismatched_data.py": ["Primary problem: data_mismatch", "Synthesize target-like data"],
    "sweep.py": ["width-64", "avoidable_bias", "variance"],
}


def test_every_example_is_covered():
    assert {p.name for p in (ROOT / "examples").glob("*.py")} == set(EXPECTED)


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_runs(script):
    result = subprocess.run([sys.executable, str(ROOT / "examples" / script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for expected in EXPECTED[script]:
        assert expected in result.stdout
