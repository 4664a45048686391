"""Bad input to the metrics raises one way (issue 15): a SupportkitError that is also a
TypeError for a wrong type or a ValueError for an impossible value, naming what and where."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument, InvalidValue, SupportkitError
from supportkit.metrics import (
    CSAT,
    NPS,
    AutomationRate,
    Scale,
    automation_rate,
    csat,
    mean_interval,
    mean_score,
    nps,
    nps_interval,
    reopen_rate,
    response_times,
    weekly_report,
    wilson_interval,
)
from supportkit.metrics._checks import collection, count, finite, whole
from supportkit.metrics._stats import z_for

WRONG_TYPE: list[tuple[str, Callable[[], Any], str]] = [
    ("csat(None)", lambda: csat(None), "ratings must be a list .* \\(got None\\)"),
    ('csat("12345")', lambda: csat("12345"), "not a str: text is not a sequence of ratings"),
    ("csat(b'12345')", lambda: csat(b"12345"), "not a bytes: text is not a sequence"),
    ("csat(bytearray)", lambda: csat(bytearray(b"5")), "not a bytearray"),
    ("csat(5)", lambda: csat(5), "\\(got a int\\)"),
    ("csat({5: 1})", lambda: csat({5: 1}), "\\(got a dict\\)"),
    ("csat([True])", lambda: csat([True]), "ratings\\[0\\] is True, a bool"),
    ("csat([5, False])", lambda: csat([5, False]), "ratings\\[1\\] is False, a bool"),
    ("CSAT().add(True)", lambda: CSAT().add(True), "is True, a bool"),  # noqa: FBT003
    ("nps('910')", lambda: nps("910"), "text is not a sequence of ratings"),
    ("mean_score(None)", lambda: mean_score(None), "\\(got None\\)"),
    ("NPS().add_many('9')", lambda: NPS().add_many("9"), "text is not a sequence"),
    (
        'automation_rate("hello")',
        lambda: automation_rate("hello"),
        "tickets must be a list .* not a str: text is not a sequence of tickets",
    ),
    ("automation_rate(None)", lambda: automation_rate(None), "tickets must be .*\\(got None\\)"),
    ("automation_rate(b'x')", lambda: automation_rate(b"{}"), "not a bytes"),
    ("reopen_rate(42)", lambda: reopen_rate(42), "\\(got a int\\)"),
    ("response_times('x')", lambda: response_times("[]"), "text is not a sequence"),
    ("weekly_report('x')", lambda: weekly_report("tickets.jsonl"), "text is not a sequence"),
    ("AutomationRate().add_many('x')", lambda: AutomationRate().add_many("{}"), "not a str"),
    ("Scale('1', 5)", lambda: Scale("1", 5), "scale.low must be a whole number"),
    (
        "wilson_interval(True, 3)",
        lambda: wilson_interval(True, 3),  # noqa: FBT003
        "successes must be a count",
    ),
    ("wilson_interval(1.5, 3)", lambda: wilson_interval(1.5, 3), "successes must be a count"),
    ("nps_interval('1', 0, 0)", lambda: nps_interval("1", 0, 0), "promoters must be a count"),
    ("mean_interval(2, 'x', 1)", lambda: mean_interval(2, "x", 1.0), "total must be a number"),
]

BAD_VALUE: list[tuple[str, Callable[[], Any], str]] = [
    ("Scale(1.0, 5.5)", lambda: Scale(1.0, 5.5), "scale.high must be a whole number .*5.5"),
    ("Scale(1, inf)", lambda: Scale(1, math.inf), "scale.high must be a whole number"),
    (
        "wilson_interval(5, 3)",
        lambda: wilson_interval(5, 3),
        "successes \\(5\\) cannot exceed count \\(3\\)",
    ),
    ("wilson_interval(-1, 3)", lambda: wilson_interval(-1, 3), "successes must be a count"),
    ("wilson_interval(1, -3)", lambda: wilson_interval(0, -3), "count must be a count"),
    ("wilson_interval(z=nan)", lambda: wilson_interval(1, 3, z=math.nan), "z must be a finite"),
    ("wilson_interval(z=-1)", lambda: wilson_interval(1, 3, z=-1.0), "above 0"),
    ("nps_interval(-1, 0, 0)", lambda: nps_interval(-1, 0, 0), "promoters must be a count"),
    ("mean_interval(-1, ...)", lambda: mean_interval(-1, 3.0, 9.0), "count must be a count"),
    ("mean_interval(inf)", lambda: mean_interval(2, math.inf, 1.0), "total must be a finite"),
    ("mean_interval(1e400 int)", lambda: mean_interval(2, 10**400, 1.0), "finite number"),
    ("z_for(2)", lambda: z_for(2), "confidence must be between 0 and 1"),
    ("z_for(1)", lambda: z_for(1.0), "confidence must be between 0 and 1"),
]


@pytest.mark.parametrize(("name", "call", "message"), WRONG_TYPE, ids=[c[0] for c in WRONG_TYPE])
def test_wrong_types_raise_invalid_argument(
    name: str, call: Callable[[], Any], message: str
) -> None:
    with pytest.raises(InvalidArgument, match=message) as info:
        call()
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, SupportkitError)
    assert str(info.value).endswith(".")


@pytest.mark.parametrize(("name", "call", "message"), BAD_VALUE, ids=[c[0] for c in BAD_VALUE])
def test_impossible_values_raise_invalid_value(
    name: str, call: Callable[[], Any], message: str
) -> None:
    with pytest.raises(InvalidValue, match=message) as info:
        call()
    assert isinstance(info.value, ValueError)
    assert "math domain error" not in str(info.value)
    assert str(info.value).endswith(".")


def test_what_stays_valid() -> None:
    assert Scale(1.0, 5.0) == Scale(1, 5)  # whole floats are whole numbers
    assert csat(["👍", True, False], scale="2").value == 2 / 3  # thumbs: booleans count
    assert csat((5, 4, 1)).count == 3
    assert csat(iter([5, 4])).count == 2
    assert csat(r for r in [5, 1]).value == 0.5
    assert wilson_interval(0, 0) == (None, None)
    assert wilson_interval(3, 3)[1] == 1.0
    assert automation_rate([]).count == 0


def test_the_checks_are_one_mechanism() -> None:
    # Every entry point above goes through these four functions; they hold on their own.
    with pytest.raises(InvalidArgument):
        collection("abc", field="x", what="items", example="[1]")
    assert whole(3.0, field="x") == 3
    with pytest.raises(InvalidValue):
        count(-1, field="x")
    with pytest.raises(InvalidValue):
        finite(float("nan"), field="x")


@settings(max_examples=200)
@given(
    st.one_of(st.integers(-5, 10**6), st.floats(allow_nan=True), st.booleans(), st.none()),
    st.one_of(st.integers(-5, 10**6), st.floats(allow_nan=True), st.booleans(), st.none()),
)
def test_wilson_interval_returns_or_raises_ours(successes: Any, total: Any) -> None:
    try:
        low, high = wilson_interval(successes, total)
    except SupportkitError as exc:
        assert isinstance(exc, (TypeError, ValueError))  # noqa: PT017 - a property, not one case
        return
    assert low is None or 0 <= low <= high <= 1  # type: ignore[operator]


@settings(max_examples=100)
@given(
    st.one_of(
        st.none(),
        st.text(max_size=5),
        st.binary(max_size=5),
        st.integers(),
        st.lists(st.one_of(st.integers(-3, 12), st.booleans(), st.text(max_size=3), st.none())),
    )
)
def test_csat_returns_or_raises_ours(ratings: Any) -> None:
    try:
        result = csat(ratings, unknown="skip")
    except SupportkitError as exc:
        assert isinstance(exc, (TypeError, ValueError))  # noqa: PT017 - a property, not one case
        return
    assert 0 <= result.successes <= result.count


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"policies": 5}, InvalidArgument, "policies must be a supportkit.sla.PolicySet"),
        ({"crews": 5}, InvalidArgument, "crews must be a mapping"),
        ({"funnel": 5}, InvalidArgument, "funnel must be a supportkit.onboarding.Funnel"),
        ({"sla_goal": "90%"}, InvalidArgument, "sla_goal must be a number"),
        ({"sla_goal": 90}, InvalidValue, "sla_goal must be in 0..1"),
        ({"aht": 300, "service_level": 1.5}, InvalidValue, "service_level"),
        ({"aht": -5}, InvalidValue, "aht"),
    ],
)
def test_report_options_are_checked_up_front(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        weekly_report([], **options)
