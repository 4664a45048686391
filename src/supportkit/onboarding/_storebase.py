"""What every journey store shares: the contract, its checks and messages, the call list.

A backend (:class:`~supportkit.onboarding.SQLiteJourneyStore`,
:class:`~supportkit.onboarding.PostgresJourneyStore`) implements a handful of private
primitives — write a batch, read rows, claim a row — and inherits everything a host
calls from :class:`JourneyStore`, so both keep *exactly* the same contract: the same
checks, the same messages, the same replay and the same call-list order.

The rows and errors the backends share are in :mod:`._storerows`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import threading
import uuid
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import attrs

from supportkit._time import to_aware, to_timedelta
from supportkit.exceptions import ConcurrencyError, InvalidArgument, InvalidValue, StoreClosed
from supportkit.onboarding._flow import Flow
from supportkit.onboarding._journey import Journey, Step
from supportkit.onboarding._storerows import (
    SCHEMA_VERSION,
    Ask,
    Claimed,
    Conflict,
    EventRow,
    Item,
    JourneyRow,
    NeedsIndex,
    StoreUnavailable,
    check_flow,
    check_journey,
    check_journey_id,
    decode,
    open_states,
    rebuild,
    step_row,
)

__all__ = [
    "SCHEMA_VERSION",
    "Claim",
    "JourneyStore",
    "StoreUnavailable",
]

_Store = TypeVar("_Store", bound="JourneyStore")


@attrs.frozen
class Claim:
    """One operator's hold on one journey of the shared call list, until ``expires_at``.

    Attributes:
        journey_id: The claimed journey.
        operator: Who holds it.
        claimed_at: The ``now`` given to :meth:`JourneyStore.claim_next`.
        expires_at: ``claimed_at + lease``; after it the journey is offered again.
        token: Identifies this claim (a late ``release`` of an expired claim that
            someone else has since taken does nothing).
        journey: The journey as stored when it was claimed.
    """

    journey_id: str
    operator: str
    claimed_at: _dt.datetime
    expires_at: _dt.datetime
    token: str
    journey: Journey = attrs.field(eq=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (the journey as its id, state and version)."""
        return {
            "journey_id": self.journey_id,
            "operator": self.operator,
            "claimed_at": self.claimed_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "token": self.token,
            "state": self.journey.state,
            "version": self.journey.version,
        }


