"""supportkit.metrics: the numbers support teams steer by — exact, mergeable, with uncertainty.

Every metric is a function (``csat(ratings)``) and an accumulator class (``CSAT``) with
``add``, ``add_many``, ``merge`` and ``result``; merging partial accumulators gives
exactly the one-pass result, so the same code runs in a notebook, over a streamed
export, or as a Dask reduction. :func:`weekly_report` puts them together.
"""

from supportkit.metrics._base import WorkingTime
from supportkit.metrics._dask import accumulate_bag, report_from_bag, report_from_files
from supportkit.metrics._frame_batch import MetricsBatch
from supportkit.metrics._operations import (
    AutomationRate,
    Backlog,
    ContactRate,
    OneTouchRate,
    ReopenRate,
    ResolutionTimes,
    ResponseTimes,
    SLAAttainment,
    SLAReportLike,
    automation_rate,
    backlog,
    contact_rate,
    contact_rates,
    one_touch_rate,
    reopen_rate,
    resolution_times,
    response_times,
    sla_attainment,
)
from supportkit.metrics._percentiles import LogSketch
from supportkit.metrics._quality import DEFAULT_BONUS, QAScores, bonus, qa_monthly, qa_score
from supportkit.metrics._report import FORMATS, Report, WeekRow
from supportkit.metrics._results import (
    AgentMonth,
    BacklogPeriod,
    BacklogTrend,
    CategoryCount,
    ContactRatePeriod,
    Distribution,
    Mean,
    NPSResult,
    Period,
    Rate,
    format_duration,
    to_pandas,
)
from supportkit.metrics._satisfaction import (
    CSAT,
    NPS,
    SCALES,
    MeanScore,
    Scale,
    csat,
    mean_score,
    nps,
)
from supportkit.metrics._stats import mean_interval, nps_interval, wilson_interval
from supportkit.metrics._trends import CategoryMap, TopCategories, top_categories
from supportkit.metrics._weekly import WeeklyReport, weekly_report

__all__ = [  # noqa: RUF022 - plain sorted(), as tests/test_contract.py checks
    "AgentMonth",
    "AutomationRate",
    "Backlog",
    "BacklogPeriod",
    "BacklogTrend",
    "CSAT",
    "CategoryCount",
    "CategoryMap",
    "ContactRate",
    "ContactRatePeriod",
    "DEFAULT_BONUS",
    "Distribution",
    "FORMATS",
    "LogSketch",
    "Mean",
    "MeanScore",
    "MetricsBatch",
    "NPS",
    "NPSResult",
    "OneTouchRate",
    "Period",
    "QAScores",
    "Rate",
    "ReopenRate",
    "Report",
    "ResolutionTimes",
    "ResponseTimes",
    "SCALES",
    "SLAAttainment",
    "SLAReportLike",
    "Scale",
    "TopCategories",
    "WeekRow",
    "WeeklyReport",
    "WorkingTime",
    "accumulate_bag",
    "automation_rate",
    "backlog",
    "bonus",
    "contact_rate",
    "contact_rates",
    "csat",
    "format_duration",
    "mean_interval",
    "mean_score",
    "nps",
    "nps_interval",
    "one_touch_rate",
    "qa_monthly",
    "qa_score",
    "reopen_rate",
    "report_from_bag",
    "report_from_files",
    "resolution_times",
    "response_times",
    "sla_attainment",
    "to_pandas",
    "top_categories",
    "weekly_report",
    "wilson_interval",
]
