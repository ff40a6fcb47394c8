"""Settings: the thresholds behind the advice, with documented defaults a user can change per call.

Settings are never facts: they do not describe the project, they say how cautious the advisor is.
The defaults reproduce the course's worked examples (1%/8%/10% is a bias problem only,
7.5%/8%/10% a variance problem only).

>>> Settings().min_gap
0.001
>>> Settings(secondary_gap_ratio=0.3).secondary_gap_ratio
0.3
"""
# No `from __future__ import annotations` here: with it, pydantic evaluates every field's annotation from its
# string (a compile each) while building the models at import, ~1-2 ms of every command line's start.
from typing import Annotated, Any, Mapping

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .facts import Fraction, Number, WholeNumber, check_expanded_size, check_keys
from .knowledge.dsl import setting_field

__all__ = ["Settings"]

MAX_CONFIDENCE = 0.999_999_999
"""The highest confidence level: the intervals use z = inv_cdf(0.5 + confidence / 2), which is infinite once
0.5 + confidence / 2 rounds to 1.0 (confidence 0.9999999999999999 did, and crashed four rules); at this
bound z is about 6.1, and the margin to 1.0 is far above float rounding."""


class Settings(BaseModel):
    """Thresholds of the knowledge base. Every rule that compares against one names it in its conditions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_gap: Fraction = Field(
        0.001,
        description=(
            "A gap (avoidable bias, variance, data mismatch, dev-set overfitting) below this many "
            "absolute error points is no problem worth acting on (default 0.1 percentage point)."
        ),
    )
    secondary_gap_ratio: Annotated[Number, Field(gt=0, le=1)] = Field(
        0.6,
        description=(
            "A gap is also worth acting on when it is at least this fraction of the largest gap; "
            "smaller gaps get no actions of their own (the course: 1%/8%/10% -> bias only, since "
            "variance 2% is under 0.6 x 7%)."
        ),
    )

    small_gap: Fraction = Field(
        0.01,
        description=(
            "When every gap is at most this many error points (default 1 point) and no target_error is given, "
            "the model is doing well and whether more work pays depends on the target: the advice asks for it "
            "(Machine Learning Yearning: 0.5%/1% and 15%/16% against 14% optimal are doing well)."
        ),
    )

    confidence: Annotated[Number, Field(gt=0.5, le=MAX_CONFIDENCE)] = Field(
        0.95, description="Confidence level of the Wilson and Newcombe intervals used when set sizes are known "
                          "(above 0.5, at most 0.999999999)."
    )
    dev_test_cap: Annotated[WholeNumber, Field(gt=0)] = Field(
        10_000,
        description=(
            "Dev and test sets stop growing at about this many examples (or 1% of the data, whichever is larger): "
            "enough to see differences of a fraction of a percentage point. Below 50,000 examples the old "
            "60/20/20 split applies; at 1,000,000 this gives 98/1/1."
        ),
    )
    split_tolerance: Annotated[Number, Field(gt=1)] = Field(
        2.0, description="A dev or test set more than this factor bigger or smaller than the suggested one is an outdated split."
    )
    min_category_share: Fraction = Field(
        0.15,
        description=(
            "An error-analysis category is worth working on when it is at least this share of the examined errors "
            "(the course: 5 of 100 is rarely worth weeks of work; 43% and 61% are)."
        ),
    )
    transfer_data_ratio: Annotated[Number, Field(ge=1)] = Field(
        10.0, description="Transfer from A to B when A has at least this many times B's data."
    )
    transfer_small_data: Annotated[WholeNumber, Field(ge=0)] = Field(
        1_000, description="With fewer task-B examples than this, fine-tune only the last layers; with more, all layers."
    )
    multitask_balance: Fraction = Field(
        0.1, description="Multi-task learning needs similar data per task: the smallest task has at least this fraction of the largest's."
    )
    min_end_to_end_examples: Annotated[WholeNumber, Field(ge=0)] = Field(
        100_000, description="End-to-end learning needs at least this many (x, y) pairs for the whole mapping."
    )
    pipeline_data_ratio: Annotated[Number, Field(ge=1)] = Field(
        10.0, description="A pipeline wins when every stage has at least this many times the end-to-end pairs."
    )

    curve_window: Annotated[WholeNumber, Field(ge=1)] = Field(
        3, description="Learning curves are judged over their last this many epochs."
    )
    curve_improving: Fraction = Field(
        0.01, description="A training curve that fell by at least this fraction over the window was still improving."
    )
    curve_rise: Fraction = Field(
        0.05, description="A dev curve that ended at least this fraction above its best epoch is rising (overfitting)."
    )
    curve_high: Fraction = Field(
        0.5, description="A flat training curve still at this fraction of its first value or more is stuck high (bias)."
    )

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            check_keys(data, cls.model_fields, what="Settings")
        return data

    @classmethod
    def from_any(cls, value: "Settings | Mapping[str, Any] | None") -> "Settings":
        """Settings from None (the defaults), a mapping of overrides, or a Settings."""
        if value is None:
            return DEFAULT_SETTINGS
        if isinstance(value, Settings):
            return value
        if cls is Settings and isinstance(value, Mapping) and not value:  # no setting changed (the command line)
            return DEFAULT_SETTINGS
        check_expanded_size(value)  # a YAML alias bomb is refused before pydantic writes it into its error
        return cls.model_validate(value)

    def as_fields(self) -> dict[str, float]:
        """The settings as engine-fact fields, each prefixed `setting:` so it never collides with a fact."""
        if self is DEFAULT_SETTINGS:  # nearly every call: computed once (a copy, so callers may change it)
            return dict(_DEFAULT_FIELDS)
        return {setting_field(name): value for name, value in self.model_dump().items()}


DEFAULT_SETTINGS = Settings()
_DEFAULT_FIELDS = {setting_field(name): value for name, value in DEFAULT_SETTINGS.model_dump().items()}


def engine_fields(settings: Settings) -> Mapping[str, Any]:
    """`settings.as_fields()` for `Engine.consult`, which copies what it keeps: the defaults' fields are shared,
    not copied per consultation (callers must not change them)."""
    return _DEFAULT_FIELDS if settings is DEFAULT_SETTINGS else settings.as_fields()
