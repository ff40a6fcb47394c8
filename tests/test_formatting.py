"""inference/formatting.py: which values read as percentages is decided by metadata, not guessed from names."""
from __future__ import annotations

from mlstrategy.facts import Situation, fraction_fields
from mlstrategy.inference.formatting import field_title, format_value, percent
from mlstrategy.knowledge.catalog import FRACTION_VALUES
from mlstrategy.settings import Settings


def test_fields_typed_fraction_are_the_percentages_among_inputs_and_settings() -> None:
    inputs, settings = fraction_fields(Situation), fraction_fields(Settings)
    assert {"human_error", "train_error", "dev_error", "human_errors", "precision"} <= inputs
    assert not {"dev_size", "candidates", "train_distribution"} & inputs
    assert {"min_gap", "curve_improving", "curve_high", "multitask_balance"} <= settings
    assert not {"confidence", "dev_test_cap", "split_tolerance"} & settings


def test_a_fraction_setting_reads_as_a_percentage_like_the_value_it_is_compared_with() -> None:
    assert format_value("setting:curve_improving", 0.01) == "1%"
    assert format_value("train_curve_improvement", 0.107) == "10.7%"
    assert format_value("setting:confidence", 0.95) == "0.95"  # a probability setting, not typed Fraction
    assert format_value("setting:dev_test_cap", 10_000) == "10,000"


def test_every_derived_fraction_and_family_reads_as_a_percentage() -> None:
    for name in FRACTION_VALUES:
        assert format_value(name, 0.5) == "50%", name
    assert format_value("ceiling:dogs", 0.05) == "5%" and format_value("ci_low:variance", -0.001) == "-0.1%"
    assert format_value("f1:A", 0.9) == "90%" and format_value("weighted_error:B", 0.02) == "2%"


def test_a_known_count_never_reads_as_a_percentage_and_a_user_metric_falls_back_to_its_name() -> None:
    assert format_value("dev_size", 1) == "1" and format_value("total_examples", 0.5) == "0.5"
    assert format_value("top5_error", 0.2) == "20%"  # a candidate metric the user named: only the name can tell
    assert format_value("running_time_ms", 80) == "80"


def test_other_values_read_plainly() -> None:
    assert percent(0.075) == "7.5%" and percent(0.0005) == "0.05%" and percent(-0.0) == "0%"
    assert format_value("x", None) == "unknown" and format_value("x", True) == "true"
    assert format_value("human_errors", {"expert": 0.01}) == "expert 1%"
    assert format_value("tracked_metrics", ["precision", "recall"]) == "precision, recall"
    assert field_title("diagnosis:variance") == "diagnosis variance" and field_title("train_error") == "training error"
