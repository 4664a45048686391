"""Wrong types at the entry points the fuzz suite listed as known gaps are refused by name.

Each case is a call that used to escape as a builtin error (``AttributeError: 'NoneType'
object has no attribute 'lower'``, ``TypeError: unhashable type: 'list'``, ``dictionary
update sequence element #0 has length 1``); now it is an ``InvalidArgument`` (also a
``TypeError``) whose ``field`` names the argument.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from supportkit import Ticket
from supportkit.exceptions import InvalidArgument, SupportkitError
from supportkit.rules import Evaluation, Evidence, Explanation, RuleSet
from supportkit.text import lemmas, readings, same_word

RULES = [{"id": "payout", "when": {"any": ["выплата"]}, "then": {"tags": ["payout"]}}]


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return RuleSet.from_dicts(RULES, templates={"t": "Здравствуйте!"})


def _explanation(**changed: Any) -> Explanation:
    parts: dict[str, Any] = {
        "rule_id": "r",
        "fired": False,
        "matched": False,
        "stopped_by": None,
        "lines": (),
    }
    parts.update(changed)
    return Explanation(**parts)


def _parts(ruleset: RuleSet, **changed: Any) -> dict[str, Any]:
    parts = {a.alias: getattr(ruleset, a.name) for a in attrs.fields(RuleSet) if a.init}
    parts.update(changed)
    return parts


CALLS: list[tuple[str, Callable[[], Any], str]] = [
    ("lemmas(None)", lambda: lemmas(None), "word"),  # type: ignore[arg-type]
    ("lemmas([])", lambda: lemmas([]), "word"),  # type: ignore[arg-type]
    ("readings(None)", lambda: readings(None), "word"),  # type: ignore[arg-type]
    ("readings(b'x')", lambda: readings(b"x"), "word"),  # type: ignore[arg-type]
    ("same_word(None, None)", lambda: same_word(None, None), "phrase_word"),  # type: ignore[arg-type]
    ("same_word('', [])", lambda: same_word("", []), "text_word"),  # type: ignore[arg-type]
    ("RuleSet.from_file(None)", lambda: RuleSet.from_file(None), "path"),  # type: ignore[arg-type]
    ("Evaluation(set='0')", lambda: Evaluation(None, set="0"), "set"),  # type: ignore[arg-type]
    ("Evaluation(set=None)", lambda: Evaluation(None, set=None), "set"),  # type: ignore[arg-type]
    ("Evaluation(evidence=False)", lambda: Evaluation(None, evidence=False), "evidence"),  # type: ignore[arg-type]
    (
        "Evaluation(evidence={'r': [1]})",
        lambda: Evaluation(None, evidence={"r": [1]}),
        "evidence['r']",
    ),  # type: ignore[dict-item]
    ("Evaluation(matched=['a'])", lambda: Evaluation(None, matched=["a"]), "matched"),  # type: ignore[arg-type]
    ("Evaluation(tags=('a', 1))", lambda: Evaluation(None, tags=("a", 1)), "tags[1]"),  # type: ignore[arg-type]
    ("Evaluation(reply=5)", lambda: Evaluation(None, reply=5), "reply"),  # type: ignore[arg-type]
    ("Evaluation(escalate=3)", lambda: Evaluation(None, escalate=3), "escalate"),  # type: ignore[arg-type]
    ("Evaluation(overridden=[None])", lambda: Evaluation(None, overridden=[None]), "overridden"),  # type: ignore[arg-type]
    ("Evaluation(timeouts=(None,))", lambda: Evaluation(None, timeouts=(None,)), "timeouts[0]"),  # type: ignore[arg-type]
    ("Evaluation(deferred=5)", lambda: Evaluation(None, deferred=5), "deferred"),  # type: ignore[arg-type]
    ("Evaluation(texts=[])", lambda: Evaluation(None, texts=[]), "texts"),  # type: ignore[arg-type]
    ("Evaluation(ticket_id=[])", lambda: Evaluation([]), "ticket_id"),  # type: ignore[arg-type]
    (
        "Explanation(texts=None)",
        lambda: _explanation(texts=None),
        "texts",
    ),
    (
        "Explanation(texts='0')",
        lambda: _explanation(texts="0"),
        "texts",
    ),
    ("Explanation(None, ...)", lambda: _explanation(rule_id=None), "rule_id"),
    ("Explanation(fired=None)", lambda: _explanation(fired=None), "fired"),
    ("Explanation(lines=None)", lambda: _explanation(lines=None), "lines"),
    (
        "Explanation(evidence=[None])",
        lambda: _explanation(evidence=(None,)),
        "evidence[0]",
    ),
]


@pytest.mark.parametrize(("what", "call", "field"), CALLS, ids=[c[0] for c in CALLS])
def test_a_wrong_type_is_refused_naming_the_argument(
    what: str, call: Callable[[], Any], field: str
) -> None:
    with pytest.raises(InvalidArgument) as info:
        call()
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, SupportkitError)
    assert info.value.field == field, what
    message = str(info.value)
    assert message.startswith((field, repr(field))), message
    assert message.endswith("."), message


CONSTRUCTOR = [
    ("rules", None, "rules"),
    ("rules", [None], "rules"),
    ("rules", (None,), "rules[0]"),
    ("templates", None, "templates"),
    ("templates", {"t": "text"}, "templates['t']"),
    ("options", {}, "options"),
    ("fields", ("a", 5), "fields[1]"),
    ("channels", None, "channels"),
    ("priorities", "high", "priorities"),
    ("calendars", {"office": 1}, "calendars['office']"),
    ("calendar_specs", None, "calendar_specs"),
    ("synonyms", None, "synonyms"),
    ("synonyms", (("прийти", None),), "synonyms[0][1]"),
]


@pytest.mark.parametrize(
    ("name", "value", "field"), CONSTRUCTOR, ids=[f"{c[0]}={c[1]!r}" for c in CONSTRUCTOR]
)
def test_the_ruleset_constructor_names_the_wrong_part(
    ruleset: RuleSet, name: str, value: Any, field: str
) -> None:
    with pytest.raises(InvalidArgument) as info:
        RuleSet(**_parts(ruleset, **{name: value}))
    assert info.value.field == field
    assert str(info.value).startswith(field)


def test_values_of_the_right_type_still_build_and_work(ruleset: RuleSet) -> None:
    again = RuleSet(**_parts(ruleset))
    result = again.evaluate(Ticket(id="t1", body="Где моя выплата?"))
    assert result.matched == ("payout",)
    assert result.evidence["payout"][0].text == "выплата"
    assert pickle.loads(pickle.dumps(result)) == result  # rebuilt through the full check
    assert again.evaluate(Ticket(id="t2", body="Спасибо")).matched == ()
    assert "выплата" in lemmas("выплатой")
    assert same_word("выплата", "выплатой")
    assert readings("денег")[0].lemma == "деньги"
    explanation = again.explain(Ticket(id="t1", body="Где моя выплата?"), "payout")
    assert explanation.fired
    assert explanation.texts["body"] == "Где моя выплата?"
    built = Evaluation(
        "t3",
        matched=("a",),
        escalate=True,
        evidence={"a": (Evidence("x", "body", 0, 1, "x", "exact"),)},
        texts={"body": "x"},
    )
    assert built.to_dict()["evidence"]["a"][0]["text"] == "x"


def test_an_int_ticket_id_still_evaluates(ruleset: RuleSet) -> None:
    # Ticket does not refuse id=5 itself; the evaluation keeps reporting it as before.
    assert ruleset.evaluate(Ticket(id=5, body="выплата")).ticket_id == 5  # type: ignore[arg-type]
