"""Every error supportkit raises, in one module so that nothing imports in a loop.

The hierarchy follows one rule: catch :class:`SupportkitError` to catch everything
from supportkit; bad input is *also* a builtin (:class:`ValueError` for a wrong
value, :class:`TypeError` for a wrong type), so callers' existing ``except
ValueError`` keeps working.

Each error carries structured attributes (``field``, ``value``, ``hint``) besides
its message, so a host application can show them in its own words.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CalendarDataMissing",
    "ConcurrencyError",
    "InvalidArgument",
    "InvalidCalendar",
    "InvalidFlow",
    "InvalidPolicy",
    "InvalidRule",
    "InvalidTicket",
    "InvalidValue",
    "MissingExtra",
    "NaiveDatetimeError",
    "StoreClosed",
    "StoreUnavailable",
    "SupportkitError",
    "TemplateError",
    "TransitionError",
    "UnknownEvent",
    "UnknownFlowName",
    "UnknownName",
    "UnknownReference",
    "UnknownSLAName",
]

_UNSET: Any = object()


class SupportkitError(Exception):
    """Root of every error raised by supportkit.

    Args:
        message: One sentence ending in a period: what was wrong, where, and how to fix it.
        field: Where the problem is, as a path such as ``rules[3].when.any[1]``.
        value: The offending value, when there is one.
        hint: How to fix it, when the message does not already say.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: Any = _UNSET,
        hint: str | None = None,
    ) -> None:
        text = message if hint is None else f"{message} {hint}"
        super().__init__(text)
        self.message = text
        self.field = field
        self.value = None if value is _UNSET else value
        self.has_value = value is not _UNSET
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take keyword-only arguments, so rebuild from the instance dict:
        # errors must survive pickling to and from multiprocessing/Dask workers.
        return (_restore, (type(self), self.message, dict(self.__dict__)))


def _restore(cls: type[SupportkitError], message: str, state: dict[str, Any]) -> SupportkitError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class InvalidArgument(SupportkitError, TypeError):
    """An argument of the wrong type (``normalize(42)``)."""


class InvalidValue(SupportkitError, ValueError):
    """An argument of the right type but a value that cannot be used."""


class NaiveDatetimeError(InvalidValue):
    """A datetime without a time zone, where supportkit needs an instant."""


class InvalidTicket(InvalidValue):
    """A ticket mapping (a JSON export row) that cannot be read."""


class InvalidRule(InvalidValue):
    """A rule or rule set that fails validation when it is loaded."""


class TemplateError(InvalidValue):
    """A reply template that cannot be rendered (unknown placeholder, bad syntax)."""


class InvalidCalendar(InvalidValue):
    """A working-time calendar, shift pattern or time zone that cannot be built."""


# Name used by the house style guide; the same class.
InvalidSchedule = InvalidCalendar


class InvalidPolicy(InvalidValue):
    """An SLA policy that cannot be built or applied."""


class InvalidFlow(InvalidValue):
    """An onboarding flow whose graph is inconsistent, or a malformed stored journey."""


class TransitionError(InvalidValue):
    """An event fired in a state that does not allow it.

    Attributes:
        state: The state the journey was in.
        event: The event that was fired.
        allowed: The events that are allowed in ``state``.
    """

    def __init__(
        self,
        message: str,
        *,
        state: str,
        event: str,
        allowed: tuple[str, ...] = (),
        reasons: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, field="event", value=event)
        self.state = state
        self.event = event
        self.allowed = allowed
        self.reasons = reasons


class CalendarDataMissing(SupportkitError, LookupError):
    """A production calendar has no data for the year asked about.

    Raised instead of silently treating the year as ordinary weekdays and weekends.
    """

    def __init__(self, message: str, *, year: int, calendar: str) -> None:
        super().__init__(message, field="year", value=year)
        self.year = year
        self.calendar = calendar


class ConcurrencyError(SupportkitError):
    """Another writer appended to a journey first (optimistic concurrency)."""


class StoreUnavailable(SupportkitError, ConnectionError):
    """A journey store's database went away (connection lost, server stopped, store closed).

    A :class:`ConnectionError` (an :class:`OSError`): retry it as any lost connection,
    or open the store again.
    """


class StoreClosed(StoreUnavailable, ValueError):
    """A journey store was used after ``close()`` (or after its ``with`` block).

    Also a :class:`ValueError`, as Python's own use of a closed file is: the call is the
    caller's mistake, not a lost connection, and retrying it cannot help — open a new
    store. Still a :class:`StoreUnavailable`, so ``except StoreUnavailable`` keeps working.
    """


class MissingExtra(SupportkitError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""

    def __init__(self, message: str, *, extra: str) -> None:
        super().__init__(message, field="extra", value=extra)
        self.extra = extra


class UnknownName(InvalidValue, KeyError):
    """A name looked up where it is not known: a rule id, template, calendar, flow, metric.

    Also a :class:`LookupError` (a :class:`KeyError`, so dict-style ``except KeyError``
    keeps working) as well as a :class:`ValueError`; a wrong *type* stays
    :class:`InvalidArgument`. ``str()`` is the message, not ``KeyError``'s quoted key.
    """


class UnknownFlowName(InvalidFlow, UnknownName):
    """A state or guard name that the onboarding flow does not have."""


class UnknownEvent(TransitionError, UnknownName):
    """An event name that is not an event of the onboarding flow at all."""


class UnknownSLAName(InvalidPolicy, InvalidCalendar, UnknownName):
    """An unknown name in ``supportkit.sla``: a metric, a calendar preset or a policy.

    A :class:`LookupError` (an unknown name is looked up, not mistyped); also an
    :class:`InvalidPolicy` and an :class:`InvalidCalendar`, the classes 0.1 raised
    for these, so existing ``except`` clauses keep working.

    Attributes:
        name: The name that was asked for.
        known: The names that exist.
    """

    def __init__(self, message: str, *, field: str, name: Any, known: tuple[str, ...] = ()) -> None:
        super().__init__(message, field=field, value=name)
        self.name = name
        self.known = known


class UnknownReference(InvalidRule, UnknownName):
    """A rule that names something its rule set does not define (an unknown calendar).

    Both an :class:`InvalidRule` (a ``ValueError``, raised at load time) and an
    :class:`UnknownName` (a ``LookupError``).
    """
