"""Parsing of working-hours strings (``"09:00-18:00"``), day names and crew patterns.

Internally a day's hours are a sorted tuple of ``(start, end)`` pairs in seconds
after local midnight. ``end`` may exceed 86 400: an interval such as
``"20:00-08:00"`` runs past midnight and belongs to the day it starts on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import regex

from supportkit.exceptions import InvalidArgument, InvalidCalendar

__all__ = [
    "DAY_NAMES",
    "Hours",
    "format_hours",
    "parse_day_keys",
    "parse_hours",
    "parse_pattern",
    "parse_weekly",
]

Hours = tuple[tuple[int, int], ...]

DAY = 86_400
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_ALIASES: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("mon", "monday", "mo", "пн", "пон", "понедельник"),
        ("tue", "tuesday", "tu", "вт", "вторник"),
        ("wed", "wednesday", "we", "ср", "среда"),
        ("thu", "thursday", "th", "чт", "четверг"),
        ("fri", "friday", "fr", "пт", "пятница"),
        ("sat", "saturday", "sa", "сб", "суббота"),
        ("sun", "sunday", "su", "вс", "воскресенье"),
    )
):
    for _name in _names:
        _ALIASES[_name] = _i

_ALL_DAYS = ("daily", "everyday", "all", "mon-sun", "ежедневно")
_CLOSED = ("", "closed", "off", "-", "выходной")
_TIME = regex.compile(r"(\d{1,2})(?::(\d{2}))?")
_RANGE = regex.compile(r"\s*(\d{1,2}(?::\d{2})?)\s*[-–—]\s*(\d{1,2}(?::\d{2})?)\s*")
_PATTERN_SLASH = regex.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")
_PATTERN_WORDS = regex.compile(r"\s*on\s*(\d+)\s*[,/]?\s*off\s*(\d+)\s*", flags=regex.IGNORECASE)


def _clock(text: str, *, field: str, value: Any, is_end: bool) -> int:
    match = _TIME.fullmatch(text)
    hour = int(match.group(1)) if match else -1
    minute = int(match.group(2) or 0) if match else -1
    ok = match is not None and 0 <= minute < 60 and (0 <= hour < 24 or (hour == 24 and minute == 0))
    if not ok or (hour == 24 and not is_end):
        raise InvalidCalendar(
            f"{field} has an impossible time {text!r} in {value!r}; use HH:MM between "
            "00:00 and 24:00 (24:00 only as a closing time).",
            field=field,
            value=value,
        )
    return hour * 3600 + minute * 60


def parse_hours(value: Any, *, field: str = "hours") -> Hours:
    """Parse ``"09:00-13:00, 14:00-18:00"`` (or a list of such ranges) into seconds.

    An end before the start runs past midnight (``"20:00-08:00"`` is 12 hours);
    ``"closed"``/``""`` means no hours. Overlapping ranges are merged.

    Raises:
        InvalidCalendar: a malformed range, naming ``field`` and the value.
        InvalidArgument: neither a string nor a list of strings.
    """
    if isinstance(value, str):
        parts = [p for p in regex.split(r"[,;]", value) if p.strip()] if value.strip() else []
        if value.strip().lower() in _CLOSED:
            return ()
        if not parts:  # only separators: a typo, not a closed day
            raise InvalidCalendar(
                f"{field} has no hours in {value!r}; write ranges such as '09:00-18:00', "
                "or 'closed' for a day off.",
                field=field,
                value=value,
            )
    elif isinstance(value, Iterable) and not isinstance(value, Mapping):
        parts = list(value)
        if not all(isinstance(p, str) for p in parts):
            raise InvalidArgument(
                f"{field} must be a string like '09:00-18:00' or a list of them (got {value!r}).",
                field=field,
                value=value,
            )
    else:
        raise InvalidArgument(
            f"{field} must be a string like '09:00-18:00' (got {value!r} that is a "
            f"{type(value).__name__}).",
            field=field,
            value=value,
        )
    spans: list[tuple[int, int]] = []
    for part in parts:
        match = _RANGE.fullmatch(part)
        if match is None:
            raise InvalidCalendar(
                f"{field} must be ranges like '09:00-18:00' or '09:00-13:00, 14:00-18:00' "
                f"(got {value!r}).",
                field=field,
                value=value,
            )
        start = _clock(match.group(1), field=field, value=value, is_end=False)
        end = _clock(match.group(2), field=field, value=value, is_end=True)
        if end == start:
            raise InvalidCalendar(
                f"{field} has an empty range {part.strip()!r} in {value!r}; the end must "
                "differ from the start (write '00:00-24:00' for a whole day).",
                field=field,
                value=value,
            )
        if end < start:
            end += DAY
        spans.append((start, end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _day_index(name: str, *, field: str, key: Any) -> int:
    index = _ALIASES.get(name.strip().lower().rstrip("."))
    if index is None:
        raise InvalidCalendar(
            f"{field} has an unknown day name {name.strip()!r} in {key!r}; use mon, tue, "
            "wed, thu, fri, sat, sun, ranges such as 'mon-fri', or 'daily'.",
            field=field,
            value=key,
        )
    return index


def parse_day_keys(key: Any, *, field: str = "hours") -> tuple[int, ...]:
    """Turn ``"mon-fri"``, ``"sat,sun"``, ``"fri-mon"`` or ``"daily"`` into weekday numbers."""
    if not isinstance(key, str):
        raise InvalidArgument(
            f"{field} keys must be day names such as 'mon-fri' (got {key!r} that is a "
            f"{type(key).__name__}).",
            field=field,
            value=key,
        )
    if key.strip().lower() in _ALL_DAYS:
        return tuple(range(7))
    days: list[int] = []
    for chunk in key.split(","):
        if "-" in chunk or "–" in chunk:
            first, _, last = chunk.replace("–", "-").partition("-")
            lo = _day_index(first, field=field, key=key)
            hi = _day_index(last, field=field, key=key)
            days.extend((lo + k) % 7 for k in range((hi - lo) % 7 + 1))
        else:
            days.append(_day_index(chunk, field=field, key=key))
    return tuple(days)


def parse_weekly(hours: Any) -> tuple[Hours, ...]:
    """Parse a weekly ``{"mon-fri": "09:00-18:00", "sat": "10:00-14:00"}`` mapping.

    Returns:
        Seven entries, Monday first; a day not named is closed.

    Raises:
        InvalidCalendar: malformed hours, an unknown day name or a day named twice.
    """
    if not isinstance(hours, Mapping):
        raise InvalidArgument(
            "hours must be a mapping such as {'mon-fri': '09:00-18:00'} "
            f"(got {hours!r} that is a {type(hours).__name__}).",
            field="hours",
            value=hours,
        )
    week: list[Hours | None] = [None] * 7
    for key, value in hours.items():
        field = f"hours[{key!r}]"
        spans = parse_hours(value, field=field)
        for day in parse_day_keys(key, field=field):
            if week[day] is not None:
                raise InvalidCalendar(
                    f"hours names {DAY_NAMES[day]!r} twice (again in {key!r}); give each "
                    "day once and list several ranges as '09:00-13:00, 14:00-18:00'.",
                    field=field,
                    value=key,
                )
            week[day] = spans
    return tuple(w or () for w in week)


def parse_pattern(pattern: Any) -> tuple[int, int]:
    """Parse a crew pattern: ``"2/2"``, ``"5/2"``, ``"1/3"`` or ``"on 4 off 4"``.

    Returns:
        ``(on_days, off_days)``.
    """
    text = pattern if isinstance(pattern, str) else None
    match = None
    if text is not None:
        match = _PATTERN_SLASH.fullmatch(text) or _PATTERN_WORDS.fullmatch(text)
    if match is None or int(match.group(1)) < 1:
        raise InvalidCalendar(
            f"pattern must be 'ON/OFF' days such as '2/2', '5/2', '1/3' or 'on 4 off 4' "
            f"(got {pattern!r}).",
            field="pattern",
            value=pattern,
        )
    return int(match.group(1)), int(match.group(2))


def _clock_text(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def format_hours(spans: Hours) -> str:
    """The inverse of :func:`parse_hours`: ``((32400, 64800),)`` -> ``"09:00-18:00"``."""
    if not spans:
        return "closed"
    out = []
    for first, end in spans:
        start = first
        if end > DAY and end - start >= DAY:
            # Longer than a day (merged ranges such as "00:00-24:00, 20:00-08:00"): no
            # single range reads back as that, two touching ones do ("00:00-16:00,
            # 16:00-08:00"); parse_hours merges them again.
            middle = end // 2 // 60 * 60
            out.append(f"{_clock_text(start)}-{_clock_text(middle)}")
            start = middle
        stop = _clock_text(end - DAY if end > DAY else end)
        out.append(f"{_clock_text(start)}-{stop}")
    return ", ".join(out)
