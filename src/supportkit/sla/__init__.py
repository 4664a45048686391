"""supportkit.sla: working-time calendars, production calendars and SLA clocks."""

from supportkit.sla._calendar import WorkCalendar
from supportkit.sla._holidays_adapter import from_holidays
from supportkit.sla._production import (
    ProductionCalendar,
    add_business_days,
    business_days_between,
    russia,
)

__all__ = [
    "ProductionCalendar",
    "WorkCalendar",
    "add_business_days",
    "business_days_between",
    "from_holidays",
    "russia",
]
