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


def bias_bound(proxy=None, train=None, bayes_error=None):
    """Avoidable bias is only known to lie in [0, train]: with no Bayes proxy ('no_human_level'), or when training
    error is at or below a human level and no Bayes error is known ('past_human_level': a human level only bounds
    Bayes error from above)."""
    if train is None:
        return None
    if proxy is None:
        return "no_human_level"
    if bayes_error is None and train <= proxy:
        return "past_human_level"
    return None


def largest_gap(known_gaps, proxy=None, train=None, bayes_error=None):
    """The largest gap; where avoidable bias is only bounded, it could be the whole training error, which counts too."""
    values = list(known_gaps.values())
    if values and bias_bound(proxy, train, bayes_error) is not None:
        values.append(train)
    return max(values) if values else None


def problems(known_gaps, min_gap=MIN_GAP, ratio=SECONDARY_GAP_RATIO, proxy=None, train=None, bayes_error=None):
    """The gaps worth acting on: at least min_gap and at least ratio x the largest gap (chain order)."""
    largest = largest_gap(known_gaps, proxy, train, bayes_error)
    return [name for name in GAPS
            if name in known_gaps and known_gaps[name] >= min_gap and known_gaps[name] >= ratio * largest]


def gap_ranges(known_gaps, proxy=None, train=None, bayes_error=None, intervals=None, train_high=None):
    """What is known of each gap: [0, train] for a bounded avoidable bias, an interval where one is given, else a point."""
    intervals = intervals or {}
    out = {}
    for name in GAPS:
        if name == "avoidable_bias" and bias_bound(proxy, train, bayes_error) is not None:
            out[name] = (0.0, train if train_high is None else train_high)
        elif name in known_gaps:
            out[name] = intervals.get(name, (known_gaps[name], known_gaps[name]))
    return out


def leader(ranges, min_gap=MIN_GAP, mixed_variance=False, bounded_bias=False):
    """(leader, between): a gap leads when its low end is at least min_gap and at least every other gap's high end;
    ('none', ()) when no gap can reach min_gap; else ('undetermined', the gaps that could be the largest). A dev - train
    gap across two distributions (no train-dev set) is variance or data mismatch."""
    if not ranges:
        return "none", ()
    floor = max(low for low, _ in ranges.values())
    contenders = [name for name in GAPS if name in ranges and ranges[name][1] >= max(min_gap, floor)]
    if not contenders:
        return "none", ()
    dominant = [name for name in GAPS if name in ranges and ranges[name][0] >= min_gap
                and not (name == "avoidable_bias" and bounded_bias)
                and all(ranges[name][0] >= high for other, (_, high) in ranges.items() if other != name)]
    if dominant:
        if dominant[0] == "variance" and mixed_variance:
            return "undetermined", ("variance", "data_mismatch")
        return dominant[0], ()
    if mixed_variance and "variance" in contenders:
        contenders.insert(contenders.index("variance") + 1, "data_mismatch")
    return "undetermined", tuple(contenders)


def undetermined_kind(between):
    """The name of the undetermined diagnosis for the gaps it cannot tell apart."""
    return {("avoidable_bias", "variance"): "bias_or_variance",
            ("variance", "data_mismatch"): "variance_or_data_mismatch"}.get(tuple(between), "gaps_undetermined")


def primary_problem(known_gaps, min_gap=MIN_GAP, ratio=SECONDARY_GAP_RATIO, proxy=None, train=None, bayes_error=None,
                    mixed_variance=False, intervals=None):
    """The dominant problem: the gap that leads (see `leader`), or None when none does."""
    found, _ = leader(gap_ranges(known_gaps, proxy, train, bayes_error, intervals), min_gap, mixed_variance,
                      bias_bound(proxy, train, bayes_error) is not None)
    return found if found in GAPS else None


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
    if "regularization" in actions:  # declared exclusion: with variance to cut, regularization stays
        actions.discard("reduce_regularization")
    return actions


def near_human_level(proxy=None, train=None):
    """Training error at or below the Bayes proxy: the avoidable-bias estimate is unreliable (a caveat)."""
    return proxy is not None and train is not None and train <= proxy


