"""Packaging: the version, the generated rule catalogue, and a wheel that works outside the source tree."""
from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path


import mlstrategy as mls
from conftest import ROOT


def test_version_is_written_once_and_reported():
    from mlstrategy._version import __version__

    assert mls.__version__ == __version__
    assert f"## {__version__}" in (ROOT / "CHANGELOG.md").read_text()
    assert 'dynamic = ["version"]' in (ROOT / "pyproject.toml").read_text()


def test_rule_catalogue_is_current():
    from mlstrategy.rules_doc import markdown

    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == markdown(), "docs/rules.md is stale: run `python -m mlstrategy.rules_doc > docs/rules.md`"
    for rule in mls.rules():
        assert f"### `{rule.id}`" in committed
    assert "docs/rules.md" in (ROOT / "README.md").read_text()


def _run(*cmd: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, timeout=900, env=env)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def test_sdist_and_wheel_install_and_run_outside_the_source_tree(tmp_path):
    """Catches package-dir mapping and package-data mistakes that an editable install hides."""
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT), cwd=tmp_path)
    wheels = list(dist.glob("mlstrategy-*.whl"))
    assert len(wheels) == 1 and list(dist.glob("mlstrategy-*.tar.gz"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    _run(str(python), "-m", "pip", "install", "--quiet", str(wheels[0]), cwd=tmp_path)
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    demo = _run(str(env_dir / "bin" / "mlstrategy"), "demo", "--format", "text", cwd=tmp_path, env=clean)
    assert "Primary problem: data_mismatch" in demo.stdout
    code = ("import mlstrategy, sys; a = mlstrategy.advise(human_error=0.01, train_error=0.08, dev_error=0.10); "
            "assert 'site-packages' in mlstrategy.__file__, mlstrategy.__file__; print(a.primary_problem)")
    assert _run(str(python), "-c", code, cwd=tmp_path, env=clean).stdout.strip() == "avoidable_bias"
