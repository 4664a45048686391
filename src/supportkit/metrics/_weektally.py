"""The weekly report's per-week tallies, and the metrics they add up to.

The report's inner loop (:meth:`supportkit.metrics.WeeklyReport._add_view`) counts each
ticket into its week's :class:`Week`: a ticket count, rating value → tickets,
(country, tags) → tickets, and the response times. :func:`summarise` turns the tallies
into CSAT per week and overall, the mean rating, the top categories and the backlog,
once, exactly as feeding every ticket to each metric would (tests check it does).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, NamedTuple, TypeVar

from supportkit.metrics._operations import Backlog, ResponseTimes
from supportkit.metrics._periods import period_start
from supportkit.metrics._reportdata import WeekRow
from supportkit.metrics._results import BacklogTrend, Mean, Period, Rate
from supportkit.metrics._satisfaction import CSAT, MeanScore
from supportkit.metrics._trends import TopCategories

__all__ = ["UNDATED", "Summary", "Week", "summarise", "week_rows"]

#: The key of the tickets without ``created_at`` (counted, in no week).
UNDATED: Final = ""
_K = TypeVar("_K")


class Week:
    """One week's tallies: tickets, ratings (value → tickets), response times, tag combos."""

    __slots__ = ("combos", "count", "ratings", "response")

    def __init__(self, response: ResponseTimes) -> None:
        self.count = 0
        self.ratings: dict[int | float | str, int] = {}
        self.response = response
        self.combos: dict[tuple[str | None, tuple[str, ...]], int] = {}

    def merge(self, other: Week) -> None:
        """Add ``other``'s tallies (the same week of another part) into this one."""
        self.count += other.count
        _add_counts(self.ratings, other.ratings)
        _add_counts(self.combos, other.combos)
        self.response.merge(other.response)


def _add_counts(tally: dict[_K, int], more: Mapping[_K, int]) -> None:
    for value, n in more.items():
        tally[value] = tally.get(value, 0) + n


class Summary(NamedTuple):
    """What the weeks' tallies add up to."""

    tickets: int
    csat: Rate
    weekly_csat: dict[str, Rate]
    mean_rating: Mean
    response: ResponseTimes
    top: list[Period]
    backlog: BacklogTrend


def summarise(
    weeks: Mapping[str, Week],
    *,
    scale: Any,
    top: TopCategories,
    backlog: Backlog,
    response: ResponseTimes,
) -> Summary:
    """Add the weeks up; ``top``, ``backlog`` and ``response`` are fresh and get filled.

    ``backlog`` holds the closures already: a week's arrivals are its tickets.
    """
    csat_all = CSAT(scale, unknown="skip")
    mean = MeanScore("5", unknown="skip")
    weekly = {}
    total = 0
    for key, week in weeks.items():
        total += week.count
        csat = CSAT(scale, unknown="skip")
        csat.add_tally(week.ratings)
        csat_all.merge(csat)
        weekly[key] = csat.result()
        mean.add_tally({r: n for r, n in week.ratings.items() if type(r) is not str})
        response.merge(week.response)
        if key != UNDATED:
            backlog._arrived[key] += week.count
            top.add_counted(key, week.count, week.combos)
    return Summary(
        tickets=total,
        csat=csat_all.result(),
        weekly_csat=weekly,
        mean_rating=mean.result(),
        response=response,
        top=top.result(),
        backlog=backlog.result(),
    )


def week_rows(
    weeks: Mapping[str, Week], summary: Summary, partial: frozenset[str]
) -> tuple[WeekRow, ...]:
    """One row per dated week, in order."""
    return tuple(
        WeekRow(
            week=key,
            start=period_start(key),
            tickets=weeks[key].count,
            csat=summary.weekly_csat[key],
            response=weeks[key].response.result(),
            partial=key in partial,
        )
        for key in sorted(weeks)
        if key != UNDATED
    )
