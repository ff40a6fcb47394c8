"""mlstrategy/render.py: advice as text, Markdown, JSON and rich, and the graph as DOT."""
from __future__ import annotations

import json

import pytest

import mlstrategy as mls


@pytest.fixture
def bias():
    return mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10)


def test_renderings(bias):
    text = str(bias)
    assert "Primary problem: avoidable_bias" in text and "bigger_model" in text
    markdown = bias.to_markdown()
    assert markdown.startswith("## mlstrategy advice") and "`bigger_model`" in markdown
    assert bias._repr_markdown_() == markdown
    data = json.loads(bias.to_json())
    assert data["primary_problem"] == "avoidable_bias"
    assert data["actions"][0]["name"] == "bigger_model"
    assert data["values"]["avoidable_bias"] == pytest.approx(0.07)
    from rich.console import Console

    console = Console(record=True, width=120)
    console.print(bias)
    assert "bigger_model" in console.export_text()


def test_dot_export_escapes_quotes_in_user_text():
    import shutil
    import subprocess

    advice = mls.advise(train_error=0.01, dev_error=0.1, train_distribution='phone "pro"', dev_distribution="web\\x")
    dot = advice.to_dot()
    assert 'phone \\"pro\\"' in dot
    if shutil.which("dot"):
        subprocess.run(["dot", "-Tsvg"], input=dot, text=True, check=True, capture_output=True)
