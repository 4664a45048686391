"""The text strategies keep their promises: typos stay within their edit budget, caps
only change case, layout and invisible-character variants undo exactly."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument
from supportkit.testing import strategies as sk

PHRASES = ["Где моя выплата?", "Не могу подписать акт", "sms не приходит", "пароль"]


def damerau_levenshtein(a: str, b: str) -> int:
    """Unrestricted Damerau-Levenshtein distance (Lowrance-Wagner), not the OSA variant."""
    inf = len(a) + len(b)
    last: dict[str, int] = {}
    d = [[inf] * (len(b) + 2) for _ in range(len(a) + 2)]
    for i in range(len(a) + 1):
        d[i + 1][1] = i
    for j in range(len(b) + 1):
        d[1][j + 1] = j
    for i in range(1, len(a) + 1):
        match_col = 0
        for j in range(1, len(b) + 1):
            i1, j1 = last.get(b[j - 1], 0), match_col
            cost = 1
            if a[i - 1] == b[j - 1]:
                cost, match_col = 0, j
            d[i + 1][j + 1] = min(
                d[i][j] + cost,
                d[i + 1][j] + 1,
                d[i][j + 1] + 1,
                d[i1][j1] + (i - i1 - 1) + 1 + (j - j1 - 1),
            )
        last[a[i - 1]] = i
    return d[len(a) + 1][len(b) + 1]


def test_distance_helper_is_unrestricted_damerau() -> None:
    assert damerau_levenshtein("выплата", "выплата") == 0
    assert damerau_levenshtein("выплата", "вылпата") == 1  # adjacent swap
    assert damerau_levenshtein("ca", "abc") == 2  # OSA would say 3
    assert damerau_levenshtein("", "абв") == 3


@settings(max_examples=60)
@given(st.data(), st.sampled_from(PHRASES), st.integers(0, 3))
def test_typos_stay_within_max_edits(data: st.DataObject, text: str, max_edits: int) -> None:
    typed = data.draw(sk.typos(text, max_edits=max_edits, min_edits=0))
    assert damerau_levenshtein(text, typed) <= max_edits


@settings(max_examples=50)
@given(st.sampled_from(PHRASES).flatmap(lambda t: st.tuples(st.just(t), sk.typos(t))))
def test_typos_keep_words_apart(pair: tuple[str, str]) -> None:
    text, typed = pair
    assert re.sub(r"\w", "", typed) == re.sub(r"\w", "", text)  # spaces, punctuation intact
    assert all(c.isalpha() or not c.isalnum() for c in typed)


def test_typos_shrink_to_one_edit() -> None:
    typed = find(sk.typos("выплата", max_edits=3), lambda t: t != "выплата")
    assert damerau_levenshtein(typed, "выплата") == 1


def test_typos_can_insert_delete_and_swap() -> None:
    assert len(find(sk.typos("акт"), lambda t: len(t) == 4)) == 4
    assert len(find(sk.typos("акт"), lambda t: len(t) == 2)) == 2
    assert find(sk.typos("акт"), lambda t: sorted(t) == sorted("акт") and t != "акт")


@given(st.sampled_from(PHRASES).flatmap(lambda t: st.tuples(st.just(t), sk.caps(t))))
def test_caps_only_change_case(pair: tuple[str, str]) -> None:
    text, shouted = pair
    assert shouted.casefold() == text.casefold()
    from supportkit.rules import normalize

    assert normalize(shouted) == normalize(text)


def test_caps_shrinks_to_first_word_and_can_shout_everything() -> None:
    assert find(sk.caps("где моя выплата"), lambda s: True) == "ГДЕ МОЯ ВЫПЛАТА"
    assert find(sk.caps("где моя выплата"), lambda s: not s.isupper()) == "ГДЕ моя выплата"
    assert find(sk.caps("Где моя выплата"), lambda s: s.startswith("гДЕ")) == "гДЕ МОЯ ВЫПЛАТА"
    assert find(sk.caps(""), lambda s: True) == ""


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sk.typos(42), "text must be a str"),  # type: ignore[arg-type]
        (lambda: sk.typos("акт", max_edits=1, min_edits=2), "max_edits=1 < min_edits=2"),
        (lambda: sk.typos("акт", max_edits=-1), "max_edits must be a non-negative int"),
        (lambda: sk.typos("123"), "has no letters to mistype"),
        (lambda: sk.caps(None), "text must be a str"),  # type: ignore[arg-type]
        (lambda: sk.layout_variants("123 ..."), "fewer than min_words=1"),
        (lambda: sk.invisible_noise("акт", min_size=3, max_size=2), "max_size=2 < min_size=3"),
    ],
)
def test_impossible_arguments_raise_invalid_argument(call: object, message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        call()  # type: ignore[operator]
    assert issubclass(InvalidArgument, TypeError)


def test_typos_accept_zero_edits_of_a_text_without_letters() -> None:
    assert find(sk.typos("123", min_edits=0), lambda t: True) == "123"


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PHRASES).flatmap(lambda t: st.tuples(st.just(t), sk.invisible_noise(t))))
def test_invisible_noise_removes_to_the_original(pair: tuple[str, str]) -> None:
    from supportkit.text._tables import INVISIBLE_CHARS

    text, noisy = pair
    assert noisy != text
    assert "".join(c for c in noisy if c not in INVISIBLE_CHARS) == text
    from supportkit.rules import normalize

    assert normalize(noisy) == normalize(text)
    assert 1 <= len(noisy) - len(text) <= 3


def test_invisible_noise_shrinks_to_a_leading_soft_hyphen() -> None:
    assert find(sk.invisible_noise("акт"), lambda s: True) == "\u00adакт"


@given(st.sampled_from(PHRASES).flatmap(lambda t: st.tuples(st.just(t), sk.layout_variants(t))))
def test_layout_variants_change_whole_words_by_the_layout_table(pair: tuple[str, str]) -> None:
    from supportkit.text._tables import LAYOUT_EN_TO_RU, LAYOUT_RU_TO_EN

    text, typed = pair
    words, typed_words = text.split(), typed.split()
    assert len(words) == len(typed_words)
    changed = 0
    for word, got in zip(words, typed_words, strict=True):
        if got != word:
            changed += 1
            assert got in (
                "".join(LAYOUT_RU_TO_EN.get(c, c) for c in word),
                "".join(LAYOUT_EN_TO_RU.get(c, c) for c in word),
            )
    assert changed >= 1


def test_layout_variants_shrink_to_the_first_word() -> None:
    assert find(sk.layout_variants("привет мир"), lambda s: True) == "ghbdtn мир"


@settings(max_examples=80)
@given(
    st.sampled_from([*PHRASES, "BЫПЛАТА НЕ ПРИШЛА", "проблема с api", "пробная проблема"]).flatmap(
        lambda t: st.tuples(st.just(t), sk.homoglyph_variants(t))
    )
)
def test_homoglyph_variants_normalise_back(pair: tuple[str, str]) -> None:
    from supportkit.rules import normalize

    text, variant = pair
    assert variant != text
    assert len(variant) == len(text)
    assert normalize(variant) == normalize(text)


@settings(max_examples=40)
@given(sk.russian_messages().flatmap(lambda m: st.tuples(st.just(m), sk.homoglyph_variants(m))))
def test_homoglyph_variants_of_messages_normalise_back(pair: tuple[str, str]) -> None:
    from supportkit.rules import normalize

    text, variant = pair
    assert normalize(variant) == normalize(text)


def test_homoglyph_variants_shrink_to_one_swapped_letter() -> None:
    variant = find(sk.homoglyph_variants("выплата"), lambda t: True)
    assert sum(a != b for a, b in zip(variant, "выплата", strict=True)) == 1
    assert variant == "выплaта"  # the first letter that has a Latin twin: 'а'


def test_homoglyph_variants_use_digits_between_cyrillic_letters() -> None:
    variant = find(sk.homoglyph_variants("проблема"), lambda t: any(c.isdigit() for c in t))
    # one digit, standing for its Cyrillic twin between two Cyrillic letters
    digits = [i for i, c in enumerate(variant) if c.isdigit()]
    assert len(digits) == 1
    i = digits[0]
    assert (variant[i], "проблема"[i]) in {("0", "о"), ("3", "з"), ("6", "б")}
    assert 0 < i < len(variant) - 1
    from supportkit.rules import normalize

    assert normalize(variant) == "проблема"
    assert find(sk.homoglyph_variants("sms api"), lambda t: True) in ("sms аpi", "sms apі")


def test_homoglyph_variants_leave_short_and_mixed_words_alone() -> None:
    with pytest.raises(InvalidArgument, match="at most 0 look-alike"):
        sk.homoglyph_variants("в с на")
    assert find(sk.homoglyph_variants("в с на", min_changes=0), lambda t: True) == "в с на"
