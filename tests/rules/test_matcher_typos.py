"""The typo look-up of the phrase index: the fast paths give what the plain algorithm gives."""

from __future__ import annotations

from functools import cache

from hypothesis import example, given, settings
from hypothesis import strategies as st

from supportkit.rules import RuleSet
from supportkit.rules._matcher import ENDINGS, Matcher, _checksum, _near, _near_endings, _TypoTable
from supportkit.rules._phrases import MIN_TYPO_LENGTH, damerau, deletions
from supportkit.text._morphology import form_stem, is_name_only, is_russian_word

LETTERS = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
POOL = (
    "выплата",
    "пароль",
    "яичный",
    "желать",
    "кубинка",
    "сработаться",
    "втасовать",
    "заявка",
    "перевод",
    "возврат",
    "списание",
    "лубахека",
)


@cache
def matcher(typos: int) -> Matcher:
    """A rule set's phrase index over POOL's words as ``~typos`` phrases (built once)."""
    rules = [
        {"id": f"r{i}", "when": {"any": [f"{word}~{typos}"]}, "then": {"tags": ["t"]}}
        for i, word in enumerate(POOL)
    ]
    found: Matcher = RuleSet.from_dicts(rules)._matcher
    return found


def reference(m: Matcher, token: str) -> set[int]:
    """The typo look-up as it was: deletion variants in a dict of strings, full `damerau`."""
    fuzzy: dict[str, set[int]] = {}
    fuzzy_stem: dict[str, set[int]] = {}
    for atom, word in enumerate(m.atoms):
        if word.mode == "typo":
            for variant in deletions(word.text, word.typos):
                fuzzy.setdefault(variant, set()).add(atom)
            for variant in deletions(form_stem(word.text), word.typos):
                fuzzy_stem.setdefault(variant, set()).add(atom)
    limit = m._max_typos
    if is_russian_word(token):
        near_atoms: set[int] = set()
        for variant in deletions(token, limit):
            near_atoms |= fuzzy.get(variant, set())
        if not near_atoms or not is_name_only(token):
            return set()
        return {a for a in near_atoms if damerau(token, m.atoms[a].text, limit) <= m.atoms[a].typos}
    heads: dict[str, int] = {}
    for cut in range(max(3, len(token) - 4), len(token) + 1):
        tail = token[cut:]
        cost = 0 if not tail or tail in ENDINGS else 1 if tail in _near_endings() else 9
        if cost <= limit:
            heads[token[:cut]] = min(cost, heads.get(token[:cut], cost))
    candidates: set[int] = set()
    for variant in deletions(token, limit):
        candidates |= fuzzy.get(variant, set())
    for head in heads:
        for variant in deletions(head, limit):
            candidates |= fuzzy_stem.get(variant, set())
    found: set[int] = set()
    for atom in candidates:
        word = m.atoms[atom]
        budget, target = word.typos, form_stem(word.text)
        if damerau(token, word.text, budget) <= budget or (
            len(target) >= MIN_TYPO_LENGTH
            and (
                any(cost + damerau(h, target, budget) <= budget for h, cost in heads.items())
                or any(
                    damerau(token, target + ending, budget) <= budget
                    for ending in ENDINGS
                    if abs(len(target) + len(ending) - len(token)) <= budget
                )
            )
        ):
            found.add(atom)
    return found


@st.composite
def mistyped(draw: st.DrawFn) -> str:
    """A pool word, sometimes inflected, with up to three random edits."""
    word = draw(st.sampled_from(POOL))
    if draw(st.booleans()):
        word = word[:-1] + draw(st.sampled_from(sorted(ENDINGS)))
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(word) - 1))
        letter = draw(st.sampled_from(LETTERS))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "swap"]))
        if kind == "insert":
            word = word[:i] + letter + word[i:]
        elif kind == "delete" and len(word) > 3:
            word = word[:i] + word[i + 1 :]
        elif kind == "replace":
            word = word[:i] + letter + word[i + 1 :]
        elif i + 1 < len(word):
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word


tokens = mistyped() | st.text(LETTERS, min_size=3, max_size=16)


@settings(max_examples=300, deadline=None)
@given(tokens, st.sampled_from([1, 2]))
@example("выплотой", 1)
@example("кароль", 1)
@example("личный", 1)
@example("лубахеакх", 1)
@example("выплтаой", 2)
def test_typo_atoms_are_those_of_the_plain_algorithm(token: str, typos: int) -> None:
    m = matcher(typos)
    assert m._typo_atoms(token) == reference(m, token)


@settings(max_examples=300, deadline=None)
@given(
    st.text("абвг", max_size=7) | tokens,
    st.text("абвг", max_size=7) | tokens,
    st.integers(-1, 3),
)
@example("аб", "ба", 1)
@example("абв", "ав", 1)
@example("", "а", 1)
@example("абвг", "абгв", 0)
def test_near_is_damerau_within_the_limit(a: str, b: str, limit: int) -> None:
    assert _near(a, b, limit) == (damerau(a, b, limit) <= limit)


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.integers(0, 2**32 - 1), st.sets(st.integers(0, 50), min_size=1), max_size=80
    ),
    st.lists(tokens, max_size=30),
)
def test_the_bit_filter_never_hides_a_variant(
    index: dict[int, set[int]], variants: list[str]
) -> None:
    # File some of the variants themselves, so that real hits are among the look-ups.
    for k, variant in enumerate(variants[::2]):
        index.setdefault(_checksum(variant), set()).add(k)
    table = _TypoTable(index)
    out: set[int] = set()
    table.collect(out, variants)
    assert out == {atom for v in variants for atom in table.get(v)}
    assert out == {atom for v in variants for atom in index.get(_checksum(v), set())}


@cache
def dictionary_forms() -> tuple[str, ...]:
    """Every form the dictionary gives the pool's words, and some names and near words."""
    from supportkit.text._morphology import _analyzer

    forms = {"кароль", "король", "личный", "кабинете", "марина", "маринка", "пароли"}
    for word in POOL:
        for parse in _analyzer().parse(word)[:1]:
            forms.update(f.word.replace("ё", "е") for f in parse.lexeme)
    return tuple(sorted(forms))


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from([1, 2]))
def test_known_words_pass_the_string_prefilter_as_the_checksums_do(
    data: st.DataObject, typos: int
) -> None:
    # A known word is first checked against the strings of the typo index's variants
    # (no checksums, no name check): the result must be the plain algorithm's.
    token = data.draw(st.sampled_from(dictionary_forms()))
    if data.draw(st.booleans()):  # one edit more: a known word near a typo word, or not
        i = data.draw(st.integers(0, len(token) - 1))
        token = token[:i] + data.draw(st.sampled_from(LETTERS)) + token[i + 1 :]
    m = matcher(typos)
    assert m._typo_atoms(token) == reference(m, token)


def test_the_string_variants_are_those_the_checksums_file() -> None:
    m = matcher(1)
    variants = m._typo_variants()
    assert {_checksum(v) for v in variants} <= set(m._fuzzy_ids.keys)
    assert all(w in variants for w in POOL)
    # Rebuilt after unpickling, never pickled.
    import pickle

    copy = pickle.loads(pickle.dumps(m))
    assert copy._typo_words is None
    assert copy._typo_variants() == variants
