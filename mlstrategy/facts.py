"""The fact base: what a user can tell mlstrategy about their project, validated.

Every input name of VOCABULARY.md is a field of `Situation`. Validation happens here, before anything
runs: error levels are fractions in [0, 1] (strings such as "8%" are accepted, a bare 8 gets a hint),
counts are non-negative integers, and an unknown key names the closest valid one.

>>> Situation(human_error="1%", train_error=0.08).train_error
0.08
"""
# No `from __future__ import annotations` here: with it, pydantic evaluates every field's annotation from its
# string (a compile each) while building the models at import, ~1-2 ms of every command line's start.
import math
import types
import typing
from pathlib import Path
from collections.abc import Mapping  # not typing.Mapping: isinstance through typing's alias is several times slower
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

# plain input and files are read without pydantic (mlstrategy.plain, mlstrategy.files, mlstrategy._text); their
# names are re-exported here, where they always were
from ._text import MAX_MESSAGE, _digits, excerpt  # noqa: F401
from ._text import one_line as _one_line
from .files import (  # noqa: F401
    MAX_FILE_BYTES, MAX_YAML_BYTES, DuplicateKey, load_json, load_mapping, load_yaml, yaml_limit,
)
from .plain import FACT_GROUPS, given_facts, holds_nested, parse_text_value, suggest  # noqa: F401
from .plain import BOOL, CHOICE, COUNT, COUNTS, FRACTION, FRACTIONS, LABEL, MAX_ENTRIES, NESTED
from .plain import BOUNDS, CANDIDATES, CONFUSION, CURVE, NAMES, TALLY, WEIGHTS

__all__ = [
    "Situation",
    "Candidate",
    "ConfusionMatrix",
    "ErrorAnalysis",
    "Bound",
    "Fraction",
    "Count",
    "parse_fraction",
    "parse_text_value",
    "describe_errors",
    "excerpt",
    "load_mapping",
    "load_yaml",
    "suggest",
    "FACT_GROUPS",
    "unwrap_annotation",
]


# ---------------------------------------------------------------- value types
_UNIT = {"ge": 0, "le": 1}
"""The allowed range of a fraction, in every fraction error's context (`ge`/`le`, pydantic's own keys)."""


def parse_fraction(value: Any) -> float:
    """Read an error level: a number in [0, 1] or a percentage string such as "8%" or "8.5 %".

    A bare number between 1 and 100 is almost always a percentage typed without its sign, so the
    error says so ("did you mean 8% = 0.08?") instead of guessing.
    """
    if isinstance(value, bool):
        raise PydanticCustomError("fraction_type", "must be a fraction in [0, 1], not a boolean", _UNIT)
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        try:
            if "_" in text:  # float("1_0") is 10.0: '1_0%' is a typo, not 10%
                raise ValueError(text)
            number = round(_to_float(text[:-1], **_UNIT) / 100, 12) if text.endswith("%") else _to_float(text, **_UNIT)  # "0.7%" -> 0.007
        except ValueError:
            raise PydanticCustomError(
                "fraction_parsing",
                "must be a fraction in [0, 1] or a percentage such as '8%'; got '{value}'",
                {"value": excerpt(value), **_UNIT},
            ) from None
    elif isinstance(value, (int, float)):
        number = _to_float(value, **_UNIT)
    else:
        raise PydanticCustomError(
            "fraction_type",
            "must be a fraction in [0, 1] or a percentage such as '8%'; got {kind}",
            {"kind": type(value).__name__, **_UNIT},
        )
    if not math.isfinite(number):
        raise PydanticCustomError("fraction_finite", "must be a finite fraction in [0, 1]; got {value}",
                                  {"value": excerpt(value), **_UNIT})
    if number < 0 or number > 1:
        if 1 < number <= 100:
            raise PydanticCustomError(
                "fraction_range",
                "must be a fraction in [0, 1]; got {value}. Did you mean {pct}% = {fraction}?",
                {"value": excerpt(value), "pct": _trim(number), "fraction": _trim(number / 100), **_UNIT, "suggestion": round(number / 100, 12)},
            )
        raise PydanticCustomError(
            "fraction_range", "must be a fraction in [0, 1]; got {value}", {"value": excerpt(value), **_UNIT}
        )
    return number


MAX_LISTED_ERRORS = 20
"""describe_errors lists this many problems and counts the rest."""


def describe_errors(error: ValidationError) -> str:
    """A validation error as short lines for people: where, and what is wrong (pydantic's links left out).

    The one way a validation error is written out (the CLI, `consult`, `advise_many`'s BatchError). Unlike
    `str(error)` it never writes the input (pydantic's own text formats the whole input before cutting it, which
    for a YAML alias bomb is gigabytes): each line is at most `MAX_MESSAGE` characters, one line per problem.
    """
    items = error.errors(include_url=False, include_input=False, include_context=False)
    lines = [f"  invalid {_location(item['loc'])}: {_one_line(item['msg'])}" for item in items[:MAX_LISTED_ERRORS]]
    if len(items) > MAX_LISTED_ERRORS:
        lines.append(f"  ... and {len(items) - MAX_LISTED_ERRORS:,} more problems")
    return "\n".join(lines)


