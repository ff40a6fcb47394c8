"""What the expert knows: the course's heuristics as declarative rules, one module per topic.

>>> from mlstrategy.knowledge import RULES
>>> all(rule.section for rule in RULES)
True
"""
from __future__ import annotations

from . import bias_variance, gaps, human, mismatch, orthogonalization
from .dsl import Rule

__all__ = ["RULES", "MODULES", "Rule"]

MODULES = (human, gaps, bias_variance, mismatch, orthogonalization)
"""The topic modules, each holding a `RULES` tuple."""

RULES: tuple[Rule, ...] = tuple(rule for module in MODULES for rule in module.RULES)
"""Every rule of the knowledge base."""
