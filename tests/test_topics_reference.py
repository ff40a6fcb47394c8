"""Every topic against the plain oracle of tests/reference.py, and properties each topic must keep.

For each topic, hypothesis generates situations, the engine (`mlstrategy.advise`) is compared with the
course formulas written plainly, and a few properties are checked on the engine alone. Comparisons skip
situations within float noise of a threshold (`assume`), where rounding could legitimately decide.
"""
from __future__ import annotations

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import mlstrategy as mls
import reference as ref
from conftest import names
from strategies import (
    candidate_situations, confidences, confusion_matrices, fractions, labels, measured_situations, optional_flags,
    rates, settings_overrides, sizes, tallies, task_counts,
)

TOL = 1e-9
few = settings(max_examples=100, deadline=None)
some = settings(max_examples=150, deadline=None)

COURSE_RUNNING_TIME = [{"name": "A", "f1": 0.90, "running_time_ms": 80},
                       {"name": "B", "f1": 0.92, "running_time_ms": 95},
                       {"name": "C", "f1": 0.92, "running_time_ms": 1500}]


def approx(value: float) -> object:
    return pytest.approx(value, abs=TOL, rel=0)


def clear(value: float | None, threshold: float | None, tol: float = TOL) -> None:
    """Skip a situation where a value sits within float noise of the threshold it is compared with."""
    if value is not None and threshold is not None:
        assume(abs(value - threshold) > tol)


def given_facts(**facts) -> dict:
    return {name: value for name, value in facts.items() if value is not None}


# ================================================================ Single number evaluation metric
@some
@given(cm=confusion_matrices, stated=st.one_of(st.none(), st.tuples(fractions, fractions)))
def test_confusion_matrix_and_f1_agree_with_reference(cm: dict, stated: tuple | None) -> None:
    precision, recall = stated or (None, None)
    expected = ref.single_number_values(precision, recall, cm)
    advice = mls.advise(given_facts(confusion_matrix=cm, precision=precision, recall=recall))
    for name in ("accuracy", "precision", "recall", "f1"):
        if name in expected:
            assert advice.values[name] == approx(expected[name]), (name, expected, advice.values)
        else:
            assert name not in advice.values, (name, expected, advice.values)


@some
@given(precision=fractions, recall=fractions)
def test_f1_of_precision_and_recall_agrees_with_reference(precision: float, recall: float) -> None:
    expected = ref.f1(precision, recall)
    values = mls.advise(precision=precision, recall=recall).values
    if expected is None:
        assert "f1" not in values
    else:
        assert values["f1"] == approx(expected)
        assert min(precision, recall) - TOL <= values["f1"] <= max(precision, recall) + TOL  # a mean of the two


@few
@given(tracked=st.lists(st.sampled_from(["precision", "recall", "f1", "running_time_ms"]), max_size=4, unique=True),
       stated=st.sampled_from([None, "f1"]))
def test_no_single_metric_agrees_with_reference(tracked: list, stated: str | None) -> None:
    advice = mls.advise(given_facts(tracked_metrics=tracked or None, optimizing_metric=stated))
    assert ("no_single_metric" in names(advice.diagnoses)) == ref.no_single_metric(tracked, stated)
    if ref.no_single_metric(tracked, stated):
        assert {"single_number_metric", "optimizing_satisficing"} <= set(names(advice.actions))


# ================================================================ Satisfying and Optimizing metric
def reference_selection(facts: dict) -> tuple[str | None, str | None, list[str]]:
    return ref.select_candidate(facts["candidates"], facts.get("satisficing"), facts.get("maximize", ()),
                                facts.get("minimize", ()), facts.get("optimizing_metric"), facts.get("class_weights"))


def assume_no_derived_ties(facts: dict) -> None:
    """Derived metrics (F1, weighted error) are floats computed two ways: skip near-ties between them and with bounds."""
    table = ref.metric_table(facts["candidates"], facts.get("class_weights"))
    metric, _, ok = reference_selection(facts)
    for name, metrics in table.items():
        for derived in ("f1", "weighted_error"):
            for bound in (facts.get("satisficing") or {}).get(derived, {}).values():
                clear(metrics.get(derived), bound)
    if metric in ("f1", "weighted_error"):
        scores = [table[name][metric] for name in ok if table[name].get(metric) is not None]
        for i, a in enumerate(scores):
            for b in scores[i + 1:]:
                clear(a, b)


