"""The built-in flows: happy paths, every guard's reasons, every terminal state, deadlines."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from supportkit.onboarding import Flow, Journey, TransitionError, flows

MSK = ZoneInfo("Europe/Moscow")
T0 = dt.datetime(2024, 11, 11, 10, 0, tzinfo=MSK)
INN = "500100732259"
CONTRACTORS = [
    flows.individual,
    flows.self_employed,
    flows.sole_proprietor,
    flows.foreign_citizen,
]

GOOD = {
    "verify_passport": {"passport": "4510 123456"},
    "confirm_tax_ids": {"inn": "500100732259", "snils": "112-233-445 95"},
    "confirm_status": {"inn": "500100732259", "npd_registered": True, "annual_income": 900_000},
    "grant_permissions": {"permissions": ["income_registration", "income_view", "profile_view"]},
    "verify_ogrnip": {"ogrnip": "304500116000157", "inn": "500100732259"},
    "add_bank_details": {"bik": "044525225", "account": "40817810700000000001"},
    "verify_documents": {
        "residence_status": "patent",
        "citizenship": "UZ",
        "documents": [
            "passport",
            "migration_card",
            "migration_registration",
            "patent",
            "patent_receipt",
        ],
    },
}


def walk(flow: Flow, *, data: bool, start: dt.datetime = T0) -> Journey:
    journey = flow.start("c1", at=start)
    at = start
    for source, target in zip(flow.path(), flow.path()[1:], strict=False):
        event = next(
            e for e in flow.events_from(source) if flow.transition(source, e).target == target
        )  # type: ignore[union-attr]
        at += dt.timedelta(hours=1)
        journey = journey.fire(event, at=at, **(GOOD.get(event, {}) if data else {}))
    return journey


@pytest.mark.parametrize("make", CONTRACTORS)
@pytest.mark.parametrize("data", [True, False], ids=["with-data", "fire-alone"])
def test_contractor_happy_path(make, data) -> None:
    flow = make()
    journey = walk(flow, data=data)
    assert flow.initial == "invited"
    assert journey.state == "active"
    assert journey.is_terminal
    assert journey.outcome == "success"
    assert set(flow.terminal_states) == {"active", "rejected", "withdrawn"}


@pytest.mark.parametrize("make", CONTRACTORS)
def test_contractor_failure_ends(make) -> None:
    flow = make()
    invited = flow.start("c1", at=T0)
    assert invited.fire("withdraw", at=T0).state == "withdrawn"
    registered = invited.fire("register", at=T0)
    rejected = registered.fire("reject", at=T0, actor="support", reason="дубликат анкеты")
    assert rejected.state == "rejected"
    assert rejected.outcome == "failure"
    with pytest.raises(TransitionError) as info:
        rejected.fire("register", at=T0)
    assert info.value.allowed == ()


@pytest.mark.parametrize("make", CONTRACTORS)
def test_invitation_expires_after_14_days(make) -> None:
    journey = make().start("c1", at=T0)
    assert journey.timeout_at == T0 + dt.timedelta(days=14)
    assert journey.advance(T0 + dt.timedelta(days=13)) == journey
    expired = journey.advance(T0 + dt.timedelta(days=20))
    assert expired.state == "withdrawn"
    assert expired.history[-1].actor == "system"
    assert expired.history[-1].at == T0 + dt.timedelta(days=14)


def _at(flow: Flow, state: str) -> Journey:
    journey = walk(flow, data=True)
    path = flow.path()
    return flow.replay("c1", T0, [s.to_dict() for s in journey.history[: path.index(state)]])


def _reasons(journey: Journey, event: str, **data) -> list[str]:
    verdict = journey.can(event, **data)
    assert not verdict
    with pytest.raises(TransitionError) as info:
        journey.fire(event, at=journey.last_at, **data)
    assert list(info.value.reasons) == list(verdict.reasons)
    return list(verdict.reasons)


def test_passport_guard() -> None:
    j = _at(flows.individual(), "profile_filled")
    assert _reasons(j, "verify_passport", passport="12 34") == [
        "passport must be the series and number, 10 digits as '4510 123456' (got '12 34')."
    ]


def test_tax_ids_guard() -> None:
    j = _at(flows.individual(), "passport_verified")
    assert _reasons(j, "confirm_tax_ids", inn="500100732258", snils="112-233-445 96") == [
        "inn '500100732258' has a wrong check digit; check the number against the tax certificate.",
        "snils '112-233-445 96' has a wrong checksum; copy it from the SNILS card again.",
    ]


def test_npd_status_guard_every_reason() -> None:
    j = _at(flows.self_employed(), "passport_verified")
    reasons = _reasons(
        j,
        "confirm_status",
        inn="123",
        npd_registered=False,
        annual_income=2_400_001,
        has_employees=True,
        resells_goods=True,
        excise_goods=True,
        mining=True,
        agent=True,
        client_employee_within_2_years=True,
    )
    assert reasons[0] == "inn must be the 12 digits of an individual's INN (got '123')."
    assert reasons[1].startswith("inn is not registered as a НПД payer")
    assert reasons[2] == (
        "annual_income 2400001 exceeds the НПД limit of 2 400 000 roubles a year "
        "(422-FZ art. 4 part 2 item 8)."
    )
    assert len(reasons) == 9
    assert all(r.startswith("may not be self-employed: ") for r in reasons[3:])
    assert "two years" in reasons[-1]
    # Exactly at the limit is allowed.
    assert j.can("confirm_status", inn="500100732259", npd_registered=True, annual_income=2_400_000)
    assert _reasons(j, "confirm_status", annual_income=-5)[0].startswith("annual_income must be")


def test_partner_permissions_guard() -> None:
    j = _at(flows.self_employed(), "status_confirmed")
    assert _reasons(j, "grant_permissions", permissions=["income_view"]) == [
        (
            "«Мой налог» partner permission 'income_registration' (регистрация дохода "
            "(формирование чеков)) is not granted."
        ),
        (
            "«Мой налог» partner permission 'profile_view' (получение информации о "
            "налогоплательщике) is not granted."
        ),
    ]
    assert _reasons(j, "grant_permissions", permissions="all") == [
        "permissions must be a list of permission codes (got 'all')."
    ]


def test_ogrnip_and_bank_guards() -> None:
    flow = flows.sole_proprietor()
    j = _at(flow, "passport_verified")
    assert _reasons(j, "verify_ogrnip", ogrnip="304500116000158", inn=INN) == [
        "ogrnip '304500116000158' has a wrong check digit; copy it from the ЕГРИП record."
    ]
    assert _reasons(j, "verify_ogrnip", ogrnip="104500116000157", inn=INN)[0].startswith(
        "ogrnip '104500116000157' must start with 3"
    )
    assert _reasons(j, "verify_ogrnip", ogrnip="3045", inn=INN)[0] == (
        "ogrnip must be the 15 digits of an OGRNIP (got '3045')."
    )
    j = _at(flow, "ogrnip_verified")
    assert _reasons(j, "add_bank_details", bik="12345", account="4081") == [
        "bik must be 9 digits starting with 04 (got '12345').",
        "account must be 20 digits (got '4081').",
    ]
    assert _reasons(j, "add_bank_details", bik="044525225", account="40817810800000000001") == [
        (
            "account '40817810800000000001' does not match bik '044525225' (control key); check "
            "both against the bank's details."
        )
    ]


def test_foreign_documents_guard() -> None:
    j = _at(flows.foreign_citizen(), "profile_filled")
    assert _reasons(
        j, "verify_documents", residence_status="eaeu", citizenship="UZ", documents=["passport"]
    ) == [
        (
            "residence_status 'eaeu' needs EAEU citizenship ['AM', 'BY', 'KG', 'KZ'] "
            "(got citizenship 'UZ')."
        ),
        "documents for status 'eaeu' are missing ['migration_registration'].",
    ]
    assert _reasons(j, "verify_documents", residence_status="tourist")[0] == (
        "residence_status must be one of ['eaeu', 'patent', 'rvp', 'vnzh', 'work_permit'] "
        "(got 'tourist')."
    )
    ok = j.can(
        "verify_documents",
        residence_status="eaeu",
        citizenship="KZ",
        documents=["passport", "migration_registration"],
    )
    assert ok
    assert ok.reasons == ()


def test_missing_data_is_named_in_reasons() -> None:
    j = _at(flows.self_employed(), "passport_verified")
    verdict = j.can("confirm_status")
    assert verdict  # lenient: walkable with fire(event, at=...) alone
    assert verdict.missing == ("inn", "npd_registered")
    assert verdict.reasons == (
        (
            "confirm_status not checked, needs inn, npd_registered: "
            "fire('confirm_status', at=..., inn=..., npd_registered=...)."
        ),
    )
    strict = Flow.from_dict({**flows.self_employed().to_dict(), "strict": True})
    j = _at(strict, "passport_verified")
    with pytest.raises(TransitionError) as info:
        j.fire("confirm_status", at=j.last_at, inn="500100732259")
    assert info.value.reasons == (
        "confirm_status needs npd_registered: fire('confirm_status', at=..., npd_registered=...).",
    )


def test_reject_names_its_missing_reason() -> None:
    j = flows.individual().start("c1", at=T0).fire("register", at=T0)
    assert j.can("reject").missing == ("reason",)


# -- deadlines, hand-computed on the Russian production calendar ------------------------------


def _signed(at: dt.datetime) -> Journey:
    flow = flows.foreign_citizen()
    j = flow.start("f1", at=at - dt.timedelta(hours=3))
    for event in ("register", "fill_profile", "verify_documents", "sign_contract"):
        j = j.fire(event, at=at)
    return j


def test_mvd_notice_over_new_year_holidays() -> None:
    # Signed Fri 27 Dec 2024. Sat 28 Dec is a working day (transferred), 29 Dec - 8 Jan
    # are days off, so the three working days are 28 Dec, 9 Jan, 10 Jan.
    j = _signed(dt.datetime(2024, 12, 27, 15, 0, tzinfo=MSK))
    due = dt.datetime(2025, 1, 10, 23, 59, 59, 999999, tzinfo=MSK)
    assert j.deadlines == {"mvd_contract_notice": due}
    assert j.overdue(due) == []
    assert j.overdue(due + dt.timedelta(microseconds=1)) == ["mvd_contract_notice"]
    on_time = j.fire("notify_mvd", at=due)  # exactly at the deadline is not a breach
    assert on_time.state == "active"
    assert on_time.met == {"mvd_contract_notice": due}
    assert on_time.overdue(due + dt.timedelta(days=30)) == []
    late = j.fire("notify_mvd", at=due + dt.timedelta(seconds=1))
    assert late.overdue(due + dt.timedelta(days=30)) == ["mvd_contract_notice"]


def test_mvd_notice_over_march_8() -> None:
    # Signed Thu 6 Mar 2025: Fri 7, (Sat 8 holiday, Sun 9), Mon 10, Tue 11.
    j = _signed(dt.datetime(2025, 3, 6, 18, 30, tzinfo=MSK))
    assert j.deadlines["mvd_contract_notice"].date() == dt.date(2025, 3, 11)


def test_mvd_termination_notice_over_may_holidays() -> None:
    # Signed and ended Wed 30 Apr 2025: 1-4 May off, then Mon 5, Tue 6, Wed 7 (8-11 off).
    j = _signed(dt.datetime(2025, 4, 30, 10, 0, tzinfo=MSK))
    ended = j.fire("terminate_contract", at=dt.datetime(2025, 4, 30, 17, 0, tzinfo=MSK))
    assert ended.deadlines["mvd_termination_notice"] == dt.datetime(
        2025, 5, 7, 23, 59, 59, 999999, tzinfo=MSK
    )
    assert ended.deadlines["mvd_contract_notice"].date() == dt.date(2025, 5, 7)
    both = ended.fire("notify_mvd", at=dt.datetime(2025, 5, 5, 9, 0, tzinfo=MSK))
    assert both.state == "contract_terminated"
    done = both.fire("notify_mvd_termination", at=dt.datetime(2025, 5, 5, 9, 5, tzinfo=MSK))
    assert done.state == "withdrawn"
    assert set(done.met) == {"mvd_contract_notice", "mvd_termination_notice"}
    assert done.overdue(dt.datetime(2025, 6, 1, tzinfo=MSK)) == []


def test_mvd_deadline_uses_moscow_date() -> None:
    # 22:30 UTC on Thu 5 Dec 2024 is already Fri 6 Dec in Moscow: Mon 9, Tue 10, Wed 11.
    j = _signed(dt.datetime(2024, 12, 5, 22, 30, tzinfo=dt.timezone.utc))
    assert j.deadlines["mvd_contract_notice"].date() == dt.date(2024, 12, 11)


def test_signed_contract_cannot_simply_be_withdrawn() -> None:
    j = _signed(dt.datetime(2025, 3, 6, 12, 0, tzinfo=MSK))
    with pytest.raises(TransitionError) as info:
        j.fire("withdraw", at=j.last_at)
    assert info.value.allowed == ("notify_mvd", "terminate_contract")


# -- support agents ---------------------------------------------------------------------------


def _agent(until: str) -> Journey:
    flow = flows.support_agent()
    j = flow.start("a1", at=dt.datetime(2025, 2, 3, 9, 0, tzinfo=MSK), team="линия 1")
    steps = [
        ("assign_mentor", dt.datetime(2025, 2, 3, 12, 0, tzinfo=MSK), {"mentor": "Ольга"}),
        ("start_email", dt.datetime(2025, 2, 4, 9, 0, tzinfo=MSK), {}),
        ("add_chat", dt.datetime(2025, 3, 4, 9, 0, tzinfo=MSK), {}),
        ("add_phone", dt.datetime(2025, 3, 19, 9, 0, tzinfo=MSK), {}),
    ]
    for event, at, data in steps:
        j = j.fire(event, at=at, **data)
        if j.state == until:
            break
    return j


def test_agent_happy_path_and_probation_deadline() -> None:
    j = _agent("on_phone")
    assert j.deadlines == {"probation_end": dt.datetime(2025, 5, 3, 9, 0, tzinfo=MSK)}
    done = j.fire("pass_test", at=dt.datetime(2025, 4, 28, 15, 0, tzinfo=MSK), score=92)
    assert done.state == "confirmed"
    assert done.outcome == "success"
    assert done.met == {"probation_end": dt.datetime(2025, 4, 28, 15, 0, tzinfo=MSK)}


def test_agent_fail_and_extend() -> None:
    j = _agent("on_phone")
    end = dt.datetime(2025, 5, 2, 12, 0, tzinfo=MSK)
    assert j.fire("fail_test", at=end, score=40).state == "dismissed"
    extended = j.fire("extend_probation", at=end)
    assert extended.deadlines["extended_probation_end"] == dt.datetime(
        2025, 6, 2, 12, 0, tzinfo=MSK
    )
    assert extended.fire("pass_test", at=end + dt.timedelta(days=20)).state == "confirmed"
    assert extended.fire("fail_test", at=end + dt.timedelta(days=20)).state == "dismissed"
    assert j.fire("resign", at=end).state == "resigned"


def test_agent_guards() -> None:
    flow = flows.support_agent()
    hired = flow.start("a1", at=dt.datetime(2025, 2, 3, 9, 0, tzinfo=MSK))
    assert hired.can("assign_mentor").missing == ("mentor",)
    on_email = _agent("on_email")
    early = dt.datetime(2025, 2, 20, 9, 0, tzinfo=MSK)
    assert on_email.can("add_chat", at=early).reasons == (
        (
            "chat is added a month after e-mail: no earlier than 2025-03-04T09:00:00+03:00 "
            "(got 2025-02-20T09:00:00+03:00)."
        ),
    )
    on_chat = _agent("on_chat")
    assert not on_chat.can("add_phone", at=dt.datetime(2025, 3, 10, 9, 0, tzinfo=MSK))
    on_phone = _agent("on_phone")
    early_test = dt.datetime(2025, 4, 1, 9, 0, tzinfo=MSK)
    assert (
        on_phone.can("pass_test", at=early_test)
        .reasons[0]
        .startswith(
            "the probation test is taken in the last week of the three months: no earlier than "
            "2025-04-26T09:00:00+03:00"
        )
    )
    late = dt.datetime(2025, 4, 30, 9, 0, tzinfo=MSK)
    assert _reasons(on_phone.fire("extend_probation", at=late), "pass_test", score=50) == [
        "score 50 is below the pass mark of 80; use fail_test or extend_probation."
    ]
    assert not on_phone.can("fail_test", at=late, score=95)
    assert on_phone.can("fail_test", at=late, score=101).reasons[0] == (
        "score must be a number from 0 to 100 (got 101)."
    )
