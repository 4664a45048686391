"""Tests of supportkit.text._normalise: normalize, normalize_with_offsets, repair."""

from __future__ import annotations

import random
import re
import time
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lookalike_corpus import SENTENCES, mutate

from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.testing import strategies as sks
from supportkit.text import Normalized, normalize, normalize_with_offsets
from supportkit.text._normalise import MAX_MARKS, candidate_words, repair_word
from supportkit.text._tables import (
    DIGIT_LOOKALIKES,
    INVISIBLE_CHARS,
    LATIN_TO_CYRILLIC,
)

# --------------------------------------------------------------------------- examples


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Выплaта", "выплата"),  # Latin a
        ("BЫПЛАТА", "выплата"),  # Latin B
        ("пр0блема", "проблема"),
        ("тариф300", "тариф300"),
        ("SMS, API и Usedesk", "sms, api и usedesk"),
        ("Ещё", "еще"),
        ("вып\u00adлата", "выплата"),
        ("вы\u200bпла\u200dта\ufeff", "выплата"),
        ("\u202eвыплата\u202c", "выплата"),
        ("  много   пробелов\n\tи\u00a0строк  ", "много пробелов и строк"),
        ("ＳＭＳ код", "sms код"),  # NFKC
        ("Straße", "strasse"),
        ("Usеdesk", "usedesk"),  # Cyrillic е in a Latin word
        ("smsкод", "smsкод"),  # both scripts have own letters: cannot tell, kept
        ("Кiїв", "кіїв"),  # Latin i inside a Cyrillic word becomes і
        ("", ""),
    ],
)
def test_examples(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_issue_pairs_are_repaired() -> None:
    # ж has no Latin twin (ш does since Unicode 17: ш~w), so it fixes the word as Cyrillic.
    for latin in "acepoxyk":
        assert normalize(f"ж{latin}ж") == "ж" + LATIN_TO_CYRILLIC[latin] + "ж"
    for latin in "ABCEHKMOPTXY":
        assert normalize(f"Ж{latin}Ж") == ("Ж" + LATIN_TO_CYRILLIC[latin] + "Ж").casefold()
    assert normalize("жiж") == "жіж"
    for digit, letter in DIGIT_LOOKALIKES.items():
        assert normalize(f"ж{digit}ж") == f"ж{letter}ж"
        assert normalize(f"ж{digit}") == f"ж{digit}"  # not between letters


def test_repair_word_keeps_length_and_case() -> None:
    assert repair_word("BЫПЛАТА") == "ВЫПЛАТА"
    assert repair_word("ПР0БЛЕМА") == "ПРОБЛЕМА"
    assert repair_word("Пр0блема") == "Проблема"
    assert repair_word("тариф300") == "тариф300"
    # All letters have twins: the dictionaries decide ("coo" is English, "соо" no
    # Russian word; "его" is Russian, "ero" no English word) ...
    assert repair_word("Cоо") == "Coo"
    assert repair_word("eгo") == "его"
    assert repair_word("kаk") == "как"
    # ... and when neither (or both) reading is a word, the majority does (a tie: Cyrillic).
    assert repair_word("Cоoо") == "Сооо"
    assert repair_word("cоpy") == "copy"  # сору and copy are both words: 3 Latin letters win
    assert repair_word("Cоr") == "Cor"
    assert repair_word("к00рдинально") == "координально"
    assert repair_word("К00РДИНАЛЬНО") == "КООРДИНАЛЬНО"


def test_candidate_words_cover_mixed_words() -> None:
    text = "выплaта SMS 123 пр_a_вет тариф300 чек"
    words = [text[a:b] for a, b in candidate_words(text)]
    assert words == ["выплaта", "пр_a_вет", "тариф300"]


def test_without_repair() -> None:
    assert normalize("Выплaта", repair=False) == "выплaта"


@pytest.mark.parametrize("func", [normalize, normalize_with_offsets])
@pytest.mark.parametrize("bad", [42, None, b"bytes", ["list"]])
def test_non_str_is_rejected(func: object, bad: object) -> None:
    with pytest.raises(InvalidArgument, match=r"^'text' must be a str") as info:
        func(bad)  # type: ignore[operator]
    assert isinstance(info.value, TypeError)
    assert info.value.field == "text"


# --------------------------------------------------------------------------- offsets


def test_offsets_through_everything() -> None:
    text = "  Моя \u00a0 вып\u00adлaта\u200b: Straße ﬁnal е\u0308ще  "
    n = normalize_with_offsets(text)
    assert n.text == normalize(text) == "моя выплата: strasse final еще"
    for word in re.finditer(r"\w+", n.text):
        a, b = n.span(*word.span())
        alone = normalize(text[a:b])
        if len(alone) == 1 and alone != word.group():
            # A one-letter word is repaired by its neighbours, which the slice lacks.
            assert LATIN_TO_CYRILLIC[text[a:b]].casefold() == word.group()
        else:
            assert alone == word.group()
    assert text[slice(*n.span(4, 11))] == "вып\u00adлaта"
    assert text[slice(*n.span(13, 20))] == "Straße"
    assert text[slice(*n.span(21, 26))] == "ﬁnal"
    assert text[slice(*n.span(27, 30))] == "е\u0308ще"
    assert n.span(17, 18) == n.span(18, 19) == n.span(17, 19)  # "ß" -> "ss"
    assert text[slice(*n.span(17, 18))] == "ß"


def test_span_edges_and_errors() -> None:
    n = normalize_with_offsets(" ab ")
    assert n.span(0, 0) == (1, 1)
    assert n.span(2, 2) == (3, 3)
    assert n.origin(1) == (2, 3)
    with pytest.raises(InvalidValue):
        n.span(1, 0)
    with pytest.raises(InvalidValue):
        n.span(0, 3)
    with pytest.raises(InvalidValue):
        n.origin(2)
    empty = normalize_with_offsets("   ")
    assert empty.text == ""
    assert empty.span(0, 0) == (0, 0)


def test_normalized_value_object() -> None:
    n = normalize_with_offsets("Выплaта")
    assert isinstance(n, Normalized)
    assert repr(n) == "Normalized(text='выплата', original='Выплaта')"
    assert n.to_dict() == {
        "text": "выплата",
        "original": "Выплaта",
        "starts": [0, 1, 2, 3, 4, 5, 6],
        "ends": [1, 2, 3, 4, 5, 6, 7],
    }


def test_offsets_with_layout_and_translit() -> None:
    n = normalize_with_offsets("ghbdtn, shchetchik vyplata ne prishla", layout=True, translit=True)
    assert n.text.startswith("привет,")
    assert n.span(0, 6) == (0, 6)
    t = normalize_with_offsets("vyplata ne prishla, pozhaluysta", translit=True)
    assert t.text == "выплата не пришла, пожалуйста"
    start = t.text.index("ж")
    assert t.span(start, start + 1) == (22, 24)  # "ж" <- "zh"
    assert t.span(start - 3, start + 8) == (19, 31)


# --------------------------------------------------------------------------- properties

_ALPHABET = st.sampled_from(
    [
        *"выплатаПРОБЛЕМАёЁ acepoxykABCEHKMOPTXYiі036ßẞİﬁ_-.,!?\n\t\u00a0",
        *("\u0301", "\u0308", "\u0316", "\u00ad", "\u200b", "\u202e", "\ufe0f", "½", "Ǆ"),
    ]
)
_TWINS = str.maketrans(
    {
        # b is the twin of В and of Ь: the pair of one case wins, as in the match keys
        **{
            k.casefold(): v.casefold()
            for k, v in sorted(
                LATIN_TO_CYRILLIC.items(), key=lambda kv: kv[0].isupper() == kv[1].isupper()
            )
        },
        **DIGIT_LOOKALIKES,
        # after case folding b can only become ь (Bвİ: the İ leaves the word undecided
        # until it is folded), so ь and в are one skeleton letter
        "ь": "в",
    }
)


def _skeleton(text: str) -> str:
    """Letters without marks, Latin twins as Cyrillic: what a repair may change."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return bare.translate(_TWINS)


texts = st.one_of(st.text(_ALPHABET, max_size=40), st.text(max_size=40))


@given(texts)
@example("ǰ")
@example("ΐ")
@example("İ")
def test_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(texts)
def test_offsets_point_at_the_original(text: str) -> None:
    n = normalize_with_offsets(text)
    assert n.text == normalize(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    previous = 0
    for a, b in zip(n.starts, n.ends, strict=True):
        assert 0 <= a < b <= len(text)
        assert a >= previous
        previous = a
    for word in re.finditer(r"\w+", n.text):
        a, b = n.span(*word.span())
        # Repair depends on the whole word, which a slice may not hold: compare skeletons.
        assert _skeleton(word.group()) in _skeleton(normalize(text[a:b], repair=False))


@given(
    st.text(
        st.sampled_from(list("выплатаПРОБЛЕМАacepoxABCEHKMOPTXY036 ,.\u00ad\u200bß")), max_size=40
    )
)
def test_offsets_words_normalise_back_exactly(text: str) -> None:
    n = normalize_with_offsets(text)
    for word in re.finditer(r"\w+", n.text):
        a, b = n.span(*word.span())
        alone = normalize(text[a:b])
        if len(alone) == 1 and alone != word.group():
            # A one-letter word is repaired by its neighbours, which the slice lacks.
            assert LATIN_TO_CYRILLIC[text[a:b]].casefold() == word.group()
        else:
            assert alone == word.group()


@given(
    st.sampled_from(SENTENCES).flatmap(
        lambda s: st.tuples(st.just(s), sks.homoglyph_variants(s, min_changes=0))
    )
)
def test_lookalikes_never_change_normalize(pair: tuple[str, str]) -> None:
    sentence, variant = pair
    assert normalize(variant) == normalize(sentence)


@given(st.sampled_from(SENTENCES), st.randoms(use_true_random=False))
def test_own_mutations_never_change_normalize(sentence: str, rng: random.Random) -> None:
    assert normalize(mutate(sentence, rng)) == normalize(sentence)


@given(st.sampled_from(SENTENCES).flatmap(lambda s: st.tuples(st.just(s), sks.invisible_noise(s))))
def test_invisible_noise_never_changes_normalize(pair: tuple[str, str]) -> None:
    sentence, noisy = pair
    assert normalize(noisy) == normalize(sentence)


def test_whole_mutated_corpus_normalises_back() -> None:
    rng = random.Random(20241101)
    failures = [s for s in SENTENCES if normalize(mutate(s, rng)) != normalize(s)]
    assert failures == []
    changed = sum(mutate(s, random.Random(i)) != s for i, s in enumerate(SENTENCES))
    assert changed > len(SENTENCES) * 0.9  # the generator really mutates


# --------------------------------------------------------------------------- size


def test_megabyte_message_in_linear_time() -> None:
    text = ("Выплaта не пришла, пр0блема\u00ad с картой!  " * 25_000)[:1_000_000]
    started = time.perf_counter()
    out = normalize_with_offsets(text)
    elapsed = time.perf_counter() - started
    assert out.text.startswith("выплата не пришла, проблема с картой!")
    assert elapsed < 30  # generous: about 1 s on a busy 2-core machine


def test_hundred_thousand_combining_marks() -> None:
    text = "a" + "\u0301\u0316" * 50_000  # out of canonical order: quadratic in plain NFKC
    started = time.perf_counter()
    out = normalize_with_offsets(text)
    assert time.perf_counter() - started < 10
    assert len(out.text) <= 1 + MAX_MARKS
    assert unicodedata.is_normalized("NFKC", unicodedata.normalize("NFKC", out.text))
    assert out.span(0, len(out.text))[0] == 0


def test_invisible_table_is_invisible() -> None:
    for char in INVISIBLE_CHARS:
        assert unicodedata.category(char) in {"Cf", "Mn", "Lo"}, hex(ord(char))
        assert normalize(f"вы{char}плата") == "выплата"


@settings(max_examples=30)
@given(st.integers(1, 200))
def test_long_words_are_repaired(n: int) -> None:
    assert normalize("ы" * n + "a" + "ы" * n) == "ы" * n + "а" + "ы" * n


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eгo", "его"),  # Latin e, o: the Russian dictionary knows его, English no "ero"
        ("kаk", "как"),
        ("EГO", "его"),
        ("cоpy", "copy"),  # сору is Russian too: then the majority (3 Latin letters)
        ("wоw", "wow"),  # English word, Cyrillic о
        ("Hеllo", "hello"),  # l has no twin: Latin
        ("ПЛАТЕЖb", "платежь"),  # b ~ Ь
        ("wкола", "школа"),  # w ~ ш (Unicode 17)
        ("жʙж", "жвж"),  # non-ASCII Latin look-alikes, one way
    ],
)
def test_words_of_twin_letters(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("пишу k вам", "пишу к вам"),
        ("B понедельник", "в понедельник"),
        ("деньги пришли c опозданием", "деньги пришли с опозданием"),
        ("обратился y вас", "обратился у вас"),
        ("o чем речь", "о чем речь"),
        ("мама a папа", "мама а папа"),
        ("K вопросу", "к вопросу"),
        ("ok, a вы?", "ok, a вы?"),  # a Latin word on one side: Latin context
        ("plan B", "plan b"),
        ("vitamin C и D", "vitamin c и d"),
        ("a", "a"),
        ("x и y", "x и y"),  # x is no Russian one-letter word; y after и, but x before
        ("k", "k"),
    ],
)
def test_one_letter_words_are_repaired_in_cyrillic_context_only(text: str, expected: str) -> None:
    assert normalize(text) == expected
    n = normalize_with_offsets(text)
    assert n.text == expected
    assert len(n.starts) == len(expected)
