"""Renamed modules keep their old import paths working (thin re-exports of the same objects)."""
from __future__ import annotations

import mlstrategy as mls


def test_the_advise_module_answers_at_its_old_path() -> None:
    from mlstrategy import advisor, consult

    assert consult.advise is advisor.advise is mls.advise
    assert consult.rules is advisor.rules is mls.rules
    assert consult.default_engine is advisor.default_engine
    assert consult.default_engine() is advisor.default_engine()  # one engine per process, whichever path


def test_the_rules_document_generator_answers_at_its_old_path_and_as_a_command() -> None:
    import subprocess
    import sys

    from mlstrategy import catalogue, rules_doc

    assert catalogue.markdown is rules_doc.markdown and catalogue.conclusion_text is rules_doc.conclusion_text
    shown = subprocess.run([sys.executable, "-m", "mlstrategy.catalogue"], capture_output=True, text=True, check=True)
    assert shown.stdout == rules_doc.markdown()


def test_the_template_filler_answers_at_its_old_name() -> None:
    from mlstrategy.inference import plan

    assert plan.render is plan.fill_template
    assert plan.render("{dev_error}", {"dev_error": 0.1}) == "10%"
