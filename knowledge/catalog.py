"""What each diagnosis, action and value means: declared once here, used by listings, reports and ranking.

Names are those of VOCABULARY.md (never renamed; new ones may be added).
"""
from __future__ import annotations

from typing import Literal, NamedTuple

__all__ = ["DiagnosisInfo", "ActionInfo", "DIAGNOSES", "ACTIONS", "FRACTION_VALUES", "VALUE_TITLES", "STAGES"]

Kind = Literal["target", "problem", "undetermined", "caveat", "status"]
"""target and problem: something to fix; undetermined: the facts cannot yet tell which problem it is (never the
primary problem: the advice names the candidates and the measurement that settles it); caveat: qualifies the advice;
status: how the project stands (e.g. it meets its target)."""

STAGES: tuple[str, ...] = ("target", "train", "dev", "test", "real world")
"""The orthogonalization chain: place the target, then fit train, dev, test, and the real world."""


class DiagnosisInfo(NamedTuple):
    """What a diagnosis means: its kind, the stage of the chain it concerns, its title and its description.

    A named tuple rather than a frozen dataclass (the same attributes, repr, equality and hash, and immutable):
    the catalogue is loaded by every command line, and creating a dataclass class costs ~2 ms there."""

    name: str
    kind: Kind
    stage: str
    title: str
    description: str
    before_gaps: bool = False
    """Ranks before every gap problem: the gaps were measured on a model that is not finished."""
    between: tuple[str, ...] = ()
    """For an undetermined diagnosis: the problems it cannot yet tell apart (the situation may name more)."""


class ActionInfo(NamedTuple):
    """What an action means: its title and its description (a named tuple, as `DiagnosisInfo` is)."""

    name: str
    title: str
    description: str
    bears_on: tuple[str, ...] = ()
    """For a choice users ask about (transfer, multi-task, end-to-end...): the inputs that put it on the table.
    When one of them is given and the action is not advised, the advice says why not without being asked."""


def _diagnoses(*items: DiagnosisInfo) -> dict[str, DiagnosisInfo]:
    return {item.name: item for item in items}


def _actions(*items: ActionInfo) -> dict[str, ActionInfo]:
    return {item.name: item for item in items}


