"""Short, bounded renderings of any input for messages (no pydantic: plain input and file reading use them)."""
from __future__ import annotations

import math
import reprlib
from typing import Any

__all__ = ["MAX_MESSAGE", "excerpt", "one_line"]

MAX_MESSAGE = 2_000
"""A message line is cut at this many characters: the longest we write (every valid name) is about 1,500."""


def one_line(text: str) -> str:
    """Text on one line (runs of whitespace, newlines included, made one space), cut at `MAX_MESSAGE`."""
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " ..."


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict = 3, 4, 4, 4
_REPR.maxset, _REPR.maxfrozenset, _REPR.maxdeque, _REPR.maxarray = 4, 4, 4, 4
_REPR.maxstring, _REPR.maxother = 60, 60


def excerpt(value: Any, limit: int = 60) -> str:
    """A short, printable rendering of any input for a message: text cut at `limit` characters (with its full
    length), containers to a few items and levels, huge integers by their number of digits, control characters
    escaped. Its cost is bounded whatever the input (a YAML alias bomb, a 10**5000), so messages never echo
    unbounded input.

    >>> excerpt("8 %"), excerpt("x" * 100, 5), excerpt(10**5000), excerpt([[1, 2, 3, 4, 5, 6]])
    ('8 %', 'xxxxx... (100 characters)', 'a 5001-digit number', '[[1, 2, 3, 4, ...]]')
    """
    if isinstance(value, str):
        text = value if len(value) <= limit else value[:limit]
        text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
        return text if len(value) <= limit else f"{text}... ({len(value):,} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"a {_digits(value)}-digit number"
    try:
        text = _REPR.repr(value)
    except Exception:  # a hostile __repr__, or an int too long to print
        text = f"a {type(value).__name__}"
    return excerpt(text, limit) if len(text) > limit or not text.isprintable() else text


def _digits(number: int) -> int:
    """The number of decimal digits of an integer, without str() (which refuses over 4,300 digits)."""
    number = abs(number)
    estimate = max(1, int(number.bit_length() * math.log10(2)))
    return estimate + 1 if number >= 10**estimate else estimate

