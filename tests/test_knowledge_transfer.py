"""knowledge/transfer.py: transfer learning: from a task with much data to one with little; the course's own worked examples, one test each."""
from __future__ import annotations

import mlstrategy as mls
from conftest import names


# ---------------------------------------------------------------- transfer, multi-task, end-to-end
def test_cat_to_x_ray_transfer_retrains_the_last_layers():
    advice = mls.advise(task_a_examples=1_000_000, task_b_examples=100, same_input_type=True,
                        low_level_features_shared=True)
    assert advice.action("transfer_learning").params == {"fine_tune": "last_layers"}
    more = mls.advise(task_a_examples=1_000_000, task_b_examples=50_000, same_input_type=True,
                      low_level_features_shared=True)
    assert more.action("transfer_learning").params == {"fine_tune": "all"}


def test_transfer_not_advised_when_a_has_less_data_than_b():
    advice = mls.advise(task_a_examples=100, task_b_examples=1_000_000, same_input_type=True,
                        low_level_features_shared=True)
    assert "transfer_learning" not in names(advice.actions)
    assert "task a examples (100) > task b examples (1,000,000) x setting transfer_data_ratio (10)" in str(
        advice.why_not("transfer_learning"))
