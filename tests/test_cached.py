"""`mlstrategy._cached.cached`: Advice's results computed on first access, stored on the instance, and no lock
shared between instances (functools.cached_property on Python 3.10-3.11 holds one per class attribute)."""
from __future__ import annotations

import threading

from mlstrategy import advise
from mlstrategy._cached import cached
from mlstrategy.advice import Advice


class Counted:
    def __init__(self, gate: threading.Event | None = None) -> None:
        self.gate = gate
        self.calls = 0

    @cached
    def value(self) -> list[int]:
        """The docstring is the attribute's."""
        self.calls += 1
        if self.gate is not None:
            assert self.gate.wait(30), "the gate was never opened"
        return [self.calls]


def test_computed_once_and_stored_on_the_instance() -> None:
    item = Counted()
    first = item.value
    assert item.value is first and item.calls == 1
    assert item.__dict__["value"] is first  # later reads are plain attribute reads
    assert Counted.value.__doc__ == "The docstring is the attribute's." and isinstance(Counted.value, cached)
    other = Counted()
    assert other.value == [1] and other.value is not first  # per instance


def test_one_instance_computing_never_blocks_another() -> None:
    """functools.cached_property fails this on Python 3.10-3.11 (one lock for every instance); from 3.12 it passes
    too, as `cached` does everywhere."""
    gate = threading.Event()
    slow = Counted(gate)
    worker = threading.Thread(target=lambda: slow.value, daemon=True)
    worker.start()
    try:
        while slow.calls == 0:  # the worker is inside slow.value, holding whatever the descriptor holds
            worker.join(0.01)
        done = threading.Event()
        reader = threading.Thread(target=lambda: (Counted().value, done.set()), daemon=True)
        reader.start()
        assert done.wait(10), "reading another instance waited for the first (a lock shared by all instances)"
    finally:
        gate.set()
        worker.join(30)
    assert slow.value == [1]


def test_advice_results_are_cached_per_advice() -> None:
    advice = advise(human_error=0.01, train_error=0.08, dev_error=0.10)
    actions = advice.actions
    assert advice.actions is actions and advice.__dict__["actions"] is actions
    assert isinstance(vars(Advice)["actions"], cached) and vars(Advice)["actions"].__doc__.startswith("The plan")
    assert [a.name for a in actions][:1] == ["bigger_model"]
