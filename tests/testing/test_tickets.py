"""tickets(): valid, consistent, and accepted by every module's entry point."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from supportkit import as_ticket
from supportkit._ticket import AUTHORS, STATUSES
from supportkit.exceptions import InvalidArgument
from supportkit.testing import strategies as sk


@settings(max_examples=60)
@given(sk.tickets())
def test_every_ticket_is_read_strictly_and_round_trips(raw: dict[str, Any]) -> None:
    ticket = as_ticket(json.loads(json.dumps(raw)))
    assert ticket.problems == ()
    assert as_ticket(ticket.to_dict()) == ticket
    assert ticket.tags == tuple(raw["tags"])
    assert ticket.body


@settings(max_examples=30)
@given(sk.tickets())
def test_event_streams_are_consistent(raw: dict[str, Any]) -> None:
    ticket = as_ticket(raw)
    assert ticket.created_at is not None
    times = [event.at for event in ticket.events]
    assert times == sorted(times)
    assert all(at >= ticket.created_at for at in times)
    status = "new"
    solved = False
    for event in ticket.events:
        assert status != "closed", "nothing follows closed"
        if event.type in ("reply", "note"):
            assert event.by in AUTHORS
        if event.type == "note":
            assert event.by == "agent"
        if event.type == "status":
            assert event.status in STATUSES
            assert event.status in sk.STATUS_MOVES[status]
            status = event.status
            solved = solved or status == "solved"
    if ticket.rating is not None:
        assert solved
        assert ticket.rating in range(1, 6)


@given(sk.tickets(rated=True, min_events=1, max_events=3))
def test_rated_tickets_are_solved(raw: dict[str, Any]) -> None:
    ticket = as_ticket(raw)
    assert ticket.rating is not None
    assert any(e.status == "solved" for e in ticket.events)
    assert len(ticket.events) <= 3


@given(sk.tickets(min_events=2, max_events=2, max_gap=dt.timedelta(0), rated=False))
def test_sizes_and_gaps_are_respected(raw: dict[str, Any]) -> None:
    ticket = as_ticket(raw)
    assert len(ticket.events) == 2
    assert ticket.rating is None
    assert {e.at for e in ticket.events} == {ticket.created_at}


def test_tickets_shrink_to_a_plain_email() -> None:
    raw = find(sk.tickets(), lambda t: True)
    assert raw["channel"] == "email"
    assert raw["events"] == []
    assert raw["created_at"] == "2020-01-01T09:00:00+00:00"
    # Where a conditional search stops shrinking is not Hypothesis's contract (a saved
    # example database can leave it elsewhere); the example must still be simple.
    replied = find(sk.tickets(), lambda t: len(t["events"]) >= 1)
    assert len(replied["events"]) == 1
    assert replied["events"][0]["type"] == "reply"
    reply_at = dt.datetime.fromisoformat(replied["events"][0]["at"])
    assert reply_at >= dt.datetime.fromisoformat(replied["created_at"])


def test_every_kind_of_event_appears() -> None:
    for check in (
        lambda t: any(e.get("by") == "customer" for e in t["events"]),
        lambda t: any(e.get("by") == "bot" for e in t["events"]),
        lambda t: any(e.get("by") == "rule" for e in t["events"]),
        lambda t: any(e.get("status") == "closed" for e in t["events"]),
        lambda t: any(e["type"] == "assign" for e in t["events"]),
        lambda t: t["rating"] is not None,
    ):
        assert find(sk.tickets(), check)


@settings(max_examples=25)
@given(st.lists(sk.tickets(), min_size=1, max_size=8))
def test_metrics_accept_every_ticket(raws: list[dict[str, Any]]) -> None:
    from supportkit import metrics

    tickets = [as_ticket(r) for r in raws]
    assert metrics.automation_rate(tickets).count == len(tickets)
    assert metrics.response_times(raws).count <= len(tickets)
    metrics.resolution_times(raws)
    metrics.reopen_rate(raws)
    metrics.one_touch_rate(raws)
    metrics.backlog(raws)
    metrics.top_categories(raws)
    metrics.weekly_report(raws)
    rated = [t.rating for t in tickets if t.rating is not None]
    assert metrics.csat(rated).count == len(rated)


@given(
    st.sampled_from(["2", "3", "5", "10", "11"]).flatmap(
        lambda s: st.tuples(st.just(s), st.lists(sk.ratings(s, labels=True), min_size=1))
    )
)
def test_ratings_are_accepted_by_csat(pair: tuple[str, list[Any]]) -> None:
    from supportkit import metrics

    scale, values = pair
    assert metrics.csat(values, scale=scale).count == len(values)


def test_ratings_shrink_to_the_worst_point() -> None:
    assert find(sk.ratings("5"), lambda r: True) == 1
    assert find(sk.ratings("2"), lambda r: True) == 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sk.tickets(channels=["fax"]), "'fax', which is not one of"),
        (lambda: sk.tickets(channels="email"), "channels must be a non-empty list"),
        (lambda: sk.tickets(topics=["weather"]), "'weather', which is not one of"),
        (lambda: sk.tickets(min_events=3, max_events=2), "max_events=2 < min_events=3"),
        (lambda: sk.tickets(min_events=-1), "min_events must be an int of at least 0"),
        (lambda: sk.tickets(rated=True, max_events=0), "rated=True with max_events=0"),
        (lambda: sk.tickets(max_gap=5), "max_gap must be a non-negative timedelta"),
        (lambda: sk.tickets(created_at=dt.datetime.now(dt.timezone.utc)), "must be a strategy"),
        (lambda: sk.ratings("7"), "scale must be one of"),
    ],
)
def test_bad_options(call: object, message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        call()  # type: ignore[operator]
