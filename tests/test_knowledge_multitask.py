"""knowledge/multitask.py: multi-task learning: one network for several tasks; the course's own worked examples, one test each."""
from __future__ import annotations

import mlstrategy as mls
from conftest import names


def test_autonomous_driving_multi_task_with_missing_labels():
    advice = mls.advise(tasks={"pedestrians": 100_000, "cars": 100_000, "stop signs": 80_000, "traffic lights": 90_000},
                        low_level_features_shared=True, can_train_big_network=True, labels_incomplete=True)
    action = advice.action("multi_task_learning")
    assert action.params["loss"].startswith("sum over the labelled")
    assert "separate_models" not in names(advice.actions)


def test_multi_task_without_a_big_enough_network_trains_separate_models():
    advice = mls.advise(tasks={"a": 1000, "b": 1000}, low_level_features_shared=True, can_train_big_network=False)
    assert "separate_models" in names(advice.actions) and "multi_task_learning" not in names(advice.actions)
