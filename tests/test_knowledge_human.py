"""knowledge/human.py: human-level performance: surpassing it, and what humans allow below it; the course's own worked examples, one test each."""
from __future__ import annotations

import mlstrategy as mls
from conftest import names


# ---------------------------------------------------------------- human level, first system
def test_beyond_human_level_on_structured_data_vs_perception():
    structured = mls.advise(human_error=0.05, train_error=0.03, dev_error=0.035, structured_data=True)
    reasons = " ".join(r.text for r in structured.diagnosis("near_human_level").reasons)
    assert "structured data" in reasons and "common" in reasons
    perception = mls.advise(human_error=0.05, train_error=0.03, dev_error=0.035, structured_data=False)
    assert "hard" in " ".join(r.text for r in perception.diagnosis("near_human_level").reasons)


def test_below_human_level_names_what_humans_allow():
    advice = mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10)
    assert {"get_human_labels", "error_analysis"} <= set(names(advice.actions))
