"""Compatibility: the docs/rules.md generator is now `mlstrategy.rules_doc` (this path keeps working, also as
`python -m mlstrategy.catalogue [vocabulary]`). The catalogue metadata (diagnoses, actions) is
`mlstrategy.knowledge.catalog`."""
from __future__ import annotations

from .rules_doc import conclusion_text, markdown, vocabulary

__all__ = ["markdown", "vocabulary", "conclusion_text"]

if __name__ == "__main__":  # pragma: no cover
    import sys

    print(vocabulary() if sys.argv[1:] == ["vocabulary"] else markdown(), end="")
