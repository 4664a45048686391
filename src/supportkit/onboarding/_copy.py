"""``copy_store(src, dst)``: move journeys between stores (SQLite to PostgreSQL and back).

Rows are copied as stored — no flow is needed and nothing is replayed — in batches of
``batch`` journeys, each batch one transaction of the destination. A journey already in
the destination at the same version is skipped, so an interrupted copy can simply be run
again; one at another version is a :class:`~supportkit.exceptions.ConcurrencyError`.
Claims are not copied (they are leases of minutes); the destination fills in each
journey's call-list columns on its first ``claim_next``.
"""

from __future__ import annotations

from supportkit.exceptions import ConcurrencyError, InvalidArgument, InvalidValue
from supportkit.onboarding._storebase import JourneyStore
from supportkit.onboarding._storerows import Item

__all__ = ["copy_store"]


def copy_store(src: JourneyStore, dst: JourneyStore, *, batch: int = 500) -> int:
    """Copy every journey of ``src`` into ``dst``; return how many were copied.

    Args:
        src: The store to read (``SQLiteJourneyStore`` or ``PostgresJourneyStore``).
        dst: The store to write (may be of the other kind).
        batch: Journeys per destination transaction.

    Raises:
        ConcurrencyError: ``dst`` already holds one of the journeys at another version.
    """
    for name, store in (("src", src), ("dst", dst)):
        if not isinstance(store, JourneyStore):
            raise InvalidArgument(
                f"{name} must be a journey store such as SQLiteJourneyStore(...) (got "
                f"{type(store).__name__}).",
                field=name,
                value=store,
            )
    if src is dst:
        raise InvalidValue("src and dst are the same store; pass two stores.", field="dst")
    if type(batch) is not int or batch < 1:
        raise InvalidValue(
            f"batch must be a whole number >= 1 (got {batch!r}).", field="batch", value=batch
        )
    pending: list[Item] = []
    copied = 0
    for journey_id in src.ids():
        found = src._fetch(journey_id)  # the row and its events in one snapshot
        if found is None:  # journeys are never deleted, but be exact
            continue
        (flow, started_at, data, version), events = found
        have = dst.version(journey_id)
        if have == version:
            continue
        if have is not None:
            raise ConcurrencyError(
                f"journey {journey_id!r} is in the destination at version {have}, not "
                f"{version}; copy into an empty store.",
                field="journey_id",
                value=journey_id,
            )
        pending.append(
            Item(journey_id, None, version, flow, started_at, data, None, None, list(events))
        )
        if len(pending) >= batch:
            dst._run(pending, append=False)
            copied += len(pending)
            pending = []
    if pending:
        dst._run(pending, append=False)
        copied += len(pending)
    return copied
