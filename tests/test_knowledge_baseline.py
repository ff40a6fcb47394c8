"""knowledge/baseline.py: the first system: build it quickly, then iterate; the course's own worked examples, one test each."""
from __future__ import annotations

import mlstrategy as mls
from conftest import names


def test_a_new_project_builds_a_quick_baseline():
    advice = mls.advise(total_examples=50_000)
    assert names(advice.actions) == ["build_quick_baseline"]
    assert "dev_error" in names(advice.missing)
