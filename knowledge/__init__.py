"""What the expert knows: the course's heuristics as declarative rules, one module per topic.

>>> from mlstrategy.knowledge import RULES
>>> all(rule.section for rule in RULES)
True
"""
from __future__ import annotations

from . import (
    baseline, bias_variance, consistency, curves, dev_test, end_to_end, error_analysis, gaps, human, metrics, mismatch,
    multitask, orthogonalization, significance, target, transfer, uncertainty, weighting,
)
from .dsl import Rule

__all__ = ["RULES", "MODULES", "Rule"]

MODULES = (
    orthogonalization, metrics, weighting, dev_test, human, gaps, bias_variance, curves, significance, error_analysis,
    baseline, mismatch, transfer, multitask, end_to_end, uncertainty, target, consistency,
)
"""The topic modules, each holding a `RULES` tuple."""

RULES: tuple[Rule, ...] = tuple(rule for module in MODULES for rule in module.RULES)
"""Every rule of the knowledge base."""
