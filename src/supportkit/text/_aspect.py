"""Aspect pairs: the perfective and imperfective verb of one action.

Russian names most actions with two verbs, ``прийти``/``приходить``,
``получить``/``получать``, ``мочь``/``смочь``. The OpenCorpora dictionary keeps them as
two lexemes, so "any form" of ``прийти`` does not include ``приходят``. A customer
writes either, so a rule set may ask for both (``"options": {"aspects": true}``).

The partner is found without a table of pairs: the regular ways Russian derives the
imperfective from a prefixed perfective (``-ить`` -> ``-ять``/``-ать`` with the usual
consonant change, ``-ать`` -> ``-ывать``/``-ивать``, ``-йти`` -> ``-ходить``,
``-нять`` -> ``-нимать``, ``-дать`` -> ``-давать``, ``-ировать`` with a prefix ...) are
run both ways, and a candidate counts only when the dictionary knows it as an
infinitive of the other aspect. A small table adds the pairs no rule derives
(``вернуть``/``возвращать``, ``взять``/``брать``) and the common pairs made by a prefix
that only changes the aspect (``делать``/``сделать``). Anything else stays a different
word: ``писать`` is not paired with ``списать``, nor ``работать`` with ``заработать``.
"""

from __future__ import annotations

from typing import Final

from supportkit.exceptions import InvalidArgument
from supportkit.text._morphology import MAX_WORD, _store, is_russian_word, readings

__all__ = ["aspect_of", "aspect_partners", "with_partners"]

#: Stem-final consonant changes of the imperfective (``подтвердить`` -> ``подтверждать``).
_MUTATIONS: Final = {
    "д": ("ж", "жд"),
    "т": ("ч", "щ"),
    "з": ("ж",),
    "с": ("ш",),
    "ст": ("щ",),
    "б": ("бл",),
    "п": ("пл",),
    "в": ("вл",),
    "м": ("мл",),
    "ф": ("фл",),
}
#: Endings swapped as they are (perfective ending, imperfective ending).
_SWAPS: Final = (
    ("йти", "ходить"),
    ("нять", "нимать"),
    ("дать", "давать"),
    ("знать", "знавать"),
    ("стать", "ставать"),
    ("слать", "сылать"),
    ("ыть", "ывать"),
    ("асть", "адать"),
    ("вести", "водить"),
    ("нести", "носить"),
    ("везти", "возить"),
    ("мочь", "могать"),
    ("еть", "евать"),
    ("нуть", "ать"),
    ("брать", "бирать"),
    ("звать", "зывать"),
    ("жать", "жимать"),
    ("ехать", "езжать"),
)
#: Prefixes that make the perfective of an ``-ировать`` verb, most usual first.
_OVAT_PREFIXES: Final = ("про", "за", "от", "с")
_PREFIXED_ENDINGS: Final = ("ировать", "ироваться")
#: Pairs no rule derives, and pairs made by a prefix that only changes the aspect.
_TABLE: Final = (
    ("вернуть", "возвращать"),
    ("взять", "брать"),
    ("сказать", "говорить"),
    ("положить", "класть"),
    ("купить", "покупать"),
    ("поймать", "ловить"),
    ("сесть", "садиться"),
    ("лечь", "ложиться"),
    ("смочь", "мочь"),
    ("сделать", "делать"),
    ("написать", "писать"),
    ("заплатить", "платить"),
    ("позвонить", "звонить"),
    ("посмотреть", "смотреть"),
    ("увидеть", "видеть"),
    ("прочитать", "читать"),
    ("подождать", "ждать"),
    ("сломать", "ломать"),
    ("починить", "чинить"),
    ("спросить", "спрашивать"),
    ("ответить", "отвечать"),
    ("помочь", "помогать"),
    ("показать", "показывать"),
    ("пойти", "идти"),
    ("начать", "начинать"),
    ("сменить", "менять"),
    ("получить", "получать"),
    ("стать", "становиться"),
    ("свернуть", "сворачивать"),
    ("сложить", "складывать"),
)
#: Words the rules derive that are another verb, or no longer used as the partner.
_NOT_PARTNERS: Final = frozenset(
    {"считывать", "страивать", "ставать", "разговорить", "научаться", "сламываться"}
)
_PAIRS: Final[dict[str, frozenset[str]]] = {}
for _one, _other in _TABLE:
    _PAIRS[_one] = _PAIRS.get(_one, frozenset()) | {_other}
    _PAIRS[_other] = _PAIRS.get(_other, frozenset()) | {_one}


