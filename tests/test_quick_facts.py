"""The quick path of the fact base: for plain input, Situation.from_any builds the model without pydantic; it must
give exactly what pydantic gives (values, their types and order, the fields set, the given facts), and leave every
other input, valid or not, to pydantic."""
from __future__ import annotations

import copy
import math
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import mlstrategy as mls
from mlstrategy import facts as facts_module
from mlstrategy.facts import Situation, check_expanded_size, situation_and_given

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from situations import core_situations, full_situations  # noqa: E402  (benchmarks/situations.py)


class Text(str):
    pass


class Real(float):
    pass


def same(a, b) -> bool:
    """Equal values of exactly the same types, containers in the same order, floats with the same sign."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return repr(a) == repr(b)
    return a == b


def by_pydantic(data):
    """What from_any did before the quick path: the model, or the error's type and text."""
    try:
        check_expanded_size(data)
        return Situation.model_validate(data)
    except ValidationError as error:
        return error


def assert_same_model(quick: Situation, slow: Situation) -> None:
    assert type(quick) is Situation
    assert same(quick.__dict__, slow.__dict__)
    assert quick.model_fields_set == slow.model_fields_set
    assert quick.__pydantic_extra__ is None and slow.__pydantic_extra__ is None
    assert quick.__pydantic_private__ is None and slow.__pydantic_private__ is None
    assert quick == slow and repr(quick) == repr(slow)
    assert same(quick.given(), slow.given())
    assert same(quick.model_dump(), slow.model_dump())
    assert same(quick.model_dump(exclude_unset=True), slow.model_dump(exclude_unset=True))  # nested models' too


plain_labels = st.text("abcxyz _-.%", min_size=1, max_size=5).map(str.strip).filter(bool)
odd_labels = st.one_of(
    st.text(max_size=5), st.builds(Text, st.just("web")), st.integers(0, 3), st.none(),
    st.sampled_from(["a" * 200, "a" * 201, " web", "web ", "", " ", "\ud800", "a\x1c", "\x1ca", "\u00a0a", "caf\u00e9",
                     "a\u2028", "\t"]),
)
VALUES = {  # per kind: values the quick path takes, and others (most of which pydantic refuses or changes)
    facts_module._QUICK_FRACTION: (
        st.one_of(st.floats(0, 1), st.sampled_from([0.0, -0.0, 1.0, 5e-324, "8%", "0.1", "8.5 %", " 0.25 ", "100%"]),
                  st.floats(0, 100).map(lambda pct: f"{pct}%"), st.floats(0, 1).map(repr)),
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-2, 101), st.booleans(), st.none(),
                  st.sampled_from(["1_0%", "nan", "", "%", "8", "101%", "-1%", "inf", "1e400", "0x1", 1.0000000000000002,
                                   -1e-300, 8.0, 250.0]), st.text("0123456789.%-e_ ", max_size=6),
                  st.builds(Real, st.floats(0, 1)))),
    facts_module._QUICK_COUNT: (
        st.one_of(st.integers(0, 10**6), st.just(10**15), st.integers(0, 10**15 - 1).map(str)),
        st.one_of(st.integers(-3, -1), st.booleans(), st.floats(0, 1e6), st.none(),
                  st.sampled_from([10**15 + 1, -(10**15), 10**400, 12.0, 12.5, "012", "1_000", " 12", "+12", "-1", "12.0",
                                   "1e3", "\u0663", str(10**15), ""]), st.text("0123456789 +-_.", max_size=17))),
    facts_module._QUICK_BOOL: (st.booleans(), st.one_of(st.none(), st.sampled_from([0, 1, "true", "yes", 1.0]))),
    facts_module._QUICK_LABEL: (plain_labels, odd_labels),
    facts_module._QUICK_CHOICE: (st.sampled_from(["random", "systematic"]),
                                 st.one_of(st.sampled_from([" random", "Random", "other"]), st.none(), st.booleans())),
}
VALUES[facts_module._QUICK_FRACTIONS] = (
    st.dictionaries(plain_labels, VALUES[facts_module._QUICK_FRACTION][0], min_size=1, max_size=4),
    st.one_of(st.dictionaries(st.one_of(plain_labels, odd_labels), st.one_of(*VALUES[facts_module._QUICK_FRACTION]),
                              max_size=4),
              st.none(), st.just([("a", 0.1)]), st.just({"a": 0.1, " a": 0.2})))
