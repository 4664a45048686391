"""The one bridge between supportkit and pandas, both ways, without importing pandas.

Into supportkit: :func:`rows` turns a pandas ``DataFrame`` into one ticket mapping
per row (never into its column names, which is what iterating a DataFrame gives),
and :func:`series_row` turns a ``Series`` (one row) into a mapping. Missing cells
(``NaN``, ``NaT``, ``None``, ``pd.NA``) mean "not given", pandas ``Timestamp`` cells
become ``datetime``, NumPy scalars become Python numbers and NumPy arrays lists; a
column named ``fields.<key>`` (what ``pandas.json_normalize`` writes) goes back under
``fields``.

Out of supportkit: :func:`to_pandas` builds a DataFrame from tickets, rule
evaluations, SLA reports or attainment summaries, importing pandas only then.

Objects are recognised by duck typing so that this module, at the bottom of the
package, imports nothing from the blocks above it.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from supportkit.exceptions import InvalidArgument, MissingExtra

__all__ = [
    "attainment_rows",
    "clean",
    "evaluation_rows",
    "is_frame",
    "is_series",
    "report_rows",
    "rows",
    "series_row",
    "ticket_rows",
    "to_pandas",
]


def _from_pandas(value: Any, names: tuple[str, ...]) -> bool:
    cls = type(value)
    module = cls.__module__
    return (module == "pandas" or module.startswith("pandas.")) and cls.__name__ in names


def is_frame(value: Any) -> bool:
    """Whether ``value`` is a pandas ``DataFrame`` (checked without importing pandas)."""
    return _from_pandas(value, ("DataFrame",)) and hasattr(value, "itertuples")


def is_series(value: Any) -> bool:
    """Whether ``value`` is a pandas ``Series`` (checked without importing pandas)."""
    return _from_pandas(value, ("Series",)) and hasattr(value, "items")


def clean(value: Any) -> Any:
    """Turn one pandas/NumPy cell into plain Python; missing markers become ``None``."""
    if value is None:
        return None
    kind = type(value)
    if kind in (str, int, bool, _dt.datetime, list, dict):
        return value
    if isinstance(value, float):  # float and numpy.float64
        return None if math.isnan(value) else float(value)
    name = kind.__name__
    if name in ("NaTType", "NAType"):
        return None
    if name == "Timestamp":
        return value.to_pydatetime()
    if name == "Timedelta":
        return value.to_pytimedelta()
    if name == "ndarray":
        return [clean(item) for item in value.tolist()]
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        return clean(item())
    return value


def _nest(record: dict[str, Any]) -> dict[str, Any]:
    dotted = [key for key in record if key.startswith("fields.")]
    if not dotted:
        return record
    fields = dict(record.get("fields") or {})
    for key in dotted:
        fields[key.removeprefix("fields.")] = record.pop(key)
    record["fields"] = fields
    return record


def series_row(series: Any) -> dict[str, Any]:
    """Return one ticket mapping from a pandas ``Series`` (index labels are the keys)."""
    record = {str(key): clean(value) for key, value in series.items()}
    return _nest({key: value for key, value in record.items() if value is not None})


def _frame_rows(frame: Any) -> Iterator[dict[str, Any]]:
    columns = [str(column) for column in frame.columns]
    for row in frame.itertuples(index=False, name=None):
        record = {k: v for k, v in zip(columns, map(clean, row), strict=True) if v is not None}
        yield _nest(record)


def rows(data: Any) -> Iterable[Any]:
    """Return ``data`` as an iterable of tickets; a DataFrame gives one mapping per row.

    Anything else is returned as it is (a list, a generator, a Series of texts).
    """
    if is_frame(data):
        return _frame_rows(data)
    return data  # type: ignore[no-any-return]


# -- results out -----------------------------------------------------------------


def ticket_rows(tickets: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """One row per ticket: the ticket's fields flat, custom fields as ``fields.<key>``."""
    for ticket in tickets:
        row: dict[str, Any] = {
            "id": ticket.id,
            "channel": ticket.channel,
            "subject": ticket.subject,
            "body": ticket.body,
            "tags": list(ticket.tags),
            "priority": ticket.priority,
            "created_at": ticket.created_at,
            "events": len(ticket.events),
            "rating": ticket.rating,
            "problems": len(ticket.problems),
        }
        for key, value in ticket.fields.items():
            row[f"fields.{key}"] = value
        yield row


