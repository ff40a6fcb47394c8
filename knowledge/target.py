"""Doing well: the error the product needs (`target_error`), and what small gaps mean without one.

How the course's and Machine Learning Yearning's cases are reconciled: a gap's size alone does not say whether
more work pays; the target does. With `target_error` met (dev, and test when given, at or below it, beyond the
noise when the dev set size is known) the advice says so and gives no model knobs. Without a target, the largest
gap still leads (the radiology case 0.5%/0.7%/0.8%: the 0.2-point avoidable bias is what to work on if you go
on), and when every gap is small (at most `small_gap`, 1 point by default: MLY's 0%/0.5%/1% and 14%/15%/16%)
a `doing_well` caveat says that whether to go on depends on the target, and asks for it. Large gaps
(MLY's 14%/15%/30%) are problems as ever.
"""
from __future__ import annotations

from .dsl import Ask, Diagnose, Recommend, Rule, absent, all_of, any_of, gt, known, le, setting

__all__ = ["RULES"]

_MET = all_of(
    known("target_error"), le("dev_error", "target_error"),
    any_of(absent("test_error"), le("test_error", "target_error")),
)

RULES: tuple[Rule, ...] = (
    Rule(
        id="target.met",
        section="Why ML Strategy",
        title="The model meets its target",
        when=all_of(_MET, any_of(absent("ci_high:dev_error"), le("ci_high:dev_error", "target_error"))),
        then=(Diagnose("meets_target"),),
        because=("Dev error {dev_error} (test error {test_error}) is at or below the target {target_error}: the model "
                 "does what the product needs, so no model knobs are advised. Spend effort on the target itself "
                 "(metric, dev/test set, real-world checks) or on other work."),
    ),
    Rule(
        id="target.met_within_noise",
        section="Size of the dev and test sets",
        title="The target is met only within the noise",
        when=all_of(_MET, gt("ci_high:dev_error", "target_error")),
        then=(Diagnose("target_within_noise"), Recommend("bigger_dev_set", addresses=("target_within_noise",))),
        because=("Dev error {dev_error} is at or below the target {target_error}, but on {dev_size} dev examples the "
                 "true error could be as high as {ci_high:dev_error}: measure on a bigger dev set before calling the "
                 "target met."),
    ),
    Rule(
        id="target.doing_well",
        section="Avoidable bias",
        title="Every gap is small",
        when=all_of(absent("target_error"), le("largest_gap", setting("small_gap"))),
        then=(Diagnose("doing_well"),
              Ask("target_error", "Every gap is at most {setting:small_gap}: whether more work pays depends on the "
                                  "error the product needs (target_error). If the dev error already meets it, no "
                                  "model work is called for.", rank=4)),
        because=("The largest gap is {largest_gap}, at most {setting:small_gap}: the model is doing well (low "
                 "avoidable bias and low variance). Whether to go on depends on the error the product needs; near "
                 "human level even small gaps can matter (e.g. medical imaging), so the largest gap is still named."),
    ),
)
