"""Shapes real API responses have that the documentation examples leave out.

Each folder under ``data/real`` follows a response shape seen in recorded responses
(client libraries' cassettes and fixtures, the helpdesks' own view templates); the
sources are listed in docs/sources.md.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from supportkit import sources
from supportkit.exceptions import InvalidTicket

REAL = Path(__file__).parent / "data" / "real"


def by_id(path: Path, **kw: object) -> dict:
    return {t.id: t for t in sources.read(path, **kw)}


def flow(ticket) -> list[tuple[str, str | None]]:
    return [(e.type, e.by or e.status or e.priority or e.assignee) for e in ticket.events]


def test_zendesk_via_ids_mail_and_the_sample_ticket() -> None:
    t = by_id(REAL / "zendesk-via")
    assert {k: v.channel for k, v in t.items()} == {
        "7101": "email",  # "channel": 4, a via id
        "7102": "chat",  # "channel": "29", a via id as text
        "7103": "email",  # "mail", the via type of id 4
        "7104": None,  # "sample_ticket": made inside Zendesk, no channel
        "7105": "web",  # "helpcenter"
    }


def test_zendesk_list_comments_ticket_from_links_or_file_name() -> None:
    t = by_id(REAL / "zendesk-comments")
    # 7201: the ticket id is in links.prev; 601 is the assignee (users not side-loaded)
    assert flow(t["7201"]) == [("note", "agent"), ("reply", "agent"), ("status", "solved")]
    assert t["7201"].body == "Здравствуйте! Деньги за акт не пришли."
    # 7202: no links, the ticket id is in the file name
    assert flow(t["7202"]) == [("reply", "agent"), ("status", "open")]
    assert [c["text"] for c in t["7202"].fields["comments"]][
        1
    ] == "Сбросили пароль, попробуйте снова."


def test_zendesk_list_comments_without_a_ticket_is_a_clear_error(tmp_path: Path) -> None:
    page = json.loads((REAL / "zendesk-comments" / "03-comments-7202.json").read_text("utf-8"))
    (tmp_path / "comments.json").write_text(json.dumps(page, ensure_ascii=False), "utf-8")
    with pytest.raises(
        InvalidTicket, match=r"comments\.json lists ticket comments.*comments-<ticket"
    ):
        list(sources.read(tmp_path, source="zendesk"))


def test_zendesk_ticket_events_timestamp_via_names_and_repeated_pages() -> None:
    one = by_id(REAL / "zendesk-events")["7301"]
    # the repeated event of page 3 is read once; the trigger's comment (via object) is a rule's
    assert flow(one) == [
        ("status", "new"),
        ("reply", "rule"),
        ("reply", "agent"),
        ("status", "waiting_customer"),
    ]
    types = [c for c in one.fields["changes"] if c["field"] == "type"]
    assert [(c["value"], c.get("previous")) for c in types] == [
        ("incident", None),
        ("question", "incident"),
    ]  # with event_type naming the event, "type" is the ticket's type field
    assert one.fields["comments"][1]["rule"] == "Автоответ: получили обращение"
    assert any(e.get("event_type") == "Notification" for e in one.fields["other_events"])


def test_chatwoot_messages_list_sender_object_without_sender_type() -> None:
    one = by_id(REAL / "chatwoot-list")["3101"]
    assert one.channel == "messenger"
    assert one.body == "Здравствуйте, не пришла выплата"
    # agent_bot -> bot, user -> agent (private -> note), activity -> fields
    assert flow(one) == [
        ("reply", "bot"),
        ("note", "agent"),
        ("reply", "agent"),
        ("status", "solved"),
    ]
    assert len(one.fields["comments"]) == 4  # the list's copy of the last message is read once
    assert one.fields["comments"][3]["sender_id"] == 11


def test_freshdesk_filter_tickets_results_wrapper_and_numbers_as_text() -> None:
    one = by_id(REAL / "freshdesk-search")["2101"]
    assert (one.channel, one.priority) == ("chat", "normal")
    assert flow(one) == [("status", "solved")]


def test_helpscout_drafts_are_not_replies_and_empty_pages_are_skipped(tmp_path: Path) -> None:
    one = by_id(REAL / "helpscout-drafts")["6101"]
    assert flow(one) == [("reply", "agent")]
    assert one.fields["unsent_threads"] == [{"id": 2, "state": "draft", "type": "message"}]
    shutil.copy(REAL / "helpscout-drafts" / "conversations-page-2.json", tmp_path)
    assert list(sources.read(tmp_path, source="helpscout")) == []


def test_zendesk_survey_responses_subjects_zrn_spelling_and_follow_up_text() -> None:
    t = by_id(REAL / "zendesk-survey")
    assert (t["7401"].rating, t["7401"].fields["rating_comment"]) == (5, "Всё отлично")
    assert (t["7402"].rating, t["7402"].fields["rating_category"]) == (2, "bad")
    assert t["7402"].fields["rating_comment"] == "Долго ждали ответа"


def test_helpscout_conversations_without_embedded_threads_wait_for_thread_pages(
    tmp_path: Path,
) -> None:
    t = by_id(REAL / "helpscout-threads")
    # 6201: its threads page names it in _links; 6202: only in the file name
    assert t["6201"].body == "Здравствуйте, не пришла выплата за сентябрь."
    assert flow(t["6201"]) == [("reply", "agent"), ("status", "solved")]
    assert flow(t["6202"]) == [("note", "agent")]
    shutil.copy(REAL / "helpscout-threads" / "01-conversations.json", tmp_path)
    shutil.copy(REAL / "helpscout-threads" / "02-threads.json", tmp_path / "threads.json")
    page = json.loads((REAL / "helpscout-threads" / "03-threads-6202.json").read_text("utf-8"))
    (tmp_path / "more-threads.json").write_text(json.dumps(page, ensure_ascii=False), "utf-8")
    with pytest.raises(InvalidTicket, match=r"more-threads\.json lists threads"):
        list(sources.read(tmp_path))
