"""Safe text for terminals and documents: user text never carries control characters into a rendering.

A category named `\\x1b]0;pwned\\x07` would retitle the user's terminal when a text report is printed, and a
bidirectional override can make a line read differently from what it holds. Every text rendering passes
its output (or each piece of user text) through `clean`; each markup format then escapes by its own
grammar (rich markup, Markdown, HTML, DOT, Mermaid: see `mlstrategy.render` and `mlstrategy.report`).

>>> clean("cats\\x1b]0;pwned\\x07 and dogs")
'cats]0;pwned and dogs'
"""
from __future__ import annotations

import re

__all__ = ["clean", "one_line"]

# C0 controls but tab and newline, DEL and C1 controls, and the bidirectional embedding/override/isolate marks.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """`text` without control characters (tabs and newlines are kept; a carriage return is dropped)."""
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """`clean(text)` on one line: newlines and tabs become spaces (for labels and table cells)."""
    return clean(text).replace("\n", " ").replace("\t", " ")
