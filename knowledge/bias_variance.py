"""Bias and variance: which gaps are worth acting on, and the course's knobs for each."""
from __future__ import annotations

from .fields import ci_low_field
from .dsl import (
    AllOf, AnyOf, Diagnose, Recommend, Rule, absent, all_of, any_of, diagnosed, ge, gt, not_diagnosed, not_recommended,
    setting, times,
)

__all__ = ["RULES", "gap_problem", "significant", "worth", "BIAS_ACTIONS", "VARIANCE_ACTIONS"]

BIAS_ACTIONS = ("bigger_model", "train_longer", "better_optimizer", "architecture_search", "reduce_regularization")
_BIAS_KNOBS = BIAS_ACTIONS[:-1]  # reduce_regularization has a rule of its own: it yields to regularization
VARIANCE_ACTIONS = ("more_data", "regularization", "data_augmentation", "architecture_search")


def worth(gap: str) -> AllOf:
    """The gap is worth acting on: at least `min_gap`, not small next to the largest gap, and the model does not
    already meet its target (then no model knobs are advised)."""
    return all_of(ge(gap, setting("min_gap")), ge(gap, times("largest_gap", setting("secondary_gap_ratio"))),
                  not_diagnosed("meets_target"))


def gap_problem(name: str, section: str, meaning: str) -> Rule:
    """The diagnosis `name` when its gap is worth acting on: above `min_gap` and not small next to the largest gap."""
    return Rule(
        id=f"{name}.worth_acting_on" if name != "avoidable_bias" else "bias.worth_acting_on",
        section=section,
        title=f"{name.replace('_', ' ').capitalize()} is worth acting on",
        when=worth(name),
        then=(Diagnose(name, severity=name),),
        because=(
            f"{name.replace('_', ' ').capitalize()} {{{name}}} is at least {{setting:min_gap}} and at least "
            "{setting:secondary_gap_ratio} of the largest gap {largest_gap}: " + meaning
        ),
    )


def significant(gap: str) -> AnyOf:
    """The gap is not known to be noise: no interval (set sizes unknown), or an interval above zero."""
    return any_of(absent(ci_low_field(gap)), gt(ci_low_field(gap), 0))


RULES: tuple[Rule, ...] = (
    gap_problem("avoidable_bias", "Improving your model performance",
                "the model does not yet fit the training set as well as it could."),
    gap_problem("variance", "Improving your model performance",
                "the model does not generalize from the training set to data it has not seen."),
    Rule(
        id="bias.actions",
        section="Improving your model performance",
        title="Knobs for avoidable bias",
        # the gap itself must be worth acting on: a diagnosis from the learning curves has its own knobs
        when=all_of(diagnosed("avoidable_bias"), worth("avoidable_bias"), significant("avoidable_bias")),
        then=tuple(Recommend(action, addresses=("avoidable_bias",)) for action in _BIAS_KNOBS),
        because=(
            "To cut avoidable bias {avoidable_bias}: train a bigger model, train longer or with a better optimizer "
            "(Momentum, RMSprop, Adam), search architectures and hyperparameters, and reduce regularization."
        ),
    ),
    Rule(
        id="bias.reduce_regularization",
        section="Improving your model performance",
        title="Less regularization for avoidable bias",
        when=all_of(diagnosed("avoidable_bias"), worth("avoidable_bias"), significant("avoidable_bias"),
                    not_recommended("regularization")),
        then=(Recommend("reduce_regularization", addresses=("avoidable_bias",)),),
        because=("Regularization holds back the fit on the training set: with avoidable bias {avoidable_bias} and no "
                 "variance to cut, reduce it (less L2, less dropout)."),
    ),
    Rule(
        id="variance.actions",
        section="Improving your model performance",
        title="Knobs for variance",
        when=all_of(diagnosed("variance"), worth("variance"), not_diagnosed("train_dev_missing"), significant("variance")),
        then=tuple(Recommend(action, addresses=("variance",)) for action in VARIANCE_ACTIONS),
        because=(
            "To cut variance {variance}: get more training data, regularize (L2, dropout), augment the data, "
            "and search architectures and hyperparameters."
        ),
    ),
)
