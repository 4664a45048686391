"""The fast row reader agrees with supportkit.as_ticket, and defers to it on anything unusual."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from metrics_helpers import tickets

from supportkit import as_ticket
from supportkit._demo import demo_records
from supportkit.exceptions import InvalidValue
from supportkit.metrics._records import TicketView, _fast, _from_ticket, iter_views, view_of

ATTRS = (
    "channel",
    "tags",
    "created",
    "rating",
    "country",
    "category",
    "first_reply",
    "agent_replies",
    "resolved_at",
    "ever_resolved",
    "reopened",
)


def same(a: TicketView, b: TicketView) -> bool:
    return all(getattr(a, name) == getattr(b, name) for name in ATTRS)


def test_demo_rows_read_fast_and_identically() -> None:
    records = demo_records()
    fast = [_fast(r) for r in records]
    assert all(v is not None for v in fast), "every demo row should take the fast path"
    for record, view in zip(records, fast, strict=True):
        assert view is not None
        assert same(view, _from_ticket(as_ticket(record)))


MUTATIONS = [
    lambda t: t["events"].reverse(),  # out of order: as_ticket sorts
    lambda t: t.update(channel=" Email "),
    lambda t: t.update(tags=["payouts", " acts", "payouts"]),
    lambda t: t.update(rating="4,0"),
    lambda t: t.update(rating=4.0),
    lambda t: t.update(tags="payouts, acts"),  # CSV style
    lambda t: t["events"] and t["events"][0].update(type="REPLY", by="Agent"),
    lambda t: t["events"] and t["events"][0].update(at=t["events"][0]["at"].replace("+03:00", "Z")),
    lambda t: t.update(fields='{"country": "KZ"}'),
    lambda t: t.update(created_at=""),
]


@given(ticket=tickets(), mutation=st.sampled_from(range(len(MUTATIONS))))
def test_fast_reader_equals_as_ticket_or_defers(ticket: dict[str, Any], mutation: int) -> None:
    raw = copy.deepcopy(ticket)
    MUTATIONS[mutation](raw)
    slow = _from_ticket(as_ticket(copy.deepcopy(raw)))
    fast = _fast(raw)
    if fast is not None:
        assert same(fast, slow)
    assert same(view_of(raw), slow)


BAD = [
    {"id": 1, "events": [{"at": "2024-10-07T09:00:00+03:00", "type": "reply", "by": "robot"}]},
    {"country": "KZ"},
    {"created_at": "2024-10-07T09:00:00"},
    {"body": 42},
    {"tags": [1]},
    {
        "created_at": "2024-10-07T10:00:00+03:00",
        "events": [{"at": "2024-10-07T09:00:00+03:00", "type": "reply", "by": "agent"}],
    },
    {"events": [{"at": "2024-10-07T09:00:00+03:00", "type": "priority"}]},
    {"events": [{"at": "2024-10-07T09:00:00+03:00", "type": "status", "status": "done"}]},
]


@pytest.mark.parametrize("row", BAD)
def test_bad_rows_raise_exactly_what_as_ticket_raises(row: dict[str, Any]) -> None:
    with pytest.raises(InvalidValue) as expected:
        as_ticket(copy.deepcopy(row), field="tickets[0]")
    with pytest.raises(InvalidValue) as got:
        list(iter_views([copy.deepcopy(row)]))
    assert type(got.value) is type(expected.value)
    # the same message, after the ticket's id when the row has one (a person looks it up)
    prefix = f"ticket {str(row['id'])!r}: " if "id" in row else ""
    assert str(got.value) == prefix + str(expected.value)


def test_lenient_reading_drops_bad_events() -> None:
    row = {
        "created_at": "2024-10-07T09:00:00+03:00",
        "events": [
            {"at": "2024-10-07T09:10:00+03:00", "type": "reply", "by": "robot"},
            {"at": "2024-10-07T09:20:00+03:00", "type": "reply", "by": "agent"},
        ],
    }
    (view,) = iter_views([row], strict=False)
    assert view.agent_replies == 1


def test_strings_and_ticket_objects() -> None:
    assert view_of("Где выплата?").created is None
    ticket = as_ticket({"channel": "chat", "rating": "Отлично"})
    assert view_of(ticket).rating == "Отлично"
