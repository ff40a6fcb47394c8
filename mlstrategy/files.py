"""Situation and settings files (YAML, JSON, TOML) read into mappings, bounded and safely, without pydantic.

Every failure is one `pydantic.ValidationError` naming the file (the type of every invalid input); pydantic is
imported only to raise it, so a plain situation file advises without loading the models (`mlstrategy.plain`).
"""
from __future__ import annotations

import errno
import json
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._text import excerpt, one_line

if TYPE_CHECKING:  # pragma: no cover
    from pydantic import ValidationError

__all__ = ["MAX_FILE_BYTES", "MAX_YAML_BYTES", "yaml_limit", "load_mapping", "load_json", "load_yaml", "DuplicateKey",
           "input_error", "read_bytes", "decode_text", "read_text", "path_kind"]


def input_error(title: str, where: str, why: str, value: Any = None) -> "ValidationError":
    """A `pydantic.ValidationError` (a ValueError) for input that cannot be read.

    The same type as every other invalid fact, so callers and the CLI handle both alike. `where` names the
    part of the input (a set, a column); `value` is a short excerpt of the offending input for the message.
    """
    from pydantic_core import PydanticCustomError, ValidationError

    return ValidationError.from_exception_data(
        title,
        [{"type": PydanticCustomError("adapter_input", "{why}", {"why": why}), "loc": (where,),
          "input": value if value is not None else where}],
    )


def _shown(path: Any) -> str:
    """A file name for a message (cut only when absurdly long)."""
    return excerpt(str(path), 300)


def _path_problem(exc: Exception) -> str:
    """Why a path could not be opened or looked up, in words (os raises ValueError for a NUL byte)."""
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return "a path cannot hold a NUL character"


def path_kind(path: str | os.PathLike[str], *, title: str, what: str) -> str | None:
    """"file", "folder", "other" (a device, a FIFO) or None (nothing there) for a path, or one `ValidationError`
    when the path cannot even be looked up: a name too long for the file system, a NUL byte, a permission
    denied on the way (Path.exists() raises for those instead of answering)."""
    name = str(path)
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError) as exc:
        if isinstance(exc, OSError) and exc.errno == errno.ELOOP:  # a symlink loop: nothing readable there
            return None
        raise input_error(title, what, f"cannot look up {_shown(name)}: {_path_problem(exc)}", name) from None
    return "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"


def read_bytes(path: str | os.PathLike[str], *, limit: int, title: str, what: str = "file") -> bytes:
    """The bytes of a file, at most `limit` of them, or one `ValidationError` naming the file and the problem.

    The limit is enforced on the bytes actually read (one more than the limit is asked for), never on the size
    the file system reports: `/dev/zero`, a symlink to it or a FIFO reports 0 bytes and never ends.
    """
    name = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except IsADirectoryError:
        raise input_error(title, what, f"cannot read {_shown(name)}: it is a folder, not a file", name) from None
    except (OSError, ValueError) as exc:  # missing, unreadable, a broken symlink, a name too long, a NUL byte
        raise input_error(title, what, f"cannot read {_shown(name)}: {_path_problem(exc)}", name) from None
    if len(data) > limit:
        raise input_error(title, what, f"cannot read {_shown(name)}: a {what} is limited to {limit:,} bytes and this "
                          "one holds more", name)
    return data


def decode_text(data: bytes, *, title: str, what: str, name: str) -> str:
    """UTF-8 text (a leading byte-order mark, as Excel writes it, dropped), or a `ValidationError` saying where
    the first byte that is not UTF-8 is (line and column), so the user can find it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise input_error(title, what, f"cannot read {_shown(name)}: not UTF-8 text (byte {data[exc.start]:#04x} at "
                          f"line {line}, column {column}); save it as UTF-8", name) from None


def read_text(path: str | os.PathLike[str], *, limit: int, title: str, what: str = "file") -> str:
    """A UTF-8 text file, bounded as `read_bytes` is; every failure is one `ValidationError`."""
    return decode_text(read_bytes(path, limit=limit, title=title, what=what), title=title, what=what, name=str(path))


MAX_FILE_BYTES = 10 * 2**20
"""Situation and settings files larger than this (10 MiB) are refused: no real situation is that big."""
MAX_YAML_BYTES = 2**20
"""YAML files are limited to 1 MiB: even with libyaml, building Python values from YAML runs at about 0.3-1 MB/s
(10 MiB took 5-17 s, 2 MiB of mappings 6-11 s on a busy machine), so a larger file would not read within
seconds; no situation is that big. JSON and TOML parse 10 MiB in under 2 s. Without libyaml the limit is an
eighth of this (see `yaml_limit`)."""


def yaml_limit() -> int:
    """`MAX_YAML_BYTES` with libyaml; an eighth of it with PyYAML's pure-Python loader (29 s per MiB measured)."""
    import yaml

    return MAX_YAML_BYTES if getattr(yaml, "__with_libyaml__", False) else MAX_YAML_BYTES // 8


