"""Honest headline numbers: open SLA clocks, partial weeks, the zone of the data, names."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metrics_helpers import BASE, make, tickets

from supportkit._demo import demo_tickets
from supportkit.exceptions import InvalidValue
from supportkit.metrics import WeeklyReport, weekly_report
from supportkit.metrics._demo import demo_report, section
from supportkit.sla import PolicySet, SLAPolicy, WorkCalendar

MSK = "Europe/Moscow"


def one_hour_policy() -> PolicySet:
    return PolicySet(
        [
            SLAPolicy(
                "email 1h",
                {"first_response": "1h"},
                WorkCalendar.always(MSK),
                applies_to={"channel": ["email"]},
            )
        ]
    )


def sla_rows() -> list[dict[str, Any]]:
    return [
        make((30, "reply", "agent")),  # achieved
        make((90, "reply", "agent")),  # answered late: breached
        make(created=150),  # open, due at 210 min: running at 150 or 180 min
        make(),  # open, due at 60 min: breached by 150 min
    ]


@pytest.mark.parametrize("now", [None, BASE + dt.timedelta(hours=3)])
def test_attainment_counts_achieved_breached_and_still_running(now: dt.datetime | None) -> None:
    report = weekly_report(sla_rows(), tz=MSK, policies=one_hour_policy(), now=now)
    (line,) = report.sla
    assert (line.achieved, line.breached, line.running) == (1, 2, 1)
    assert line.attainment.successes == 1
    assert line.attainment.count == 3  # running clocks are beside the rate, not in it
    expected_as_of = BASE + dt.timedelta(minutes=150) if now is None else now
    assert report.as_of == expected_as_of
    text = report.render("text")
    assert "1 achieved, 2 breached, 1 running" in text
    assert "achieved / breached / still running" in text


def test_an_open_clock_is_judged_at_as_of_not_left_out() -> None:
    # Before its deadline the open ticket is running; after it, it is a breach.
    rows = [make(created=0)]
    policies = one_hour_policy()
    early = weekly_report(rows, tz=MSK, policies=policies, now=BASE + dt.timedelta(minutes=30))
    late = weekly_report(rows, tz=MSK, policies=policies, now=BASE + dt.timedelta(hours=2))
    assert (early.sla[0].running, early.sla[0].breached) == (1, 0)
    assert (late.sla[0].running, late.sla[0].breached) == (0, 1)


def test_policy_names_and_what_they_cover() -> None:
    report = demo_report(demo_tickets())
    covers = {line.policy: line.covers for line in report.sla}
    assert covers == {
        "chat+messenger 24/7": "channel chat, messenger",
        "email office hours": "channel email",
    }
    text = report.render("text")
    assert "chat+messenger 24/7 — covers channel chat, messenger" in text


def growing_weeks() -> list[dict[str, Any]]:
    """Three full weeks (Mon 7 Oct - Sun 27 Oct) of growth, then closures only in W44."""
    rows = []
    for week in range(3):
        rows.append(make((60, "status", "solved"), day=7 * week))
        rows += [make(day=7 * week + 2), make(day=7 * week + 3)]
    rows.append(make(day=20))  # Sunday of W43: the data ends on a Sunday
    rows.append(make((60 + 22 * 24 * 60, "status", "solved"), day=0))  # solved in W44
    return rows


def test_a_partial_week_at_the_end_never_decides_the_trend() -> None:
    report = weekly_report(growing_weeks(), tz=MSK)
    assert report.partial_weeks == ("2024-W44",)
    # The plain backlog (kept as it was) sees W44 shrink and calls off the snowball ...
    assert report.backlog.snowball is False
    # ... the report's trend decides on full weeks only: three growing weeks in a row.
    assert report.trend is not None
    assert report.trend.snowball is True
    assert report.trend.runs == (("2024-W41", "2024-W43"),)
    text = report.render("text")
    assert "at the end of 2024-W43, the last full week" in text
    assert "SNOWBALL" in text
    assert "2024-W44* (partial)" in text


def test_partial_weeks_at_either_end_are_marked() -> None:
    rows = [make(day=2), make(day=9), make(day=15)]  # Wed W41 .. Tue W43
    report = weekly_report(rows, tz=MSK)
    assert [(w.week, w.partial) for w in report.weeks] == [
        ("2024-W41", True),
        ("2024-W42", False),
        ("2024-W43", True),
    ]
    text = report.render("text")
    assert "2024-W41*" in text
    assert "2024-W43*" in text
    assert "partial weeks (marked *): 2024-W41, 2024-W43" in text


def test_weeks_are_cut_in_the_zone_of_the_data() -> None:
    # 01:00 on Monday in Moscow is Sunday 22:00 UTC: a phantom W40 in UTC.
    rows = [
        {"channel": "email", "created_at": "2024-10-07T01:00:00+03:00", "events": []},
        {"channel": "email", "created_at": "2024-10-08T12:00:00+03:00", "events": []},
    ]
    report = weekly_report(rows)
    assert [w.week for w in report.weeks] == ["2024-W41"]
    assert (report.tz, report.tz_source) == ("UTC+03:00", "data")
    assert "ISO weeks in UTC+03:00 (the most common offset of created_at)" in str(report)
    utc = weekly_report(rows, tz="UTC")
    assert [w.week for w in utc.weeks] == ["2024-W40", "2024-W41"]
    assert "ISO weeks in UTC, as asked" in str(utc)


def test_the_most_common_offset_wins_whichever_comes_first() -> None:
    rows = [{"created_at": "2024-10-07T02:00:00+05:00", "events": []}] + [
        {"created_at": f"2024-10-{d:02d}T12:00:00+03:00", "events": []} for d in (8, 9, 10)
    ]
    assert weekly_report(rows).tz == "UTC+03:00"


def test_tickets_held_back_for_the_zone_are_all_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    import supportkit.metrics._weekly as weekly

    rows = [make(day=d, rating=5) for d in range(6)]
    monkeypatch.setattr(weekly, "SAMPLE", 2)
    held = weekly_report(rows, policies=one_hour_policy()).to_dict()
    fixed = weekly_report(
        rows, tz=dt.timezone(dt.timedelta(hours=3)), policies=one_hour_policy()
    ).to_dict()
    assert held.pop("tz_source") == "data"
    assert fixed.pop("tz_source") == "option"
    assert held == fixed


def test_parts_cut_in_different_zones_do_not_merge() -> None:
    a, b = WeeklyReport(), WeeklyReport()
    a.add({"created_at": "2024-10-07T12:00:00+03:00"})
    b.add({"created_at": "2024-10-07T12:00:00+05:00"})
    with pytest.raises(InvalidValue, match="pass tz= to both"):
        a.merge(b)


def test_the_demo_labels_both_automation_numbers() -> None:
    from supportkit.rules._demo import section as rules_section

    tickets = demo_tickets()
    rules = rules_section(tickets)
    metrics = section(tickets)
    assert "rule coverage" in rules
    assert '"automation rate" is another number' in rules
    assert "Automation rate" in metrics
    assert "bot or rule replied, no agent did" in metrics


def check_terminal(text: str) -> None:
    for line in text.splitlines():
        assert len(line) <= 80, line
    assert not re.search(r"\d %", text)  # one percent style: 91.9%
    assert "step(s)" not in text
    assert not re.search(r"\[\d+:\d+\]", text)  # no slice notation


def test_the_demo_section_fits_80_columns() -> None:
    check_terminal(section(demo_tickets()))
    check_terminal(weekly_report([]).render("text"))


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(tickets(), max_size=20), top=st.integers(1, 8))
def test_any_report_fits_80_columns(rows: list[dict[str, Any]], top: int) -> None:
    check_terminal(weekly_report(rows, n=top, policies=one_hour_policy()).render("text"))