class JourneyStore:
    """The contract every journey store keeps; subclasses provide the private primitives.

    Public methods: :meth:`save`, :meth:`save_many`, :meth:`append`, :meth:`version`,
    :meth:`ids`, :meth:`events`, :meth:`load`, :meth:`journeys`, :meth:`transaction`,
    :meth:`claim_next`, :meth:`release`, :meth:`complete`, :meth:`close`.
    """

    _closed: bool = False
    _depth: int = 0  # 1 inside a ``transaction()`` block
    _doomed: bool = False  # a write inside the block failed: it will be rolled back
    _lock: threading.RLock

    # -- primitives a backend implements ------------------------------------------------
    def _write(self, items: list[Item]) -> None:  # pragma: no cover - abstract
        """Write ``items`` atomically or raise :class:`Conflict` (nothing written)."""
        raise NotImplementedError

    def _journey_row(self, journey_id: str) -> JourneyRow | None:
        raise NotImplementedError  # pragma: no cover - abstract

    def _event_rows(self, journey_id: str) -> list[EventRow]:
        raise NotImplementedError  # pragma: no cover - abstract

    def _fetch(self, journey_id: str) -> tuple[JourneyRow, list[EventRow]] | None:
        """The journey row and its events, read in ONE snapshot (no append in between)."""
        raise NotImplementedError  # pragma: no cover - abstract

    def _ids(self, flow: str | None) -> list[str]:
        raise NotImplementedError  # pragma: no cover - abstract

    def _unindexed(self, flow: str) -> list[tuple[str, int]]:
        raise NotImplementedError  # pragma: no cover - abstract

    def _index(self, journey_id: str, version: int, state: str, last_at: _dt.datetime) -> None:
        raise NotImplementedError  # pragma: no cover - abstract

    def _claim(self, ask: Ask) -> Claimed | None:
        raise NotImplementedError  # pragma: no cover - abstract

    def _end(self, journey_id: str, token: str, called_at: _dt.datetime | None) -> bool:
        raise NotImplementedError  # pragma: no cover - abstract

    def _errors(self) -> contextlib.AbstractContextManager[None]:
        """Translate the driver's errors into supportkit's."""
        raise NotImplementedError  # pragma: no cover - abstract

    def _own_tx(self) -> contextlib.AbstractContextManager[None]:
        """One write's own transaction (commit at the end, roll back if it raises)."""
        raise NotImplementedError  # pragma: no cover - abstract

    def _outer_tx(self) -> contextlib.AbstractContextManager[None]:
        """A ``transaction()`` block's transaction (likewise)."""
        raise NotImplementedError  # pragma: no cover - abstract

    def _describe(self) -> str:
        raise NotImplementedError  # pragma: no cover - abstract

    def _disconnect(self) -> None:
        """Close the driver's connection (under the lock)."""
        raise NotImplementedError  # pragma: no cover - abstract

    # -- shared -------------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise StoreClosed(
                f"{self._describe()} is closed; open a new store to use it again.",
                field="store",
            )

    def close(self) -> None:
        """Close the connection; any later call raises :class:`StoreClosed`.

        Closing twice is harmless.
        """
        with self._lock:
            self._closed = True
            self._disconnect()

    def __enter__(self: _Store) -> _Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Group several writes into one transaction: all of them are stored, or none.

        ``with store.transaction(): store.save(a); store.save(b)``. If anything inside
        fails, the whole transaction is rolled back when the block ends (and further
        writes inside the block raise).
        """
        self._check_open()
        return self._transaction()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            if self._depth:
                raise InvalidValue(
                    "store.transaction() blocks do not nest; write inside the outer one.",
                    field="transaction",
                )
            with self._outer_tx():
                self._depth, self._doomed = 1, False
                try:
                    yield
                    if self._doomed:  # the caller caught the error: still roll back
                        raise InvalidValue(
                            "the transaction was rolled back because a write inside it failed.",
                            field="transaction",
                        )
                finally:
                    self._depth = 0

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        """One write: its own transaction, or part of the open ``transaction()`` block."""
        with self._lock, self._errors():
            if self._depth:
                if self._doomed:
                    raise InvalidValue(
                        "an earlier write in this transaction failed, so it will be rolled "
                        "back; leave the `with store.transaction()` block.",
                        field="transaction",
                    )
                try:
                    yield
                except BaseException:
                    self._doomed = True
                    raise
                return
            with self._own_tx():
                yield

    def save(self, journey: Journey, *, expected_version: int | None = None) -> int:
        """Store a new journey (``expected_version=None``) or its events after ``expected_version``.

        Returns:
            The stored version (``journey.version``).

        Raises:
            ConcurrencyError: the journey exists already (for a new one), or the store
                is not at ``expected_version``.
        """
        check_journey(journey)
        return self.save_many([journey], expected_versions=[expected_version])[0]

    def save_many(
        self, journeys: Sequence[Journey], *, expected_versions: Sequence[int | None] | None = None
    ) -> list[int]:
        """Save several journeys in **one** transaction (group commit): all or nothing.

        With durable commits each commit costs an fsync; committing a batch of journeys
        together is how a busy host reaches thousands of durable events per second.
        ``expected_versions[i]`` is as for :meth:`save` (``None``: new journey).

        Raises:
            ConcurrencyError: any journey conflicts; nothing of the batch is written.
        """
        if isinstance(journeys, (str, bytes, Journey)) or not isinstance(journeys, Sequence):
            raise InvalidArgument(
                f"journeys must be a list of Journey (got {type(journeys).__name__}).",
                field="journeys",
                value=journeys,
            )
        items = list(journeys)
        expected = [None] * len(items) if expected_versions is None else list(expected_versions)
        if len(expected) != len(items):
            raise InvalidValue(
                f"expected_versions must have one entry per journey ({len(items)}), "
                f"got {len(expected)}.",
                field="expected_versions",
                value=expected_versions,
            )
        batch = []
        for i, (j, v) in enumerate(zip(items, expected, strict=True)):
            check_journey(j, "journey" if len(items) == 1 else f"journeys[{i}]")
            batch.append(self._item(j, v))
        self._run(batch, append=False)
        return [item.version for item in batch]

    @staticmethod
    def _item(journey: Journey, expected: int | None) -> Item:
        if expected is not None and (
            type(expected) is not int or not 0 <= expected <= journey.version
        ):
            raise InvalidValue(
                f"expected_version must be between 0 and journey.version={journey.version} "
                f"(got {expected!r}).",
                field="expected_version",
                value=expected,
            )
        start = 0 if expected is None else expected
        steps = journey.history[start:]
        return Item(
            journey.subject_id,
            expected,
            journey.version,
            journey.flow.name if expected is None else None,
            journey.started_at.isoformat() if expected is None else None,
            json.dumps(dict(journey.start_data)) if expected is None else None,
            journey.state,
            journey.last_at,
            [step_row(s, i, start + i + 1) for i, s in enumerate(steps)],
        )

    def _run(self, batch: list[Item], *, append: bool) -> None:
        self._check_open()
        try:
            self._write(batch)
        except Conflict as conflict:
            item = batch[conflict.index]
            found = conflict.found
            if item.expected is None:
                raise ConcurrencyError(
                    f"journey {item.journey_id!r} is already stored at version "
                    f"{found}; load it and save with expected_version.",
                    field="journey_id",
                    value=item.journey_id,
                ) from None
            if append and found is None:
                raise InvalidValue(
                    f"journey {item.journey_id!r} is not in the store; save it first.",
                    field="journey_id",
                    value=item.journey_id,
                ) from None
            raise ConcurrencyError(
                f"journey {item.journey_id!r} is at version {found}, not {item.expected}; "
                "another writer got there first — reload and retry.",
                field="expected_version",
                value=item.expected,
            ) from None

    def append(self, journey_id: str, steps: Sequence[Step], *, expected_version: int) -> int:
        """Append ``steps`` to a stored journey in one transaction.

        Args:
            journey_id: The journey's subject id.
            steps: :class:`Step` objects (the tail of ``journey.history``).
            expected_version: The number of events the caller saw.

        Returns:
            The new version.

        Raises:
            ConcurrencyError: the journey is not at ``expected_version`` (nothing written).
            InvalidValue: no such journey.
        """
        check_journey_id(journey_id)
        if type(expected_version) is not int or expected_version < 0:
            raise InvalidValue(
                f"expected_version must be a whole number >= 0 (got {expected_version!r}).",
                field="expected_version",
                value=expected_version,
            )
        given: Any = steps
        if isinstance(given, (str, bytes)) or not isinstance(given, Sequence):
            raise InvalidArgument(
                f"steps must be a list of Step (got {type(given).__name__}).",
                field="steps",
                value=given,
            )
        rows = [step_row(s, i, expected_version + i + 1) for i, s in enumerate(steps)]
        last = steps[-1] if steps else None
        item = Item(
            journey_id,
            expected_version,
            expected_version + len(rows),
            None,
            None,
            None,
            None if last is None else last.target,
            None if last is None else last.at,
            rows,
        )
        self._run([item], append=True)
        return item.version

    # -- reading ------------------------------------------------------------------------------
    def version(self, journey_id: str) -> int | None:
        """The stored version of a journey, ``None`` if it is not stored."""
        check_journey_id(journey_id)
        self._check_open()
        row = self._journey_row(journey_id)
        return None if row is None else row[3]

    def ids(self) -> list[str]:
        """Every stored journey id, sorted (by code point)."""
        self._check_open()
        return self._ids(None)

    def events(self, journey_id: str) -> list[dict[str, Any]]:
        """The stored events of a journey as dicts, in order."""
        check_journey_id(journey_id)
        self._check_open()
        return decode(journey_id, self._event_rows(journey_id))

    def load(self, journey_id: str, flow: Flow) -> Journey:
        """Replay a stored journey through ``flow``.

        Raises:
            InvalidValue: no such journey.
            InvalidFlow: the stored rows do not fit ``flow`` or are malformed.
        """
        check_journey_id(journey_id)
        check_flow(flow)
        self._check_open()
        found = self._fetch(journey_id)
        if found is None:
            raise InvalidValue(
                f"journey {journey_id!r} is not in the store.", field="journey_id", value=journey_id
            )
        return rebuild(journey_id, flow, *found)

    def journeys(self, flow: Flow) -> Iterator[Journey]:
        """Replay every stored journey of ``flow`` (by name), in id order."""
        check_flow(flow)
        self._check_open()
        for journey_id in self._ids(flow.name):
            yield self.load(journey_id, flow)

    # -- the shared call list ------------------------------------------------------------------
    def claim_next(
        self,
        flow: Flow,
        *,
        now: Any,
        idle: Any,
        operator: str,
        lease: Any = _dt.timedelta(minutes=15),
    ) -> Claim | None:
        """Hand ``operator`` the next stuck journey nobody else holds, or ``None``.

        The order is :func:`~supportkit.onboarding.stuck`'s: open journeys of ``flow``
        idle for at least ``idle`` at ``now``, closest to done first, then longest idle,
        then subject id. A journey is skipped while another operator's claim on it is
        unexpired, and after :meth:`complete` until it has been idle for ``idle`` again.

        Args:
            flow: The flow (its name selects the journeys; its graph gives the order).
            now: The current time (aware).
            idle: How long without an event counts as stuck (``timedelta`` or seconds).
            operator: Who claims (a non-empty string).
            lease: How long the claim lasts (default 15 minutes).
        """
        check_flow(flow)
        when = to_aware(now, field="now")
        quiet = to_timedelta(idle, field="idle")
        hold = to_timedelta(lease, field="lease")
        check_journey_id(operator, "operator")
        if quiet < _dt.timedelta(0):
            raise InvalidValue(
                f"idle must not be negative (got {quiet}).", field="idle", value=quiet
            )
        if hold <= _dt.timedelta(0):
            raise InvalidValue(f"lease must be positive (got {hold}).", field="lease", value=hold)
        self._check_open()
        ask = Ask(
            flow.name,
            open_states(flow),
            when,
            when - quiet,
            operator,
            uuid.uuid4().hex,
            when + hold,
        )
        try:
            claimed = self._claim(ask)
        except NeedsIndex:
            # Rows written by schema 1 (or copied by copy_store) lack their state and
            # last event time: fill them in from a replay once, then claim.
            for journey_id, version in self._unindexed(flow.name):
                j = self.load(journey_id, flow)
                self._index(journey_id, version, j.state, j.last_at)
            claimed = self._claim(ask)
        if claimed is None:
            return None
        journey_id, row, rows = claimed
        journey = (
            self.load(journey_id, flow)
            if row is None or rows is None
            else rebuild(journey_id, flow, row, rows)
        )
        return Claim(journey_id, operator, when, ask.until, ask.token, journey)

    def release(self, claim: Claim) -> bool:
        """End ``claim`` without a call: the journey is offered again at once.

        Returns:
            ``True`` if the claim was still this operator's, ``False`` if it had
            already ended (released, completed, or expired and taken by someone else).
        """
        self._check_claim(claim)
        return self._end(claim.journey_id, claim.token, None)

    def complete(self, claim: Claim, *, at: Any = None) -> bool:
        """End ``claim`` after the call: the journey leaves the list until idle again.

        Args:
            claim: From :meth:`claim_next`.
            at: When the call ended (default ``claim.claimed_at``); the journey is
                offered again once it has been idle for ``idle`` since then.

        Returns:
            As for :meth:`release`.
        """
        self._check_claim(claim)
        called = claim.claimed_at if at is None else to_aware(at, field="at")
        return self._end(claim.journey_id, claim.token, called)

    def _check_claim(self, claim: Any) -> None:
        if not isinstance(claim, Claim):
            raise InvalidArgument(
                f"claim must be a Claim from claim_next (got {type(claim).__name__}).",
                field="claim",
                value=claim,
            )
        self._check_open()
