"""Docs that ship are generated: the committed docs/vocabulary.md must match the models and catalogues."""
from __future__ import annotations

from conftest import ROOT
from mlstrategy.catalogue import vocabulary
from mlstrategy.facts import Situation
from mlstrategy.knowledge.catalog import ACTIONS, DIAGNOSES


def test_the_vocabulary_is_current():
    committed = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    assert committed == vocabulary(), (
        "docs/vocabulary.md is stale: run `python -m mlstrategy.catalogue vocabulary > docs/vocabulary.md`")


def test_the_vocabulary_names_every_fact_diagnosis_and_action():
    text = vocabulary()
    for name in [*Situation.model_fields, *DIAGNOSES, *ACTIONS]:
        assert f"| `{name}` |" in text, name
    assert "--human-error" in text and "ci_low:<name>" in text