VALUES[facts_module._QUICK_COUNTS] = (
    st.dictionaries(plain_labels, VALUES[facts_module._QUICK_COUNT][0], min_size=1, max_size=4),
    st.one_of(st.dictionaries(st.one_of(plain_labels, odd_labels), st.one_of(*VALUES[facts_module._QUICK_COUNT]),
                              max_size=4), st.none()))
counts = VALUES[facts_module._QUICK_COUNT][0].filter(lambda count: type(count) is int)
numbers = st.one_of(st.floats(-1e6, 1e6), st.integers(-10**6, 10**6), st.sampled_from([0, -0.0, 2**53, -(2**53)]))
odd_numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
                        st.sampled_from(["1", "92%", 2**53 + 1, 10**400, 1.5j]), st.builds(Real, st.floats(0, 1)))
fractions = st.floats(0, 1)


def shuffled(draw, mapping: dict) -> dict:
    """The same mapping with its keys in a drawn order (pydantic writes a model's fields in declaration order)."""
    keys = draw(st.permutations(list(mapping)))
    return {key: mapping[key] for key in keys}


@st.composite
def confusion_matrices(draw, odd=False):
    matrix = {side: draw(counts) for side in ("tp", "fp", "fn", "tn")}
    if odd:
        change = draw(st.sampled_from(["drop", "add", "value"]))
        if change == "drop":
            del matrix[draw(st.sampled_from(list(matrix)))]
        elif change == "add":
            matrix[draw(st.sampled_from(["TP", "tp ", "total"]))] = 1
        else:
            matrix[draw(st.sampled_from(list(matrix)))] = draw(st.one_of(*VALUES[facts_module._QUICK_COUNT][1:]))
    return shuffled(draw, matrix)


@st.composite
def candidate_lists(draw, odd=False):
    names = draw(st.lists(plain_labels, min_size=1, max_size=4, unique=True))
    items = []
    for name in names:
        candidate = {"name": name, **draw(st.dictionaries(plain_labels.filter(lambda key: key not in ("name", "errors_by_class")),
                                                          numbers, max_size=3))}
        errors = draw(st.one_of(st.none(), st.dictionaries(plain_labels, fractions, max_size=2), st.just("absent")))
        if errors != "absent":
            candidate["errors_by_class"] = errors
        items.append(shuffled(draw, candidate))
    if odd:
        change = draw(st.sampled_from(["duplicate", "metric", "name", "errors", "container", "empty", "mapping_name"]))
        if change == "duplicate":
            items.append(dict(items[0]))
        elif change == "metric":
            items[0][draw(st.sampled_from(["acc", "name ", "x"]))] = draw(odd_numbers)
        elif change == "name":
            items[0]["name"] = draw(odd_labels)
        elif change == "errors":
            items[0]["errors_by_class"] = draw(st.one_of(st.just({"a": "8%"}), st.just({"a": 1.5}), st.just([0.1]),
                                                         st.dictionaries(odd_labels, fractions, max_size=2)))
        elif change == "container":
            return draw(st.sampled_from([tuple(items), [tuple(items[0].items())], "A", None]))
        elif change == "empty":
            return draw(st.sampled_from([[], {}]))
        else:
            return {items[0]["name"]: {"name": "other", "acc": 0.5}}
    if draw(st.booleans()):  # the mapping form
        return {item["name"]: {key: value for key, value in item.items() if key != "name"} for item in items}
    return items


@st.composite
def bound_tables(draw, odd=False):
    table = {}
    for metric in draw(st.lists(plain_labels, max_size=3, unique=True)):
        low, high = sorted([draw(numbers), draw(numbers)], key=float)
        bound = draw(st.sampled_from([{"max": high}, {"min": low}, {"max": high, "min": low}, {"min": low, "max": None},
                                      {"max": high, "min": None}]))
        table[metric] = shuffled(draw, bound)
    if odd:
        table[draw(plain_labels)] = draw(st.one_of(
            st.sampled_from([{}, {"max": None}, {"max": 1, "min": 2}, {"lt": 3}, None, [1], {"max": "5"}]),
            st.builds(lambda number: {"max": number}, odd_numbers)))
    return table


