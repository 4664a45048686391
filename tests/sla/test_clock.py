"""SLA clocks: hand-computed examples for every metric, pauses, cycles and policy switches."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from supportkit import as_ticket
from supportkit.exceptions import InvalidTicket
from supportkit.sla import PolicySet, SLAPolicy

MSK = ZoneInfo("Europe/Moscow")
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def at(text: str) -> dt.datetime:
    """Moscow wall-clock time, e.g. ``at("2024-10-07 17:30")``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=MSK)


def ticket(created: str, *events: tuple[str, str, str], **extra: Any) -> dict[str, Any]:
    """A ticket dict; each event is (Moscow time, type, author-or-status-or-priority)."""
    out: list[dict[str, str]] = []
    for when, kind, what in events:
        key = {"reply": "by", "status": "status", "priority": "priority"}[kind]
        out.append({"at": at(when).isoformat(), "type": kind, key: what})
    return {
        "id": "T-1",
        "channel": "email",
        "created_at": at(created).isoformat(),
        "events": out,
        **extra,
    }


# --- first response ------------------------------------------------------------------


def test_first_response_across_a_night(office: Any) -> None:
    # Created Mon 17:30, 1 working hour: 30 min on Monday + 30 min on Tuesday.
    policy = SLAPolicy("office", {"first_response": H}, office)
    report = PolicySet([policy]).evaluate(
        ticket("2024-10-07 17:30", ("2024-10-08 09:20", "reply", "agent"))
    )
    result = report["first_response"]
    assert result.due_at == at("2024-10-08 09:30")
    assert result.state == "achieved"
    assert result.achieved_at == at("2024-10-08 09:20")
    assert result.elapsed == 50 * M
    assert result.remaining == 10 * M
    assert result.policy == "office"
    assert not result.breached
    assert result.breach_at is None


def test_first_response_across_a_weekend_and_exactly_at_the_deadline(office: Any) -> None:
    # Fri 17:00 + 4 working hours = Fri 17-18 + Mon 09-12: due Mon 12:00.
    policies = PolicySet([SLAPolicy("office", {"first_response": 4 * H}, office)])
    on_time = policies.evaluate(ticket("2024-10-11 17:00", ("2024-10-14 12:00", "reply", "agent")))
    assert on_time["first_response"].due_at == at("2024-10-14 12:00")
    assert on_time["first_response"].state == "achieved"  # exactly at the deadline: not a breach
    assert on_time["first_response"].remaining == dt.timedelta(0)
    late = policies.evaluate(ticket("2024-10-11 17:00", ("2024-10-14 12:00:01", "reply", "agent")))
    assert late["first_response"].breached
    assert late["first_response"].breach_at == at("2024-10-14 12:00")
    assert late["first_response"].remaining == -dt.timedelta(seconds=1)


def test_only_agent_replies_count_unless_the_policy_widens_it() -> None:
    events = (("2024-10-07 10:00:05", "reply", "bot"), ("2024-10-07 10:20", "reply", "agent"))
    strict = SLAPolicy("p", {"first_response": 5 * M}, None)
    wide = SLAPolicy("p", {"first_response": 5 * M}, None, responders=["agent", "bot"])
    assert (
        PolicySet([strict]).evaluate(ticket("2024-10-07 10:00", *events))["first_response"].breached
    )
    result = PolicySet([wide]).evaluate(ticket("2024-10-07 10:00", *events))["first_response"]
    assert result.state == "achieved"
    assert result.achieved_at == at("2024-10-07 10:00:05")


def test_open_ticket_with_now() -> None:
    policies = PolicySet([SLAPolicy("chat", {"first_response": 30 * M}, None)])
    raw = ticket("2024-10-07 10:00")
    running = policies.evaluate(raw, now=at("2024-10-07 10:20"))["first_response"]
    assert (running.state, running.elapsed, running.remaining) == ("active", 20 * M, 10 * M)
    assert running.due_at == at("2024-10-07 10:30")
    assert policies.evaluate(raw, now=at("2024-10-07 10:30"))["first_response"].state == "active"
    late = policies.evaluate(raw, now="2024-10-07T10:31:00+03:00")["first_response"]
    assert late.state == "breached"
    assert late.breach_at == at("2024-10-07 10:30")


