"""Batch functions over pandas DataFrames, for Dask ``map_partitions`` and Spark ``mapInPandas``.

This module holds what every block's batch function shares — :class:`FrameSchema`
(the declared output columns, as a Dask ``meta`` frame and as a Spark DDL schema) and
the one private reading of DataFrame rows as tickets — and the SLA batch function,
:class:`SLABatch`: tickets in, one row per ticket and metric out.

A batch object takes its configuration once and keeps it warm across batches; it is
picklable, holds no reference to global state and gives the same rows for the same
input wherever it runs, so a partitioned run equals the single-process run.
pandas is needed only when a batch is called (``pip install 'supportkit[pandas]'``).
"""

from __future__ import annotations

import ast
import datetime as _dt
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

import attrs

from supportkit._ticket import Ticket, as_ticket
from supportkit._time import to_aware
from supportkit.exceptions import InvalidArgument, InvalidTicket, InvalidValue, MissingExtra
from supportkit.sla._args import expect, expect_items
from supportkit.sla._clock import PolicySet
from supportkit.sla._report import MetricResult, SLAReport

__all__ = [
    "KINDS",
    "SLA_SCHEMA",
    "FrameSchema",
    "SLABatch",
    "check_frame",
    "frame_records",
    "import_pandas",
    "output_index",
    "read_ticket",
    "state_of",
]

#: Column kinds of a :class:`FrameSchema`: kind -> (pandas dtype, Spark SQL type).
KINDS: Final[Mapping[str, tuple[str, str]]] = {
    "string": ("string", "string"),
    "bool": ("bool", "boolean"),
    "int64": ("int64", "bigint"),
    "float64": ("float64", "double"),
    "timestamp": ("datetime64[us, UTC]", "timestamp"),
    "strings": ("object", "array<string>"),
    "binary": ("object", "binary"),
}


def import_pandas() -> Any:
    """Return the ``pandas`` module, or raise :class:`MissingExtra` naming the extra."""
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - pandas is installed in every test run
        raise MissingExtra(
            "batch functions need pandas, which is not installed; "
            "install it with: pip install 'supportkit[pandas]'.",
            extra="pandas",
        ) from exc
    return pandas


def _columns(value: Any) -> tuple[tuple[str, str], ...]:
    pair = "a (name, kind) pair such as ('ticket_id', 'string')"
    want = "a list of (name, kind) pairs such as [('ticket_id', 'string')]"
    items: list[tuple[str, str]] = []
    for i, item in enumerate(expect_items(value, arg="columns", want=want)):
        entry = expect(item, (tuple, list), arg=f"columns[{i}]", want=pair)
        if len(entry) != 2:
            raise InvalidValue(
                f"columns[{i}] must be {pair} (got {len(entry)} items).",
                field=f"columns[{i}]",
                value=item,
            )
        items.append((str(entry[0]), str(entry[1])))
    for name, kind in items:
        if kind not in KINDS:
            raise InvalidValue(
                f"column {name!r} has kind {kind!r}; use one of {sorted(KINDS)}.",
                field=f"columns.{name}",
                value=kind,
            )
    names = [name for name, _ in items]
    if len(set(names)) != len(names):
        raise InvalidValue(
            f"column names must be unique (got {names}).", field="columns", value=names
        )
    return tuple(items)


