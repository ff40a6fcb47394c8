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


def test_a_plain_advise_from_flags_imports_no_reader_it_does_not_need() -> None:
    """`mlstrategy advise --human-error 1% ...` reads no file: PyYAML (for structured flag values such as
    '{expert: 0.01}') and tomllib load on use, and so do the heavy optional libraries and the explanations."""
    import subprocess
    import sys

    code = ("import io, sys, contextlib; from mlstrategy.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    code = main(['advise', '--human-error', '1%', '--train-error', '8%', '--dev-error', '10%', "
            "'--dev-size', '5000', '--format', 'text'])\n"
            "print(code, sorted(({m.split('.')[0] for m in sys.modules} | set(sys.modules)) & {'yaml', 'tomllib', "
            "'tomli', 'networkx', 'rich', 'matplotlib', 'pandas', 'numpy', 'sklearn', 'mlflow', "
            "'mlstrategy.inference.explain'}))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.split(maxsplit=1) == ["0", "[]\n"]


def test_a_structured_flag_value_still_reads_as_yaml() -> None:
    from mlstrategy.facts import parse_text_value

    assert parse_text_value("{expert: 0.01, typical: 2%}") == {"expert": 0.01, "typical": "2%"}
    assert parse_text_value("[1%, 2%]") == ["1%", "2%"]
    assert parse_text_value("yes") is True and parse_text_value(" Off ") is False and parse_text_value("- 1%") == ["1%"]
    assert parse_text_value("--- true") is True
    for plain in ("8%", "0.08", "-5%", "web", "mobile photos", "1e-3", "", "null", "yesterday", "on-device"):
        assert parse_text_value(plain) == plain


def test_a_bare_import_loads_no_dependency_and_every_name_loads_on_use() -> None:
    """`import mlstrategy` imports neither pydantic nor the engine (PEP 562); each public name loads what it needs."""
    import subprocess
    import sys

    code = ("import sys, mlstrategy\nbare = sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'pydantic', 'durable', 'typing'} or m.startswith('mlstrategy.'))\n"
            "from mlstrategy import *  # noqa: F403\n"
            "print(bare, all(hasattr(mlstrategy, name) for name in mlstrategy.__all__), "
            "set(mlstrategy.__all__) <= set(dir(mlstrategy)), mlstrategy.inference.plan.__name__)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["['mlstrategy._version']", "True", "True", "mlstrategy.inference.plan"]


def test_a_plain_advise_without_sizes_imports_no_module_it_does_not_use() -> None:
    """No candidates: no mlstrategy.choice; no set sizes: no statistics; no misspelt name: no difflib; one
    situation: no batch runner."""
    import subprocess
    import sys

    code = ("import io, sys, contextlib; from mlstrategy.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    code = main(['advise', '--human-error', '1%', '--train-error', '8%', '--dev-error', '10%'])\n"
            "print(code, sorted(set(sys.modules) & {'difflib', 'statistics', 'mlstrategy.choice', 'mlstrategy.batch'}))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.split(maxsplit=1) == ["0", "[]\n"]
