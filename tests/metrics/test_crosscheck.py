"""The report says only what the API says: every number on the page equals a metric function."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from importlib import resources
from typing import Any

import pytest

from supportkit._demo import demo_records, demo_tickets
from supportkit.metrics import (
    automation_rate,
    csat,
    mean_score,
    one_touch_rate,
    reopen_rate,
    resolution_times,
    response_times,
    sla_attainment,
)
from supportkit.metrics._demo import demo_crews, demo_policies, demo_report
from supportkit.metrics._render import pct
from supportkit.onboarding import Journey, flows, funnel
from supportkit.sla import coverage, erlang_c

TZ = "Europe/Moscow"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def setup() -> tuple[Any, list[dict[str, Any]], Any]:
    flow = flows.self_employed()
    text = resources.files("supportkit.data").joinpath("demo_journeys.jsonl").read_text("utf-8")
    journeys = [Journey.from_dict(flow, json.loads(line)) for line in text.splitlines() if line]
    board = funnel(journeys, flow)
    rows = demo_records()
    return demo_report(rows, funnel=board), rows, board


def test_headline_numbers_equal_the_metric_functions(setup: Any) -> None:
    report, rows, _ = setup
    assert report.automation == automation_rate(rows)
    assert report.reopen == reopen_rate(rows)
    assert report.one_touch == one_touch_rate(rows)
    assert report.response == response_times(rows)
    assert report.resolution == resolution_times(rows)
    assert report.csat == csat([r.get("rating") for r in rows], scale="auto", unknown="skip")
    ratings = [r.get("rating") for r in rows if type(r.get("rating")) in (int, float)]
    assert report.mean_rating == mean_score(ratings, scale="5", unknown="skip")
    page = page_text(report.render("html"))
    text = report.render("text")
    for rate in (report.automation, report.reopen, report.one_touch, report.csat):
        shown = f"{pct(rate.value)}  ({rate.successes} of {rate.count}"
        assert shown in page
        assert shown in text


def test_sla_lines_equal_the_sla_api(setup: Any) -> None:
    report, rows, _ = setup
    policies = demo_policies()
    reports = [policies.evaluate(r, now=report.as_of) for r in rows]
    page = page_text(report.render("html"))
    for line in report.sla:
        items = [r[line.metric] for r in reports if line.metric in r and r.policy == line.policy]
        # MetricResult.attained: True met, False breached, None undecided (running/stopped).
        assert line.achieved == sum(item.attained is True for item in items)
        assert line.breached == sum(item.attained is False for item in items)
        started = [item for item in items if item.started_at is not None]
        assert line.running + line.stopped == sum(item.attained is None for item in started)
        mine = [r for r in reports if r.policy == line.policy]
        assert line.attainment == sla_attainment(mine, metrics=[line.metric])
        assert sum(w.achieved for w in line.weeks) == line.achieved
        assert sum(w.breached for w in line.weeks) == line.breached
        assert sum(w.running for w in line.weeks) == line.running
        for shown in (pct(line.attainment.value), str(line.achieved), str(line.breached)):
            assert shown in page


def test_staffing_equals_erlang_c_and_coverage(setup: Any) -> None:
    report, rows, _ = setup
    assert report.days == 42
    del rows
    created = [t.created_at for t in demo_tickets()]
    local = [c.astimezone(report.as_of.tzinfo) for c in created if c is not None]
    for hour in (3, 12):
        mean = sum(c.hour == hour for c in local) / report.days
        line = report.staffing[hour]
        assert line.arrivals == pytest.approx(mean, abs=1e-3)
        assert line.needed == erlang_c.agents_needed(mean, 300, 100, 0.8)
    # Agents on duty: the crews' own coverage, hour by hour, averaged over the weeks.
    monday = dt.datetime(2024, 10, 7, tzinfo=report.as_of.tzinfo)
    slots = coverage(demo_crews(), monday, monday + dt.timedelta(weeks=6))
    for day, hour in ((0, 3), (2, 12), (6, 19)):
        agents = [s.agents for s in slots if s.start.weekday() == day and s.start.hour == hour]
        assert report.on_duty[day][hour] == pytest.approx(sum(agents) / 6, abs=1e-3)


def test_the_funnel_equals_the_onboarding_funnel(setup: Any) -> None:
    report, _, board = setup
    assert report.funnel_name == board.flow
    assert [(f.state, f.reached, f.drop_off, f.median) for f in report.funnel] == [
        (s.state, s.reached, s.drop_off, s.median) for s in board.steps
    ]


def test_the_json_form_holds_the_same_numbers(setup: Any) -> None:
    report, _, _ = setup
    data = json.loads(report.render("json"))
    assert data["automation"] == report.automation.to_dict()
    assert [line["achieved"] for line in data["sla"]] == [line.achieved for line in report.sla]
    assert data["partial_weeks"] == list(report.partial_weeks)


def test_the_full_report_merges_exactly_and_pickles() -> None:
    import pickle

    from supportkit.metrics import WeeklyReport, weekly_report

    rows = demo_records()
    options: dict[str, Any] = {"policies": demo_policies(), "crews": demo_crews(), "aht": 300}
    single = weekly_report(rows, **options)  # weeks in the zone of the data, SLA as of its end
    parts = [WeeklyReport(**options) for _ in range(3)]
    for i, row in enumerate(rows):
        parts[i % 3].add(row)
    first = pickle.loads(pickle.dumps(parts[0]))  # as a Dask worker ships it
    assert first.merge(parts[1]).merge(parts[2]).result() == single
