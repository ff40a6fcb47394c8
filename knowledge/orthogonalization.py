"""Orthogonalization: place the target (metric and dev/test set) before aiming at it."""
from __future__ import annotations

from .dsl import Ask, Diagnose, Recommend, Rule, absent, all_of, eq, known

__all__ = ["RULES"]

RULES: tuple[Rule, ...] = (
    Rule(
        id="target.metric_mismatch",
        section="When to change dev/test sets and metrics",
        title="The metric ranks models unlike users",
        when=eq("metric_matches_users", False),
        then=(
            Diagnose("metric_mismatch"),
            Recommend("change_metric", addresses=("metric_mismatch",)),
            Recommend("weight_metric", addresses=("metric_mismatch",)),
        ),
        because=(
            "The metric and dev set rank models differently from users (metric_matches_users = {metric_matches_users}): "
            "the target is in the wrong place. Change the metric first, e.g. weight the errors that matter most "
            "(10x for the worst class), then aim at it; changing the model cannot fix the target."
        ),
    ),
    Rule(
        id="target.real_world_mismatch",
        section="Why ML Strategy",
        title="Good on dev/test, poor in the real world",
        when=eq("real_world_ok", False),
        then=(
            Diagnose("real_world_mismatch"),
            Recommend("change_dev_test_set", addresses=("real_world_mismatch",)),
            Recommend("change_metric", addresses=("real_world_mismatch",)),
        ),
        because=(
            "The system does well on dev/test but not in the real world (real_world_ok = {real_world_ok}): the "
            "real-world knobs are the dev/test set and the cost function, not the model. Make dev/test reflect the "
            "data you expect in the future, or change the metric to what the application needs."
        ),
    ),
    Rule(
        id="target.ask_dev_error",
        section="Why ML Strategy",
        title="Ask for a dev error",
        when=all_of(known("train_error"), absent("dev_error")),
        then=(Ask("dev_error", "The dev error shows whether the fit on the training set generalizes (variance).", rank=2),),
        because="Training error {train_error} is known but no dev error: generalization cannot be judged.",
    ),
    Rule(
        id="target.ask_train_error",
        section="Why ML Strategy",
        title="Ask for a training error",
        when=all_of(known("dev_error"), absent("train_error")),
        then=(Ask("train_error",
                  "The training error splits the dev error into avoidable bias and variance: without it neither can "
                  "be measured.", rank=1),),
        because="Dev error {dev_error} is known but no training error: bias and variance cannot be told apart.",
    ),
    Rule(
        id="target.ask_errors",
        section="Why ML Strategy",
        title="Ask for the error levels",
        when=all_of(absent("train_error"), absent("dev_error"), absent("test_error")),
        then=(
            Ask("train_error", "The training error is the first measurement of the chain: against a human-level "
                               "error it shows avoidable bias; against the dev error, variance.", rank=8),
            Ask("dev_error", "The dev error shows how well the fit on the training set generalizes.", rank=9),
        ),
        because="No error level is known yet: the bias/variance chain cannot be placed.",
    ),
)
