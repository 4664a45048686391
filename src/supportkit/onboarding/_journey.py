"""Journeys: one subject's immutable way through a flow.

``journey.fire(event, at=...)`` returns a *new* journey with one more :class:`Step` in
its history; the old one is untouched, so nothing is written when an event is
refused. :func:`replay` rebuilds the same journey from stored history in one pass.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from supportkit._time import to_aware
from supportkit.exceptions import (
    InvalidArgument,
    InvalidFlow,
    InvalidValue,
    TransitionError,
    UnknownEvent,
)
from supportkit.onboarding._graph import FlowGraph, track
from supportkit.onboarding._guards import GuardContext
from supportkit.onboarding._parts import Transition
from supportkit.onboarding._step import SUPPORT_ACTORS, Step, Verdict
from supportkit.onboarding._values import NO_DATA, instant, jsonable, parse_at

__all__ = ["SUPPORT_ACTORS", "Journey", "Step", "Verdict", "replay"]


def _subject(value: Any, error: type[InvalidArgument | InvalidFlow]) -> str:
    if isinstance(value, str) and value.strip():
        return value
    blank = isinstance(value, str) and value != ""
    raise error(
        f"subject_id must be a non-empty string such as 'c0001' (got {value!r}"
        + (", which is blank)." if blank else ")."),
        field="subject_id",
        value=value,
    )


def _flow(value: Any) -> FlowGraph:
    if not isinstance(value, FlowGraph):
        raise InvalidArgument(
            f"flow must be an onboarding Flow such as flows.self_employed() (got "
            f"{type(value).__name__}).",
            field="flow",
            value=value,
        )
    return value


def _ended(flow: FlowGraph, state: str, event: str | None, at: _dt.datetime) -> str:
    """``ended in state 'withdrawn' (failure) by event 'withdraw' at <ISO time>``."""
    outcome = flow._states[state].outcome
    how = f" ({outcome})" if outcome else ""
    by = f" by event {event!r}" if event else ""
    return f"ended in state {state!r}{how}{by} at {at.isoformat()}"


def _event(value: Any) -> str:
    if type(value) is not str and not isinstance(value, str):
        raise InvalidArgument(
            f"event must be an event name string such as 'register' (got {value!r} that is "
            f"a {type(value).__name__}).",
            field="event",
            value=value,
        )
    return value


@attrs.frozen
class Journey:
    """One subject's way through a flow; immutable (``fire`` returns a new journey).

    Attributes:
        flow: The :class:`~supportkit.onboarding.Flow`.
        subject_id: Who is onboarded.
        state: The current state.
        started_at: When the journey started.
        history: The :class:`Step` entries, oldest first.
        start_data: The data given to :meth:`Flow.start`.
        data: Everything known: ``start_data`` overlaid with every event's data.
        deadlines: Deadline name -> aware due datetime (the notice to МВД …).
        met: Deadline name -> when the event that meets it fired.
    """

    flow: FlowGraph = attrs.field(eq=False, repr=False)
    subject_id: str
    state: str
    started_at: _dt.datetime
    history: tuple[Step, ...] = attrs.field(repr=False, hash=False)
    start_data: Mapping[str, Any] = attrs.field(factory=dict, hash=False, repr=False)
    data: Mapping[str, Any] = attrs.field(factory=dict, hash=False, repr=False)
    deadlines: Mapping[str, _dt.datetime] = attrs.field(factory=dict, hash=False, repr=False)
    met: Mapping[str, _dt.datetime] = attrs.field(factory=dict, hash=False, repr=False)

    @classmethod
    def begin(
        cls, flow: FlowGraph, subject_id: Any, *, at: Any, data: Mapping[str, Any]
    ) -> Journey:
        """Start a journey (what :meth:`Flow.start` calls)."""
        _flow(flow)
        _subject(subject_id, InvalidArgument)
        when = instant(at, "at")
        start = jsonable(dict(data), "data")
        deadlines: dict[str, _dt.datetime] = {}
        track(flow, "start", when, deadlines, {})
        return cls(flow, subject_id, flow.initial, when, (), start, dict(start), deadlines, {})

    # -- reading ---------------------------------------------------------------------
    @property
    def is_terminal(self) -> bool:
        """Whether the journey has reached a terminal state."""
        return self.flow._states[self.state].terminal

    @property
    def outcome(self) -> str | None:
        """``"success"``, ``"failure"`` or ``None`` while the journey is open."""
        return self.flow._states[self.state].outcome

    @property
    def version(self) -> int:
        """The number of events so far (the store's optimistic-concurrency version)."""
        return len(self.history)

    @property
    def last_at(self) -> _dt.datetime:
        """When the last event fired (the start when there is none)."""
        return self.history[-1].at if self.history else self.started_at

    @property
    def assisted(self) -> bool:
        """Whether support took part (an event by an actor in ``SUPPORT_ACTORS``)."""
        return any(step.actor in SUPPORT_ACTORS for step in self.history)

    def entered_at(self, state: str) -> _dt.datetime | None:
        """When the journey last entered ``state`` (``None`` if it never did)."""
        for step in reversed(self.history):
            if step.target == state and step.source != state:
                at: _dt.datetime = step.at
                return at
        return self.started_at if state == self.flow.initial else None

    @property
    def timeout_at(self) -> _dt.datetime | None:
        """When the current state's timeout fires, if it has one."""
        timeout = self.flow._states[self.state].timeout
        if timeout is None:
            return None
        return self.last_at + timeout.after

    def overdue(self, now: Any) -> list[str]:
        """Names of missed deadlines at ``now``: met late, or still open after their due time.

        A deadline met exactly at its due time is met on time.
        """
        when = to_aware(now, field="now")
        late = []
        for name, due in self.deadlines.items():
            met = self.met.get(name)
            if (met if met is not None else when) > due:
                late.append(name)
        return sorted(late)

    def advance(self, now: Any) -> Journey:
        """Fire every timeout that is due by ``now`` (actor ``"system"``); return the result."""
        when = to_aware(now, field="now")
        journey = self
        while (due := journey.timeout_at) is not None and due <= when:
            timeout = journey.flow._states[journey.state].timeout
            assert timeout is not None
            journey = journey.fire(timeout.event, at=due, actor="system")
        return journey

    # -- deciding ---------------------------------------------------------------------
    def _refusal(self, event: str) -> str | None:
        flow = self.flow
        allowed = flow._allowed[self.state]
        if flow._states[self.state].terminal:  # "allowed there: []" would not say why
            last = self.history[-1].event if self.history else None
            ended = _ended(flow, self.state, last, self.last_at)
            if _event(event) not in flow._events:
                return (
                    f"{event!r} is not an event of flow {flow.name!r}, and journey "
                    f"{self.subject_id!r} {ended}, so no event applies to it any more."
                )
            return (
                f"can't {event}: journey {self.subject_id!r} of flow {flow.name!r} {ended}, "
                "and no event applies to an ended journey any more; start a new journey "
                f"to onboard {self.subject_id!r} again."
            )
        if _event(event) not in flow._events:
            return (
                f"{event!r} is not an event of flow {flow.name!r}; events allowed in state "
                f"{self.state!r} are {list(allowed)}."
            )
        if (self.state, event) not in flow._index:
            return (
                f"can't {event} in state {self.state!r} of flow {flow.name!r}; allowed there: "
                f"{list(allowed)}."
            )
        return None

    def _judge(
        self, t: Transition, at: _dt.datetime, data: Mapping[str, Any]
    ) -> tuple[list[str], list[str]]:
        merged = {**self.data, **data} if data else self.data
        context = GuardContext(merged, self, at, t.event)
        reasons: list[str] = []
        missing: list[str] = []
        for name in t.guards:
            found, lacking = self.flow.guard(name).evaluate(context)
            reasons += found
            missing += [k for k in lacking if k not in missing]
        return reasons, missing

    def _needs(self, event: str, missing: list[str]) -> list[str]:
        if not missing:
            return []
        example = ", ".join(f"{k}=..." for k in missing)
        verb = "needs" if self.flow.strict else "not checked, needs"
        return [f"{event} {verb} {', '.join(missing)}: fire({event!r}, at=..., {example})."]

    def can(self, event: str, *, at: Any = None, **data: Any) -> Verdict:
        """Return whether ``event`` may fire now (with ``data``), and the reasons.

        Args:
            event: The event name.
            at: When it would fire (default: the time of the last event).
            **data: The data it would carry.
        """
        refusal = self._refusal(event)
        if refusal is not None:
            return Verdict(event, allowed=False, reasons=(refusal,))
        when = self.last_at if at is None else to_aware(at, field="at")
        t = self.flow._index[self.state, event]
        reasons, missing = self._judge(t, when, jsonable(data, "data") if data else NO_DATA)
        allowed = not reasons and not (missing and self.flow.strict)
        return Verdict(event, allowed, (*reasons, *self._needs(event, missing)), tuple(missing))

    def fire(self, event: str, *, at: Any, actor: str = "subject", **data: Any) -> Journey:
        """Return a new journey after ``event``; this one is left as it is.

        Args:
            event: The event name.
            at: When it happened (aware datetime or ISO string); not before the last event.
            actor: Who did it: ``"subject"`` (default), ``"support"`` (marks the journey
                as assisted), ``"client"``, ``"system"`` …
            **data: Facts the event carries (checked by the transition's guards).

        Raises:
            UnknownEvent: ``event`` is not an event of the flow (a ``TransitionError``
                and a ``LookupError``).
            TransitionError: event not allowed in this state (the error names the
                state and the allowed events) or a guard refused (``reasons``).
            InvalidArgument: ``event`` is not a string, or ``data`` is not JSON-like.
            InvalidValue: ``at`` is earlier than the last event; ``data`` holds NaN,
                contains itself or nests too deeply.
            NaiveDatetimeError: ``at`` has no time zone.
        """
        refusal = self._refusal(event)
        flow = self.flow
        if refusal is not None:
            error = UnknownEvent if event not in flow._events else TransitionError
            raise error(refusal, state=self.state, event=event, allowed=flow._allowed[self.state])
        when = instant(at, "at")
        last = self.last_at
        if when < last:
            raise InvalidValue(
                f"at {when.isoformat()!r} is earlier than the last event of journey "
                f"{self.subject_id!r} ({last.isoformat()!r}); events must be fired in time order.",
                field="at",
                value=at,
            )
        if not isinstance(actor, str) or not actor:
            raise InvalidArgument(
                f"actor must be a non-empty string such as 'support' (got {actor!r}).",
                field="actor",
                value=actor,
            )
        clean = jsonable(data, "data") if data else NO_DATA
        t = flow._index[self.state, event]
        if t.guards:
            reasons, missing = self._judge(t, when, clean)
            if reasons or (missing and flow.strict):
                found = (*reasons, *self._needs(event, missing))
                raise TransitionError(
                    f"can't {event} in state {self.state!r} of flow {flow.name!r}: "
                    + " ".join(found),
                    state=self.state,
                    event=event,
                    allowed=flow._allowed[self.state],
                    reasons=found,
                )
        step = Step(event, when, actor, self.state, t.target, clean)
        deadlines, met = dict(self.deadlines), dict(self.met)
        track(flow, event, when, deadlines, met)
        merged = {**self.data, **clean} if clean else self.data
        return Journey(
            flow,
            self.subject_id,
            t.target,
            self.started_at,
            (*self.history, step),
            self.start_data,
            merged,
            deadlines,
            met,
        )

    # -- storage ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form: the flow's name, the start and the history."""
        out: dict[str, Any] = {
            "flow": self.flow.name,
            "subject_id": self.subject_id,
            "started_at": self.started_at.isoformat(),
            "state": self.state,
            "history": [s.to_dict() for s in self.history],
        }
        if self.start_data:
            out["data"] = dict(self.start_data)
        return out

    @classmethod
    def from_dict(cls, flow: FlowGraph, data: Mapping[str, Any]) -> Journey:
        """Rebuild a journey from :meth:`to_dict` output by replaying its history.

        Raises:
            InvalidFlow: malformed data (the message names the key or ``history[i]``).
            InvalidArgument: ``flow`` is not a flow.
        """
        _flow(flow)
        if type(data) is not dict and not isinstance(data, Mapping):
            raise InvalidFlow(
                f"a journey must be a mapping (got {type(data).__name__}).",
                field="journey",
                value=data,
            )
        for key in ("subject_id", "started_at", "history"):
            if key not in data:
                raise InvalidFlow(
                    f"journey is missing key {key!r}; expected keys are flow, subject_id, "
                    "started_at, state, history, data.",
                    field=key,
                )
        if data.get("flow", flow.name) != flow.name:
            raise InvalidFlow(
                f"journey belongs to flow {data['flow']!r}, not {flow.name!r}.",
                field="flow",
                value=data["flow"],
            )
        start = data.get("data") or {}
        if type(start) is not dict and not isinstance(start, Mapping):
            raise InvalidFlow(f"journey data must be a mapping (got {start!r}).", field="data")
        journey = replay(flow, data["subject_id"], data["started_at"], data["history"], start)
        if "state" in data and data["state"] != journey.state:
            raise InvalidFlow(
                f"journey state {data['state']!r} does not match its history, which ends in "
                f"{journey.state!r}.",
                field="state",
                value=data["state"],
            )
        return journey


def _as_record(item: Any, i: int) -> dict[str, Any]:
    if isinstance(item, Step):
        return {"event": item.event, "at": item.at, "actor": item.actor, "data": item.data}
    if isinstance(item, Mapping):
        return dict(item)
    raise InvalidFlow(
        f"history[{i}] must be a mapping (got {item!r}).", field=f"history[{i}]", value=item
    )


def replay(
    flow: FlowGraph,
    subject_id: Any,
    started_at: Any,
    history: Sequence[Any],
    data: Mapping[str, Any],
) -> Journey:
    """Rebuild a journey from its history in one pass (guards are not re-run)."""
    _flow(flow)
    _subject(subject_id, InvalidFlow)
    if type(history) is not list and (
        isinstance(history, (str, bytes, Mapping)) or not isinstance(history, Sequence)
    ):
        raise InvalidFlow(
            f"history must be a list of events (got {type(history).__name__}).",
            field="history",
            value=history,
        )
    try:
        start = parse_at(started_at, "started_at")
    except InvalidValue as exc:
        raise InvalidFlow(str(exc), field="started_at", value=started_at) from exc
    index = flow._index
    state = flow.initial
    last = start
    steps: list[Step] = []
    start_data = jsonable(dict(data), "data") if data else {}
    merged = dict(start_data)
    deadlines: dict[str, _dt.datetime] = {}
    met: dict[str, _dt.datetime] = {}
    tracked = bool(flow.deadlines)
    if tracked:
        track(flow, "start", start, deadlines, met)
    fromiso = _dt.datetime.fromisoformat
    new_step = tuple.__new__
    for i, item in enumerate(history):
        # Fast path: plain dicts with ISO strings, as JSON and the store give them.
        record = item if type(item) is dict else _as_record(item, i)
        try:
            event = record["event"]
            raw = record["at"]
            at = fromiso(raw) if type(raw) is str else instant(raw, f"history[{i}].at")
            if type(at.tzinfo) is not _dt.timezone:
                at = instant(at, f"history[{i}].at")
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidFlow(
                f"history[{i}] must have 'event' and an aware ISO 'at' (got {record!r}).",
                field=f"history[{i}]",
                value=record,
            ) from exc
        t = index.get((state, event)) if type(event) is str else None
        if t is None and flow._states[state].terminal:
            ended = _ended(flow, state, steps[-1].event if steps else None, last)
            raise InvalidFlow(
                f"history[{i}] has event {event!r} after the journey {ended}; no event "
                "applies to an ended journey, so the stored history is wrong from there.",
                field=f"history[{i}].event",
                value=event,
            )
        if t is None:
            raise InvalidFlow(
                f"history[{i}] has event {event!r}, which flow {flow.name!r} does not allow in "
                f"state {state!r} (allowed: {list(flow._allowed[state])}).",
                field=f"history[{i}].event",
                value=event,
            )
        if at < last:
            raise InvalidFlow(
                f"history[{i}].at {at.isoformat()!r} is earlier than the event before it.",
                field=f"history[{i}].at",
                value=at,
            )
        actor = record.get("actor", "subject")
        payload = record.get("data")
        if (
            type(actor) is not str
            or not actor
            or not (payload is None or isinstance(payload, Mapping))
        ):
            raise InvalidFlow(
                f"history[{i}] needs a string 'actor' and a mapping 'data' (got {record!r}).",
                field=f"history[{i}]",
                value=record,
            )
        if "to" in record and record["to"] != t.target:
            raise InvalidFlow(
                f"history[{i}] says it led to {record['to']!r}, but {event!r} leads to "
                f"{t.target!r}.",
                field=f"history[{i}].to",
                value=record["to"],
            )
        if payload:
            payload = jsonable(payload, f"history[{i}].data")
            merged.update(payload)
        else:
            payload = NO_DATA
        steps.append(new_step(Step, (event, at, actor, state, t.target, payload)))
        if tracked:
            track(flow, event, at, deadlines, met)
        state = t.target
        last = at
    return Journey(flow, subject_id, state, start, tuple(steps), start_data, merged, deadlines, met)
