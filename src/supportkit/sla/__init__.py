"""supportkit.sla: working-time calendars, production calendars and SLA clocks."""

from supportkit.sla import erlang_a, erlang_b, erlang_c
from supportkit.sla._batch import Attainment, AttainmentSummary
from supportkit.sla._calendar import WorkCalendar
from supportkit.sla._clock import PolicySet
from supportkit.sla._coverage import Crew, Slot, coverage, gaps
from supportkit.sla._events import MetricEvent
from supportkit.sla._frame_batch import FrameSchema, SLABatch
from supportkit.sla._holidays_adapter import from_holidays
from supportkit.sla._policy import (
    METRICS,
    AppliesTo,
    CalendarTime,
    SLAPolicy,
    WorkingTime,
    parse_duration,
)
from supportkit.sla._presets import PRESETS, calendar_from, preset
from supportkit.sla._production import (
    ProductionCalendar,
    add_business_days,
    business_days_between,
    russia,
)
from supportkit.sla._report import STATES, MetricResult, SLAReport
from supportkit.sla._risk import Risk, at_risk, risk_of

__all__ = [  # noqa: RUF022 - plain sorted(), as tests/test_contract.py checks
    "AppliesTo",
    "Attainment",
    "AttainmentSummary",
    "CalendarTime",
    "Crew",
    "FrameSchema",
    "METRICS",
    "MetricEvent",
    "MetricResult",
    "PRESETS",
    "PolicySet",
    "ProductionCalendar",
    "Risk",
    "SLABatch",
    "SLAPolicy",
    "SLAReport",
    "STATES",
    "Slot",
    "WorkCalendar",
    "WorkingTime",
    "add_business_days",
    "at_risk",
    "business_days_between",
    "calendar_from",
    "coverage",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "from_holidays",
    "gaps",
    "parse_duration",
    "preset",
    "risk_of",
    "russia",
]