def test_events_after_now_are_ignored() -> None:
    policies = PolicySet([SLAPolicy("chat", {"first_response": 30 * M}, None)])
    raw = ticket("2024-10-07 10:00", ("2024-10-07 10:40", "reply", "agent"))
    assert policies.evaluate(raw)["first_response"].state == "breached"
    early = policies.evaluate(raw, now=at("2024-10-07 10:10"))
    assert early["first_response"].state == "active"
    assert early.as_of == at("2024-10-07 10:10")


def test_solved_without_a_response_stops_the_clock() -> None:
    policies = PolicySet([SLAPolicy("chat", {"first_response": 30 * M}, None)])
    report = policies.evaluate(
        ticket(
            "2024-10-07 10:00",
            ("2024-10-07 10:02", "reply", "bot"),
            ("2024-10-07 10:05", "status", "solved"),
        )
    )
    result = report["first_response"]
    assert (result.state, result.stopped_at, result.achieved_at) == (
        "achieved",
        at("2024-10-07 10:05"),
        None,
    )
    assert result.attained is None  # fulfilled by the solve: not counted as met


# --- resolution and pauses --------------------------------------------------------------


def test_resolution_pause_across_a_night_and_a_weekend(office: Any) -> None:
    # Thu 16:00 created; waiting for the customer from Thu 17:00 to Mon 10:00 (the
    # customer's reply ends the pause); solved Mon 15:00. Counted: Thu 16-17 (1 h) and
    # Mon 10-15 (5 h) = 6 h of an 8 h target; due Mon 17:00 had it stayed open.
    events = (
        ("2024-10-10 17:00", "reply", "agent"),
        ("2024-10-10 17:00", "status", "waiting_customer"),
        ("2024-10-14 10:00", "reply", "customer"),
        ("2024-10-14 15:00", "status", "solved"),
    )
    paused = SLAPolicy("office", {"resolution": 8 * H}, office)
    result = PolicySet([paused]).evaluate(ticket("2024-10-10 16:00", *events))["resolution"]
    assert result.state == "achieved"
    assert result.elapsed == 6 * H
    assert result.remaining == 2 * H
    assert result.achieved_at == at("2024-10-14 15:00")
    assert result.due_at == at("2024-10-14 17:00")
    # Without the pause the 8 h run out on Friday at 15:00: Thu 16-18 + Fri 09-15.
    unpaused = SLAPolicy("office", {"resolution": 8 * H}, office, pause_statuses=())
    late = PolicySet([unpaused]).evaluate(ticket("2024-10-10 16:00", *events))["resolution"]
    assert late.breached
    assert late.breach_at == at("2024-10-11 15:00")
    assert late.elapsed == 2 * H + 9 * H + 6 * H  # Thu 16-18, Fri 09-18, Mon 09-15


def test_resolution_paused_now_and_reopened_after_solve() -> None:
    policies = PolicySet([SLAPolicy("p", {"resolution": 4 * H}, None)])
    raw = ticket(
        "2024-10-07 10:00",
        ("2024-10-07 11:00", "status", "waiting_customer"),
    )
    now = policies.evaluate(raw, now=at("2024-10-07 20:00"))["resolution"]
    assert now.paused
    assert now.state == "paused"
    assert now.elapsed == H
    reopened = policies.evaluate(
        ticket(
            "2024-10-07 10:00",
            ("2024-10-07 11:00", "status", "solved"),
            ("2024-10-08 11:00", "reply", "customer"),  # reopens
            ("2024-10-08 12:00", "status", "solved"),
        )
    )["resolution"]
    # 1 h before the first solve + 1 h after the reopen; the solved day does not count.
    assert reopened.elapsed == 2 * H
    assert reopened.achieved_at == at("2024-10-08 12:00")
    assert reopened.state == "achieved"


# --- next response and periodic updates -------------------------------------------------


