"""Derive supportkit's Cyrillic/Latin look-alike table from Unicode's confusables data.

Source: Unicode's ``confusables.txt`` (UTS #39) as shipped, in JSON form, by the
``confusable-homoglyphs`` package (installed in the dev venv). The web is not used.
Every single-character pair between a Cyrillic and a Latin letter of the same case that
the data lists is kept if one side is a letter customers meet in Russian text (the
Russian alphabet plus ``і``/``ї``); pairs Unicode lacks but customers type anyway
(``к``/``k``, which Unicode pairs with ``ĸ`` instead, and ``І``/``I``) are added and
marked as additions. Pairs that differ only by the same diacritic (``ё``/``ë``) are
derived with ``unicodedata`` decompositions. Cyrillic letters of other languages that
look like Latin ones (``ѕ``, ``ј``, ``һ`` …) are kept one way, Cyrillic -> Latin, so
a Latin word containing them is repaired.

Unicode 17.0 added ``ш``/``w`` (and ``Ш``/``W``) to confusables.txt; the newest data
available offline (confusable-homoglyphs 3.3.1, whose file predates Unicode 17) lacks
the pair, so it is added explicitly and recorded under ``added_unicode_17``. UTS #39
pairs capital ``Ь`` with small ``b``: such a pair of different case is kept when its
Latin letter has no twin of its own case (``cross_case``).

A word made only of letters that have twins in both scripts (``eгo``, ``kаk``) is
decided by dictionaries: the Russian one (pymorphy3, at run time) and a list of
English words spelled only with twin letters (``english_twin_words``), derived here
from SCOWL's American English list (Debian ``wamerican``; pass another list as the
first argument).

The same file records two character classes of the Unicode version at hand, used to
keep normalisation linear and its offsets exact: the combining marks (canonical
combining class > 0) and the starters that compose with the character before them.

Run::

    python scripts/build_confusables.py   # writes src/supportkit/data/normalise_tables.json
"""

from __future__ import annotations

import json
import sys
import unicodedata
from importlib import metadata, resources
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/supportkit/data/normalise_tables.json"

RUSSIAN = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя") | set("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")
EXTRA_CYRILLIC = set("іїІЇ")
#: Pairs customers use that UTS #39 does not list (Cyrillic, Latin).
ADDITIONS = {"к": "k", "І": "I"}
#: Pairs Unicode 17.0's confusables.txt adds that the offline data predates.
UNICODE_17 = {"ш": "w", "Ш": "W"}
WORDS = Path("/usr/share/dict/american-english")
#: Why a pair of the data is not used.
EXCLUDED = (
    "capital І with small l: l is the letter that tells a Latin word (hello) from a "
    "Cyrillic one, and І is no Russian letter"
)


def _script(char: str) -> str | None:
    name = unicodedata.name(char, "")
    if name.startswith("CYRILLIC ") and "LETTER" in name:
        return "cyrillic"
    if name.startswith("LATIN ") and "LETTER" in name:
        return "latin"
    return None


def _same_case(a: str, b: str) -> bool:
    return a.islower() == b.islower() and a.isupper() == b.isupper()


def load_pairs(*, same_case: bool = True) -> set[tuple[str, str]]:
    """Return every (cyrillic, latin) single-letter pair in the data.

    With ``same_case=False``, the pairs whose two letters differ in case (``Ь``/``b``).
    """
    raw = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    data: dict[str, list[dict[str, str]]] = json.loads(raw)
    pairs: set[tuple[str, str]] = set()
    for key, entries in data.items():
        for entry in entries:
            other = entry["c"]
            if len(key) != 1 or len(other) != 1:
                continue
            scripts = (_script(key), _script(other))
            if _same_case(key, other) != same_case:
                continue
            if scripts == ("cyrillic", "latin"):
                pairs.add((key, other))
            elif scripts == ("latin", "cyrillic"):
                pairs.add((other, key))
    return pairs


def english_twin_words(path: Path) -> list[str]:
    """English words (lower case) spelled only with letters that have a Cyrillic twin."""
    twins = set("abcehikmoprtwxy")
    out = set()
    for line in path.read_text("utf-8").split():
        word = line.strip().lower()
        if len(word) >= 2 and word.isascii() and word.isalpha() and set(word) <= twins:
            out.add(word)
    return sorted(out)