def engine_table(facts: dict, advice: mls.Advice) -> dict[str, dict]:
    """Each candidate's metrics as the engine saw them: the stated ones plus the engine's own derived F1 and weighted error."""
    table = {}
    for candidate in facts["candidates"]:
        name = candidate["name"]
        metrics = {k: v for k, v in candidate.items() if k not in ("name", "errors_by_class")}
        if "f1" not in metrics and f"f1:{name}" in advice.values:
            metrics["f1"] = advice.values[f"f1:{name}"]
        if f"weighted_error:{name}" in advice.values:
            metrics["weighted_error"] = advice.values[f"weighted_error:{name}"]
        table[name] = metrics
    return table


def within(value: float | None, bound: dict) -> bool:
    return value is not None and (bound.get("max") is None or value <= bound["max"]) and (
        bound.get("min") is None or value >= bound["min"])


@settings(max_examples=200, deadline=None)
@given(facts=candidate_situations())
def test_candidate_selection_agrees_with_reference(facts: dict) -> None:
    assume_no_derived_ties(facts)
    metric, chosen, ok = reference_selection(facts)
    advice = mls.advise(facts)
    why = (facts, metric, chosen, ok, advice.values)
    assert advice.values.get("optimizing_metric") == metric, why
    assert advice.values.get("selected_candidate") == chosen, why
    assert advice.values["feasible_candidates"] == len(ok), why
    assert ("no_feasible_candidate" in names(advice.diagnoses)) == (not ok), why
    for candidate in facts["candidates"]:
        name = candidate["name"]
        if "precision" in candidate and "recall" in candidate and ref.f1(candidate["precision"], candidate["recall"]) is not None:
            assert advice.values[f"f1:{name}"] == approx(ref.f1(candidate["precision"], candidate["recall"])), why
        else:
            assert f"f1:{name}" not in advice.values, why
        if facts.get("class_weights") and candidate.get("errors_by_class"):
            expected = ref.weighted_error(candidate["errors_by_class"], facts["class_weights"])
            assert advice.values[f"weighted_error:{name}"] == pytest.approx(expected, abs=TOL, rel=TOL), why
        else:
            assert f"weighted_error:{name}" not in advice.values, why


@settings(max_examples=200, deadline=None)
@given(facts=candidate_situations())
def test_selected_candidate_meets_every_bound_and_no_feasible_candidate_beats_it(facts: dict) -> None:
    advice = mls.advise(facts)
    chosen = advice.values.get("selected_candidate")
    assume(chosen is not None)
    metric = advice.values["optimizing_metric"]
    table = engine_table(facts, advice)
    bounds = facts.get("satisficing") or {}
    for name, bound in bounds.items():
        assert within(table[chosen].get(name), bound), (chosen, name, bound, table)
    best = table[chosen][metric]
    higher = (ref.direction(metric, facts.get("maximize", ()), facts.get("minimize", ())) or "max") == "max"
    for name, metrics in table.items():
        if name == chosen or metrics.get(metric) is None or not all(within(metrics.get(m), b) for m, b in bounds.items()):
            continue
        assert (metrics[metric] <= best) if higher else (metrics[metric] >= best), (name, chosen, metric, table)
        if metrics[metric] == best:
            assert chosen < name, (name, chosen, metric, table)  # ties go to the first name


@settings(max_examples=200, deadline=None)
@given(facts=candidate_situations())
def test_no_candidate_is_selected_when_none_is_feasible(facts: dict) -> None:
    advice = mls.advise(facts)
    table = engine_table(facts, advice)
    bounds = facts.get("satisficing") or {}
    feasible = [name for name, metrics in table.items() if all(within(metrics.get(m), b) for m, b in bounds.items())]
    if not feasible:
        assert "selected_candidate" not in advice.values, (facts, advice.values)
        assert "no_feasible_candidate" in names(advice.diagnoses)
    else:
        assert "no_feasible_candidate" not in names(advice.diagnoses)


@some
@given(facts=candidate_situations(), data=st.data())
def test_selection_does_not_depend_on_the_order_of_the_candidates(facts: dict, data: st.DataObject) -> None:
    shuffled = {**facts, "candidates": data.draw(st.permutations(facts["candidates"]))}
    first, second = mls.advise(facts), mls.advise(shuffled)
    assert second.values == first.values
    assert [(d.name, d.severity) for d in second.diagnoses] == [(d.name, d.severity) for d in first.diagnoses]
    assert [(a.name, a.params) for a in second.actions] == [(a.name, a.params) for a in first.actions]


