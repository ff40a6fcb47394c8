"""Hypothesis strategies shared by the property tests: error levels, situations, settings, invalid values."""
from __future__ import annotations

from hypothesis import strategies as st

ERROR_FIELDS = ("train_error", "train_dev_error", "dev_error", "test_error")
PROXY_FIELDS = ("human_error", "human_errors", "bayes_error")
DISTRIBUTIONS = ("web", "mobile", "car")

# Error levels: any float in [0, 1], round percentages like the course's (8%, 7.5%), and the ends.
fractions = st.one_of(
    st.floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=1000).map(lambda k: k / 1000),
    st.sampled_from([0.0, 0.005, 0.01, 0.015, 0.075, 0.08, 0.09, 0.1, 1.0]),
)

labels = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
human_levels = st.dictionaries(labels, fractions, min_size=1, max_size=3)


def optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), strategy)


@st.composite
def error_situations(draw: st.DrawFn, *, proxy: bool = False, train: bool = False) -> dict:
    """Error levels (each optional unless asked for) and optional train/dev distributions, as flat facts."""
    facts = {
        "human_error": draw(optional(fractions)),
        "human_errors": draw(optional(human_levels)),
        "bayes_error": draw(optional(fractions)),
        **{name: draw(optional(fractions)) for name in ERROR_FIELDS},
        "train_distribution": draw(optional(st.sampled_from(DISTRIBUTIONS))),
        "dev_distribution": draw(optional(st.sampled_from(DISTRIBUTIONS))),
    }
    if proxy and all(facts[name] is None for name in PROXY_FIELDS):
        name = draw(st.sampled_from(PROXY_FIELDS))
        facts[name] = draw(human_levels if name == "human_errors" else fractions)
    if train and facts["train_error"] is None:
        facts["train_error"] = draw(fractions)
    return {name: value for name, value in facts.items() if value is not None}


settings_overrides = st.fixed_dictionaries({}, optional={
    "min_gap": st.one_of(st.just(0.0), st.floats(0.0, 0.1), st.sampled_from([0.001, 0.01, 0.05])),
    "secondary_gap_ratio": st.one_of(st.floats(0.05, 1.0), st.sampled_from([0.3, 0.5, 0.6, 1.0])),
})

@st.composite
def error_tallies(draw: st.DrawFn) -> dict:
    examined = draw(st.integers(1, 200))
    tally = st.integers(0, examined)
    return {"examined": examined, "categories": draw(st.dictionaries(labels, tally, max_size=3)), "mislabeled": draw(tally)}


METRICS = ("accuracy", "precision", "recall", "running_time_ms", "memory_mb")
candidate_lists = st.lists(
    st.fixed_dictionaries({"name": st.sampled_from(["A", "B", "C", "D"])}, optional={
        "accuracy": fractions, "precision": fractions, "recall": fractions,
        "running_time_ms": st.integers(1, 2000), "memory_mb": st.floats(1, 4096),
        "errors_by_class": st.dictionaries(st.sampled_from(["cat", "porn", "dog"]), fractions, max_size=2),
    }),
    min_size=1, max_size=3, unique_by=lambda candidate: candidate["name"],
)
bounds = st.one_of(st.fixed_dictionaries({"max": st.integers(1, 2000)}), st.fixed_dictionaries({"min": fractions}))
confusion_matrices = st.fixed_dictionaries({key: st.integers(0, 1000) for key in ("tp", "fp", "fn", "tn")})
curves = st.lists(st.floats(0, 5), min_size=1, max_size=8)

