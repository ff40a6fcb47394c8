"""One result per fact snapshot: helpers that several rules read (the leader verdict, the candidates' metrics)
are computed once per snapshot instead of once per rule that reads them.

A consultation's snapshot only ever grows (a rule adds fields, never changes one), so the snapshot's identity and
its size name its state. Each decorated function holds the last snapshot it saw, that snapshot's size and the
result; holding the snapshot keeps its identity from being reused while it is remembered. The entry is one tuple,
replaced whole, so threads consulting other engines at the same time never see a torn entry (they only
recompute). The result is shared by every caller: return a value nobody mutates (a tuple, a read-only mapping).

>>> calls = []
>>> @per_snapshot
... def size(facts):
...     calls.append(1)
...     return len(facts)
>>> facts = {"train_error": 0.08}
>>> size(facts), size(facts), len(calls)
(1, 1, 1)
>>> facts["dev_error"] = 0.1  # the snapshot grew: computed again
>>> size(facts), len(calls)
(2, 2)
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Mapping, TypeVar

__all__ = ["per_snapshot"]

T = TypeVar("T")


def per_snapshot(function: Callable[[Mapping[str, Any]], T]) -> Callable[[Mapping[str, Any]], T]:
    """`function(facts)`, computed once per snapshot (its identity and size); see the module's note."""
    last: tuple[Any, int, Any] = (None, -1, None)

    @functools.wraps(function)
    def once(facts: Mapping[str, Any]) -> T:
        nonlocal last
        entry, size = last, len(facts)  # the entry read once: another thread may replace it meanwhile
        if entry[0] is facts and entry[1] == size:
            return entry[2]
        result = function(facts)
        last = (facts, size, result)
        return result

    return once
