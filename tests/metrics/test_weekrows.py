"""The fused ``add_many`` loop (``_weekrows.add_rows``) agrees with the per-row path.

The per-row path is :meth:`TicketAccumulator.add_many` (``view_of`` + ``_add_view`` for
every row), what ``WeeklyReport.add_many`` did before the fused loop: the same report,
the same HTML, the same error (type and message, row number included), and the same
counts of the rows before a bad one.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metrics_helpers import tickets

from supportkit.metrics import WeeklyReport
from supportkit.metrics._base import TicketAccumulator

_NAIVE = "2024-10-07T09:00:00"
_VALUES: dict[str, list[Any]] = {
    "channel": [None, "", " Chat ", "EMAIL", 5, ["email"]],
    "tags": [None, [], "payouts", ["a", "a"], [" x"], [""], [1], [["a"]], ["b", "a", "b"], {}],
    "created_at": [None, "", _NAIVE, "garbage", 5, "2024-10-07T09:00:00.250000+05:30"],
    "rating": [None, "5", " 4 ", "2,5", "bad-label", True, [1], 4.5, 3, "Отлично", "", {}],
    "fields": [None, {}, {"country": 5}, {"country": "KZ"}, "RU", []],
    "subject": [None, "", 5],
    "body": [None, "text", ["x"]],
    "priority": [None, "high", 1],
    "id": ["T-1", 7, None],
    "events": [None, "", {}, "[]", 5],
}
_EVENTS: list[Any] = [
    "not an event",
    {"at": "2024-10-01T00:00:00+03:00", "type": "reply", "by": "agent"},  # before created
    {"at": _NAIVE, "type": "reply", "by": "agent"},
    {"type": "reply", "by": "agent"},
    {"at": "2030-01-01T00:00:00+00:00", "type": "reply"},
    {"at": "2030-01-01T00:00:00+00:00", "type": "reply", "by": "alien"},
    {"at": "2030-01-01T00:00:00+00:00", "type": "reply", "by": ["agent"]},
    {"at": "2030-01-01T00:00:00+00:00", "type": "status", "status": "lost"},
    {"at": "2030-01-01T00:00:00+00:00", "type": "status", "status": "solved", "by": "agent"},
    {"at": "2030-01-01T00:00:00+00:00", "type": "status", "status": "open", "extra": 1},
    {"at": "2030-01-01T00:00:00+00:00", "type": "note", "by": "agent"},
    {"at": "2030-01-01T00:00:00+00:00", "type": "note", "by": "nobody"},
    {"at": "2030-01-01T00:00:00+00:00", "type": "assign", "assignee": "ann"},
    {"at": "2030-01-01T00:00:00+00:00", "type": "assign", "assignee": 5},
    {"at": "2030-01-01T00:00:00+00:00", "type": "priority", "priority": "high"},
    {"at": "2030-01-01T00:00:00+00:00", "type": "priority", "priority": ""},
    {"at": "2030-01-01T00:00:00+00:00", "type": "merge"},
    {"at": "2030-01-01T00:00:00.5+00:00", "type": "status", "status": "closed"},
]


@st.composite
def rows(draw: st.DrawFn) -> Any:
    """A ticket row: half of them valid, else with one field or event spoiled, or not a dict."""
    row: dict[str, Any] = draw(tickets())
    choice = draw(st.integers(-10, 9))
    if choice <= 0:
        return row
    if choice == 1:
        return json.dumps(row)  # a string row goes the per-row way
    if choice == 2:
        row.pop(draw(st.sampled_from(sorted(row))))
    elif choice == 3:
        row["unknown"] = 1
    elif choice in {4, 5, 6}:
        key = draw(st.sampled_from(sorted(_VALUES)))
        row[key] = copy.deepcopy(draw(st.sampled_from(_VALUES[key])))
    elif choice in {7, 8}:
        events = row["events"]
        events.insert(
            draw(st.integers(0, len(events))), copy.deepcopy(draw(st.sampled_from(_EVENTS)))
        )
    else:
        row["events"] = list(reversed(row["events"]))
    return row


class _Half:
    """A working-time calendar: half of the calendar time counts."""

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        return (end - start) / 2


def _run(add: Any, options: dict[str, Any], data: list[Any]) -> tuple[Any, ...]:
    acc = WeeklyReport(**options)
    error = None
    try:
        add(acc, copy.deepcopy(data))
    except Exception as exc:  # noqa: BLE001 - compared below
        error = (type(exc), str(exc))
    report = acc.result()
    return error, report, report.render("html"), report.render("text")


OPTIONS = st.sampled_from(
    [
        {"tz": "Europe/Moscow"},
        {},  # the zone of the data
        {"tz": "UTC", "strict": False},
        {"strict": False},
        {"tz": "Asia/Kolkata", "sketch": 0.01},
        {"tz": "Europe/Moscow", "calendar": _Half()},  # the per-row path throughout
    ]
)


@settings(max_examples=300, deadline=None)
@given(data=st.lists(rows(), max_size=25), options=OPTIONS)
def test_fused_add_many_is_the_per_row_path(data: list[Any], options: dict[str, Any]) -> None:
    assert _run(WeeklyReport.add_many, options, data) == _run(
        TicketAccumulator.add_many, options, data
    )


@settings(max_examples=100, deadline=None)
@given(data=st.lists(tickets(), max_size=25), options=OPTIONS)
def test_fused_add_many_is_the_per_row_path_on_valid_rows(
    data: list[Any], options: dict[str, Any]
) -> None:
    assert _run(WeeklyReport.add_many, options, data) == _run(
        TicketAccumulator.add_many, options, data
    )


@settings(max_examples=100, deadline=None)
@given(data=st.lists(tickets(), max_size=40), cut=st.integers(0, 40))
def test_fused_parts_merge_into_the_one_pass(data: list[Any], cut: int) -> None:
    one = WeeklyReport(tz="Europe/Moscow")
    one.add_many(data)
    left, right = WeeklyReport(tz="Europe/Moscow"), WeeklyReport(tz="Europe/Moscow")
    left.add_many(data[:cut])
    right.add_many(data[cut:])
    assert left.merge(right).result() == one.result()


def test_a_bad_row_after_good_ones_raises_the_shared_error_and_keeps_the_good_ones() -> None:
    good = {"created_at": "2024-10-07T09:00:00+03:00", "events": [], "rating": 5}
    bad = {**good, "created_at": "garbage"}
    data = [good, good, bad, good]
    fused = _run(WeeklyReport.add_many, {"tz": "Europe/Moscow"}, data)
    per_row = _run(TicketAccumulator.add_many, {"tz": "Europe/Moscow"}, data)
    assert fused == per_row
    assert fused[0] is not None
    assert "tickets[2]" in fused[0][1]
    assert fused[1].tickets == 2


def test_rows_of_many_zones_and_microseconds() -> None:
    base = dt.datetime(2024, 10, 6, 23, 59, 59, 900_000, tzinfo=dt.timezone.utc)
    data = []
    for i in range(300):
        zone = dt.timezone(dt.timedelta(minutes=(i % 7) * 45 - 120))
        created = (base + dt.timedelta(minutes=17 * i)).astimezone(zone)
        done = created + dt.timedelta(seconds=i * 31.5)
        data.append(
            {
                "created_at": created.isoformat(),
                "channel": ("Chat", "email", None)[i % 3],
                "tags": ["a", "b"][: i % 3],
                "fields": {"country": ("RU", None, 5)[i % 3]},
                "rating": (None, "Хорошо", 4, "4")[i % 4],
                "events": [
                    {"at": created.isoformat(), "type": "reply", "by": ("bot", "agent")[i % 2]},
                    {"at": done.isoformat(), "type": "status", "status": "solved"},
                ],
            }
        )
    for options in ({"tz": "Europe/Moscow"}, {}):
        assert _run(WeeklyReport.add_many, options, data) == _run(
            TicketAccumulator.add_many, options, data
        )


@pytest.mark.parametrize("n", [999, 1000, 1001, 2500])
def test_the_zone_of_the_data_is_settled_then_the_rest_is_fused(n: int) -> None:
    data = [
        {
            "created_at": f"2024-10-{1 + i % 28:02d}T{i % 24:02d}:00:00+0{i % 2 * 5}:00",
            "events": [],
        }
        for i in range(n)
    ]
    assert _run(WeeklyReport.add_many, {}, data) == _run(TicketAccumulator.add_many, {}, data)


_GOOD: dict[str, Any] = {
    "id": "T-1",
    "channel": "chat",
    "subject": "",
    "body": "",
    "tags": ["payouts"],
    "priority": "normal",
    "created_at": "2024-10-07T09:00:00+03:00",
    "events": [
        {"at": "2024-10-07T09:01:00+03:00", "type": "reply", "by": "bot"},
        {"at": "2024-10-07T09:05:00+03:00", "type": "reply", "by": "agent"},
        {"at": "2024-10-07T10:00:00+03:00", "type": "status", "status": "solved"},
    ],
    "rating": "Отлично",
    "fields": {"country": "RU"},
}
_SPOILED = [
    *({**_GOOD, key: value} for key, values in _VALUES.items() for value in values),
    *({**_GOOD, "events": [*_GOOD["events"], event]} for event in _EVENTS),
    *({**_GOOD, "events": [event]} for event in _EVENTS),
    {k: v for k, v in _GOOD.items() if k != "fields"},
    {**_GOOD, "unknown": 1},
    *({**_GOOD, "created_at": value, "events": []} for value in _VALUES["created_at"]),
]


@pytest.mark.parametrize("strict", [True, False])
@pytest.mark.parametrize("row", _SPOILED, ids=range(len(_SPOILED)))
def test_each_spoiled_field_and_event_as_the_per_row_path(row: Any, strict: bool) -> None:
    data = [_GOOD, row, _GOOD]
    options = {"tz": "Europe/Moscow", "strict": strict}
    assert _run(WeeklyReport.add_many, options, data) == _run(
        TicketAccumulator.add_many, options, data
    )
