"""One check for the types of arguments at the public entry points of ``supportkit.sla``.

Every public function and constructor of the block checks what a host passes with
:func:`expect` (or :func:`expect_items` for a collection) before any work, so a wrong
type is an :class:`~supportkit.exceptions.InvalidArgument` (also a ``TypeError``)
naming the argument and what to pass, never an ``AttributeError`` from deep inside.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from supportkit.exceptions import InvalidArgument

__all__ = ["expect", "expect_items"]


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def expect(value: Any, kinds: type | tuple[type, ...], *, arg: str, want: str) -> Any:
    """Return ``value`` when it is an instance of ``kinds`` (``bool`` only if listed).

    >>> expect(3, int, arg="n", want="an int")
    3
    >>> expect(None, int, arg="n", want="an int such as 3")
    Traceback (most recent call last):
    ...
    supportkit.exceptions.InvalidArgument: n must be an int such as 3 (got None that is a NoneType).
    """
    if isinstance(value, kinds):
        allowed = kinds if isinstance(kinds, tuple) else (kinds,)
        if not isinstance(value, bool) or bool in allowed or object in allowed:
            return value
    raise InvalidArgument(
        f"{arg} must be {want} (got {_shown(value)} that is a {type(value).__name__}).",
        field=arg,
        value=value,
    )


def expect_items(value: Any, *, arg: str, want: str) -> tuple[Any, ...]:
    """Return the items of a collection; a string, bytes, a mapping or a scalar is refused.

    >>> expect_items([1, 2], arg="years", want="a list of years")
    (1, 2)
    """
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | bytearray | Mapping):
        return tuple(value)
    raise InvalidArgument(
        f"{arg} must be {want} (got {_shown(value)} that is a {type(value).__name__}).",
        field=arg,
        value=value,
    )