def test_course_running_time_example_agrees_with_reference() -> None:
    facts = {"candidates": COURSE_RUNNING_TIME, "satisficing": {"running_time_ms": {"max": 100}}}
    assert reference_selection(facts) == ("f1", "B", ["A", "B"])
    assert mls.advise(facts).values["selected_candidate"] == "B"


# ---------------------------------------------------------------- can the dev set separate the candidates?
@some
@given(facts=candidate_situations(weights=False), dev_size=sizes)
@example(facts={"candidates": COURSE_RUNNING_TIME, "satisficing": {"running_time_ms": {"max": 100}}}, dev_size=1_000_000)
def test_dev_set_too_small_compares_the_two_best_feasible_candidates(facts: dict, dev_size: int) -> None:
    assume_no_derived_ties(facts)
    low = ref.candidate_margin_low(facts["candidates"], facts.get("satisficing"), facts.get("maximize", ()),
                                   facts.get("minimize", ()), facts.get("optimizing_metric"), dev_size=dev_size)
    clear(low, 0.0)
    advice = mls.advise({**facts, "dev_size": dev_size})
    why = (facts, dev_size, low, advice.values)
    assert ("dev_set_too_small" in names(advice.diagnoses)) == (low is not None and low <= 0), why
    if low is not None:
        assert advice.values["candidate_margin_ci_low"] == approx(low), why


# ================================================================ When to change the metric: weighted error
@some
@given(facts=candidate_situations(weights=True), scale=st.sampled_from([2, 10]))
def test_weighted_error_agrees_with_reference_and_scales_with_the_weights(facts: dict, scale: int) -> None:
    advice = mls.advise(facts)
    scaled_weights = {c: w * scale for c, w in facts["class_weights"].items()}
    scaled = mls.advise({**facts, "class_weights": scaled_weights})
    assert advice.action("weight_metric").params == {"class_weights": facts["class_weights"]}
    for candidate in facts["candidates"]:
        name = candidate["name"]
        if not candidate.get("errors_by_class"):
            assert f"weighted_error:{name}" not in advice.values
            continue
        expected = ref.weighted_error(candidate["errors_by_class"], facts["class_weights"])
        assert advice.values[f"weighted_error:{name}"] == pytest.approx(expected, abs=TOL, rel=TOL)
        assert scaled.values[f"weighted_error:{name}"] == pytest.approx(
            ref.weighted_error(candidate["errors_by_class"], scaled_weights), abs=TOL, rel=TOL)
        if set(candidate["errors_by_class"]) <= set(facts["class_weights"]):  # every class weighted: k x the weights
            assert scaled.values[f"weighted_error:{name}"] == pytest.approx(scale * expected, abs=TOL, rel=TOL)
        unweighted = ref.weighted_error(candidate["errors_by_class"], {})
        assert unweighted == pytest.approx(sum(candidate["errors_by_class"].values()))  # weight 1: the plain error


# ================================================================ Size of the dev and test sets
@some
@given(
    total=st.one_of(st.none(), st.integers(0, 10**9), st.sampled_from([100, 10_000, 50_000, 100_000, 1_000_000])),
    parts=st.one_of(st.none(), st.tuples(st.integers(0, 10**7), st.integers(0, 10**6), st.integers(0, 10**6))),
    cap=st.one_of(st.none(), st.integers(1, 100_000)),
)
def test_suggested_split_agrees_with_reference(total: int | None, parts: tuple | None, cap: int | None) -> None:
    train, dev, test = parts or (None, None, None)
    facts = given_facts(total_examples=total, train_size=train, dev_size=dev, test_size=test)
    overrides = given_facts(dev_test_cap=cap)
    all_examples = ref.total_examples(total, train, dev, test)
    expected = ref.suggested_split(all_examples, cap or ref.DEV_TEST_CAP) if all_examples is not None else None
    values = mls.advise(facts, settings=overrides).values
    for part in ("train", "dev", "test"):
        if expected is None:
            assert f"split:{part}" not in values, (facts, values)
        else:
            assert values[f"split:{part}"] == approx(expected[part]), (facts, part, expected, values)
    if expected is not None:
        assert values["split:train"] + values["split:dev"] + values["split:test"] == approx(1.0)
        assert values["split:dev"] == values["split:test"] <= 0.2


