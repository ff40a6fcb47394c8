"""Settings: the thresholds behind the advice, with documented defaults a user can change per call.

Settings are never facts: they do not describe the project, they say how cautious the advisor is.
The defaults reproduce the course's worked examples (1%/8%/10% is a bias problem only,
7.5%/8%/10% a variance problem only).

>>> Settings().min_gap
0.001
>>> Settings(secondary_gap_ratio=0.3).secondary_gap_ratio
0.3
"""
from __future__ import annotations

from typing import Annotated, Any, Mapping

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .facts import Fraction, check_keys
from .knowledge.dsl import setting_field

__all__ = ["Settings"]


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
    secondary_gap_ratio: Annotated[float, Field(gt=0, le=1)] = Field(
        0.6,
        description=(
            "A gap is also worth acting on when it is at least this fraction of the largest gap; "
            "smaller gaps get no actions of their own (the course: 1%/8%/10% -> bias only, since "
            "variance 2% is under 0.6 x 7%)."
        ),
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
        return cls.model_validate(value)

    def as_fields(self) -> dict[str, float]:
        """The settings as engine-fact fields, each prefixed `setting:` so it never collides with a fact."""
        return {setting_field(name): value for name, value in self.model_dump().items()}


DEFAULT_SETTINGS = Settings()