DIAGNOSES = _diagnoses(
    DiagnosisInfo("metric_mismatch", "target", "target", "Metric mismatch",
                  "The metric and dev set rank models differently from users: the target is in the wrong place."),
    DiagnosisInfo("real_world_mismatch", "target", "real world", "Real-world mismatch",
                  "Good on dev/test but not in the real world: the dev/test set or the metric does not reflect the application."),
    DiagnosisInfo("no_single_metric", "target", "target", "No single-number metric",
                  "Several metrics are tracked with none to optimize: comparing models is slow and ambiguous."),
    DiagnosisInfo("dev_test_distribution_mismatch", "target", "target", "Dev and test differ",
                  "Dev and test come from different distributions: the team aims at one target and is scored on another."),
    DiagnosisInfo("dev_test_not_production", "target", "target", "Dev/test miss the future data",
                  "Dev/test data does not reflect the data the system will face: the target is in the wrong place."),
    DiagnosisInfo("no_feasible_candidate", "target", "target", "No candidate meets the bounds",
                  "Every candidate fails a satisficing bound: relax a bound or improve the models before choosing."),
    DiagnosisInfo("avoidable_bias", "problem", "train", "Avoidable bias",
                  "The model does not fit the training set as well as the Bayes proxy says it could."),
    DiagnosisInfo("variance", "problem", "dev", "Variance",
                  "The model fits the training data much better than data it has not seen."),
    DiagnosisInfo("data_mismatch", "problem", "dev", "Data mismatch",
                  "The model generalizes within the training distribution but not to the dev distribution."),
    DiagnosisInfo("dev_set_overfitting", "problem", "test", "Dev-set overfitting",
                  "Test error is well above dev error: the team has tuned to the dev set."),
    DiagnosisInfo("undertrained", "problem", "train", "Undertrained",
                  "The training curve was still improving when training stopped: every gap was measured on an "
                  "unfinished model.", before_gaps=True),
    DiagnosisInfo("outdated_split", "problem", "target", "Outdated split",
                  "The train/dev/test split does not suit the amount of data."),
    DiagnosisInfo("dev_set_too_small", "problem", "target", "Dev set too small",
                  "The dev set cannot separate the differences that matter."),
    DiagnosisInfo("label_noise_significant", "problem", "dev", "Label noise",
                  "Mislabeled examples are a large share of the dev error."),
    DiagnosisInfo("systematic_label_errors", "problem", "train", "Systematic training-label errors",
                  "Training labels are wrong in a consistent way, which deep learning does not average out."),
    DiagnosisInfo("near_human_level", "caveat", "train", "Near human level",
                  "Training error is at or below the human level: the avoidable-bias estimate is unreliable and progress slows."),
    DiagnosisInfo("train_dev_missing", "caveat", "dev", "Train-dev set missing",
                  "Train and dev data differ and there is no train-dev error: variance and data mismatch cannot be told apart."),
    DiagnosisInfo("gap_not_significant", "caveat", "dev", "Gap not significant",
                  "A gap is within the statistical noise of the set sizes."),
    DiagnosisInfo("curve_too_short", "caveat", "train", "Curve too short to tell",
                  "The learning curves have too few evaluation points to judge their trend."),
    DiagnosisInfo("curve_too_noisy", "caveat", "train", "Curve too noisy to tell",
                  "The training curve's recent trend is smaller than its ups and downs: 'still improving' cannot be told."),
    DiagnosisInfo("curve_too_good", "caveat", "dev", "Too good to be true",
                  "Training and dev loss both near zero early: check for leakage or duplicated examples before trusting it."),
    DiagnosisInfo("bias_or_variance", "undetermined", "train", "Bias or variance: can't tell yet",
                  "The avoidable bias is known only as a range that overlaps the variance: which to work on cannot be "
                  "told until the measurement named here is made.", between=("avoidable_bias", "variance")),
    DiagnosisInfo("variance_or_data_mismatch", "undetermined", "dev", "Variance or data mismatch: can't tell yet",
                  "Training and dev data differ and there is no train-dev error: the gap from training to dev error "
                  "is variance, data mismatch or both.", between=("variance", "data_mismatch")),
    DiagnosisInfo("gaps_undetermined", "undetermined", "dev", "Largest gap: can't tell yet",
                  "The plausible ranges of the gaps overlap (or the largest could be noise): which gap is largest cannot "
                  "be told until the measurement named here is made."),
    DiagnosisInfo("meets_target", "status", "dev", "Meets the target",
                  "The dev (and test) error is at or below the error the product needs: no model work is called for."),
    DiagnosisInfo("doing_well", "caveat", "dev", "Doing well",
                  "Every gap is small: whether more work pays depends on the error the product needs (target_error)."),
    DiagnosisInfo("target_within_noise", "caveat", "dev", "Target met only within the noise",
                  "The dev error is at or below the target, but its interval reaches above it at this dev set size."),
    DiagnosisInfo("dev_below_train", "caveat", "dev", "Dev error below training error",
                  "The error on unseen data is clearly below the training error: a sign of a measurement problem."),
    DiagnosisInfo("train_dev_below_train", "caveat", "dev", "Train-dev error below training error",
                  "The error on a held-out slice of the training data is clearly below the training error itself."),
    DiagnosisInfo("dev_below_train_dev", "caveat", "dev", "Dev error below train-dev error",
                  "The dev distribution is clearly easier than the training distribution."),
    DiagnosisInfo("test_below_dev", "caveat", "test", "Test error well below dev error",
                  "The test error is clearly below the dev error that was tuned on: a sign of a measurement problem."),
    DiagnosisInfo("train_below_bayes", "caveat", "train", "Training error below Bayes error",
                  "Training error below a known Bayes error: the model memorizes its training examples, or the Bayes "
                  "error is wrong."),
    DiagnosisInfo("bayes_above_human", "caveat", "train", "Bayes error above the best human level",
                  "A Bayes (optimal) error above what people achieve is impossible: one of the two is wrong."),
    DiagnosisInfo("empty_set", "caveat", "dev", "An error measured on no examples",
                  "An error level is given for a set of size 0: that error cannot have been measured."),
    DiagnosisInfo("random_label_noise", "caveat", "train", "Random training-label errors",
                  "Random label errors in the training set: deep learning is robust to them; fixing them is optional."),
)

