"""Learning curves (per-epoch training and dev loss or error): still improving, overfitting, or stuck high.

These rules read what `Situation.from_history` fills in (`train_curve`, `dev_curve`). The course's bias
and variance knobs apply to what the curves show: a training curve still falling when training stopped
means train longer; a dev curve rising while the training curve falls is variance (regularize, stop
early); a training curve flat and high is avoidable bias (a bigger model).
"""
from __future__ import annotations

import math
from typing import Any, Mapping

from .dsl import Diagnose, Recommend, Rule, Value, absent, all_of, any_of, ge, gt, known, lt, setting

__all__ = ["RULES", "recent_improvement", "remaining", "rise_from_best"]


def _finite(value: float) -> float | None:
    """A ratio over a tiny denominator can overflow to inf; no finite answer means no conclusion."""
    return round(value, 12) if math.isfinite(value) else None


def recent_improvement(curve: list[float], window: int) -> float | None:
    """How much the curve fell over its last `window` epochs, relative to where it was (0.1 = 10% lower)."""
    if len(curve) < 2:
        return None
    start = curve[-min(window, len(curve) - 1) - 1]
    if start == 0:
        return 0.0
    return _finite((start - curve[-1]) / start)


def remaining(curve: list[float]) -> float | None:
    """The last value as a fraction of the first (1 = nothing learned)."""
    if len(curve) < 2 or curve[0] == 0:
        return None
    return _finite(curve[-1] / curve[0])


def rise_from_best(curve: list[float]) -> float | None:
    """How far the last value is above the best (lowest) one, relative to the best."""
    if len(curve) < 2:
        return None
    best = min(curve)
    if best == 0:
        return 0.0 if curve[-1] == 0 else 1.0
    return _finite((curve[-1] - best) / best)


def _best_epoch(facts: Mapping[str, Any]) -> dict[str, Any]:
    curve = facts["dev_curve"]
    return {"epoch": curve.index(min(curve)) + 1, "of": len(curve)}


RULES: tuple[Rule, ...] = (
    Rule(
        id="curves.train_trend",
        section="Improving your model performance",
        title="Where the training curve was heading",
        when=known("train_curve"),
        then=(
            Value("train_curve_improvement",
                  lambda f: recent_improvement(f["train_curve"], f["setting:curve_window"]), ("train_curve",)),
            Value("train_curve_remaining", lambda f: remaining(f["train_curve"]), ("train_curve",)),
        ),
        because=("Over its last {setting:curve_window} epochs the training curve fell by {train_curve_improvement} "
                 "(relative); it ended at {train_curve_remaining} of its first value."),
    ),
    Rule(
        id="curves.dev_trend",
        section="Improving your model performance",
        title="Where the dev curve was heading",
        when=known("dev_curve"),
        then=(Value("dev_curve_rise", lambda f: rise_from_best(f["dev_curve"]), ("dev_curve",)),),
        because="The dev curve ended {dev_curve_rise} (relative) above its best epoch.",
    ),
    Rule(
        id="curves.undertrained",
        section="Improving your model performance",
        title="Still improving when training stopped",
        when=all_of(ge("train_curve_improvement", setting("curve_improving")),
                    any_of(absent("dev_curve_rise"), lt("dev_curve_rise", setting("curve_rise")))),
        then=(Diagnose("undertrained"), Recommend("train_longer", addresses=("undertrained",))),
        because=("The training curve was still falling when training stopped ({train_curve_improvement} over the "
                 "last {setting:curve_window} epochs, more than {setting:curve_improving}) and the dev curve is not "
                 "rising: train longer before judging bias."),
    ),
    Rule(
        id="curves.overfitting",
        section="Improving your model performance",
        title="Dev curve rising while the training curve falls",
        when=all_of(ge("dev_curve_rise", setting("curve_rise")), gt("train_curve_improvement", 0)),
        then=(Diagnose("variance"),
              Recommend("early_stopping", addresses=("variance",), params=_best_epoch, reads=("dev_curve",)),
              Recommend("regularization", addresses=("variance",))),
        because=("The dev curve rose {dev_curve_rise} above its best while the training curve kept falling "
                 "({train_curve_improvement}): the model is fitting the training set at the expense of unseen data. "
                 "Keep the weights of the best dev epoch and regularize."),
    ),
    Rule(
        id="curves.stuck_high",
        section="Improving your model performance",
        title="Training curve flat and high",
        when=all_of(lt("train_curve_improvement", setting("curve_improving")),
                    ge("train_curve_remaining", setting("curve_high"))),
        then=(Diagnose("avoidable_bias"), Recommend("bigger_model", addresses=("avoidable_bias",))),
        because=("The training curve has flattened ({train_curve_improvement} over the last {setting:curve_window} "
                 "epochs) at {train_curve_remaining} of where it started (at least {setting:curve_high}): the model "
                 "cannot fit the training set; a bigger model is the first knob."),
    ),
)