@attrs.frozen
class FrameSchema:
    """The declared columns of a batch function's output DataFrame.

    Use :meth:`meta` as Dask's ``meta=`` and :meth:`spark` as the schema of Spark's
    ``mapInPandas``. Kinds (see :data:`KINDS`): ``string`` (pandas ``string``, missing
    is ``pd.NA``), ``bool``, ``int64``, ``float64`` (missing is ``NaN``),
    ``timestamp`` (``datetime64[us, UTC]``, missing is ``NaT``), ``strings`` (a list
    of str per row) and ``binary`` (``bytes`` per row).

    Attributes:
        columns: ``(name, kind)`` pairs in column order.
    """

    columns: tuple[tuple[str, str], ...] = attrs.field(converter=_columns)

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(name for name, _ in self.columns)

    def spark(self) -> str:
        """Return the Spark SQL DDL schema, e.g. ``"ticket_id string, tags array<string>"``."""
        return ", ".join(f"`{name}` {KINDS[kind][1]}" for name, kind in self.columns)

    def meta(self) -> Any:
        """Return an empty pandas DataFrame with the declared dtypes (Dask's ``meta``)."""
        return self.frame({name: [] for name in self.names})

    def frame(self, data: Mapping[str, Sequence[Any]], index: Any = None) -> Any:
        """Build a DataFrame of these columns from ``data`` (column name -> values).

        Raises:
            InvalidValue: ``data`` lacks a declared column or has an undeclared one.
        """
        pd = import_pandas()
        if set(data) != set(self.names):
            raise InvalidValue(
                f"batch output has columns {sorted(data)}, but the schema declares "
                f"{sorted(self.names)}.",
                field="columns",
                value=sorted(data),
            )
        series = {}
        for name, kind in self.columns:
            values = data[name]
            if kind == "timestamp":
                series[name] = pd.Series(
                    pd.to_datetime(list(values), utc=True), index=index, dtype=KINDS[kind][0]
                )
            elif kind in ("strings", "binary"):
                column = pd.Series(list(values), index=index, dtype=object)
                series[name] = column
            else:
                series[name] = pd.Series(list(values), index=index, dtype=KINDS[kind][0])
        return pd.DataFrame(series, index=index)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form: ``{"columns": [[name, kind], ...], "spark": ddl}``."""
        return {"columns": [list(pair) for pair in self.columns], "spark": self.spark()}


# -- rows -> tickets --------------------------------------------------------------------
# The one place that reads DataFrame rows as ticket mappings (rules, SLA and metrics use
# it). A shared `supportkit._frames` reader is planned; swap this function for it.


def _plain(value: Any) -> Any:
    """Turn pandas/NumPy/Arrow cell values into plain Python (missing -> None)."""
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, (str, bool, int, dict, list)):
        return value
    name = type(value).__name__
    if name in ("NaTType", "NAType"):
        return None
    if name == "Timestamp":
        return value.to_pydatetime()
    if name == "ndarray":  # list columns arrive as NumPy arrays from Arrow and Spark
        return [_plain(item) for item in value.tolist()]
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    item = getattr(value, "item", None)  # NumPy scalars
    if callable(item) and type(value).__module__ == "numpy":
        return _plain(item())
    return value


def frame_records(frame: Any) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Yield ``(index label, ticket mapping)`` for each row of a pandas DataFrame.

    Missing cells (``None``, ``NaN``, ``NaT``, ``pd.NA``) are left out; Timestamps
    become datetimes, NumPy arrays lists, NumPy scalars Python numbers. ``tags`` may be
    a list or a comma-separated string and ``events``/``fields`` lists/dicts or JSON
    strings, as :func:`supportkit._ticket.as_ticket` reads CSV rows.
    """
    columns = [str(c) for c in frame.columns]
    for label, row in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        record = {}
        for key, cell in zip(columns, row, strict=True):
            value = _plain(cell)
            if value is None:
                continue
            if key in _CONTAINERS and type(value) is str and value[:1] in ("[", "{"):
                value = _container_text(value, key, label)
            record[key] = value
        yield label, record


#: Columns that hold a list or a mapping (as such, or as JSON text).
_CONTAINERS: Final = frozenset({"tags", "events", "fields", "data"})