def aspect_of(verb: str) -> frozenset[str]:
    """Return the aspects (``perf``, ``impf``) the dictionary gives an infinitive.

    Empty when ``verb`` is not an infinitive the dictionary knows (a guessed word has
    no aspect here: pairing guesses would pair strangers).
    """
    found: set[str] = set()
    for reading in readings(verb):
        if reading.source != "dictionary" or reading.key != verb:
            continue
        grammemes = reading.tag.replace(" ", ",").split(",")
        if grammemes[0] != "INFN":
            continue
        found.update(g for g in grammemes if g in ("perf", "impf"))
    return frozenset(found)


def _first(candidates: list[str], other: str, suffix: str) -> str | None:
    """The first candidate the dictionary knows as an infinitive of aspect ``other``."""
    for candidate in candidates:
        word = _with(candidate, suffix)
        if (
            len(candidate) > 2
            and word not in _NOT_PARTNERS
            and is_russian_word(word)  # a cheap look-up first: most candidates are no word
            and other in aspect_of(word)
        ):
            return word
    return None


def _with(verb: str, suffix: str) -> str:
    """``найти`` + ``ся`` -> ``найтись``: the reflexive ending is ``сь`` after a vowel."""
    return verb + ("сь" if suffix and verb[-1] in "аеиоуыэюя" else suffix)


def _mutated(stem: str) -> list[str]:
    """The stem with its final consonant changed as the imperfective does, then as it is."""
    out = [
        stem[: -len(plain)] + c
        for plain, changed in _MUTATIONS.items()
        if stem.endswith(plain)
        for c in changed
    ]
    return [*out, stem]


def _unmutated(stem: str) -> list[str]:
    """The stems an imperfective stem may come from (the inverse of :func:`_mutated`)."""
    out = [
        stem[: -len(c)] + plain
        for plain, changed in _MUTATIONS.items()
        for c in changed
        if stem.endswith(c)
    ]
    return [stem, *out]


def _o_to_a(stem: str) -> list[str]:
    """``спрос`` -> ``спраш``: the root vowel ``о`` becomes ``а`` before ``-ывать``."""
    at = stem.rfind("о")
    return [stem, stem[:at] + "а" + stem[at + 1 :]] if at > 0 else [stem]


def _a_to_o(stem: str) -> list[str]:
    at = stem.rfind("а")
    return [stem, stem[:at] + "о" + stem[at + 1 :]] if at > 0 else [stem]


def _imperfective(verb: str, suffix: str) -> str | None:
    """The imperfective of a perfective infinitive, by the first rule that finds one."""
    tiers: list[list[str]] = []
    for perfective, imperfective in _SWAPS:
        if verb.endswith(perfective):
            stem = verb[: -len(perfective)]
            tiers.append([stem + imperfective])
            if perfective == "йти" and stem.endswith("о"):
                tiers.append([stem[:-1] + imperfective])  # подойти -> подходить
    if verb.startswith("по"):
        tiers.append([verb[2:]])  # по- only makes the perfective: смотреть/посмотреть
    if verb.endswith("ить"):
        stems = _mutated(verb[:-3])
        tiers.append([s + e for s in stems for e in ("ять", "ать")])
        tiers.append([v + e for s in stems for v in _o_to_a(s) for e in ("ивать", "ывать")])
    if verb.endswith(("ать", "ять")):
        tiers.append([s + e for s in _o_to_a(verb[:-3]) for e in ("ывать", "ивать")])
    if verb.endswith(_PREFIXED_ENDINGS):
        tiers.append([verb[len(p) :] for p in _OVAT_PREFIXES if verb.startswith(p)])
    for tier in tiers:
        found = _first(tier, "impf", suffix)
        if found is not None:
            return found
    return None