@some
@given(smaller=st.integers(1, 10**9), more=st.integers(1, 10**9), cap=st.one_of(st.none(), st.integers(1, 100_000)))
def test_dev_and_test_sets_never_shrink_as_the_data_grows(smaller: int, more: int, cap: int | None) -> None:
    overrides = given_facts(dev_test_cap=cap)
    before = mls.advise(total_examples=smaller, settings=overrides).values["split:dev"] * smaller
    after = mls.advise(total_examples=smaller + more, settings=overrides).values["split:dev"] * (smaller + more)
    assert round(after) >= round(before), (smaller, more, before, after)


@some
@given(train=st.integers(0, 10**7), dev=st.integers(0, 10**6), test=st.integers(0, 10**6),
       total=st.one_of(st.none(), st.integers(1, 10**8)),
       tolerance=st.one_of(st.none(), st.sampled_from([1.5, 2.0, 5.0]), st.floats(1.01, 20)))
@example(train=600_000, dev=200_000, test=200_000, total=None, tolerance=None)  # the course's outdated 60/20/20
def test_outdated_split_agrees_with_reference(train: int, dev: int, test: int, total: int | None, tolerance: float | None) -> None:
    facts = given_facts(train_size=train, dev_size=dev, test_size=test, total_examples=total)
    all_examples = ref.total_examples(total, train, dev, test)
    assume(all_examples)
    off = ref.split_imbalance(all_examples, dev, test)
    limit = tolerance or ref.SPLIT_TOLERANCE
    clear(off, limit, 1e-6)
    advice = mls.advise(facts, settings=given_facts(split_tolerance=tolerance))
    assert advice.values["split_imbalance"] == pytest.approx(off, rel=1e-8), (facts, off, advice.values)
    assert ("outdated_split" in names(advice.diagnoses)) == ref.outdated_split(all_examples, dev, test, tolerance=limit)
    if ref.outdated_split(all_examples, dev, test, tolerance=limit):
        expected = ref.suggested_split(all_examples)
        assert advice.action("rebalance_split").params == pytest.approx(expected, abs=TOL, rel=0)


@some
@given(target=st.one_of(st.integers(0, 10**6), st.sampled_from([0, 1, 4, 10_000])),
       other=st.one_of(st.integers(0, 10**7), st.sampled_from([0, 200_000])),
       cap=st.one_of(st.none(), st.integers(1, 100_000)))
@example(target=10_000, other=200_000, cap=None)  # the course: 10,000 phone images, 200,000 from the web
def test_mismatched_split_agrees_with_reference(target: int, other: int, cap: int | None) -> None:
    fractions_, plan = ref.mismatched_split(target, other, cap or ref.DEV_TEST_CAP)
    advice = mls.advise(target_examples=target, other_distribution_examples=other, settings=given_facts(dev_test_cap=cap))
    assert advice.action("add_target_data_to_train").params == plan
    for part in ("train", "dev", "test"):
        if fractions_ is None:
            assert f"split:{part}" not in advice.values
        else:
            assert advice.values[f"split:{part}"] == approx(fractions_[part])
    # dev and test come from the target data only, and every other example goes to training
    assert plan["dev_examples"] == plan["test_examples"]
    assert plan["dev_examples"] + plan["test_examples"] + plan["target_examples_to_train"] == target
    assert plan["target_examples_to_train"] >= 0 and plan["other_examples_to_train"] == other


# ================================================================ Statistical noise: Wilson and Newcombe
def test_reference_intervals_match_published_values() -> None:
    # Wilson: 10 of 100 at 95% is [5.52%, 17.44%]; Newcombe (1998), method 10: 56/70 - 48/80 is [0.0524, 0.3339]
    assert [round(x, 4) for x in ref.wilson_interval(0.1, 100)] == [0.0552, 0.1744]
    assert [round(x, 4) for x in ref.newcombe_interval(56 / 70, 70, 48 / 80, 80)] == [0.0524, 0.3339]
    assert ref.z_value(0.95) == pytest.approx(1.959964, abs=1e-6)


def measured(facts: dict) -> tuple[float | None, dict, dict]:
    proxy = ref.bayes_proxy(facts.get("bayes_error"), facts.get("human_error"), facts.get("human_errors"))
    errors = {name: facts.get(f"{name}_error") for name in ("train", "train_dev", "dev", "test")}
    set_sizes = {name: facts.get(f"{name}_size") for name in ("train", "train_dev", "dev", "test")}
    return proxy, errors, set_sizes


