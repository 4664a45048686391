"""supportkit.onboarding: contractor and agent onboarding as explicit, durable state machines.

Flows are data (:class:`Flow`), journeys are immutable (:class:`Journey`), the built-in
flows live in :mod:`supportkit.onboarding.flows`. Needs from below: ``supportkit._time``,
``supportkit.exceptions`` and the production calendar of :mod:`supportkit.sla`. Offers
above: flows, journeys, a durable store, the funnel and call list, pictures (Mermaid,
DOT, SVG, notebook HTML) and ``supportkit onboarding funnel|stuck``. Inside, modules
import downhill only; the layers are listed in ``_flow.py``.
"""

from supportkit.exceptions import TransitionError
from supportkit.onboarding import flows
from supportkit.onboarding._analytics import (
    Cohort,
    CohortComparison,
    Funnel,
    FunnelStep,
    SelfService,
    compare_cohorts,
    funnel,
    self_service,
    stuck,
)
from supportkit.onboarding._copy import copy_store
from supportkit.onboarding._diagram import to_dot, to_mermaid
from supportkit.onboarding._flow import DeadlineRule, Flow, State, Timeout, Transition
from supportkit.onboarding._frame_batch import FunnelBatch, FunnelParts
from supportkit.onboarding._guards import (
    GUARDS,
    NPD_INCOME_LIMIT,
    Guard,
    GuardContext,
    check_account,
    check_inn,
    check_ogrnip,
    check_snils,
)
from supportkit.onboarding._journey import Journey
from supportkit.onboarding._postgres import PostgresJourneyStore
from supportkit.onboarding._step import SUPPORT_ACTORS, Step, Verdict
from supportkit.onboarding._store import SQLiteJourneyStore
from supportkit.onboarding._storebase import Claim, JourneyStore
from supportkit.onboarding._storerows import SCHEMA_VERSION, StoreUnavailable
from supportkit.onboarding._variants import FlowDiff, diff, move_step, with_step, without_step
from supportkit.onboarding._worktime import OfficeClock, WorkingDays, WorkingTime, nth_working_day

# Plain sorted() order, as the API contract test checks (not ruff's isort-style order).
__all__ = [  # noqa: RUF022
    "Claim",
    "Cohort",
    "CohortComparison",
    "DeadlineRule",
    "Flow",
    "FlowDiff",
    "Funnel",
    "FunnelBatch",
    "FunnelParts",
    "FunnelStep",
    "GUARDS",
    "Guard",
    "GuardContext",
    "Journey",
    "JourneyStore",
    "NPD_INCOME_LIMIT",
    "OfficeClock",
    "PostgresJourneyStore",
    "SCHEMA_VERSION",
    "SQLiteJourneyStore",
    "SUPPORT_ACTORS",
    "SelfService",
    "State",
    "Step",
    "StoreUnavailable",
    "Timeout",
    "Transition",
    "TransitionError",
    "Verdict",
    "WorkingDays",
    "WorkingTime",
    "check_account",
    "check_inn",
    "check_ogrnip",
    "check_snils",
    "compare_cohorts",
    "copy_store",
    "diff",
    "flows",
    "funnel",
    "move_step",
    "nth_working_day",
    "self_service",
    "stuck",
    "to_dot",
    "to_mermaid",
    "with_step",
    "without_step",
]
