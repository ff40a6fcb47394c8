"""The advisor: `advise()` (facts in, advice out) and `rules()`, over one engine per process compiled on first use.

(Named for what it holds: the interactive `consult()` is in interactive.py; `mlstrategy.consult` re-exports this.)
"""
from __future__ import annotations

import os
import threading
from typing import Any, Mapping

from typing import TYPE_CHECKING

from .advice import Advice
from .inference.engine import Engine
from .knowledge import RULES
from .knowledge.dsl import Rule
from .plain import default_setting_fields, given_facts

if TYPE_CHECKING:  # pragma: no cover
    from .facts import Situation
    from .settings import Settings

__all__ = ["advise", "rules", "default_engine"]

_engine: Engine | None = None
_engine_lock = threading.Lock()


def _after_fork_in_child() -> None:
    """Fork safety (issue 11): a child forked while another thread held a lock inherits it held, forever.

    The engine resets its own lock (inference/engine.py); here the lock that guards the default engine. (Advice's
    cached attributes hold no lock: see mlstrategy/_cached.py.)"""
    global _engine_lock
    _engine_lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork_in_child)


def default_engine() -> Engine:
    """The process-wide engine over the whole knowledge base (compiled on first call)."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = Engine(RULES, fold=default_setting_fields())  # defaults written into the rules
    return _engine


def advise(
    situation: Situation | Mapping[str, Any] | None = None,
    /,
    *,
    settings: Settings | Mapping[str, Any] | None = None,
    engine: Engine | None = None,
    **facts: Any,
) -> Advice:
    """Diagnose an ML project and plan what to do next, explaining every item back to your facts.

    Give facts as a `Situation`, a mapping (e.g. parsed YAML), flat keywords (names in docs/vocabulary.md),
    or a mapping updated by keywords. Error levels are fractions or strings like "8%". Thresholds go
    in `settings`, never among the facts. Invalid input raises `pydantic.ValidationError` before anything runs.

    >>> advice = advise(human_error=0.075, train_error=0.08, dev_error=0.10)
    >>> advice.primary_problem, advice.values["variance"]
    ('variance', 0.02)
    """
    # Plain facts (keywords, or a dict of them) are read without pydantic (mlstrategy.plain), and the default
    # settings need no model either: the models load only for what only they can read, or to say what is wrong.
    model: Situation | None = None
    fields_set: set[str] | None = None
    base = facts if situation is None else {**situation, **facts} if type(situation) is dict else None
    if base is not None and (inputs := given_facts(base)) is not None:
        fields_set = set(base)
    else:
        from .facts import situation_and_given

        model, inputs = situation_and_given(situation, facts, quick=base is None)  # tried above if base
    chosen: Settings | None = None
    fields: Mapping[str, Any] = default_setting_fields()
    if settings is not None and not (type(settings) is dict and not settings):
        from .settings import DEFAULT_SETTINGS, Settings, engine_fields

        chosen = Settings.from_any(settings)
        fields = engine_fields(chosen)
        if chosen is DEFAULT_SETTINGS:
            chosen = None
    engine = engine or default_engine()
    trace = engine.consult(inputs, fields)
    return Advice(model, chosen, trace, engine.knowledge, fields_set, source=base if model is None else None)


def rules() -> tuple[Rule, ...]:
    """Every rule of the knowledge base, in the course's order (id, section, conditions, conclusions, rationale)."""
    from .knowledge.sections import section_order

    return tuple(sorted(RULES, key=lambda rule: (section_order(rule.section), rule.id)))
