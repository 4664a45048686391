"""The shared shape of the ticket accumulators: ``add``, ``add_many``, ``merge``, ``result``."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Protocol, TypeVar, runtime_checkable

from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.metrics._records import TicketView, _fast_unchecked, rows_of, view_of

__all__ = ["TicketAccumulator", "WorkingTime", "check_calendar"]

_A = TypeVar("_A", bound="TicketAccumulator")


@runtime_checkable
class WorkingTime(Protocol):
    """Anything with ``between(start, end) -> timedelta``.

    :class:`supportkit.sla.WorkCalendar` is one.
    """

    def between(self, start: _dt.datetime, end: _dt.datetime) -> _dt.timedelta:
        """Return the working time in ``[start, end)``."""


def check_calendar(calendar: Any) -> WorkingTime | None:
    """Accept ``None`` (calendar time) or an object with a ``between`` method."""
    if calendar is None or callable(getattr(calendar, "between", None)):
        return calendar  # type: ignore[no-any-return]
    raise InvalidArgument(
        "calendar must be None (calendar time) or have a between(start, end) method, such as "
        f"supportkit.sla.WorkCalendar (got {calendar!r}).",
        field="calendar",
        value=calendar,
    )


class TicketAccumulator:
    """Base of the accumulators that read tickets.

    Subclasses implement ``_add_view``, ``_merge``, ``_config`` and ``result``.
    """

    __slots__ = ("strict",)

    def __init__(self, *, strict: bool = True) -> None:
        self.strict = strict

    def add(self, ticket: Any) -> None:
        """Add one ticket (a :class:`~supportkit.Ticket`, a mapping, or a str)."""
        self._add_view(view_of(ticket, strict=self.strict))

    def add_many(self, tickets: Any) -> None:
        """Add many tickets: any iterable of tickets, or a pandas DataFrame of rows."""
        add = self._add_view
        fast = _fast_unchecked
        strict = self.strict
        for i, value in enumerate(rows_of(tickets)):
            view = None
            if type(value) is dict:
                # _fast inlined: None or an exception hands the row to as_ticket.
                try:
                    view = fast(value)
                except (TypeError, KeyError, ValueError):
                    view = None
            add(view if view is not None else view_of(value, index=i, strict=strict))

    def merge(self: _A, other: _A) -> _A:
        """Add another accumulator's data into this one; return ``self``.

        Raises:
            InvalidValue: ``other`` is of another kind or was built with other options.
        """
        if type(other) is not type(self) or other._config() != self._config():
            raise InvalidValue(
                f"cannot merge {type(self).__name__} with {other!r}: build both with the "
                "same options.",
                field="other",
                value=other,
            )
        self._merge(other)
        return self

    def _add_view(self, view: TicketView) -> None:  # pragma: no cover - abstract
        raise TypeError

    def _merge(self, other: Any) -> None:  # pragma: no cover - abstract
        raise TypeError

    def _config(self) -> tuple[Any, ...]:
        return ()

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = {}
        for cls in type(self).__mro__:
            for name in getattr(cls, "__slots__", ()):
                if hasattr(self, name):
                    state[name] = getattr(self, name)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.result()!r})"  # type: ignore[attr-defined]
