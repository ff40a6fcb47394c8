"""The lint and type gates: `pytest -q` (and so CI) fails on a ruff finding or a mypy error.

Both tools read their settings from pyproject.toml ([tool.ruff], [tool.mypy]). mypy checks the three
packages as installed: knowledge/ and inference/ install as mlstrategy.knowledge and mlstrategy.inference
(setuptools' package-dir), a mapping mypy cannot follow on the source tree (`mypy -p mlstrategy` there
silently skips both). So the gate lays the installed layout out as a tree of symbolic links and checks that.

Run by hand: `python tests/test_lint.py` (prints what the gates found).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"mlstrategy": ROOT / "mlstrategy", "mlstrategy/knowledge": ROOT / "knowledge",
            "mlstrategy/inference": ROOT / "inference"}
"""Installed package path -> source folder (the [tool.setuptools.package-dir] mapping)."""


def installed_tree(base: Path) -> Path:
    """Lay the source folders out as they install (links, so mypy reports the real files' lines)."""
    for target, source in PACKAGES.items():
        folder = base / target
        folder.mkdir(parents=True, exist_ok=True)
        for path in source.iterdir():
            link = folder / path.name
            if path.suffix in (".py", ".pyi") or path.name == "py.typed" or (path / "__init__.py").exists():
                if link.is_symlink() and link.resolve() != path.resolve():
                    link.unlink()
                if not link.is_symlink():
                    link.symlink_to(path)
        for stale in folder.iterdir():  # a module deleted or renamed since the last run
            if stale.is_symlink() and not stale.exists():
                stale.unlink()
    return base


def run_ruff() -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                          cwd=ROOT, capture_output=True, text=True, check=False)


def run_mypy() -> subprocess.CompletedProcess[str]:
    # a stable place for the tree and mypy's cache: the second run in a checkout takes a second or two
    cache = ROOT / ".mypy_cache"
    tree = installed_tree(cache / "installed-tree")
    return subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
                           "--cache-dir", str(cache), "-p", "mlstrategy"],
                          cwd=tree, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing() -> None:
    result = run_ruff()
    assert result.returncode == 0, f"ruff check (rules in pyproject.toml [tool.ruff]):\n{result.stdout}{result.stderr}"


def test_mypy_finds_nothing_in_any_installed_package() -> None:
    result = run_mypy()
    assert result.returncode == 0, f"mypy (settings in pyproject.toml [tool.mypy]):\n{result.stdout}{result.stderr}"
    checked = int(result.stdout.rsplit("in ", 1)[1].split()[0])  # 'Success: no issues found in N source files'
    sources = {path for folder in PACKAGES.values() for path in folder.rglob("*.py")}
    assert checked == len(sources)  # every module of every package, none skipped


def test_the_installed_tree_holds_every_package_module(tmp_path: Path) -> None:
    tree = installed_tree(tmp_path)
    for target, source in PACKAGES.items():
        assert {p.name for p in (tree / target).glob("*.py")} == {p.name for p in source.glob("*.py")}
    assert (tree / "mlstrategy" / "knowledge" / "dsl.py").resolve() == (ROOT / "knowledge" / "dsl.py").resolve()


if __name__ == "__main__":
    for run in (run_ruff, run_mypy):
        outcome = run()
        print(outcome.stdout, outcome.stderr, sep="", end="")
