"""Facts that contradict each other, or that real projects produce by mistake: caveats naming the facts and
the likely causes. A negative gap is never a finding: it is not diagnosed as a problem, and when it is clearly
beyond the noise (its high end below zero, and at least `min_gap` below zero) it gets a caveat."""
from __future__ import annotations

from .fields import range_high_field
from .dsl import AllOf, Diagnose, Rule, absent, all_of, any_of, eq, gt, known, lt, setting, times

__all__ = ["RULES"]


def _negative(gap: str) -> AllOf:
    """The gap is clearly negative: at least min_gap below zero and its whole plausible range below zero."""
    return all_of(lt(gap, times(setting("min_gap"), -1)), lt(range_high_field(gap), 0))


RULES: tuple[Rule, ...] = (
    Rule(
        id="consistency.dev_below_train",
        section="Avoidable bias",
        title="Dev error clearly below training error",
        when=all_of(absent("train_dev_error"), _negative("variance")),
        then=(Diagnose("dev_below_train"),),
        because=("Dev error {dev_error} is clearly below training error {train_error} (range up to "
                 "{range_high:variance}): unseen data should not be easier than the data the model was fit on. "
                 "Likely causes: training error measured with dropout or augmentation switched on (measure it in "
                 "evaluation mode), an easier dev distribution, dev examples leaked into training features, or a "
                 "bug in the evaluation. Check the measurements before acting on the gaps."),
    ),
    Rule(
        id="consistency.train_dev_below_train",
        section="Bias and Variance with mismatched data distributions",
        title="Train-dev error clearly below training error",
        when=all_of(known("train_dev_error"), _negative("variance")),
        then=(Diagnose("train_dev_below_train"),),
        because=("Train-dev error {train_dev_error} is clearly below training error {train_error}, though both come "
                 "from the training distribution. Likely causes: training error measured with dropout or augmentation "
                 "on, a train-dev set that is not a random slice of the training data, or an evaluation bug."),
    ),
    Rule(
        id="consistency.dev_below_train_dev",
        section="Bias and Variance with mismatched data distributions",
        title="Dev error clearly below train-dev error",
        when=_negative("data_mismatch"),
        then=(Diagnose("dev_below_train_dev"),),
        because=("Dev error {dev_error} is clearly below train-dev error {train_dev_error}: the dev/test distribution "
                 "is easier than the training distribution (the course's example: 6% dev against 10% train-dev). "
                 "Check that dev/test still reflect the data that matters, and compare with human level on both "
                 "distributions."),
    ),
    Rule(
        id="consistency.test_below_dev",
        section="Bias and Variance with mismatched data distributions",
        title="Test error clearly below dev error",
        when=_negative("dev_set_overfitting"),
        then=(Diagnose("test_below_dev"),),
        because=("Test error {test_error} is clearly below dev error {dev_error}, on the same distribution, after "
                 "tuning on the dev set: that is not overfitting but a sign of a problem. Likely causes: test "
                 "examples duplicated in training (leakage), a test set that is not from the dev distribution, or a "
                 "small test set's luck."),
    ),
    Rule(
        id="consistency.train_below_bayes",
        section="Avoidable bias",
        title="Training error below a known Bayes error",
        when=all_of(known("bayes_error"), lt("avoidable_bias", times(setting("min_gap"), -1))),
        then=(Diagnose("train_below_bayes"),),
        because=("Training error {train_error} is below the Bayes error {bayes_error}: no model can beat Bayes error "
                 "on unseen data, so the model memorizes its training examples (look at the variance) or the "
                 "Bayes error given is wrong."),
    ),
    Rule(
        id="consistency.bayes_above_human",
        section="Understanding human-level performance",
        title="Bayes error above the best human level",
        when=gt("bayes_error", "best_human_error"),
        then=(Diagnose("bayes_above_human"),),
        because=("Bayes error {bayes_error} is above the best human level {best_human_error}: Bayes error is the "
                 "lowest error possible, so people cannot beat it. One of the two is wrong; the Bayes error given is "
                 "used as the proxy."),
    ),
    Rule(
        id="consistency.empty_set",
        section="Size of the dev and test sets",
        title="An error measured on no examples",
        when=any_of(*(all_of(eq(size, 0), known(error)) for error, size in (
            ("train_error", "train_size"), ("train_dev_error", "train_dev_size"), ("dev_error", "dev_size"),
            ("test_error", "test_size")))),
        then=(Diagnose("empty_set"),),
        because=("An error level is given for a set of size 0 (train {train_size}, train-dev {train_dev_size}, dev "
                 "{dev_size}, test {test_size}): that error cannot have been measured there. Check the set sizes."),
    ),
)
