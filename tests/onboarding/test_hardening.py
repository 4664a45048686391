"""Hostile input to journeys and analytics ends in a SupportkitError, never a builtin one.

Issue 15: blank ids, NaN, cyclic or 5,000-deep data, wrong types, negative idle
times, pickling and copying; issue 12 point 5: unknown names are LookupErrors.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import math
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.exceptions import (
    InvalidArgument,
    InvalidFlow,
    InvalidValue,
    SupportkitError,
    TransitionError,
    UnknownEvent,
    UnknownFlowName,
    UnknownName,
)
from supportkit.onboarding import (
    DeadlineRule,
    Flow,
    Journey,
    State,
    Timeout,
    compare_cohorts,
    flows,
    funnel,
    nth_working_day,
    self_service,
    stuck,
    with_step,
)
from supportkit.onboarding._values import MAX_DEPTH, NO_DATA

MSK = dt.timezone(dt.timedelta(hours=3))
T0 = dt.datetime(2024, 11, 11, 10, 0, tzinfo=MSK)
H = dt.timedelta(hours=1)


def deep(levels: int) -> Any:
    value: Any = "дно"
    for i in range(levels):
        value = [value] if i % 2 else {"x": value}
    return value


def journey() -> Journey:
    return flows.self_employed().start("c1", at=T0).fire("register", at=T0 + H)


# --- blank subject ids --------------------------------------------------------------------
@pytest.mark.parametrize("blank", ["", " ", "\t\n", "\u3000"])
def test_blank_subject_id_is_refused(blank: str) -> None:
    flow = flows.self_employed()
    with pytest.raises(InvalidArgument, match="subject_id must be a non-empty string"):
        flow.start(blank, at=T0)
    record = {"subject_id": blank, "started_at": T0.isoformat(), "history": []}
    with pytest.raises(InvalidFlow, match="subject_id must be a non-empty string"):
        Journey.from_dict(flow, record)


def test_blank_subject_id_message_says_blank() -> None:
    with pytest.raises(InvalidArgument) as info:
        flows.self_employed().start("  ", at=T0)
    assert str(info.value) == (
        "subject_id must be a non-empty string such as 'c0001' (got '  ', which is blank)."
    )


# --- NaN and infinity never reach to_dict ---------------------------------------------------
@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused_where_data_enters(number: float) -> None:
    flow = flows.self_employed()
    with pytest.raises(InvalidValue, match=r"data\.score must be a finite number"):
        flow.start("c1", at=T0, score=number)
    with pytest.raises(InvalidValue, match=r"data\.a\[1\]\.b must be a finite number"):
        journey().fire("fill_profile", at=T0 + 2 * H, a=[1, {"b": number}])
    with pytest.raises(InvalidValue, match="must be a finite number"):
        journey().can("fill_profile", income=number)
    record = journey().to_dict()
    record["history"][0]["data"] = {"income": number}
    with pytest.raises(InvalidValue, match=r"history\[0\]\.data\.income must be a finite"):
        Journey.from_dict(flow, record)
    record = journey().to_dict() | {"data": {"income": number}}
    with pytest.raises(InvalidValue, match=r"data\.income must be a finite"):
        Journey.from_dict(flow, record)


# --- wrong types ----------------------------------------------------------------------------
def test_event_of_the_wrong_type() -> None:
    j = flows.self_employed().start("c1", at=T0)
    for bad in (["register"], None, 3, {"event": "register"}):
        with pytest.raises(InvalidArgument, match="event must be an event name string"):
            j.fire(bad, at=T0)  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match="event must be an event name string"):
            j.can(bad)  # type: ignore[arg-type]


def test_lookups_with_the_wrong_type() -> None:
    flow = flows.self_employed()
    with pytest.raises(InvalidArgument, match="state must be a name string"):
        flow.state(["invited"])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="state must be a name string"):
        flow.events_from({"a": 1})  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="event must be a name string"):
        flow.transition("invited", ["register"])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="flow name must be a string"):
        flows.get(None)  # type: ignore[arg-type]


def test_from_dict_without_a_flow_or_a_mapping() -> None:
    record = journey().to_dict()
    with pytest.raises(InvalidArgument, match="flow must be an onboarding Flow"):
        Journey.from_dict(None, record)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="flow must be an onboarding Flow"):
        Journey.from_dict(record, record)  # type: ignore[arg-type]
    with pytest.raises(InvalidFlow, match="a journey must be a mapping"):
        Journey.from_dict(flows.self_employed(), None)  # type: ignore[arg-type]


def test_analytics_refuse_what_is_not_journeys() -> None:
    flow = flows.self_employed()
    for bad in (None, 5, "c1", {"subject_id": "c1"}, journey()):
        with pytest.raises(InvalidArgument, match="journeys must be an iterable of Journey"):
            funnel(bad, flow)  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match="journeys must be an iterable of Journey"):
            stuck(bad, now=T0, idle=H)  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match="journeys must be an iterable of Journey"):
            self_service(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="flow must be an onboarding Flow"):
        funnel([journey()], None)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=r"clock must have between\(start, end\)"):
        funnel([journey()], flow, clock=object())  # type: ignore[arg-type]


def test_negative_idle_is_refused() -> None:
    with pytest.raises(InvalidValue, match="idle must not be negative"):
        stuck([journey()], now=T0 + 9 * H, idle=-H)
    assert stuck([journey()], now=T0 + 9 * H, idle=dt.timedelta(0)) == [journey()]
    for absurd in (math.nan, math.inf, 1e20):
        with pytest.raises(InvalidValue, match="idle must be a finite number of seconds"):
            stuck([journey()], now=T0, idle=absurd)


def test_replay_many_refuses_what_is_not_records() -> None:
    for bad in (None, 5, "{}", {"subject_id": "c1"}):
        with pytest.raises(InvalidArgument, match="records must be an iterable"):
            flows.self_employed().replay_many(bad)  # type: ignore[arg-type]


# --- cyclic and deep data ---------------------------------------------------------------------
def test_cyclic_data_is_refused() -> None:
    loop: list[Any] = []
    loop.append(loop)
    ring: dict[str, Any] = {}
    ring["self"] = {"up": ring}
    with pytest.raises(InvalidValue, match=r"data\.x\[0\] contains itself"):
        flows.self_employed().start("c1", at=T0, x=loop)
    with pytest.raises(InvalidValue, match=r"data\.x\.self\.up contains itself"):
        journey().fire("fill_profile", at=T0 + 2 * H, x=ring)
    # The same list twice (not inside itself) is a tree, and fine.
    shared = [1, 2]
    fired = journey().fire("fill_profile", at=T0 + 2 * H, a=shared, b=shared)
    assert fired.data["a"] == fired.data["b"] == [1, 2]


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 5_000, 100_000])
def test_deep_data_is_refused_without_recursion_error(levels: int) -> None:
    flow = flows.self_employed()
    with pytest.raises(InvalidValue, match=f"nests deeper than {MAX_DEPTH} levels"):
        flow.start("c1", at=T0, x=deep(levels))
    with pytest.raises(InvalidValue, match=f"nests deeper than {MAX_DEPTH} levels"):
        journey().fire("fill_profile", at=T0 + 2 * H, x=deep(levels))
    record = journey().to_dict() | {"data": {"x": deep(levels)}}
    with pytest.raises(InvalidValue, match=f"nests deeper than {MAX_DEPTH} levels"):
        Journey.from_dict(flow, record)


def test_data_just_within_the_depth_bound_is_kept() -> None:
    j = flows.self_employed().start("c1", at=T0, x=deep(MAX_DEPTH - 1))
    assert Journey.from_dict(j.flow, json.loads(json.dumps(j.to_dict()))) == j


# --- guards see odd data and give reasons, not TypeErrors -----------------------------------
def test_guards_with_unhashable_data_give_reasons() -> None:
    j = flows.self_employed().start("c1", at=T0)
    for event in ("register", "fill_profile", "verify_passport"):
        j = j.fire(event, at=T0)
    j = j.fire("confirm_status", at=T0, inn="500100732259", npd_registered=True)
    verdict = j.can("grant_permissions", permissions=[["income_view"], {"a": 1}])
    assert not verdict
    assert any("income_registration" in r for r in verdict.reasons)
    f = flows.foreign_citizen().start("f1", at=T0)
    f = f.fire("register", at=T0).fire("fill_profile", at=T0)
    for data in (
        {"residence_status": ["patent"]},
        {"residence_status": "eaeu", "citizenship": ["KZ"]},
        {"residence_status": "patent", "documents": 5},
        {"residence_status": "patent", "documents": "passport"},
    ):
        with pytest.raises(TransitionError) as info:
            f.fire("verify_documents", at=T0, **data)
        assert info.value.reasons


# --- unknown names are LookupErrors -----------------------------------------------------------
def test_unknown_names_are_lookup_errors() -> None:
    flow = flows.self_employed()
    with pytest.raises(LookupError) as state:
        flow.state("nowhere")
    assert isinstance(state.value, UnknownFlowName)
    assert isinstance(state.value, InvalidFlow)
    with pytest.raises(LookupError) as guard:
        flow.guard("city")
    assert isinstance(guard.value, UnknownFlowName)
    assert "known guards are" in str(guard.value)
    with pytest.raises(LookupError) as event:
        flow.start("c1", at=T0).fire("fly", at=T0)
    assert isinstance(event.value, UnknownEvent)
    assert isinstance(event.value, TransitionError)
    with pytest.raises(LookupError) as preset:
        flows.get("self-employed")
    assert isinstance(preset.value, UnknownName)
    assert str(preset.value) == (
        "there is no built-in flow 'self-employed'; built-in flows are ['foreign_citizen', "
        "'individual', 'self_employed', 'sole_proprietor', 'support_agent']."
    )
    with pytest.raises(LookupError) as step:
        funnel([], flow)["nowhere"]
    assert isinstance(step.value, SupportkitError)
    assert str(step.value).startswith("funnel of flow 'self_employed' has no step 'nowhere'")
    # A known event that the state does not allow is a refusal, not an unknown name.
    with pytest.raises(TransitionError) as refused:
        flow.start("c1", at=T0).fire("sign_contract", at=T0)
    assert not isinstance(refused.value, LookupError)


def test_get_returns_fresh_built_in_flows() -> None:
    for name in flows.NAMES:
        assert flows.get(name).name == name
        assert flows.get(name) is not flows.get(name)


# --- pickling and copying -----------------------------------------------------------------------
def test_journeys_pickle_and_deep_copy() -> None:
    plain = journey()  # the register step carries no data
    rich = plain.fire("fill_profile", at=T0 + 2 * H, city="Казань", tags={"b", "a"})
    foreign = flows.foreign_citizen().start("f1", at=T0).fire("register", at=T0)
    for j in (plain, rich, foreign):
        for again in (pickle.loads(pickle.dumps(j)), copy.deepcopy(j), copy.copy(j)):
            assert again == j
            assert again.to_dict() == j.to_dict()
            assert again.history[0].data is NO_DATA
            assert again.flow == j.flow
            assert again.fire("withdraw", at=T0 + 3 * H).state == "withdrawn"
    assert copy.deepcopy(plain.flow) is plain.flow
    assert pickle.loads(pickle.dumps(NO_DATA)) is NO_DATA


# --- a property: any JSON-like data either fits or is refused with our error ----------------------
json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=5)
    | st.frozensets(st.integers() | st.text(max_size=2), max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
        | st.tuples(inner, inner)
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(
    data=st.dictionaries(
        st.text(min_size=1, max_size=6).filter(lambda k: k not in ("at", "actor", "event")),
        json_like,
        max_size=3,
    )
)
def test_any_data_round_trips_as_standard_json_or_is_refused(data: dict[str, Any]) -> None:
    try:
        j = journey().fire("fill_profile", at=T0 + 2 * H, **data)
    except (InvalidArgument, InvalidValue):
        return
    text = json.dumps(j.to_dict(), allow_nan=False, ensure_ascii=False)
    assert Journey.from_dict(j.flow, json.loads(text)) == j


GUARD_KEYS = (
    "passport", "inn", "snils", "npd_registered", "annual_income", "permissions", "ogrnip",
    "bik", "account", "residence_status", "citizenship", "documents", "score", "mentor",
    "has_employees",
)  # fmt: skip


def main_event(flow: Flow, source: str, target: str) -> str:
    for event in flow.events_from(source):
        t = flow.transition(source, event)
        if t is not None and t.target == target:
            return event
    raise AssertionError((source, target))


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(flows.NAMES),
    steps=st.integers(0, 6),
    data=st.dictionaries(st.sampled_from(GUARD_KEYS), json_like, max_size=4),
)
def test_guards_on_any_data_allow_or_give_reasons(
    name: str, steps: int, data: dict[str, Any]
) -> None:
    flow = flows.get(name)
    j = flow.start("c1", at=T0)
    path = flow.path()
    for i, state in enumerate(path[: min(steps, len(path) - 1)]):
        event = main_event(flow, state, path[i + 1])
        try:
            verdict = j.can(event, at=T0 + 400 * 24 * H, **data)
            j = j.fire(event, at=T0 + 400 * 24 * H, **data)
        except (TransitionError, InvalidArgument, InvalidValue):
            return
        assert verdict.allowed


# --- flow parts: absurd values are refused when the flow is built ------------------------------
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Timeout(math.nan, "expire"), "timeout.after must be a finite duration"),
        (lambda: Timeout(1e20, "expire"), "timeout.after must be a finite duration"),
        (lambda: Timeout(dt.timedelta(days=5000), "expire"), "at most 3660 days"),
        (lambda: State("a", label=5), "a label must be a string"),
        (lambda: DeadlineRule("d", "start", "x", days=1, tz="Mars/Base"), "not a known time zone"),
        (lambda: DeadlineRule("d", "start", "x", days=1, tz=None), "tz must be a time zone name"),
        (lambda: DeadlineRule("d", "start", "x", days=1, tz="../etc"), "not a known time zone"),
        (lambda: DeadlineRule("d", "start", "x", working_days=True), "exactly one of"),
        (lambda: DeadlineRule("d", "start", "x", months=10**9), "at most 120 months"),
        (lambda: DeadlineRule("d", "start", "x", working_days=9999), "at most 2500 working"),
        (lambda: DeadlineRule("d", "start", "x", days=1, source=3), "a label must be a string"),
    ],
)
def test_absurd_flow_parts_are_refused(make: Any, message: str) -> None:
    with pytest.raises(InvalidFlow, match=message):
        make()


def test_a_calendar_without_working_days_does_not_hang() -> None:
    class Never:
        def is_working_day(self, day: dt.date) -> bool:
            return False

    with pytest.raises(InvalidValue, match="has no working day in the year after"):
        nth_working_day(Never(), dt.date(2024, 1, 1), 3)
    with pytest.raises(InvalidValue, match="end after the year 9999"):
        nth_working_day(lambda_calendar(), dt.date(9999, 12, 30), 5)
    flow = attrs.evolve(flows.foreign_citizen(), calendar=Never())
    j = flow.start("f1", at=T0).fire("register", at=T0).fire("fill_profile", at=T0)
    j = j.fire("verify_documents", at=T0)
    with pytest.raises(InvalidValue, match="has no working day"):
        j.fire("sign_contract", at=T0)


def lambda_calendar() -> Any:
    class Always:
        def is_working_day(self, day: dt.date) -> bool:
            return True

    return Always()


# --- a mutation fuzz: a real flow or journey with one value replaced by arbitrary JSON -----------
def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*at, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*at, i))
    return out


def _replaced(value: Any, at: tuple[Any, ...], new: Any) -> Any:
    if not at:
        return new
    out = copy.deepcopy(value)
    here = out
    for key in at[:-1]:
        here = here[key]
    here[at[-1]] = new
    return out


def _foreign_journey() -> dict[str, Any]:
    j = flows.foreign_citizen().start("f1", at=T0, city="Казань")
    j = j.fire("register", at=T0 + H).fire("fill_profile", at=T0 + H)
    j = j.fire(
        "verify_documents",
        at=T0 + 2 * H,
        residence_status="eaeu",
        citizenship="KZ",
        documents=["passport", "migration_registration"],
    )
    return j.fire("sign_contract", at=T0 + 3 * H).to_dict()


FLOW_DICTS = {name: flows.get(name).to_dict() for name in flows.NAMES}
JOURNEY_DICT = _foreign_journey()


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(flows.NAMES), picks=st.data(), new=json_like)
def test_mutated_flows_and_journeys_load_or_are_refused(
    name: str, picks: st.DataObject, new: Any
) -> None:
    spec = FLOW_DICTS[name]
    where = picks.draw(st.sampled_from(_paths(spec)))
    with contextlib.suppress(InvalidArgument, InvalidValue):  # UnknownName is an InvalidValue
        Flow.from_dict(_replaced(spec, where, new))
    where = picks.draw(st.sampled_from(_paths(JOURNEY_DICT)))
    try:
        j = Journey.from_dict(flows.foreign_citizen(), _replaced(JOURNEY_DICT, where, new))
    except (InvalidArgument, InvalidValue):
        return
    json.dumps(j.to_dict(), allow_nan=False)
    j.overdue(T0 + 900 * 24 * H)
    j.advance(T0 + 900 * 24 * H)


def test_initial_must_be_a_name() -> None:
    spec = flows.self_employed().to_dict() | {"initial": ["invited"]}
    with pytest.raises(InvalidFlow, match="initial must be a non-empty identifier"):
        Flow.from_dict(spec)


def test_variant_options_of_the_wrong_shape() -> None:
    flow = flows.self_employed()
    for options, message in (
        ({"guards": 5}, "transition.guards must be a list of names"),
        ({"side": 5}, r"side must be a list of \(event, target, guards\) triples"),
        ({"side": [("withdraw", "withdrawn")]}, "side must be a list of"),
        ({"side": [("withdraw", "withdrawn", 5)]}, "transition.guards must be a list"),
    ):
        with pytest.raises(InvalidFlow, match=message):
            flow.with_step("x", after="registered", event="go", **options)
    with pytest.raises(InvalidArgument, match="base must be an onboarding Flow"):
        flow.diff(5)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="flow must be an onboarding Flow"):
        with_step(None, "x", after="registered", event="go")  # type: ignore[type-var]


def test_helpers_refuse_wrong_types() -> None:
    with pytest.raises(InvalidArgument, match=r"calendar must have is_working_day\(day\)"):
        nth_working_day(None, dt.date(2024, 1, 1), 3)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="day must be a date"):
        nth_working_day(lambda_calendar(), "2024-01-01", 3)  # type: ignore[arg-type]
    for n in (None, True, 2.5):
        with pytest.raises(InvalidArgument, match="working_days must be an integer"):
            nth_working_day(lambda_calendar(), dt.date(2024, 1, 1), n)  # type: ignore[arg-type]
    for names in (True, ("a",), ("a", 2), "ab"):
        with pytest.raises(InvalidArgument, match="names must be two cohort names"):
            compare_cohorts([journey()], [journey()], names=names)  # type: ignore[arg-type]
