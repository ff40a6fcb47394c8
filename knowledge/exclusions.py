"""Actions that exclude each other, declared once: the winner, the loser, and why they never share a plan.

Every rule that concludes the loser must test that the winner was not recommended (`not_recommended(winner)`);
the compiler checks this for the whole knowledge base, and a property test checks that no plan holds both.
"""
from __future__ import annotations

from typing import NamedTuple

__all__ = ["Exclusion", "EXCLUSIONS"]


class Exclusion(NamedTuple):
    winner: str
    loser: str
    why: str


EXCLUSIONS: tuple[Exclusion, ...] = (
    Exclusion("bigger_dev_set", "rebalance_split",
              "a bigger dev set is needed; a rebalanced split sized for the data could shrink it again"),
    Exclusion("regularization", "reduce_regularization",
              "with variance to cut, regularization stays; reduce bias with a bigger model instead"),
    Exclusion("pipeline", "end_to_end", "one mapping is learned either end to end or as a pipeline"),
    Exclusion("multi_task_learning", "separate_models", "the tasks are learned together or apart"),
)
"""The declared exclusions (winner first)."""