@st.composite
def tallies(draw, odd=False):
    examined = draw(st.integers(1, 500))
    tally = {"examined": examined}
    if draw(st.booleans()):
        tally["categories"] = draw(st.dictionaries(plain_labels, st.integers(0, examined), max_size=4))
    if draw(st.booleans()):
        tally["mislabeled"] = draw(st.integers(0, examined))
    if odd:
        change = draw(st.sampled_from(["examined", "over", "none", "extra", "mislabeled_category"]))
        if change == "examined":
            tally["examined"] = draw(st.one_of(st.just(0), st.just(True), st.just("5"), st.just(5.0), st.just(-1)))
        elif change == "over":
            tally["mislabeled"] = examined + 1
        elif change == "none":
            tally[draw(st.sampled_from(["categories", "mislabeled"]))] = None
        elif change == "extra":
            tally["examind"] = 3
        else:
            tally["categories"] = {"mislabeled": examined + 5}
    return shuffled(draw, tally)


VALUES[facts_module._QUICK_CONFUSION] = (confusion_matrices(), st.one_of(confusion_matrices(odd=True), st.none(),
                                                                         st.just([1, 2, 3, 4])))
VALUES[facts_module._QUICK_CANDIDATES] = (candidate_lists(), candidate_lists(odd=True))
VALUES[facts_module._QUICK_BOUNDS] = (bound_tables(), bound_tables(odd=True))
VALUES[facts_module._QUICK_TALLY] = (tallies(), st.one_of(tallies(odd=True), st.none(), st.just([3])))
VALUES[facts_module._QUICK_WEIGHTS] = (
    st.dictionaries(plain_labels, st.one_of(st.floats(1e-9, 1e6), st.integers(1, 100)), max_size=3),
    st.dictionaries(st.one_of(plain_labels, odd_labels), st.one_of(odd_numbers, st.just(0), st.just(-1.0)), min_size=1,
                    max_size=3))
VALUES[facts_module._QUICK_CURVE] = (
    st.lists(st.one_of(st.floats(0, 10), st.integers(0, 100), st.just(-0.0)), max_size=6),
    st.one_of(st.lists(st.one_of(st.floats(0, 10), odd_numbers, st.just(-1)), min_size=1, max_size=4),
              st.just((0.5, 0.4)), st.just({0.5}), st.none(), st.just(0.5)))
VALUES[facts_module._QUICK_NAMES] = (
    st.lists(plain_labels, max_size=3),
    st.one_of(st.frozensets(plain_labels, min_size=1, max_size=3), st.lists(odd_labels, min_size=1, max_size=3),
              st.just(("a", "b")), st.just("acc")))
QUICK = sorted(facts_module._QUICK_KINDS)
OTHER = sorted(set(Situation.model_fields) - set(QUICK))


@st.composite
def inputs(draw):
    """A few facts of the quick kinds in any order, each plain or (one in `odd` of them) not; sometimes an unknown
    name, a name that is not a str, or a field the quick path does not read."""
    names = draw(st.lists(st.sampled_from(QUICK), max_size=6, unique=True))
    odd = draw(st.sampled_from([0, 0, 2, 4]))  # 0: all plain
    data = {}
    for name in names:
        plain, other = VALUES[facts_module._QUICK_KINDS[name]]
        data[name] = draw(other if odd and draw(st.integers(1, odd)) == 1 else plain)
    extra = draw(st.sampled_from([None] * 6 + ["unknown", "nested", 7]))
    if extra == "unknown":
        data["trian_error"] = 0.1
    elif extra == "nested" and OTHER:  # a field the quick path does not read (none, today)
        data[draw(st.sampled_from(OTHER))] = draw(st.one_of(st.none(), st.just({"tp": 1, "fp": 2, "fn": 3, "tn": 4}),
                                                              st.just([0.5, 0.4])))
    elif extra == 7:
        data[7] = 0.1
    return data