def _location(loc: tuple) -> str:
    return excerpt(".".join(str(part) for part in loc), 200) or "value"


def unwrap_annotation(annotation: Any) -> tuple[Any, tuple[Any, ...]]:
    """A field's annotation without Optional and Annotated, and the Annotated metadata (e.g. the fraction parser)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    metadata: tuple[Any, ...] = ()
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *rest = typing.get_args(annotation)
        metadata = tuple(rest)
    return annotation, metadata


def _to_float(value: Any, **context: Any) -> float:
    """float(value), with an integer too large for a float reported as a validation error, not OverflowError."""
    try:
        return float(value)
    except OverflowError:
        digits = _digits(value) if isinstance(value, int) else len(str(value).lstrip("-"))
        raise PydanticCustomError("number_too_large", "is too large to be a number here ({digits} digits)",
                                  {"digits": digits, **context}) from None


def _trim(number: float) -> str:
    """A short decimal for messages: 8.0 -> '8', 0.080000001 -> '0.08'."""
    return f"{number:.6f}".rstrip("0").rstrip(".")


_MAX_COUNT = 10**15


def _no_bool(value: Any) -> Any:
    if value.__class__ is int and -_MAX_COUNT <= value <= _MAX_COUNT:  # the common case, first
        return value
    if isinstance(value, bool):
        raise PydanticCustomError("count_type", "must be a non-negative whole number, not a boolean", {"ge": 0})
    if isinstance(value, int) and abs(value) > _MAX_COUNT:
        raise PydanticCustomError("count_range", "must be at most 10**15 examples; got a {digits}-digit number",
                                  {"digits": _digits(value), "ge": 0, "le": 10**15})
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        raise PydanticCustomError("count_type", "must be a whole number of examples; got {value}", {"value": value, "ge": 0})
    return value


def _finite(value: Any) -> Any:
    if value.__class__ is float and math.isfinite(value):  # the common case, first
        return value
    if isinstance(value, bool):
        raise PydanticCustomError("number_type", "must be a number, not a boolean")
    if isinstance(value, str) and "_" in value:  # pydantic reads '1_0' as 10.0
        raise PydanticCustomError("number_parsing", "must be a number written without '_' separators; got '{value}'",
                                  {"value": excerpt(value)})
    if isinstance(value, (int, float)) and not math.isfinite(_to_float(value)):
        raise PydanticCustomError("number_finite", "must be a finite number; got {value}", {"value": value})
    return value


def _no_set(value: Any) -> Any:
    """Refuse a set where order matters (a curve, the candidates): its order would be the hash order, which
    changes from run to run (PYTHONHASHSEED)."""
    if isinstance(value, (set, frozenset)):
        raise PydanticCustomError("set_type", "must be a list in order, not a set (a set has no order)")
    return value


def _sorted_set(value: Any) -> Any:
    """A set of names where order does not matter (tracked metrics) is read sorted, so the advice never
    depends on the hash order of one run (PYTHONHASHSEED)."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=lambda item: (type(item).__name__, str(item)))
    return value


