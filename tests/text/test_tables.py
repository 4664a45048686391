"""Tests of supportkit.text._tables against Unicode's confusables data (UTS #39)."""

from __future__ import annotations

import json
import unicodedata
from importlib import resources

import pytest

from supportkit.text import _tables as t

CONFUSABLES = json.loads(
    resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
)
DATA = json.loads(
    resources.files("supportkit.data").joinpath("normalise_tables.json").read_text("utf-8")
)


def _listed(a: str, b: str) -> bool:
    return any(e["c"] == b for e in CONFUSABLES.get(a, [])) or any(
        e["c"] == a for e in CONFUSABLES.get(b, [])
    )


def test_pairs_come_from_uts39() -> None:
    from_data = DATA["from_uts39"]
    assert len(from_data) >= 20
    for cyrillic, latin in from_data.items():
        assert t.CYRILLIC_TO_LATIN[cyrillic] == latin
        assert _listed(cyrillic, latin), (cyrillic, latin)


def test_every_pair_is_listed_or_declared() -> None:
    declared = set(DATA["added"]) | set(DATA["derived_with_marks"]) | set(DATA["added_unicode_17"])
    for cyrillic, latin in t.CYRILLIC_TO_LATIN.items():
        assert _listed(cyrillic, latin) or cyrillic in declared, (cyrillic, latin)
        assert "CYRILLIC" in unicodedata.name(cyrillic)
        assert "LATIN" in unicodedata.name(latin)


def test_additions_are_missing_from_uts39() -> None:
    for cyrillic, latin in DATA["added"].items():
        assert not _listed(cyrillic, latin)
    assert _listed("к", "ĸ")  # what Unicode pairs к with instead


@pytest.mark.parametrize("latin", [*"acepoxyk", *"ABCEHKMOPTXY", "i"])
def test_issue_letters_are_covered(latin: str) -> None:
    cyrillic = t.LATIN_TO_CYRILLIC[latin]
    assert t.CYRILLIC_TO_LATIN[cyrillic] == latin


def test_inverse_tables() -> None:
    for latin, cyrillic in t.LATIN_TO_CYRILLIC.items():
        assert t.CYRILLIC_TO_LATIN[cyrillic] == latin
        assert cyrillic in t.RUSSIAN_LETTERS or cyrillic in "іїІЇ"


def test_digits_and_key_table() -> None:
    assert dict(t.DIGIT_LOOKALIKES) == {"0": "о", "3": "з", "6": "б"}
    assert t.KEY_LATIN_TO_CYRILLIC["b"] == "в"
    assert t.KEY_LATIN_TO_CYRILLIC["h"] == "н"
    assert "s" not in t.KEY_LATIN_TO_CYRILLIC


def test_source_and_version_recorded() -> None:
    assert "confusable-homoglyphs" in t.CONFUSABLES_SOURCE
    assert t.UNICODE_VERSION.count(".") == 2


def test_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        t.CYRILLIC_TO_LATIN["а"] = "x"  # type: ignore[index]


def test_invisible_chars() -> None:
    for char in "\u00ad\u200b\u200c\u200d\u2060\ufeff\u202a\u202e\u2066\u2069\u200e\u200f":
        assert char in t.INVISIBLE_CHARS
    assert " " not in t.INVISIBLE_CHARS
    assert "\u00a0" not in t.INVISIBLE_CHARS


def _pairs(*, same_case: bool) -> set[tuple[str, str]]:
    """Every (Cyrillic, Latin) single-letter pair of the confusables data file."""
    out: set[tuple[str, str]] = set()
    for key, entries in CONFUSABLES.items():
        for entry in entries:
            other = entry["c"]
            if len(key) != 1 or len(other) != 1:
                continue
            names = (unicodedata.name(key, ""), unicodedata.name(other, ""))
            if (key.isupper() == other.isupper()) != same_case:
                continue
            if names[0].startswith("CYRILLIC") and names[1].startswith("LATIN"):
                out.add((key, other))
            elif names[0].startswith("LATIN") and names[1].startswith("CYRILLIC"):
                out.add((other, key))
    return out


def test_every_cyrillic_latin_letter_pair_of_the_data_is_handled() -> None:
    from supportkit.text import normalize

    russian = t.RUSSIAN_LETTERS | set("іїІЇ")
    pairs = sorted(p for p in _pairs(same_case=True) | _pairs(same_case=False) if p[0] in russian)
    assert len(pairs) >= 30
    excluded = {tuple(k.split("/")) for k in DATA["excluded"]}
    for cyrillic, latin in pairs:
        if (cyrillic, latin) in excluded:
            continue
        frame = "Ж" if cyrillic.isupper() else "ж"
        # a Latin letter inside a Cyrillic word becomes its Cyrillic twin ...
        assert normalize(frame + latin + frame) == (frame + cyrillic + frame).casefold().replace(
            "ё", "е"
        ), (cyrillic, latin)
        # ... and a Cyrillic letter with an ASCII twin inside a Latin word becomes Latin
        if latin.isascii() and latin.isupper() == cyrillic.isupper():
            frame = "S" if latin.isupper() else "s"
            assert normalize(frame + cyrillic + frame) == (frame + latin + frame).casefold()
    assert excluded == {("І", "l")}


def test_b_and_soft_sign_and_unicode_17_w() -> None:
    assert DATA["cross_case"] == {"Ь": "b"}  # UTS #39 pairs capital Ь with small b
    assert t.LATIN_TO_CYRILLIC["b"] == "Ь"
    assert t.KEY_LATIN_TO_CYRILLIC["b"] == "в"  # B/В, a pair of one case, keeps the key
    assert DATA["added_unicode_17"] == {"ш": "w", "Ш": "W"}
    assert not _listed("ш", "w")  # the offline data predates Unicode 17
    assert t.LATIN_TO_CYRILLIC["w"] == "ш"
    assert t.LATIN_TO_CYRILLIC["W"] == "Ш"


def test_english_twin_words() -> None:
    words = t.ENGLISH_TWIN_WORDS
    assert {"copy", "taxi", "coo", "wow", "hero"} <= words
    assert "ero" not in words
    assert "kak" not in words
    assert all(set(w) <= set("abcehikmoprtwxy") for w in words)