def best_human(human_error=None, human_errors=None):
    """The lowest human-level error given, or None."""
    levels = list((human_errors or {}).values()) + ([human_error] if human_error is not None else [])
    return min(levels) if levels else None


def human_level_actions(proxy=None, train=None, dev=None, largest=None, min_gap=MIN_GAP, human=None):
    """At human level: error analysis. While people beat the model (train and dev above the best human level, some
    gap to close): human labels and error analysis."""
    actions = {"error_analysis"} if near_human_level(proxy, train) else set()
    if None not in (human, train, dev, largest) and dev > human and train > human and largest >= min_gap:
        actions |= {"get_human_labels", "error_analysis"}
    return actions


# ==================================================================================================
# Every other topic of the course, written just as plainly (still importing nothing from mlstrategy).
# Thresholds are the `Settings` defaults; each function takes them as keywords so tests can vary them.
# ==================================================================================================
import math  # noqa: E402  (kept with the code that needs it, below the original oracle)

MIN_CATEGORY_SHARE = 0.15  # Settings.min_category_share
DEV_TEST_CAP = 10_000  # Settings.dev_test_cap
SPLIT_TOLERANCE = 2.0  # Settings.split_tolerance
CONFIDENCE = 0.95  # Settings.confidence
TRANSFER_DATA_RATIO = 10.0  # Settings.transfer_data_ratio
TRANSFER_SMALL_DATA = 1_000  # Settings.transfer_small_data
MULTITASK_BALANCE = 0.1  # Settings.multitask_balance
MIN_END_TO_END_EXAMPLES = 100_000  # Settings.min_end_to_end_examples
PIPELINE_DATA_RATIO = 10.0  # Settings.pipeline_data_ratio


# ---------------------------------------------------------------- Single number evaluation metric
def precision_recall_accuracy(tp, fp, fn, tn):
    """From a confusion matrix: P = TP/(TP+FP), R = TP/(TP+FN), accuracy = (TP+TN)/all; None over an empty denominator.

    >>> precision_recall_accuracy(3, 1, 2, 4)  # the course's cats: P = 3/4, R = 3/5, accuracy 7/10
    (0.75, 0.6, 0.7)
    """
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    total = tp + fp + fn + tn
    accuracy = (tp + tn) / total if total else None
    return precision, recall, accuracy


def f1(precision, recall):
    """F1 = 2 / (1/P + 1/R), the harmonic mean: 0 when either of P, R is 0 (sklearn's convention when both are).

    >>> round(f1(0.95, 0.90), 4), round(f1(0.98, 0.85), 4)  # the course's table: A beats B
    (0.9243, 0.9104)
    """
    if precision == 0 or recall == 0:
        return 0.0
    return 2 / (1 / precision + 1 / recall)


def single_number_values(precision=None, recall=None, confusion=None):
    """The values the course derives for one classifier: accuracy from a matrix; P and R from it unless stated; F1."""
    out = {}
    if confusion is not None:
        p, r, accuracy = precision_recall_accuracy(confusion["tp"], confusion["fp"], confusion["fn"], confusion["tn"])
        if accuracy is not None:
            out["accuracy"] = accuracy
        if precision is None and p is not None:  # a stated value wins over the matrix
            precision = out["precision"] = p
        if recall is None and r is not None:
            recall = out["recall"] = r
    if precision is not None and recall is not None and f1(precision, recall) is not None:
        out["f1"] = f1(precision, recall)
    return out


def no_single_metric(tracked_metrics=None, optimizing_metric=None):
    """Several tracked metrics and none to optimize: comparing models needs one number."""
    return len(tracked_metrics or ()) >= 2 and not optimizing_metric


# ---------------------------------------------------------------- Satisfying and Optimizing metric
RATE_WORDS = ("throughput", "per_second")  # checked first: 'items_per_second' is a rate, not a time
HIGHER_IS_BETTER_WORDS = ("accuracy", "acc", "precision", "recall", "f1", "auc", "map", "bleu", "score", "iou", "dice",
                          "r2")
LOWER_IS_BETTER_WORDS = ("error", "time", "latency", "memory", "false_positive", "false_negative", "loss", "ms", "size",
                         "cost", "fpr", "fnr", "mse", "mae", "rmse", "perplexity", "seconds", "mb", "gb", "bytes")