ACTIONS = _actions(
    ActionInfo("bigger_model", "Train a bigger model", "More layers or units, so the model can fit the training set."),
    ActionInfo("train_longer", "Train longer", "More iterations of the optimizer, until the training error stops falling."),
    ActionInfo("better_optimizer", "Use a better optimizer", "Momentum, RMSprop or Adam, and a tuned learning rate."),
    ActionInfo("architecture_search", "Search architectures and hyperparameters", "Another network architecture or hyperparameters (activation functions, hidden units, layers)."),
    ActionInfo("reduce_regularization", "Reduce regularization", "Less L2 or dropout, which hold back the fit on the training set."),
    ActionInfo("build_quick_baseline", "Build a quick baseline", "Set up dev/test sets and a metric, build a first system quickly, then iterate."),
    ActionInfo("more_data", "Get more training data", "More examples from the training distribution."),
    ActionInfo("regularization", "Regularize", "L2, dropout or other regularization."),
    ActionInfo("data_augmentation", "Augment the data", "Label-preserving transformations of the training examples."),
    ActionInfo("early_stopping", "Stop training early", "Keep the weights from the epoch with the lowest dev error."),
    ActionInfo("get_human_labels", "Get labels from humans", "While the model is worse than people, people can label more data."),
    ActionInfo("error_analysis", "Carry out error analysis", "Examine misclassified dev examples by hand, and tally their causes."),
    ActionInfo("collect_target_like_data", "Collect data like the target", "More training data similar to the dev/test distribution."),
    ActionInfo("add_target_data_to_train", "Add target data to training", "Move part of the target-distribution data into the training set."),
    ActionInfo("artificial_data_synthesis", "Synthesize target-like data", "Convert training data toward the dev/test distribution (e.g. add car noise to clean audio)."),
    ActionInfo("measure_human_level", "Measure human-level error",
               "Have people (ideally a team of experts) label a sample of dev examples and measure their error: the proxy "
               "for Bayes error that turns training error into avoidable bias."),
    ActionInfo("create_train_dev_set", "Create a train-dev set", "Hold out a random slice of the training set and measure its error."),
    ActionInfo("bigger_dev_set", "Get a bigger dev set", "More dev examples, so the dev error stops being overfit and measures finer differences."),
    ActionInfo("change_metric", "Change the metric", "Define a metric that captures what users care about."),
    ActionInfo("weight_metric", "Weight the error metric", "Weight errors by how much they matter (e.g. 10x for the worst class)."),
    ActionInfo("change_dev_test_set", "Change the dev/test set", "Make dev/test reflect the data expected in the future and important to do well on."),
    ActionInfo("same_distribution_dev_test", "Draw dev and test from one distribution", "Shuffle the target data, then split it into dev and test."),
    ActionInfo("rebalance_split", "Rebalance the split", "Resize train/dev/test for the amount of data you have."),
    ActionInfo("single_number_metric", "Adopt a single-number metric", "Combine the metrics into one number (e.g. F1 for precision and recall)."),
    ActionInfo("optimizing_satisficing", "Use an optimizing metric and satisficing bounds", "Optimize one metric subject to thresholds on the others."),
    ActionInfo("focus_error_category", "Work on an error category", "Improve the model on one category of errors."),
    ActionInfo("fix_mislabeled_dev_test", "Fix mislabeled dev/test examples", "Correct labels in dev and test together, so they stay one distribution."),
    ActionInfo("fix_train_labels", "Fix systematic training-label errors", "Correct the training labels that are consistently wrong."),
    ActionInfo("transfer_learning", "Use transfer learning", "Pre-train on task A, fine-tune on task B.",
               ("task_a_examples", "task_b_examples")),
    ActionInfo("multi_task_learning", "Use multi-task learning", "One network learns the tasks together.", ("tasks",)),
    ActionInfo("separate_models", "Train separate models", "One model per task."),
    ActionInfo("end_to_end", "Learn end to end", "One model maps x directly to y.",
               ("end_to_end_examples", "stage_examples", "stages_simpler")),
    ActionInfo("pipeline", "Use a pipeline", "Break the mapping into simpler stages, each learned or engineered on its own.",
               ("end_to_end_examples", "stage_examples", "stages_simpler")),
)

FRACTION_VALUES: frozenset[str] = frozenset({
    "human_error", "bayes_error", "train_error", "train_dev_error", "dev_error", "test_error",
    "precision", "recall", "accuracy", "f1",
    "bayes_proxy", "avoidable_bias", "variance", "data_mismatch", "dev_set_overfitting", "largest_gap",
    "mislabeled_share", "min_gap", "human_errors", "mislabeled_error", "ci_low", "ci_high",
    "split", "min_category_share", "top_category_share", "candidate_margin_ci_low",
    "ceiling", "weighted_error", "train_curve_improvement", "train_curve_remaining",
    "target_error", "best_human_error", "range_low", "range_high", "small_gap",
    "dev_below_train", "train_dev_below_train", "dev_below_train_dev", "test_below_dev", "train_below_bayes",
})
"""Derived values shown as percentages in explanations (inputs and settings: those typed `Fraction`)."""

BOOKKEEPING_VALUES: frozenset[str] = frozenset({
    "gap_leader", "undetermined_kind", "undetermined_between", "unsettled_bias", "unsettled_noise", "settled_by",
    "dev_gap_could_be_noise",
})
"""Values that exist for rules to compare (the undetermined diagnoses show them in words): kept in `Advice.values`
and JSON, left out of the value tables people read."""

VALUE_TITLES: dict[str, str] = {
    "human_error": "human-level error",
    "bayes_error": "Bayes error",
    "train_error": "training error",
    "train_dev_error": "train-dev error",
    "dev_error": "dev error",
    "test_error": "test error",
    "bayes_proxy": "Bayes proxy",
    "avoidable_bias": "avoidable bias",
    "variance": "variance",
    "data_mismatch": "data mismatch",
    "dev_set_overfitting": "dev-set overfitting",
    "largest_gap": "largest gap",
    "target_error": "target error",
    "best_human_error": "best human-level error",
    "gap_leader": "largest gap",
    "undetermined_between": "problems not yet told apart",
    "settled_by": "facts that would settle it",
    "mislabeled_share": "mislabeled share of dev errors",
    "mislabeled_error": "dev error due to mislabeled examples",
    "top_category_share": "largest category share",
    "selected_candidate": "selected candidate",
    "optimizing_metric": "optimizing metric",
    "feasible_candidates": "candidates meeting every bound",
    "min_stage_examples": "examples of the smallest pipeline stage",
    "stage_data_ratio": "stage data / end-to-end pairs",
    "task_data_balance": "smallest / largest task data",
}
