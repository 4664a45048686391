"""Guards: named checks on a transition that return *reasons* when they fail.

A guard reads the journey's data (everything given to earlier events, overlaid with
the event's own ``**data``) and returns a list of reasons; an empty list passes. A
guard declares the data it ``needs``: when some of it is missing, the verdict names it
(``needs inn``) — a strict flow blocks the event, a lenient one (the default) lets it
through and says what was not checked.

Also here: check-digit validators for Russian identifiers (INN, SNILS, OGRNIP, BIK and
account), usable on their own.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import attrs
from dateutil.relativedelta import relativedelta

from supportkit.onboarding._step import Step
from supportkit.onboarding._values import names

__all__ = [
    "EAEU_COUNTRIES",
    "FOREIGN_DOCUMENTS",
    "GUARDS",
    "NPD_INCOME_LIMIT",
    "PARTNER_PERMISSIONS",
    "Guard",
    "GuardContext",
    "JourneyView",
    "check_account",
    "check_inn",
    "check_ogrnip",
    "check_snils",
]

#: Annual income limit of the НПД regime, roubles (422-FZ art. 4 part 2 item 8).
NPD_INCOME_LIMIT = 2_400_000

#: EAEU member states (ISO 3166 alpha-2) other than Russia: no patent needed to work.
EAEU_COUNTRIES = frozenset({"AM", "BY", "KG", "KZ"})

#: Permissions a platform asks for as a «Мой налог» partner; the guard requires all.
PARTNER_PERMISSIONS = {
    "income_registration": "регистрация дохода (формирование чеков)",
    "income_view": "просмотр информации о доходах и чеках",
    "profile_view": "получение информации о налогоплательщике",
}

#: Documents required from a foreign citizen, per migration status.
FOREIGN_DOCUMENTS = {
    "eaeu": ("passport", "migration_registration"),
    "patent": ("passport", "migration_card", "migration_registration", "patent", "patent_receipt"),
    "work_permit": ("passport", "migration_card", "migration_registration", "work_permit"),
    "rvp": ("passport", "rvp", "registration"),
    "vnzh": ("passport", "vnzh", "registration"),
}

_NPD_RESTRICTIONS = {
    "has_employees": "has employees under employment contracts (422-FZ art. 4 part 2 item 4)",
    "resells_goods": "resells goods or property rights (422-FZ art. 4 part 2 item 2)",
    "excise_goods": "sells excisable or marked goods (422-FZ art. 4 part 2 item 1)",
    "mining": "extracts or sells minerals (422-FZ art. 4 part 2 item 3)",
    "agent": "works as an agent under commission or agency contracts (422-FZ art. 4 p. 2 i. 6)",
    "client_employee_within_2_years": (
        "was an employee of this client within the last two years, so payments from it are "
        "not НПД income (422-FZ art. 6 part 2 item 8)"
    ),
}


class FlowView(Protocol):
    """What a guard reads of the flow: its name and initial state."""

    @property
    def name(self) -> str:
        """The flow's name."""

    @property
    def initial(self) -> str:
        """The state a journey starts in."""


class JourneyView(Protocol):
    """What a guard reads of the journey before the event (a ``Journey`` fits).

    Guards sit below journeys (a flow is built from its guards, a journey from its
    flow), so they see the journey through this protocol rather than the class.
    """

    @property
    def flow(self) -> FlowView:
        """The flow of the journey."""

    @property
    def subject_id(self) -> str:
        """Who is onboarded."""

    @property
    def state(self) -> str:
        """The current state."""

    @property
    def started_at(self) -> _dt.datetime:
        """When the journey started."""

    @property
    def history(self) -> tuple[Step, ...]:
        """The steps so far, oldest first."""

    @property
    def data(self) -> Mapping[str, Any]:
        """Everything known before the event."""

    def entered_at(self, state: str) -> _dt.datetime | None:
        """When the journey last entered ``state``."""


class GuardContext:
    """What a guard sees: the merged ``data``, the ``journey`` before the event, ``at``."""

    __slots__ = ("at", "data", "event", "journey")

    def __init__(self, data: Mapping[str, Any], journey: JourneyView, at: _dt.datetime, event: str):
        self.data = data
        self.journey = journey
        self.at = at
        self.event = event


Check = Callable[[GuardContext], list[str]]


def _needs(value: Any) -> tuple[str, ...]:
    return names(value, field="needs", example="('inn', 'passport')")


@attrs.frozen
class Guard:
    """A named check: ``check(context) -> reasons`` (empty when it passes).

    Args:
        name: How transitions refer to it (``"npd_status"``).
        check: The function; it validates whatever of its data is present.
        needs: Data keys the guard cannot decide without.
        description: One line for docs and diagrams.
    """

    name: str
    check: Check = attrs.field(eq=False, repr=False)
    needs: tuple[str, ...] = attrs.field(default=(), converter=_needs)
    description: str = ""

    def evaluate(self, context: GuardContext) -> tuple[list[str], list[str]]:
        """Return ``(reasons, missing data keys)``."""
        data = context.data
        missing = [k for k in self.needs if data.get(k) is None]
        return self.check(context), missing


