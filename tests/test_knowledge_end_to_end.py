"""knowledge/end_to_end.py: end-to-end deep learning or a pipeline: exactly one; the course's own worked examples, one test each."""
from __future__ import annotations

import pytest

import mlstrategy as mls
from conftest import names


@pytest.mark.parametrize("case, facts, expected", [
    ("speech with 3,000 hours", {"end_to_end_examples": 3_000}, "pipeline"),
    ("speech with 100,000 hours", {"end_to_end_examples": 100_000}, "end_to_end"),
    ("face recognition", {"end_to_end_examples": 50_000, "stage_examples": {"face detection": 1_000_000,
                                                                          "identity": 2_000_000}}, "pipeline"),
    ("translation", {"end_to_end_examples": 10_000_000}, "end_to_end"),
    ("hand x-ray age", {"end_to_end_examples": 1_000, "stage_examples": {"bones": 50_000, "bone lengths": 50_000}},
     "pipeline"),
    ("simpler stages", {"end_to_end_examples": 1_000_000, "stages_simpler": True}, "pipeline"),
])
def test_end_to_end_or_pipeline_exactly_one(case, facts, expected):
    advice = mls.advise(**facts)
    chosen = {"end_to_end", "pipeline"} & set(names(advice.actions))
    assert chosen == {expected}, case
    loser = ({"end_to_end", "pipeline"} - chosen).pop()
    assert not advice.why_not(loser).concluded and advice.why_not(loser).nearest.failures