@some
@given(facts=measured_situations(), confidence=st.one_of(st.none(), confidences))
def test_wilson_and_newcombe_intervals_agree_with_reference(facts: dict, confidence: float | None) -> None:
    level = confidence or ref.CONFIDENCE
    proxy, errors, set_sizes = measured(facts)
    advice = mls.advise(facts, settings=given_facts(confidence=confidence))
    intervals = ref.error_intervals(errors, set_sizes, level)
    for name in ("train", "train_dev", "dev", "test"):
        if name in intervals:
            low, high = intervals[name]
            assert advice.values[f"ci_low:{name}_error"] == approx(low), (name, facts)
            assert advice.values[f"ci_high:{name}_error"] == approx(high), (name, facts)
        else:
            assert f"ci_low:{name}_error" not in advice.values
    gaps = ref.gap_intervals(proxy, errors, set_sizes, level)
    for gap in ref.GAPS:
        if gap in gaps:
            assert advice.values[f"ci_low:{gap}"] == approx(gaps[gap][0]), (gap, facts, gaps[gap])
            assert advice.values[f"ci_high:{gap}"] == approx(gaps[gap][1]), (gap, facts, gaps[gap])
        else:
            assert f"ci_low:{gap}" not in advice.values, (gap, facts)


@some
@given(p=st.one_of(rates, st.sampled_from([0.0, 1.0])), n=st.integers(0, 10**6), more=st.integers(1, 10**6),
       confidence=st.one_of(st.none(), confidences))
def test_wilson_interval_contains_the_estimate_and_narrows_as_the_set_grows(p: float, n: int, more: int,
                                                                          confidence: float | None) -> None:
    level = confidence or ref.CONFIDENCE
    low, high = ref.wilson_interval(p, n, level)
    wider = ref.wilson_interval(p, n + more, level)
    assert low - 1e-12 <= p <= high + 1e-12 and 0 <= low and high <= 1  # the oracle is unrounded: float noise at p = 0 or 1
    assume((high - low) - (wider[1] - wider[0]) > 1e-11)  # the engine rounds each end to 12 decimals
    small = mls.advise(dev_error=p, dev_size=n, settings=given_facts(confidence=confidence)).values
    large = mls.advise(dev_error=p, dev_size=n + more, settings=given_facts(confidence=confidence)).values
    for values in (small, large):
        assert values["ci_low:dev_error"] <= p <= values["ci_high:dev_error"], (p, n, values)
    assert (large["ci_high:dev_error"] - large["ci_low:dev_error"]) < (small["ci_high:dev_error"] - small["ci_low:dev_error"])


def assume_gaps_clear(known_gaps: dict, min_gap: float = ref.MIN_GAP, ratio: float = ref.SECONDARY_GAP_RATIO,
                      proxy: float | None = None, train: float | None = None) -> None:
    largest = ref.largest_gap(known_gaps, proxy, train)
    # where avoidable bias is only bounded, the training error counts as the largest gap: a gap equal to it (test
    # error = training error with no dev error) ties with it, and the engine's 12-decimal rounding of gaps decides
    tie_with_bound = ref.bias_bound(proxy, train) is not None and largest == train
    for value in known_gaps.values():
        clear(value, min_gap)
        if value != largest or tie_with_bound:
            clear(value, ratio * largest)
            clear(value, largest)


@settings(max_examples=200, deadline=None)
@given(facts=measured_situations(), train_distribution=st.sampled_from([None, "web", "mobile"]),
       dev_distribution=st.sampled_from([None, "web", "mobile"]), overrides=settings_overrides,
       confidence=st.one_of(st.none(), confidences))
@example(facts={"human_error": 0.05, "train_error": 0.08, "dev_error": 0.10, "train_size": 200, "dev_size": 200},
         train_distribution=None, dev_distribution=None, overrides={}, confidence=None)
@example(facts={"train_error": 0.7184219210404325, "dev_error": 0.0, "test_error": 0.7184219210404325},  # a tie with
         train_distribution=None, dev_distribution=None, overrides={"secondary_gap_ratio": 1.0}, confidence=None)  # the bound
