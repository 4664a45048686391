"""Every Zendesk metric over one status cycle, by hand, in calendar and business time.

The cycle: open -> waiting_customer -> open -> on_hold -> solved -> open (reopen) -> solved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportkit.exceptions import SupportkitError, UnknownSLAName
from supportkit.sla import METRICS, PolicySet, SLAPolicy, WorkCalendar, at_risk

MSK = ZoneInfo("Europe/Moscow")
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=MSK)


def cycle_ticket() -> dict[str, Any]:
    # Thu 16:00 created; agent answers 17:00 and waits for the customer; the customer
    # answers Fri 10:00 (-> open); on hold Fri 12:00; solved Fri 17:00; the customer
    # reopens Mon 10:00; the agent answers and solves Mon 11:00.
    events = [
        ("2024-10-10 17:00", "reply", "agent"),
        ("2024-10-10 17:00", "status", "waiting_customer"),
        ("2024-10-11 10:00", "reply", "customer"),
        ("2024-10-11 12:00", "status", "on_hold"),
        ("2024-10-11 17:00", "status", "solved"),
        ("2024-10-14 10:00", "reply", "customer"),
        ("2024-10-14 11:00", "reply", "agent"),
        ("2024-10-14 11:00", "status", "solved"),
    ]
    key = {"reply": "by", "status": "status"}
    return {
        "id": "Z-1",
        "created_at": at("2024-10-10 16:00").isoformat(),
        "events": [{"at": at(w).isoformat(), "type": k, key[k]: v} for w, k, v in events],
    }


TARGET = 100 * H  # nothing breaches: the test is about elapsed time


def evaluate(calendar: Any) -> Any:
    policy = SLAPolicy("p", dict.fromkeys(METRICS, TARGET), calendar)
    return PolicySet([policy]).evaluate(cycle_ticket())


def test_every_metric_in_calendar_time() -> None:
    report = evaluate(None)
    elapsed = {m: (r.cycles[0] if r.cycles else r).elapsed for m, r in report.items()}
    assert elapsed == {
        "first_response": H,  # Thu 16-17
        # cycle 1 Fri 10:00 -> solved Fri 17:00 (7 h, stopped); cycle 2 Mon 10-11 (met)
        "next_response": 7 * H,
        # from the agent reply Thu 17:00, running while waiting, until the solve Fri 17:00
        "periodic_update": 24 * H,
        # the same minus waiting Thu 17:00 - Fri 10:00 (17 h)
        "pausable_update": 7 * H,
        # Thu 16-17 + Fri 10-17 (on hold counts) + Mon 10-11; waiting and solved do not
        "resolution": 9 * H,
        "requester_wait": 9 * H,  # new/open/on_hold: the same stretches here
        "agent_work": 4 * H,  # new/open only: Thu 16-17 + Fri 10-12 + Mon 10-11
    }
    nexts = report["next_response"].cycles
    assert [(c.elapsed, c.stopped_at is not None) for c in nexts] == [(7 * H, True), (H, False)]
    assert all(r.state == "achieved" for r in report.values())
    # The agent's Mon 11:00 answer starts an update cycle the same-instant solve stops.
    updates = report["periodic_update"].cycles
    assert [(c.started_at, c.elapsed) for c in updates][1] == (at("2024-10-14 11:00"), 0 * H)
    assert report["resolution"].achieved_at == at("2024-10-14 11:00")


def test_every_metric_in_business_time() -> None:
    office = WorkCalendar.weekly("Europe/Moscow", {"mon-fri": "09:00-18:00"})
    report = evaluate(office)
    elapsed = {m: (r.cycles[0] if r.cycles else r).elapsed for m, r in report.items()}
    assert report["next_response"].cycles[1].elapsed == H  # Mon 10-11
    assert elapsed == {
        "first_response": H,  # Thu 16-17
        "next_response": 7 * H,  # Fri 10-17
        # Thu 17-18 + Fri 09-17: the night does not count in business time
        "periodic_update": 9 * H,
        "pausable_update": 7 * H,  # Fri 10-17
        "resolution": 9 * H,  # Thu 16-17 + Fri 10-17 + Mon 10-11
        "requester_wait": 9 * H,
        "agent_work": 4 * H,
    }


def test_metric_events_follow_the_clock() -> None:
    report = evaluate(None)
    agent = [(e.type, e.at) for e in report.events() if e.metric == "agent_work"]
    assert agent == [
        ("apply_sla", at("2024-10-10 16:00")),
        ("activate", at("2024-10-10 16:00")),
        ("pause", at("2024-10-10 17:00")),  # waiting on the customer
        ("activate", at("2024-10-11 10:00")),
        ("pause", at("2024-10-11 12:00")),  # on hold
        ("activate", at("2024-10-14 10:00")),  # reopened
        ("fulfill", at("2024-10-14 11:00")),
    ]
    zendesk = report.events()[0].to_zendesk()
    assert zendesk == {"metric": "reply_time", "type": "apply_sla", "time": "2024-10-10T13:00:00Z"}


def test_breach_event_at_the_due_time() -> None:
    policy = SLAPolicy("p", {"first_response": H}, None)
    raw = cycle_ticket()
    raw["events"] = raw["events"][2:]  # no answer until Mon
    events = PolicySet([policy]).evaluate(raw).events()
    assert [(e.type, e.at) for e in events] == [
        ("apply_sla", at("2024-10-10 16:00")),
        ("activate", at("2024-10-10 16:00")),
        ("breach", at("2024-10-10 17:00")),
        ("fulfill", at("2024-10-11 17:00")),  # solved before any answer: stopped
    ]


def test_states_at_now() -> None:
    policy = SLAPolicy("p", {"first_response": H, "resolution": 4 * H}, None)
    pset = PolicySet([policy])
    raw = {"id": "1", "created_at": at("2024-10-07 10:00").isoformat(), "events": [
        {"at": at("2024-10-07 10:20").isoformat(), "type": "status", "status": "waiting_customer"},
    ]}  # fmt: skip
    early = pset.evaluate(raw, now=at("2024-10-07 10:30"))
    assert (early["first_response"].state, early["resolution"].state) == ("active", "paused")
    assert early["first_response"].remaining == 30 * M
    late = pset.evaluate(raw, now=at("2024-10-07 11:01"))
    assert late["first_response"].state == "breached"  # still running past due
    assert late.overdue == (late["first_response"],)
    assert late.next_due is None  # the resolution clock is paused


def test_at_risk_orders_by_time_left() -> None:
    policy = SLAPolicy("p", {"first_response": H}, None)
    tickets = [
        {"id": i, "created_at": at(f"2024-10-07 10:{m:02d}").isoformat()}
        for i, m in (("a", 0), ("b", 30), ("c", 10), ("d", 55))
    ]
    risks = at_risk(tickets, [policy], now=at("2024-10-07 10:55"), within=30 * M)
    assert [(r.ticket_id, r.remaining) for r in risks] == [("a", 5 * M), ("c", 15 * M)]
    with_overdue = at_risk(
        tickets, [policy], now=at("2024-10-07 11:05"), within="30m", overdue=True
    )
    assert [(r.ticket_id, r.state, r.remaining) for r in with_overdue] == [
        ("a", "breached", -5 * M),
        ("c", "active", 5 * M),
        ("b", "active", 25 * M),
    ]


def test_unknown_names_are_lookup_errors() -> None:
    with pytest.raises(LookupError, match="unknown metric 'first_reply'") as info:
        SLAPolicy("p", {"first_reply": H}, None)
    assert isinstance(info.value, SupportkitError)
    assert isinstance(info.value, UnknownSLAName)
    with pytest.raises(LookupError, match="not a preset"):
        SLAPolicy("p", {"first_response": H}, "offfice")
    report = PolicySet([SLAPolicy("p", {"first_response": H}, None)]).evaluate(cycle_ticket())
    with pytest.raises(LookupError, match="resolution"):
        report["resolution"]


@pytest.mark.parametrize("target", ["1e400", "99999999999h", "nan", float("inf")])
def test_absurd_targets_are_rejected(target: Any) -> None:
    with pytest.raises(ValueError, match="finite duration"):
        SLAPolicy("p", {"resolution": target}, None)


# --- properties ---------------------------------------------------------------------

KINDS = [
    ("reply", "by", "agent"),
    ("reply", "by", "customer"),
    ("status", "status", "waiting_customer"),
    ("status", "status", "on_hold"),
    ("status", "status", "open"),
    ("status", "status", "solved"),
]
START = at("2024-10-07 09:00")
events_st = st.lists(
    st.tuples(st.integers(min_value=0, max_value=5 * 24 * 60), st.sampled_from(KINDS)),
    max_size=12,
)


def build(events: list[tuple[int, tuple[str, str, str]]]) -> dict[str, Any]:
    return {
        "id": "P",
        "created_at": START.isoformat(),
        "events": [
            {"at": (START + m * M).isoformat(), "type": kind, key: value}
            for m, (kind, key, value) in events
        ],
    }


POLICY = PolicySet([SLAPolicy("p", dict.fromkeys(METRICS, 20 * H), None)])


@given(events=events_st, extra=st.integers(min_value=0, max_value=3 * 24 * 60))
def test_agent_work_within_requester_wait_within_resolution_elapsed(
    events: list, extra: int
) -> None:
    raw = build(events)
    now = START + (max([m for m, _ in events], default=0) + extra) * M
    report = PolicySet(
        [SLAPolicy("p", dict.fromkeys(METRICS, 20 * H), None, pause_statuses=())]
    ).evaluate(raw, now=now)
    assert report["agent_work"].elapsed <= report["requester_wait"].elapsed
    assert report["requester_wait"].elapsed <= report["resolution"].elapsed


@given(events=events_st, extra=st.integers(min_value=0, max_value=3 * 24 * 60))
def test_state_agrees_with_due_and_now(events: list, extra: int) -> None:
    now = START + (max([m for m, _ in events], default=0) + extra) * M
    report = POLICY.evaluate(build(events), now=now)
    for result in report.values():
        for item in result.cycles or (result,):
            end = item.achieved_at or item.stopped_at
            if item.state == "breached":
                assert (end or now) > item.due_at
            elif item.state == "achieved":
                assert end is not None
                assert end <= item.due_at
            else:
                assert end is None
                assert now <= item.due_at
                assert (item.state == "paused") == item.paused


def test_report_html_is_a_timeline_without_scripts() -> None:
    import xml.etree.ElementTree as ET

    page = evaluate(None)._repr_html_()
    assert "<script" not in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    svg = page[page.index("<svg") : page.index("</svg>") + 6]
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    labels = [t.text for t in root.iter(f"{ns}text")]
    assert "agent_work: achieved" in labels
    assert "next_response #2: achieved" in labels
    # agent_work counted three stretches (Thu, Fri morning, Mon): three solid bars.
    bars = [
        r for r in root.iter(f"{ns}rect") if (r.findtext(f"{ns}title") or "").startswith("counting")
    ]
    assert len(bars) >= 3
