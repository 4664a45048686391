"""SLA clocks run over a ticket's event list: :class:`PolicySet` and its ``evaluate``.

The rules, in one place (the docs page "SLAs and staffing" repeats them):

* Clocks start at ``created_at``; events are read in time order (``as_ticket`` sorts
  them); events after ``now`` are ignored, so a ticket can be replayed as of any
  instant. Without ``now`` the report is as of the ticket's last event.
* A reply *counts* as a response when its author is one of the ``responders`` of the
  policy in force when it was written (agents only by default).
* A customer reply moves a ticket that is ``pending``, ``waiting_customer`` or
  ``solved`` back to ``open`` — what helpdesks do when the customer writes — so a
  pause ends when the customer answers even if the export has no status event.
* ``solved`` and ``closed`` stop every clock; ``resolution`` is achieved when the
  ticket is (still) solved at the end, at the moment it was last solved; time while
  solved before a reopen does not count.
* Deadlines compare instants: achieved (or stopped) at ``due_at`` or earlier is on
  time; a reply exactly at the deadline is **not** a breach.
* **Policy switch.** The policy is chosen again at every ``priority`` event (the
  ticket's ``priority`` field is its priority at creation). Each metric instance
  (each cycle) is judged by the policy in force when it ends (or at ``now``), with
  that policy's target and calendar measured **from the instance's original
  start** — as Zendesk re-applies targets when a ticket's SLA policy changes.
  Instances that ended before the switch keep the policy that judged them. If the
  new policy has no target for a metric, its open instance is no longer measured.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from supportkit._frames import rows as frame_rows
from supportkit._ticket import Ticket, as_ticket, fast_end
from supportkit._time import to_aware
from supportkit.exceptions import InvalidPolicy, InvalidTicket, SupportkitError
from supportkit.sla._args import expect
from supportkit.sla._engine import evaluate
from supportkit.sla._measure import Plan
from supportkit.sla._policy import METRICS, SLAPolicy
from supportkit.sla._report import SLAReport

__all__ = ["PolicySet"]


def _policies(value: Any) -> tuple[SLAPolicy, ...]:
    if isinstance(value, SLAPolicy):
        value = (value,)
    try:
        items = tuple(value)
    except TypeError:
        raise InvalidPolicy(
            f"policies must be a list of SLAPolicy (got {value!r}).", field="policies"
        ) from None
    seen: set[str] = set()
    for i, item in enumerate(items):
        if not isinstance(item, SLAPolicy):
            raise InvalidPolicy(
                f"policies[{i}] must be an SLAPolicy (got {item!r}); build it with "
                "SLAPolicy(...) or SLAPolicy.from_dict(...).",
                field=f"policies[{i}]",
                value=item,
            )
        if item.name in seen:
            raise InvalidPolicy(
                f"policies[{i}] repeats the name {item.name!r}; policy names must be unique.",
                field=f"policies[{i}].name",
                value=item.name,
            )
        seen.add(item.name)
    if not items:
        raise InvalidPolicy("policies must hold at least one SLAPolicy.", field="policies")
    return items


@attrs.frozen
class PolicySet:
    """An ordered list of policies; the first that applies to a ticket measures it.

    Args:
        policies: :class:`SLAPolicy` objects in priority order (names unique).

    >>> import datetime as dt
    >>> from supportkit.sla import PolicySet, SLAPolicy
    >>> chat = SLAPolicy("chat", {"first_response": dt.timedelta(seconds=100)}, None,
    ...                  applies_to={"channel": "chat"})
    >>> report = PolicySet([chat]).evaluate({
    ...     "id": "1", "channel": "chat", "created_at": "2024-10-07T02:00:00+03:00",
    ...     "events": [{"at": "2024-10-07T02:01:40+03:00", "type": "reply", "by": "agent"}]})
    >>> report["first_response"].state, report["first_response"].elapsed.total_seconds()
    ('met', 100.0)
    """

    policies: tuple[SLAPolicy, ...] = attrs.field(converter=_policies)
    _plans: tuple[Plan, ...] = attrs.field(
        init=False,
        eq=False,
        repr=False,
        hash=False,
        default=attrs.Factory(lambda self: tuple(Plan(p) for p in self.policies), takes_self=True),
    )

    @property
    def metrics(self) -> tuple[str, ...]:
        """Every metric any policy measures, in report order."""
        used = {m for p in self.policies for m in p.targets}
        return tuple(m for m in METRICS if m in used)

    def select(self, ticket: Any, priority: str | None = None) -> SLAPolicy | None:
        """Return the first policy that applies to ``ticket`` (at ``priority``), or ``None``."""
        value = as_ticket(ticket)
        current = value.priority if priority is None else priority
        for policy in self.policies:
            if policy.applies_to.matches(value, current):
                return policy
        return None

    def evaluate(self, ticket: Any, now: Any = None, *, strict: bool = True) -> SLAReport:
        """Run every clock of the applicable policy over the ticket's events.

        Args:
            ticket: A :class:`~supportkit.Ticket`, a mapping (JSON export row) or a str.
            now: Report as of this instant (aware datetime or ISO string): open
                clocks run until then, later events are ignored. ``None``: as of the
                ticket's last event (right for closed tickets).
            strict: ``False`` reads the ticket leniently (bad events dropped); what
                was dropped is in :attr:`SLAReport.problems`.

        Returns:
            An :class:`SLAReport`.

        Raises:
            InvalidTicket: the ticket has no ``created_at``, ``now`` is before it, or
                (strict) an event cannot be read.
        """
        value = as_ticket(ticket, strict=strict)
        as_of = None if now is None else to_aware(now, field="now")
        return evaluate(self._plans, value, as_of)

    def evaluate_many(
        self,
        tickets: Iterable[Any],
        *,
        now: Any = None,
        strict: bool = True,
        summary: Any = None,
        positions: Iterable[str] | None = None,
    ) -> Iterator[SLAReport]:
        """Evaluate many tickets as of one instant, ``now``.

        Args:
            tickets: Tickets or mappings, e.g. the rows of a JSON Lines export.
            now: The instant every clock is judged at. ``None`` (the default): the
                end of the export, i.e. the latest ``created_at`` or event of all the
                tickets, so a clock still open at the end of the export runs until
                then (and is breached if it is past due by then); this reads every
                ticket before yielding the first report. Given ``now``, tickets are
                evaluated one by one (constant memory), events after ``now`` are
                ignored and tickets created after ``now`` are skipped (counted in
                ``summary.after_now``).
            strict: ``False`` reads tickets leniently; a ticket that still cannot be
                evaluated (no ``created_at``) yields a report with no metrics and
                the reason in ``problems`` instead of stopping the batch.
            summary: An :class:`~supportkit.sla.AttainmentSummary` to add each
                report to as it is yielded.
            positions: How to name each ticket in error messages, in input order
                (``"export.jsonl:5"``); ``tickets[i]`` by default. The ticket's
                ``id`` is added when it has one.

        Yields:
            One :class:`SLAReport` per ticket, in input order.
        """
        add = None if summary is None else summary.add
        if now is None and tickets.__class__ in (list, tuple):
            # Two passes over the list (reading is pure): the first finds the end of
            # the export, the second evaluates, so no ticket is held between them.
            # Holding them all costs memory and, with it, the garbage collector's
            # full passes over every live object (half the time at 100,000 tickets).
            labels = None if positions is None else list(positions)
            latest = self._end(tickets, strict, None if labels is None else iter(labels))
            read = self._read(tickets, strict, None if labels is None else iter(labels))
            for field, ticket, raw, error in read:
                report = self._one(field, ticket, raw, error, latest, strict)
                if add is not None:
                    add(report)
                yield report
            return
        names = iter(positions) if positions is not None else None
        if now is None:
            rows = list(self._read(tickets, strict, names))
            latest = _latest(row[1] for row in rows)
            for field, ticket, raw, error in rows:
                report = self._one(field, ticket, raw, error, latest, strict)
                if add is not None:
                    add(report)
                yield report
            return
        as_of = to_aware(now, field="now")
        for field, ticket, raw, error in self._read(tickets, strict, names):
            if ticket is not None and ticket.created_at is not None and ticket.created_at > as_of:
                if summary is not None:
                    summary.after_now += 1
                continue
            report = self._one(field, ticket, raw, error, as_of, strict)
            if add is not None:
                add(report)
            yield report

    def _read(
        self, tickets: Iterable[Any], strict: bool, names: Iterator[str] | None
    ) -> Iterator[tuple[str, Ticket | None, Any, SupportkitError | None]]:
        for i, raw in enumerate(frame_rows(tickets)):  # a DataFrame: one ticket per row
            field = f"tickets[{i}]" if names is None else next(names, f"tickets[{i}]")
            try:
                ticket = as_ticket(raw, strict=strict, field=field)
            except SupportkitError as exc:  # a naive or unparseable time too
                if strict:
                    raise _with_id(exc, raw) from exc
                yield field, None, raw, exc
                continue
            yield field, ticket, raw, None

    def _end(
        self, tickets: Iterable[Any], strict: bool, names: Iterator[str] | None
    ) -> _dt.datetime | None:
        """:func:`_latest` of the tickets read from ``tickets`` (errors as :meth:`_read`);
        a well-formed row is only checked, not built."""
        latest: _dt.datetime | None = None
        for i, raw in enumerate(tickets):
            name = None if names is None else next(names, None)
            end = fast_end(raw)
            if end is None:
                field = f"tickets[{i}]" if name is None else name
                read = next(iter(self._read([raw], strict, iter([field]))))
                end = _latest([read[1]])
            if end is not None and (latest is None or end > latest):
                latest = end
        return latest

    def _one(  # noqa: PLR0917 - private helper of evaluate_many, one call site
        self,
        field: str,
        ticket: Ticket | None,
        raw: Any,
        error: SupportkitError | None,
        as_of: _dt.datetime | None,
        strict: bool,
    ) -> SLAReport:
        if ticket is not None:
            try:
                return evaluate(self._plans, ticket, as_of, field=field)
            except InvalidTicket as exc:
                if strict:
                    raise _with_id(exc, raw) from exc
                error = exc
        ident = raw.get("id") if isinstance(raw, Mapping) else None
        return SLAReport(
            None if ident is None else str(ident),
            None,
            as_of or _dt.datetime.min.replace(tzinfo=_dt.timezone.utc),
            problems=(f"{field}: skipped: {error}",),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form, ``{"policies": [...]}``."""
        return {"policies": [policy.to_dict() for policy in self.policies]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PolicySet:
        """Build from ``{"policies": [...]}`` (each as :meth:`SLAPolicy.from_dict`)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("policies"), list):
            raise InvalidPolicy(
                'a policy file must be a JSON object {"policies": [...]} '
                f"(got {type(data).__name__}).",
                field="policies",
            )
        return cls(
            [
                SLAPolicy.from_dict(item, field=f"policies[{i}]")
                for i, item in enumerate(data["policies"])
            ]
        )

    @classmethod
    def from_json(cls, source: str | os.PathLike[str]) -> PolicySet:
        """Build from a JSON file path or a JSON text."""
        expect(source, (str, os.PathLike), arg="source", want="a path or a JSON text")
        text = str(source)
        if isinstance(source, os.PathLike) or not text.lstrip().startswith("{"):
            path = Path(source)
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise InvalidPolicy(
                    f"policy file {str(path)!r} is not UTF-8 text (byte {exc.start}); "
                    "save it as UTF-8.",
                    field="policies",
                    value=str(path),
                ) from exc
            except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
                reason = getattr(exc, "strerror", None) or "not a readable file"
                raise InvalidPolicy(
                    f"cannot read policy file {str(path)[:200]!r} ({reason}).",
                    field="policies",
                    value=str(path),
                ) from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidPolicy(
                f"policy file is not valid JSON ({exc.msg} at line {exc.lineno}).",
                field="policies",
            ) from exc
        except RecursionError as exc:
            raise InvalidPolicy(
                "policy file is nested too deeply to read; a policy file needs only a few levels.",
                field="policies",
            ) from exc
        return cls.from_dict(data)


def _with_id(exc: SupportkitError, raw: Any) -> SupportkitError:
    """The same error, its message starting with the ticket's id (a person looks it up)."""
    ident = raw.get("id") if isinstance(raw, Mapping) else None
    if ident is None or ident == "":
        return exc
    out = copy.copy(exc)
    out.message = f"ticket {str(ident)!r}: {exc.message}"
    out.args = (out.message,)
    return out


def _latest(tickets: Iterable[Ticket | None]) -> _dt.datetime | None:
    """The end of an export: the latest ``created_at`` or event time of its tickets."""
    latest: _dt.datetime | None = None
    for ticket in tickets:
        if ticket is None:
            continue
        last = ticket.events[-1].at if ticket.events else ticket.created_at
        if last is not None and (latest is None or last > latest):
            latest = last
        created = ticket.created_at
        if created is not None and (latest is None or created > latest):
            latest = created
    return latest