def direction(metric, maximize=(), minimize=()):
    """'max' or 'min': a stated direction (maximize first), else a common word in the name (lower-is-better words
    first: "error_score" is an error), else None (selection then assumes higher is better)."""
    if metric in (maximize or ()):
        return "max"
    if metric in (minimize or ()):
        return "min"
    lowered = metric.lower()
    tokens = lowered.replace("-", "_").replace(" ", "_").replace(".", "_").split("_")
    for words, found in ((RATE_WORDS, "max"), (LOWER_IS_BETTER_WORDS, "min"), (HIGHER_IS_BETTER_WORDS, "max")):
        # a phrase with an underscore matches anywhere in the name; a single word only as a whole word
        if any((word in lowered) if "_" in word else (word in tokens) for word in words):
            return found
    return None


def weighted_error(errors_by_class, class_weights):
    """The course's weighted error, sum over classes of weight x share of dev examples of that class misclassified
    (weight 1 for a class not listed). The course's 1 / sum(w) is one constant per dev set: it cannot change which
    candidate wins, and needs class frequencies, so it is left out.

    >>> round(weighted_error({"porn": 0.02, "other": 0.01}, {"porn": 10}), 12)
    0.21
    """
    return sum(class_weights.get(name, 1.0) * share for name, share in errors_by_class.items())


def metric_table(candidates, class_weights=None):
    """Each candidate's metrics by name: the stated ones, F1 where P and R are known (a stated F1 wins), and the
    weighted error where class weights and the candidate's errors by class are known."""
    table = {}
    for candidate in candidates:
        metrics = {key: value for key, value in candidate.items() if key not in ("name", "errors_by_class")}
        if "f1" not in metrics and "precision" in metrics and "recall" in metrics:
            score = f1(metrics["precision"], metrics["recall"])
            if score is not None:
                metrics["f1"] = score
        if class_weights and candidate.get("errors_by_class"):
            metrics["weighted_error"] = weighted_error(candidate["errors_by_class"], class_weights)
        table[candidate["name"]] = metrics
    return table


def optimizing_metric(table, satisficing=None, stated=None):
    """The one metric to optimize: the stated one; else the weighted error when there is one; else the single metric
    left without a satisficing bound (precision and recall fold into F1 when F1 is known); else None."""
    if stated:
        return stated
    names = set()
    for metrics in table.values():
        names.update(metrics)
    if "weighted_error" in names:
        return "weighted_error"
    if "f1" in names:
        names -= {"precision", "recall"}
    free = names - set(satisficing or {})
    return free.pop() if len(free) == 1 else None


def meets(value, bound):
    """The value is known and within the bound (inclusive: "max" is the largest allowed, "min" the smallest)."""
    if value is None:
        return False
    return not (bound.get("max") is not None and value > bound["max"]) and not (
        bound.get("min") is not None and value < bound["min"])


def feasible(table, satisficing=None):
    """Names of the candidates meeting every satisficing bound."""
    return sorted(name for name, metrics in table.items()
                  if all(meets(metrics.get(metric), bound) for metric, bound in (satisficing or {}).items()))


def select_candidate(candidates, satisficing=None, maximize=(), minimize=(), stated=None, class_weights=None):
    """Maximize (or minimize) the optimizing metric subject to the satisficing bounds.

    Returns (optimizing metric, selected name, feasible names); ties go to the alphabetically first name.

    >>> select_candidate([{"name": "A", "f1": 0.90, "running_time_ms": 80}, {"name": "B", "f1": 0.92, "running_time_ms": 95},
    ...                   {"name": "C", "f1": 0.92, "running_time_ms": 1500}], {"running_time_ms": {"max": 100}})
    ('f1', 'B', ['A', 'B'])
    """
    table = metric_table(candidates, class_weights)
    metric = optimizing_metric(table, satisficing, stated)
    ok = feasible(table, satisficing)
    if metric is None:
        return None, None, ok
    scored = [(table[name][metric], name) for name in ok if table[name].get(metric) is not None]
    if not scored:
        return metric, None, ok
    if (direction(metric, maximize, minimize) or "max") == "max":
        best = max(value for value, _ in scored)
    else:
        best = min(value for value, _ in scored)
    return metric, min(name for value, name in scored if value == best), ok