# Other facts the rule base reads or must ignore: every topic of the vocabulary, each fact optional.
other_facts = st.fixed_dictionaries({}, optional={
    "metric_matches_users": st.booleans(),
    "real_world_ok": st.booleans(),
    "test_distribution": st.sampled_from(DISTRIBUTIONS),
    "production_distribution": st.sampled_from(DISTRIBUTIONS),
    "train_size": st.integers(0, 10**7),
    "train_dev_size": st.integers(0, 10**5),
    "dev_size": st.integers(0, 10**6),
    "test_size": st.integers(0, 10**6),
    "total_examples": st.integers(0, 10**8),
    "target_examples": st.integers(0, 10**6),
    "other_distribution_examples": st.integers(0, 10**7),
    "structured_data": st.booleans(),
    "precision": fractions,
    "recall": fractions,
    "confusion_matrix": confusion_matrices,
    "class_weights": st.dictionaries(st.sampled_from(["cat", "porn", "dog"]), st.floats(0.1, 100), min_size=1, max_size=2),
    "candidates": candidate_lists,
    "tracked_metrics": st.lists(st.sampled_from(METRICS), min_size=1, max_size=3, unique=True),
    "maximize": st.lists(st.sampled_from(METRICS), max_size=2, unique=True),
    "minimize": st.lists(st.sampled_from(METRICS), max_size=2, unique=True),
    "optimizing_metric": st.sampled_from(METRICS),
    "satisficing": st.dictionaries(st.sampled_from(METRICS), bounds, max_size=2),
    "error_analysis": error_tallies(),
    "train_label_errors": st.sampled_from(["random", "systematic"]),
    "task_a_examples": st.integers(0, 10**7),
    "task_b_examples": st.integers(0, 10**5),
    "same_input_type": st.booleans(),
    "low_level_features_shared": st.booleans(),
    "tasks": st.dictionaries(labels, st.integers(0, 10**6), min_size=1, max_size=4),
    "can_train_big_network": st.booleans(),
    "labels_incomplete": st.booleans(),
    "end_to_end_examples": st.integers(0, 10**7),
    "stage_examples": st.dictionaries(labels, st.integers(0, 10**8), min_size=1, max_size=3),
    "stages_simpler": st.booleans(),
    "train_curve": curves,
    "dev_curve": curves,
})


@st.composite
def situations(draw: st.DrawFn) -> dict:
    """A broad valid situation: error levels, distributions and any of the other facts."""
    return {**draw(error_situations()), **draw(other_facts)}


# ---------------------------------------------------------------- invalid values
bad_numbers = st.one_of(
    st.floats(max_value=0.0, exclude_max=True),  # negative, down to -inf
    st.floats(min_value=1.0, exclude_min=True),  # above 1, up to inf (8 and 100 get a percent hint)
    st.just(float("nan")),
    st.integers(max_value=-1),
    st.integers(min_value=2),
    st.sampled_from([-0.01, 1.0000001, 8, 100, 101, -1]),
    st.sampled_from([10**400, -(10**400)]),  # integers beyond any float (json.loads reads them)
)
bad_fractions = st.one_of(
    bad_numbers,
    st.booleans(),
    st.lists(fractions, max_size=2),
    st.dictionaries(labels, fractions, max_size=2),
    bad_numbers.map(lambda v: f"{v}"),
    st.integers().filter(lambda n: n < 0 or n > 100).map(lambda n: f"{n}%"),
    st.sampled_from(["", "abc", "8 percent", "%", "nan", "inf", "1e400", "--1"]),
)
bad_counts = st.one_of(
    st.integers(max_value=-1),
    st.booleans(),
    st.floats(max_value=-1.0),  # negative, down to -inf
    st.floats(min_value=0.0, max_value=1e6).filter(lambda v: not v.is_integer()),  # fractional
    st.just(float("inf")),
    st.just(float("nan")),
    st.lists(st.integers(0, 10), max_size=2),
    st.sampled_from(["many", "-3", "1.5"]),
)
bad_distributions = st.one_of(st.just(""), st.just("   "), st.text(alphabet="abc", min_size=201, max_size=210), st.integers(), st.lists(labels, max_size=2))

json_like = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12), fractions,
              st.sampled_from([10**400, "8%", "web"])),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=12,
)


# ---------------------------------------------------------------- per-topic situations (tests/test_topics_reference.py)
CANDIDATE_NAMES = ("A", "B", "C", "D", "E")
TOPIC_METRICS = ("accuracy", "f1", "precision", "recall", "error", "score", "running_time_ms", "memory_mb", "throughput")
RATE_METRICS = frozenset({"accuracy", "f1", "precision", "recall", "error", "score"})
CLASSES = ("cat", "porn", "dog")

round_rates = st.sampled_from([0.0, 0.1, 0.5, 0.8, 0.9, 0.92, 0.95, 1.0])
rates = st.one_of(round_rates, fractions)
amounts = st.one_of(st.sampled_from([0, 80, 95, 100, 1500]), st.integers(0, 2000), st.floats(0, 4096))