def test_a_gap_within_the_noise_gets_a_bigger_dev_set_not_its_own_knobs(
    facts: dict, train_distribution: str | None, dev_distribution: str | None, overrides: dict, confidence: float | None
) -> None:
    facts = {**facts, **given_facts(train_distribution=train_distribution, dev_distribution=dev_distribution)}
    min_gap = overrides.get("min_gap", ref.MIN_GAP)
    ratio = overrides.get("secondary_gap_ratio", ref.SECONDARY_GAP_RATIO)
    proxy, errors, set_sizes = measured(facts)
    known_gaps = ref.gaps(proxy, errors["train"], errors["train_dev"], errors["dev"], errors["test"])
    assume_gaps_clear(known_gaps, min_gap, ratio, proxy, errors["train"])
    intervals = ref.gap_intervals(proxy, errors, set_sizes, confidence or ref.CONFIDENCE)
    for low, _ in intervals.values():
        clear(low, 0.0)
    worth = ref.problems(known_gaps, min_gap, ratio, proxy, errors["train"])
    noisy = {gap for gap, interval in intervals.items() if ref.within_noise(interval)}
    missing = ref.train_dev_missing(errors["train_dev"], train_distribution, dev_distribution)
    advice = mls.advise(facts, settings={**overrides, **given_facts(confidence=confidence)})
    actions = set(names(advice.actions))
    why = (facts, known_gaps, intervals, worth, advice)
    for gap in noisy:
        assert not (ref.GAP_ONLY_ACTIONS.get(gap, set()) & actions), (gap, why)
        assert not any(gap in a.addresses for a in advice.actions if gap != "dev_set_overfitting"), (gap, why)
        if gap in worth:
            assert "gap_not_significant" in names(advice.diagnoses), (gap, why)
            assert "bigger_dev_set" in actions, (gap, why)
    significant = [gap for gap in worth if gap not in noisy or gap == "dev_set_overfitting"]
    expected = ref.gap_actions(significant, missing) | ({"bigger_dev_set"} if noisy & set(worth) else set())
    addressed = set(ref.GAPS) | {"gap_not_significant", "train_dev_missing"}
    assert {a.name for a in advice.actions if set(a.addresses) & addressed} == expected, why
    assert ("gap_not_significant" in names(advice.diagnoses)) == bool(noisy & set(worth)), why
    ranked = [d.name for d in advice.diagnoses if d.name in ref.GAPS]
    assert ranked == ref.ranked_gap_problems(worth, known_gaps, noisy), why


# ================================================================ Error analysis and mislabeled examples
def assume_shares_clear(tally: dict, min_share: float) -> None:
    for count in tally["categories"].values():
        clear(count / tally["examined"], min_share)


@some
@given(tally=tallies(), dev_error=st.one_of(st.none(), fractions),
       min_share=st.one_of(st.none(), st.sampled_from([0.05, 0.15, 0.5]), fractions))
def test_ceilings_and_focus_agree_with_reference(tally: dict, dev_error: float | None, min_share: float | None) -> None:
    threshold = ref.MIN_CATEGORY_SHARE if min_share is None else min_share
    assume_shares_clear(tally, threshold)
    examined, categories = tally["examined"], tally["categories"]
    advice = mls.advise(given_facts(error_analysis=tally, dev_error=dev_error),
                        settings=given_facts(min_category_share=min_share))
    why = (tally, dev_error, threshold, advice.values)
    if dev_error is None:
        assert not any(name.startswith("ceiling:") for name in advice.values), why
    else:
        expected = ref.ceilings(dev_error, examined, categories)
        assert {k for k in advice.values if k.startswith("ceiling:")} == {f"ceiling:{c}" for c in expected}, why
        for category, ceiling in expected.items():
            assert advice.values[f"ceiling:{category}"] == approx(ceiling), why
    focus = ref.focus_categories(examined, categories, threshold)
    action = advice.action("focus_error_category")
    if not focus:
        assert action is None, why
        return
    assert action is not None, why
    assert action.params["category"] == focus[0], why
    assert [c["category"] for c in action.params["categories"]] == focus, why
    shares = ref.category_shares(examined, categories)
    for item in action.params["categories"]:
        assert item["share"] == approx(shares[item["category"]]), why
        if dev_error is not None:
            assert item["ceiling"] == approx(ref.ceilings(dev_error, examined, categories)[item["category"]]), why


@settings(max_examples=200, deadline=None)
@given(tally=tallies(), dev_error=st.one_of(st.none(), fractions),
       min_share=st.one_of(st.none(), fractions))