# ---------------------------------------------------------------- Size of the dev and test sets
def dev_test_examples(total, cap=DEV_TEST_CAP):
    """Examples for each of dev and test: 20% of a small data set (the old 60/20/20), then `cap` each, then 1% each
    once 1% is more than `cap` (98/1/1 at a million with the default cap)."""
    if total <= 5 * cap:
        return total // 5
    if total <= 100 * cap:
        return cap
    return total // 100


def suggested_split(total, cap=DEV_TEST_CAP):
    """Fractions of all the data for train, dev and test; None without data."""
    if not total:
        return None
    each = dev_test_examples(total, cap)
    return {"train": (total - 2 * each) / total, "dev": each / total, "test": each / total}


def total_examples(total=None, train_size=None, dev_size=None, test_size=None):
    """All the examples: stated, or the three sets added up."""
    if total is not None:
        return total
    return None if None in (train_size, dev_size, test_size) else train_size + dev_size + test_size


def mismatched_split(target, other, cap=DEV_TEST_CAP):
    """Option two of the course: dev and test from the target distribution only, everything else into training.

    Dev and test take at most a quarter of the target data each (the course's 2,500 + 2,500 of 10,000 phone
    images) and no more than the suggested size for all the data. Returns (fractions or None, plan).

    >>> mismatched_split(10_000, 200_000)[1]
    {'dev_examples': 2500, 'test_examples': 2500, 'target_examples_to_train': 5000, 'other_examples_to_train': 200000}
    """
    total = target + other
    each = min(target // 4, dev_test_examples(total, cap))
    plan = {"dev_examples": each, "test_examples": each, "target_examples_to_train": target - 2 * each,
            "other_examples_to_train": other}
    if total == 0:
        return None, plan
    return {"train": (total - 2 * each) / total, "dev": each / total, "test": each / total}, plan


def split_imbalance(total, dev_size, test_size, cap=DEV_TEST_CAP):
    """How many times the given dev or test set is off the suggested size, either way (an empty set counts as one)."""
    each = dev_test_examples(total, cap)
    if not total or each == 0:
        return None if not total else 1.0
    return max([1.0] + [max(max(given, 1) / each, each / max(given, 1)) for given in (dev_size, test_size)])


def outdated_split(total, dev_size, test_size, cap=DEV_TEST_CAP, tolerance=SPLIT_TOLERANCE):
    off = split_imbalance(total, dev_size, test_size, cap)
    return off is not None and off >= tolerance


# ---------------------------------------------------------------- Statistical noise (Wilson, Newcombe)
def z_value(confidence=CONFIDENCE):
    """The two-sided normal quantile: Phi(z) = 0.5 + confidence / 2, by bisection on erf (1.96 at 95%)."""
    target = 0.5 + confidence / 2
    low, high = 0.0, 40.0
    for _ in range(200):
        mid = (low + high) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def wilson_interval(p, n, confidence=CONFIDENCE):
    """Wilson's score interval of a proportion p seen on n examples: (2np + z^2 +- z sqrt(z^2 + 4np(1-p))) / (2(n + z^2)).
    With no examples, nothing is known: [0, 1].

    >>> [round(x, 4) for x in wilson_interval(0.1, 100)]  # 10 of 100
    [0.0552, 0.1744]
    """
    if n <= 0:
        return 0.0, 1.0
    z = z_value(confidence)
    middle = 2 * n * p + z * z
    spread = z * math.sqrt(z * z + 4 * n * p * (1 - p))
    return max(0.0, (middle - spread) / (2 * (n + z * z))), min(1.0, (middle + spread) / (2 * (n + z * z)))


def newcombe_interval(p1, n1, p2, n2, confidence=CONFIDENCE):
    """Newcombe's hybrid score interval (his method 10) for p1 - p2 from two independent samples:
    d - sqrt((p1 - l1)^2 + (u2 - p2)^2) to d + sqrt((u1 - p1)^2 + (p2 - l2)^2), with (l, u) Wilson intervals.
    A rate whose set size is unknown (None) is taken as exact: l = u = p."""
    l1, u1 = (p1, p1) if n1 is None else wilson_interval(p1, n1, confidence)
    l2, u2 = (p2, p2) if n2 is None else wilson_interval(p2, n2, confidence)
    d = p1 - p2
    return d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2)


