"""Batch evaluation and attainment summaries."""

from __future__ import annotations

import datetime as dt
import json
import pickle

import pytest

from supportkit._demo import demo_records
from supportkit.exceptions import InvalidArgument, InvalidTicket
from supportkit.sla import Attainment, AttainmentSummary, PolicySet, SLAPolicy

H = dt.timedelta(hours=1)


def chat_and_email() -> PolicySet:
    return PolicySet(
        [
            SLAPolicy(
                "chat",
                {
                    "first_response": dt.timedelta(seconds=100),
                    "next_response": 5 * dt.timedelta(minutes=1),
                },
                None,
                applies_to={"channel": ["chat", "messenger"]},
            ),
            SLAPolicy("email", {"first_response": 8 * H, "resolution": 48 * H}, None),
        ]
    )


def test_evaluate_many_streams_and_summarises() -> None:
    records = demo_records()
    summary = AttainmentSummary()
    stream = chat_and_email().evaluate_many(iter(records), summary=summary)
    first = next(stream)
    assert summary.reports == 1  # lazily: one report in, one counted
    rest = list(stream)
    assert len(rest) + 1 == len(records) == summary.reports
    rows = {(a.policy, a.metric): a for a in summary.result()}
    assert set(rows) == {
        ("chat", "first_response"),
        ("chat", "next_response"),
        ("email", "first_response"),
        ("email", "resolution"),
    }
    chat = summary["chat", "first_response"]
    assert chat.decided + chat.running + chat.stopped == sum(
        1 for r in [first, *rest] if r.policy == "chat"
    )
    assert 0.0 <= chat.rate <= 1.0
    assert chat.mean_elapsed is not None
    json.dumps(summary.to_dict())
    assert pickle.loads(pickle.dumps(chat)) == chat


def test_attainment_counts_hand_computed() -> None:
    policy = SLAPolicy("p", {"first_response": H}, None)
    created = "2024-10-07T10:00:00+03:00"

    def reply(minutes: int) -> dict:
        at = dt.datetime.fromisoformat(created) + dt.timedelta(minutes=minutes)
        return {
            "created_at": created,
            "events": [{"at": at.isoformat(), "type": "reply", "by": "agent"}],
        }

    tickets = [reply(30), reply(60), reply(61), {"created_at": created}]
    summary = AttainmentSummary(
        PolicySet([policy]).evaluate_many(tickets, now="2024-10-07T10:30:00+03:00")
    )
    # As of 10:30 only the first reply exists; the other three are still running.
    assert summary["p", "first_response"] == Attainment(
        "p", "first_response", 1, 0, 3, 0, 30 * 60 * 10**6
    )
    final = AttainmentSummary(
        PolicySet([policy]).evaluate_many(tickets, now="2024-10-07T12:00:00+03:00")
    )
    result = final["p", "first_response"]
    assert (result.met, result.breached, result.running) == (2, 2, 0)
    assert result.rate == 0.5
    assert result.to_dict()["rate"] == 0.5


def test_lenient_batch_keeps_going() -> None:
    tickets = [{"id": "a", "created_at": "2024-10-07T10:00:00+03:00"}, {"id": "b"}, "just text"]
    policies = PolicySet([SLAPolicy("p", {"first_response": H}, None)])
    with pytest.raises(InvalidTicket, match=r"tickets\[1\]\.created_at is missing"):
        list(policies.evaluate_many(tickets))
    summary = AttainmentSummary()
    reports = list(policies.evaluate_many(tickets, strict=False, summary=summary))
    assert [r.ticket_id for r in reports] == ["a", "b", None]
    assert (
        reports[1].problems[0].startswith("tickets[1]: skipped: tickets[1].created_at is missing")
    )
    assert summary.unmeasured == 2


def test_merging_different_metrics_is_an_error() -> None:
    with pytest.raises(InvalidArgument, match="cannot merge attainment of 'p'/'resolution'"):
        Attainment("p", "first_response").merge(Attainment("p", "resolution"))
    assert Attainment("p", "x", 1, 2).merge(Attainment("p", "x", 3, 4)) == Attainment(
        "p", "x", 4, 6
    )
    assert Attainment("p", "x").rate is None
    assert Attainment("p", "x").mean_elapsed is None


def test_summary_lookup_of_unknown_key() -> None:
    with pytest.raises(KeyError, match="no reports counted"):
        AttainmentSummary()["p", "first_response"]


def test_attained_is_what_rates_count() -> None:
    policy = SLAPolicy("p", {"first_response": H, "next_response": H}, None)
    created = "2024-10-07T10:00:00+03:00"
    report = PolicySet([policy]).evaluate({"created_at": created}, now="2024-10-07T10:10:00+03:00")
    assert report["first_response"].attained is None  # running
    assert "next_response" not in report  # no cycle started: no clock
    late = PolicySet([policy]).evaluate({"created_at": created}, now="2024-10-07T11:10:00+03:00")
    assert late["first_response"].attained is False


def test_lenient_batch_skips_unparseable_and_naive_times() -> None:
    tickets = [
        {"id": "a", "created_at": "2024-10-07T10:00:00"},  # no offset
        {"id": "b", "created_at": "yesterday"},
        {"id": "c", "created_at": 17},
        {"id": "d", "created_at": "2024-10-07T10:00:00+03:00"},
    ]
    policies = PolicySet([SLAPolicy("p", {"first_response": H}, None)])
    reports = list(policies.evaluate_many(tickets, strict=False))
    assert [bool(r.metrics) for r in reports] == [False, False, False, True]
    assert (
        "tickets[0]: skipped: tickets[0].created_at must be timezone-aware"
        in (reports[0].problems[0])
    )
