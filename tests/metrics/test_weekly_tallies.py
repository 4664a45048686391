"""The weekly report counts ratings and tag combinations per week, then derives the metrics.

These check that the derived figures are exactly those of feeding each ticket to each
metric, including the ones ``test_report.check_agrees`` does not look at.
"""

from __future__ import annotations

import datetime as dt
import inspect
import pickle
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from metrics_helpers import RATINGS, make, tickets

from supportkit.metrics import (
    CSAT,
    MeanScore,
    TopCategories,
    WeeklyReport,
    csat,
    mean_score,
    top_categories,
    weekly_report,
)

TZ = "Europe/Moscow"
MSK = dt.timezone(dt.timedelta(hours=3))


def week_of(row: dict[str, Any]) -> str:
    year, week, _ = dt.datetime.fromisoformat(row["created_at"]).astimezone(MSK).isocalendar()
    return f"{year}-W{week:02d}"


@settings(max_examples=30)
@given(rows=st.lists(tickets(), max_size=30), cut=st.integers(0, 30))
def test_weekly_csat_and_mean_rating_are_those_of_each_metric(
    rows: list[dict[str, Any]], cut: int
) -> None:
    report = weekly_report(rows, tz=TZ)
    ratings = [r["rating"] for r in rows]
    numeric = [r for r in ratings if isinstance(r, int)]
    assert report.mean_rating == mean_score(numeric, scale="5", unknown="skip")
    for week in report.weeks:
        mine = [r["rating"] for r in rows if week_of(r) == week.week]
        assert week.csat == csat(mine, scale="auto", unknown="skip")
        assert week.tickets == len(mine)
    # Split anywhere, pickled and merged: the same report.
    left, right = WeeklyReport(tz=TZ), WeeklyReport(tz=TZ)
    left.add_many(rows[:cut])
    right.add_many(rows[cut:])
    merged = pickle.loads(pickle.dumps(left)).merge(pickle.loads(pickle.dumps(right)))
    assert merged.result() == report


@given(ratings=st.lists(st.sampled_from((*RATINGS[1:], 4.0, 2.5, "5", "нормально")), max_size=40))
def test_add_tally_is_adding_each_rating(ratings: list[Any]) -> None:
    for make_acc in (lambda: CSAT("auto", unknown="skip"), lambda: MeanScore("5", unknown="skip")):
        one, tallied = make_acc(), make_acc()
        for rating in ratings:
            one.add(rating)
        tally: dict[Any, int] = {}
        for rating in ratings:
            tally[rating] = tally.get(rating, 0) + 1
        tallied.add_tally(tally)
        assert tallied.result() == one.result()
        assert tallied.skipped == one.skipped


def test_add_counted_is_adding_each_ticket() -> None:
    rows = [
        make(tags=("payouts",), country="RU"),
        make(tags=("payouts", "acts"), country="KZ"),
        make(tags=("payouts",), country="RU"),
        make(tags=("pagos",), country="ES"),
        make(),
    ]
    categories = {"pagos": "payouts"}
    one = TopCategories(2, tz=TZ, categories=categories)
    one.add_many(rows)
    counted = TopCategories(2, tz=TZ, categories=categories)
    combos = {("RU", ("payouts",)): 2, ("KZ", ("payouts", "acts")): 1, ("ES", ("pagos",)): 1}
    counted.add_counted("2024-W41", 5, combos)
    assert counted.result() == one.result()


def test_a_country_that_is_not_a_string_counts_as_no_country() -> None:
    rows = [make(tags=("payouts",)), make(tags=("payouts",))]
    rows[0]["fields"] = {"country": ["RU"]}  # unhashable: used to escape as a TypeError
    rows[1]["fields"] = {"country": 7}
    expected = top_categories([make(tags=("payouts",)), make(tags=("payouts",))], tz=TZ)
    assert list(weekly_report(rows, tz=TZ).top) == expected
    assert top_categories(rows, tz=TZ) == expected


def test_weekly_report_shows_the_options_of_weekly_report() -> None:
    params = list(inspect.signature(weekly_report).parameters)
    assert params == ["tickets", *inspect.signature(WeeklyReport).parameters]