def error_intervals(errors, sizes, confidence=CONFIDENCE):
    """Wilson intervals of each error level measured on a set of known size; `errors`/`sizes` keyed train, train_dev,
    dev, test."""
    return {name: wilson_interval(errors[name], sizes[name], confidence)
            for name in ("train", "train_dev", "dev", "test")
            if errors.get(name) is not None and sizes.get(name) is not None}


def gap_intervals(proxy, errors, sizes, confidence=CONFIDENCE):
    """The interval of each gap with at least one end measured on a set of known size (the other taken as exact).

    Avoidable bias: the training error's Wilson interval less the (exact) Bayes proxy. The others: Newcombe's
    interval of the higher level minus the lower (variance from train-dev when it is known, else from dev).
    """
    known = {name for name in ("train", "train_dev", "dev", "test")
             if errors.get(name) is not None and sizes.get(name) is not None}
    out = {}
    if proxy is not None and "train" in known:
        low, high = wilson_interval(errors["train"], sizes["train"], confidence)
        out["avoidable_bias"] = (low - proxy, high - proxy)
    pairs = {
        "variance": ("train_dev" if errors.get("train_dev") is not None else "dev", "train"),
        "data_mismatch": ("dev", "train_dev"),
        "dev_set_overfitting": ("test", "dev"),
    }
    for gap, (higher, lower) in pairs.items():
        if errors.get(higher) is not None and errors.get(lower) is not None and (higher in known or lower in known):
            out[gap] = newcombe_interval(errors[higher], sizes.get(higher) if higher in known else None,
                                         errors[lower], sizes.get(lower) if lower in known else None, confidence)
    return out


def within_noise(interval):
    """A gap whose interval reaches zero could be noise."""
    return interval[0] <= 0


GAP_ONLY_ACTIONS = {  # the knobs of one gap that no other rule recommends
    "avoidable_bias": {"bigger_model", "train_longer", "better_optimizer", "reduce_regularization"},
    "variance": {"more_data", "regularization", "data_augmentation"},
    "data_mismatch": {"collect_target_like_data", "artificial_data_synthesis"},
}


def ranked_gap_problems(worth, known_gaps, noisy=()):
    """Gap problems in the order to work on them: those outside the noise first, then the largest, then the chain."""
    return sorted(worth, key=lambda name: (name in noisy, -known_gaps[name], GAPS.index(name)))


def candidate_margin_low(candidates, satisficing=None, maximize=(), minimize=(), stated=None, class_weights=None,
                         dev_size=0, confidence=CONFIDENCE):
    """The low end of Newcombe's interval for (best - runner-up) on the optimizing metric, where the two are rates
    measured on the same dev set. The choice is among the candidates that meet every bound, so those two are the best
    two feasible candidates. None when there are not two, or the metric is not a rate."""
    table = metric_table(candidates, class_weights)
    metric = optimizing_metric(table, satisficing, stated)
    if metric is None:
        return None
    values = sorted(table[name][metric] for name in feasible(table, satisficing) if table[name].get(metric) is not None)
    if (direction(metric, maximize, minimize) or "max") == "max":
        values.reverse()
    if len(values) < 2 or not all(0 <= v <= 1 for v in values[:2]):
        return None
    best, second = values[0], values[1]
    return newcombe_interval(max(best, second), dev_size, min(best, second), dev_size, confidence)[0]


# ---------------------------------------------------------------- Carrying out error analysis; mislabeled data
def category_shares(examined, categories):
    """Each category's share of the examined errors."""
    return {name: count / examined for name, count in categories.items()}


def ceilings(dev_error, examined, categories):
    """The dev error left if a category were fixed completely: dev error x (1 - its share).

    >>> round(ceilings(0.10, 100, {"dogs": 5})["dogs"], 12)  # the course: 10% error, 5 dogs in 100 -> 9.5%
    0.095
    """
    return {name: dev_error * (1 - share) for name, share in category_shares(examined, categories).items()}


def ranked_categories(examined, categories):
    """Category names by share, largest first; equal shares alphabetically."""
    shares = category_shares(examined, categories)
    return sorted(shares, key=lambda name: (-shares[name], name))


