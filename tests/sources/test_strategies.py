"""Dogfood: every drawn helpdesk export reads strictly, one ticket per conversation."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit import sources
from supportkit.exceptions import InvalidArgument
from supportkit.testing import strategies


@pytest.mark.parametrize("name", strategies.HELPDESKS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_drawn_exports_read_strictly(name: str, data: st.DataObject) -> None:
    docs = data.draw(strategies.helpdesk_records(name))
    kw = {"tz": "UTC"} if name == "usedesk" else {}
    tickets = list(sources.from_records(docs, source=name, **kw))
    assert [t.fields["source"] for t in tickets] == [name] * len(tickets)
    assert [t.id for t in tickets] == sorted({t.id for t in tickets})
    assert all(t.problems == () for t in tickets)
    for t in tickets:
        messages = t.fields.get("comments", [])
        replies = [e for e in t.events if e.type in ("reply", "note")]
        opening = 0 if name == "freshdesk" else 1  # Freshdesk keeps it as the description
        assert len(replies) == len(messages) - opening  # the opening message is the body
        assert t.body


@pytest.mark.parametrize("name", ["zendesk", "freshdesk", "chatwoot"])
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_order_of_part_responses_does_not_matter(name: str, data: st.DataObject) -> None:
    docs = data.draw(strategies.helpdesk_records(name))
    first = list(sources.from_records(docs, source=name))
    tickets_first = [d for d in docs if sources.detect(d) == name]
    parts = docs[:]
    random.Random(data.draw(st.integers(0, 100))).shuffle(parts)
    # ticket pages keep their order (they fix the order of tickets); parts move freely
    pages = [d for d in docs if _is_page(name, d)]
    shuffled = pages + [d for d in parts if not _is_page(name, d)]
    assert tickets_first
    assert list(sources.from_records(shuffled, source=name)) == first


def _is_page(name: str, doc: object) -> bool:
    if name == "zendesk":
        return isinstance(doc, dict) and "tickets" in doc
    if name == "freshdesk":
        return isinstance(doc, list) and bool(doc) and "requester_id" in doc[0]
    return isinstance(doc, dict) and "data" in doc


def test_bad_arguments() -> None:
    with pytest.raises(InvalidArgument, match="source must be one of"):
        strategies.helpdesk_records("jira")
    with pytest.raises(InvalidArgument, match="max_tickets=1 < min_tickets=2"):
        strategies.helpdesk_records("zendesk", min_tickets=2, max_tickets=1)


@pytest.mark.parametrize("name", ["zendesk", "freshdesk", "chatwoot"])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_responses_fetched_twice_read_as_once(name: str, data: st.DataObject) -> None:
    # Incremental exports overlap at page boundaries and retried downloads repeat pages:
    # a repeated response changes nothing for the helpdesks whose parts come apart.
    docs = data.draw(strategies.helpdesk_records(name))
    repeated = docs + [d for d in docs if data.draw(st.booleans())]
    assert list(sources.from_records(repeated, source=name)) == list(
        sources.from_records(docs, source=name)
    )
