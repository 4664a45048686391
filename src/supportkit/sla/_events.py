"""Zendesk-style metric events: a clock's history as ``apply_sla``/``activate``/... rows.

Zendesk's ``ticket_metric_events`` API describes every SLA clock as a list of events
(``apply_sla``, ``activate``, ``pause``, ``fulfill``, ``breach``; see the developer
reference "Ticket Metric Events"). :meth:`SLAReport.events` gives the same shape from
our clocks, so a host can put the two side by side and diff them.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import Any, Final

import attrs

__all__ = ["EVENT_TYPES", "ZENDESK_METRICS", "MetricEvent", "clock_events"]

#: The event types.
EVENT_TYPES: Final = ("apply_sla", "activate", "pause", "breach", "fulfill")

#: Our metric name → the ``metric`` of Zendesk's ticket metric events. Zendesk has
#: one ``reply_time`` for first and next replies; ``resolution`` is ours.
ZENDESK_METRICS: Final = {
    "first_response": "reply_time",
    "next_response": "reply_time",
    "periodic_update": "periodic_update_time",
    "pausable_update": "pausable_update_time",
    "resolution": "resolution_time",
    "requester_wait": "requester_wait_time",
    "agent_work": "agent_work_time",
}


@attrs.frozen
class MetricEvent:
    """One step in the life of an SLA clock.

    Attributes:
        metric: Our metric name (``first_response`` ...).
        type: ``apply_sla`` (a policy started measuring the metric), ``activate``
            (the clock starts or resumes), ``pause``, ``fulfill`` (the counting reply,
            or the solve) or ``breach`` (the due time passed first).
        at: When it happened.
        policy: The policy measuring the metric then.
    """

    metric: str
    type: str
    at: _dt.datetime
    policy: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "metric": self.metric,
            "type": self.type,
            "time": self.at.isoformat(),
            "policy": self.policy,
        }

    def to_zendesk(self) -> dict[str, Any]:
        """Return the row as Zendesk's ticket metric events name it.

        ``{"metric": "reply_time", "type": "activate", "time": "..."}``; compare with
        the ``metric``, ``type`` and ``time`` of Zendesk's own export.
        """
        return {
            "metric": ZENDESK_METRICS[self.metric],
            "type": self.type,
            "time": self.at.astimezone(_dt.timezone.utc).isoformat().replace("+00:00", "Z"),
        }


def _one(item: Any, as_of: _dt.datetime, out: list[MetricEvent]) -> None:
    start = item.started_at
    if start is None:
        return
    metric, policy = item.metric, item.policy
    end = item.achieved_at or item.stopped_at or as_of
    segments = item.segments
    if not segments or segments[0][0] > start:
        # Started in a pause status: activated and paused at once.
        out.append(MetricEvent(metric, "activate", start, policy))
        out.append(MetricEvent(metric, "pause", start, policy))
    for a, b in segments:
        out.append(MetricEvent(metric, "activate", a, policy))
        if b < end:
            out.append(MetricEvent(metric, "pause", b, policy))
    if item.breached and item.breach_at is not None:
        out.append(MetricEvent(metric, "breach", item.breach_at, policy))
    done = item.achieved_at or item.stopped_at
    if done is not None:
        out.append(MetricEvent(metric, "fulfill", done, policy))


def clock_events(
    results: Iterable[Any],
    policies: tuple[tuple[_dt.datetime, str | None], ...],
    as_of: _dt.datetime,
) -> list[MetricEvent]:
    """The events of every clock of one report, in time order (see :meth:`SLAReport.events`)."""
    out: list[MetricEvent] = []
    for result in results:
        applied: set[str | None] = set()
        for item in result.cycles or (result,):
            applied.add(item.policy)
        for since, name in policies:
            if name in applied:
                out.append(MetricEvent(result.metric, "apply_sla", since, name))
                applied.discard(name)
        for item in result.cycles or (result,):
            _one(item, as_of, out)
    # Stable: at one instant the events keep the order each clock produced them in.
    out.sort(key=lambda e: e.at)
    return out
