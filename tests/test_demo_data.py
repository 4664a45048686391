"""The shipped sample tickets: reproducible, readable strictly, and as messy as promised."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from supportkit import as_ticket
from supportkit._demo import demo_tickets

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_demo_data.py"
SHIPPED = ROOT / "src" / "supportkit" / "data" / "demo_tickets.jsonl"

WORD = re.compile(r"[^\W_]+")
CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
LATIN = re.compile(r"[a-zA-Z]")


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo_data", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


@pytest.fixture(scope="module")
def records() -> list[dict[str, object]]:
    return [json.loads(line) for line in SHIPPED.read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def texts(records: list[dict[str, object]]) -> list[str]:
    return [f"{r['subject']} {r['body']}" for r in records]


def test_generator_reproduces_the_shipped_file_byte_for_byte(tmp_path: Path) -> None:
    script = _load_script()
    out = tmp_path / "demo.jsonl"
    assert script.main(["-o", str(out)]) == 0
    assert out.read_bytes() == SHIPPED.read_bytes()


def test_another_seed_gives_other_tickets() -> None:
    script = _load_script()
    first, _ = script.generate(1)
    second, _ = script.generate(2)
    assert script.dumps(first) != script.dumps(second)


def test_every_line_is_a_strict_ticket_with_the_documented_keys(
    records: list[dict[str, object]],
) -> None:
    keys = {"id", "channel", "subject", "body", "tags", "priority", "created_at", "events"}
    keys |= {"rating", "fields"}
    for i, record in enumerate(records):
        assert set(record) == keys, record["id"]
        ticket = as_ticket(record, field=f"demo[{i}]")
        assert ticket.problems == ()
        assert ticket.created_at is not None
        assert ticket.created_at.utcoffset() is not None
        assert [e.at for e in ticket.events] == sorted(e.at for e in ticket.events)
        assert 40 <= len(ticket.body) <= 400, ticket.id
        assert ticket.fields["category"] == ticket.tags[0]
        assert ticket.channel in {"email", "chat", "messenger"}
        assert bool(ticket.subject) == (ticket.channel == "email"), ticket.id


def test_volume_span_and_channels() -> None:
    tickets = demo_tickets()
    assert len(tickets) >= 600
    assert len({t.id for t in tickets}) == len(tickets)
    starts = [t.created_at for t in tickets if t.created_at is not None]
    assert max(starts) - min(starts) >= dt.timedelta(weeks=5)
    days = {s.astimezone(dt.timezone(dt.timedelta(hours=3))).date() for s in starts}
    assert {dt.date(2024, 11, 2), dt.date(2024, 11, 4)} <= days
    assert {t.channel for t in tickets} == {"email", "chat", "messenger"}
    offsets = {s.utcoffset() for s in starts}
    assert {dt.timedelta(hours=h) for h in (3, 5, 10)} <= offsets


def test_tags_ratings_and_automation_look_like_the_domain() -> None:
    tickets = demo_tickets()
    tags = Counter(tag for t in tickets for tag in t.tags)
    expected = {"payouts", "acts", "receipts", "self_employed", "my_tax", "registration"}
    expected |= {"password", "white_screen", "interest", "passport", "thanks", "complaint"}
    assert set(tags) == expected
    labels = Counter(t.rating for t in tickets if t.channel != "email" and t.rating is not None)
    assert set(labels) == {"Отлично", "Хорошо", "Плохо"}
    good = (labels["Отлично"] + labels["Хорошо"]) / sum(labels.values())
    assert 0.9 < good < 1.0
    stars = {t.rating for t in tickets if t.channel == "email" and t.rating is not None}
    assert stars <= {1, 2, 3, 4, 5}
    for channel, low, high in (("email", 0.3, 0.45), ("chat", 0.42, 0.58)):
        group = [t for t in tickets if t.channel == channel]
        robots_only = [
            t
            for t in group
            if any(e.type == "reply" for e in t.events)
            and not any(e.type == "reply" and e.by == "agent" for e in t.events)
        ]
        assert low < len(robots_only) / len(group) < high, channel
    final = Counter(
        next((e.status for e in reversed(t.events) if e.type == "status"), None) for t in tickets
    )
    assert final["closed"] > len(tickets) / 2
    assert final["open"] + final["pending"] + final["on_hold"] + final[None] > 0


def test_messy_text_is_present(texts: list[str]) -> None:
    words = [w for text in texts for w in WORD.findall(text)]
    mixed = [w for w in words if CYRILLIC.search(w) and LATIN.search(w)]
    assert len(mixed) >= 20, mixed
    assert any(re.search(r"[а-яё]0[а-яё]", w, re.IGNORECASE) for w in words)  # «пр0блема»
    latin_only = [t for t in texts if LATIN.search(t) and not CYRILLIC.search(t.split(" ", 1)[1])]
    assert len(latin_only) >= 5  # whole messages typed on the wrong layout
    assert any("ghbdtn" in t.lower() or "plhfdcndeqnt" in t.lower() for t in texts)
    shouted = [t for t in texts if len(re.findall(r"[А-ЯЁ]{4,}", t)) >= 4]
    assert len(shouted) >= 10
    assert sum("\u00ad" in t or "\u200b" in t for t in texts) >= 5
    assert any("ё" in t for t in texts)
    assert any("еще" in t or "все " in t for t in texts)
    for form in ("выплату", "выплаты", "актов", "чеки"):
        assert any(form in t.lower() for t in texts), form
