"""Wrong types at the public entry points of supportkit.sla: InvalidArgument naming the argument."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from supportkit import Ticket
from supportkit._time import to_timedelta
from supportkit.exceptions import InvalidArgument, InvalidPolicy, InvalidValue
from supportkit.sla import (
    AttainmentSummary,
    FrameSchema,
    PolicySet,
    ProductionCalendar,
    SLAPolicy,
    add_business_days,
    business_days_between,
    calendar_from,
    erlang_c,
    from_holidays,
    risk_of,
)

CASES: list[tuple[str, Callable[[], Any], str]] = [
    ("add_business_days", lambda: add_business_days(None, None, calendar=None), "calendar"),  # type: ignore[arg-type]
    ("business_days_between", lambda: business_days_between(None, None, calendar=None), "calendar"),  # type: ignore[arg-type]
    ("from_holidays", lambda: from_holidays(None, years=None), "years"),  # type: ignore[arg-type]
    ("risk_of", lambda: risk_of(None, None, None), "report"),  # type: ignore[arg-type]
    ("calendar_from", lambda: calendar_from({}, field=None), "field"),  # type: ignore[arg-type]
    ("from_dict base", lambda: ProductionCalendar.from_dict({}, base=1), "base"),  # type: ignore[arg-type]
    (
        "from_dates",
        lambda: ProductionCalendar.from_dates([], name=None, field=None, weekend=None),
        "field",
    ),  # type: ignore[arg-type]
    ("ProductionCalendar", lambda: ProductionCalendar(None, [None]), "name"),  # type: ignore[arg-type]
    ("ProductionCalendar years", lambda: ProductionCalendar("RU", None), "years"),  # type: ignore[arg-type]
    ("from_json", lambda: PolicySet.from_json(None), "source"),  # type: ignore[arg-type]
    ("SLAPolicy.from_dict", lambda: SLAPolicy.from_dict({}, field=None), "field"),  # type: ignore[arg-type]
    (
        "staffing_plan",
        lambda: erlang_c.staffing_plan(None, None, None, None),
        "forecast_per_interval",
    ),  # type: ignore[arg-type]
    ("FrameSchema", lambda: FrameSchema(None), "columns"),  # type: ignore[arg-type]
    ("FrameSchema pair", lambda: FrameSchema([""]), "columns[0]"),  # type: ignore[list-item]
    ("AttainmentSummary", lambda: AttainmentSummary(None), "reports"),  # type: ignore[arg-type]
    ("AttainmentSummary item", lambda: AttainmentSummary("0"), "reports"),
    ("Ticket.fields", lambda: Ticket(fields=[[]]), "Ticket.fields"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("what", "call", "arg"), CASES, ids=[c[0] for c in CASES])
def test_wrong_types_name_the_argument(what: str, call: Callable[[], Any], arg: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        call()
    assert info.value.field == arg, what
    assert str(info.value).startswith(arg), str(info.value)
    assert str(info.value).endswith(")."), str(info.value)


def test_values_of_the_right_type_still_work() -> None:
    pc = ProductionCalendar.from_dates(["2024-06-12"], weekend=[5, 6])
    assert add_business_days(dt.date(2024, 6, 11), 1, calendar=pc) == dt.date(2024, 6, 13)
    assert FrameSchema([("ticket_id", "string")]).names == ("ticket_id",)
    with pytest.raises(InvalidValue):
        ProductionCalendar("x", (), weekend=[7])


def test_policy_files_that_are_not_utf8_or_too_deep(tmp_path: Any) -> None:
    bad = tmp_path / "p.json"
    bad.write_bytes(b'{"policies": "\xff"}')
    with pytest.raises(InvalidPolicy, match="UTF-8"):
        PolicySet.from_json(bad)
    with pytest.raises(InvalidPolicy, match="nested too deeply"):
        PolicySet.from_json('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")


def test_huge_int_seconds_are_an_invalid_value() -> None:
    with pytest.raises(InvalidValue, match="finite duration"):
        to_timedelta(10**400)
