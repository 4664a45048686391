"""Values a journey is made of: instants with fixed offsets, JSON-like data, deadlines.

Shared by :meth:`Journey.fire` and :func:`replay`, so that a journey fired step by step
and the same journey replayed from storage are equal.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from supportkit._time import to_aware
from supportkit.exceptions import InvalidArgument
from supportkit.onboarding._worktime import nth_working_day

if TYPE_CHECKING:
    from supportkit.onboarding._flow import DeadlineRule, Flow

__all__ = ["NO_DATA", "due", "instant", "jsonable", "parse_at", "track"]

_ZONES: dict[str, ZoneInfo] = {}

#: The data of a step that carries none: one shared read-only mapping, not a dict per step.
NO_DATA: Mapping[str, Any] = MappingProxyType({})


def _zone(name: str) -> ZoneInfo:
    zone = _ZONES.get(name)
    if zone is None:
        zone = _ZONES[name] = ZoneInfo(name)
    return zone


_ATOMS = frozenset({str, bool, int, float, type(None)})


def jsonable(value: Any, field: str) -> Any:
    if type(value) in _ATOMS or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [jsonable(v, f"{field}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, (set, frozenset)):
        return sorted(jsonable(v, field) for v in value)
    if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        return {k: jsonable(v, f"{field}.{k}") for k, v in value.items()}
    if isinstance(value, _dt.datetime):
        return to_aware(value, field=field).isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise InvalidArgument(
        f"{field} must be JSON-like data (str, number, bool, None, list, dict) "
        f"(got {value!r} that is a {type(value).__name__}).",
        field=field,
        value=value,
    )


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
    if isinstance(value, str):
        try:
            parsed = _dt.datetime.fromisoformat(value)
        except ValueError:
            return instant(value, field)
        if type(parsed.tzinfo) is _dt.timezone:
            return parsed
    return instant(value, field)


def due(flow: Flow, rule: DeadlineRule, at: _dt.datetime) -> _dt.datetime:
    zone = _zone(rule.tz)
    local = at.astimezone(zone)
    if rule.working_days is not None:
        day = nth_working_day(flow.working_days(), local.date(), rule.working_days)
        return _dt.datetime.combine(day, _dt.time.max, zone)
    if rule.days is not None:
        return local + _dt.timedelta(days=rule.days)
    assert rule.months is not None
    return local + relativedelta(months=rule.months)


def track(
    flow: Flow,
    event: str,
    at: _dt.datetime,
    deadlines: dict[str, _dt.datetime],
    met: dict[str, _dt.datetime],
) -> None:
    for rule in flow._stops.get(event, ()):
        if rule.name in deadlines and rule.name not in met:
            met[rule.name] = at
    for rule in flow._starts.get(event, ()):
        if rule.name not in deadlines:
            deadlines[rule.name] = due(flow, rule, at)