def test_the_quick_kinds_are_the_plain_fields():
    assert facts_module._QUICK_KINDS == {
        **dict.fromkeys(["human_error", "bayes_error", "train_error", "train_dev_error", "dev_error", "test_error",
                         "target_error", "precision", "recall"], facts_module._QUICK_FRACTION),
        **dict.fromkeys(["train_size", "train_dev_size", "dev_size", "test_size", "total_examples", "target_examples",
                         "other_distribution_examples", "task_a_examples", "task_b_examples", "end_to_end_examples"],
                        facts_module._QUICK_COUNT),
        **dict.fromkeys(["train_distribution", "dev_distribution", "test_distribution", "production_distribution",
                         "optimizing_metric"], facts_module._QUICK_LABEL),
        **dict.fromkeys(["structured_data", "metric_matches_users", "real_world_ok", "same_input_type",
                         "low_level_features_shared", "can_train_big_network", "labels_incomplete", "stages_simpler"],
                        facts_module._QUICK_BOOL),
        "train_label_errors": facts_module._QUICK_CHOICE,
        "human_errors": facts_module._QUICK_FRACTIONS,
        "tasks": facts_module._QUICK_COUNTS, "stage_examples": facts_module._QUICK_COUNTS,
        "confusion_matrix": facts_module._QUICK_CONFUSION, "candidates": facts_module._QUICK_CANDIDATES,
        "satisficing": facts_module._QUICK_BOUNDS, "error_analysis": facts_module._QUICK_TALLY,
        "class_weights": facts_module._QUICK_WEIGHTS, "train_curve": facts_module._QUICK_CURVE,
        "dev_curve": facts_module._QUICK_CURVE,
        **dict.fromkeys(["tracked_metrics", "maximize", "minimize"], facts_module._QUICK_NAMES),
    }
    assert all(field.default is None for field in Situation.model_fields.values())


@settings(max_examples=1500, deadline=None)
@given(data=inputs())
def test_the_quick_path_builds_what_pydantic_builds(data):
    slow = by_pydantic(dict(data))
    read = facts_module.given_facts(dict(data))  # what advise() reads plain input with
    if read is not None:  # taken only for input pydantic accepts, giving what it gives
        assert isinstance(slow, Situation), slow
        assert same(read, slow.given())
        nested = any(facts_module._QUICK_KINDS[name] >= facts_module.NESTED for name in read)
        source = copy.deepcopy(data) if nested else read  # what Advice keeps to build its situation from
        assert_same_model(facts_module.situation_of_given(source, data), slow)
        for name, value in data.items():  # containers are new, never the caller's
            if isinstance(value, (dict, list)):
                assert read[name] is not value
            if type(value) is list and value and isinstance(value[0], dict):
                assert all(mine is not theirs for mine, theirs in zip(read[name], value))
    quick = facts_module._quick_situation(dict(data))  # what Situation.from_any reads plain input with
    assert quick is None or read is not None
    if quick is not None:  # taken only for input pydantic accepts
        assert isinstance(slow, Situation), slow
        model, facts = quick
        assert_same_model(model, slow)
        assert same(facts, slow.given())
        for name, value in data.items():  # mappings are copies, never the caller's or the model's own
            if isinstance(value, dict):
                assert model.__dict__[name] is not value and facts[name] is not value
                assert facts[name] is not model.__dict__[name]
    if isinstance(slow, Situation):  # the given facts of a model read by pydantic, where they need no serializer
        shortcut = facts_module._quick_given(slow)
        assert shortcut is None or same(shortcut, slow.given())
        if quick is not None:  # a nested part is a model: its given facts are pydantic's to write
            nested = any(facts_module._QUICK_KINDS[name] >= facts_module.NESTED for name in quick[1])
            shortcut = facts_module._quick_given(quick[0])
            assert shortcut is None if nested else same(shortcut, slow.given())
    # and from_any, whichever path it takes, gives what it gave before
    try:
        read = Situation.from_any(data)
    except ValidationError as error:
        assert isinstance(slow, ValidationError)
        assert str(error) == str(slow) and error.errors() == slow.errors()
    else:
        assert isinstance(slow, Situation), slow
        assert_same_model(read, slow)
        model, facts = situation_and_given(data, {})
        assert_same_model(model, slow) and same(facts, slow.given())


