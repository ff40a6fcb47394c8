"""Multi-task learning: one network for several tasks that share low-level features."""
from __future__ import annotations

from typing import Any, Mapping

from .dsl import Ask, Recommend, Rule, Value, absent, all_of, any_of, eq, ge, lt, not_recommended, setting

__all__ = ["RULES", "task_balance"]


def task_balance(facts: Mapping[str, Any]) -> float | None:
    """The smallest task's data as a fraction of the largest's (1 = equal amounts)."""
    counts = list(facts["tasks"].values())
    if len(counts) < 2 or max(counts) == 0:
        return None
    return round(min(counts) / max(counts), 12)


def _params(facts: Mapping[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {"tasks": sorted(facts["tasks"])}
    if facts.get("labels_incomplete"):
        params["loss"] = "sum over the labelled (example, task) entries only"
    return params


RULES: tuple[Rule, ...] = (
    Rule(
        id="multitask.balance",
        section="Multi-task learning",
        title="How similar the tasks' data amounts are",
        when=ge("tasks", 2),
        then=(Value("task_data_balance", task_balance, ("tasks",)),),
        because="The smallest task has {task_data_balance} of the largest task's data.",
    ),
    Rule(
        id="multitask.ask_shared_features",
        section="Multi-task learning",
        title="Ask whether the tasks share low-level features",
        when=all_of(ge("tasks", 2), absent("low_level_features_shared")),
        then=(Ask("low_level_features_shared", "Multi-task learning pays when the tasks share low-level features "
                                               "(e.g. cars, signs and lights in one street image); it decides between "
                                               "one network and separate models.", rank=15),),
        because="{tasks} tasks are given, but not whether they share low-level features.",
    ),
    Rule(
        id="multitask.ask_big_network",
        section="Multi-task learning",
        title="Ask whether a big enough network can be trained",
        when=all_of(ge("tasks", 2), absent("can_train_big_network")),
        then=(Ask("can_train_big_network", "Multi-task learning hurts only when the network is too small for all "
                                           "the tasks: whether a big enough one can be trained decides it.", rank=16),),
        because="{tasks} tasks are given, but not whether a network big enough for all of them can be trained.",
    ),
    Rule(
        id="multitask.recommended",
        section="Multi-task learning",
        title="Learn the tasks together",
        when=all_of(
            eq("low_level_features_shared", True),
            eq("can_train_big_network", True),
            ge("task_data_balance", setting("multitask_balance")),
        ),
        then=(Recommend("multi_task_learning", params=_params, reads=("tasks", "labels_incomplete")),),
        because=(
            "The tasks share low-level features, have similar amounts of data (smallest/largest "
            "{task_data_balance}), and a network big enough for all of them can be trained: one network learning "
            "them together usually beats separate ones. Incomplete labels are fine: sum the loss over the "
            "labelled entries only (labels_incomplete = {labels_incomplete})."
        ),
    ),
    Rule(
        id="multitask.separate_models",
        section="Multi-task learning",
        title="Separate models first",
        when=all_of(ge("tasks", 2), any_of(eq("can_train_big_network", False), eq("low_level_features_shared", False),
                                          lt("task_data_balance", setting("multitask_balance"))),
                    not_recommended("multi_task_learning")),
        then=(Recommend("separate_models"),),
        because=(
            "Multi-task learning needs tasks that share low-level features, similar data per task and a network "
            "big enough for all of them (features shared: {low_level_features_shared}; big network possible: "
            "{can_train_big_network}; smallest/largest data {task_data_balance}). One of these fails: train "
            "separate models, or first find a bigger network, which is when multi-task learning stops hurting."
        ),
    ),
)
