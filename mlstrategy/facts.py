"""The fact base: what a user can tell mlstrategy about their project, validated.

Every input name of VOCABULARY.md is a field of `Situation`. Validation happens here, before anything
runs: error levels are fractions in [0, 1] (strings such as "8%" are accepted, a bare 8 gets a hint),
counts are non-negative integers, and an unknown key names the closest valid one.

>>> Situation(human_error="1%", train_error=0.08).train_error
0.08
"""
from __future__ import annotations

import difflib
import json
import math
import sys
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

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
    "load_mapping",
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
            number = round(_to_float(text[:-1], **_UNIT) / 100, 12) if text.endswith("%") else _to_float(text, **_UNIT)  # "0.7%" -> 0.007
        except ValueError:
            raise PydanticCustomError(
                "fraction_parsing",
                "must be a fraction in [0, 1] or a percentage such as '8%'; got '{value}'",
                {"value": value, **_UNIT},
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
        raise PydanticCustomError("fraction_finite", "must be a finite fraction in [0, 1]; got {value}", {"value": value, **_UNIT})
    if number < 0 or number > 1:
        if 1 < number <= 100:
            raise PydanticCustomError(
                "fraction_range",
                "must be a fraction in [0, 1]; got {value}. Did you mean {pct}% = {fraction}?",
                {"value": value, "pct": _trim(number), "fraction": _trim(number / 100), **_UNIT, "suggestion": round(number / 100, 12)},
            )
        raise PydanticCustomError(
            "fraction_range", "must be a fraction in [0, 1]; got {value}", {"value": value, **_UNIT}
        )
    return number


def describe_errors(error: ValidationError) -> str:
    """A validation error as short lines for people: where, and what is wrong (pydantic's links left out)."""
    return "\n".join(f"  invalid {'.'.join(str(part) for part in item['loc']) or 'value'}: {item['msg']}"
                     for item in error.errors())


def parse_text_value(raw: str) -> Any:
    """A value typed as text (a CLI flag, an answer in `consult`): YAML for structures and booleans
    ('{expert: 0.01}', 'true'), otherwise the string itself, which the fact base parses and range-checks ('8%')."""
    import yaml

    try:
        parsed = yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
    return parsed if isinstance(parsed, (dict, list, bool)) else raw


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
        raise PydanticCustomError("number_too_large", "is too large to be a number here ({digits} digits)",
                                  {"digits": len(str(value).lstrip("-")), **context}) from None


def _trim(number: float) -> str:
    """A short decimal for messages: 8.0 -> '8', 0.080000001 -> '0.08'."""
    return f"{number:.6f}".rstrip("0").rstrip(".")


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("count_type", "must be a non-negative whole number, not a boolean", {"ge": 0})
    if isinstance(value, int) and abs(value) > 10**15:
        raise PydanticCustomError("count_range", "must be at most 10**15 examples; got a {digits}-digit number",
                                  {"digits": len(str(abs(value))), "ge": 0, "le": 10**15})
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        raise PydanticCustomError("count_type", "must be a whole number of examples; got {value}", {"value": value, "ge": 0})
    return value


def _finite(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("number_type", "must be a number, not a boolean")
    if isinstance(value, (int, float)) and not math.isfinite(_to_float(value)):
        raise PydanticCustomError("number_finite", "must be a finite number; got {value}", {"value": value})
    return value


Fraction = Annotated[float, BeforeValidator(parse_fraction)]
"""An error level or rate: a float in [0, 1]; "8%" is read as 0.08."""
Count = Annotated[int, BeforeValidator(_no_bool), Field(ge=0)]
"""A number of examples: a non-negative integer."""
Number = Annotated[float, BeforeValidator(_finite)]
"""Any finite number (a metric value such as a running time in ms)."""
WholeNumber = Annotated[int, BeforeValidator(_no_bool)]
"""A whole number that is not a boolean (for settings)."""
Label = Annotated[str, Field(min_length=1, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            check_keys(data, cls.model_fields, what=cls.__name__)
        return data


def suggest(name: str, choices: Any) -> str | None:
    """The closest valid name to a misspelt one, or None (the one place "did you mean" is computed)."""
    found = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def check_keys(data: Mapping[str, Any], fields: Mapping[str, Any], *, what: str) -> None:
    """Raise a validation error naming every unknown key and the closest valid one."""
    unknown = [key for key in data if key not in fields]
    if not unknown:
        return
    parts = []
    for key in unknown:
        hint = suggest(key, fields)
        parts.append(f"{key!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
    raise PydanticCustomError(
        "unknown_fact",
        "unknown {what} name(s): {names}. Valid names: {valid}",
        {"what": "fact" if what == "Situation" else f"{what} field", "names": ", ".join(parts), "valid": ", ".join(fields),
         "unknown": tuple(unknown), "suggestions": {key: suggest(key, fields) for key in unknown}, "choices": tuple(fields)},
    )


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


class Candidate(BaseModel):
    """A model to choose between: a name, metric values by name, optionally errors by class."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: Label
    errors_by_class: dict[Label, Fraction] | None = None

    @model_validator(mode="after")
    def _metrics_are_numbers(self) -> "Candidate":
        for key, value in (self.model_extra or {}).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(_to_float(value)):
                raise PydanticCustomError(
                    "metric_type",
                    "candidate '{name}': metric '{metric}' must be a finite number; got '{value}'",
                    {"name": self.name, "metric": key, "value": value},
                )
        return self

    @property
    def metrics(self) -> dict[str, float]:
        """The candidate's metric values by name."""
        return {key: float(value) for key, value in (self.model_extra or {}).items()}


class ErrorAnalysis(_Strict):
    """A tally over `examined` misclassified dev examples: how many fall in each category."""

    examined: Annotated[int, BeforeValidator(_no_bool), Field(gt=0)]
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
FACT_GROUPS: dict[str, tuple[str, ...]] = {
    "error levels": ("human_error", "human_errors", "bayes_error", "train_error", "train_dev_error", "dev_error", "test_error",
                     "target_error"),
    "data": (
        "train_size", "train_dev_size", "dev_size", "test_size", "total_examples",
        "train_distribution", "dev_distribution", "test_distribution", "target_examples",
        "other_distribution_examples", "production_distribution", "structured_data",
    ),
    "metrics and goals": (
        "precision", "recall", "confusion_matrix", "class_weights", "candidates", "tracked_metrics",
        "maximize", "minimize", "optimizing_metric", "satisficing", "metric_matches_users", "real_world_ok",
    ),
    "error analysis": ("error_analysis", "train_label_errors"),
    "transfer, multi-task, end-to-end": (
        "task_a_examples", "task_b_examples", "same_input_type", "low_level_features_shared", "tasks",
        "can_train_big_network", "labels_incomplete", "end_to_end_examples", "stage_examples", "stages_simpler",
    ),
    "learning curves": ("train_curve", "dev_curve"),
}
"""The input names of VOCABULARY.md by topic (used by the CLI's help and by renderings)."""


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
    class_weights: dict[Label, Annotated[float, BeforeValidator(_finite), Field(gt=0)]] | None = Field(
        None, description="class -> weight for a weighted error metric"
    )
    candidates: list[Candidate] | None = Field(None, description="models to choose between, with metric values", min_length=1)
    tracked_metrics: list[Label] | None = Field(None, description="the metrics the team currently watches")
    maximize: list[Label] | None = Field(None, description="metrics where higher is better")
    minimize: list[Label] | None = Field(None, description="metrics where lower is better")
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
    train_curve: list[Annotated[float, BeforeValidator(_finite), Field(ge=0)]] | None = Field(
        None, description="per-epoch training loss or error, oldest first"
    )
    dev_curve: list[Annotated[float, BeforeValidator(_finite), Field(ge=0)]] | None = Field(
        None, description="per-epoch dev loss or error, oldest first"
    )

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
        if isinstance(data, Situation) and not facts:
            return data
        base: dict[str, Any] = {}
        if isinstance(data, Situation):
            base = data.model_dump(exclude_none=True)
        elif isinstance(data, Mapping):
            base = dict(data)
        elif data is not None:
            return cls.model_validate(data)  # not a mapping: pydantic's error names the type it expected
        base.update(facts)
        return cls.model_validate(base)

    @classmethod
    def from_file(cls, path: str | Path) -> "Situation":
        """Read a situation from a YAML, JSON or TOML file of flat fact names."""
        return cls.model_validate(load_mapping(path))

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
        """Learning curves and final errors from a training history; see `mlstrategy.adapters.situation_from_history`."""
        from .adapters.history import situation_from_history

        return situation_from_history(history, **options_and_facts)

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


MAX_FILE_BYTES = 10 * 2**20
"""Situation and settings files larger than this (10 MiB) are refused: no real situation is that big."""


def load_mapping(path: str | Path) -> dict[str, Any]:
    """Parse a YAML, JSON or TOML file into a mapping; a file that is not a mapping is a ValidationError.

    YAML is read with `safe_load` only: nothing a file contains is ever executed.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise IsADirectoryError(f"{path} is a folder, not a file")
    except OSError as exc:
        raise _file_error(path, exc.strerror or str(exc)) from None
    if size > MAX_FILE_BYTES:
        raise _file_error(path, f"the file is {size:,} bytes; situation files are limited to {MAX_FILE_BYTES:,}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _file_error(path, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise _file_error(path, exc.strerror or str(exc)) from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(text)
        elif suffix == ".toml":
            data = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:  # yaml.YAMLError is not a ValueError
        raise _file_error(path, str(exc)) from None
    except Exception as exc:  # yaml.YAMLError
        raise _file_error(path, str(exc)) from None
    if not isinstance(data, dict):
        raise _file_error(path, f"expected a mapping of fact names to values, got {type(data).__name__}")
    return data


def _file_error(path: Path, why: str) -> ValidationError:
    return ValidationError.from_exception_data(
        "Situation",
        [{"type": PydanticCustomError("file_parsing", "cannot read {path}: {why}", {"path": str(path), "why": why}),
          "loc": ("file",), "input": str(path)}],
    )


def fraction_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of a model typed `Fraction` (alone, optional, or inside a mapping): the metadata that decides
    which values read as percentages, instead of a guess from the name."""

    def holds_fraction(annotation: Any) -> bool:
        return annotation == Fraction or any(holds_fraction(arg) for arg in get_args(annotation))

    marks = get_args(Fraction)[1:]  # a bare `Fraction` field keeps its validator in the field's metadata
    return frozenset(name for name, info in model.model_fields.items()
                     if holds_fraction(info.annotation) or any(mark in info.metadata for mark in marks))