def focus_categories(examined, categories, min_share=MIN_CATEGORY_SHARE):
    """The categories worth working on, largest first: at least `min_share` of the examined errors.

    >>> focus_categories(100, {"dog": 8, "great cats": 43, "blurry": 61, "instagram": 12})
    ['blurry', 'great cats']
    """
    shares = category_shares(examined, categories)
    return [name for name in ranked_categories(examined, categories) if shares[name] >= min_share]


def mislabeled_share(examined, mislabeled=0):
    return mislabeled / examined


def fix_dev_test_labels(examined, categories, mislabeled=0, min_share=MIN_CATEGORY_SHARE):
    """Fix dev/test labels when mislabeled examples are a large share of the errors: at least `min_share`
    (the course: 0.6% of a 10% dev error is not worth it; 0.6% of 2% is).

    >>> fix_dev_test_labels(100, {"dog": 8, "great cats": 43, "blurry": 61}, 6)  # the course: 0.6% of 10%
    False
    """
    return mislabeled_share(examined, mislabeled) >= min_share


# ---------------------------------------------------------------- Build your first system quickly
def quick_baseline(train_error=None, dev_error=None, test_error=None, total_examples=None, train_size=None,
                   target_examples=None):
    """Data but no model yet: build a first system quickly."""
    no_model = train_error is None and dev_error is None and test_error is None
    return no_model and any(v is not None for v in (total_examples, train_size, target_examples))


# ---------------------------------------------------------------- Transfer learning
def transfer(task_a=None, task_b=None, same_input=None, low_level_shared=None, ratio=TRANSFER_DATA_RATIO,
             small=TRANSFER_SMALL_DATA):
    """None when transfer from A to B is not advised; else how to fine-tune ("last_layers" with little B data, "all").

    Transfer needs the same kind of input, low-level features of A that help B, and far more data for A than B.

    >>> transfer(1_000_000, 100, True, True), transfer(100, 1_000_000, True, True)
    ('last_layers', None)
    """
    if same_input is not True or low_level_shared is not True or task_a is None or task_b is None:
        return None
    if not task_a > task_b * ratio:
        return None
    return "last_layers" if task_b < small else "all"


# ---------------------------------------------------------------- Multi-task learning
def task_balance(tasks):
    """The smallest task's data over the largest's; None with fewer than two tasks or no data at all."""
    counts = list((tasks or {}).values())
    if len(counts) < 2 or max(counts) == 0:
        return None
    return min(counts) / max(counts)


def multi_task(tasks=None, low_level_shared=None, big_network=None, balance=MULTITASK_BALANCE):
    """"multi_task_learning", "separate_models" or None (undecided: a condition is not known).

    One network for several tasks when they share low-level features, have similar amounts of data and a network
    big enough for all can be trained; separate models as soon as one of these is known to fail.
    """
    if len(tasks or {}) < 2:
        return None
    ratio = task_balance(tasks)
    if low_level_shared is True and big_network is True and ratio is not None and ratio >= balance:
        return "multi_task_learning"
    if big_network is False or low_level_shared is False or (ratio is not None and ratio < balance):
        return "separate_models"
    return None


# ---------------------------------------------------------------- End-to-end deep learning
def end_to_end_or_pipeline(pairs=None, stage_examples=None, stages_simpler=None, min_pairs=MIN_END_TO_END_EXAMPLES,
                           ratio=PIPELINE_DATA_RATIO):
    """"end_to_end", "pipeline" or None. A pipeline when there are too few (x, y) pairs, when every stage has far
    more data than the pairs (face recognition), or when the stages are much simpler tasks; else end to end.

    >>> end_to_end_or_pipeline(3_000), end_to_end_or_pipeline(10_000_000)  # speech: 3,000 h vs translation
    ('pipeline', 'end_to_end')
    """
    stage_ratio = None
    if stage_examples and pairs:
        stage_ratio = min(stage_examples.values()) / pairs
    if stages_simpler is True:
        return "pipeline"
    if pairs is None:
        return None
    if pairs < min_pairs or (stage_ratio is not None and stage_ratio >= ratio):
        return "pipeline"
    return "end_to_end"
