"""`cached`: `functools.cached_property` without the lock it holds on Python 3.10 and 3.11.

There, `cached_property` takes one RLock per class attribute on every first access: every thread computing
`advice.actions` of any Advice waits for the others (the lock is shared by all instances), a process forked while
another thread holds it inherits it held (issue 11's deadlock), and taking it costs more than the plan of a small
consultation. Python 3.12 dropped the lock; this is that behaviour on every version we support: the
value is computed on first access and stored in the instance's `__dict__`, where later reads find it without
calling anything. Two threads reading the same instance's attribute at once may both compute it; both get equal
values and the last one is kept, as on 3.12.
"""
from __future__ import annotations

from typing import Any, Callable, Generic, TypeVar, overload

__all__ = ["cached"]

T = TypeVar("T")


class cached(Generic[T]):  # noqa: N801  (named like the property decorators it stands for)
    """A read-only attribute computed on first access and then stored on the instance (a non-data descriptor)."""

    def __init__(self, function: Callable[[Any], T]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__
        self.__module__ = function.__module__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> "cached[T]": ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> "T | cached[T]":
        if instance is None:
            return self
        value = self.function(instance)
        instance.__dict__[self.name] = value
        return value
