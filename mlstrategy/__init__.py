"""mlstrategy: an expert system for ML strategy.

State what you know about your ML project; get ranked diagnoses and an ordered action plan, each
item explained back to the facts that caused it.

>>> import mlstrategy as mls
>>> mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10).primary_problem
'avoidable_bias'
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .facts import Situation
from .settings import Settings
from .advice import Action, Advice, Diagnosis, MissingFact, Reason
from .advisor import advise, rules
from .batch import BatchError, advise_many
from .inference.engine import EngineError, RuleError

if TYPE_CHECKING:  # pragma: no cover
    from .inference.explain import Explanation, UnknownName, WhyNot

_LAZY = {"Explanation", "UnknownName", "WhyNot"}
"""Names loaded on first use (PEP 562): explanations are not needed to advise, and a plain command line skips them."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from .inference import explain

        return getattr(explain, name)
    raise AttributeError(f"module 'mlstrategy' has no attribute {name!r}")


__all__ = [
    "advise", "advise_many", "BatchError", "rules", "Situation", "Settings", "Advice", "Diagnosis", "Action", "Reason", "MissingFact",
    "Explanation", "WhyNot", "EngineError", "RuleError", "UnknownName", "__version__",
]
