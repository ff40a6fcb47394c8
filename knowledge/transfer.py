"""Transfer learning: pre-train on task A, fine-tune on task B."""
from __future__ import annotations

from typing import Any, Mapping

from .dsl import Ask, Recommend, Rule, absent, all_of, eq, gt, known, setting, times

__all__ = ["RULES", "fine_tune"]


def fine_tune(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Retrain only the last layers with little task-B data; with more, fine-tune all layers."""
    small = facts["task_b_examples"] < facts["setting:transfer_small_data"]
    return {"fine_tune": "last_layers" if small else "all"}


RULES: tuple[Rule, ...] = (
    Rule(
        id="transfer.ask_input_type",
        section="Transfer learning",
        title="Ask whether A and B take the same input",
        when=all_of(known("task_a_examples"), known("task_b_examples"), absent("same_input_type")),
        then=(Ask("same_input_type", "Transfer from A to B needs the same kind of input (images to images, audio "
                                     "to audio): it decides whether to pre-train on A.", rank=14),),
        because="Task data is given (A {task_a_examples}, B {task_b_examples}) but not whether A and B take the same input.",
    ),
    Rule(
        id="transfer.ask_low_level_features",
        section="Transfer learning",
        title="Ask whether A's low-level features help B",
        when=all_of(known("task_a_examples"), known("task_b_examples"), absent("low_level_features_shared")),
        then=(Ask("low_level_features_shared", "Transfer pays when low-level features learned on A (edges, "
                                               "phonemes) would help B: it decides whether to pre-train on A.",
                  rank=15),),
        because="Task data is given (A {task_a_examples}, B {task_b_examples}) but not whether A's low-level features help B.",
    ),
    Rule(
        id="transfer.recommended",
        section="Transfer learning",
        title="Transfer from A to B",
        when=all_of(
            eq("same_input_type", True),
            eq("low_level_features_shared", True),
            gt("task_a_examples", times("task_b_examples", setting("transfer_data_ratio"))),
        ),
        then=(Recommend("transfer_learning", params=fine_tune, reads=("task_b_examples",)),),
        because=(
            "Tasks A and B take the same kind of input, A's low-level features help B, and A has {task_a_examples} "
            "examples against B's {task_b_examples} (more than {setting:transfer_data_ratio} times as many): pre-train "
            "on A, then fine-tune on B. With little B data retrain only the last layers (fewer than "
            "{setting:transfer_small_data} examples); with more, fine-tune all of them."
        ),
    ),
)