def _with_marks(pairs: dict[str, str]) -> dict[str, str]:
    """Pairs of precomposed letters whose bases are a pair and whose marks agree (ё/ë)."""
    out: dict[str, str] = {}
    by_decomposition = {}
    for code in range(0x00C0, 0x0530):
        char = chr(code)
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) > 1:
            by_decomposition[decomposed] = char
    for decomposed, char in by_decomposition.items():
        base, marks = decomposed[0], decomposed[1:]
        if _script(char) == "cyrillic" and base in pairs:
            twin = by_decomposition.get(pairs[base] + marks)
            if twin is not None and char in RUSSIAN | EXTRA_CYRILLIC:
                out[char] = twin
    return out


def _ranges(codes: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for code in codes:
        if out and out[-1][1] == code - 1:
            out[-1][1] = code
        else:
            out.append([code, code])
    return out


def unicode_classes() -> dict[str, list[list[int]]]:
    """Combining marks and starters that compose with a preceding character, as ranges."""
    marks = [c for c in range(0x110000) if unicodedata.combining(chr(c))]
    second: set[int] = set()
    for code in range(0x110000):
        dec = unicodedata.decomposition(chr(code))
        if dec and not dec.startswith("<"):
            parts = dec.split()
            if len(parts) == 2 and not unicodedata.combining(chr(int(parts[1], 16))):
                second.add(int(parts[1], 16))
    second.update(range(0x1161, 0x1176))  # Hangul vowels compose with a leading consonant
    second.update(range(0x11A8, 0x11C3))  # and trailing consonants with an LV syllable
    return {"combining_marks": _ranges(marks), "composes_with_previous": _ranges(sorted(second))}


def build(words: Path = WORDS) -> dict[str, object]:
    """Compute the tables written to the data file."""
    pairs = load_pairs()
    local = RUSSIAN | EXTRA_CYRILLIC
    two_way: dict[str, str] = {}
    one_way: dict[str, str] = {}
    for cyr, lat in sorted(pairs):
        if cyr in local:
            # Several Latin letters may look like one Cyrillic letter: keep the plain ASCII one.
            if cyr not in two_way or (lat.isascii() and not two_way[cyr].isascii()):
                two_way[cyr] = lat
        elif lat.isascii():
            one_way.setdefault(cyr, lat)
    from_data = dict(two_way)
    cross = {
        cyr: lat
        for cyr, lat in sorted(load_pairs(same_case=False))
        if cyr in RUSSIAN and lat.isascii() and lat not in two_way.values()
    }
    two_way.update(cross)
    two_way.update(ADDITIONS)
    two_way.update(UNICODE_17)
    marked = _with_marks(two_way)
    two_way.update(marked)
    two_way = {c: lat for c, lat in two_way.items() if lat.isascii() or c in marked}
    # Latin letters outside ASCII that look like a Russian letter (ʙ, ᴎ, ĸ, ɸ ...) are
    # repaired one way, Latin -> Cyrillic, inside Cyrillic words.
    latin_one_way = {
        lat: cyr
        for cyr, lat in sorted(pairs)
        if cyr in local and not lat.isascii() and lat not in two_way.values()
    }
    excluded = {
        f"{cyr}/{lat}": EXCLUDED
        for cyr, lat in sorted(load_pairs(same_case=False))
        if cyr in local and cyr not in cross
    }
    return {
        "source": "Unicode confusables.txt (UTS #39) as shipped by confusable-homoglyphs "
        + metadata.version("confusable-homoglyphs"),
        "unicode_version": unicodedata.unidata_version,
        "note": "unicode_version is the unicodedata version used for names and decompositions; "
        "every code point of the confusables data is assigned in it.",
        "cyrillic_latin": dict(sorted(two_way.items())),
        "cyrillic_latin_one_way": dict(sorted(one_way.items())),
        "latin_cyrillic_one_way": dict(sorted(latin_one_way.items())),
        "excluded": excluded,
        "from_uts39": {
            c: lat
            for c, lat in sorted(two_way.items())
            if from_data.get(c) == lat or cross.get(c) == lat
        },
        "cross_case": dict(sorted(cross.items())),
        "added": dict(sorted(ADDITIONS.items())),
        "added_unicode_17": dict(sorted(UNICODE_17.items())),
        "english_words_source": "SCOWL American English (Debian wamerican 2020.12.07-2)",
        "english_twin_words": english_twin_words(words),
        "derived_with_marks": dict(sorted(marked.items())),
        **unicode_classes(),
    }


def main() -> int:
    """Write the data file and print a summary."""
    table = build(Path(sys.argv[1]) if len(sys.argv) > 1 else WORDS)
    OUT.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    pairs = table["cyrillic_latin"]
    assert isinstance(pairs, dict)
    print(f"wrote {OUT} with {len(pairs)} two-way pairs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
