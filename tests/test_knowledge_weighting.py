"""knowledge/weighting.py: changing the metric: a weighted error when some mistakes matter more; the course's own worked examples, one test each."""
from __future__ import annotations

import pytest

import mlstrategy as mls
from conftest import names


# ---------------------------------------------------------------- changing the metric
def test_weighted_porn_filter_metric_prefers_b():
    candidates = [{"name": "A", "errors_by_class": {"porn": 0.02, "other": 0.01}},
                  {"name": "B", "errors_by_class": {"porn": 0.001, "other": 0.049}}]
    advice = mls.advise(candidates=candidates, class_weights={"porn": 10}, metric_matches_users=False)
    assert advice.values["weighted_error:A"] == pytest.approx(0.21)
    assert advice.values["weighted_error:B"] == pytest.approx(0.059)
    assert advice.values["selected_candidate"] == "B"
    assert advice.primary_problem == "metric_mismatch"
    assert {"change_metric", "weight_metric"} <= set(names(advice.actions))
    assert advice.action("weight_metric").params == {"class_weights": {"porn": 10.0}}
