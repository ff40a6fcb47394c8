"""Shared fixtures: the project root, and names() for lists of named results."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def names(items):
    return [item.name for item in items]


@pytest.fixture
def root() -> Path:
    return ROOT