@pytest.mark.parametrize("data", [
    {"human_error": 0.01, "train_error": 0.08, "dev_error": 0.1},
    {"dev_error": 0.1, "human_errors": {"typical person": 0.03, "expert team": 0.01}, "train_error": 0.0},
    {"train_error": -0.0, "dev_error": 1.0, "test_error": None, "train_size": 10**15, "tasks": {"a": 0, "b": 3}},
    {"train_distribution": "web", "structured_data": False, "train_label_errors": "random"},
    {"human_error": "1%", "train_error": "8%", "dev_error": "0.1", "dev_size": "5000"},  # as the command line gives them
    {},
])
def test_plain_situations_take_the_quick_path(data):
    quick = facts_module._quick_situation(data)
    assert quick is not None
    assert_same_model(quick[0], Situation.model_validate(data))


@pytest.mark.parametrize("data", [
    {"train_error": "8 percent"}, {"train_error": "1_0%"}, {"dev_size": "05000"}, {"train_error": 0}, {"train_error": Real(0.1)}, {"train_distribution": " web"},
    {"train_distribution": "caf\u00e9"}, {Text("train_error"): 0.1}, {"human_errors": {}},
    {"human_errors": dict.fromkeys(map(str, range(facts_module._QUICK_ENTRIES + 1)), 0.1)},
    {"confusion_matrix": {"tp": 1, "fp": 1, "fn": 1, "tn": "1"}}, {"train_error": 0.1, "trian_error": 0.1},
    {"tracked_metrics": {"recall", "precision"}},  # a set: pydantic reads it sorted
    {"candidates": [{"name": "A", "accuracy": "92%"}]}, {"candidates": [{"name": "A"}, {"name": "A"}]},
    {"candidates": {"A": {"name": "B"}}}, {"candidates": [{"name": str(n)} for n in range(facts_module._QUICK_ENTRIES + 1)]},
    {"train_curve": (0.5, 0.4)}, {"train_curve": [0.5] * (mls.plain.MAX_CURVE + 1)}, {"dev_curve": [2**53 + 1]},
    {"satisficing": {"running_time_ms": {"max": 100, "min": 200}}}, {"class_weights": {"a": 0}},
    {"error_analysis": {"examined": 10, "categories": {"blurry": 11}}},
])
def test_anything_else_goes_through_pydantic(data):
    assert facts_module._quick_situation(data) is None


def test_from_any_keywords_and_mappings_agree():
    keywords = {"human_error": 0.01, "train_error": 0.08, "dev_error": 0.1}
    assert_same_model(Situation.from_any(**keywords), Situation.model_validate(keywords))
    assert_same_model(Situation.from_any({"human_error": 0.5}, **keywords), Situation.model_validate(keywords))
    base = Situation(train_error=0.2, dev_error=0.3)
    assert Situation.from_any(base) is base
    assert_same_model(Situation.from_any(base, dev_error=0.1), Situation(train_error=0.2, dev_error=0.1))
    assert keywords == {"human_error": 0.01, "train_error": 0.08, "dev_error": 0.1}  # never changed


def test_a_subclass_is_validated_by_its_own_model():
    class Strict(Situation):
        pass

    assert type(Strict.from_any(train_error=0.1)) is Strict


def test_advice_from_the_quick_path_is_the_advice_from_pydantic():
    facts = {"human_error": 0.01, "train_error": 0.08, "dev_error": 0.1, "human_errors": {"expert": 0.005}}
    quick = mls.advise(**facts)
    slow = mls.advise(Situation.model_validate(facts))
    assert quick.to_json() == slow.to_json()
    assert math.isclose(quick.values["avoidable_bias"], slow.values["avoidable_bias"])


def test_the_benchmark_situations_read_as_before():
    """Every core situation and every full one (every topic, nested parts too) takes the quick path, and gives
    what pydantic gives."""
    for facts in core_situations(200, 5) + full_situations(100, 5):
        assert facts_module.given_facts(dict(facts)) is not None
        model, given = situation_and_given(None, dict(facts))
        slow = Situation.model_validate(facts)
        assert_same_model(model, slow)
        assert same(given, slow.model_dump(mode="json", exclude_none=True))


