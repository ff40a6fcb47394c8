"""The course formulas written plainly: the oracle the engine is compared against.

Deliberately imports nothing from mlstrategy. Every function takes plain values (None = not known)
and follows the course notes ("Avoidable bias", "Understanding human-level performance", "Improving
your model performance", "Bias and Variance with mismatched data distributions"), with the
thresholds of mlstrategy's `Settings` defaults.

>>> gaps(bayes_proxy(human_error=0.01), train=0.08, dev=0.10)["avoidable_bias"]
0.07
>>> problems({"avoidable_bias": 0.07, "variance": 0.02})
['avoidable_bias']
"""
from __future__ import annotations

MIN_GAP = 0.001  # Settings.min_gap
SECONDARY_GAP_RATIO = 0.6  # Settings.secondary_gap_ratio

GAPS = ("avoidable_bias", "variance", "data_mismatch", "dev_set_overfitting")  # the order of the chain

BIAS_ACTIONS = {"bigger_model", "train_longer", "better_optimizer", "architecture_search", "reduce_regularization"}
VARIANCE_ACTIONS = {"more_data", "regularization", "data_augmentation", "architecture_search"}
MISMATCH_ACTIONS = {"error_analysis", "collect_target_like_data", "add_target_data_to_train", "artificial_data_synthesis"}
OVERFITTING_ACTIONS = {"bigger_dev_set"}
TRAIN_DEV_MISSING_ACTIONS = {"create_train_dev_set"}


def bayes_proxy(bayes_error=None, human_error=None, human_errors=None):
    """A known Bayes error; else the best (lowest) human level given; else None."""
    if bayes_error is not None:
        return bayes_error
    levels = list((human_errors or {}).values()) + ([human_error] if human_error is not None else [])
    return min(levels) if levels else None


def _minus(higher, lower):
    return None if higher is None or lower is None else higher - lower


def gaps(proxy=None, train=None, train_dev=None, dev=None, test=None):
    """The four gaps, each only when both of its ends are known."""
    found = {
        "avoidable_bias": _minus(train, proxy),
        "variance": _minus(train_dev, train) if train_dev is not None else _minus(dev, train),
        "data_mismatch": _minus(dev, train_dev),
        "dev_set_overfitting": _minus(test, dev),
    }
    return {name: value for name, value in found.items() if value is not None}


def largest_gap(known_gaps):
    return max(known_gaps.values()) if known_gaps else None


def problems(known_gaps, min_gap=MIN_GAP, ratio=SECONDARY_GAP_RATIO):
    """The gaps worth acting on: at least min_gap and at least ratio x the largest gap (chain order)."""
    largest = largest_gap(known_gaps)
    return [name for name in GAPS
            if name in known_gaps and known_gaps[name] >= min_gap and known_gaps[name] >= ratio * largest]


def primary_problem(known_gaps, min_gap=MIN_GAP, ratio=SECONDARY_GAP_RATIO):
    """The dominant problem: the largest gap worth acting on (on a tie, the earlier in the chain)."""
    worth = problems(known_gaps, min_gap, ratio)
    return max(worth, key=lambda name: (known_gaps[name], -GAPS.index(name))) if worth else None


def train_dev_missing(train_dev=None, train_distribution=None, dev_distribution=None):
    """Train and dev data differ and there is no train-dev error: variance and mismatch cannot be told apart."""
    return (train_dev is None and train_distribution is not None and dev_distribution is not None
            and train_distribution != dev_distribution)


def gap_actions(worth, missing_train_dev=False):
    """The plan for the problems worth acting on (variance fixes wait for a train-dev set when it is missing)."""
    actions = set()
    if "avoidable_bias" in worth:
        actions |= BIAS_ACTIONS
    if "variance" in worth and not missing_train_dev:
        actions |= VARIANCE_ACTIONS
    if "data_mismatch" in worth:
        actions |= MISMATCH_ACTIONS
    if "dev_set_overfitting" in worth:
        actions |= OVERFITTING_ACTIONS
    if missing_train_dev:
        actions |= TRAIN_DEV_MISSING_ACTIONS
    return actions


def near_human_level(proxy=None, train=None):
    """Training error at or below the Bayes proxy: the avoidable-bias estimate is unreliable (a caveat)."""
    return proxy is not None and train is not None and train <= proxy


def human_level_actions(proxy=None, train=None, dev=None, largest=None, min_gap=MIN_GAP):
    """At human level: error analysis. Below it (and some gap to close): human labels and error analysis."""
    if near_human_level(proxy, train):
        return {"error_analysis"}
    if None not in (proxy, train, dev, largest) and dev > proxy and train > proxy and largest >= min_gap:
        return {"get_human_labels", "error_analysis"}
    return set()
