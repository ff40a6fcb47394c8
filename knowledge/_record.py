"""Frozen records: what `@dataclass(frozen=True)` gives the knowledge base's value classes, for less start-up.

A frozen dataclass compiles six methods per class, one `exec` each (about 1.1 ms per class on Python 3.11 on our
2-core machine; the knowledge base, the compiler and the planner define 16 such classes, all imported by every
`mlstrategy advise`). A record compiles its `__init__` and its field tuple in one `exec` and shares the rest, so
a class costs about 0.15 ms, and each instance is built, compared and hashed by generated code as a dataclass's.

What a record keeps of a frozen dataclass: fields from the class's annotations (a record base's fields first),
defaults (which stay class attributes), positional and keyword construction with the same errors,
`__post_init__`, equality only with an instance of the same class, a hash of the fields, the same repr,
`__match_args__`, pickling and copying (`copy.replace` too), and `dataclasses.FrozenInstanceError` on any
assignment or deletion (on a subclass too, whatever the name). What it leaves out, unused here: `field(...)`
specifiers, `dataclasses.fields`/`asdict`/`replace`/`is_dataclass` (a record lists its fields in
`__match_args__`), ordering, slots, keyword-only fields, the signature as a docstring. Classes that need those stay
dataclasses. Type checkers see a record as a frozen dataclass (PEP 681 `dataclass_transform`).
"""
from __future__ import annotations

import sys
from dataclasses import FrozenInstanceError
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:  # type checkers read PEP 681 from typeshed's typing_extensions on every Python (3.10 too)
    from typing_extensions import dataclass_transform
elif sys.version_info >= (3, 11):  # 3.11's takes frozen_default among its **kwargs (named from 3.12)
    from typing import dataclass_transform
else:  # it only informs type checkers; at run time on 3.10 it does nothing

    def dataclass_transform(**_: Any) -> Any:
        return lambda function: function

__all__ = ["record"]

_C = TypeVar("_C", bound=type)
_NO_DEFAULT = object()


@dataclass_transform(frozen_default=True)
def record(cls: _C) -> _C:
    """Make `cls` a frozen record (see the module's docstring)."""
    own = cls.__dict__.get("__annotations__", {})
    names: list[str] = []
    defaults: dict[str, Any] = {}
    for base in reversed(cls.__mro__[1:]):  # a record base's fields first, in its order
        for name in base.__dict__.get("__match_args__", ()) if "__record__" in base.__dict__ else ():
            if name not in names:
                names.append(name)
            default = base.__dict__["__record__"].get(name, _NO_DEFAULT)
            if default is not _NO_DEFAULT:
                defaults[name] = default
    for name, annotation in own.items():
        if (annotation.startswith(("ClassVar", "typing.ClassVar")) if isinstance(annotation, str)
                else getattr(annotation, "__origin__", None) is ClassVar or annotation is ClassVar):
            continue
        if name not in names:
            names.append(name)
        if name in cls.__dict__:
            defaults[name] = cls.__dict__[name]
        else:
            defaults.pop(name, None)
    parameters = []
    seen_default = False
    for name in names:
        if name in defaults:
            parameters.append(f"{name}=__default_{name}")
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {name!r} follows default argument")
        else:
            parameters.append(name)
    body = "".join(f"    __values[{name!r}] = {name}\n" for name in names)
    if hasattr(cls, "__post_init__"):
        body += "    self.__post_init__()\n"
    values = "".join(f"self.{name}, " for name in names)
    source = (f"def __init__(self, {', '.join(parameters)}):\n    __values = self.__dict__\n{body or '    pass'}\n"
              f"def _values(self):\n    return ({values})\n")
    namespace: dict[str, Any] = {f"__default_{name}": value for name, value in defaults.items()}
    exec(source, namespace)  # noqa: S102 - our own field names, checked to be identifiers by the class statement
    init, fields_of = namespace["__init__"], namespace["_values"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    made = {"__init__": init, "_values": fields_of, "__match_args__": tuple(names), "__record__": dict(defaults)}
    for name, value in {**made, **_SHARED}.items():
        setattr(cls, name, value)
    return cls


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return self._values() == other._values()
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self._values())


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
    return f"{self.__class__.__qualname__}({shown})"


def _replace(self: Any, /, **changes: Any) -> Any:
    """A copy with some fields changed (`copy.replace` from Python 3.13), built and checked by `__init__`."""
    return self.__class__(**{**{name: getattr(self, name) for name in self.__match_args__}, **changes})


def _setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


_SHARED = {"__eq__": _eq, "__hash__": _hash, "__repr__": _repr, "__setattr__": _setattr, "__delattr__": _delattr,
           "__replace__": _replace}
