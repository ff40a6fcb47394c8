"""knowledge/gaps.py: the error ladder and the steps each gap spans, defined once (by the gap rules themselves)."""
from __future__ import annotations

import mlstrategy as mls
from mlstrategy.knowledge.gaps import GAP_ENDS, GAPS, LADDER


def test_each_gap_spans_two_ladder_steps_from_below_to_above() -> None:
    assert set(GAP_ENDS) == set(GAPS)
    for gap, (lows, highs) in GAP_ENDS.items():
        assert lows and highs, gap
        for low in lows:
            for high in highs:
                assert LADDER.index(low) < LADDER.index(high), (gap, low, high)


def test_the_gaps_read_off_the_rules_are_the_courses() -> None:
    assert GAP_ENDS["avoidable_bias"] == (("bayes_proxy",), ("train_error",))
    assert GAP_ENDS["variance"] == (("train_error",), ("train_dev_error", "dev_error"))
    assert GAP_ENDS["data_mismatch"] == (("train_dev_error",), ("dev_error",))
    assert GAP_ENDS["dev_set_overfitting"] == (("dev_error",), ("test_error",))


def test_a_gaps_value_is_the_difference_of_the_steps_it_spans() -> None:
    facts = {"human_error": 0.01, "train_error": 0.08, "train_dev_error": 0.09, "dev_error": 0.12, "test_error": 0.13}
    advice = mls.advise(**facts)
    known = {**facts, "bayes_proxy": advice.values["bayes_proxy"]}
    for gap, (lows, highs) in GAP_ENDS.items():
        low, high = lows[0], highs[0]
        assert abs(advice.values[gap] - (known[high] - known[low])) < 1e-12, gap


def test_the_ladder_picture_keeps_no_diverging_copy() -> None:
    """Until mlstrategy/plots.py reads GAP_ENDS and LADDER itself, its copies must agree with them."""
    from mlstrategy import plots

    assert getattr(plots, "_GAP_ENDS", GAP_ENDS) == GAP_ENDS
    assert tuple(name for name, _ in getattr(plots, "_LEVELS", ())) in ((), LADDER)
