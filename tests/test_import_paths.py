"""Renamed modules keep their old import paths working (thin re-exports of the same objects)."""
from __future__ import annotations

import subprocess
import sys

import mlstrategy as mls


def fresh_process(code: str) -> str:
    """What `code` prints in a fresh interpreter (what a process imports is the question of most tests here)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_the_advise_module_answers_at_its_old_path() -> None:
    from mlstrategy import advisor, consult

    assert consult.advise is advisor.advise is mls.advise
    assert consult.rules is advisor.rules is mls.rules
    assert consult.default_engine is advisor.default_engine
    assert consult.default_engine() is advisor.default_engine()  # one engine per process, whichever path


def test_the_rules_document_generator_answers_at_its_old_path_and_as_a_command() -> None:
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
    code = ("import io, sys, contextlib; from mlstrategy.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    code = main(['advise', '--human-error', '1%', '--train-error', '8%', '--dev-error', '10%', "
            "'--dev-size', '5000', '--format', 'text'])\n"
            "print(code, sorted(({m.split('.')[0] for m in sys.modules} | set(sys.modules)) & {'yaml', 'tomllib', "
            "'tomli', 'networkx', 'rich', 'matplotlib', 'pandas', 'numpy', 'sklearn', 'mlflow', "
            "'mlstrategy.inference.explain'}))")
    shown = fresh_process(code)
    assert shown.split(maxsplit=1) == ["0", "[]\n"]


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
    code = ("import sys, mlstrategy\nbare = sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'pydantic', 'durable', 'typing'} or m.startswith('mlstrategy.'))\n"
            "from mlstrategy import *  # noqa: F403\n"
            "print(bare, all(hasattr(mlstrategy, name) for name in mlstrategy.__all__), "
            "set(mlstrategy.__all__) <= set(dir(mlstrategy)), mlstrategy.inference.plan.__name__)")
    shown = fresh_process(code)
    assert shown.split() == ["['mlstrategy._version']", "True", "True", "mlstrategy.inference.plan"]


def test_a_plain_advise_without_sizes_imports_no_module_it_does_not_use() -> None:
    """No candidates: no mlstrategy.choice; no set sizes: no statistics; no misspelt name: no difflib; one
    situation: no batch runner."""
    code = ("import io, sys, contextlib; from mlstrategy.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    code = main(['advise', '--human-error', '1%', '--train-error', '8%', '--dev-error', '10%'])\n"
            "print(code, sorted(set(sys.modules) & {'difflib', 'statistics', 'mlstrategy.choice', 'mlstrategy.batch'}))")
    shown = fresh_process(code)
    assert shown.split(maxsplit=1) == ["0", "[]\n"]


def test_threads_first_using_the_models_at_once_all_read_them_right() -> None:
    """The models loaded on first need, under concurrency: eight threads released together each validate a nested
    situation and settings first thing in a fresh process; every one gets the right model (errors stay errors)."""
    code = ("import threading, mlstrategy as m\nfrom pydantic import ValidationError\n"
            "gate = threading.Barrier(8); out = []\n"
            "def work(i):\n"
            "    gate.wait()\n"
            "    s = m.Situation.from_any(dev_error=0.1, confusion_matrix={'tp': i, 'fp': 1, 'fn': 1, 'tn': 9})\n"
            "    t = m.Settings.from_any({'min_gap': 0.002})\n"
            "    try:\n"
            "        m.Situation.from_any(dev_error=0.1, confusion_matrix={'tp': -1, 'fp': 1, 'fn': 1, 'tn': 9})\n"
            "        bad = 'accepted'\n"
            "    except ValidationError:\n"
            "        bad = 'refused'\n"
            "    out.append((s.confusion_matrix.tp == i, t.min_gap, bad))\n"
            "threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]\n"
            "[t.start() for t in threads]; [t.join() for t in threads]\n"
            "print(sorted(set(out)), len(out))")
    shown = fresh_process(code)
    assert shown.strip() == "[(True, 0.002, 'refused')] 8"


def test_plain_advice_never_loads_pydantic_and_its_situation_loads_the_models_on_first_use() -> None:
    """Plain facts (flags, keywords, a dict of numbers and names) are read from the models' table: neither the
    command line nor `advise()` imports pydantic for them, their advice renders in every plain format, and
    `advice.situation` / `advice.settings` load the models on first use and equal what validation gives."""
    code = ("import io, sys, contextlib, json; from mlstrategy.cli import main; import mlstrategy as m\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    code = main(['advise', '--human-error', '1%', '--train-error', '8%', '--dev-error', '10%', "
            "'--dev-size', '5000', '--format', 'json'])\n"
            "a = m.advise({'human_error': '1%', 'train_error': 0.08}, dev_error=0.1, tasks={'a': 3})\n"
            "texts = (str(a), a.to_json(), a.to_markdown(), a.to_html(), a.why(a.actions[0].name), a.graph)\n"
            "before = sorted(name for name in sys.modules if name.split('.')[0] in ('pydantic', 'pydantic_core'))\n"
            "s = a.situation; t = a.settings\n"
            "from mlstrategy.facts import Situation; from mlstrategy.settings import DEFAULT_SETTINGS\n"
            "same = s == Situation.model_validate({'human_error': '1%', 'train_error': 0.08, 'dev_error': 0.1, "
            "'tasks': {'a': 3}}) and s.model_fields_set == {'human_error', 'train_error', 'dev_error', 'tasks'}\n"
            "print(code, before, same, t is DEFAULT_SETTINGS, json.loads(texts[1])['settings'] == t.model_dump())")
    shown = fresh_process(code)
    assert shown.split() == ["0", "[]", "True", "True", "True"]


def test_a_plain_situation_file_is_advised_without_pydantic_and_a_bad_one_is_refused_by_it(tmp_path) -> None:
    """A YAML/JSON/TOML file of plain facts is read (mlstrategy.files) and advised without the models; a file
    that cannot be read is one ValidationError naming it, pydantic loaded only to raise it."""
    (tmp_path / "s.yaml").write_text("human_error: 1%\ntrain_error: 8%\ndev_error: 10%\ndev_size: 5000\n")
    (tmp_path / "bad.yaml").write_text("train_error: 8%\ntrain_error: 9%\n")
    code = ("import io, sys, contextlib; from mlstrategy.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            f"    code = main(['advise', {str(tmp_path / 's.yaml')!r}, '--format', 'json'])\n"
            "loaded = any(name.split('.')[0] in ('pydantic', 'pydantic_core') for name in sys.modules)\n"
            "import json; primary = json.loads(out.getvalue())['primary_problem']\n"
            "with contextlib.redirect_stderr(io.StringIO()) as err:\n"
            f"    bad = main(['advise', {str(tmp_path / 'bad.yaml')!r}])\n"
            "print(code, loaded, primary, bad, 'appears twice' in err.getvalue())")
    shown = fresh_process(code)
    assert shown.split() == ["0", "False", "avoidable_bias", "2", "True"]


def test_the_demo_needs_no_pydantic_and_its_situation_validates() -> None:
    code = ("import io, sys, contextlib, mlstrategy as m; from mlstrategy.cli import main, demo_facts, demo_situation\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    code = main(['demo'])\n"
            "loaded = any(name.split('.')[0] in ('pydantic', 'pydantic_core') for name in sys.modules)\n"
            "print(code, loaded, 'Primary problem: data_mismatch' in out.getvalue(), "
            "demo_situation().given() == m.advise(demo_facts()).inputs)")
    shown = fresh_process(code)
    assert shown.split() == ["0", "False", "True", "True"]


def test_the_adapters_package_loads_each_adapter_on_first_use() -> None:
    """Reading a training log imports neither the other adapters nor the models; the package still lists every
    name and module (dir, help, tab completion) and gives each on first use, as its eager imports did."""
    out = fresh_process(
        "import sys, mlstrategy.adapters.history\n"
        "print(sorted(m for m in sys.modules if m.startswith('mlstrategy.adapters.') or m == 'mlstrategy.facts'))\n"
        "import mlstrategy.adapters as A\n"
        "print(all(n in dir(A) for n in (*A.__all__, 'history', 'predictions', 'runs', 'sheets')))\n"
        "print(A.sheets.__name__, A.situation_from_runs.__module__)")
    loaded, listed, found = out.splitlines()
    assert loaded == "['mlstrategy.adapters._common', 'mlstrategy.adapters.history']"
    assert listed == "True" and found == "mlstrategy.adapters.sheets mlstrategy.adapters.runs"
