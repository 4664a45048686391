"""The journey store's vocabulary: schema version, rows, errors, and rows <-> journeys.

Shared by the contract (:mod:`._storebase`) and both backends, and below all of them.
Rows are the same on both backends: an event is ``(journey_id, seq, event, at, actor,
data)`` with ``at`` the ISO text of the aware datetime (its UTC offset kept, so a
loaded journey equals the saved one *and* its ``to_dict()``) and ``data`` JSON text.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

import attrs

from supportkit.exceptions import InvalidArgument, InvalidFlow, StoreUnavailable
from supportkit.onboarding._flow import Flow
from supportkit.onboarding._journey import Journey, Step, replay

__all__ = [
    "SCHEMA_VERSION",
    "UNREACHABLE",
    "Ask",
    "Claimed",
    "Conflict",
    "EventRow",
    "Item",
    "JourneyRow",
    "NeedsIndex",
    "StoreUnavailable",
    "check_flow",
    "check_journey",
    "check_journey_id",
    "decode",
    "open_states",
    "rebuild",
    "step_row",
]

#: The schema this version of supportkit writes (both backends).
#: 1: journeys + append-only events. 2: the call list (state, last event, claims).
SCHEMA_VERSION = 2

#: Distance of a state from which success is unreachable: such journeys come last.
UNREACHABLE = 1 << 30

#: An event row: (seq, event, at ISO text, actor, data JSON text or None).
EventRow = tuple[int, str, str, str, "str | None"]
#: A journey row: (flow name, started_at ISO text, start data JSON text, version).
JourneyRow = tuple[str, str, str, int]
#: What a backend's ``_claim`` returns: the id, and the rows when it read them already.
Claimed = tuple[str, "JourneyRow | None", "list[EventRow] | None"]


class NeedsIndex(Exception):
    """Raised by a backend's ``_claim``: rows of this flow lack their call-list columns."""


class Conflict(Exception):
    """Raised by a backend's ``_write``: item ``index`` found at version ``found``."""

    def __init__(self, index: int, found: int | None) -> None:
        super().__init__(index, found)
        self.index = index
        self.found = found


@attrs.frozen
class Ask:
    """One ``claim_next`` call, as a backend's ``_claim`` takes it."""

    flow: str  # the flow's name
    states: dict[str, int]  # open state -> distance to success (``open_states``)
    now: _dt.datetime
    cutoff: _dt.datetime  # idle long enough: the last event (and call) at or before it
    operator: str
    token: str
    until: _dt.datetime  # the lease's end


@attrs.frozen
class Item:
    """One journey of a write batch, encoded for the backend."""

    journey_id: str
    expected: int | None  # None: a new journey
    version: int  # after the write
    flow: str | None  # new journeys only
    started_at: str | None
    data: str | None
    state: str | None  # None: unchanged (an append of no steps)
    last_at: _dt.datetime | None
    events: list[EventRow]


def step_row(step: Any, i: int, seq: int) -> EventRow:
    if isinstance(step, Step):
        return (
            seq,
            step.event,
            step.at.isoformat(),
            step.actor,
            json.dumps(dict(step.data)) if step.data else None,
        )
    raise InvalidArgument(
        f"steps[{i}] must be a Step from journey.history (got {step!r}).",
        field=f"steps[{i}]",
        value=step,
    )


def check_journey_id(value: Any, field: str = "journey_id") -> str:
    if not isinstance(value, str) or not value:
        raise InvalidArgument(
            f"{field} must be a non-empty string (got {value!r}).", field=field, value=value
        )
    return value


def check_flow(value: Any) -> Flow:
    if not isinstance(value, Flow):
        raise InvalidArgument(
            f"flow must be a Flow such as flows.self_employed() (got {value!r}).",
            field="flow",
            value=value,
        )
    return value


def check_journey(value: Any, field: str = "journey") -> Journey:
    if not isinstance(value, Journey):
        raise InvalidArgument(
            f"{field} must be a Journey (got {type(value).__name__}).", field=field, value=value
        )
    return value


def open_states(flow: Flow) -> dict[str, int]:
    """Every non-terminal state of ``flow`` -> its distance to success (as ``stuck()``)."""
    distance = flow.distance_to_success()
    terminal = set(flow.terminal_states)
    return {s: distance.get(s, UNREACHABLE) for s in flow.state_names if s not in terminal}


def decode(journey_id: str, rows: list[EventRow]) -> list[dict[str, Any]]:
    out = []
    for seq, event, at, actor, data in rows:
        item: dict[str, Any] = {"seq": seq, "event": event, "at": at, "actor": actor}
        if data is not None:
            try:
                item["data"] = json.loads(data)
            except ValueError as exc:
                raise InvalidFlow(
                    f"stored event {journey_id!r}#{seq} has data that is not JSON ({data!r}).",
                    field=f"events[{seq}].data",
                    value=data,
                ) from exc
        out.append(item)
    return out


def rebuild(journey_id: str, flow: Flow, row: JourneyRow, rows: list[EventRow]) -> Journey:
    name, started_at, data, version = row
    if name != flow.name:
        raise InvalidFlow(
            f"journey {journey_id!r} was stored with flow {name!r}, not {flow.name!r}.",
            field="flow",
            value=name,
        )
    events = decode(journey_id, rows)
    if [e["seq"] for e in events] != list(range(1, version + 1)):
        raise InvalidFlow(
            f"journey {journey_id!r} should have events 1..{version} but has "
            f"{[e['seq'] for e in events]}.",
            field="events",
            value=version,
        )
    try:
        start = json.loads(data)
    except ValueError as exc:
        raise InvalidFlow(
            f"journey {journey_id!r} has start data that is not JSON.", field="data"
        ) from exc
    return replay(flow, journey_id, started_at, events, start)
