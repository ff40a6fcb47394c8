"""Frozen records behave as the frozen dataclasses they replace: construction (and its errors), equality, hashing,
repr, freezing, inheritance, `__post_init__`, pickling and copying."""
from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlstrategy.knowledge import dsl
from mlstrategy.knowledge._record import record


@record
class Point:
    """A record with a default."""

    x: float
    y: float = 0.0


@dataclasses.dataclass(frozen=True)
class PointClass:
    x: float
    y: float = 0.0


@record
class Labelled(Point):
    label: str = "p"


class Plain(Point):
    """A subclass that adds no field, not decorated again."""


@record
class Checked:
    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("negative")


def twins(fields: list[tuple[str, bool]]) -> tuple[type, type]:
    """The same class as a record and as a frozen dataclass (field name, has a default)."""
    lines = "".join(f"    {name}: object{' = ' + repr(index) if default else ''}\n"
                    for index, (name, default) in enumerate(fields))
    out = []
    for decorator in (record, dataclasses.dataclass(frozen=True)):
        made: dict = {}
        exec(f"@decorator\nclass Twin:\n{lines or '    pass'}\n", {"decorator": decorator}, made)
        out.append(made["Twin"])
    return out[0], out[1]


def outcome(cls: type, args: tuple, kwargs: dict):
    try:
        return cls(*args, **kwargs)
    except TypeError as error:
        return ("TypeError", str(error).replace("Twin.__init__()", "__init__()"))


field_lists = st.lists(st.sampled_from("abcdef"), max_size=4, unique=True).flatmap(
    lambda names: st.tuples(st.just(names), st.integers(0, len(names)))).map(
    lambda drawn: [(name, index >= drawn[1]) for index, name in enumerate(drawn[0])])  # defaults last


@settings(max_examples=300, deadline=None)
@given(fields=field_lists, positional=st.lists(st.integers(0, 3), max_size=5),
       keywords=st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 3), max_size=4))
def test_a_record_is_built_and_refused_as_the_dataclass_is(fields, positional, keywords):
    ours, theirs = twins(fields)
    mine, reference = outcome(ours, tuple(positional), keywords), outcome(theirs, tuple(positional), keywords)
    if isinstance(reference, tuple):
        assert mine == reference
        return
    assert not isinstance(mine, tuple), mine
    names = [name for name, _ in fields]
    assert [getattr(mine, name) for name in names] == [getattr(reference, name) for name in names]
    assert repr(mine) == repr(reference) and ours.__match_args__ == theirs.__match_args__
    again = ours(*positional, **keywords)
    assert mine == again and hash(mine) == hash(again) and mine is not again
    assert mine != reference  # another class: never equal, as two dataclasses are not
    for name in names[:1]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(mine, name, 1)
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(mine, name)


def test_defaults_inheritance_and_post_init():
    assert Point(1.0) == Point(1.0, 0.0) == Point(x=1.0) and Point(1.0) != Point(1.0, 2.0)
    assert repr(Point(1.0)) == repr(PointClass(1.0)).replace("PointClass", "Point")
    assert Point.y == 0.0  # defaults stay class attributes, as a dataclass's
    assert Labelled.__match_args__ == ("x", "y", "label") and repr(Labelled(1.0)) == "Labelled(x=1.0, y=0.0, label='p')"
    assert Labelled(1.0, 0.0, "p") != Point(1.0)  # a subclass instance is another class
    assert Plain(1.0) != Point(1.0) and repr(Plain(2.0)) == "Plain(x=2.0, y=0.0)" and Plain(2.0) == Plain(2.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Plain(1.0).z = 3  # a record freezes every attribute, whatever the class
    assert Checked(1).value == 1
    with pytest.raises(ValueError, match="negative"):
        Checked(-1)
    with pytest.raises(TypeError, match="non-default argument"):
        record(type("Bad", (), {"__annotations__": {"a": "int", "b": "int"}, "a": 1}))


def test_records_pickle_and_copy_to_equal_records():
    for item in (Point(1.5, 2.5), Labelled(1.0, label="q"), Plain(3.0), Checked(2),
                 dsl.Compare(">", dsl.Fact("train_error"), dsl.Times(dsl.Setting("min_gap"), dsl.Const(2)))):
        for other in (pickle.loads(pickle.dumps(item)), copy.copy(item), copy.deepcopy(item)):
            assert other == item and type(other) is type(item) and hash(other) == hash(item)


def test_the_knowledge_base_classes_are_records_and_rule_a_dataclass():
    for cls in (dsl.Fact, dsl.Setting, dsl.Const, dsl.Compare, dsl.Value, dsl.Values, dsl.Diagnose, dsl.Recommend,
                dsl.Ask):
        assert "__record__" in cls.__dict__, cls
    assert dataclasses.is_dataclass(dsl.Rule)
    with pytest.raises(ValueError, match="unknown comparison"):
        dsl.Compare("=>", dsl.Fact("a"), dsl.Const(1))  # __post_init__ runs


def test_a_record_is_replaced_as_a_dataclass_is():
    import sys

    moved = Point(1.0).__replace__(y=2.0)
    assert moved == Point(1.0, 2.0) and type(moved) is Point
    assert Labelled(1.0).__replace__(label="q") == Labelled(1.0, 0.0, "q")
    with pytest.raises(TypeError):
        Point(1.0).__replace__(z=3.0)
    with pytest.raises(ValueError, match="negative"):
        Checked(1).__replace__(value=-1)  # checked again by __post_init__
    if sys.version_info >= (3, 13):
        assert copy.replace(Point(1.0), x=3.0) == Point(3.0)
