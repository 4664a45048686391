"""The one place where the metrics check their arguments.

Every public function and accumulator of :mod:`supportkit.metrics` passes its inputs
through these checks, so bad input raises the same way everywhere: a wrong type is an
:class:`~supportkit.exceptions.InvalidArgument` (also a ``TypeError``), an impossible
value an :class:`~supportkit.exceptions.InvalidValue` (also a ``ValueError``), each
message saying what was wrong, where, and how to fix it — never a builtin error such
as "math domain error" from deep inside.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from supportkit.exceptions import InvalidArgument, InvalidValue

__all__ = [
    "collection",
    "count",
    "counts_within",
    "finite",
    "having",
    "instance",
    "mapping",
    "names",
    "no_bools",
    "whole",
]

_TEXT = (str, bytes, bytearray, memoryview)


def _kind(value: Any) -> str:
    return type(value).__name__


def collection(value: Any, *, field: str, what: str, example: str) -> Iterable[Any]:
    """Return ``value`` if it is a collection of ``what`` (not text, not a scalar).

    A ``str`` or ``bytes`` is not a sequence of ratings or of tickets (iterating it
    would count its characters), nor is ``None``, a number or a mapping.

    >>> collection([5, 4], field="ratings", what="ratings", example="[5, 4]")
    [5, 4]
    >>> collection("12345", field="ratings", what="ratings", example="[5, 4]")
    Traceback (most recent call last):
    ...
    supportkit.exceptions.InvalidArgument: ratings must be a list (or any iterable) of ratings, such as [5, 4], not a str: text is not a sequence of ratings.
    """  # noqa: E501 - a doctest line cannot wrap
    if isinstance(value, _TEXT):
        raise InvalidArgument(
            f"{field} must be a list (or any iterable) of {what}, such as {example}, not a "
            f"{_kind(value)}: text is not a sequence of {what}.",
            field=field,
            value=value,
        )
    if value is None or isinstance(value, Mapping) or not isinstance(value, Iterable):
        got = "None" if value is None else f"a {_kind(value)}"
        raise InvalidArgument(
            f"{field} must be a list (or any iterable) of {what}, such as {example} (got {got}).",
            field=field,
            value=value,
        )
    return value


def instance(value: Any, kinds: type | tuple[type, ...], *, field: str, what: str) -> Any:
    """Return ``value`` if it is one of ``kinds``; else say what to pass instead.

    The gate for arguments that must be a particular object (a result, a duration),
    so a wrong one fails here, by name, not as an ``AttributeError`` further down.

    >>> instance(None, dict, field="report", what="a mapping such as {}")
    Traceback (most recent call last):
    ...
    supportkit.exceptions.InvalidArgument: report must be a mapping such as {} (got None).
    """
    if isinstance(value, kinds) and not (isinstance(value, bool) and bool not in _as_tuple(kinds)):
        return value
    raise InvalidArgument(f"{field} must be {what} (got {_got(value)}).", field=field, value=value)


def having(value: Any, *methods: str, field: str, what: str) -> Any:
    """Return ``value`` if it has one of ``methods`` (a duck-typed :func:`instance`)."""
    if any(callable(getattr(value, m, None)) for m in methods):
        return value
    raise InvalidArgument(f"{field} must be {what} (got {_got(value)}).", field=field, value=value)


def _as_tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _got(value: Any) -> str:
    if value is None:
        return "None"
    text = repr(value)
    if len(text) > 60:
        return f"a {_kind(value)}"
    return f"{_kind(value)} {text}"


def mapping(value: Any, *, field: str, what: str, example: str) -> dict[Any, Any] | None:
    """Return ``value`` as a new ``dict`` if it is a mapping of ``what``; ``None`` stays ``None``.

    A list of pairs is not accepted: ``dict()`` of it fails, or silently pairs up
    the characters of two-letter strings.
    """
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidArgument(
            f"{field} must be a mapping of {what}, such as {example} (got {_got(value)}).",
            field=field,
            value=value,
        )
    return dict(value)


def names(value: Any, *, field: str, what: str, example: str) -> tuple[str, ...]:
    """Return ``value`` as a tuple of strings: one name (a ``str``) or a collection of them.

    >>> names("agent", field="by", what="reply authors", example="('agent', 'bot')")
    ('agent',)
    >>> names([["agent"]], field="by", what="reply authors", example="('agent', 'bot')")
    Traceback (most recent call last):
    ...
    supportkit.exceptions.InvalidArgument: by[0] must be one of the reply authors as a string, such as ('agent', 'bot') (got list ['agent']).
    """  # noqa: E501 - a doctest line cannot wrap
    if isinstance(value, str):
        return (value,)
    items = tuple(collection(value, field=field, what=what, example=example))
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise InvalidArgument(
                f"{field}[{i}] must be one of the {what} as a string, such as {example} "
                f"(got {_got(item)}).",
                field=f"{field}[{i}]",
                value=item,
            )
    return items


def no_bools(values: Iterable[Any], *, field: str, what: str) -> list[Any] | tuple[Any, ...]:
    """Return ``values`` as a list (or the tuple/list given), refusing ``True``/``False``.

    ``True == 1`` in Python, so a boolean would silently count as the point 1.
    """
    items = values if isinstance(values, (list, tuple)) else list(values)
    if bool in set(map(type, items)):
        position = next(i for i, v in enumerate(items) if type(v) is bool)
        raise InvalidArgument(
            f"{field}[{position}] is {items[position]!r}, a bool, not one of the {what}: "
            "give the point (e.g. 5) or a label (e.g. 'Отлично'); True/False count only on "
            "the two-point scale (scale='2').",
            field=f"{field}[{position}]",
            value=items[position],
        )
    return items


def whole(value: Any, *, field: str) -> int:
    """Return ``value`` as an ``int`` if it is a whole number (``5`` or ``5.0``, not ``5.5``).

    >>> whole(5.0, field="scale.high")
    5
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgument(
            f"{field} must be a whole number such as 5 (got {_kind(value)} {value!r}).",
            field=field,
            value=value,
        )
    if isinstance(value, float) and not (math.isfinite(value) and value == int(value)):
        raise InvalidValue(
            f"{field} must be a whole number such as 5 (got {value!r}); rating points "
            "are integers.",
            field=field,
            value=value,
        )
    return int(value)


def count(value: Any, *, field: str) -> int:
    """Return ``value`` if it is a count: a non-negative ``int`` (not a bool, not 2.5)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(
            f"{field} must be a count, a non-negative integer (got {_kind(value)} {value!r}).",
            field=field,
            value=value,
        )
    if value < 0:
        raise InvalidValue(
            f"{field} must be a count, a non-negative integer (got {value!r}).",
            field=field,
            value=value,
        )
    return value


def counts_within(part: Any, whole_count: Any, *, part_field: str, field: str) -> None:
    """Check two counts, ``part`` of ``whole_count`` (e.g. successes out of trials)."""
    count(part, field=part_field)
    count(whole_count, field=field)
    if part > whole_count:
        raise InvalidValue(
            f"{part_field} ({part}) cannot exceed {field} ({whole_count}): it counts a part "
            f"of them.",
            field=part_field,
            value=part,
        )


def finite(value: Any, *, field: str, positive: bool = False) -> float:
    """Return ``value`` as a float if it is a finite real number (``> 0`` if ``positive``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgument(
            f"{field} must be a number (got {_kind(value)} {value!r}).", field=field, value=value
        )
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or (positive and number <= 0):
        need = "a finite number above 0" if positive else "a finite number"
        raise InvalidValue(f"{field} must be {need} (got {value!r}).", field=field, value=value)
    return number