def test_next_response_cycles() -> None:
    events = (
        ("2024-10-07 10:01", "reply", "agent"),
        ("2024-10-07 10:05", "reply", "customer"),  # cycle 1 starts
        ("2024-10-07 10:07", "reply", "customer"),  # same cycle: still waiting since 10:05
        ("2024-10-07 10:12", "reply", "agent"),  # cycle 1: 7 min, met
        ("2024-10-07 10:20", "reply", "customer"),  # cycle 2 starts
        ("2024-10-07 10:31", "reply", "agent"),  # cycle 2: 11 min, breached at 10:30
        ("2024-10-07 10:40", "reply", "customer"),  # cycle 3 starts
        ("2024-10-07 10:45", "status", "solved"),  # cycle 3 stopped on time
    )
    policy = SLAPolicy("chat", {"next_response": 10 * M}, None)
    result = PolicySet([policy]).evaluate(ticket("2024-10-07 10:00", *events))["next_response"]
    assert [c.state for c in result.cycles] == ["achieved", "breached", "achieved"]
    assert [c.stopped_at is not None for c in result.cycles] == [False, False, True]
    assert [c.started_at for c in result.cycles] == [
        at("2024-10-07 10:05"),
        at("2024-10-07 10:20"),
        at("2024-10-07 10:40"),
    ]
    assert [c.elapsed for c in result.cycles] == [7 * M, 11 * M, 5 * M]
    assert result.breached
    assert result.breach_at == at("2024-10-07 10:30")
    assert result.state == "breached"
    assert result.started_at == at("2024-10-07 10:40")  # top level describes the last cycle
    assert result.stopped_at == at("2024-10-07 10:45")


def test_next_response_has_no_clock_without_customer_follow_up() -> None:
    policy = SLAPolicy("chat", {"next_response": 10 * M}, None)
    report = PolicySet([policy]).evaluate(
        ticket("2024-10-07 10:00", ("2024-10-07 10:01", "reply", "agent"))
    )
    assert "next_response" not in report
    assert report.get("next_response") is None
    with pytest.raises(LookupError, match="next_response"):
        report["next_response"]


def test_periodic_update_with_and_without_pause() -> None:
    events = [
        ("2024-10-07 10:00", "reply", "agent"),
        ("2024-10-07 11:30", "reply", "agent"),  # cycle 1: 1.5 h, met
        ("2024-10-07 14:00", "reply", "agent"),  # cycle 2: 2.5 h, breached at 13:30
        ("2024-10-07 14:10", "status", "solved"),  # cycle 3 stopped
    ]
    policy = SLAPolicy("b2b", {"periodic_update": 2 * H, "pausable_update": 2 * H}, None)
    result = PolicySet([policy]).evaluate(ticket("2024-10-07 09:00", *events))["periodic_update"]
    assert [c.state for c in result.cycles] == ["achieved", "breached", "achieved"]
    assert result.breach_at == at("2024-10-07 13:30")
    # Waiting for the customer 11:30-13:00: periodic_update keeps running (as
    # Zendesk's), pausable_update does not count it, so its cycle 2 is 1 h.
    paused = [
        *events[:2],
        ("2024-10-07 11:30", "status", "waiting_customer"),
        ("2024-10-07 13:00", "reply", "customer"),
        *events[2:],
    ]
    report = PolicySet([policy]).evaluate(ticket("2024-10-07 09:00", *paused))
    assert [c.state for c in report["periodic_update"].cycles] == [
        "achieved",
        "breached",
        "achieved",
    ]
    assert report["periodic_update"].cycles[1].elapsed == 2.5 * H
    pausable = report["pausable_update"]
    assert [c.state for c in pausable.cycles] == ["achieved", "achieved", "achieved"]
    assert pausable.cycles[1].elapsed == H


# --- policy choice and switches ---------------------------------------------------------


def priority_policies() -> PolicySet:
    return PolicySet(
        [
            SLAPolicy(
                "urgent",
                {"first_response": 30 * M, "resolution": 2 * H},
                None,
                applies_to={"priority": ["urgent", "high"]},
            ),
            SLAPolicy("normal", {"first_response": 4 * H, "resolution": 24 * H}, None),
        ]
    )