def _perfective(verb: str, suffix: str) -> str | None:
    """The perfective of an imperfective infinitive, by the first rule that finds one."""
    tiers: list[list[str]] = []
    for perfective, imperfective in _SWAPS:
        if verb.endswith(imperfective):
            stem = verb[: -len(imperfective)]
            tiers.append([stem + perfective])
            if perfective == "йти":
                tiers.append([stem + "о" + perfective])
    for ending in ("ывать", "ивать"):
        if verb.endswith(ending):
            stems = _a_to_o(verb[: -len(ending)])
            tiers.append([u + "ить" for s in stems for u in _unmutated(s)])
            tiers.append([s + e for s in stems for e in ("ать", "ять")])
    if verb.endswith(("ять", "ать")):
        tiers.append([s + "ить" for s in _unmutated(verb[:-3])])
    if verb.endswith(_PREFIXED_ENDINGS):
        tiers.append([p + verb for p in _OVAT_PREFIXES])
    for tier in tiers:
        found = _first(tier, "perf", suffix)
        if found is not None:
            return found
    return None


def _reflexive(verb: str) -> tuple[str, str]:
    for ending in ("ся", "сь"):
        if verb.endswith(ending) and len(verb) > 4:
            return verb[:-2], "ся"
    return verb, ""


def aspect_partners(verb: str) -> tuple[str, ...]:
    """Return the other verb(s) of ``verb``'s aspect pair, sorted.

    ``aspect_partners("прийти") == ("приходить",)``,
    ``aspect_partners("получать") == ("получить",)``; a word that is not an infinitive
    the dictionary knows, or has no partner, gives ``()``.

    Raises:
        InvalidArgument: ``verb`` is not a string. A perfective made only by
    ``по-`` is found from the perfective (``посмотреть`` -> ``смотреть``); from the
    imperfective only the table's pairs are (``по-`` also makes verbs of another
    meaning: ``ходить``/``походить``).

    .. versionadded:: 0.3
    """
    if not isinstance(verb, str):
        raise InvalidArgument(
            f"verb must be one word as a string, such as 'прийти' (got {verb!r} that is a "
            f"{type(verb).__name__}).",
            field="verb",
        )
    if len(verb) > MAX_WORD:
        return ()
    word = verb.lower().replace("ё", "е")
    own = aspect_of(word)
    if not own:
        return ()
    table = _PAIRS.get(word)
    if table is not None:
        return tuple(sorted(table))
    base, suffix = _reflexive(word)
    if suffix and base in _PAIRS:
        pairs = (_with(p, suffix) for p in _PAIRS[base])
        return tuple(sorted(p for p in pairs if aspect_of(p)))
    # A verb of both aspects (выходить: go out, impf; nurse back to health, perf) is
    # read as an imperfective first: its usual sense in a support message.
    partner = _perfective(base, suffix) if "impf" in own else None
    if partner is None and "perf" in own:
        partner = _imperfective(base, suffix)
    return () if partner is None or partner == word else (partner,)


_widened: dict[frozenset[str], frozenset[str]] = {}


def with_partners(keys: frozenset[str]) -> frozenset[str]:
    """Return lexeme ``keys`` with the aspect partners of the verbs among them (cached)."""
    found = _widened.get(keys)
    if found is None:
        found = keys.union(*(aspect_partners(key) for key in keys))
        _store(_widened, keys, found)
    return found