def test_a_situation_file_with_every_topic_is_read_without_pydantic():
    """The command line's usual file (candidates, bounds, a tally, curves) needs neither pydantic nor the models:
    importing them is most of a command line's start."""
    script = ("import sys, mlstrategy as m; a = m.advise(" + repr(full_situations(1, 9)[0]) + "); a.actions; "
              "print(a.primary_problem, 'pydantic' in sys.modules, 'mlstrategy.facts' in sys.modules)")
    import subprocess

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split()[1:] == ["False", "False"], done.stdout


def test_the_situation_of_nested_plain_advice_is_its_own_whatever_is_done_to_its_inputs():
    advice = mls.advise(candidates=[{"name": "A", "accuracy": 0.9, "errors_by_class": {"cat": 0.1}}], train_curve=[0.5])
    advice.trace.inputs["candidates"][0]["accuracy"] = 0.1  # the trace's inputs are the engine's, not the situation's
    advice.trace.inputs["candidates"][0]["errors_by_class"]["cat"] = 0.9
    advice.trace.inputs["train_curve"].append(0.4)
    situation = advice.situation
    assert situation.candidates[0].metrics == {"accuracy": 0.9} and situation.candidates[0].errors_by_class == {"cat": 0.1}
    assert situation.train_curve == [0.5]
    assert situation.model_fields_set == {"candidates", "train_curve"}


def test_the_given_facts_of_a_model_are_read_without_pydantic_only_when_plain():
    """advise(Situation) needs the given facts: plain ones are read from the model (no serializer built), any
    other kind (a nested part, a subclass's model, a value model_construct let through) goes to model_dump."""
    plain = Situation.model_validate({"human_error": "1%", "train_error": 0.08, "tasks": {"a": 3}, "dev_size": 5})
    assert same(facts_module._quick_given(plain), plain.given())
    assert facts_module._quick_given(plain)["tasks"] is not plain.tasks
    nested = Situation.model_validate({"dev_error": 0.1, "confusion_matrix": {"tp": 1, "fp": 1, "fn": 1, "tn": 1}})
    assert facts_module._quick_given(nested) is None

    class Own(Situation):
        pass

    assert facts_module._quick_given(Own(dev_error=0.1)) is None
    assert facts_module._quick_given(Situation.model_construct(dev_error=Real(0.1))) is None
    assert facts_module._quick_given(Situation.model_construct(tasks={"a": 1.5j})) is None
    for odd in ({"train_error": True}, {"train_error": 1}, {"dev_size": True},
                {"human_errors": {"a": 1}}, {"tasks": {"a": True}}):
        constructed = Situation.model_construct(**odd)  # unvalidated: the serializer converts these
        assert facts_module._quick_given(constructed) is None, odd
        assert same(mls.advise(constructed).inputs, constructed.given())


def test_the_model_table_is_what_the_models_say():
    """mlstrategy.plain reads plain input from a table of the models (so that it needs no pydantic): the table
    must be exactly what the models give. After a change to Situation or Settings: `python -m mlstrategy.facts`."""
    from mlstrategy import _model_table

    table = facts_module.model_table()
    assert {name: getattr(_model_table, name) for name in table} == table, (
        "mlstrategy/_model_table.py is stale: run `python -m mlstrategy.facts` to rewrite it")


@settings(max_examples=300, deadline=None)
@given(data=inputs())
def test_advice_from_plain_facts_is_the_advice_from_the_validated_situation(data):
    """advise() of plain facts (read without pydantic) and of the Situation pydantic validates from them: the same
    advice, the same situation (built on first use), the same settings."""
    from mlstrategy.settings import DEFAULT_SETTINGS

    slow = by_pydantic(dict(data))
    if not isinstance(slow, Situation):
        with pytest.raises(ValidationError):
            mls.advise(dict(data))
        return
    plain, validated = mls.advise(dict(data)), mls.advise(slow)
    assert plain.to_json() == validated.to_json() and plain.trace.inputs == validated.trace.inputs
    assert_same_model(plain.situation, slow)
    assert plain.settings is DEFAULT_SETTINGS and validated.settings is DEFAULT_SETTINGS


def test_the_situation_of_plain_advice_is_its_own_whatever_is_done_to_its_inputs():
    advice = mls.advise(human_errors={"a": 0.01}, train_error=0.1)
    advice.inputs["human_errors"]["b"] = "oops"  # advice.inputs is a copy, its mappings the trace's
    advice.trace.inputs["train_error"] = 0.5
    assert advice.situation.human_errors == {"a": 0.01} and advice.situation.train_error == 0.1