def test_policy_switch_on_priority_change_measures_from_the_original_start() -> None:
    raw = ticket(
        "2024-10-07 10:00",
        ("2024-10-07 10:10", "priority", "urgent"),
        ("2024-10-07 10:45", "reply", "agent"),
        priority="normal",
    )
    report = priority_policies().evaluate(raw)
    assert report.policies == (
        (at("2024-10-07 10:00"), "normal"),
        (at("2024-10-07 10:10"), "urgent"),
    )
    assert report.policy == "urgent"
    first = report["first_response"]
    assert first.policy == "urgent"
    assert first.due_at == at("2024-10-07 10:30")  # 30 min from creation, not from 10:10
    assert first.breached


def test_metrics_finished_before_a_switch_keep_their_policy() -> None:
    raw = ticket(
        "2024-10-07 10:00",
        ("2024-10-07 10:05", "reply", "agent"),
        ("2024-10-07 11:00", "priority", "high"),
        ("2024-10-07 13:00", "status", "solved"),
        priority="normal",
    )
    report = priority_policies().evaluate(raw)
    assert report["first_response"].policy == "normal"
    assert report["resolution"].policy == "urgent"
    assert report["resolution"].breached  # 3 h against the urgent 2 h
    assert report["resolution"].breach_at == at("2024-10-07 12:00")


def test_applies_to_channel_tags_and_fields() -> None:
    vip = SLAPolicy(
        "vip-payouts",
        {"first_response": 15 * M},
        None,
        applies_to={
            "channel": ["chat", "messenger"],
            "tags": {"any": ["payouts"], "none": ["spam"]},
            "fields": {"country": ["RU", "KZ"]},
        },
    )
    rest = SLAPolicy("rest", {"first_response": 4 * H}, None)
    policies = PolicySet([vip, rest])
    base = ticket("2024-10-07 10:00", channel="chat", tags=["payouts"], fields={"country": "KZ"})
    assert policies.evaluate(base).policy == "vip-payouts"
    assert policies.select(base) is vip
    assert policies.evaluate({**base, "channel": "email"}).policy == "rest"
    assert policies.evaluate({**base, "tags": ["payouts", "spam"]}).policy == "rest"
    assert policies.evaluate({**base, "fields": {"country": "ES"}}).policy == "rest"
    only_vip = PolicySet([vip])
    nobody = only_vip.evaluate({**base, "channel": "email"})
    assert nobody.policy is None
    assert len(nobody) == 0
    assert nobody.problems == ("ticket: no policy applies.",)


def test_per_metric_calendars(office: Any) -> None:
    # First response on 24/7 time, resolution in office hours.
    policy = SLAPolicy(
        "mixed",
        {"first_response": H, "resolution": 2 * H},
        office,
        calendars={"first_response": None},
    )
    report = PolicySet([policy]).evaluate(ticket("2024-10-07 20:00"), now=at("2024-10-07 22:00"))
    assert report["first_response"].breach_at == at("2024-10-07 21:00")
    assert report["resolution"].elapsed == dt.timedelta(0)
    assert report["resolution"].due_at == at("2024-10-08 11:00")


# --- tickets that are not clean -----------------------------------------------------------


def test_lenient_reading_reports_dropped_events() -> None:
    raw = ticket("2024-10-07 10:00", ("2024-10-07 10:10", "reply", "agent"))
    raw["events"].insert(0, {"at": "2024-10-07T10:05:00+03:00", "type": "escalate"})
    raw["events"].append({"at": "2024-10-06T10:05:00+03:00", "type": "reply", "by": "agent"})
    policies = PolicySet([SLAPolicy("p", {"first_response": H}, None)])
    with pytest.raises(InvalidTicket, match=r"ticket\.events\[0\]\.type must be one of"):
        policies.evaluate(raw)
    report = policies.evaluate(raw, strict=False)
    assert report["first_response"].achieved_at == at("2024-10-07 10:10")
    assert len(report.problems) == 2
    assert "events[0]: dropped" in report.problems[0]
    assert "is before ticket.created_at" in report.problems[1]


def test_out_of_order_events_are_sorted() -> None:
    raw = ticket(
        "2024-10-07 10:00",
        ("2024-10-07 10:30", "reply", "agent"),
        ("2024-10-07 10:10", "reply", "agent"),
    )
    report = PolicySet([SLAPolicy("p", {"first_response": H}, None)]).evaluate(raw)
    assert report["first_response"].achieved_at == at("2024-10-07 10:10")