def load_mapping(path: str | Path) -> dict[str, Any]:
    """Parse a YAML, JSON or TOML file into a mapping; a file that is not a mapping is a ValidationError.

    YAML is read with a safe loader only (libyaml's when installed): nothing a file contains is ever executed.
    A key given twice is refused (JSON and YAML would silently keep the last one), and so is a file over
    `MAX_FILE_BYTES` (YAML: `MAX_YAML_BYTES`), counted on the bytes actually read.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    limit = MAX_FILE_BYTES if suffix in (".json", ".toml") else yaml_limit()
    kind = {".json": "JSON", ".toml": "TOML"}.get(suffix, "YAML")
    text = read_text(path, limit=limit, title="Situation", what=f"{kind} file")
    toml_error: tuple[type[Exception], ...] = ()  # TOML's error, once a TOML file is read (tomllib on use)
    try:
        if suffix == ".json":
            data = load_json(text)
        elif suffix == ".toml":
            if sys.version_info >= (3, 11):
                import tomllib
            else:  # pragma: no cover - Python 3.10
                import tomli as tomllib
            toml_error = (tomllib.TOMLDecodeError,)
            data = tomllib.loads(text)
        else:
            data = load_yaml(text)
    except RecursionError:
        raise _file_error(path, "it is nested too deeply") from None
    except toml_error as exc:  # it names a line, not the key: quote the line
        raise _file_error(path, str(exc) + _quote_line(text, str(exc))) from None
    except Exception as exc:  # ValueError (JSON), yaml.YAMLError
        raise _file_error(path, _yaml_message(exc)) from None
    if not isinstance(data, dict):
        raise _file_error(path, f"expected a mapping of fact names to values, got {type(data).__name__}")
    return data


def _yaml_message(error: Exception) -> str:
    """A YAML error as one phrase with its line ('... appears twice (line 3, column 1)'), without PyYAML's
    '<unicode string>' context lines; other errors as they are."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None)
    if mark is None or problem is None:
        return str(error)
    context = getattr(error, "context", None)
    return f"{context + ': ' if context else ''}{problem} (line {mark.line + 1}, column {mark.column + 1})"


def _quote_line(text: str, message: str) -> str:
    """': <the line>' for a parser message that names a line ('at line 2, column 18'), else ''."""
    import re

    found = re.search(r"line (\d+)", message)
    lines = text.splitlines()
    if not found or not 0 < int(found.group(1)) <= len(lines):
        return ""
    return f": {excerpt(lines[int(found.group(1)) - 1].strip(), 80)}"


class DuplicateKey(ValueError):
    """A key that appears twice in one JSON object or YAML mapping."""


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json's object_pairs_hook: a dict, or DuplicateKey naming the key given twice."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKey(f"the key '{excerpt(key)}' appears twice in one object")
        result[key] = value
    return result


def load_json(text: str) -> Any:
    """JSON with a key given twice in one object refused (the standard library keeps the last silently)."""
    return json.loads(text, object_pairs_hook=_unique_pairs)


_YAML_LOADER: Any = None


def _yaml_loader() -> Any:
    """A safe YAML loader, libyaml's (CSafeLoader, 5-20x faster) when installed, that refuses duplicate keys."""
    global _YAML_LOADER
    if _YAML_LOADER is not None:
        return _YAML_LOADER
    import yaml

    class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: set[Any] = set()
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":  # '<<: *defaults' may be overridden
                        continue
                    key = self.construct_object(key_node, deep=True)
                    try:
                        duplicate = key in seen
                        seen.add(key)
                    except TypeError:  # an unhashable key: the base class reports it
                        continue
                    if duplicate:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"the key '{excerpt(key)}' appears twice in one mapping", key_node.start_mark)
            return super().construct_mapping(node, deep=deep)

    _YAML_LOADER = _UniqueKeyLoader
    return _YAML_LOADER


def load_yaml(text: str) -> Any:
    """YAML read safely (no code runs), with libyaml when installed and duplicate keys refused.

    >>> load_yaml("a: 1\\nb: [x, y]")
    {'a': 1, 'b': ['x', 'y']}
    """
    import yaml

    return yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass


def _file_error(path: Path, why: str) -> "ValidationError":
    from pydantic_core import PydanticCustomError, ValidationError

    return ValidationError.from_exception_data(
        "Situation",
        [{"type": PydanticCustomError("file_parsing", "cannot read {path}: {why}",
                                      {"path": excerpt(str(path), 200), "why": one_line(why)}),
          "loc": ("file",), "input": str(path)}],
    )
