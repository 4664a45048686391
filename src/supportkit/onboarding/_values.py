"""Values a journey is made of: instants with fixed offsets and JSON-like data.

The bottom of the onboarding block: nothing here knows about flows or journeys.
:func:`jsonable` is the one gate for data entering a journey (``start``, ``fire``,
``can``, ``replay``, ``from_dict``): it accepts only what ``to_dict`` can write as
standard JSON, bounded in depth, so hostile data fails with a
:class:`~supportkit.exceptions.SupportkitError` instead of a ``RecursionError`` or a
``NaN`` in the output. :func:`expect`, :func:`items` and :func:`names` are the one gate
for the *type* of a public argument (a flow, a journey, a list of them): a wrong one is
an :class:`~supportkit.exceptions.InvalidArgument` naming the argument and what to pass,
never an ``AttributeError`` from deep inside.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NoReturn, TypeVar

from supportkit._time import to_aware
from supportkit.exceptions import InvalidArgument, InvalidValue

__all__ = ["MAX_DEPTH", "NO_DATA", "expect", "instant", "items", "jsonable", "names", "parse_at"]

#: How deeply journey data may nest (a list in a dict in a list ... counts each level).
MAX_DEPTH = 64


class _NoData(Mapping[str, Any]):
    """The data of a step that carries none: one shared, read-only, empty mapping.

    Pickles and deep-copies to the same object (a ``MappingProxyType`` does neither).
    """

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "{}"

    def __reduce__(self) -> str:
        return "NO_DATA"


#: The data of a step that carries none: one shared read-only mapping, not a dict per step.
NO_DATA: Mapping[str, Any] = _NoData()

_ATOMS = frozenset({str, bool, int, type(None)})


def _wrong(value: Any, field: str) -> NoReturn:
    raise InvalidArgument(
        f"{field} must be JSON-like data (str, number, bool, None, list, dict) "
        f"(got {_short(value)} that is a {type(value).__name__}).",
        field=field,
        value=value,
    )


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a hostile __repr__ must not hide the real problem
        return f"<{type(value).__name__} object>"
    return text if len(text) <= 80 else text[:77] + "..."


_T = TypeVar("_T")


def expect(value: Any, kind: type[_T], *, field: str, what: str) -> _T:
    """Return ``value`` if it is a ``kind``; else raise naming ``field`` and what to pass.

    >>> expect(None, dict, field="flow", what="an onboarding Flow such as flows.self_employed()")
    Traceback (most recent call last):
    ...
    supportkit.exceptions.InvalidArgument: flow must be an onboarding Flow such as flows.self_employed() (got None).
    """  # noqa: E501 - a doctest line cannot wrap
    if isinstance(value, kind):
        return value
    got = "None" if value is None else f"{_short(value)} that is a {type(value).__name__}"
    raise InvalidArgument(f"{field} must be {what} (got {got}).", field=field, value=value)


def items(value: Any, *, field: str, what: str) -> list[Any]:
    """Return ``value`` as a list if it is a collection (not text, a mapping or a scalar)."""
    if isinstance(value, (str, bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise InvalidArgument(
            f"{field} must be an iterable of {what}, such as a list (got {type(value).__name__}).",
            field=field,
            value=value,
        )
    return list(value)


def names(value: Any, *, field: str, example: str) -> tuple[str, ...]:
    """Return ``value``, a collection of name strings, as a tuple."""
    out = tuple(items(value, field=field, what=f"names such as {example}"))
    for i, name in enumerate(out):
        if not isinstance(name, str):
            raise InvalidArgument(
                f"{field}[{i}] must be a name string such as {example} (got {_short(name)} "
                f"that is a {type(name).__name__}).",
                field=f"{field}[{i}]",
                value=name,
            )
    return out


def _walk(value: Any, field: str, depth: int, path: set[int]) -> Any:
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is float or isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidValue(
                f"{field} must be a finite number (got {value!r}); JSON has no NaN or "
                "infinity, so store a string or None instead.",
                field=field,
                value=value,
            )
        return value
    if isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, _dt.datetime):
        return to_aware(value, field=field).isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    is_map = isinstance(value, Mapping)
    if not is_map and not isinstance(value, (list, tuple, set, frozenset)):
        _wrong(value, field)
    if id(value) in path:
        raise InvalidValue(
            f"{field} contains itself; journey data must be a tree, not a cyclic structure.",
            field=field,
        )
    if depth >= MAX_DEPTH:
        raise InvalidValue(
            f"{field} nests deeper than {MAX_DEPTH} levels; flatten the data before "
            "giving it to a journey.",
            field=field,
        )
    path.add(id(value))
    try:
        if is_map:
            out: dict[str, Any] = {}
            for k, v in value.items():
                if type(k) is not str and not isinstance(k, str):
                    raise InvalidArgument(
                        f"{field} keys must be strings (got key {_short(k)} that is a "
                        f"{type(k).__name__}).",
                        field=field,
                        value=k,
                    )
                out[k] = _walk(v, f"{field}.{k}", depth + 1, path)
            return out
        if isinstance(value, (set, frozenset)):
            items = [_walk(v, field, depth + 1, path) for v in value]
            try:
                return sorted(items)
            except TypeError:  # mixed kinds: any fixed order will do
                return sorted(items, key=lambda v: (type(v).__name__, repr(v)))
        return [_walk(v, f"{field}[{i}]", depth + 1, path) for i, v in enumerate(value)]
    finally:
        path.discard(id(value))


def jsonable(value: Any, field: str) -> Any:
    """Return ``value`` as plain JSON data (tuples and sets become lists, dates ISO text).

    Raises:
        InvalidArgument: a value JSON cannot hold (an object, a non-string key).
        InvalidValue: NaN or infinity, a structure that contains itself, or nesting
            deeper than :data:`MAX_DEPTH`.
        NaiveDatetimeError: a datetime without a time zone.
    """
    if type(value) in _ATOMS:
        return value
    return _walk(value, field, 0, set())


def instant(value: Any, field: str) -> _dt.datetime:
    """An aware datetime with a fixed UTC offset (as ``to_dict`` writes it).

    Named zones are replaced by the offset in force at that instant, so a journey equals
    its JSON round trip: Python compares datetimes of different zones as never equal in
    a repeated (``fold=1``) hour, which a named zone would otherwise bring in.
    """
    at = to_aware(value, field=field)
    if type(at.tzinfo) is _dt.timezone:
        return at
    offset = at.utcoffset()
    assert offset is not None
    return at.astimezone(_dt.timezone(offset))


def parse_at(value: Any, field: str) -> _dt.datetime:
    """Like :func:`instant`, with a fast path for ISO strings with a fixed offset."""
    if isinstance(value, str):
        try:
            parsed = _dt.datetime.fromisoformat(value)
        except ValueError:
            return instant(value, field)
        if type(parsed.tzinfo) is _dt.timezone:
            return parsed
    return instant(value, field)
