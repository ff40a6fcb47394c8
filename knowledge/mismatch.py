"""Mismatched training and dev/test data: the train-dev set, data mismatch, and overfitting the dev set."""
from __future__ import annotations

from .bias_variance import gap_problem, significant, worth
from .dsl import Ask, Diagnose, Recommend, Rule, absent, all_of, any_of, diagnosed, known, ne

__all__ = ["RULES", "MISMATCH_ACTIONS"]

MISMATCH_ACTIONS = ("error_analysis", "collect_target_like_data", "add_target_data_to_train", "artificial_data_synthesis")

RULES: tuple[Rule, ...] = (
    Rule(
        id="mismatch.train_dev_missing",
        section="Bias and Variance with mismatched data distributions",
        title="Different distributions and no train-dev error",
        when=all_of(absent("train_dev_error"), ne("train_distribution", "dev_distribution")),
        then=(
            Diagnose("train_dev_missing"),
            Recommend("create_train_dev_set", addresses=("train_dev_missing",)),
            Ask("train_dev_error",
                "Training data ({train_distribution}) and dev data ({dev_distribution}) differ: the error on a "
                "train-dev set tells variance (a gap to train-dev) from data mismatch (a gap from train-dev to dev).",
                rank=1),
        ),
        because=(
            "Training data comes from {train_distribution} and dev data from {dev_distribution}: the gap from "
            "training to dev error may be variance, data mismatch or both. Hold out a random slice of the training "
            "set (a train-dev set) and measure its error before choosing variance or mismatch fixes."
        ),
    ),
    Rule(
        id="mismatch.ask_train_dev_error",
        section="Bias and Variance with mismatched data distributions",
        title="Ask for a train-dev error",
        when=all_of(absent("train_dev_error"), known("train_error"), known("dev_error"),
                    any_of(absent("train_distribution"), absent("dev_distribution"))),
        then=(Ask("train_dev_error",
                  "If training and dev data come from different distributions, the error on a train-dev set "
                  "(a held-out slice of the training data) separates variance from data mismatch; until then "
                  "the whole gap from training to dev error is counted as variance.", rank=20),),
        because="Without a train-dev error the dev - train gap is read as variance, which assumes one distribution.",
    ),
    gap_problem("data_mismatch", "Bias and Variance with mismatched data distributions",
                "the model generalizes within the training distribution but not to the dev distribution."),
    Rule(
        id="data_mismatch.actions",
        section="Addressing data mismatch",
        title="Addressing data mismatch",
        when=all_of(diagnosed("data_mismatch"), worth("data_mismatch"), significant("data_mismatch")),
        then=tuple(Recommend(action, addresses=("data_mismatch",)) for action in MISMATCH_ACTIONS),
        because=(
            "To cut data mismatch {data_mismatch}: carry out manual error analysis to understand how training and "
            "dev/test data differ, then make training data more like dev/test: collect similar data, move part of the "
            "target data into training, or synthesize it (e.g. add car noise to clean audio). Caution: synthesis "
            "from a tiny subset of the possible examples (one noise clip, a few rendered car models) can make the "
            "network overfit to that subset."
        ),
    ),
    gap_problem("dev_set_overfitting", "Bias and Variance with mismatched data distributions",
                "dev and test share a distribution, so a large gap means the dev set itself has been overfit."),
    Rule(
        id="dev_set_overfitting.actions",
        section="Why ML Strategy",
        title="A bigger dev set",
        when=all_of(diagnosed("dev_set_overfitting"), worth("dev_set_overfitting")),
        then=(Recommend("bigger_dev_set", addresses=("dev_set_overfitting",)),),
        because=(
            "Dev-set overfitting {dev_set_overfitting}: the knob for fitting the test set is a bigger dev set "
            "(orthogonalization: the test stage's control)."
        ),
    ),
    Rule(
        id="mismatch.ask_test_error",
        section="Bias and Variance with mismatched data distributions",
        title="Ask for a test error",
        when=all_of(known("dev_error"), absent("test_error")),
        then=(Ask("test_error", "A test error shows whether the dev set has been overfit (test error well above dev error).",
                  rank=60),),
        because="Dev error {dev_error} is known but no test error: overfitting to the dev set cannot be checked.",
    ),
)