Fraction = Annotated[float, BeforeValidator(parse_fraction)]
"""An error level or rate: a float in [0, 1]; "8%" is read as 0.08."""
Count = Annotated[int, Field(ge=0), BeforeValidator(_no_bool)]  # the bound first: pydantic checks it in its core, not in a Python function after
"""A number of examples: a non-negative integer."""
Number = Annotated[float, BeforeValidator(_finite)]
"""Any finite number (a metric value such as a running time in ms)."""
WholeNumber = Annotated[int, BeforeValidator(_no_bool)]
"""A whole number that is not a boolean (for settings)."""
Label = Annotated[str, Field(min_length=1, max_length=200)]
Names = Annotated[list[Label], BeforeValidator(_sorted_set)]
"""Names whose order does not matter (tracked metrics); a set is read sorted."""
Weight = Annotated[float, Field(gt=0), BeforeValidator(_finite)]
"""A class weight: a finite number above 0."""
Curve = Annotated[list[Annotated[float, Field(ge=0), BeforeValidator(_finite)]], BeforeValidator(_no_set)]
"""A learning curve: per-epoch values of at least 0, oldest first (a list: a set has no order)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            check_keys(data, cls.model_fields, what=cls.__name__)
        return data


def check_keys(data: Mapping[str, Any], fields: Mapping[str, Any], *, what: str) -> None:
    """Raise a validation error naming every unknown key and the closest valid one."""
    unknown = [key for key in data if key not in fields]
    if not unknown:
        return
    parts = []
    for key in unknown[:10]:
        hint = suggest(key, fields) if isinstance(key, str) and len(key) <= 200 else None
        parts.append(f"'{excerpt(key)}'" + (f" (did you mean {hint!r}?)" if hint else ""))
    if len(unknown) > 10:
        parts.append(f"and {len(unknown) - 10:,} more")
    raise PydanticCustomError(
        "unknown_fact",
        "unknown {what} name(s): {names}. Valid names: {valid}",
        {"what": "fact" if what == "Situation" else f"{what} field", "names": ", ".join(parts), "valid": ", ".join(fields),
         "unknown": tuple(unknown), "suggestions": {key: suggest(key, fields) for key in unknown}, "choices": tuple(fields)},
    )


MAX_EXPANDED_VALUES = 5_000_000
"""An input that would hold more values than this once written out is refused before validation. A YAML
alias bomb (342 bytes) is a few shared lists in memory but 9**9 values written out, and pydantic's own error
text writes the input out (95 s and 5.5 GB). Shared values are counted once per reference, in time linear in
the distinct ones."""


def check_expanded_size(data: Any, limit: int | None = None) -> None:
    """Refuse input (a mapping from YAML or JSON) that holds more than `limit` (default `MAX_EXPANDED_VALUES`)
    values once aliases are expanded. The error carries a short description as its input, so even `str()` of
    it stays short.
    """
    limit = MAX_EXPANDED_VALUES if limit is None else limit
    if _fewer_values_than(data, min(limit, 10_000)):
        return  # the usual situation: a few dozen values, counted without the bookkeeping below
    sizes: dict[int, int] = {}
    keep: list[Any] = []  # the containers whose id() is in sizes stay alive until we are done

    def size(value: Any, depth: int) -> int:
        if not isinstance(value, (list, tuple, dict, set, frozenset)):
            return 1
        known = sizes.get(id(value))
        if known is not None:
            return known
        if depth > 500:  # deeper than any situation; pydantic refuses it anyway
            return limit + 1
        sizes[id(value)] = limit + 1  # a container that holds itself expands without end
        keep.append(value)
        children = value.items() if isinstance(value, dict) else value
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > limit:
                break
        sizes[id(value)] = total
        return total

    count = size(data, 0)
    if count > limit:
        raise ValidationError.from_exception_data("Situation", [{
            "type": PydanticCustomError("input_too_large", "the input holds more than {limit} values once its "
                                        "shared parts (YAML aliases) are written out; no situation is that big",
                                        {"limit": f"{limit:,}"}),
            "loc": (), "input": f"a {type(data).__name__} of over {limit:,} values"}])


_SCALARS = frozenset({str, int, float, bool, type(None)})
"""Value types that hold no other value (exactly these types: a subclass is walked like any other value)."""


def _fewer_values_than(data: Any, budget: int) -> bool:
    """True when `data` written out holds at most `budget` values (a plain walk that stops at the budget).

    A container holding only scalars (a curve, a candidate's metrics) counts them at once instead of one by one.
    """
    stack = [data]
    count = 0
    while stack:
        value = stack.pop()
        count += 1
        kind = type(value)
        if kind in _SCALARS:
            if count > budget:
                return False
            continue
        if kind is dict:
            items: Any = value.values()
        elif kind is list or kind is tuple or kind is set or kind is frozenset:
            items = value
        elif isinstance(value, (dict, list, tuple, set, frozenset)):  # subclasses: let the full count decide
            return False
        else:
            if count > budget:
                return False
            continue
        if count + len(items) > budget:
            return False
        if _SCALARS.issuperset(map(type, items)):
            count += len(items)
        else:
            stack.extend(items)
    return True


# ---------------------------------------------------------------- parts
class ConfusionMatrix(_Strict):
    """A binary classifier's confusion matrix on the dev set."""

    tp: Count
    fp: Count
    fn: Count
    tn: Count


class Bound(_Strict):
    """A satisficing constraint: the metric must stay at or below `max`, or at or above `min`."""

    max: Number | None = None
    min: Number | None = None

    @model_validator(mode="after")
    def _one_side(self) -> "Bound":
        if self.max is None and self.min is None:
            raise PydanticCustomError("bound_empty", "a satisficing bound needs 'max' or 'min'")
        if self.max is not None and self.min is not None and self.min > self.max:
            raise PydanticCustomError("bound_order", "min {lo} is above max {hi}", {"lo": self.min, "hi": self.max})
        return self


def _percent(value: Any) -> Any:
    """'92%' -> 0.92 (any other value unchanged: the metric check reports it)."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return round(_to_float(value.strip()[:-1].strip()) / 100, 12)
        except ValueError:
            return value
    return value


class Candidate(BaseModel):
    """A model to choose between: a name, metric values by name, optionally errors by class."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: Label
    errors_by_class: dict[Label, Fraction] | None = None

    @model_validator(mode="before")
    @classmethod
    def _percent_metrics(cls, data: Any) -> Any:
        """Metric values typed as percentages ("92%") read like error facts (0.92)."""
        if isinstance(data, Mapping):
            known = set(cls.model_fields)
            return {key: _percent(value) if key not in known else value for key, value in data.items()}
        return data

    @model_validator(mode="after")
    def _metrics_are_numbers(self) -> "Candidate":
        for key, value in (self.model_extra or {}).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(_to_float(value)):
                raise PydanticCustomError(
                    "metric_type",
                    "candidate '{name}': metric '{metric}' must be a finite number; got '{value}'",
                    {"name": self.name, "metric": excerpt(key), "value": excerpt(value)},
                )
        return self

    @property
    def metrics(self) -> dict[str, float]:
        """The candidate's metric values by name."""
        return {key: float(value) for key, value in (self.model_extra or {}).items()}


Candidates = Annotated[list[Candidate], BeforeValidator(_no_set)]
"""The models to choose between, in order (a list: a set has no order)."""


class ErrorAnalysis(_Strict):
    """A tally over `examined` misclassified dev examples: how many fall in each category."""

    examined: Annotated[int, Field(gt=0), BeforeValidator(_no_bool)]
    categories: dict[Label, Count] = Field(default_factory=dict)
    mislabeled: Count = 0

    @model_validator(mode="after")
    def _within_examined(self) -> "ErrorAnalysis":
        for name, count in {**self.categories, "mislabeled": self.mislabeled}.items():
            if count > self.examined:
                raise PydanticCustomError(
                    "tally_range",
                    "category '{name}' counts {count} of only {examined} examined errors",
                    {"name": name, "count": count, "examined": self.examined, "value": count, "ge": 0, "le": self.examined},
                )
        return self


# ---------------------------------------------------------------- the situation


class Situation(_Strict):
    """What the user knows about their ML project: every field is optional.

    >>> Situation(human_error=0.01, train_error=0.08, dev_error=0.10).given()
    {'human_error': 0.01, 'train_error': 0.08, 'dev_error': 0.1}
    """

    # error levels
    human_error: Fraction | None = Field(None, description="the best human-level error, the proxy for Bayes error")
    human_errors: dict[Label, Fraction] | None = Field(
        None, description="several human levels, label -> error; the lowest is the Bayes proxy", min_length=1
    )
    bayes_error: Fraction | None = Field(None, description="a known Bayes (optimal) error; takes precedence over human levels")
    train_error: Fraction | None = Field(None, description="error on the training set")
    train_dev_error: Fraction | None = Field(None, description="error on a held-out slice of the training distribution")
    dev_error: Fraction | None = Field(None, description="error on the dev set")
    test_error: Fraction | None = Field(None, description="error on the test set")
    target_error: Fraction | None = Field(
        None, description="the error the product needs: dev/test at or below it means the model meets its target")
    # data
    train_size: Count | None = Field(None, description="examples in the training set")
    train_dev_size: Count | None = Field(None, description="examples in the train-dev set")
    dev_size: Count | None = Field(None, description="examples in the dev set")
    test_size: Count | None = Field(None, description="examples in the test set")
    total_examples: Count | None = Field(None, description="examples available in all, before splitting")
    train_distribution: Label | None = Field(None, description="where the training data comes from (e.g. 'web')")
    dev_distribution: Label | None = Field(None, description="where the dev data comes from (e.g. 'mobile')")
    test_distribution: Label | None = Field(None, description="where the test data comes from")
    target_examples: Count | None = Field(None, description="examples from the distribution you care about")
    other_distribution_examples: Count | None = Field(None, description="examples from other distributions")
    production_distribution: Label | None = Field(None, description="the data the system will face in the future")
    structured_data: bool | None = Field(None, description="true for structured/tabular data, false for natural perception")
    # metrics and goals
    precision: Fraction | None = Field(None, description="precision of one classifier")
    recall: Fraction | None = Field(None, description="recall of one classifier")
    confusion_matrix: ConfusionMatrix | None = Field(None, description="{tp, fp, fn, tn} of one binary classifier")
    class_weights: dict[Label, Weight] | None = Field(None, description="class -> weight for a weighted error metric")
    candidates: Candidates | None = Field(
        None, description="models to choose between, with metric values", min_length=1)
    tracked_metrics: Names | None = Field(None, description="the metrics the team currently watches")
    maximize: Names | None = Field(None, description="metrics where higher is better")
    minimize: Names | None = Field(None, description="metrics where lower is better")
    optimizing_metric: Label | None = Field(None, description="the one metric to optimize")
    satisficing: dict[Label, Bound] | None = Field(None, description="constraints: metric -> {max: x} or {min: x}")
    metric_matches_users: bool | None = Field(None, description="false when metric + dev set rank models unlike users")
    real_world_ok: bool | None = Field(None, description="false when good on dev/test but not in the real world")
    # error analysis
    error_analysis: ErrorAnalysis | None = Field(None, description="{examined, categories: {name: count}, mislabeled}")
    train_label_errors: Literal["random", "systematic"] | None = Field(None, description="kind of training label errors")
    # transfer, multi-task, end-to-end
    task_a_examples: Count | None = Field(None, description="data for the task transferred from")
    task_b_examples: Count | None = Field(None, description="data for the task transferred to")
    same_input_type: bool | None = Field(None, description="tasks A and B take the same kind of input")
    low_level_features_shared: bool | None = Field(None, description="low-level features of one task help the other")
    tasks: dict[Label, Count] | None = Field(None, description="multi-task: task name -> examples", min_length=1)
    can_train_big_network: bool | None = Field(None, description="a network big enough for all tasks can be trained")
    labels_incomplete: bool | None = Field(None, description="some examples lack labels for some tasks")
    end_to_end_examples: Count | None = Field(None, description="(x, y) pairs for the whole mapping")
    stage_examples: dict[Label, Count] | None = Field(None, description="pipeline stage -> examples for it", min_length=1)
    stages_simpler: bool | None = Field(None, description="each pipeline stage is much simpler than the whole")
    # learning curves
    train_curve: Curve | None = Field(None, description="per-epoch training loss or error, oldest first")
    dev_curve: Curve | None = Field(None, description="per-epoch dev loss or error, oldest first")

    @field_validator("candidates", mode="before")
    @classmethod
    def _candidates_by_name(cls, value: Any) -> Any:
        """The mapping form {"A": {"f1": 0.9, ...}} reads as the list [{"name": "A", "f1": 0.9, ...}]."""
        if isinstance(value, Mapping):
            return [{"name": name, **metrics} if isinstance(metrics, Mapping) else metrics
                    for name, metrics in value.items()]
        return value

    @field_validator("candidates")
    @classmethod
    def _unique_candidates(cls, value: list[Candidate] | None) -> list[Candidate] | None:
        if value:
            seen: set[str] = set()
            for candidate in value:
                if candidate.name in seen:
                    raise PydanticCustomError("duplicate_name", "candidate name '{name}' appears twice", {"name": candidate.name})
                seen.add(candidate.name)
        return value

    def given(self) -> dict[str, Any]:
        """The facts the user stated, as plain JSON-able values, in declaration order."""
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def from_any(cls, data: "Situation | Mapping[str, Any] | None" = None, /, **facts: Any) -> "Situation":
        """A Situation from a Situation, a mapping, flat keywords, or a mapping updated by keywords."""
        return cls._read(data, facts)[0]

    @classmethod
    def _read(cls, data: "Situation | Mapping[str, Any] | None", facts: dict[str, Any], quick: bool = True
              ) -> "tuple[Situation, dict[str, Any] | None]":
        """`from_any`'s work, and the given facts when the quick path computed them on the way (else None).

        `facts` is read, never changed (from_any passes its own keywords, so they need no copy). `quick=False`:
        the caller already tried the quick path on this input."""
        if data is None:
            base = facts
        elif isinstance(data, Situation):
            if not facts:
                return data, None
            base = data.model_dump(exclude_none=True)
            base.update(facts)
        elif isinstance(data, Mapping):
            base = dict(data)
            base.update(facts)
        else:
            check_expanded_size(data)
            return cls.model_validate(data), None  # not a mapping: pydantic's error names the type it expected
        if quick and cls is Situation:
            built = _quick_situation(base)
            if built is not None:
                return built
        check_expanded_size(base)
        return cls.model_validate(base), None

    @classmethod
    def from_file(cls, path: str | Path) -> "Situation":
        """Read a situation from a YAML, JSON or TOML file of flat fact names."""
        return cls.from_any(load_mapping(path))

    @classmethod
    def from_predictions(cls, train: Any = None, train_dev: Any = None, dev: Any = None, test: Any = None,
                         **facts: Any) -> "Situation":
        """Errors and set sizes from (y_true, y_pred) pairs; see `mlstrategy.adapters.situation_from_predictions`."""
        from .adapters.predictions import situation_from_predictions

        return situation_from_predictions(train=train, train_dev=train_dev, dev=dev, test=test, **facts)

    @classmethod
    def from_estimator(cls, estimator: Any, train: Any = None, dev: Any = None, train_dev: Any = None,
                       test: Any = None, **facts: Any) -> "Situation":
        """Errors and set sizes from a fitted classifier and (X, y) per set; see `mlstrategy.adapters`."""
        from .adapters.predictions import situation_from_estimator

        return situation_from_estimator(estimator, train=train, dev=dev, train_dev=train_dev, test=test, **facts)

    @classmethod
    def from_history(cls, history: Any, **options_and_facts: Any) -> "Situation":
        """Learning curves and final errors from a training log (a file or folder as the trainer wrote it, or its
        in-memory form); see `mlstrategy.adapters.situation_from_history`. A run table is refused: use from_runs."""
        from .adapters.history import situation_from_history

        return situation_from_history(history, **options_and_facts)

    @classmethod
    def from_runs(cls, table: Any, **options_and_facts: Any) -> Any:
        """One situation per run of a sweep's run table (W&B export, MLflow search_runs, Optuna trials), for
        `advise_many`; see `mlstrategy.adapters.runs.situation_from_runs` (its `.summary(advices)` groups them)."""
        from .adapters.runs import situation_from_runs

        return situation_from_runs(table, **options_and_facts)

    @classmethod
    def from_error_sheet(cls, sheet: Any, dev_error: Any = None, **options_and_facts: Any) -> "Situation":
        """The `error_analysis` tally of an error-analysis spreadsheet; see `mlstrategy.adapters`."""
        from .adapters.sheets import situation_from_error_sheet

        return situation_from_error_sheet(sheet, dev_error=dev_error, **options_and_facts)

    @classmethod
    def from_mlflow(cls, run_id: str, metric_names: Mapping[str, str | None] | None = None,
                    tracking_uri: str | None = None, **facts: Any) -> "Situation":
        """Read a situation from an MLflow run's metrics (errors, accuracies, loss curves); keywords add facts.

        Needs `pip install 'mlstrategy[mlflow]'`; see `mlstrategy.adapters.mlflow.situation_from_mlflow`.
        """
        from .adapters.mlflow import situation_from_mlflow

        return situation_from_mlflow(run_id, metric_names, tracking_uri, **facts)


def situation_and_given(data: "Situation | Mapping[str, Any] | None", facts: dict[str, Any], quick: bool = True
                         ) -> tuple[Situation, dict[str, Any]]:
    """`Situation.from_any(data, **facts)` and its `given()` facts, computed together when the input is plain
    (then validating and dumping is one pass over the few values given, see `_quick_situation`). `quick=False`:
    the caller already tried `plain.given_facts` on this input (it found something only pydantic reads)."""
    if data is None and quick:  # keywords only (the usual call): straight to the quick path
        built = _quick_situation(facts)
        if built is not None:
            return built
    situation, given = Situation._read(data, facts, quick=quick and data is not None)
    if given is None:
        given = _quick_given(situation)
    return situation, situation.given() if given is None else given


# The quick path (mlstrategy.plain reads plain values without pydantic, from a table of these models): for a few
# plain values, pydantic's validation and then model_dump(mode="json") cost about 31 us per core consultation on
# our 2-core machine; checking the values and building the model as `model_construct` does cost about 8 us, and
# the command line needs neither pydantic nor the models. `_quick_kinds` below is the truth the table is made of.
_QUICK_FRACTION, _QUICK_COUNT, _QUICK_BOOL, _QUICK_LABEL, _QUICK_CHOICE, _QUICK_FRACTIONS, _QUICK_COUNTS = (
    FRACTION, COUNT, BOOL, LABEL, CHOICE, FRACTIONS, COUNTS)
_QUICK_CONFUSION, _QUICK_CANDIDATES, _QUICK_BOUNDS, _QUICK_TALLY, _QUICK_WEIGHTS, _QUICK_CURVE, _QUICK_NAMES = (
    CONFUSION, CANDIDATES, BOUNDS, TALLY, WEIGHTS, CURVE, NAMES)
_QUICK_ENTRIES = MAX_ENTRIES


def _quick_kinds() -> tuple[dict[str, int], dict[str, Any]]:
    """Situation's fields that the quick path reads, by kind (recognised by their exact annotation, so a field
    whose type or constraints change leaves the quick path), and each kind's extra: a mapping's minimum length,
    the choices of a Literal."""
    kinds: dict[str, int] = {}
    extra: dict[str, Any] = {}
    decorators = Situation.__pydantic_decorators__
    if (Situation.model_config != {"extra": "forbid", "frozen": True, "str_strip_whitespace": True}
            or set(decorators.model_validators) != {"_known_keys"}  # it only names unknown keys
            or decorators.validators or decorators.root_validators or decorators.field_serializers
            or decorators.model_serializers or decorators.computed_fields or Situation.__private_attributes__
            or Situation.__pydantic_post_init__ is not None or Situation.__new__ is not object.__new__
            or any(info.default is not None for info in Situation.model_fields.values())):
        return kinds, extra  # the checks below, and building the model as model_construct does, may not be right
    validated: dict[str, set[str]] = {}  # field -> the names of its field validators
    for decorator_name, decorator in decorators.field_validators.items():
        for field in decorator.info.fields:
            validated.setdefault(field, set()).add(decorator_name)
    simple: dict[Any, int] = {Fraction | None: _QUICK_FRACTION, Count | None: _QUICK_COUNT, bool | None: _QUICK_BOOL,
              Label | None: _QUICK_LABEL}
    mappings: dict[Any, int] = {dict[Label, Fraction] | None: _QUICK_FRACTIONS, dict[Label, Count] | None: _QUICK_COUNTS}
    nested = _nested_kinds()
    at_least_one = FieldInfo.from_field(None, min_length=1).metadata
    # what a field's quick reader restates besides its type: its field validators and its constraints (the
    # candidates' reader reads the mapping form, refuses duplicate names and needs one candidate at least)
    restated: dict[str, tuple[set[str], list[Any]]] = {
        "candidates": ({"_candidates_by_name", "_unique_candidates"}, at_least_one)}
    for name, info in Situation.model_fields.items():
        own_validators, own_metadata = restated.get(name, (set(), []))
        if ("*" in validated or validated.get(name, set()) != own_validators or info.exclude
                or info.alias is not None or info.validation_alias is not None or info.serialization_alias is not None):
            continue
        annotation, metadata = info.annotation, info.metadata
        inner = [arg for arg in get_args(annotation) if arg is not type(None)]
        if not metadata and annotation in simple:
            kinds[name] = simple[annotation]
        elif annotation in mappings and metadata in ([], at_least_one):
            kinds[name] = mappings[annotation]
            extra[name] = 1 if metadata else 0
        elif annotation in nested and metadata == own_metadata:
            kinds[name] = nested[annotation]
        elif (not metadata and len(inner) == 1 and typing.get_origin(inner[0]) is Literal
              and all(type(choice) is str for choice in get_args(inner[0]))):
            kinds[name] = _QUICK_CHOICE
            extra[name] = frozenset(get_args(inner[0]))
    return kinds, extra


_STRICT_CONFIG = {"extra": "forbid", "frozen": True, "str_strip_whitespace": True}
_NESTED_SHAPES: dict[Any, tuple[type[BaseModel], dict[str, Any], dict[str, tuple[Any, Any]], set[str]]] = {
    ConfusionMatrix | None: (ConfusionMatrix, _STRICT_CONFIG, {side: (Count, ...) for side in ("tp", "fp", "fn", "tn")},
                             {"_known_keys"}),
    dict[Label, Bound] | None: (Bound, _STRICT_CONFIG, {"max": (Number | None, None), "min": (Number | None, None)},
                                {"_known_keys", "_one_side"}),
    ErrorAnalysis | None: (ErrorAnalysis, _STRICT_CONFIG, {
        "examined": (Annotated[int, Field(gt=0), BeforeValidator(_no_bool)], ...),
        "categories": (dict[Label, Count], dict), "mislabeled": (Count, 0)}, {"_known_keys", "_within_examined"}),
    Candidates | None: (Candidate, {"extra": "allow", "frozen": True}, {
        "name": (Label, ...), "errors_by_class": (dict[Label, Fraction] | None, None)},
        {"_percent_metrics", "_metrics_are_numbers"}),
}
"""The nested models the quick path reads, as `mlstrategy.plain`'s readers were written for them: config, each
field's annotation and default (`...`: required; a callable: its default factory) and the validators' names."""


def _nested_kinds() -> dict[Any, int]:
    """The nested parts the quick path reads, by their exact annotation: a part whose model differs in any way
    from `_NESTED_SHAPES` (a field, a default, a validator, the config) leaves the quick path."""
    kinds: dict[Any, int] = {dict[Label, Weight] | None: WEIGHTS, Curve | None: CURVE, Names | None: NAMES}
    for annotation, kind in ((ConfusionMatrix | None, CONFUSION), (dict[Label, Bound] | None, BOUNDS),
                             (ErrorAnalysis | None, TALLY), (Candidates | None, CANDIDATES)):
        model, config, fields, validators = _NESTED_SHAPES[annotation]
        decorators = model.__pydantic_decorators__
        expected = {name: FieldInfo.from_annotated_attribute(
            field_type, Field(default_factory=default) if callable(default) else default)
            for name, (field_type, default) in fields.items()}
        if (dict(model.model_config) == config
                and {*decorators.model_validators, *decorators.field_validators} == validators
                and not (decorators.validators or decorators.root_validators or decorators.field_serializers
                         or decorators.model_serializers or decorators.computed_fields or model.__private_attributes__)
                and model.__pydantic_post_init__ is None
                and list(model.model_fields) == list(expected)
                and all(_same_field(model.model_fields[name], info) for name, info in expected.items())):
            kinds[annotation] = kind
    return kinds


def _same_field(info: FieldInfo, expected: FieldInfo) -> bool:
    return (info.annotation == expected.annotation and info.metadata == expected.metadata
            and info.default == expected.default and info.default_factory is expected.default_factory
            and info.alias is None and info.validation_alias is None and info.serialization_alias is None
            and not info.exclude)


_QUICK_KINDS, _QUICK_EXTRA = _quick_kinds()

_NO_VALUES: dict[str, None] = dict.fromkeys(Situation.model_fields)
"""A Situation's __dict__ with nothing given (every field defaults to None, or `_quick_kinds` reads none)."""
_object_setattr = object.__setattr__
_new_object = object.__new__


def _quick_situation(base: dict[str, Any]) -> tuple[Situation, dict[str, Any]] | None:
    """The Situation that `Situation.model_validate(base)` returns, and its given() facts, when `plain.given_facts`
    reads every value (see `mlstrategy.plain`); otherwise None, and pydantic reads the input."""
    given = given_facts(base)
    if given is None or holds_nested(given):
        return None  # a nested part is a model: pydantic builds it from the input at once (as fast as from `given`)
    return situation_of_given(given, base), given


def situation_of_given(given: dict[str, Any], base: Any = None) -> Situation:
    """The Situation holding the given facts that `plain.given_facts` read, built as `model_construct` builds one
    (no validation: they were checked); `base` is the input they were read from (its keys are the fields set).
    With a nested part, `given` is validated instead: pass the input itself (a copy), as `Advice` keeps it."""
    if holds_nested(given):  # nested parts are models of their own:
        # pydantic builds them, from the caller's input as Advice keeps it (then the nested models record what the
        # caller set), else from the given facts (the same values; a tally's defaults then count as set)
        situation = Situation.model_validate(given)
        _object_setattr(situation, "__pydantic_fields_set__", set(given if base is None else base))
        return situation
    situation = _new_object(Situation)  # as BaseModel.model_construct builds an instance (Situation has no __new__)
    values = situation.__dict__
    values.update(_NO_VALUES)  # every field, in declaration order
    for key, value in given.items():
        values[key] = dict(value) if type(value) is dict else value  # the model's own mapping, not the given one
    _object_setattr(situation, "__pydantic_fields_set__", set(given if base is None else base))
    _object_setattr(situation, "__pydantic_extra__", None)
    _object_setattr(situation, "__pydantic_private__", None)
    return situation


_KIND_TYPE = {FRACTION: float, COUNT: int, BOOL: bool, LABEL: str, CHOICE: str, FRACTIONS: float, COUNTS: int}
"""The one type a validated value of each kind has (of a mapping kind: each item's)."""


def _quick_given(situation: Situation) -> dict[str, Any] | None:
    """`situation.given()` when every fact it holds is of a kind the quick path reads, with exactly the type
    validation gives it (a float error level, an int count...): model_dump(mode="json") writes such a value as
    it is. Otherwise None (a nested part, or a value `model_construct` let in with another type, which the
    serializer converts: True as an error level is dumped as 1.0)."""
    if type(situation) is not Situation:
        return None
    kinds, types_of = _QUICK_KINDS, _KIND_TYPE
    given: dict[str, Any] = {}
    for key, value in situation.__dict__.items():
        if value is None:
            continue
        kind = kinds.get(key)
        if kind is None or kind >= NESTED:  # a nested part is a model: its dump is pydantic's to write
            return None
        wanted = types_of[kind]
        if kind < _QUICK_FRACTIONS:
            if type(value) is not wanted:
                return None
        else:
            if type(value) is not dict or not all(type(label) is str and type(item) is wanted
                                                  for label, item in value.items()):
                return None
            value = dict(value)
        given[key] = value
    return given


def model_table() -> dict[str, Any]:
    """What `mlstrategy.plain` knows of the models, computed from them: `_model_table.py` must hold exactly this
    (tests/test_quick_facts.py; `python -m mlstrategy.facts` rewrites it)."""
    from .settings import Settings

    return {
        "SITUATION_FIELDS": tuple(Situation.model_fields),
        "SETTINGS_DEFAULTS": {name: info.default for name, info in Settings.model_fields.items()},
        "FRACTION_FIELDS": fraction_fields(Situation) | fraction_fields(Settings),
        "FACT_HELP": {name: info.description or "" for name, info in Situation.model_fields.items()},
        "QUICK_KINDS": dict(_QUICK_KINDS),
        "QUICK_EXTRA": {name: tuple(sorted(value)) if isinstance(value, frozenset) else value
                        for name, value in _QUICK_EXTRA.items()},
    }


def write_model_table(path: "str | Path | None" = None) -> Path:
    """Rewrite `_model_table.py` from the models (after a change to a field of Situation or Settings)."""
    import pprint

    target = Path(path) if path is not None else Path(__file__).with_name("_model_table.py")
    lines = ['"""Generated by `python -m mlstrategy.facts` from the models (Situation, Settings): do not edit.',
             "", 'What `mlstrategy.plain` reads plain input with, without importing pydantic."""', ""]
    for name, value in model_table().items():
        if isinstance(value, frozenset):
            text = "frozenset(" + pprint.pformat(sorted(value), width=116, compact=True) + ")"
        else:
            text = pprint.pformat(value, width=116, compact=True, sort_dicts=False)
        lines.append(f"{name} = {text}")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def fraction_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of a model typed `Fraction` (alone, optional, or inside a mapping): the metadata that decides
    which values read as percentages, instead of a guess from the name."""

    def holds_fraction(annotation: Any) -> bool:
        return annotation == Fraction or any(holds_fraction(arg) for arg in get_args(annotation))

    marks = get_args(Fraction)[1:]  # a bare `Fraction` field keeps its validator in the field's metadata
    return frozenset(name for name, info in model.model_fields.items()
                     if holds_fraction(info.annotation) or any(mark in info.metadata for mark in marks))


if __name__ == "__main__":  # python -m mlstrategy.facts: rewrite the model table (from the package's own models)
    from mlstrategy.facts import write_model_table as _write

    print(f"wrote {_write()}")
