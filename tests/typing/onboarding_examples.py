"""Onboarding usage that must type-check under ``mypy --strict`` (not executed)."""

from __future__ import annotations

import datetime as dt

from supportkit.onboarding import (
    Flow,
    Funnel,
    Journey,
    SQLiteJourneyStore,
    TransitionError,
    Verdict,
    flows,
    funnel,
    stuck,
)


def activate(journey: Journey, at: dt.datetime) -> Journey:
    verdict: Verdict = journey.can("sign_contract")
    if not verdict:
        return journey
    try:
        return journey.fire("sign_contract", at=at, actor="support")
    except TransitionError as error:
        print(error.state, error.allowed, error.reasons)
        return journey


def mvd_due(journey: Journey) -> dt.datetime | None:
    return journey.deadlines.get("mvd_contract_notice")


def client_variant() -> Flow:
    return flows.self_employed().move_step("status_confirmed", after="invited")


def report(store: SQLiteJourneyStore, now: dt.datetime) -> tuple[Funnel, list[Journey]]:
    flow = flows.self_employed()
    journeys = list(store.journeys(flow))
    return funnel(journeys, flow), stuck(journeys, now=now, idle=dt.timedelta(hours=4))
