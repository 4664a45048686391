"""Built-in calendars for the command line, JSON policy files and the demo.

The shapes come from the seed articles: office hours 5/2 09:00-18:00 with the Russian
production calendar, an 08:00-20:00 Moscow desk, two crews on 2-on/2-off
08:00-20:00, and 24/7 chat.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from functools import cache
from typing import Any, Final

from supportkit.exceptions import InvalidArgument, InvalidCalendar, UnknownSLAName
from supportkit.sla._args import expect
from supportkit.sla._calendar import WorkCalendar

__all__ = ["PRESETS", "calendar_from", "preset"]

_MOSCOW: Final = "Europe/Moscow"

#: Preset name → what it is.
PRESETS: Final = {
    "24/7": "always open, Moscow time",
    "office": "Mon-Fri 09:00-18:00 Moscow with the Russian production calendar",
    "desk": "every day 08:00-20:00 Moscow (an onboarding desk)",
    "2/2-a": "crew A: 2 days on, 2 off, 08:00-20:00 Moscow, on from Mon 7 Oct 2024",
    "2/2-b": "crew B: the same rotation two days later (on from Wed 9 Oct 2024)",
}


def preset(name: str) -> WorkCalendar:
    """Return a built-in calendar by name (see :data:`PRESETS`).

    Raises:
        UnknownSLAName: an unknown name (a ``LookupError``); the message lists the presets.

    >>> preset("office").is_open(_dt.datetime(2024, 10, 7, 10, tzinfo=_dt.timezone.utc))
    True
    """
    if not isinstance(name, str):
        raise InvalidArgument(
            f"preset name must be a string such as 'office' (got {name!r} that is a "
            f"{type(name).__name__}).",
            field="calendar",
            value=name,
        )
    return _preset(name)


@cache
def _preset(name: str) -> WorkCalendar:
    if name == "24/7":
        return WorkCalendar.always(_MOSCOW)
    if name == "office":
        from supportkit.sla._production import russia

        return WorkCalendar.weekly(_MOSCOW, {"mon-fri": "09:00-18:00"}, holidays=russia())
    if name == "desk":
        return WorkCalendar.weekly(_MOSCOW, {"mon-sun": "08:00-20:00"})
    if name == "2/2-a":
        return WorkCalendar.rotation(_MOSCOW, "2/2", "08:00-20:00", anchor=_dt.date(2024, 10, 7))
    if name == "2/2-b":
        return WorkCalendar.rotation(_MOSCOW, "2/2", "08:00-20:00", anchor=_dt.date(2024, 10, 9))
    raise UnknownSLAName(
        f"calendar {name!r} is not a preset; use one of {sorted(PRESETS)} or a WorkCalendar.",
        field="calendar",
        name=name,
        known=tuple(sorted(PRESETS)),
    )


def calendar_from(value: Any, *, field: str = "calendar") -> WorkCalendar:
    """Build a :class:`WorkCalendar` from what a JSON file or a person writes.

    The one reader of calendars in files: SLA policy files, the command line's
    ``--calendar`` files and rule files' ``"calendars"`` section all go through it, so
    ``"mon-fri": "09:00-18:00"`` means the same everywhere.

    Args:
        value: A :class:`WorkCalendar` (returned as is); a preset name (see
            :data:`PRESETS`); or a mapping — ``{"tz": "Europe/Moscow", "hours":
            {"mon-fri": "09:00-18:00", "sat": "10:00-14:00"}, "holidays": "RU"}`` for
            weekly hours (``"kind": "weekly"`` may be omitted; ``"20:00-08:00"`` runs
            past midnight; several ranges as ``"09:00-13:00, 14:00-18:00"``),
            ``{"tz": ..., "pattern": "2/2", "hours": "08:00-20:00", "anchor":
            "2024-10-07"}`` for a rotation, ``{"kind": "always", "tz": ...}``, or any
            :meth:`WorkCalendar.to_dict` form. ``holidays`` is ``null``, ``"RU"``
            (:func:`~supportkit.sla.russia`), a list of ISO dates, or a production
            calendar object.
        field: Where the value is, for error messages (``calendars.office``).

    Raises:
        UnknownSLAName: an unknown preset name (a ``LookupError``).
        InvalidCalendar: malformed hours, days, zone or holidays; the message starts
            with ``field``.

    >>> calendar_from({"tz": "Europe/Moscow", "hours": {"mon-fri": "09:00-18:00"},
    ...                "holidays": ["2024-06-12"]}).is_open("2024-06-12T10:00:00+03:00")
    False
    """
    expect(field, str, arg="field", want="a path for messages such as 'calendars.office'")
    if isinstance(value, WorkCalendar):
        return value
    if isinstance(value, str):
        try:
            return preset(value.strip())
        except UnknownSLAName:
            raise UnknownSLAName(
                f"{field} {value!r} is not a preset; use one of {sorted(PRESETS)} or a "
                "calendar object such as "
                '{"tz": "Europe/Moscow", "hours": {"mon-fri": "09:00-18:00"}}.',
                field=field,
                name=value,
                known=tuple(sorted(PRESETS)),
            ) from None
    if isinstance(value, Mapping):
        data = dict(value)
        if "kind" not in data:
            if "pattern" in data:
                data["kind"] = "rotation"
            elif isinstance(data.get("hours"), Mapping):
                data["kind"] = "weekly"
        try:
            return WorkCalendar.from_dict(data)
        except (InvalidCalendar, InvalidArgument) as exc:
            inner = exc.field or ""
            if inner.startswith(field):
                raise
            path = f"{field}.{inner}" if inner else field
            raise type(exc)(f"{field}: {exc}", field=path, value=exc.value) from exc
    raise InvalidCalendar(
        f"{field} must be a preset name such as 'office' or a calendar object such as "
        f'{{"tz": "Europe/Moscow", "hours": {{"mon-fri": "09:00-18:00"}}}} (got {value!r}).',
        field=field,
        value=value,
    )
