"""Tests of supportkit.text._tone: shouting, !!!/???, insults that survive obfuscation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument
from supportkit.text import Tone, tone
from supportkit.text._tone import find_insults

SENTENCES = (Path(__file__).parent / "data/seed_sentences.txt").read_text("utf-8").splitlines()


def test_shouting() -> None:
    t = tone("ГДЕ МОИ ДЕНЬГИ?!! Вы что, идиоты???")
    assert t.is_shouting
    assert t.shouting == pytest.approx(12 / 21)
    assert t.exclamations == 1
    assert t.questions == 2
    assert t.insults == ("идиот",)
    assert t.has_insult


def test_calm_message() -> None:
    t = tone("Здравствуйте, выплата не пришла. Подскажите, пожалуйста, когда ждать?")
    assert t == Tone(
        shouting=t.shouting, letters=t.letters, exclamations=0, questions=0, insults=()
    )
    assert t.shouting < 0.05
    assert not t.is_shouting
    assert not t.has_insult


def test_short_capitals_are_not_shouting() -> None:
    assert not tone("СМС не приходит").is_shouting  # three capitals in 13 letters
    assert not tone("OK").is_shouting
    assert tone("ВЕРНИТЕ ДЕНЬГИ").is_shouting


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("х*р вам", "хер"),
        ("xуй", "хуй"),  # Latin x
        ("х у й", "хуй"),
        ("х.у.й", "хуй"),
        ("б.л.я", "бля"),
        ("бл*ть", "блядь"),
        ("сууука", "сука"),
        ("С У К А", "сука"),
        ("пиздец", "пизда"),
        ("п*здец", "пизда"),
        ("ИДИ0ТЫ", "идиот"),  # digit look-alike
        ("вы мудaки", "мудак"),  # Latin a
        ("ебаный сервис", "ебать"),
        ("заебали", "ебать"),
        ("нахуй", "хуй"),
        ("ты тупица", "тупица"),
        ("ду\u00adрак", "дурак"),  # soft hyphen
    ],
)
def test_insults_survive_obfuscation(text: str, label: str) -> None:
    assert label in tone(text).insults


@pytest.mark.parametrize(
    "text",
    [
        "Херсон",
        "хлеба и небо",
        "оплата рублями",
        "сукно",
        "тупик",
        "потребление",
        "употребление",
        "колебания курса",
        "ребенок",
        "оскорбление",
        "хулиган",
        "художник",
        "скорость",
        "бляха",
        "психую",
        "даже тупые вопросы",
    ],
)
def test_ordinary_words_are_not_insults(text: str) -> None:
    assert tone(text).insults == ()


def test_no_insults_in_the_seeds() -> None:
    flagged = [(s, find_insults(s)) for s in SENTENCES if find_insults(s)]
    assert flagged == []


def test_order_and_uniqueness() -> None:
    assert tone("идиот, сука, идиот").insults == ("идиот", "сука")


def test_lexicon_is_data() -> None:
    path = Path(__file__).parents[2] / "src/supportkit/data/insults_ru.json"
    entries = json.loads(path.read_text("utf-8"))["entries"]
    assert {e["mode"] for e in entries} <= {"word", "prefix", "infix"}
    assert all(e["forms"] and e["label"] for e in entries)


def test_to_dict() -> None:
    assert tone("ВЫ ЧТО!!!").to_dict() == {
        "shouting": 1.0,
        "letters": 3,
        "is_shouting": False,
        "exclamations": 1,
        "questions": 0,
        "insults": [],
        "has_insult": False,
    }
    json.dumps(tone("х*р").to_dict())


@given(st.text(max_size=60))
def test_shares_and_counts_are_sane(text: str) -> None:
    t = tone(text)
    assert 0.0 <= t.shouting <= 1.0
    assert t.exclamations >= 0
    assert t.questions >= 0
    assert len(set(t.insults)) == len(t.insults)


def test_non_str() -> None:
    with pytest.raises(InvalidArgument, match="'text'"):
        tone(123)  # type: ignore[arg-type]
