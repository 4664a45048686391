"""Reading tickets from export rows: good rows, and bad rows with errors naming the field."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import types
import zoneinfo
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportkit import Event, Ticket, as_ticket
from supportkit._ticket import AUTHORS, STATUSES, as_tickets
from supportkit.exceptions import (
    InvalidArgument,
    InvalidTicket,
    NaiveDatetimeError,
    SupportkitError,
)

ROW = {
    "id": 1042,
    "channel": "Chat",
    "subject": "",
    "body": "Здравствуйте! Выплата не пришла.",
    "tags": ["payouts", "payouts", " urgent "],
    "priority": "HIGH",
    "created_at": "2024-11-05T09:00:00+03:00",
    "events": [
        {"at": "2024-11-05T09:05:00+03:00", "type": "status", "status": "solved"},
        {"at": "2024-11-05T09:00:40+03:00", "type": "reply", "by": "agent"},
        {"at": "2024-11-05T09:00:05+03:00", "type": "reply", "by": "bot"},
    ],
    "rating": "Отлично",
    "fields": {"customer_name": "Анна", "country": "RU"},
}


def test_a_good_row() -> None:
    ticket = as_ticket(ROW)
    assert ticket.id == "1042"
    assert ticket.channel == "chat"
    assert ticket.priority == "high"
    assert ticket.tags == ("payouts", "urgent")
    assert [e.by or e.status for e in ticket.events] == ["bot", "agent", "solved"]
    assert ticket.created_at == dt.datetime(2024, 11, 5, 6, 0, tzinfo=dt.timezone.utc)
    assert ticket.rating == "Отлично"
    assert ticket.fields["customer_name"] == "Анна"
    assert ticket.text("fields.customer_name") == "Анна"
    assert ticket.text("fields.missing") == ""
    assert ticket.text("body").startswith("Здравствуйте")
    assert ticket.problems == ()


def test_a_bare_string_is_a_body() -> None:
    assert as_ticket("Где мои деньги?") == Ticket(body="Где мои деньги?")


def test_a_ticket_passes_through() -> None:
    ticket = as_ticket(ROW)
    assert as_ticket(ticket) is ticket


def test_to_dict_round_trips_and_is_json() -> None:
    ticket = as_ticket(ROW)
    data = json.loads(json.dumps(ticket.to_dict(), ensure_ascii=False))
    assert as_ticket(data) == ticket


def test_tickets_pickle() -> None:
    ticket = as_ticket(ROW)
    assert pickle.loads(pickle.dumps(ticket)) == ticket


def test_fields_are_read_only() -> None:
    ticket = as_ticket(ROW)
    with pytest.raises(TypeError):
        ticket.fields["country"] = "KZ"  # type: ignore[index]


def test_csv_style_row() -> None:
    row = {
        "id": "7",
        "channel": "email",
        "subject": "Акт",
        "body": "Не могу подписать акт",
        "tags": "acts; my_tax",
        "priority": "",
        "created_at": "2024-11-05T09:00:00+03:00",
        "events": json.dumps([{"at": "2024-11-05T10:00:00+03:00", "type": "reply", "by": "agent"}]),
        "rating": "4",
        "fields": "",
    }
    ticket = as_ticket(row)
    assert ticket.tags == ("acts", "my_tax")
    assert ticket.priority is None
    assert ticket.rating == 4
    assert len(ticket.events) == 1
    assert as_ticket({"rating": "4,5"}).rating == 4.5


@pytest.mark.parametrize(
    ("patch", "field", "message"),
    [
        ({"created_at": "2024-11-05T09:00:00"}, "ticket.created_at", "timezone-aware"),
        ({"tags": 5}, "ticket.tags", "list of strings"),
        ({"tags": ["ok", 5]}, "ticket.tags[1]", "must be a string"),
        ({"body": ["a"]}, "ticket.body", "must be a string"),
        ({"events": {"at": 1}}, "ticket.events", "must be a list"),
        ({"events": "[oops"}, "ticket.events", "not valid JSON"),
        ({"events": [{"type": "reply", "by": "agent"}]}, "ticket.events[0].at", "no 'at'"),
        (
            {"events": [{"at": "2024-11-05T10:00:00+03:00", "type": "call"}]},
            "ticket.events[0].type",
            "must be one of",
        ),
        (
            {"events": [{"at": "2024-11-05T10:00:00+03:00", "type": "status", "status": "x"}]},
            "ticket.events[0].status",
            "must be one of",
        ),
        (
            {"events": [{"at": "2024-11-05T10:00:00+03:00", "type": "priority"}]},
            "ticket.events[0].priority",
            "without a 'priority'",
        ),
        (
            {"events": [{"at": "2024-11-05T10:00:00+03:00", "type": "reply", "who": "x"}]},
            "ticket.events[0].who",
            "unknown key 'who'",
        ),
        (
            {"events": [{"at": "2024-11-05T08:00:00+03:00", "type": "reply", "by": "agent"}]},
            "ticket.events[0].at",
            "is before ticket.created_at",
        ),
        ({"fields": [1, 2]}, "ticket.fields", "must be a mapping"),
        ({"country": "RU"}, "ticket.country", "unknown key 'country'"),
    ],
)
def test_bad_rows_name_the_field(patch: dict[str, object], field: str, message: str) -> None:
    row = {**ROW, **patch}
    with pytest.raises(ValueError, match=message) as info:
        as_ticket(row)
    assert getattr(info.value, "field", None) == field
    assert field.rsplit(".", 1)[0] in str(info.value)


def test_naive_event_time_is_a_naive_datetime_error() -> None:
    row = {"events": [{"at": "2024-11-05T10:00:00", "type": "reply", "by": "agent"}]}
    with pytest.raises(NaiveDatetimeError, match=r"ticket\.events\[0\]\.at"):
        as_ticket(row)


def test_wrong_type_is_a_type_error() -> None:
    with pytest.raises(InvalidArgument, match="must be a Ticket, a mapping or a str"):
        as_ticket(42)
    with pytest.raises(TypeError):
        as_ticket(["body"])


def test_lenient_mode_drops_and_reports_never_silently() -> None:
    row = {
        **ROW,
        "country": "KZ",
        "events": [
            *ROW["events"],  # type: ignore[list-item]
            {"at": "2024-11-04T09:00:00+03:00", "type": "reply", "by": "agent"},
            {"at": "2024-11-05T11:00:00+03:00", "type": "call"},
        ],
    }
    ticket = as_ticket(row, strict=False)
    assert len(ticket.events) == 3
    assert ticket.fields["country"] == "RU"  # an explicit custom field wins ...
    assert any("ticket.country" in p for p in ticket.problems)  # ... and the move is reported
    assert any("events[3]" in p and "before" in p for p in ticket.problems)
    assert any("events[4]" in p for p in ticket.problems)
    assert len(ticket.problems) == 3


def test_as_tickets_names_the_position() -> None:
    rows = [{"body": "ok"}, {"body": "ok"}, {"tags": 1}]
    with pytest.raises(InvalidTicket, match=r"tickets\[2\]\.tags"):
        list(as_tickets(rows))


event_rows = st.builds(
    lambda minutes, kind, by, status: {
        "at": (
            dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=minutes)
        ).isoformat(),
        "type": kind,
        **({"by": by} if kind in ("reply", "note") else {}),
        **({"status": status} if kind == "status" else {}),
        **({"priority": "high"} if kind == "priority" else {}),
    },
    st.integers(0, 10_000),
    st.sampled_from(["reply", "note", "status", "priority", "assign"]),
    st.sampled_from(AUTHORS),
    st.sampled_from(STATUSES),
)


@given(st.lists(event_rows, max_size=12))
def test_events_come_out_sorted_and_complete(events: list[dict[str, object]]) -> None:
    ticket = as_ticket({"created_at": "2024-01-01T00:00:00+00:00", "events": events})
    assert len(ticket.events) == len(events)
    assert all(isinstance(e, Event) for e in ticket.events)
    times = [e.at for e in ticket.events]
    assert times == sorted(times)
    assert as_ticket(ticket.to_dict()) == ticket


def test_the_repeated_autumn_hour_is_ordered_by_instant() -> None:
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    first = dt.datetime(2024, 10, 27, 0, 59, 59, tzinfo=dt.timezone.utc).astimezone(berlin)
    later = (first.astimezone(dt.timezone.utc) + dt.timedelta(seconds=1)).astimezone(berlin)
    assert later.replace(tzinfo=None) < first.replace(tzinfo=None)  # wall clock goes back
    ticket = as_ticket(
        {
            "created_at": first,
            "events": [
                {"at": later, "type": "status", "status": "solved"},
                {"at": first, "type": "reply", "by": "agent"},
            ],
        }
    )
    assert [e.type for e in ticket.events] == ["reply", "status"]


def test_durations_across_a_dst_change_are_real_elapsed_time() -> None:
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    created = dt.datetime(2024, 10, 27, 1, 0, tzinfo=berlin)  # CEST, +02:00
    answered = dt.datetime(2024, 10, 27, 4, 0, tzinfo=berlin)  # CET, +01:00
    assert answered - created == dt.timedelta(hours=3)  # Python's wall-clock trap
    ticket = as_ticket(
        {"created_at": created, "events": [{"at": answered, "type": "reply", "by": "agent"}]}
    )
    assert ticket.events[0].at - ticket.created_at == dt.timedelta(hours=4)  # type: ignore[operator]
    assert ticket.created_at.hour == 1  # the local time shown is kept  # type: ignore[union-attr]
    direct = Ticket(created_at=created, events=(Event(at=answered, type="reply", by="agent"),))
    assert direct.events[0].at - direct.created_at == dt.timedelta(hours=4)  # type: ignore[operator]


# --- the fast path for well-formed rows gives exactly what the checking path gives ----

_clock = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2024, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)
_offsets = st.sampled_from(["+03:00", "+00:00", "Z", "+10:00", "", "-05:30"])
_event_rows = st.fixed_dictionaries(
    {
        "at": st.tuples(_clock, _offsets).map(lambda p: p[0].isoformat() + p[1]),
        "type": st.sampled_from(["reply", "note", "status", "Reply", "priority"]),
    },
    optional={
        "by": st.sampled_from(["agent", "customer", "bot", "Agent", "robot"]),
        "status": st.sampled_from(["open", "solved", "waiting_customer", "Open"]),
        "priority": st.sampled_from(["high", "low"]),
    },
)
_rows = st.fixed_dictionaries(
    {"created_at": st.tuples(_clock, _offsets).map(lambda p: p[0].isoformat() + p[1])},
    optional={
        "id": st.one_of(st.text(max_size=3), st.integers(), st.booleans()),
        "channel": st.sampled_from(["chat", "Chat", " email", "", None]),
        "priority": st.sampled_from(["high", "HIGH", None]),
        "subject": st.one_of(st.text(max_size=5), st.none()),
        "tags": st.one_of(
            st.lists(st.sampled_from(["a", "b", " c", ""]), max_size=3), st.just("a,b")
        ),
        "rating": st.one_of(st.integers(1, 5), st.just("5"), st.booleans()),
        "fields": st.just({"x": 1}),
        "events": st.lists(_event_rows, max_size=5),
    },
)


def _checking_path(row: dict[str, Any]) -> Any:
    """The same row behind mapping proxies, which only the checking path reads."""
    events = row.get("events")
    copy = dict(row)
    if isinstance(events, list):
        copy["events"] = [types.MappingProxyType(e) for e in events]
    return types.MappingProxyType(copy)


def _outcome(row: Any) -> Any:
    try:
        return as_ticket(row).to_dict()
    except SupportkitError as exc:
        return type(exc).__name__


@given(row=_rows)
def test_fast_path_equals_checking_path(row: dict[str, Any]) -> None:
    assert _outcome(row) == _outcome(_checking_path(row))


@given(row=_rows)
def test_fast_path_tickets_compare_hash_and_pickle_as_checked_ones(row: dict[str, Any]) -> None:
    try:
        fast = as_ticket(row)
    except SupportkitError:
        return
    checked = as_ticket(_checking_path(row))
    assert fast == checked
    assert hash(fast) == hash(checked)
    assert fast.events == checked.events
    again = pickle.loads(pickle.dumps(fast))
    assert again == checked
    assert again.fields == checked.fields


def test_ticket_and_event_reject_naive_datetimes() -> None:
    naive = dt.datetime(2024, 3, 1, 9, 0)
    with pytest.raises(NaiveDatetimeError, match=r"Ticket\.created_at must be timezone-aware"):
        Ticket(created_at=naive)
    with pytest.raises(NaiveDatetimeError, match=r"Event\.at must be timezone-aware"):
        Event(at=naive, type="reply", by="agent")


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"id": "t1", "created_at": "yesterday"}, "ticket.created_at"),
        ({"id": "t1", "created_at": "2026-13-01T00:00:00Z"}, "ticket.created_at"),
        (
            {
                "id": "t1",
                "created_at": "2026-01-01T00:00:00Z",
                "events": [{"type": "reply", "at": "nope"}],
            },
            "ticket.events[0].at",
        ),
    ],
)
def test_a_row_time_that_is_no_time_is_an_unreadable_ticket(
    row: dict[str, Any], field: str
) -> None:
    with pytest.raises(
        InvalidTicket, match="must be an ISO-8601 date-time with an offset"
    ) as caught:
        as_ticket(row)
    assert caught.value.field == field
