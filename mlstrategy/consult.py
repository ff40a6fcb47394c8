"""Compatibility: the module that held `advise()` is now `mlstrategy.advisor` (this path keeps working).

The interactive consultation, `mlstrategy consult` on the command line, is `mlstrategy.interactive.consult`.
"""
from __future__ import annotations

from .advisor import advise, default_engine, rules

__all__ = ["advise", "rules", "default_engine"]
