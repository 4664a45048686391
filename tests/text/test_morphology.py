"""Morphology from the OpenCorpora dictionary: lemmas, readings and "the same word"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.text import Reading, lemmas, readings, same_word
from supportkit.text import _morphology as morphology

SRC = str(Path(__file__).resolve().parents[2] / "src")


def test_lemmas_of_the_contract() -> None:
    assert lemmas("денег")[0] == "деньги"
    assert "прийти" in lemmas("пришло")
    assert "человек" in lemmas("людей")
    assert lemmas("Шёл") == ("идти",)  # case and ё do not matter
    assert lemmas("дети") == ("ребенок",)  # lemmas write е for ё, as normalised text does


@pytest.mark.parametrize(
    ("phrase_word", "text_word"),
    [
        ("выплата", "выплатой"),
        ("выплата", "выплат"),
        ("день", "дня"),
        ("заявка", "заявок"),
        ("мочь", "может"),
        ("могу", "может"),
        ("прийти", "пришел"),
        ("прийти", "пришло"),
        ("деньги", "денег"),
        ("деньги", "деньгами"),
        ("человек", "люди"),
        ("человек", "людей"),
        ("идти", "шел"),
        ("идти", "шла"),
        ("ребенок", "дети"),
        ("ребёнок", "детьми"),
        ("личный", "личном"),
        ("кабинет", "кабинете"),
        ("хороший", "лучше"),
        ("оплатить", "оплачен"),
    ],
)
def test_forms_of_one_word(phrase_word: str, text_word: str) -> None:
    assert same_word(phrase_word, text_word)


@pytest.mark.parametrize(
    ("phrase_word", "text_word"),
    [
        ("заём", "за"),
        ("заем", "за"),
        ("почта", "почти"),
        ("брать", "брат"),
        ("брат", "брать"),
        ("стать", "статья"),
        ("статья", "стать"),
        ("дать", "дата"),
        ("дата", "дать"),
        ("тема", "теми"),
        ("друг", "другие"),
        ("опыт", "оп"),
        ("суть", "был"),  # a dictionary form is read only as that word
        ("суть", "есть"),
        ("мочь", "смочь"),  # an aspect pair is two words: use a synonym group
        ("выплата", "выплатить"),
    ],
)
def test_different_words_that_share_letters(phrase_word: str, text_word: str) -> None:
    assert not same_word(phrase_word, text_word)


def test_a_text_word_keeps_every_reading() -> None:
    # Text is ambiguous: "стали" may be a form of стать or of сталь.
    assert same_word("стать", "стали")
    assert same_word("сталь", "стали")
    # A phrase word that is no dictionary form keeps all its lexemes.
    assert same_word("стали", "стала")
    assert same_word("стали", "сталью")
    # A rare dictionary-form reading (может, the conjunction) does not narrow the word.
    assert same_word("может", "могу")


def test_readings_say_where_they_come_from() -> None:
    first = readings("денег")[0]
    assert isinstance(first, Reading)
    assert (first.lemma, first.key, first.source, first.pos) == (
        "деньги",
        "деньга",
        "dictionary",
        "NOUN",
    )
    assert "gent" in first.tag
    assert first.to_dict()["lemma"] == "деньги"
    guessed = readings("залогинился")[0]
    assert guessed.source == "guess"
    assert guessed.lemma == "залогиниться"
    assert "guessed" in str(guessed)
    assert same_word("залогиниться", "залогинился")  # the guesser reads both alike
    assert readings("sms")[0].source == "other"
    assert same_word("sms", "sms")
    assert not same_word("sms", "smsки")


def test_a_very_long_word_costs_no_dictionary_search() -> None:
    word = "а" * 200_000
    assert readings(word) == (Reading(word, word, word, "UNKN", 1.0, "other"),)
    assert same_word(word, word)


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(morphology, "_CACHE_LIMIT", 5)
    morphology.clear_cache()
    for word in ["выплата", "выплаты", "выплате", "выплату", "выплатой", "выплатою", "выплат"]:
        morphology.text_keys(word)
    assert len(morphology._text_keys) <= 5
    assert morphology.text_keys("выплатами") == frozenset({"выплата"})
    morphology.clear_cache()


def _lexeme_forms(word: str) -> list[str]:
    import pymorphy3

    analyzer = pymorphy3.MorphAnalyzer()
    keys = morphology.phrase_keys(word)
    parse = next(p for p in analyzer.parse(word) if p.normal_form.replace("ё", "е") in keys)
    return sorted({f.word.replace("ё", "е") for f in parse.lexeme})


SUPPORT_WORDS = [
    "выплата",
    "заявка",
    "деньги",
    "карта",
    "счет",
    "договор",
    "день",
    "человек",
    "ребенок",
    "прийти",
    "поступить",
    "вернуть",
    "войти",
    "мочь",
    "оплатить",
    "личный",
    "новый",
    "банковский",
]
FORMS = {word: _lexeme_forms(word) for word in SUPPORT_WORDS}


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(SUPPORT_WORDS).flatmap(
        lambda w: st.tuples(st.just(w), st.sampled_from(FORMS[w]))
    )
)
def test_a_rule_fires_on_any_dictionary_form_of_its_word(case: tuple[str, str]) -> None:

    word, form = case
    ruleset = _ruleset(word)
    assert ruleset.evaluate(f"Здравствуйте, {form.upper()} тут.").matched == ("r",), form


_RULESETS: dict[str, object] = {}


def _ruleset(word: str) -> "RuleSet":  # noqa: F821, UP037
    from supportkit.rules import RuleSet

    found = _RULESETS.get(word)
    if found is None:
        found = _RULESETS[word] = RuleSet.from_dicts(
            [{"id": "r", "when": {"any": [word]}, "then": {"tags": ["t"]}}]
        )
    assert isinstance(found, RuleSet)
    return found


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(SUPPORT_WORDS).flatmap(
        lambda w: st.tuples(st.just(w), st.sampled_from(FORMS[w]), st.sampled_from(FORMS[w]))
    )
)
def test_same_word_is_symmetric_for_two_forms_of_one_lexeme(case: tuple[str, str, str]) -> None:
    word, a, b = case
    (lexeme,) = morphology.phrase_keys(word)
    if lexeme in morphology.phrase_keys(a) and lexeme in morphology.phrase_keys(b):
        assert same_word(a, b)
        assert same_word(b, a)
    else:
        # The only reason a form stops standing for its own lexeme: it is the
        # dictionary form of another word (as "суть" is not read as a form of "быть").
        narrowed = a if lexeme not in morphology.phrase_keys(a) else b
        assert morphology.is_dictionary_form(narrowed), narrowed


_WORDS = [
    "денег",
    "пришло",
    "людей",
    "шел",
    "стали",
    "мой",
    "три",
    "суть",
    "залогинился",
    "вайбер",
    "почти",
    "заем",
    "выплатой",
    "кабинете",
    "может",
    "qwerty",
    "самозанятый",
]


_DUMP = (
    "import json\n"
    "from supportkit.text import readings\n"
    "print(json.dumps({w: [r.to_dict() for r in readings(w)] for w in WORDS}, "
    "ensure_ascii=False, sort_keys=True))\n"
)


def _run(prelude: str) -> object:
    script = f"{prelude}\nWORDS = {_WORDS!r}\n{_DUMP}"
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"},
        check=True,
    )
    return json.loads(out.stdout)


def test_results_are_the_same_with_and_without_the_compiled_dictionary_reader() -> None:
    import pymorphy3.dawg

    # The `fast` extra (DAWG2) gives pymorphy3 its compiled reader; blocking the `dawg`
    # module forces the pure-Python one.
    pure = _run(
        "import sys; sys.modules['dawg'] = None\nimport pymorphy3.dawg as d\n"
        "assert not d.EXTENSION_AVAILABLE"
    )
    native = _run("import pymorphy3.dawg as d")
    assert pure == native
    assert pure == {w: [r.to_dict() for r in readings(w)] for w in _WORDS}
    assert pymorphy3.dawg.EXTENSION_AVAILABLE, (
        "install the `fast` extra (DAWG2) so both dictionary readers are compared"
    )


def test_a_pickled_rule_set_does_not_carry_the_dictionary() -> None:
    import pickle

    from supportkit.rules import RuleSet

    ruleset = RuleSet.from_dicts(
        [{"id": "r", "when": {"any": ["деньги не пришли"]}, "then": {"tags": ["t"]}}]
    )
    data = pickle.dumps(ruleset)
    assert len(data) < 2_000
    assert b"pymorphy" not in data
    assert pickle.loads(data).evaluate("денег не пришло").matched == ("r",)


def test_the_dictionary_loads_lazily_once_per_process() -> None:
    script = (
        "import supportkit.rules, supportkit.text._morphology as m, sys\n"
        "assert not m.dictionary_loaded() and 'pymorphy3' not in sys.modules\n"
        "rs = supportkit.rules.RuleSet.from_dicts("
        "[{'id': 'r', 'when': {'any': ['выплата']}, 'then': {'tags': ['t']}}])\n"
        "assert m.dictionary_loaded()\n"
        "first = m._analyzer(); rs.evaluate('выплатой'); assert m._analyzer() is first\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert out.stdout.strip() == "ok"


def test_the_fast_key_path_agrees_with_the_readings() -> None:
    morphology.clear_cache()
    words = [*_WORDS, "людей", "детьми", "пришедшего", "заем", "ежик", "шла"]
    words += [form for forms in FORMS.values() for form in forms[::7]]
    fast = {w: morphology.text_keys(w) for w in words}
    known = {w: morphology.is_russian_word(w) for w in words}
    morphology.clear_cache()
    for w in words:
        every = morphology.readings(w)
        assert fast[w] == frozenset(r.key for r in every), w
        assert known[w] == any(r.source == "dictionary" for r in every), w