def _container_text(text: str, key: str, label: Any) -> Any:
    """Read a list/mapping column given as text: JSON is read; a Python repr is refused.

    Dask's ``dataframe.convert-string`` option (on by default) turns object columns of
    lists and dicts into their Python repr (``"['a', 'b']"``); read as text that would
    silently give wrong tags, so it fails with the fix instead.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text  # not a container at all: as_ticket reads it (and says what is wrong)
    raise InvalidTicket(
        f"tickets[{label!r}].{key} is a Python list or dict written as text ({text[:40]!r}), "
        "which is what Dask's dataframe.convert-string option does to object columns; "
        "store the column as JSON text, or run with "
        "dask.config.set({'dataframe.convert-string': False}).",
        field=f"tickets[{label!r}].{key}",
        value=text,
    )


def read_ticket(label: Any, record: Mapping[str, Any], *, strict: bool) -> Ticket:
    """Read one row (named ``tickets[<index label>]`` in error messages)."""
    return as_ticket(record, strict=strict, field=f"tickets[{label!r}]")


# -- SLA --------------------------------------------------------------------------------

#: Output columns of :class:`SLABatch`.
SLA_SCHEMA: Final = FrameSchema(
    (
        ("ticket_id", "string"),
        ("policy", "string"),
        ("metric", "string"),
        ("state", "string"),
        ("target_s", "float64"),
        ("started_at", "timestamp"),
        ("due_at", "timestamp"),
        ("achieved_at", "timestamp"),
        ("elapsed_s", "float64"),
        ("remaining_s", "float64"),
        ("breached", "bool"),
        ("paused", "bool"),
        ("cycles", "int64"),
        ("problems", "string"),
    )
)


def state_of(result: Any, as_of: _dt.datetime) -> str:
    """Return a metric's state at the report's ``as_of``: ``MetricResult.state``.

    (``as_of`` is kept in the signature: the state is the one judged at that instant.)
    """
    return str(result.state)


def _seconds(value: _dt.timedelta | None) -> float:
    return math.nan if value is None else value.total_seconds()


def _sla_problems(report: SLAReport) -> str | None:
    return json.dumps(list(report.problems), ensure_ascii=False) if report.problems else None


def _policy_set(value: Any) -> PolicySet:
    return value if isinstance(value, PolicySet) else PolicySet(value)


def _now(value: Any) -> _dt.datetime | None:
    return None if value is None else to_aware(value, field="now")


@attrs.frozen(eq=False)
class SLABatch:
    """The SLA batch function: a DataFrame of tickets in, one row per ticket and metric out.

    Build it once with the policies; call it on each batch (``batch(frame)``), or give
    :meth:`over` to Spark's ``mapInPandas``. Output columns are :attr:`schema`
    (:data:`SLA_SCHEMA`): ``ticket_id``, ``policy``, ``metric``, ``state``,
    ``target_s``, ``started_at``, ``due_at``, ``achieved_at``, ``elapsed_s``,
    ``remaining_s``, ``breached``, ``paused``, ``cycles`` (cycles of a cycle metric)
    and ``problems`` (JSON list of what lenient reading dropped, or null). A ticket
    that no policy measures gives one row with ``metric`` null, so no ticket is lost.
    The output index repeats each input row's index label.

    Args:
        policies: A :class:`~supportkit.sla.PolicySet` (or a list of policies).
        now: Judge open clocks at this instant (aware datetime or ISO string); give it
            explicitly, so that every worker judges at the same instant. ``None``: as
            of each ticket's last event.
        strict: ``False`` reads tickets leniently (see ``PolicySet.evaluate_many``).
    """

    policies: PolicySet = attrs.field(converter=_policy_set)
    now: _dt.datetime | None = attrs.field(default=None, converter=_now)
    strict: bool = True

    @property
    def schema(self) -> FrameSchema:
        """The output columns."""
        return SLA_SCHEMA

    def meta(self) -> Any:
        """Dask's ``meta``: an empty frame of the output columns."""
        return SLA_SCHEMA.meta()

    def spark_schema(self) -> str:
        """Spark's ``mapInPandas`` schema (DDL)."""
        return SLA_SCHEMA.spark()

    def reports(self, frame: Any) -> Iterator[tuple[Any, SLAReport]]:
        """Yield ``(index label, SLAReport)`` per row, in row order."""
        labels: list[Any] = []
        strict = self.strict

        def tickets() -> Iterator[Ticket | dict[str, Any]]:
            for label, record in frame_records(frame):
                labels.append(label)
                try:
                    yield read_ticket(label, record, strict=strict)
                except InvalidTicket:
                    if strict:
                        raise
                    yield record  # evaluate_many reports it as skipped, with the reason

        for i, report in enumerate(
            self.policies.evaluate_many(tickets(), now=self.now, strict=strict)
        ):
            yield labels[i], report

    def __call__(self, frame: Any) -> Any:
        """Evaluate a DataFrame of tickets; return the rows of :attr:`schema`."""
        check_frame(frame)
        data: dict[str, list[Any]] = {name: [] for name in SLA_SCHEMA.names}
        index: list[Any] = []
        for label, report in self.reports(frame):
            results: Iterable[tuple[str | None, MetricResult | None]] = report.metrics.items()
            if not report.metrics:
                results = [(None, None)]
            problems = _sla_problems(report)
            for metric, result in results:
                index.append(label)
                data["ticket_id"].append(report.ticket_id)
                data["metric"].append(metric)
                data["problems"].append(problems)
                if result is None:
                    data["policy"].append(report.policy)
                    for name in ("state", "started_at", "due_at", "achieved_at"):
                        data[name].append(None)
                    for name in ("target_s", "elapsed_s", "remaining_s"):
                        data[name].append(math.nan)
                    data["breached"].append(False)
                    data["paused"].append(False)
                    data["cycles"].append(0)
                    continue
                data["policy"].append(result.policy)
                data["state"].append(state_of(result, report.as_of))
                data["target_s"].append(result.target.total_seconds())
                data["started_at"].append(result.started_at)
                data["due_at"].append(result.due_at)
                data["achieved_at"].append(result.achieved_at)
                data["elapsed_s"].append(_seconds(result.elapsed))
                data["remaining_s"].append(_seconds(result.remaining))
                data["breached"].append(bool(result.breached))
                data["paused"].append(bool(result.paused))
                data["cycles"].append(len(result.cycles))
        return SLA_SCHEMA.frame(data, index=output_index(index, frame))

    def over(self, frames: Iterable[Any]) -> Iterator[Any]:
        """Map an iterator of DataFrames (the form Spark's ``mapInPandas`` calls)."""
        for frame in frames:
            yield self(frame)


def check_frame(frame: Any) -> None:
    if not (hasattr(frame, "itertuples") and hasattr(frame, "columns")):
        raise InvalidArgument(
            f"a batch must be a pandas DataFrame (got {type(frame).__name__}); "
            "build one with pandas.DataFrame(records).",
            field="frame",
            value=type(frame).__name__,
        )


def output_index(labels: list[Any], frame: Any) -> Any:
    """An output index of ``labels``, of the input index's dtype (so concatenation keeps it)."""
    pd = import_pandas()
    return pd.Index(labels, dtype=frame.index.dtype, name=frame.index.name)
