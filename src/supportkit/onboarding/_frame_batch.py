"""The onboarding batch function: journeys' events in, funnel partials out, merged exactly.

Input rows are events, one journey per ``subject_id``: the journey's start is the row
whose ``event`` is empty (its ``at`` is the start, its ``data`` the start data), the
other rows are its events. Every row of a journey must be in the same batch
(partition by ``subject_id``); a journey split across batches fails loudly, since the
part without the start row cannot be read.

Each batch becomes one row holding a :class:`FunnelParts` as JSON (counts and the
working-time durations behind the exact median and p90, in whole microseconds);
merging the parts of all batches gives exactly ``funnel(all_journeys, flow)``.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

import attrs

from supportkit._time import to_aware
from supportkit.exceptions import InvalidFlow, InvalidValue
from supportkit.onboarding._analytics import Funnel, funnel_steps, resolve_clock
from supportkit.onboarding._diagram import FLOW
from supportkit.onboarding._flow import Flow
from supportkit.onboarding._journey import Journey
from supportkit.onboarding._values import expect
from supportkit.onboarding._values import items as collection
from supportkit.onboarding._worktime import OfficeClock, WorkingTime
from supportkit.sla._frame_batch import FrameSchema, check_frame, frame_records, import_pandas

__all__ = ["EVENT_COLUMNS", "FUNNEL_SCHEMA", "FunnelBatch", "FunnelParts"]

#: Input columns of :class:`FunnelBatch` (``actor``, ``data`` and ``seq`` are optional).
EVENT_COLUMNS: Final = ("subject_id", "at", "event", "actor", "data", "seq")

#: Output columns of :class:`FunnelBatch`: one row per batch.
FUNNEL_SCHEMA: Final = FrameSchema((("journeys", "int64"), ("partial", "string")))

_US: Final = 1_000_000


def _us(delta: _dt.timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * _US + delta.microseconds


def _micro(value: float) -> _dt.timedelta:
    return _dt.timedelta(microseconds=value)


class FunnelParts:
    """A mergeable funnel: ``add`` journeys, ``merge`` other parts, read ``result()``.

    ``result()`` equals :func:`~supportkit.onboarding.funnel` of the same journeys
    with the same clock, however the journeys were split into parts.

    Args:
        flow: Whose main path gives the steps.
        clock: Measures time in step (default: :class:`OfficeClock`).
    """

    __slots__ = ("_clock", "_durations", "_ended", "_path", "_reached", "flow", "total")

    def __init__(self, flow: Flow, *, clock: WorkingTime | None = None) -> None:
        self.flow = _flow(flow)
        self._clock = OfficeClock() if clock is None else resolve_clock(clock)
        self._path = flow.path()
        self._reached = dict.fromkeys(self._path, 0)
        self._durations: dict[str, list[int]] = {state: [] for state in self._path}
        self._ended: dict[str, int] = {}
        #: Journeys added.
        self.total = 0

    def add(self, journey: Journey) -> None:
        """Count one journey (of ``flow`` or a variant of it)."""
        expect(journey, Journey, field="journey", what="a Journey")
        reached = self._reached
        durations = self._durations
        clock = self._clock
        seconds = clock.seconds if isinstance(clock, OfficeClock) else None
        initial = journey.flow.initial
        seen = set()
        if initial in reached:
            seen.add(initial)
            reached[initial] += 1
        entered = journey.started_at
        entered_s = seconds(entered) if seconds is not None else 0
        for step in journey.history:
            if step.target == step.source:
                continue
            at = step.at
            if step.source in durations:
                if seconds is not None:
                    now_s = seconds(at)
                    durations[step.source].append((now_s - entered_s) * _US)
                else:
                    durations[step.source].append(_us(clock.between(entered, at)))
            if seconds is not None:
                entered_s = seconds(at)
            entered = at
            if step.target in reached and step.target not in seen:
                seen.add(step.target)
                reached[step.target] += 1
        if journey.is_terminal:
            self._ended[journey.state] = self._ended.get(journey.state, 0) + 1
        self.total += 1

    def merge(self, other: FunnelParts) -> FunnelParts:
        """Add ``other``'s counts into these parts and return them (for chaining).

        Raises:
            InvalidValue: ``other`` counts another flow's path.
        """
        if other._path != self._path or other.flow.name != self.flow.name:
            raise InvalidValue(
                f"cannot merge funnel parts of flow {other.flow.name!r} {list(other._path)} "
                f"into those of {self.flow.name!r} {list(self._path)}; build both with one flow.",
                field="other",
                value=other.flow.name,
            )
        for state in self._path:
            self._reached[state] += other._reached[state]
            self._durations[state].extend(other._durations[state])
        for state, count in other._ended.items():
            self._ended[state] = self._ended.get(state, 0) + count
        self.total += other.total
        return self

    def result(self) -> Funnel:
        """Return the :class:`~supportkit.onboarding.Funnel` of everything added."""
        steps = funnel_steps(self._path, self._reached, self._durations, self.total, _micro)
        return Funnel(self.flow.name, self.total, steps, tuple(sorted(self._ended.items())))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (what :class:`FunnelBatch` writes per batch)."""
        return {
            "flow": self.flow.name,
            "path": list(self._path),
            "total": self.total,
            "reached": dict(self._reached),
            "durations_us": {state: list(v) for state, v in self._durations.items()},
            "ended": dict(self._ended),
        }

    @classmethod
    def from_dict(
        cls, flow: Flow, data: Mapping[str, Any], *, clock: WorkingTime | None = None
    ) -> FunnelParts:
        """Read parts from :meth:`to_dict` output.

        Raises:
            InvalidValue: the data is not funnel parts of ``flow``.
        """
        parts = cls(flow, clock=clock)
        what = "funnel parts as FunnelParts.to_dict() writes"
        expect(data, Mapping, field="data", what=what)  # type: ignore[type-abstract]
        try:
            if data["flow"] != flow.name or tuple(data["path"]) != parts._path:
                raise InvalidValue(
                    f"funnel parts of flow {data['flow']!r} {data['path']} cannot be read as "
                    f"parts of {flow.name!r} {list(parts._path)}.",
                    field="flow",
                    value=data["flow"],
                )
            parts.total = int(data["total"])
            parts._reached = {state: int(data["reached"][state]) for state in parts._path}
            parts._durations = {
                state: [int(v) for v in data["durations_us"][state]] for state in parts._path
            }
            parts._ended = {str(k): int(v) for k, v in data["ended"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, InvalidValue):
                raise
            raise InvalidValue(
                f"funnel parts are malformed ({type(exc).__name__}: {exc}); "
                "pass the 'partial' values FunnelBatch wrote.",
                field="partial",
            ) from exc
        return parts

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FunnelParts):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FunnelParts({self.flow.name!r}, {self.total} journeys)"


