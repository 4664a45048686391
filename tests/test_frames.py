"""_frames: the one DataFrame bridge, in (rows, a Series) and out (to_pandas), everywhere."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit import _frames, as_ticket, sources
from supportkit.exceptions import InvalidArgument
from supportkit.metrics import automation_rate, response_times
from supportkit.rules import RuleSet
from supportkit.sla import AttainmentSummary, PolicySet, SLAPolicy
from supportkit.testing import strategies

RULES = RuleSet.from_dicts(
    [{"id": "payouts", "when": {"any": ["выплата"]}, "then": {"tags": ["payouts"]}}]
)


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["1", "2", "3"],
            "body": ["Где выплата?", "Белый экран", None],
            "tags": [["a"], np.array(["b", "c"]), None],
            "created_at": pd.to_datetime(
                ["2024-10-07T09:00:00+03:00", "2024-10-07T10:00:00+03:00", None], utc=True
            ),
            "rating": [5, np.nan, 3],
            "fields.country": ["RU", "KZ", None],
        }
    )


def test_rows_are_tickets_never_column_names() -> None:
    rows = list(_frames.rows(frame()))
    assert len(rows) == 3
    assert rows[0]["body"] == "Где выплата?"
    assert rows[1]["tags"] == ["b", "c"]
    assert rows[0]["fields"] == {"country": "RU"}
    assert "body" not in rows[2]
    assert "rating" not in rows[1]
    assert rows[0]["rating"] == 5
    assert type(rows[0]["rating"]) is float  # NumPy scalars become Python numbers
    assert isinstance(rows[0]["created_at"], dt.datetime)
    assert list(_frames.rows([1, 2])) == [1, 2]


def test_clean_cells() -> None:
    assert _frames.clean(pd.NaT) is None
    assert _frames.clean(pd.NA) is None
    assert _frames.clean(float("nan")) is None
    assert _frames.clean(np.float64(2.5)) == 2.5
    assert _frames.clean(pd.Timedelta("1h")) == dt.timedelta(hours=1)
    assert not _frames.is_frame([1])
    assert _frames.is_series(pd.Series([1]))
    assert not _frames.is_series({"a": 1})


def test_as_ticket_reads_a_series_row() -> None:
    row = frame().iloc[0]
    ticket = as_ticket(row)
    assert ticket.id == "1"
    assert ticket.body == "Где выплата?"
    assert dict(ticket.fields) == {"country": "RU"}


def test_every_entry_point_takes_a_dataframe() -> None:
    df = frame()
    evaluations = list(RULES.evaluate_many(df))
    assert [e.ticket_id for e in evaluations] == ["1", "2", "3"]  # not 6 column names
    assert evaluations[0].tags == ("payouts",)
    events = pd.DataFrame(
        {
            "id": ["a", "b"],
            "created_at": ["2024-10-07T09:00:00+03:00", "2024-10-07T09:00:00+03:00"],
            "events": [
                [{"at": "2024-10-07T09:00:05+03:00", "type": "reply", "by": "bot"}],
                [{"at": "2024-10-07T09:10:00+03:00", "type": "reply", "by": "agent"}],
            ],
        }
    )
    assert automation_rate(events).count == 2
    assert response_times(events).count == 1
    policies = PolicySet([SLAPolicy("all", {"first_response": "1h"}, None)])
    summary = AttainmentSummary()
    reports = list(policies.evaluate_many(events, summary=summary))
    assert [r.ticket_id for r in reports] == ["a", "b"]
    assert summary[("all", "first_response")].met == 1


def test_to_pandas_of_results() -> None:
    evaluations = list(RULES.evaluate_many(frame()))
    df = sources.to_pandas(evaluations)
    assert list(df["ticket_id"]) == ["1", "2", "3"]
    assert list(df["fired"]) == [True, False, False]
    assert len(evaluations[0].to_pandas()) == 1
    policies = PolicySet([SLAPolicy("all", {"first_response": "1h", "resolution": "8h"}, None)])
    ticket = {
        "id": "a",
        "created_at": "2024-10-07T09:00:00+03:00",
        "events": [{"at": "2024-10-07T09:10:00+03:00", "type": "reply", "by": "agent"}],
    }
    summary = AttainmentSummary()
    report = next(policies.evaluate_many([ticket], summary=summary))
    per_metric = report.to_pandas()
    assert sorted(per_metric["metric"]) == ["first_response", "resolution"]
    assert per_metric.set_index("metric").loc["first_response", "elapsed"] == pd.Timedelta("10m")
    attainment = summary.to_pandas()
    row = attainment.set_index("metric").loc["first_response"]
    assert row["met"] == 1
    assert row["rate"] == 1.0
    tickets = sources.to_pandas([as_ticket(ticket)])
    assert tickets.loc[0, "events"] == 1
    assert sources.to_pandas([{"a": 1}]).loc[0, "a"] == 1
    assert sources.to_pandas([]).empty
    with pytest.raises(InvalidArgument, match="one kind at a time"):
        sources.to_pandas([{"a": 1}, 5])


@settings(max_examples=30, deadline=None)
@given(rows=st.lists(strategies.tickets(), min_size=1, max_size=6))
def test_dataframe_of_ticket_rows_reads_back_equal(rows: list[dict]) -> None:
    expected = [as_ticket(row) for row in rows]
    df = pd.DataFrame([t.to_dict() for t in expected])
    got = list(sources.from_records(df, source="supportkit"))
    assert got == expected
    assert not any(
        isinstance(v, float) and math.isnan(v) for r in _frames.rows(df) for v in r.values()
    )
