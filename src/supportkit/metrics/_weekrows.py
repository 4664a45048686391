"""The weekly report's fused inner loop over decoded JSON rows (``add_many``).

:meth:`WeeklyReport.add_many <supportkit.metrics.WeeklyReport.add_many>` reads most
rows here: the checks of :func:`supportkit.metrics._records.row_view` and the tallies of
``WeeklyReport._add_view`` in one function, with no view object, no call per row, and
the counters in local variables. A row is only counted once it has been read in full,
so any row this loop is not sure about (another type, an unknown key, a timestamp
without a zone, events out of order, a rating label not seen yet, ...) is handed,
untouched, to the per-row path (``view_of`` + ``_add_view``), which reads it, counts
it or raises exactly as it always has (same error, same message, same row number).
Tests check that this loop and the per-row path agree on every row.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator
from typing import Any, Final

from supportkit.metrics._percentiles import ExactStore
from supportkit.metrics._records import (
    _ABSENT,
    _ALL,
    _AUTHORS,
    _KNOWN,
    _RATINGS,
    _RESOLVED,
    _STATUSES,
    _extras_ok,
    _fast_unchecked,
    rows_of,
    view_of,
)
from supportkit.metrics._weektally import UNDATED

__all__ = ["add_many", "add_rows"]

_MISSING: Final[Any] = object()
_NO_EVENTS: Final[list[Any]] = []


def add_many(report: Any, tickets: Any) -> None:
    """``WeeklyReport.add_many`` without SLA policies: the fused loop once the zone is known."""
    rows = enumerate(rows_of(tickets))
    strict = report.strict
    add = report._add_view

    def slow(i: int, value: Any) -> None:
        view = None
        if type(value) is dict:
            try:
                view = _fast_unchecked(value)
            except (TypeError, KeyError, ValueError):
                view = None
        add(view if view is not None else view_of(value, index=i, strict=strict))

    if report._holding():  # until the zone of the data is known
        for i, value in rows:
            slow(i, value)
            if not report._holding():
                break
    if report._calendar is not None:
        for i, value in rows:
            slow(i, value)
        return
    add_rows(report, rows, slow)


def add_rows(
    report: Any,  # a WeeklyReport (not imported: _weekly imports this module)
    rows: Iterator[tuple[int, Any]],
    slow: Callable[[int, Any], None],
) -> None:
    """Count ``rows`` (``(index, row)`` pairs) into ``report``.

    ``slow(index, row)`` adds one row through the per-row path; it is called with the
    report's counters written back, and they are read again after it.
    Only for a report in calendar time, without SLA policies, whose zone is known
    (``report._pending is None``).
    """
    fromiso = _dt.datetime.fromisoformat
    known, all_keys, absent = _KNOWN, _ALL, _ABSENT
    authors, statuses, resolved_set, ratings_cache = _AUTHORS, _STATUSES, _RESOLVED, _RATINGS
    extras_ok = _extras_ok
    missing = _MISSING
    str_ = str
    dict_ = dict
    list_ = list
    int_ = int
    float_ = float
    type_ = type
    tuple_ = tuple
    len_ = len
    set_ = set
    channels: dict[str, str | None] = {}
    tag_lists: dict[tuple[Any, ...], tuple[str, ...]] = {}
    # slot -> (cell, week, response, add a response time, combos, ratings), for this call.
    slot_cache: dict[float, tuple[Any, ...]] = {}
    undated: tuple[Any, ...] | None = None

    auto = report._automation._counts
    reopen, touch, resolution = report._reopen, report._one_touch, report._resolution
    res_store = resolution._store
    res_append = res_store.values.append if type(res_store) is ExactStore else res_store.add
    slots = report._slots
    cells = report._cells
    keyer = report._key
    key_cache = keyer._cache
    closed = report._backlog._closed
    make_slot = report._slot
    make_week = report._week
    weeks = report._weeks

    reopen_count, reopened_n = reopen._count, reopen._reopened
    touch_count, touch_one = touch._count, touch._one
    res_skipped = resolution.skipped
    first_stamp, last_stamp = report._first, report._last

    try:
        for index, raw in rows:
            # --- read the row (nothing is counted until it is read in full) ---
            try:
                row = raw
                if type_(row) is not dict_:
                    raise LookupError
                if len_(row) != all_keys:
                    if not row.keys() <= known:
                        raise LookupError
                    row = {**absent, **row}
                # With every known key present and no other, all subscripts succeed.
                subject = row["subject"]
                body = row["body"]
                priority = row["priority"]
                if (
                    (subject is not None and type_(subject) is not str_)
                    or (body is not None and type_(body) is not str_)
                    or (priority is not None and type_(priority) is not str_)
                ):
                    raise LookupError
                created_raw = row["created_at"]
                created: _dt.datetime | None = None
                if created_raw is not None and created_raw != "":
                    if type_(created_raw) is not str_:
                        raise LookupError
                    created = fromiso(created_raw)
                    if created.tzinfo is None:
                        raise LookupError
                channel = row["channel"]
                if channel is not None:
                    if type_(channel) is not str_:
                        raise LookupError
                    norm = channels.get(channel, missing)
                    if norm is missing:
                        norm = channels[channel] = channel.strip().lower() or None
                    channel = norm
                tags_raw = row["tags"]
                tags: tuple[str, ...] = ()
                if tags_raw:
                    if type_(tags_raw) is not list_:
                        raise LookupError
                    # Checked tag lists, by value: only lists of plain ``str`` are kept, and
                    # only a ``str`` equals a ``str`` (an unhashable tag raises TypeError,
                    # so the row goes the per-row way).
                    seen = tuple_(tags_raw)
                    checked = tag_lists.get(seen)
                    if checked is not None:
                        tags = checked
                    else:
                        for tag in tags_raw:
                            if type_(tag) is not str_ or not tag or tag != tag.strip():
                                raise LookupError
                        tags = (
                            seen
                            if len_(seen) == 1 or len_(set_(seen)) == len_(seen)
                            else tuple_(dict_.fromkeys(seen))
                        )
                        if len_(tag_lists) < 4096:
                            tag_lists[seen] = tags
                fields = row["fields"]
                if fields is not None and type_(fields) is not dict_:
                    raise LookupError
                rating = row["rating"]
                if rating is None or type_(rating) is int_ or type_(rating) is float_:
                    pass
                elif type_(rating) is str_:
                    rating = ratings_cache.get(rating, missing)
                    if rating is missing:  # the per-row path reads (and caches) it
                        raise LookupError
                else:
                    raise LookupError
                events = row["events"]
                if not events:
                    events = _NO_EVENTS
                elif type_(events) is not list_:
                    raise LookupError
                # The facts of the history (events in time order, else the slow path).
                agent_first: _dt.datetime | None = None
                automated = False
                agents = 0
                resolved: _dt.datetime | None = None
                ever = reopened = False
                prev = created
                for ev in events:
                    if type_(ev) is not dict_:
                        raise LookupError
                    at = fromiso(ev["at"])
                    if at.tzinfo is None or (prev is not None and at < prev):
                        raise LookupError
                    prev = at
                    if len_(ev) > 3 and not extras_ok(ev):
                        raise LookupError
                    kind = ev["type"]
                    if kind == "reply":
                        by = ev["by"]
                        if by == "agent":
                            agents += 1
                            if agent_first is None:
                                agent_first = at
                        elif by == "bot" or by == "rule":  # noqa: PLR1714
                            automated = True
                        elif by not in authors:
                            raise LookupError
                    elif kind == "status":
                        status = ev["status"]
                        if status not in statuses:
                            raise LookupError
                        if status in resolved_set:
                            if resolved is None:
                                resolved = at
                                ever = True
                        elif resolved is not None:
                            resolved = None
                            reopened = True
                    elif kind == "note":
                        if ev["by"] not in authors:
                            raise LookupError
                    elif kind == "assign" or kind == "priority":  # noqa: PLR1714
                        if not extras_ok(ev) or (kind == "priority" and not ev.get("priority")):
                            raise LookupError
                    else:
                        raise LookupError
            except (LookupError, TypeError, ValueError):
                # The per-row path reads this row again, and counts it or raises.
                reopen._count, reopen._reopened = reopen_count, reopened_n
                touch._count, touch._one = touch_count, touch_one
                resolution.skipped = res_skipped
                report._first, report._last = first_stamp, last_stamp
                slow(index, raw)
                reopen_count, reopened_n = reopen._count, reopen._reopened
                touch_count, touch_one = touch._count, touch._one
                res_skipped = resolution.skipped
                first_stamp, last_stamp = report._first, report._last
                continue

            # --- count it (the body of WeeklyReport._add_view) ---
            channel = channel or "unknown"
            pair = auto.get(channel)
            if pair is None:
                pair = auto[channel] = [0, 0]
            if automated and agent_first is None:
                pair[0] += 1
            pair[1] += 1
            if ever:
                reopen_count += 1
                if reopened:
                    reopened_n += 1
            if resolved is not None and agents:
                touch_count += 1
                if agents == 1:
                    touch_one += 1
            if created is None:
                if undated is None:
                    week = weeks.get(UNDATED) or make_week(UNDATED)
                    undated = (0, week, week.response, None, week.combos, week.ratings)
                week = undated[1]
                week.response.skipped += 1
                res_skipped += 1
                week_ratings = undated[5]
            else:
                stamp = created.timestamp()
                if stamp < first_stamp:  # noqa: PLR1730
                    first_stamp = stamp
                if stamp > last_stamp:  # noqa: PLR1730
                    last_stamp = stamp
                slot = stamp // 900
                hit = slot_cache.get(slot)
                if hit is None:
                    key, cell = slots.get(slot) or make_slot(created, slot)
                    week = weeks.get(key) or make_week(key)
                    store = week.response._store
                    append = store.values.append if type(store) is ExactStore else store.add
                    hit = (cell, week, week.response, append, week.combos, week.ratings)
                    if slot in slots:
                        slot_cache[slot] = hit
                cells[hit[0]] += 1
                week = hit[1]
                if agent_first is None:
                    hit[2].skipped += 1
                else:
                    seconds = (agent_first - created).total_seconds()
                    if seconds >= 0:
                        hit[3](seconds)
                    else:  # pragma: no cover - events come after created_at here
                        hit[2]._store.add(seconds)
                if resolved is None:
                    res_skipped += 1
                else:
                    seconds = (resolved - created).total_seconds()
                    if seconds >= 0:
                        res_append(seconds)
                    else:  # pragma: no cover - events come after created_at here
                        res_store.add(seconds)
                    done_at = (
                        resolved.timestamp()
                        if created.microsecond or resolved.microsecond
                        else stamp + seconds
                    )
                    done = key_cache.get(done_at // 900) or keyer(resolved)
                    closed[done] = closed.get(done, 0) + 1
                if tags:
                    country = fields.get("country") if fields else None
                    if country is not None and not isinstance(country, str_):
                        country = None
                    combos = hit[4]
                    combo = (country, tags)
                    combos[combo] = combos.get(combo, 0) + 1
                week_ratings = hit[5]
            week.count += 1
            if rating is not None:
                week_ratings[rating] = week_ratings.get(rating, 0) + 1
    finally:
        reopen._count, reopen._reopened = reopen_count, reopened_n
        touch._count, touch._one = touch_count, touch_one
        resolution.skipped = res_skipped
        report._first, report._last = first_stamp, last_stamp
