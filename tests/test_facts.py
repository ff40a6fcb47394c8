"""The fact base: what is accepted, and how bad input is reported before anything runs."""
from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

import mlstrategy as mls
from mlstrategy.facts import FACT_GROUPS, Situation

VOCABULARY_INPUTS = {
    "human_error", "human_errors", "bayes_error", "train_error", "train_dev_error", "dev_error", "test_error",
    "train_size", "train_dev_size", "dev_size", "test_size", "total_examples", "train_distribution",
    "dev_distribution", "test_distribution", "target_examples", "other_distribution_examples",
    "production_distribution", "structured_data", "precision", "recall", "confusion_matrix", "class_weights",
    "candidates", "tracked_metrics", "maximize", "minimize", "optimizing_metric", "satisficing",
    "metric_matches_users", "real_world_ok", "error_analysis", "train_label_errors", "task_a_examples",
    "task_b_examples", "same_input_type", "low_level_features_shared", "tasks", "can_train_big_network",
    "labels_incomplete", "end_to_end_examples", "stage_examples", "stages_simpler", "train_curve", "dev_curve",
    "target_error",
}


def test_every_vocabulary_input_is_a_field_and_in_a_group():
    assert VOCABULARY_INPUTS == set(Situation.model_fields)
    grouped = [name for names in FACT_GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(VOCABULARY_INPUTS)


@pytest.mark.parametrize("text, value", [("8%", 0.08), ("8.5 %", 0.085), ("0.08", 0.08), (0.08, 0.08), (0, 0.0), (1, 1.0)])
def test_fractions_accept_numbers_and_percent_strings(text, value):
    assert Situation(train_error=text).train_error == pytest.approx(value)


def test_bare_percentage_gets_a_hint():
    with pytest.raises(ValidationError) as caught:
        Situation(train_error=8)
    message = str(caught.value)
    assert "train_error" in message and "8% = 0.08" in message


@pytest.mark.parametrize("bad", [1.5, -0.1, 250, float("nan"), float("inf"), "eight", True, [0.1], {"a": 1}])
def test_out_of_range_or_wrong_type_errors_are_validation_errors(bad):
    with pytest.raises(ValidationError) as caught:
        mls.advise(train_error=bad, dev_error=0.1)
    assert "train_error" in str(caught.value)


def test_unknown_key_names_the_closest_valid_one():
    with pytest.raises(ValidationError) as caught:
        mls.advise(trian_error=0.1, dev_error=0.1)
    assert "did you mean 'train_error'" in str(caught.value)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "many"])
def test_sizes_are_non_negative_whole_numbers(bad):
    with pytest.raises(ValidationError) as caught:
        Situation(dev_size=bad)
    assert "dev_size" in str(caught.value)


def test_settings_are_validated_and_never_facts():
    with pytest.raises(ValidationError):
        mls.advise(train_error=0.1, settings={"min_gapp": 0.01})
    with pytest.raises(ValidationError):
        mls.advise(train_error=0.1, min_gap=0.01)  # a setting passed as a fact is an unknown fact


def test_the_default_settings_are_the_validated_defaults():
    """The defaults three ways (the model's DEFAULT_SETTINGS, its engine fields, and mlstrategy.plain's table,
    which plain advice reads without the model) are what validating no override gives; no override is the
    defaults themselves."""
    from mlstrategy.settings import _DEFAULT_FIELDS, DEFAULT_SETTINGS, Settings

    validated = Settings.model_validate({})
    assert DEFAULT_SETTINGS == validated and DEFAULT_SETTINGS.model_dump() == validated.model_dump()
    assert DEFAULT_SETTINGS.model_fields_set == validated.model_fields_set == set()
    assert _DEFAULT_FIELDS == validated.as_fields() == DEFAULT_SETTINGS.as_fields()
    from mlstrategy.plain import SETTINGS_DEFAULTS, default_setting_fields

    assert default_setting_fields() == _DEFAULT_FIELDS and SETTINGS_DEFAULTS == validated.model_dump()
    assert [type(value) for value in default_setting_fields().values()] == [type(v) for v in _DEFAULT_FIELDS.values()]
    assert Settings.from_any({}) is Settings.from_any(None) is DEFAULT_SETTINGS
    assert Settings.from_any({"min_gap": 0.001}) == DEFAULT_SETTINGS  # validated, equal


def test_mapping_and_keywords_merge_keywords_winning():
    advice = mls.advise({"human_error": 0.01, "train_error": 0.5}, train_error=0.08, dev_error=0.10)
    assert advice.values["avoidable_bias"] == pytest.approx(0.07)


def test_situation_files_yaml_json_toml(tmp_path):
    facts = {"human_error": 0.01, "train_error": 0.08, "dev_error": 0.1}
    (tmp_path / "s.json").write_text(json.dumps(facts))
    (tmp_path / "s.yaml").write_text("human_error: 1%\ntrain_error: 8%\ndev_error: 10%\n")
    (tmp_path / "s.toml").write_text("human_error = 0.01\ntrain_error = 0.08\ndev_error = 0.1\n")
    for name in ("s.json", "s.yaml", "s.toml"):
        assert Situation.from_file(tmp_path / name).given() == facts


def test_a_file_that_is_not_a_mapping_is_a_validation_error(tmp_path):
    (tmp_path / "bad.yaml").write_text("- 1\n- 2\n")
    with pytest.raises(ValidationError):
        Situation.from_file(tmp_path / "bad.yaml")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(ValidationError):
        Situation.from_file(tmp_path / "broken.json")


def test_structured_inputs_validate_their_parts():
    with pytest.raises(ValidationError):
        Situation(error_analysis={"examined": 100, "categories": {"dogs": 120}})
    with pytest.raises(ValidationError):
        Situation(candidates=[{"name": "A", "accuracy": 0.9}, {"name": "A", "accuracy": 0.8}])
    with pytest.raises(ValidationError):
        Situation(satisficing={"running_time_ms": {}})
    ok = Situation(candidates=[{"name": "A", "f1": 0.9, "running_time_ms": 80}],
                   satisficing={"running_time_ms": {"max": 100}},
                   confusion_matrix={"tp": 3, "fp": 1, "fn": 2, "tn": 4})
    assert ok.candidates[0].metrics == {"f1": 0.9, "running_time_ms": 80.0}


def test_a_non_mapping_situation_is_a_validation_error():
    with pytest.raises(ValidationError):
        mls.advise([0.1, 0.2])
