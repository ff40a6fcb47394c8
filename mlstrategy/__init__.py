"""mlstrategy: an expert system for ML strategy.

State what you know about your ML project; get ranked diagnoses and an ordered action plan, each
item explained back to the facts that caused it.

>>> import mlstrategy as mls
>>> mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10).primary_problem
'avoidable_bias'
"""
from __future__ import annotations

from importlib import import_module as _import_module

from ._version import __version__

TYPE_CHECKING = False
"""typing.TYPE_CHECKING without importing typing (~5 ms, most of a bare `import mlstrategy`); mypy reads it the same."""
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from .advice import Action, Advice, Diagnosis, MissingFact, Reason
    from .advisor import advise, rules
    from .batch import BatchError, advise_many
    from .facts import Situation
    from .inference.engine import EngineError, RuleError
    from .inference.explain import Explanation, UnknownName, WhyNot
    from .settings import Settings

_LAZY = {
    "Situation": "facts", "Settings": "settings",
    "Action": "advice", "Advice": "advice", "Diagnosis": "advice", "MissingFact": "advice", "Reason": "advice",
    "advise": "advisor", "rules": "advisor", "BatchError": "batch", "advise_many": "batch",
    "EngineError": "inference.engine", "RuleError": "inference.engine",
    "Explanation": "inference.explain", "UnknownName": "inference.explain", "WhyNot": "inference.explain",
}
"""Each public name and the submodule that holds it, imported on first use (PEP 562): `import mlstrategy` costs
nothing until a name is used, and the command line loads only what its command needs (the knowledge base and
the engine with `advise`; pydantic only for input plain values cannot express, see `mlstrategy.plain`; never the
explanations or the batch runner)."""

_EAGER = ("facts", "settings", "advice", "advisor", "batch", "inference.engine")
"""What `import mlstrategy` imported before it was lazy: reaching one of these submodules (or inference's and
knowledge's own submodules) as an attribute without importing it, `mlstrategy.facts`, loads them all, as then."""
_SUBMODULES = frozenset({"advice", "advisor", "batch", "facts", "inference", "knowledge", "settings"})


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(_import_module(f"{__name__}.{module}"), name)
        globals()[name] = value  # later lookups are plain attribute reads
        return value
    if name in _SUBMODULES:
        for eager in _EAGER:
            _import_module(f"{__name__}.{eager}")
        return globals()[name]
    raise AttributeError(f"module 'mlstrategy' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_SUBMODULES})


__all__ = [
    "advise", "advise_many", "BatchError", "rules", "Situation", "Settings", "Advice", "Diagnosis", "Action", "Reason", "MissingFact",
    "Explanation", "WhyNot", "EngineError", "RuleError", "UnknownName", "__version__",
]