def _digits(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = re.sub(r"[\s-]", "", value)
    return text if text.isdigit() else None


def check_inn(value: Any, *, field: str = "inn") -> list[str]:
    """Reasons why ``value`` is not a valid 12-digit INN of an individual (check digits).

    >>> check_inn("500100732259")
    []
    >>> check_inn("500100732258")
    ["inn '500100732258' has a wrong check digit; check the number against the tax certificate."]
    """
    digits = _digits(value)
    if digits is None or len(digits) != 12:
        return [f"{field} must be the 12 digits of an individual's INN (got {value!r})."]
    n = [int(c) for c in digits]
    w11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    w12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    c11 = sum(a * b for a, b in zip(w11, n[:10], strict=True)) % 11 % 10
    c12 = sum(a * b for a, b in zip(w12, n[:11], strict=True)) % 11 % 10
    if (c11, c12) != (n[10], n[11]):
        return [
            (
                f"{field} {value!r} has a wrong check digit; check the number against the tax "
                "certificate."
            )
        ]
    return []


def check_snils(value: Any, *, field: str = "snils") -> list[str]:
    """Reasons why ``value`` is not a valid SNILS (11 digits, checksum in the last two).

    >>> check_snils("112-233-445 95")
    []
    """
    digits = _digits(value)
    if digits is None or len(digits) != 11:
        return [f"{field} must be 11 digits such as '112-233-445 95' (got {value!r})."]
    total = sum(int(c) * (9 - i) for i, c in enumerate(digits[:9]))
    while total > 101:
        total %= 101
    expected = 0 if total in (100, 101) else total
    if int(digits[9:]) != expected:
        return [f"{field} {value!r} has a wrong checksum; copy it from the SNILS card again."]
    return []


def check_ogrnip(value: Any, *, field: str = "ogrnip") -> list[str]:
    """Reasons why ``value`` is not a valid OGRNIP (15 digits starting with 3, check digit).

    >>> check_ogrnip("304500116000157")
    []
    """
    digits = _digits(value)
    if digits is None or len(digits) != 15:
        return [f"{field} must be the 15 digits of an OGRNIP (got {value!r})."]
    if digits[0] != "3":
        return [f"{field} {value!r} must start with 3 (an entrepreneur's record in ЕГРИП)."]
    if int(digits[:14]) % 13 % 10 != int(digits[14]):
        return [f"{field} {value!r} has a wrong check digit; copy it from the ЕГРИП record."]
    return []


def check_account(bik: Any, account: Any) -> list[str]:
    """Reasons why a BIK (9 digits) and settlement account (20 digits) do not fit together.

    The control key (the account's 9th digit) is checked against the BIK's last three
    digits with the Bank of Russia weights 7-1-3.
    """
    reasons = []
    b = _digits(bik)
    a = _digits(account)
    if b is None or len(b) != 9 or not b.startswith("04"):
        reasons.append(f"bik must be 9 digits starting with 04 (got {bik!r}).")
    if a is None or len(a) != 20:
        reasons.append(f"account must be 20 digits (got {account!r}).")
    if reasons:
        return reasons
    assert a is not None
    assert b is not None
    number = b[-3:] + a
    weights = (7, 1, 3) * 8
    if sum(int(c) * w for c, w in zip(number, weights[: len(number)], strict=True)) % 10:
        return [
            (
                f"account {account!r} does not match bik {bik!r} (control key); check both "
                "against the bank's details."
            )
        ]
    return []


def _passport(ctx: GuardContext) -> list[str]:
    value = ctx.data.get("passport")
    if value is None:
        return []
    digits = _digits(value)
    if digits is None or len(digits) != 10:
        return [
            f"passport must be the series and number, 10 digits as '4510 123456' (got {value!r})."
        ]
    return []


def _tax_ids(ctx: GuardContext) -> list[str]:
    out = []
    if ctx.data.get("inn") is not None:
        out += check_inn(ctx.data["inn"])
    if ctx.data.get("snils") is not None:
        out += check_snils(ctx.data["snils"])
    return out


def _npd_status(ctx: GuardContext) -> list[str]:
    data = ctx.data
    out = []
    if data.get("inn") is not None:
        out += check_inn(data["inn"])
    if data.get("npd_registered") is False:
        out.append("inn is not registered as a НПД payer; register in «Мой налог» and check again.")
    income = data.get("annual_income")
    if income is not None:
        if not isinstance(income, (int, float)) or isinstance(income, bool) or income < 0:
            out.append(f"annual_income must be a non-negative number of roubles (got {income!r}).")
        elif income > NPD_INCOME_LIMIT:
            out.append(
                f"annual_income {income!r} exceeds the НПД limit of {NPD_INCOME_LIMIT:,} roubles "
                "a year (422-FZ art. 4 part 2 item 8).".replace(",", " ")
            )
    out += [
        f"may not be self-employed: {text}."
        for key, text in _NPD_RESTRICTIONS.items()
        if data.get(key)
    ]
    return out


def _permissions(ctx: GuardContext) -> list[str]:
    given = ctx.data.get("permissions")
    if given is None:
        return []
    if isinstance(given, str) or not hasattr(given, "__iter__"):
        return [f"permissions must be a list of permission codes (got {given!r})."]
    granted = list(given)  # compared with ==, so unhashable items are merely wrong
    missing = [code for code in PARTNER_PERMISSIONS if code not in granted]
    return [
        f"«Мой налог» partner permission {code!r} ({PARTNER_PERMISSIONS[code]}) is not granted."
        for code in missing
    ]


def _ogrnip(ctx: GuardContext) -> list[str]:
    out = []
    if ctx.data.get("ogrnip") is not None:
        out += check_ogrnip(ctx.data["ogrnip"])
    if ctx.data.get("inn") is not None:
        out += check_inn(ctx.data["inn"])
    return out


def _bank(ctx: GuardContext) -> list[str]:
    bik, account = ctx.data.get("bik"), ctx.data.get("account")
    if bik is None or account is None:
        return []
    return check_account(bik, account)


def _foreign(ctx: GuardContext) -> list[str]:
    status = ctx.data.get("residence_status")
    if status is None:
        return []
    if not isinstance(status, str) or status not in FOREIGN_DOCUMENTS:
        return [f"residence_status must be one of {sorted(FOREIGN_DOCUMENTS)} (got {status!r})."]
    out = []
    country = ctx.data.get("citizenship")
    if status == "eaeu" and country is not None and str(country) not in EAEU_COUNTRIES:
        out.append(
            f"residence_status 'eaeu' needs EAEU citizenship {sorted(EAEU_COUNTRIES)} "
            f"(got citizenship {country!r})."
        )
    documents = ctx.data.get("documents")
    if documents is None:
        return out
    if not isinstance(documents, (list, tuple)):
        out.append(f"documents must be a list of document codes (got {documents!r}).")
        return out
    missing = [d for d in FOREIGN_DOCUMENTS[status] if d not in documents]
    if missing:
        out.append(f"documents for status {status!r} are missing {missing}.")
    return out


def _since(ctx: GuardContext, state: str, amount: relativedelta, what: str) -> list[str]:
    entered = ctx.journey.entered_at(state)
    if entered is None:
        return []
    ready = entered + amount
    if ctx.at < ready:
        return [f"{what} no earlier than {ready.isoformat()} (got {ctx.at.isoformat()})."]
    return []


def _chat_ready(ctx: GuardContext) -> list[str]:
    return _since(ctx, "on_email", relativedelta(months=1), "chat is added a month after e-mail:")


def _phone_ready(ctx: GuardContext) -> list[str]:
    return _since(
        ctx, "on_email", relativedelta(months=1, days=15), "phone is added 1.5 months after e-mail:"
    )


def _probation_over(ctx: GuardContext) -> list[str]:
    return _since(
        ctx,
        ctx.journey.flow.initial,
        relativedelta(months=3, days=-7),
        "the probation test is taken in the last week of the three months:",
    )


def _score(passed: bool) -> Check:
    def check(ctx: GuardContext) -> list[str]:
        score = ctx.data.get("score")
        if score is None:
            return []
        if not isinstance(score, (int, float)) or isinstance(score, bool) or not 0 <= score <= 100:
            return [f"score must be a number from 0 to 100 (got {score!r})."]
        if passed and score < 80:
            return [
                f"score {score!r} is below the pass mark of 80; use fail_test or extend_probation."
            ]
        if not passed and score >= 80:
            return [f"score {score!r} reaches the pass mark of 80; use pass_test."]
        return []

    return check


def _nothing(ctx: GuardContext) -> list[str]:
    del ctx
    return []


GUARDS: dict[str, Guard] = {
    g.name: g
    for g in (
        Guard("passport", _passport, ("passport",), "passport series and number (10 digits)"),
        Guard("tax_ids", _tax_ids, ("inn", "snils"), "INN and SNILS with valid check digits"),
        Guard(
            "npd_status",
            _npd_status,
            ("inn", "npd_registered"),
            "registered НПД payer, income within 2.4 mln ₽, not barred",
        ),
        Guard(
            "partner_permissions",
            _permissions,
            ("permissions",),
            "«Мой налог» partner permissions granted",
        ),
        Guard("ogrnip", _ogrnip, ("ogrnip", "inn"), "OGRNIP (15 digits) and INN valid"),
        Guard("bank_details", _bank, ("bik", "account"), "BIK and account match"),
        Guard(
            "foreign_documents",
            _foreign,
            ("residence_status", "citizenship", "documents"),
            "documents for the migration status",
        ),
        Guard("mentor", _nothing, ("mentor",), "a mentor is named"),
        Guard("reason", _nothing, ("reason",), "a reason is given"),
        Guard("chat_ready", _chat_ready, (), "a month on e-mail"),
        Guard("phone_ready", _phone_ready, (), "1.5 months since e-mail"),
        Guard("probation_over", _probation_over, (), "last week of the 3-month probation"),
        Guard("test_passed", _score(passed=True), ("score",), "score of 80 or more"),
        Guard("test_failed", _score(passed=False), ("score",), "score under 80"),
    )
}
