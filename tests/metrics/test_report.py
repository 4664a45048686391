"""The weekly report: agrees with each metric, renders, merges, and runs on Dask."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metrics_helpers import tickets

from supportkit._demo import demo_records, demo_tickets
from supportkit.exceptions import InvalidValue, MissingExtra
from supportkit.metrics import (
    CSAT,
    Report,
    WeeklyReport,
    accumulate_bag,
    automation_rate,
    backlog,
    csat,
    one_touch_rate,
    reopen_rate,
    report_from_bag,
    report_from_files,
    resolution_times,
    response_times,
    top_categories,
    weekly_report,
)
from supportkit.metrics._demo import TITLE, demo_report, section

TZ = "Europe/Moscow"


def check_agrees(rows: list[dict[str, Any]], report: Report, **options: Any) -> None:
    assert report.tickets == len(rows)
    assert report.automation == automation_rate(rows)
    assert report.reopen == reopen_rate(rows)
    assert report.one_touch == one_touch_rate(rows)
    assert report.response == response_times(rows, **options)
    assert report.resolution == resolution_times(rows, **options)
    assert report.backlog == backlog(rows, tz=TZ)
    assert list(report.top) == top_categories(rows, tz=TZ)
    ratings = [r["rating"] for r in rows]
    assert report.csat == csat(ratings, scale="auto", unknown="skip")
    assert sum(w.tickets for w in report.weeks) == len(rows)


@settings(max_examples=40)
@given(rows=st.lists(tickets(), max_size=30))
def test_report_agrees_with_each_metric(rows: list[dict[str, Any]]) -> None:
    check_agrees(rows, weekly_report(rows, tz=TZ))


def test_demo_report_agrees_and_renders() -> None:
    rows = demo_records()
    report = weekly_report(rows, tz=TZ)
    check_agrees(rows, report)
    assert report.tickets == len(rows)
    assert report.first_day is not None
    assert report.first_day >= dt.date(2024, 10, 7)
    assert next(w.week for w in report.weeks) == "2024-W41"
    # JSON round trip
    data = json.loads(report.render("json"))
    assert data == json.loads(json.dumps(report.to_dict()))
    assert data["csat"]["count"] == report.csat.count
    text = report.render("text")
    assert text.startswith(f"Weekly support report: {len(rows)} tickets")
    assert "CSAT" in text
    assert "2024-W41" in text
    md = report.render("markdown")
    assert "| week | tickets | CSAT | median first response |" in md
    html = report.render("html")
    assert html.startswith("<!DOCTYPE html>")
    svgs = html.split("<figure>")[1:]
    assert len(svgs) == 4  # volume, CSAT, response times, arrivals heat map
    for chunk in svgs:
        svg = chunk.split("</figure>")[0]
        root = ET.fromstring(svg)  # well-formed, self-contained SVG
        assert root.tag.endswith("svg")
    assert "Tickets created per week" in html
    assert "CSAT per week" in html
    assert "First-response time distribution" in html
    assert str(report) == text
    assert repr(report).startswith(f"Report({len(rows)} tickets")
    with pytest.raises(InvalidValue, match="format must be one of"):
        report.render("pdf")


def test_tickets_and_dicts_give_the_same_report() -> None:
    assert weekly_report(demo_tickets(), tz=TZ) == weekly_report(demo_records(), tz=TZ)


def test_dataframe_input_gives_the_same_report() -> None:
    import pandas as pd

    rows = demo_records()
    assert weekly_report(pd.DataFrame(rows), tz=TZ) == weekly_report(rows, tz=TZ)


def test_empty_report_renders() -> None:
    report = weekly_report([])
    assert report.tickets == 0
    assert report.csat.value is None
    for fmt in ("text", "json", "markdown", "html"):
        assert report.render(fmt)


def test_working_time_report() -> None:
    class Half:
        def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
            return (end - start) / 2

    rows = demo_records()[:100]
    report = weekly_report(rows, calendar=Half())
    plain = weekly_report(rows)
    assert report.working_time
    assert report.response.count == plain.response.count
    assert report.response.max == plain.response.max / 2


def test_working_time_report_with_the_sla_work_calendar() -> None:
    from supportkit.sla import WorkCalendar

    cal = WorkCalendar.weekly("Europe/Moscow", {"mon-fri": "09:00-18:00"})
    rows = demo_records()
    report = weekly_report(rows, calendar=cal, tz=TZ)
    assert report.working_time
    assert report.response == response_times(rows, calendar=cal)
    assert report.resolution == resolution_times(rows, calendar=cal)
    calendar_time = weekly_report(rows, tz=TZ)
    assert report.response.count == calendar_time.response.count
    assert report.response.max < calendar_time.response.max  # nights and weekends excluded
    # The calendar travels with the accumulator (pickled to Dask/multiprocessing workers).
    acc = WeeklyReport(calendar=cal, tz=TZ)
    acc.add_many(rows[:300])
    rest = WeeklyReport(calendar=cal, tz=TZ)
    rest.add_many(rows[300:])
    merged = pickle.loads(pickle.dumps(acc)).merge(pickle.loads(pickle.dumps(rest)))
    assert merged.result() == report


def test_sketch_report_is_within_its_error_bound() -> None:
    rows = demo_records()
    exact = weekly_report(rows)
    approx = weekly_report(rows, sketch=0.01)
    assert not approx.response.exact
    for name in ("p50", "p90", "p95"):
        truth = getattr(exact.response, name).total_seconds()
        got = getattr(approx.response, name).total_seconds()
        assert abs(got - truth) <= 0.01 * truth + 1e-6
    assert approx.response.mean == exact.response.mean
    assert approx.csat == exact.csat


def test_partial_reports_merge_exactly_and_pickle() -> None:
    rows = demo_records()
    parts = [WeeklyReport(tz=TZ) for _ in range(3)]
    for i, row in enumerate(rows):
        parts[i % 3].add(row)
    merged = pickle.loads(pickle.dumps(parts[0]))
    merged.merge(pickle.loads(pickle.dumps(parts[1]))).merge(parts[2])
    assert merged.result() == weekly_report(rows, tz=TZ)
    with pytest.raises(InvalidValue, match="same options"):
        WeeklyReport(tz=TZ).merge(WeeklyReport())


def test_report_to_pandas_has_a_row_per_week() -> None:
    import pandas  # noqa: F401 - a missing pandas fails here, never skips

    frame = weekly_report(demo_records(), tz=TZ).to_pandas()
    assert list(frame["week"])[:2] == ["2024-W41", "2024-W42"]
    assert {"tickets", "csat", "response_p50_s"} <= set(frame.columns)


def test_to_pandas_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtra, match=r"supportkit\[pandas\]") as info:
        csat([5]).to_pandas()
    assert info.value.extra == "pandas"


def test_report_from_files_without_dask(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.bag", None)
    with pytest.raises(MissingExtra, match=r"supportkit\[dask\]"):
        report_from_files("*.jsonl")


def write_partitions(rows: list[dict[str, Any]], folder: Path, parts: int) -> str:
    folder.mkdir()
    for i in range(parts):
        chunk = rows[i::parts]
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chunk)
        (folder / f"part-{i:03d}.jsonl").write_text(text, encoding="utf-8")
    return str(folder / "*.jsonl")


def test_dask_recipe_gives_exactly_the_single_machine_report(tmp_path: Path) -> None:
    import dask
    import dask.bag as db

    rows = demo_records()
    single = weekly_report(rows, tz=TZ)
    pattern = write_partitions(rows, tmp_path / "export", parts=4)
    with dask.config.set(scheduler="synchronous"):
        assert report_from_files(pattern, tz=TZ) == single
        bag = db.from_sequence(rows, npartitions=7)
        assert report_from_bag(bag, tz=TZ) == single
        ratings = db.from_sequence([r["rating"] for r in rows], npartitions=5)
        acc = accumulate_bag(ratings, lambda: CSAT("auto", unknown="skip"), split_every=2)
        assert acc.result() == single.csat


def test_dask_with_worker_processes(tmp_path: Path) -> None:
    import dask

    rows = demo_records()
    pattern = write_partitions(rows, tmp_path / "export", parts=2)
    with dask.config.set(scheduler="processes", num_workers=2):
        assert report_from_files(pattern, tz=TZ) == weekly_report(rows, tz=TZ)


def test_demo_section_is_the_report() -> None:
    tickets = demo_tickets()
    text = section(tickets)
    assert text == demo_report(tickets).render("text")
    assert TITLE.startswith("Metrics")