def evaluation_rows(evaluations: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """One row per rule evaluation (ticket): what matched and what to do."""
    for ev in evaluations:
        yield {
            "ticket_id": ev.ticket_id,
            "matched": list(ev.matched),
            "fired": bool(ev.matched),
            "tags": list(ev.tags),
            "remove_tags": list(ev.remove_tags),
            "reply": ev.reply,
            "reply_template": ev.reply_template,
            "assign": ev.assign,
            "priority": ev.priority,
            "escalate": ev.escalate,
            "stopped_by": ev.stopped_by,
        }


def report_rows(reports: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """One row per (ticket, metric) of SLA reports; a ticket with no metric gives one row."""
    for report in reports:
        base = {"ticket_id": report.ticket_id, "policy": report.policy, "as_of": report.as_of}
        if not report.metrics:
            yield {**base, "metric": None, "problems": len(report.problems)}
            continue
        for name, result in report.metrics.items():
            yield {
                **base,
                "metric": name,
                "state": result.state,
                "target": result.target,
                "started_at": result.started_at,
                "due_at": result.due_at,
                "achieved_at": result.achieved_at,
                "breached": result.breached,
                "elapsed": result.elapsed,
                "remaining": result.remaining,
                "problems": len(report.problems),
            }


def attainment_rows(attainments: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """One row per (policy, metric) attainment."""
    for item in attainments:
        yield {
            "policy": item.policy,
            "metric": item.metric,
            "met": item.met,
            "breached": item.breached,
            "running": item.running,
            "stopped": item.stopped,
            "decided": item.decided,
            "rate": item.rate,
            "mean_elapsed": item.mean_elapsed,
        }


def _kind(value: Any) -> str | None:
    if hasattr(value, "matched") and hasattr(value, "evidence"):
        return "evaluation"
    if hasattr(value, "metrics") and hasattr(value, "as_of") and isinstance(value, Mapping):
        return "report"
    if hasattr(value, "met") and hasattr(value, "decided") and hasattr(value, "policy"):
        return "attainment"
    if hasattr(value, "events") and hasattr(value, "problems") and hasattr(value, "fields"):
        return "ticket"
    if isinstance(value, Mapping):
        return "mapping"
    return None


_ROWS = {
    "evaluation": evaluation_rows,
    "report": report_rows,
    "attainment": attainment_rows,
    "ticket": ticket_rows,
}


def to_pandas(values: Any) -> Any:
    """Build a pandas DataFrame from supportkit results.

    Args:
        values: One or many of: tickets, rule evaluations, SLA reports (one row per
            metric), an attainment summary or attainments, or plain mappings.

    Returns:
        A ``pandas.DataFrame`` (datetimes stay aware, durations become ``Timedelta``).

    Raises:
        MissingExtra: pandas is not installed.
        InvalidArgument: ``values`` mixes kinds or holds something else.
    """
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - pandas is installed in tests
        raise MissingExtra(
            "to_pandas needs pandas, which is not installed; "
            "install it with pip install 'supportkit[pandas]'.",
            extra="pandas",
        ) from exc
    if hasattr(values, "result") and hasattr(values, "reports") and callable(values.result):
        values = values.result()
    if _kind(values) is not None:
        values = [values]
    items = list(values)
    kinds = {_kind(item) for item in items}
    if None in kinds or len(kinds) > 1:
        bad = next((item for item in items if _kind(item) is None), items[0] if items else None)
        raise InvalidArgument(
            "to_pandas takes tickets, evaluations, SLA reports, attainments or mappings, "
            f"one kind at a time (got {sorted(k or 'other' for k in kinds)}, e.g. {bad!r}).",
            field="values",
            value=bad,
        )
    kind = kinds.pop() if kinds else None
    if kind is None or kind == "mapping":
        records = [dict(item) for item in items]
    else:
        records = list(_ROWS[kind](items))
    return pd.DataFrame.from_records(records) if records else pd.DataFrame()
