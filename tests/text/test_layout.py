"""Tests of supportkit.text._layout: fix_layout and its character-statistics model."""

from __future__ import annotations

import codecs
import contextlib
import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument
from supportkit.testing import strategies as sks
from supportkit.text import fix_layout
from supportkit.text._layout import layout_model
from supportkit.text._tables import LAYOUT_EN_TO_RU, LAYOUT_RU_TO_EN

SENTENCES = (Path(__file__).parent / "data/seed_sentences.txt").read_text("utf-8").splitlines()


def _zen() -> list[str]:
    with contextlib.redirect_stdout(io.StringIO()):
        import this

    return [line for line in codecs.decode(this.s, "rot13").splitlines() if line.strip()]


ENGLISH = [
    *_zen(),
    "Please check your payment details and try again later.",
    "The support team will answer your request within two business days.",
    "Thank you for contacting us, we have received your message.",
    "Your account has been blocked because of suspicious activity.",
    "I cannot log in to my personal account, the page is white.",
    "Hello, my payout did not arrive yesterday, please help.",
]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("ghbdtn", "привет"),
        ("dsgkfnf yt ghbikf", "выплата не пришла"),
        ("GHBDTN", "ПРИВЕТ"),
        ("Ghbdtn, rfr ltkf?", "Привет, как дела?"),
        ("z yt vjue djqnb d kbxysq rf,bytn", "я не могу войти в личный кабинет"),
        ("'nj ytdjpvj;yj", "это невозможно"),
        ("руддщ цщкдв", "hello world"),
        ("руддщю", "hello."),
        ("Руддщ, ш фь ыгку ерфе ершы цщклы!", "Hello, i am sure that this works!"),
        ("Привет, ntcn ghbikf", "Привет, тест пришла"),
    ],
)
def test_examples(typed: str, meant: str) -> None:
    assert fix_layout(typed) == meant


@pytest.mark.parametrize(
    "text", ["SMS", "API", "Usedesk", "Wi-Fi", "ok", "Qugo", "e-mail", "iPhone 15", "2024", ""]
)
def test_ordinary_words_stay(text: str) -> None:
    assert fix_layout(text) == text


def test_short_words_follow_neighbours() -> None:
    assert fix_layout("yt") == "yt"  # alone: cannot tell
    assert fix_layout("yt hf,jnftn") == "не работает"


def test_same_length_character_for_character() -> None:
    typed = "ghbdtn, z yt vjue djqnb"
    assert len(fix_layout(typed)) == len(typed)


def test_every_seed_and_english_line_unchanged() -> None:
    changed = [line for line in SENTENCES + ENGLISH if fix_layout(line) != line]
    assert changed == []


@given(st.lists(st.sampled_from(SENTENCES + ENGLISH), min_size=1, max_size=3).map(" ".join))
def test_correct_text_is_never_changed(text: str) -> None:
    assert fix_layout(text) == text


def _swap(sentence: str) -> str:
    return "".join(LAYOUT_RU_TO_EN.get(c, c) for c in sentence)


def test_most_seed_sentences_typed_on_qwerty_come_back() -> None:
    plain = [s for s in SENTENCES if re.fullmatch(r"[А-Яа-яЁё ]+", s)]
    back = sum(fix_layout(_swap(s)) == s for s in plain)
    assert back / len(plain) > 0.6


@given(
    st.sampled_from(SENTENCES).flatmap(
        lambda s: st.tuples(st.just(s), sks.layout_variants(s, max_words=1))
    )
)
def test_layout_variants_do_not_break_other_words(pair: tuple[str, str]) -> None:
    sentence, variant = pair
    fixed = fix_layout(variant)
    assert len(fixed) == len(variant)
    for a, b, c in zip(sentence.split(), variant.split(), fixed.split(), strict=True):
        if a == b:
            assert c == a  # untouched words stay as they were


def test_tables_are_inverse() -> None:
    assert LAYOUT_EN_TO_RU[","] == "б"
    assert LAYOUT_RU_TO_EN["б"] == ","
    assert LAYOUT_EN_TO_RU["q"] == "й"
    assert {v: k for k, v in LAYOUT_EN_TO_RU.items()} == dict(LAYOUT_RU_TO_EN)


def test_model_scores() -> None:
    ru, en = layout_model()
    assert ru.score("привет") > ru.score("ghbdtn")
    assert en.score("hello") > en.score("руддщ")
    assert ru.score("выплата") > en.score("dsgkfnf")


def test_non_str() -> None:
    with pytest.raises(InvalidArgument, match="'text'"):
        fix_layout(b"ghbdtn")  # type: ignore[arg-type]


def test_big_texts_take_linear_time() -> None:
    import time

    from supportkit.text import from_translit, match_key, mixed_script_words, tone

    big = ("Выплaта не пришла, пр0блема\u00ad с картой! ghbdtn х у й yt  " * 5_000)[:300_000]
    for func in (fix_layout, tone, from_translit, mixed_script_words, match_key):
        started = time.perf_counter()
        func(big)
        assert time.perf_counter() - started < 30, func  # generous: well under 1 s each
