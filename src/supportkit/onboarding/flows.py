"""The built-in onboarding flows, one per category of contractor, plus support agents.

Every contractor flow starts in ``invited`` (the client listed the person and the
platform sent an invitation link, which expires after 14 days), ends in ``active``
(can be paid) on success and in ``rejected`` or ``withdrawn`` on failure. From every
open state the contractor may ``withdraw`` and the platform may ``reject`` (guard
``reason``). The sources each flow follows are in ``docs/onboarding.md``.

Each call returns a fresh, validated :class:`~supportkit.onboarding.Flow`; change it
per client with ``with_step`` / ``without_step`` / ``move_step``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

from supportkit.exceptions import InvalidArgument, UnknownName
from supportkit.onboarding._flow import DeadlineRule, Flow, State, Timeout, Transition

__all__ = [
    "INVITATION_DAYS",
    "MVD_NOTICE_WORKING_DAYS",
    "NAMES",
    "foreign_citizen",
    "get",
    "individual",
    "self_employed",
    "sole_proprietor",
    "support_agent",
]

#: Days an invitation link stays valid before the journey is withdrawn (``expire``).
INVITATION_DAYS = 14

#: Working days to notify МВД of a contract with a foreign citizen being concluded or
#: ended (115-FZ art. 13 item 8; order of МВД of Russia of 30.07.2020 No 536).
MVD_NOTICE_WORKING_DAYS = 3

_ONBOARDING = (
    ("registered", "register", (), "перешёл по ссылке-приглашению и зарегистрировался"),
    ("profile_filled", "fill_profile", (), "заполнил анкету"),
)
_PASSPORT = ("passport_verified", "verify_passport", ("passport",), "паспорт распознан по фото")
_SIGN = ("active", "sign_contract", (), "подписал договор электронной подписью")

Step = tuple[str, str, tuple[str, ...], str]


def _contractor(
    name: str,
    steps: Sequence[Step],
    description: str,
    *,
    deadlines: Sequence[DeadlineRule] = (),
    extra_states: Sequence[State] = (),
    extra_transitions: Sequence[Transition] = (),
    closed: Sequence[str] = (),
) -> Flow:
    states: list[State] = [
        State(
            "invited",
            "получил приглашение от заказчика",
            timeout=Timeout(_dt.timedelta(days=INVITATION_DAYS), "expire"),
        )
    ]
    transitions = [Transition("invited", "expire", "withdrawn")]
    previous = "invited"
    for step, event, guards, label in steps:
        if step != "active":
            states.append(State(step, label))
        transitions.append(Transition(previous, event, step, guards))
        previous = step
    states.extend(extra_states)
    for state in states:
        if state.name in closed:
            continue
        transitions.append(Transition(state.name, "withdraw", "withdrawn"))
        if state.name != "invited":
            transitions.append(Transition(state.name, "reject", "rejected", ("reason",)))
    states += [
        State("active", "активен, может получать выплаты", terminal=True, outcome="success"),
        State("rejected", "отклонён платформой или заказчиком", terminal=True, outcome="failure"),
        State(
            "withdrawn", "отказался или не завершил регистрацию", terminal=True, outcome="failure"
        ),
    ]
    transitions.extend(extra_transitions)
    return Flow(name, "invited", states, transitions, deadlines, description=description)


def individual() -> Flow:
    """An individual under a civil-law (ГПХ) contract; the client withholds НДФЛ.

    invited → registered → profile_filled → passport_verified → tax_ids_confirmed →
    active. The client is the tax agent, so it needs the INN and SNILS (guard
    ``tax_ids`` checks both check sums).
    """
    steps = [
        *_ONBOARDING,
        _PASSPORT,
        ("tax_ids_confirmed", "confirm_tax_ids", ("tax_ids",), "ИНН и СНИЛС проверены"),
        _SIGN,
    ]
    return _contractor(
        "individual",
        steps,
        "Individual under a civil-law contract; the client withholds personal income tax "
        "(Tax Code art. 226) and pays insurance contributions.",
    )


def self_employed() -> Flow:
    """A self-employed contractor (НПД, 422-FZ).

    invited → registered → profile_filled → passport_verified → status_confirmed →
    permissions_granted → active. ``confirm_status`` checks the НПД status by INN, the
    2.4 mln ₽ income limit and who may not be self-employed (guard ``npd_status``);
    ``grant_permissions`` checks the «Мой налог» partner permissions.
    """
    steps = [
        *_ONBOARDING,
        _PASSPORT,
        ("status_confirmed", "confirm_status", ("npd_status",), "статус самозанятого подтверждён"),
        (
            "permissions_granted",
            "grant_permissions",
            ("partner_permissions",),
            "дал платформе права партнёра в «Мой налог»",
        ),
        _SIGN,
    ]
    return _contractor(
        "self_employed",
        steps,
        "Self-employed (налог на профессиональный доход, Federal Law 422-FZ of 27.11.2018).",
    )


def sole_proprietor() -> Flow:
    """An individual entrepreneur (ИП): OGRNIP and bank details.

    invited → registered → profile_filled → passport_verified → ogrnip_verified →
    bank_details_added → active.
    """
    steps = [
        *_ONBOARDING,
        _PASSPORT,
        ("ogrnip_verified", "verify_ogrnip", ("ogrnip",), "ОГРНИП и ИНН проверены"),
        (
            "bank_details_added",
            "add_bank_details",
            ("bank_details",),
            "указал БИК и расчётный счёт",
        ),
        _SIGN,
    ]
    return _contractor(
        "sole_proprietor",
        steps,
        "Individual entrepreneur (ИП): OGRNIP from ЕГРИП, settlement account.",
    )


def foreign_citizen() -> Flow:
    """A foreign citizen: documents per migration status, then the notices to МВД.

    invited → registered → profile_filled → documents_verified → contract_signed →
    active. Signing starts the deadline ``mvd_contract_notice`` (3 working days on the
    production calendar); ``notify_mvd`` meets it and activates the contractor. A signed
    contract that ends before that goes through ``contract_terminated``, whose notice
    ``mvd_termination_notice`` is due within 3 working days as well.
    """
    steps = [
        *_ONBOARDING,
        (
            "documents_verified",
            "verify_documents",
            ("foreign_documents",),
            "документы по миграционному статусу проверены",
        ),
        ("contract_signed", "sign_contract", (), "договор подписан, уведомление МВД не подано"),
        ("active", "notify_mvd", (), "уведомление о заключении договора подано"),
    ]
    law = "115-FZ art. 13 item 8; form and procedure: order of МВД of Russia of 30.07.2020 No 536"
    deadlines = [
        DeadlineRule(
            "mvd_contract_notice",
            "sign_contract",
            ("notify_mvd",),
            working_days=MVD_NOTICE_WORKING_DAYS,
            source=law,
        ),
        DeadlineRule(
            "mvd_termination_notice",
            "terminate_contract",
            ("notify_mvd_termination",),
            working_days=MVD_NOTICE_WORKING_DAYS,
            source=law,
        ),
    ]
    terminated = State("contract_terminated", "договор расторгнут, уведомление МВД не подано")
    extra = [
        Transition("contract_signed", "terminate_contract", "contract_terminated"),
        Transition("contract_terminated", "notify_mvd", "contract_terminated"),
        Transition("contract_terminated", "notify_mvd_termination", "withdrawn"),
    ]
    return _contractor(
        "foreign_citizen",
        steps,
        "Foreign citizen: patent, EAEU citizen, work permit, РВП or ВНЖ; notices to МВД of "
        f"concluding and ending the contract within 3 working days ({law}).",
        deadlines=deadlines,
        extra_states=[terminated],
        extra_transitions=extra,
        closed=("contract_signed", "contract_terminated"),
    )


def support_agent() -> Flow:
    """A new support agent: mentor, e-mail, chat after a month, phone after 1.5 months.

    hired → mentoring → on_email → on_chat → on_phone → (test) confirmed / dismissed /
    extended; extended → confirmed / dismissed. Probation is three months (deadline
    ``probation_end``); an extension adds one more (``extended_probation_end``). The
    agent may ``resign`` at any open step.
    """
    states = [
        State("hired", "принят, ждёт наставника"),
        State("mentoring", "назначен наставник"),
        State("on_email", "отвечает на письма"),
        State("on_chat", "письма и чат"),
        State("on_phone", "письма, чат и телефон"),
        State("extended", "испытательный срок продлён"),
        State("confirmed", "прошёл испытательный срок", terminal=True, outcome="success"),
        State("dismissed", "не прошёл испытательный срок", terminal=True, outcome="failure"),
        State("resigned", "ушёл сам", terminal=True, outcome="failure"),
    ]
    t: list[Any] = [
        Transition("hired", "assign_mentor", "mentoring", ("mentor",)),
        Transition("mentoring", "start_email", "on_email"),
        Transition("on_email", "add_chat", "on_chat", ("chat_ready",)),
        Transition("on_chat", "add_phone", "on_phone", ("phone_ready",)),
        Transition("on_phone", "pass_test", "confirmed", ("probation_over", "test_passed")),
        Transition("on_phone", "fail_test", "dismissed", ("probation_over", "test_failed")),
        Transition("on_phone", "extend_probation", "extended", ("probation_over",)),
        Transition("extended", "pass_test", "confirmed", ("test_passed",)),
        Transition("extended", "fail_test", "dismissed", ("test_failed",)),
    ]
    t += [Transition(s.name, "resign", "resigned") for s in states if not s.terminal]
    ends = ("pass_test", "fail_test", "extend_probation")
    deadlines = [
        DeadlineRule("probation_end", "start", ends, months=3),
        DeadlineRule("extended_probation_end", "extend_probation", ends[:2], months=1),
    ]
    return Flow(
        "support_agent",
        "hired",
        states,
        t,
        deadlines,
        description="Support agent onboarding: mentor; e-mail, chat after about a month, phone "
        "after 1.5-2 months; a three-month probation ending in a test.",
    )


_BUILT_IN = {
    "individual": individual,
    "self_employed": self_employed,
    "sole_proprietor": sole_proprietor,
    "foreign_citizen": foreign_citizen,
    "support_agent": support_agent,
}

#: The names of the built-in flows, as :func:`get` (and ``--flow`` on the command line) take them.
NAMES = tuple(sorted(_BUILT_IN))


def get(name: str) -> Flow:
    """Return a fresh built-in flow by its name (``"self_employed"``).

    Raises:
        UnknownName: no built-in flow has that name (a ``LookupError``; the message
            lists the names).
        InvalidArgument: ``name`` is not a string.

    >>> get("self_employed").name
    'self_employed'
    """
    if not isinstance(name, str):
        raise InvalidArgument(
            f"flow name must be a string such as 'self_employed' (got {name!r}).",
            field="flow",
            value=name,
        )
    make = _BUILT_IN.get(name)
    if make is None:
        raise UnknownName(
            f"there is no built-in flow {name!r}; built-in flows are {list(NAMES)}.",
            field="flow",
            value=name,
        )
    return make()
