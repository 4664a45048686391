"""read/from_records: auto-detection, folders, round trips, and every bad input named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportkit import as_ticket, sources
from supportkit.exceptions import InvalidArgument, InvalidTicket, InvalidValue
from supportkit.testing import strategies

HELPDESKS = ["zendesk", "freshdesk", "chatwoot", "helpscout", "usedesk"]


@pytest.mark.parametrize("name", HELPDESKS)
def test_auto_detection_equals_naming_the_source(data: Path, name: str) -> None:
    kw = {"tz": "Europe/Moscow"} if name == "usedesk" else {}
    auto = list(sources.read(data / name, **kw))
    named = list(sources.read(data / name, source=name, **kw))
    assert auto == named
    assert auto
    assert {t.fields["source"] for t in auto} == {name}
    for path in sorted((data / name).glob("*.json")):
        assert sources.detect(json.loads(path.read_text(encoding="utf-8"))) == name


@pytest.mark.parametrize("name", ["helpscout", "usedesk"])
def test_streaming_folder_equals_its_files_in_order(data: Path, name: str) -> None:
    kw = {"tz": "Europe/Moscow"} if name == "usedesk" else {}
    files = sorted((data / name).glob("*.json"))
    one_by_one = [t for f in files for t in sources.read(f, **kw)]
    assert list(sources.read(data / name, **kw)) == one_by_one


def test_responses_one_per_line_equal_one_per_file(data: Path, tmp_path: Path) -> None:
    lines = [
        json.dumps(json.loads(p.read_text(encoding="utf-8")), ensure_ascii=False)
        for p in sorted((data / "zendesk").glob("*.json"))
    ]
    (tmp_path / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert list(sources.read(tmp_path / "export.jsonl")) == list(sources.read(data / "zendesk"))


def test_from_records_equals_read(data: Path) -> None:
    docs = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((data / "chatwoot").glob("*.json"))
    ]
    assert list(sources.from_records(docs, source="chatwoot")) == list(
        sources.read(data / "chatwoot")
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(strategies.tickets(), min_size=1, max_size=5), split=st.integers(0, 5))
def test_supportkit_jsonl_round_trip_and_folder_law(tmp_path_factory, rows, split) -> None:
    folder = tmp_path_factory.mktemp("export")
    tickets = [as_ticket(row) for row in rows]
    parts = [tickets[:split], tickets[split:]]
    for i, part in enumerate(parts):
        with (folder / f"part-{i}.jsonl").open("w", encoding="utf-8") as out:
            for t in part:
                out.write(json.dumps(t.to_dict(), ensure_ascii=False) + "\n")
    assert list(sources.read(folder)) == tickets
    assert [t for i in range(2) for t in sources.read(folder / f"part-{i}.jsonl")] == tickets


def test_supportkit_json_list_and_csv(tmp_path: Path) -> None:
    rows = [{"id": "1", "body": "Где выплата?", "tags": ["payouts"]}]
    (tmp_path / "t.json").write_text(json.dumps({"tickets": rows}), encoding="utf-8")
    (tmp_path / "t.csv").write_text("id,body,tags\n1,Где выплата?,payouts\n", encoding="utf-8")
    assert list(sources.read(tmp_path / "t.json")) == list(sources.read(tmp_path / "t.csv"))


def test_unknown_shape_names_the_file_and_its_keys(tmp_path: Path) -> None:
    (tmp_path / "odd.json").write_text('{"items": [{"name": "x"}]}', encoding="utf-8")
    with pytest.raises(InvalidTicket, match=r"odd\.json holds an object with keys \['items'\]"):
        list(sources.read(tmp_path / "odd.json"))


def test_truncated_json_names_file_line_and_character(data: Path, tmp_path: Path) -> None:
    text = (data / "zendesk" / "01-tickets-cursor.json").read_text(encoding="utf-8")
    (tmp_path / "page.json").write_text(text[:500], encoding="utf-8")
    with pytest.raises(
        InvalidTicket,
        match=r"page\.json is not valid JSON: .* at line \d+, "
        r"column \d+ \(character \d+\); the file ends .*truncated",
    ):
        list(sources.read(tmp_path / "page.json"))


def test_unknown_status_strict_names_file_ticket_value_lenient_keeps(tmp_path: Path) -> None:
    page = {
        "tickets": [
            {
                "id": 42,
                "via": {"channel": "email"},
                "status": "escalated",
                "created_at": "2024-10-07T09:00:00Z",
                "requester_id": 1,
            }
        ]
    }
    (tmp_path / "page.json").write_text(json.dumps(page), encoding="utf-8")
    with pytest.raises(
        InvalidTicket,
        match=r"page\.json\[zendesk ticket 42\]: unknown zendesk "
        r"status 'escalated'",
    ):
        list(sources.read(tmp_path))
    (ticket,) = sources.read(tmp_path, strict=False)
    assert ticket.fields["status"] == "escalated"
    assert ticket.problems
    assert "unknown zendesk status 'escalated'" in ticket.problems[0]


def test_unknown_channel_and_role(tmp_path: Path) -> None:
    conv = [
        {
            "id": 1,
            "incoming": None,
            "private": False,
            "ticket_id": 7,
            "body_text": "x",
            "created_at": "2024-10-07T10:00:00Z",
        }
    ]
    ticket = [
        {
            "id": 7,
            "status": 2,
            "source": 99,
            "requester_id": 1,
            "created_at": "2024-10-07T09:00:00Z",
        }
    ]
    (tmp_path / "a.json").write_text(json.dumps(ticket), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(conv), encoding="utf-8")
    with pytest.raises(InvalidTicket, match=r"unknown freshdesk source 99"):
        list(sources.read(tmp_path))
    (t,) = sources.read(tmp_path, strict=False)
    assert len(t.problems) == 2
    assert t.channel is None


def test_comment_before_ticket_creation(tmp_path: Path) -> None:
    doc = {
        "ticket": {"id": "9", "status_id": "1", "published_at": "2024-10-07 12:00:00"},
        "comments": [
            {
                "id": "1",
                "message": "Ответ",
                "type": "public",
                "from": "user",
                "published_at": "2024-10-07 11:00:00",
            }
        ],
    }
    (tmp_path / "t.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(
        InvalidTicket,
        match=r"t\.json\[usedesk ticket 9\]\.events\[0\]\.at .* "
        r"is before",
    ):
        list(sources.read(tmp_path, tz="Europe/Moscow"))
    (t,) = sources.read(tmp_path, tz="Europe/Moscow", strict=False)
    assert [e.type for e in t.events] == ["status"]
    assert "dropped" in t.problems[0]


def test_parts_without_their_ticket(data: Path, tmp_path: Path) -> None:
    shutil.copy(data / "zendesk" / "05-satisfaction-ratings.json", tmp_path)
    with pytest.raises(InvalidTicket, match=r"rating record.* ticket 1001, but no file holds"):
        list(sources.read(tmp_path))
    (t,) = sources.read(tmp_path, strict=False)
    assert t.id == "1001"
    assert t.fields["orphan_parts"][0]["score"] == "good"


def test_mixed_helpdesks_and_bad_arguments(data: Path, tmp_path: Path) -> None:
    shutil.copy(data / "zendesk" / "01-tickets-cursor.json", tmp_path / "a.json")
    shutil.copy(data / "helpscout" / "conversations-page-1.json", tmp_path / "b.json")
    with pytest.raises(InvalidTicket, match="is a helpscout response, but the export read so far"):
        list(sources.read(tmp_path))
    with pytest.raises(InvalidValue, match="source 'jira' is not known"):
        sources.read(tmp_path, source="jira")
    with pytest.raises(InvalidArgument, match="does not exist"):
        sources.read(tmp_path / "nope")
    with pytest.raises(InvalidTicket, match=r"use a \.json"):
        sources.read(data / ".." / "conftest.py")


def test_read_is_lazy_and_cleans_its_spill(data: Path) -> None:
    import glob
    import tempfile

    before = set(glob.glob(f"{tempfile.gettempdir()}/supportkit-spill-*"))
    it = sources.read(data / "zendesk")
    first = next(it)
    assert first.id == "1001"
    it.close()  # abandoned half-way
    assert set(glob.glob(f"{tempfile.gettempdir()}/supportkit-spill-*")) == before