@example(tally={"examined": 100, "categories": {}, "mislabeled": 50}, dev_error=0.10, min_share=None)
def test_mislabeled_share_and_fixing_labels_agree_with_reference(tally: dict, dev_error: float | None,
                                                                 min_share: float | None) -> None:
    threshold = ref.MIN_CATEGORY_SHARE if min_share is None else min_share
    examined, categories, mislabeled = tally["examined"], tally["categories"], tally["mislabeled"]
    share = ref.mislabeled_share(examined, mislabeled)
    clear(share, threshold)
    advice = mls.advise(given_facts(error_analysis=tally, dev_error=dev_error),
                        settings=given_facts(min_category_share=min_share))
    why = (tally, dev_error, threshold, advice.values)
    assert advice.values["mislabeled_share"] == approx(share), why
    if dev_error is not None:
        assert advice.values["mislabeled_error"] == approx(dev_error * share), why
    fix = ref.fix_dev_test_labels(examined, categories, mislabeled, threshold)
    assert (advice.action("fix_mislabeled_dev_test") is not None) == fix, why
    assert ("label_noise_significant" in names(advice.diagnoses)) == fix, why


@some
@given(tally=tallies(), dev_error=fractions)
def test_a_ceiling_is_never_below_zero_nor_above_the_dev_error(tally: dict, dev_error: float) -> None:
    advice = mls.advise(error_analysis=tally, dev_error=dev_error)
    for name, value in advice.values.items():
        if name.startswith("ceiling:"):
            assert 0 <= value <= dev_error, (name, value, dev_error, tally)


@some
@given(tally=tallies(), dev_error=st.one_of(st.none(), fractions), data=st.data())
def test_ranking_categories_does_not_depend_on_their_order(tally: dict, dev_error: float | None, data: st.DataObject) -> None:
    order = data.draw(st.permutations(list(tally["categories"])))
    shuffled = {**tally, "categories": {name: tally["categories"][name] for name in order}}
    first = mls.advise(given_facts(error_analysis=tally, dev_error=dev_error))
    second = mls.advise(given_facts(error_analysis=shuffled, dev_error=dev_error))
    assert second.values == first.values
    assert [(a.name, a.params) for a in second.actions] == [(a.name, a.params) for a in first.actions]


# ================================================================ Build your first system quickly
@few
@given(errors=st.fixed_dictionaries({}, optional={"train_error": fractions, "dev_error": fractions, "test_error": fractions}),
       data=st.fixed_dictionaries({}, optional={"total_examples": task_counts, "train_size": task_counts,
                                                "target_examples": task_counts}))
def test_quick_baseline_agrees_with_reference(errors: dict, data: dict) -> None:
    advice = mls.advise({**errors, **data})
    assert ("build_quick_baseline" in names(advice.actions)) == ref.quick_baseline(**errors, **data)


# ================================================================ Transfer learning
@some
@given(a=st.one_of(st.none(), task_counts), b=st.one_of(st.none(), task_counts), same=optional_flags, shared=optional_flags,
       ratio=st.one_of(st.none(), st.sampled_from([1, 2, 10, 100]), st.floats(1, 1000)),
       small=st.one_of(st.none(), st.integers(0, 100_000)))
def test_transfer_agrees_with_reference(a, b, same, shared, ratio, small) -> None:
    expected = ref.transfer(a, b, same, shared, ratio or ref.TRANSFER_DATA_RATIO,
                            ref.TRANSFER_SMALL_DATA if small is None else small)
    advice = mls.advise(given_facts(task_a_examples=a, task_b_examples=b, same_input_type=same, low_level_features_shared=shared),
                        settings=given_facts(transfer_data_ratio=ratio, transfer_small_data=small))
    action = advice.action("transfer_learning")
    if expected is None:
        assert action is None, (a, b, same, shared, ratio)
    else:
        assert action is not None and action.params == {"fine_tune": expected}, (a, b, same, shared, ratio, small)


@some
@given(a=task_counts, extra=st.integers(0, 10**7), ratio=st.one_of(st.none(), st.floats(1, 1000)))
def test_transfer_is_never_recommended_when_a_has_less_data_than_b(a: int, extra: int, ratio: float | None) -> None:
    b = a + extra  # B has at least as much data as A
    advice = mls.advise(task_a_examples=a, task_b_examples=b, same_input_type=True, low_level_features_shared=True,
                        settings=given_facts(transfer_data_ratio=ratio))
    assert "transfer_learning" not in names(advice.actions)


@some
@given(a=task_counts, more=st.integers(1, 10**7), b=task_counts)
def test_more_data_for_a_never_withdraws_transfer(a: int, more: int, b: int) -> None:
    facts = {"task_b_examples": b, "same_input_type": True, "low_level_features_shared": True}
    if mls.advise({**facts, "task_a_examples": a}).action("transfer_learning") is not None:
        assert mls.advise({**facts, "task_a_examples": a + more}).action("transfer_learning") is not None


