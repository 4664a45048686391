"""Unknown names are LookupError (UnknownName) as well as SupportkitError; wrong types TypeError."""

from __future__ import annotations

import pickle

import pytest

from supportkit.exceptions import (
    InvalidArgument,
    InvalidRule,
    SupportkitError,
    UnknownName,
    UnknownReference,
)
from supportkit.rules import RuleSet

RULES = [{"id": "payout", "when": {"any": ["выплата"]}, "then": {"reply": "eta"}}]
SPECS = {"office": {"tz": "Europe/Moscow", "hours": {"mon-fri": "09:00-18:00"}}}


def ruleset() -> RuleSet:
    return RuleSet.from_dicts(RULES, templates={"eta": "3 дня."}, calendar_specs=SPECS)


def test_unknown_rule_id_in_rule_and_explain() -> None:
    rs = ruleset()
    for call in (lambda: rs.rule("paypout"), lambda: rs.explain("выплата", "paypout")):
        with pytest.raises(LookupError, match=r"rule_id 'paypout' .*did you mean \['payout'\]"):
            call()
    with pytest.raises(UnknownName) as info:
        rs.rule("zzz")
    assert isinstance(info.value, SupportkitError)
    assert not isinstance(info.value, TypeError)
    assert info.value.field == "rule_id"
    assert str(info.value) == "rule_id 'zzz' is not in this rule set (it has ['payout'])."


def test_wrong_type_of_rule_id_stays_a_type_error() -> None:
    rs = ruleset()
    for value in (["payout"], None, 5):
        with pytest.raises(InvalidArgument, match="rule_id must be a rule id string"):
            rs.explain("выплата", value)  # type: ignore[arg-type]


def test_unknown_template_and_calendar_names() -> None:
    rs = ruleset()
    with pytest.raises(UnknownName, match=r"template 'etaa' .*did you mean \['eta'\]"):
        rs.templates["etaa"]
    with pytest.raises(UnknownName, match=r"calendar 'ofice' .*did you mean \['office'\]"):
        rs.calendars["ofice"]
    with pytest.raises(KeyError):  # a KeyError too: dict-style code keeps working
        rs.calendars["nope"]
    assert rs.templates.get("etaa") is None
    assert "eta" in rs.templates
    assert ["x"] not in rs.templates
    assert rs.templates["eta"].source == "3 дня."
    again = pickle.loads(pickle.dumps(rs))
    with pytest.raises(UnknownName):
        again.templates["etaa"]


def test_a_rule_naming_an_unknown_calendar() -> None:
    with pytest.raises(UnknownReference, match="names calendar 'ofice'") as info:
        RuleSet.from_dicts(
            [{"id": "a", "when": {"outside": "ofice"}, "then": {}}], calendar_specs=SPECS
        )
    assert isinstance(info.value, InvalidRule)  # a load-time ValueError ...
    assert isinstance(info.value, LookupError)  # ... and an unknown name
    assert info.value.field == "rules[0].when.outside"
