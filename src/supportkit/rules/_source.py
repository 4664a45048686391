"""Reading a rule document from a path or from its text (JSON or TOML).

Every way this can fail — a missing file, a directory, a name too long for the file
system, bytes that are not UTF-8, text that does not parse, brackets nested deeper than
the parser's stack — is an :class:`~supportkit.exceptions.InvalidRule` naming the file.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from supportkit.exceptions import InvalidArgument, InvalidRule
from supportkit.rules._load import DOC_KEYS, check_keys

__all__ = ["read_source"]


def _shown(name: str) -> str:
    return repr(name) if len(name) <= 80 else repr(name[:60] + "...") + f" ({len(name)} characters)"


def _too_deep(name: str) -> InvalidRule:
    return InvalidRule(
        f"{name} nests brackets too deeply to be a rule file; a rule file is "
        '{"templates": {...}, "rules": [...]} with a few levels.',
        field="source",
        value=name,
    )


def _read_file(path: Path, kind: str) -> str:
    """The text of a rule file; every way reading it can fail is an :class:`InvalidRule`."""
    name = os.fspath(path)
    shown = _shown(name)
    what = "a JSON or TOML" if kind == "auto" else f"a {kind.upper()}"
    try:
        data = None if path.is_dir() else path.read_bytes()
    except FileNotFoundError as exc:
        raise InvalidRule(
            f"rule file {shown} does not exist; pass the path of {what} rule file or "
            "the rule text itself.",
            field="source",
            value=name,
        ) from exc
    except ValueError as exc:  # a NUL character in the name
        raise InvalidRule(
            f"rule file {shown} is not a usable file name ({exc}); pass the path of {what} "
            "rule file or the rule text itself.",
            field="source",
            value=name,
        ) from exc
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        hint = (
            "; it looks like rule text rather than a file name"
            if exc.errno is not None and exc.errno == errno.ENAMETOOLONG
            else ""
        )
        raise InvalidRule(
            f"cannot read rule file {shown} ({reason}){hint}.",
            field="source",
            value=name,
        ) from exc
    if data is None:
        raise InvalidRule(
            f"rule file {shown} is a directory; pass {what} rule file.",
            field="source",
            value=name,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidRule(
            f"rule file {shown} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8.",
            field="source",
            value=name,
        ) from exc


def read_source(source: str | os.PathLike[str], kind: str) -> Mapping[str, Any]:
    """Read a rule document from a path or from the text itself (JSON or TOML).

    Raises:
        InvalidRule: a missing file, text that does not parse, or a top level that is
            not an object; the message names the line and column where possible.
    """
    text: str
    name: str
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and "\n" not in source and not source.lstrip().startswith("{")
    ):
        path = Path(source)
        text = _read_file(path, kind)
        name = os.fspath(source)
        if kind == "auto":
            kind = "toml" if path.suffix.lower() == ".toml" else "json"
    elif isinstance(source, str):
        text, name = source, "<text>"
        if kind == "auto":
            kind = "json"
    else:
        raise InvalidArgument(
            f"source must be a path or the rule text as a str (got {type(source).__name__}).",
            field="source",
            value=source,
        )
    if kind == "toml":
        import sys

        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - Python 3.10
            import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
        try:
            data: Any = tomllib.loads(text)
        except RecursionError as exc:
            raise _too_deep(name) from exc
        except tomllib.TOMLDecodeError as exc:
            raise InvalidRule(
                f"{name} is not valid TOML ({exc}).", field="source", value=name
            ) from exc
    else:
        try:
            data = json.loads(text)
        except RecursionError as exc:
            raise _too_deep(name) from exc
        except json.JSONDecodeError as exc:
            raise InvalidRule(
                f"{name} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.",
                field="source",
                value=name,
            ) from exc
    if not isinstance(data, Mapping):
        raise InvalidRule(
            f'{name} must hold an object {{"templates": {{...}}, "rules": [...]}} '
            f"(got {type(data).__name__}).",
            field="source",
            value=name,
        )
    check_keys(data, DOC_KEYS, "")
    if "rules" not in data:
        raise InvalidRule(
            f'{name} has no "rules" list; a rule file is {{"templates": {{...}}, "rules": [...]}}.',
            field="rules",
            value=None,
        )
    return data