def metric_values(metric: str) -> st.SearchStrategy:
    """Values for a metric: rates in [0, 1] for rate-like names, amounts (ms, MB, items/s) for the others."""
    return rates if metric in RATE_METRICS else amounts


@st.composite
def bounds_for(draw: st.DrawFn, metric: str, seen: list) -> dict:
    """A satisficing bound on `metric`: max, min or both, often exactly at a value some candidate has."""
    value = st.one_of(metric_values(metric), st.sampled_from(seen)) if seen else metric_values(metric)
    kind = draw(st.sampled_from(["max", "min", "both"]))
    if kind != "both":
        return {kind: draw(value)}
    low, high = sorted((draw(value), draw(value)))
    return {"min": low, "max": high}


@st.composite
def candidate_situations(draw: st.DrawFn, *, weights: bool | None = None) -> dict:
    """Candidates sharing one to three metrics (now and then one missing), satisficing bounds on some of them, and
    optionally a stated optimizing metric, stated directions, class weights with errors by class."""
    metrics = draw(st.lists(st.sampled_from(TOPIC_METRICS), min_size=1, max_size=3, unique=True))
    names = draw(st.lists(st.sampled_from(CANDIDATE_NAMES), min_size=1, max_size=4, unique=True))
    weighted = draw(st.booleans()) if weights is None else weights
    candidates = []
    for name in names:
        candidate: dict = {"name": name}
        for metric in metrics:
            if draw(st.integers(0, 9)):
                candidate[metric] = draw(metric_values(metric))
        if weighted and draw(st.integers(0, 5)):
            candidate["errors_by_class"] = draw(st.dictionaries(st.sampled_from(CLASSES), rates, min_size=1, max_size=3))
        candidates.append(candidate)
    facts: dict = {"candidates": candidates}
    boundable = metrics + [m for m in ("f1", "weighted_error") if m not in metrics]
    bounded = draw(st.lists(st.sampled_from(boundable), unique=True, max_size=len(metrics)))
    if bounded:
        facts["satisficing"] = {
            metric: draw(bounds_for(metric if metric != "weighted_error" else "error",
                                    [c[metric] for c in candidates if metric in c]))
            for metric in bounded
        }
    if weighted:
        facts["class_weights"] = draw(st.dictionaries(st.sampled_from(CLASSES), st.one_of(st.sampled_from([1, 10]), st.floats(0.1, 100)),
                                                      min_size=1, max_size=3))
    if not draw(st.integers(0, 4)):
        facts["optimizing_metric"] = draw(st.sampled_from(metrics + ["f1", "weighted_error", "auc"]))
    for side in ("maximize", "minimize"):
        if not draw(st.integers(0, 3)):
            facts[side] = draw(st.lists(st.sampled_from(metrics + ["throughput", "f1"]), min_size=1, max_size=2, unique=True))
    return facts


@st.composite
def tallies(draw: st.DrawFn, *, max_categories: int = 5) -> dict:
    """An error-analysis tally: n examined errors, up to `max_categories` categories, and mislabeled examples."""
    examined = draw(st.one_of(st.integers(1, 200), st.sampled_from([100])))
    count = st.integers(0, examined)
    return {"examined": examined, "categories": draw(st.dictionaries(labels, count, max_size=max_categories)),
            "mislabeled": draw(count)}


sizes = st.one_of(st.integers(0, 50), st.integers(0, 10**6), st.sampled_from([100, 200, 1_000, 10_000, 100_000]))
"""Set sizes, from none at all to a million (small ones put gaps inside the noise)."""


@st.composite
def measured_situations(draw: st.DrawFn) -> dict:
    """Error levels, each optionally with the size of the set it was measured on, and optionally a Bayes proxy."""
    facts: dict = {}
    if draw(st.booleans()):
        facts["human_error"] = draw(fractions)
    for error in ERROR_FIELDS:
        if draw(st.integers(0, 3)):
            facts[error] = draw(fractions)
            if draw(st.integers(0, 4)):
                facts[error.replace("_error", "_size")] = draw(sizes)
    return facts


confidences = st.one_of(st.sampled_from([0.9, 0.95, 0.99]), st.floats(0.51, 0.999))
task_counts = st.one_of(st.integers(0, 2_000), st.integers(0, 10**7), st.sampled_from([0, 100, 1_000, 10_000, 1_000_000]))
optional_flags = st.sampled_from([None, True, False])