# ================================================================ Multi-task learning
task_tables = st.dictionaries(labels, task_counts, min_size=1, max_size=5)


@some
@given(tasks=task_tables, shared=optional_flags, big=optional_flags, incomplete=optional_flags,
       balance=st.one_of(st.none(), st.sampled_from([0.1, 0.5]), fractions))
def test_multi_task_or_separate_models_agrees_with_reference(tasks, shared, big, incomplete, balance) -> None:
    threshold = ref.MULTITASK_BALANCE if balance is None else balance
    clear(ref.task_balance(tasks), threshold)
    expected = ref.multi_task(tasks, shared, big, threshold)
    advice = mls.advise(given_facts(tasks=tasks, low_level_features_shared=shared, can_train_big_network=big,
                                    labels_incomplete=incomplete), settings=given_facts(multitask_balance=balance))
    chosen = {"multi_task_learning", "separate_models"} & set(names(advice.actions))
    assert chosen == ({expected} if expected else set()), (tasks, shared, big, threshold, expected, chosen)
    if expected == "multi_task_learning":
        params = advice.action("multi_task_learning").params
        assert params["tasks"] == sorted(tasks)
        assert ("loss" in params) == bool(incomplete)


# ================================================================ End-to-end deep learning
stage_tables = st.dictionaries(labels, st.one_of(st.integers(0, 10**8), st.sampled_from([50_000, 1_000_000])),
                               min_size=1, max_size=3)
pair_counts = st.one_of(st.integers(0, 10**7), st.sampled_from([0, 1_000, 3_000, 50_000, 100_000, 10_000_000]))


def end_to_end_expected(pairs, stages, simpler, minimum=None, ratio=None):
    minimum = ref.MIN_END_TO_END_EXAMPLES if minimum is None else minimum
    ratio = ratio or ref.PIPELINE_DATA_RATIO
    if stages and pairs:
        clear(min(stages.values()) / pairs, ratio, 1e-6)  # the engine rounds the ratio to 9 decimals
    return ref.end_to_end_or_pipeline(pairs, stages, simpler, minimum, ratio)


def learning_setup(advice: mls.Advice) -> set[str]:
    return {"end_to_end", "pipeline"} & set(names(advice.actions))


@some
@given(pairs=st.one_of(st.none(), pair_counts), stages=st.one_of(st.none(), stage_tables), simpler=optional_flags,
       minimum=st.one_of(st.none(), st.integers(0, 10**7)), ratio=st.one_of(st.none(), st.floats(1, 100)))
def test_end_to_end_or_pipeline_agrees_with_reference(pairs, stages, simpler, minimum, ratio) -> None:
    expected = end_to_end_expected(pairs, stages, simpler, minimum, ratio)
    advice = mls.advise(given_facts(end_to_end_examples=pairs, stage_examples=stages, stages_simpler=simpler),
                        settings=given_facts(min_end_to_end_examples=minimum, pipeline_data_ratio=ratio))
    assert learning_setup(advice) == ({expected} if expected else set()), (pairs, stages, simpler, minimum, ratio)


@some
@given(pairs=pair_counts, stages=st.one_of(st.none(), stage_tables), simpler=optional_flags,
       minimum=st.one_of(st.none(), st.integers(0, 10**7)), ratio=st.one_of(st.none(), st.floats(1, 100)))
def test_exactly_one_of_end_to_end_and_pipeline_when_the_pairs_are_known(pairs, stages, simpler, minimum, ratio) -> None:
    advice = mls.advise(given_facts(end_to_end_examples=pairs, stage_examples=stages, stages_simpler=simpler),
                        settings=given_facts(min_end_to_end_examples=minimum, pipeline_data_ratio=ratio))
    assert len(learning_setup(advice)) == 1, (pairs, stages, simpler, minimum, ratio, names(advice.actions))


@some
@given(pairs=pair_counts, more=st.integers(1, 10**7), stages=st.one_of(st.none(), stage_tables), simpler=optional_flags)
def test_more_end_to_end_data_never_flips_end_to_end_to_pipeline(pairs, more, stages, simpler) -> None:
    facts = given_facts(stage_examples=stages, stages_simpler=simpler)
    before = learning_setup(mls.advise({**facts, "end_to_end_examples": pairs}))
    after = learning_setup(mls.advise({**facts, "end_to_end_examples": pairs + more}))
    if before == {"end_to_end"}:
        assert after == {"end_to_end"}, (pairs, more, stages, simpler)
