"""Learning curves (training and dev loss or error per evaluation point): still improving, overfitting, or stuck high.

These rules read what `Situation.from_history` fills in (`train_curve`, `dev_curve`). The course's bias
and variance knobs apply to what the curves show: a training curve still falling when training stopped
means train longer; a dev curve rising from its best is variance (regularize, stop early), also when the
training loss has reached about zero and no longer falls (the model has memorized the training set); a
training curve flat and high is avoidable bias (a bigger model). As an engineer reads a curve, no verdict
is given on a curve too short to judge (fewer points than the window needs) or whose recent trend is
smaller than its ups and downs, and training and dev losses both near zero early are a warning (leakage,
duplicated examples), not a success.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

from .dsl import Ask, Diagnose, Recommend, Rule, Value, absent, all_of, any_of, ge, gt, known, le, lt, setting

__all__ = ["RULES", "recent_improvement", "remaining", "rise_from_best", "points", "wiggle", "near_zero_at",
           "MIN_POINTS", "MEMORIZED", "NEAR_ZERO", "EARLY"]

MIN_POINTS = 3
"""The fewest evaluation points a curve is judged on: two points are one step, which noise alone can make."""
MEMORIZED = 0.02
"""A training curve at or below this fraction of its first value has (about) reached zero: it cannot keep falling,
so 'the training curve kept falling' is no condition for overfitting any more."""
NEAR_ZERO = 0.01
"""A loss or error at or below this is about zero (cross-entropy 0.01 is ~99% confidence on the right label)."""
EARLY = 0.5
"""Both curves near zero within this fraction of the points logged is 'too good, too early'."""


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


def points(facts: Mapping[str, Any]) -> int:
    """The number of evaluation points of the longer curve."""
    return max(len(facts.get("train_curve") or ()), len(facts.get("dev_curve") or ()))


def wiggle(curve: list[float], window: int) -> float | None:
    """How much the last `window` steps of the curve moved up and down beyond their net change, as a
    multiple of that net change (0 for a monotone curve; above 1: the trend is smaller than the noise)."""
    if len(curve) < 3:
        return None
    tail = curve[-min(window, len(curve) - 1) - 1:]
    moves = [b - a for a, b in zip(tail, tail[1:])]
    net = abs(tail[-1] - tail[0])
    extra = sum(abs(m) for m in moves) - net
    if extra <= 1e-12:
        return 0.0
    return _finite(extra / net) if net > 0 else 1e9


def near_zero_at(facts: Mapping[str, Any]) -> float | None:
    """The fraction of the points logged when both curves first were at or below NEAR_ZERO (None if never)."""
    train, dev = facts.get("train_curve") or [], facts.get("dev_curve") or []
    if len(train) < 2 or len(dev) < 2:
        return None
    n = min(len(train), len(dev))
    first = next((i for i in range(n) if train[i] <= NEAR_ZERO and dev[i] <= NEAR_ZERO), None)
    return None if first is None else round((first + 1) / n, 12)


def _best_epoch(facts: Mapping[str, Any]) -> dict[str, Any]:
    curve = facts["dev_curve"]
    return {"epoch": curve.index(min(curve)) + 1, "of": len(curve)}


_LONG_ENOUGH = ge("curve_points", MIN_POINTS)
_SECTION = "Improving your model performance"


def _caveat(name: str, title: str, when: Any, because: str) -> Rule:
    """A rule that qualifies how far the curves can be read: the caveat `curve_<name>`, no action."""
    return Rule(id=f"curves.{name}", section=_SECTION, title=title, when=when,
                then=(Diagnose(f"curve_{name}"),), because=because)


RULES: tuple[Rule, ...] = (
    Rule(
        id="curves.points",
        section="Improving your model performance",
        title="How many evaluation points the curves have",
        when=any_of(known("train_curve"), known("dev_curve")),
        then=(Value("curve_points", points, ("train_curve", "dev_curve")),
              Value("curves_near_zero_at", near_zero_at, ("train_curve", "dev_curve"))),
        because="The curves have {curve_points} evaluation points.",
    ),
    _caveat(
        "too_short", "Too short to tell", lt("curve_points", MIN_POINTS),
        ("The curves have {curve_points} evaluation points, fewer than " + str(MIN_POINTS) + ": one step "
                 "between two evaluations cannot tell a trend from noise, so no verdict on how training went; "
                 "evaluate more often or train longer."),
    ),
    Rule(
        id="curves.train_trend",
        section="Improving your model performance",
        title="Where the training curve was heading",
        when=known("train_curve"),
        then=(
            Value("train_curve_improvement",
                  lambda f: recent_improvement(f["train_curve"], f["setting:curve_window"]), ("train_curve",)),
            Value("train_curve_remaining", lambda f: remaining(f["train_curve"]), ("train_curve",)),
            Value("train_curve_wiggle", lambda f: wiggle(f["train_curve"], f["setting:curve_window"]), ("train_curve",)),
        ),
        because=("Over its last {setting:curve_window} epochs the training curve fell by {train_curve_improvement} "
                 "(relative); it ended at {train_curve_remaining} of its first value."),
    ),
    Rule(
        id="curves.dev_trend",
        section="Improving your model performance",
        title="Where the dev curve was heading",
        when=known("dev_curve"),
        then=(Value("dev_curve_rise", lambda f: rise_from_best(f["dev_curve"]), ("dev_curve",)),
              Value("dev_curve_improvement",
                    lambda f: recent_improvement(f["dev_curve"], f["setting:curve_window"]), ("dev_curve",))),
        because=("The dev curve ended {dev_curve_rise} (relative) above its best epoch; over its last "
                 "{setting:curve_window} points it fell by {dev_curve_improvement}."),
    ),
    _caveat(
        "too_noisy", "Too noisy to tell", all_of(_LONG_ENOUGH, gt("train_curve_wiggle", 1)),
        ("Over its last {setting:curve_window} points the training curve moved up and down "
                 "{train_curve_wiggle} times more than its net change: its recent trend is within its noise, so "
                 "'still improving' cannot be told; average the loss over more steps or evaluate less often."),
    ),
    _caveat(
        "too_good", "Too good to be true", le("curves_near_zero_at", EARLY),
        ("Training and dev loss were both at most " + str(NEAR_ZERO) + " after {curves_near_zero_at} of the "
                 "points logged: a task learned perfectly this early usually means the dev set leaks into training "
                 "(duplicated or near-duplicate examples, a label in the features); check before trusting it."),
    ),
    Rule(
        id="curves.undertrained",
        section="Improving your model performance",
        title="Still improving when training stopped",
        when=all_of(_LONG_ENOUGH, ge("train_curve_improvement", setting("curve_improving")),
                    lt("train_curve_wiggle", 1), gt("train_curve_remaining", MEMORIZED),
                    any_of(absent("dev_curve_rise"), all_of(lt("dev_curve_rise", setting("curve_rise")),
                                                            ge("dev_curve_improvement", setting("curve_improving"))))),
        then=(Diagnose("undertrained"), Recommend("train_longer", addresses=("undertrained",))),
        because=("The training curve was still falling when training stopped ({train_curve_improvement} over the "
                 "last {setting:curve_window} epochs, more than {setting:curve_improving}) and the dev curve, when logged, "
                 "was still falling too ({dev_curve_improvement}): train longer before judging bias."),
    ),
    Rule(
        id="curves.overfitting",
        section="Improving your model performance",
        title="Dev curve rising while the training curve falls or has reached about zero",
        when=all_of(_LONG_ENOUGH, ge("dev_curve_rise", setting("curve_rise")),
                    any_of(gt("train_curve_improvement", 0), le("train_curve_remaining", MEMORIZED))),
        then=(Diagnose("variance"),
              Recommend("early_stopping", addresses=("variance",), params=_best_epoch, reads=("dev_curve",)),
              Recommend("regularization", addresses=("variance",))),
        because=("The dev curve rose {dev_curve_rise} above its best while the training curve kept falling "
                 "({train_curve_improvement}) or had reached about zero ({train_curve_remaining} of its first value): "
                 "the model is fitting the training set at the expense of unseen data. Keep the weights of the best "
                 "dev epoch and regularize."),
    ),
    Rule(
        id="curves.dev_only_rising",
        section="Improving your model performance",
        title="Dev curve rising (no training curve)",
        when=all_of(_LONG_ENOUGH, absent("train_curve"), ge("dev_curve_rise", setting("curve_rise"))),
        then=(Diagnose("variance"),
              Recommend("early_stopping", addresses=("variance",), params=_best_epoch, reads=("dev_curve",))),
        because=("With no training curve logged, the dev curve alone rose {dev_curve_rise} above its best: training "
                 "past that point made the model worse on unseen data. Keep the best dev epoch's weights; log the "
                 "training loss to tell how far it fits the training set."),
    ),
    Rule(
        id="curves.ask_train_curve",
        section=_SECTION,
        title="A dev curve without a training curve",
        when=all_of(known("dev_curve"), absent("train_curve")),
        then=(Ask("train_curve", "A training curve beside the dev curve tells whether the model still fits the "
                                 "training set better (bias) or only stopped generalizing (variance): log the "
                                 "training loss at the same evaluation points.", rank=40),),
        because="A dev curve was logged without a training curve.",
    ),
    Rule(
        id="curves.dev_only_improving",
        section="Improving your model performance",
        title="Dev curve still improving (no training curve)",
        when=all_of(_LONG_ENOUGH, absent("train_curve"), ge("dev_curve_improvement", setting("curve_improving")),
                    lt("dev_curve_rise", setting("curve_rise"))),
        then=(Diagnose("undertrained"), Recommend("train_longer", addresses=("undertrained",))),
        because=("With no training curve logged, the dev curve was still falling when training stopped "
                 "({dev_curve_improvement} over the last {setting:curve_window} points): train longer before judging."),
    ),
    Rule(
        id="curves.stuck_high",
        section="Improving your model performance",
        title="Training curve flat and high",
        when=all_of(_LONG_ENOUGH, lt("train_curve_improvement", setting("curve_improving")),
                    ge("train_curve_remaining", setting("curve_high"))),
        then=(Diagnose("avoidable_bias"), Recommend("bigger_model", addresses=("avoidable_bias",))),
        because=("The training curve has flattened ({train_curve_improvement} over the last {setting:curve_window} "
                 "epochs) at {train_curve_remaining} of where it started (at least {setting:curve_high}): the model "
                 "cannot fit the training set; a bigger model is the first knob."),
    ),
)