def test_a_nested_model_that_changes_leaves_the_quick_path(monkeypatch):
    """The quick readers were written for the nested models as they are: a model that differs from what they
    assume (a field, a default, a validator, the config) is read by pydantic again."""
    from mlstrategy.facts import Candidates, ConfusionMatrix, ErrorAnalysis

    shapes = facts_module._NESTED_SHAPES
    assert set(facts_module._nested_kinds().values()) == {
        facts_module._QUICK_CONFUSION, facts_module._QUICK_CANDIDATES, facts_module._QUICK_BOUNDS,
        facts_module._QUICK_TALLY, facts_module._QUICK_WEIGHTS, facts_module._QUICK_CURVE, facts_module._QUICK_NAMES}
    model, config, fields, validators = shapes[ConfusionMatrix | None]
    changes = {
        ConfusionMatrix | None: (model, config, {**fields, "total": (facts_module.Count, ...)}, validators),  # a field
        ErrorAnalysis | None: (*shapes[ErrorAnalysis | None][:2],
                               {**shapes[ErrorAnalysis | None][2], "mislabeled": (facts_module.Count, 1)},  # a default
                               shapes[ErrorAnalysis | None][3]),
        Candidates | None: (*shapes[Candidates | None][:3], {"_percent_metrics"}),  # a validator
    }
    for annotation, changed in changes.items():
        monkeypatch.setitem(shapes, annotation, changed)  # undone after the test
        assert annotation not in facts_module._nested_kinds()
    monkeypatch.setitem(shapes, ConfusionMatrix | None, (model, {**config, "str_strip_whitespace": False}, fields,
                                                         validators))  # the config
    assert ConfusionMatrix | None not in facts_module._nested_kinds()


def test_a_key_that_cannot_be_compared_is_left_to_pydantic():
    """The quick readers never raise: a key whose __eq__ raises goes to pydantic, which names the problem."""
    class Key:
        def __hash__(self):
            return hash("tp")

        def __eq__(self, other):
            raise ZeroDivisionError

    def raised(call, data):
        try:
            call(data)
        except Exception as error:
            return type(error)
        return None

    for data in ({"candidates": [{"name": "A", Key(): 1}]}, {"confusion_matrix": {Key(): 1, "fp": 1, "fn": 1, "tn": 1}}):
        assert facts_module.given_facts(data) is None
        assert raised(mls.advise, data) is raised(Situation.model_validate, data) is not None  # as before the quick path
    with pytest.raises(ValidationError, match="Keys should be strings"):
        mls.advise({"candidates": [{"name": "A", Key(): 1}]})


def test_candidates_sharing_one_mapping_of_metrics_meet_the_size_check():
    """A YAML file can give a thousand candidates one shared mapping of 6,000 metrics (69 KB, six million values
    written out): the quick reader leaves it to pydantic's expanded-size check, which refuses it at once."""
    shared = {f"k{n}": 0 for n in range(6_000)}
    data = {"candidates": {f"c{n}": shared for n in range(1_000)}}
    assert facts_module.given_facts(data) is None
    with pytest.raises(ValidationError, match="once its shared parts"):
        mls.advise(data)
    one = {"candidates": [{"name": "A", **{f"k{n}": 0 for n in range(facts_module._QUICK_ENTRIES + 1)}}]}
    assert facts_module.given_facts(one) is None  # one candidate with more metrics than the readers take
    assert Situation.model_validate(one).candidates[0].metrics["k0"] == 0


@pytest.mark.parametrize("data", [
    {"error_analysis": {"examined": 10}}, {"satisficing": {"t": {"max": 1.0, "min": None}}},
    {"candidates": [{"name": "A", "errors_by_class": None, "acc": 0.9}], "train_error": None},
])
def test_the_nested_models_of_plain_advice_record_what_the_caller_set(data):
    slow = Situation.model_validate(data)
    assert_same_model(mls.advise(copy.deepcopy(data)).situation, slow)
    assert_same_model(mls.advise_many([copy.deepcopy(data)])[0].situation, slow)
