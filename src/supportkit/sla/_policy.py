"""SLA policies: targets per metric, the calendar each is measured on, and when a policy applies.

A policy is data. :class:`SLAPolicy` holds the targets; :class:`AppliesTo` says which
tickets it covers; :class:`supportkit.sla.PolicySet` picks the first policy that
applies. Everything is frozen, hashable and has a JSON form (``to_dict`` /
``from_dict``), so policies can live in a host's database or a ``policies.json``.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator, Mapping
from typing import Any, Final, Generic, Protocol, TypeVar, runtime_checkable

import attrs

from supportkit._ticket import AUTHORS, STATUSES
from supportkit._time import seconds_to_timedelta, to_timedelta
from supportkit.exceptions import InvalidArgument, InvalidPolicy, UnknownSLAName
from supportkit.sla._applies import AppliesTo, strings
from supportkit.sla._args import expect

__all__ = [
    "METRICS",
    "AppliesTo",
    "CalendarTime",
    "SLAPolicy",
    "WorkingTime",
    "parse_duration",
]

#: The metrics a policy can set targets for, in report order.
METRICS: Final = (
    "first_response",
    "next_response",
    "periodic_update",
    "pausable_update",
    "resolution",
    "requester_wait",
    "agent_work",
)

_DURATION = re.compile(
    r"^\s*(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+(?:\.\d+)?)\s*m)?\s*(?:(\d+(?:\.\d+)?)\s*s)?\s*$"
)
_V = TypeVar("_V")
_CLOCK = re.compile(r"^\s*(\d+):([0-5]\d)(?::([0-5]\d))?\s*$")


@runtime_checkable
class WorkingTime(Protocol):
    """What an SLA clock needs from a calendar: :class:`~supportkit.sla.WorkCalendar` fits.

    Any object with these two methods works, so a host can plug in its own calendar.
    """

    def add(self, start: _dt.datetime, duration: _dt.timedelta) -> _dt.datetime:
        """Return the instant after ``duration`` of working time from ``start``."""

    def between(self, start: _dt.datetime, end: _dt.datetime) -> _dt.timedelta:
        """Return the working time in ``[start, end)``."""


_UTC = _dt.timezone.utc
_ZERO = _dt.timedelta(0)


@attrs.frozen
class CalendarTime:
    """Plain elapsed time, 24/7: the clock of a policy without a calendar.

    Arithmetic is on absolute time, so it is right across DST changes. Results are in
    ``tz`` when given, else in the zone of the ``start`` passed in.

    >>> import datetime as dt
    >>> from zoneinfo import ZoneInfo
    >>> start = dt.datetime(2024, 3, 31, 1, 30, tzinfo=ZoneInfo("Europe/Madrid"))
    >>> CalendarTime().add(start, dt.timedelta(hours=1)).isoformat()  # clocks go forward
    '2024-03-31T03:30:00+02:00'
    """

    tz: _dt.tzinfo | None = None

    def add(self, start: _dt.datetime, duration: _dt.timedelta) -> _dt.datetime:
        """Return the instant ``duration`` after ``start``."""
        return (start.astimezone(_UTC) + duration).astimezone(self.tz or start.tzinfo)

    def between(self, start: _dt.datetime, end: _dt.datetime) -> _dt.timedelta:
        """Return the absolute time from ``start`` to ``end`` (zero when not after)."""
        zone = start.tzinfo
        if zone is end.tzinfo and type(zone) is not _dt.timezone:
            # Same zone object: Python subtracts wall-clock times, wrong across DST.
            span = end.astimezone(_UTC) - start.astimezone(_UTC)
        else:  # fixed offsets (ISO input) or different zones: exact as it is
            span = end - start
        return span if span > _ZERO else _ZERO

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {"kind": "calendar_time"}


def parse_duration(value: Any, *, field: str = "duration") -> _dt.timedelta:
    """Read a duration: a ``timedelta``, seconds, ``"1h30m"``, ``"100s"`` or ``"08:30"``.

    Days are not accepted on purpose: "one day" of working time is 9 hours on an
    office calendar and 24 on a 24/7 one, so write the hours (``"27h"``).

    >>> parse_duration("1h30m")
    datetime.timedelta(seconds=5400)
    >>> parse_duration("100s").total_seconds()
    100.0
    """
    if isinstance(value, str):
        text = value.strip().lower()
        match = _CLOCK.match(text)
        if match:
            h, m, s = match.groups()
            total = int(h) * 3600 + int(m) * 60 + int(s or 0)
            return seconds_to_timedelta(total, field=field, original=value)
        match = _DURATION.match(text)
        if text and match and any(match.groups()):
            h, m, s = (float(x) if x else 0.0 for x in match.groups())
            return seconds_to_timedelta(h * 3600 + m * 60 + s, field=field, original=value)
        try:
            number = float(text)
        except ValueError:
            raise InvalidPolicy(
                f"{field} must be a duration such as '1h30m', '100s', '08:30' or a number "
                f"of seconds (got {value!r}).",
                field=field,
                value=value,
            ) from None
        return seconds_to_timedelta(number, field=field, original=value)
    return to_timedelta(value, field=field)


class _FrozenMap(Mapping[str, _V], Generic[_V]):
    """A read-only, hashable mapping keyed by metric, in :data:`METRICS` order."""

    __slots__ = ("_items",)

    def __init__(self, items: tuple[tuple[str, _V], ...]) -> None:
        self._items = dict(items)

    def __getitem__(self, key: str) -> _V:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._items == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._items)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_FrozenMap, (tuple(self._items.items()),))


def _known_metric(name: Any, where: str, field: str) -> None:
    if name not in METRICS:
        raise UnknownSLAName(
            f"{where} has unknown metric {name!r}; known metrics are {list(METRICS)}.",
            field=field,
            name=name,
            known=METRICS,
        )


def _targets(value: Any) -> _FrozenMap[_dt.timedelta]:
    if isinstance(value, _FrozenMap):
        return value
    if not isinstance(value, Mapping) or not value:
        raise InvalidPolicy(
            f"targets must be a non-empty mapping such as {{'first_response': "
            f"timedelta(minutes=15)}} (got {value!r}).",
            field="targets",
            value=value,
        )
    items: dict[str, _dt.timedelta] = {}
    for key, raw in value.items():
        _known_metric(key, "targets", f"targets.{key}")
        target = parse_duration(raw, field=f"targets.{key}")
        if target <= _dt.timedelta(0):
            raise InvalidPolicy(
                f"targets.{key} must be a positive duration (got {raw!r}).",
                field=f"targets.{key}",
                value=raw,
            )
        items[key] = target
    return _FrozenMap(tuple((m, items[m]) for m in METRICS if m in items))


def _clock(value: Any, field: str = "calendar") -> WorkingTime:
    if value is None:
        return CalendarTime()
    if isinstance(value, (str, Mapping)):
        from supportkit.sla._presets import calendar_from

        return calendar_from(value, field=field)
    if not isinstance(value, WorkingTime):
        raise InvalidArgument(
            f"{field} must be a WorkCalendar (or any object with add() and between()), "
            f"a preset name, a calendar dict or None (got {value!r}).",
            field=field,
            value=value,
        )
    return value


def _calendars(value: Any) -> _FrozenMap[WorkingTime]:
    if isinstance(value, _FrozenMap):
        return value
    if not value:
        return _FrozenMap(())
    if not isinstance(value, Mapping):
        raise InvalidPolicy(
            f"calendars must map a metric name to a calendar (got {value!r}).",
            field="calendars",
            value=value,
        )
    for key in value:
        _known_metric(key, "calendars", f"calendars.{key}")
    return _FrozenMap(tuple((m, _clock(value[m], f"calendars.{m}")) for m in METRICS if m in value))


def _statuses(value: Any) -> tuple[str, ...]:
    items = strings(value, "pause_statuses")
    for item in items:
        if item not in STATUSES or item in ("solved", "closed"):
            allowed = [s for s in STATUSES if s not in ("solved", "closed")]
            raise InvalidPolicy(
                f"pause_statuses has {item!r}; use statuses from {allowed} (solved and "
                "closed already stop the clocks).",
                field="pause_statuses",
                value=item,
            )
    return items


def _responders(value: Any) -> tuple[str, ...]:
    items = strings(value, "responders")
    allowed = [a for a in AUTHORS if a != "customer"]
    if not items:
        raise InvalidPolicy(
            f"responders must name at least one of {allowed} (got {value!r}).",
            field="responders",
            value=value,
        )
    for item in items:
        if item not in allowed:
            raise InvalidPolicy(
                f"responders has {item!r}; a response comes from one of {allowed}.",
                field="responders",
                value=item,
            )
    return items


def _metrics(value: Any) -> tuple[str, ...]:
    items = strings(value, "paused_metrics")
    for item in items:
        _known_metric(item, "paused_metrics", "paused_metrics")
    return items


def _from(value: Any) -> str:
    if value not in ("oldest", "latest"):
        raise InvalidPolicy(
            f"next_response_from must be 'oldest' (the clock runs from the oldest "
            f"unanswered customer reply) or 'latest' (each customer reply restarts it) "
            f"(got {value!r}).",
            field="next_response_from",
            value=value,
        )
    return str(value)


def _applies(value: Any) -> AppliesTo:
    return AppliesTo.from_dict(value)


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidPolicy(
            f"name must be a non-empty string (got {value!r}).", field="name", value=value
        )
    return value.strip()


@attrs.frozen
class SLAPolicy:
    """Targets for the SLA metrics of the tickets a policy applies to.

    Args:
        name: Shown in reports (``SLAReport[metric].policy``).
        targets: Metric → working time allowed: ``first_response`` (creation to the
            first counting reply), ``next_response`` (a customer reply after an
            answer to the next counting reply; each such customer reply starts a new
            cycle), ``periodic_update`` (a counting reply at least every so often
            while the ticket is unsolved; keeps running while the ticket waits on
            the customer, as Zendesk's), ``pausable_update`` (the same, paused in
            ``pause_statuses``), ``resolution`` (creation to solved, paused in
            ``pause_statuses``), ``requester_wait`` (time in ``new``, ``open`` and
            ``on_hold``) and ``agent_work`` (time in ``new`` and ``open``).
            Values are ``timedelta``, seconds or strings like ``"4h"``.
        calendar: The working time the targets are measured in: a
            :class:`~supportkit.sla.WorkCalendar` (or anything with ``add`` and
            ``between``), a preset name, or ``None`` for plain 24/7 time.
        applies_to: Which tickets: a mapping (see :class:`AppliesTo`) or ``None`` for all.
        pause_statuses: Statuses during which the paused metrics stop counting.
        paused_metrics: The metrics that pause in ``pause_statuses``
            (``pausable_update`` and ``resolution``; before 0.2 ``periodic_update``
            paused too). ``requester_wait`` and ``agent_work`` pause by status
            whatever this says (see their definitions).
        responders: Who counts as responding: ``("agent",)`` by default; add
            ``"bot"`` and/or ``"rule"`` to count automated answers.
        calendars: Per-metric calendars overriding ``calendar`` (e.g. first response
            24/7, resolution in office hours).
        next_response_from: ``"oldest"`` (default, as Zendesk): a ``next_response``
            cycle runs from the oldest unanswered customer reply, and more customer
            replies before the answer do not move it; ``"latest"``: each customer reply
            restarts the cycle's clock.

    Raises:
        InvalidPolicy: an unknown metric, a non-positive target, an unknown status
            or responder (the message names it).
    """

    name: str = attrs.field(converter=_name)
    targets: Mapping[str, _dt.timedelta] = attrs.field(converter=_targets)
    calendar: WorkingTime = attrs.field(default=None, converter=_clock)
    applies_to: AppliesTo = attrs.field(default=None, kw_only=True, converter=_applies)
    pause_statuses: tuple[str, ...] = attrs.field(
        default=("waiting_customer",), kw_only=True, converter=_statuses
    )
    paused_metrics: tuple[str, ...] = attrs.field(
        default=("pausable_update", "resolution"), kw_only=True, converter=_metrics
    )
    responders: tuple[str, ...] = attrs.field(
        default=("agent",), kw_only=True, converter=_responders
    )
    calendars: Mapping[str, WorkingTime] = attrs.field(
        default=None, kw_only=True, converter=_calendars
    )
    next_response_from: str = attrs.field(default="oldest", kw_only=True, converter=_from)

    def clock(self, metric: str) -> WorkingTime:
        """Return the calendar ``metric`` is measured on."""
        return self.calendars.get(metric, self.calendar)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form; calendars must have ``to_dict`` themselves.

        Raises:
            InvalidPolicy: a calendar without a ``to_dict`` method.
        """
        out: dict[str, Any] = {
            "name": self.name,
            "targets": {m: t.total_seconds() for m, t in self.targets.items()},
            "calendar": _calendar_dict(self.calendar, "calendar"),
        }
        if self.calendars:
            out["calendars"] = {
                m: _calendar_dict(c, f"calendars.{m}") for m, c in self.calendars.items()
            }
        out["applies_to"] = self.applies_to.to_dict()
        out["pause_statuses"] = list(self.pause_statuses)
        out["paused_metrics"] = list(self.paused_metrics)
        out["responders"] = list(self.responders)
        out["next_response_from"] = self.next_response_from
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, field: str = "policy") -> SLAPolicy:
        """Build a policy from its JSON form; errors name the path (``policies[1].targets``).

        ``calendar`` may be a :meth:`WorkCalendar.to_dict` mapping, a preset name
        (see :func:`supportkit.sla.preset`) or ``null`` for 24/7 time.
        """
        expect(field, str, arg="field", want="a path for messages such as 'policies[0]'")
        if not isinstance(data, Mapping):
            raise InvalidPolicy(f"{field} must be a mapping (got {data!r}).", field=field)
        known = (
            "name",
            "targets",
            "calendar",
            "calendars",
            "applies_to",
            "pause_statuses",
            "paused_metrics",
            "responders",
            "next_response_from",
        )
        for key in data:
            if key not in known:
                raise InvalidPolicy(
                    f"{field} has unknown key {key!r}; known keys are {list(known)}.",
                    field=f"{field}.{key}",
                    value=data[key],
                )
        kwargs = {k: data[k] for k in known[3:] if k in data}
        try:
            return cls(
                data.get("name"),
                data.get("targets"),
                _clock(data.get("calendar"), f"{field}.calendar"),
                **kwargs,
            )
        except (InvalidPolicy, InvalidArgument) as exc:
            if exc.field and not exc.field.startswith(field):
                message = f"{field}.{exc}"
                if isinstance(exc, UnknownSLAName):
                    raise UnknownSLAName(
                        message, field=f"{field}.{exc.field}", name=exc.name, known=exc.known
                    ) from exc
                raise type(exc)(message, field=f"{field}.{exc.field}", value=exc.value) from exc
            raise


def _calendar_dict(calendar: Any, field: str) -> Any:
    if isinstance(calendar, CalendarTime):
        return None
    to_dict = getattr(calendar, "to_dict", None)
    if to_dict is None:
        raise InvalidPolicy(
            f"{field} {calendar!r} has no to_dict(); use a WorkCalendar to store policies as JSON.",
            field=field,
            value=calendar,
        )
    return to_dict()
