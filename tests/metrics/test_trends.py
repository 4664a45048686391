"""Top categories per period, ties, change vs previous period, standardisation."""

from __future__ import annotations

import pytest
from metrics_helpers import make

from supportkit.exceptions import InvalidValue
from supportkit.metrics import CategoryMap, TopCategories, top_categories


def test_weekly_top_with_change_and_deterministic_ties() -> None:
    tickets = [
        make(tags=("payouts",)),
        make(tags=("payouts", "acts")),
        make(tags=("password",)),
        make(tags=("acts",), day=7),
        make(tags=("acts",), day=7),
        make(tags=("receipts",), day=7),
        make(tags=("payouts",), day=7),
        make(tags=("passport",), day=7),
    ]
    periods = top_categories(tickets, n=3)
    assert [p.period for p in periods] == ["2024-W41", "2024-W42"]
    first, second = periods
    assert first.total == 3
    # payouts 2, then the tie acts/password (1 each) ordered by name.
    assert [(c.category, c.count, c.previous) for c in first.top] == [
        ("payouts", 2, None),
        ("acts", 1, None),
        ("password", 1, None),
    ]
    # acts 2; then a three-way tie at 1: passport, payouts, receipts -> first two by name.
    assert [(c.category, c.count, c.previous, c.change) for c in second.top] == [
        ("acts", 2, 1, 1),
        ("passport", 1, 0, 1),
        ("payouts", 1, 2, -1),
    ]
    assert second.top[0].share == 2 / 5
    assert top_categories(list(reversed(tickets)), n=3) == periods


def test_gap_week_compares_against_empty_previous_week() -> None:
    periods = top_categories([make(tags=("acts",)), make(tags=("acts",), day=14)])
    assert [p.period for p in periods] == ["2024-W41", "2024-W43"]
    assert periods[1].top[0].previous == 0


def test_standardisation_across_countries() -> None:
    cmap = CategoryMap(
        {"Выплаты": "payouts"},
        countries={"ES": {"pagos": "payouts"}, "KZ": {"төлем": "payouts"}},
        exclude=("thanks",),
    )
    tickets = [
        make(tags=("выплаты",), country="RU"),
        make(tags=("pagos",), country="ES"),
        make(tags=("Төлем",), country="kz"),
        make(tags=("pagos",), country="MX"),  # no MX mapping: stays "pagos"
        make(tags=("thanks",)),
    ]
    (week,) = top_categories(tickets, categories=cmap)
    assert [(c.category, c.count) for c in week.top] == [("payouts", 3), ("pagos", 1)]
    assert week.total == 5


def test_two_tags_mapping_to_one_category_count_once() -> None:
    (week,) = top_categories([make(tags=("выплаты", "payouts"))], categories={"выплаты": "payouts"})
    assert [(c.category, c.count) for c in week.top] == [("payouts", 1)]


def test_by_fields_category_and_month_period() -> None:
    rows = [make(tags=("x",)), make(tags=("y",), day=30)]
    for row, cat in zip(rows, ("payouts", "acts"), strict=True):
        row["fields"] = {"category": cat}
    months = top_categories(rows, period="month", by="category")
    assert [(p.period, p.top[0].category) for p in months] == [
        ("2024-10", "payouts"),
        ("2024-11", "acts"),
    ]


def test_empty_and_errors() -> None:
    assert top_categories([]) == []
    assert top_categories([make()])[0].top == ()
    with pytest.raises(InvalidValue, match="n must be a positive integer"):
        TopCategories(0)
    with pytest.raises(InvalidValue, match="by must be"):
        TopCategories(by="channel")
    with pytest.raises(InvalidValue, match="non-empty category"):
        CategoryMap({"a": ""})


def test_to_pandas_rows_per_category() -> None:
    import pandas  # noqa: F401 - a missing pandas fails here, never skips

    from supportkit.metrics import to_pandas

    frame = to_pandas(top_categories([make(tags=("a", "b"))]))
    assert list(frame["category"]) == ["a", "b"]
    assert list(frame["rank"]) == [1, 2]