def _flow(value: Any) -> Flow:
    return expect(value, Flow, field="flow", what=FLOW)


def _order(record: Mapping[str, Any], where: str) -> tuple[int, float]:
    """Sort key of an event row: ``seq`` when given, else the instant of ``at``."""
    if "at" not in record:
        raise InvalidFlow(f"{where} has no 'at' time.", field=f"{where}.at")
    seq = record.get("seq")
    return (0 if seq is None else int(seq), to_aware(record["at"], field=f"{where}.at").timestamp())


def _data(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except json.JSONDecodeError as exc:
            raise InvalidFlow(
                f"{where}.data is a string but not valid JSON ({exc.msg}).",
                field=f"{where}.data",
                value=value,
            ) from exc
    if not isinstance(value, Mapping):
        raise InvalidFlow(
            f"{where}.data must be a mapping or a JSON object (got {value!r}).",
            field=f"{where}.data",
            value=value,
        )
    return dict(value)


@attrs.frozen(eq=False)
class FunnelBatch:
    """The onboarding batch function: journeys' events in, one row of funnel parts out.

    Input columns: ``subject_id``; ``at``; ``event`` (empty on each journey's start
    row); optional ``actor`` (default ``"subject"``), ``data`` (a mapping or a JSON
    object string) and ``seq`` (the order of a journey's events, for events that share
    an ``at``; without it events are ordered by ``at``). :meth:`rows` writes journeys in
    this form. Output columns (:attr:`schema`): ``journeys`` (journeys in the batch)
    and ``partial`` (the batch's :class:`FunnelParts` as JSON). :meth:`merge` the
    ``partial`` column of all rows and call ``.result()``, or :meth:`funnel`.

    Args:
        flow: The flow the journeys follow (its main path gives the funnel steps).
        clock: Measures time in step (default: :class:`OfficeClock`).
    """

    flow: Flow = attrs.field(converter=_flow)
    clock: Any = attrs.field(factory=OfficeClock)

    @property
    def schema(self) -> FrameSchema:
        """The output columns."""
        return FUNNEL_SCHEMA

    def meta(self) -> Any:
        """Dask's ``meta``: an empty frame of the output columns."""
        return FUNNEL_SCHEMA.meta()

    def spark_schema(self) -> str:
        """Spark's ``mapInPandas`` schema (DDL)."""
        return FUNNEL_SCHEMA.spark()

    def journeys(self, frame: Any) -> Iterator[Journey]:
        """Rebuild the journeys of a batch of event rows (in order of first appearance).

        Raises:
            InvalidFlow: a journey without exactly one start row (an empty ``event``),
                or with events its flow does not allow in that order.
        """
        check_frame(frame)
        groups: dict[str, list[tuple[tuple[int, float], int, dict[str, Any]]]] = {}
        for n, (label, record) in enumerate(frame_records(frame)):
            where = f"events[{label!r}]"
            subject = record.get("subject_id")
            if not isinstance(subject, str) or not subject:
                raise InvalidFlow(
                    f"{where}.subject_id must be a non-empty string (got {subject!r}).",
                    field=f"{where}.subject_id",
                    value=subject,
                )
            groups.setdefault(subject, []).append((_order(record, where), n, record))
        for subject, rows in groups.items():
            rows.sort(key=lambda r: (r[0], r[1]))
            starts = [r for _, _, r in rows if not r.get("event")]
            if len(starts) != 1:
                raise InvalidFlow(
                    f"journey {subject!r} has {len(starts)} start rows (rows with an empty "
                    "'event') in this batch, not 1; give every journey one start row and put "
                    "all rows of a journey in one partition (partition by subject_id).",
                    field="event",
                    value=subject,
                )
            start = starts[0]
            history = [
                {
                    "event": r["event"],
                    "at": r["at"],
                    "actor": r.get("actor", "subject"),
                    "data": _data(r.get("data"), f"events of {subject!r}"),
                }
                for _, _, r in rows
                if r.get("event")
            ]
            data = _data(start.get("data"), f"start of {subject!r}")
            yield self.flow.replay(subject, start["at"], history, **data)

    def accumulate(self, frame: Any) -> FunnelParts:
        """Return the funnel parts of one batch (not serialised)."""
        parts = FunnelParts(self.flow, clock=self.clock)
        for journey in self.journeys(frame):
            parts.add(journey)
        return parts

    def __call__(self, frame: Any) -> Any:
        """Return one row: the batch's journey count and its funnel parts as JSON."""
        parts = self.accumulate(frame)
        text = json.dumps(parts.to_dict(), ensure_ascii=False, separators=(",", ":"))
        return FUNNEL_SCHEMA.frame({"journeys": [parts.total], "partial": [text]})

    def over(self, frames: Iterable[Any]) -> Iterator[Any]:
        """Map an iterator of DataFrames (the form Spark's ``mapInPandas`` calls)."""
        for frame in frames:
            yield self(frame)

    def merge(self, partials: Any) -> FunnelParts:
        """Merge partials (a DataFrame with a ``partial`` column, or the JSON strings)."""
        values = partials["partial"] if hasattr(partials, "columns") else partials
        total = FunnelParts(self.flow, clock=self.clock)
        for i, text in enumerate(values):
            if not isinstance(text, str):
                raise InvalidValue(
                    f"partials[{i}] must be the JSON text of a FunnelBatch row "
                    f"(got {type(text).__name__}).",
                    field=f"partials[{i}]",
                    value=type(text).__name__,
                )
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InvalidValue(
                    f"partials[{i}] is not JSON ({exc.msg}); pass the 'partial' values "
                    "FunnelBatch wrote.",
                    field=f"partials[{i}]",
                ) from exc
            total.merge(FunnelParts.from_dict(self.flow, data, clock=self.clock))
        return total

    def funnel(self, partials: Any) -> Funnel:
        """Return the :class:`~supportkit.onboarding.Funnel` of the merged partials."""
        return self.merge(partials).result()

    @staticmethod
    def rows(journeys: Iterable[Journey]) -> Any:
        """Write journeys as event rows, the input form of :class:`FunnelBatch`.

        Columns ``subject_id``, ``at`` (ISO text), ``event`` (null on start rows),
        ``actor``, ``data`` (JSON object text, or null) and ``seq`` (0 for the start).
        """
        pd = import_pandas()
        out: dict[str, list[Any]] = {name: [] for name in EVENT_COLUMNS}
        for i, journey in enumerate(collection(journeys, field="journeys", what="Journey objects")):
            expect(journey, Journey, field=f"journeys[{i}]", what="a Journey")
            rows: list[tuple[_dt.datetime, str | None, str | None, Mapping[str, Any]]]
            rows = [(journey.started_at, None, None, journey.start_data)]
            rows += [(step.at, step.event, step.actor, step.data) for step in journey.history]
            for seq, (at, event, actor, data) in enumerate(rows):
                out["subject_id"].append(journey.subject_id)
                out["seq"].append(seq)
                out["at"].append(at.isoformat())
                out["event"].append(event)
                out["actor"].append(actor)
                out["data"].append(json.dumps(dict(data), ensure_ascii=False) if data else None)
        return pd.DataFrame(
            {
                "subject_id": pd.Series(out["subject_id"], dtype="string"),
                "at": pd.Series(out["at"], dtype="string"),
                "event": pd.Series(out["event"], dtype="string"),
                "actor": pd.Series(out["actor"], dtype="string"),
                "data": pd.Series(out["data"], dtype="string"),
                "seq": pd.Series(out["seq"], dtype="int64"),
            }
        )
