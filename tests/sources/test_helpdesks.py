"""Each helpdesk's fixture export (written from its API reference) maps row by row."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from supportkit import sources
from supportkit.exceptions import InvalidTicket


def by_id(path: Path, **kw: object) -> dict:
    return {t.id: t for t in sources.read(path, **kw)}


def flow(ticket) -> list[tuple[str, str | None]]:
    return [(e.type, e.by or e.status or e.priority or e.assignee) for e in ticket.events]


def test_zendesk_pages_audits_events_ratings(data: Path) -> None:
    t = by_id(data / "zendesk")
    assert list(t) == ["1001", "1002", "1003"]  # pages across files, 1001 repeated: one ticket
    one = t["1001"]
    assert one.channel == "email"
    assert one.subject == "Не пришла выплата"
    assert one.body.startswith("Здравствуйте! Деньги")  # the opening comment is the body
    assert one.priority == "normal"  # priority at creation; the change is an event
    assert flow(one) == [
        ("status", "new"),
        ("reply", "rule"),
        ("status", "open"),
        ("assign", "601"),
        ("note", "agent"),
        ("priority", "high"),
        ("reply", "agent"),
        ("status", "waiting_customer"),
        ("reply", "customer"),
        ("status", "open"),
        ("reply", "agent"),
        ("status", "solved"),
        ("reply", "customer"),
        ("status", "open"),
        ("reply", "agent"),
        ("status", "solved"),
        ("status", "closed"),
    ]  # in audit order: a reply and the solve of one update stay in that order
    assert one.rating == "good"  # legacy satisfaction rating (later page, ratings file)
    f = one.fields
    assert f["source"] == "zendesk"
    assert f["group_id"] == 3100
    assert f["organization_id"] == 77
    assert f["custom_fields"][0] == {"id": 360001, "value": "самозанятый"}
    assert f["rating_comment"] == "Спасибо, быстро!"
    trigger = next(c for c in f["comments"] if c["by"] == "rule")
    assert trigger["rule"] == "Автоответ: получили обращение"
    assert {c["field"] for c in f["changes"]} >= {"tags", "subject"}
    assert [m["type"] for m in f["zendesk_metric_events"]] == ["activate", "fulfill", "apply_sla"]
    assert any(e["type"] == "Notification" for e in f["other_events"])
    two = t["1002"]
    assert two.channel == "chat"
    assert flow(two) == [
        ("status", "new"),
        ("reply", "bot"),
        ("reply", "agent"),
        ("status", "open"),
    ]
    assert any(c["field"] == "tags" for c in two.fields["changes"])
    three = t["1003"]
    assert three.channel == "messenger"
    assert three.rating == 4
    assert three.fields["rating_category"] == "good"
    assert flow(three) == [("status", "waiting_customer")]  # current status, no history


def test_zendesk_missing_users_requester_is_customer_other_authors_fail(
    data: Path, tmp_path: Path
) -> None:
    shutil.copy(data / "zendesk" / "02-tickets-time.json", tmp_path)
    shutil.copy(data / "zendesk" / "03-audits-1001.json", tmp_path)  # users of page 1 missing
    with pytest.raises(InvalidTicket, match=r"ticket 1001.*author 602 .*neither a side-loaded"):
        list(sources.read(tmp_path))
    lenient = by_id(tmp_path, strict=False)["1001"]
    assert any("author 602" in p for p in lenient.problems)
    assert not any("author 601" in p for p in lenient.problems)  # 601 is an assignee: an agent
    assert ("reply", "customer") in flow(lenient)  # the requester needs no side-loaded user
    assert ("reply", "agent") in flow(lenient)


def test_freshdesk_tickets_conversations_ratings(data: Path) -> None:
    t = by_id(data / "freshdesk")
    one = t["2001"]
    assert one.channel == "email"
    assert one.priority == "normal"
    assert one.rating == 103
    assert flow(one) == [
        ("reply", "agent"),
        ("status", "waiting_customer"),
        ("note", "agent"),
        ("reply", "customer"),
        ("status", "open"),
        ("reply", "agent"),
        ("status", "solved"),
    ]
    assert one.fields["custom_fields"] == {"cf_country": "RU"}
    assert one.fields["rating_comment"] == "Всё понятно объяснили"
    two = t["2002"]
    assert two.channel == "chat"
    assert two.priority == "urgent"
    assert flow(two) == []


def test_chatwoot_messages_pending_snoozed_csat(data: Path) -> None:
    t = by_id(data / "chatwoot")
    one = t["3001"]
    assert one.channel == "chat"
    assert one.tags == ("payouts",)
    assert one.rating == 5
    # template -> rule, AgentBot -> bot, activity -> fields, private -> note, CSAT prompt -> rule
    assert flow(one) == [
        ("reply", "rule"),
        ("reply", "bot"),
        ("note", "agent"),
        ("reply", "agent"),
        ("reply", "rule"),
        ("status", "solved"),
    ]
    assert one.fields["activities"][0]["text"].startswith("Conversation was assigned")
    assert len([c for c in one.fields["comments"] if c["id"] == 40010]) == 1  # no duplicate
    bot = t["3002"]
    assert bot.fields["bot_holds"] is True
    assert all(e.status != "waiting_customer" for e in bot.events)  # pending never pauses
    assert t["3003"].events[-1].status == "on_hold"  # snoozed


def test_helpscout_threads_workflow_lineitems_spam(data: Path) -> None:
    t = by_id(data / "helpscout")
    assert list(t) == ["6001", "6002", "6003"]  # two pages
    one = t["6001"]
    assert one.tags == ("interest",)
    assert one.channel == "email"
    assert flow(one) == [
        ("reply", "rule"),
        ("assign", "301"),
        ("note", "agent"),
        ("reply", "agent"),
        ("status", "waiting_customer"),
        ("reply", "customer"),
        ("status", "open"),
        ("reply", "agent"),
        ("status", "solved"),
    ]
    assert one.fields["customFields"][0]["value"] == "Z-7467228"
    assert flow(t["6002"]) == [("reply", "agent")]
    assert t["6003"].fields["spam"] is True
    assert flow(t["6003"]) == [("status", "closed")]


def test_usedesk_needs_tz_and_maps_from_and_type(data: Path) -> None:
    with pytest.raises(InvalidTicket, match=r"ticket-5001\.json.*5001.*pass tz="):
        list(sources.read(data / "usedesk"))
    t = by_id(data / "usedesk", tz="Europe/Moscow")
    one = t["5001"]
    assert one.created_at.isoformat() == "2024-10-07T12:00:00+03:00"
    assert flow(one) == [
        ("reply", "rule"),
        ("note", "agent"),
        ("reply", "agent"),
        ("status", "solved"),
    ]
    assert one.priority == "normal"
    assert one.fields["status_id"] == "2"
    assert flow(t["5002"]) == [("reply", "agent"), ("status", "waiting_customer")]


@pytest.mark.parametrize(
    ("name", "table", "rows"),
    [
        (
            "zendesk",
            "STATUSES",
            {
                "new": "new",
                "open": "open",
                "pending": "waiting_customer",
                "hold": "on_hold",
                "solved": "solved",
                "closed": "closed",
            },
        ),
        ("freshdesk", "STATUSES", {2: "open", 3: "waiting_customer", 4: "solved", 5: "closed"}),
        (
            "chatwoot",
            "STATUSES",
            {"open": "open", "pending": "new", "snoozed": "on_hold", "resolved": "solved"},
        ),
        (
            "helpscout",
            "STATUSES",
            {"active": "open", "pending": "waiting_customer", "closed": "solved", "spam": "closed"},
        ),
        (
            "usedesk",
            "STATUSES",
            {
                1: "open",
                2: "solved",
                3: "closed",
                5: "on_hold",
                6: "waiting_customer",
                8: "new",
                10: "closed",
            },
        ),
        ("zendesk", "ROLES", {"end-user": "customer", "agent": "agent", "admin": "agent"}),
        ("usedesk", "AUTHORS", {"client": "customer", "user": "agent", "trigger": "rule"}),
    ],
)
def test_mapping_tables(name: str, table: str, rows: dict) -> None:
    import importlib

    module = importlib.import_module(f"supportkit.sources._{name}")
    mapping = getattr(module, table)
    for key, value in rows.items():
        assert mapping[key] == value


def _chatwoot_rating(rating: object) -> list:
    conversation = {
        "id": 7,
        "inbox_id": 1,
        "account_id": 1,
        "status": "open",
        "created_at": 1_700_000_000,
        "messages": [],
    }
    csat = [{"rating": rating, "conversation_id": 7, "feedback_message": None}]
    records = [{"data": {"meta": {}, "payload": [conversation]}}, csat]
    return list(sources.from_records(records, source="chatwoot"))


@pytest.mark.parametrize(
    ("rating", "read"), [(4, 4), ("4", 4), (" 4,5 ", 4.5), ("хорошо", "хорошо"), ("", None)]
)
def test_rating_reads_as_as_ticket_does(rating: object, read: object) -> None:
    (ticket,) = _chatwoot_rating(rating)
    assert ticket.rating == read
    assert type(ticket.rating) is type(read)


@pytest.mark.parametrize(("rating", "kind"), [([5], "list"), ({"a": 1}, "dict")])
def test_rating_of_a_wrong_type_names_its_type_and_the_export(rating: object, kind: str) -> None:
    with pytest.raises(InvalidTicket) as info:
        _chatwoot_rating(rating)
    assert str(info.value) == (
        f"records[0][chatwoot ticket 7].rating must be a number or a label string "
        f"(got {rating!r} that is a {kind}); fix the export."
    )