def test_ticket_without_created_at_or_now_before_it() -> None:
    policies = PolicySet([SLAPolicy("p", {"first_response": H}, None)])
    with pytest.raises(InvalidTicket, match=r"ticket\.created_at is missing"):
        policies.evaluate("Где моя выплата?")
    with pytest.raises(InvalidTicket, match="now 2024-10-07T09:00:00"):
        policies.evaluate(ticket("2024-10-07 10:00"), now=at("2024-10-07 09:00"))


def test_ticket_objects_and_dicts_give_the_same_report() -> None:
    raw = ticket("2024-10-07 10:00", ("2024-10-07 10:10", "reply", "agent"))
    policies = PolicySet([SLAPolicy("p", {"first_response": H, "resolution": 8 * H}, None)])
    assert policies.evaluate(raw) == policies.evaluate(as_ticket(raw))
    assert policies.evaluate(raw).to_dict()["metrics"]["first_response"]["elapsed"] == 600.0


def test_solved_time_never_counts_toward_resolution_even_without_pauses() -> None:
    policy = SLAPolicy("p", {"resolution": 4 * H}, None, paused_metrics=[])
    raw = ticket(
        "2024-10-07 10:00",
        ("2024-10-07 10:30", "status", "waiting_customer"),  # counts: not paused
        ("2024-10-07 11:00", "status", "solved"),
        ("2024-10-08 11:00", "status", "open"),
        ("2024-10-08 11:30", "status", "closed"),
    )
    assert PolicySet([policy]).evaluate(raw)["resolution"].elapsed == 90 * M


def test_dst_change_in_madrid_counts_absolute_time() -> None:
    # Clocks go forward at 02:00 on 31 March 2024: 01:30 + 1 h of 24/7 time is 03:30.
    from zoneinfo import ZoneInfo

    from supportkit.sla import WorkCalendar

    madrid = ZoneInfo("Europe/Madrid")
    created = dt.datetime(2024, 3, 31, 1, 30, tzinfo=madrid)
    for calendar in (None, WorkCalendar.always("Europe/Madrid")):
        policy = SLAPolicy("es", {"first_response": H}, calendar)
        report = PolicySet([policy]).evaluate(
            {"created_at": created, "events": []},
            now=dt.datetime(2024, 3, 31, 3, 15, tzinfo=madrid),
        )
        result = report["first_response"]
        assert result.due_at == dt.datetime(2024, 3, 31, 3, 30, tzinfo=madrid)
        assert result.elapsed == 45 * M


def test_deadlines_are_computed_on_first_read_and_survive_pickling(office: Any) -> None:
    import pickle

    policy = SLAPolicy("office", {"first_response": H, "resolution": 8 * H}, office)
    raw = ticket("2024-10-07 17:30", ("2024-10-08 09:20", "reply", "agent"))
    report = PolicySet([policy]).evaluate(raw)
    clone = pickle.loads(pickle.dumps(report))
    assert clone == report
    assert clone["first_response"].due_at == at("2024-10-08 09:30")
    assert "due_at='2024-10-08T09:30:00+03:00'" in repr(report["first_response"])
    assert hash(report["first_response"]) == hash(clone["first_response"])


def test_next_response_from_latest_restarts_on_each_customer_reply() -> None:
    events = (
        ("2024-10-07 10:01", "reply", "agent"),
        ("2024-10-07 10:05", "reply", "customer"),
        ("2024-10-07 10:12", "reply", "customer"),  # restarts the clock under "latest"
        ("2024-10-07 10:20", "reply", "agent"),
    )
    oldest = SLAPolicy("chat", {"next_response": 10 * M}, None)
    latest = SLAPolicy("chat", {"next_response": 10 * M}, None, next_response_from="latest")
    raw = ticket("2024-10-07 10:00", *events)
    strict = PolicySet([oldest]).evaluate(raw)["next_response"]
    assert (strict.started_at, strict.elapsed, strict.state) == (
        at("2024-10-07 10:05"),
        15 * M,
        "breached",
    )
    lenient = PolicySet([latest]).evaluate(raw)["next_response"]
    assert (lenient.started_at, lenient.elapsed, lenient.state) == (
        at("2024-10-07 10:12"),
        8 * M,
        "achieved",
    )
