"""Ticket mappings with consistent event streams, and ratings on a scale.

:func:`tickets` draws what a helpdesk's JSON export gives: plain dicts with ISO-8601
times, accepted by :func:`supportkit.as_ticket` in strict mode and by every module.
The event stream is walked as a small state machine, so it is consistent:

* every event is at or after ``created_at``, in time order;
* replies are by ``agent``, ``customer``, ``bot`` or ``rule``; notes by an agent;
* a status change always changes the status, along the moves a helpdesk allows
  (``solved`` can be reopened, ``closed`` is final and nothing follows it);
* a rating appears only on a ticket that was solved.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any, Final

from hypothesis import strategies as st

from supportkit._ticket import CHANNELS
from supportkit.exceptions import InvalidArgument
from supportkit.testing._datetimes import aware_datetimes
from supportkit.testing._messages import TOPICS, russian_messages

__all__ = ["STATUS_MOVES", "ratings", "tickets"]

#: Status → the statuses a ticket may move to next (the walk :func:`tickets` makes).
STATUS_MOVES: Final[Mapping[str, tuple[str, ...]]] = {
    "new": ("open", "pending", "waiting_customer", "on_hold", "solved"),
    "open": ("pending", "waiting_customer", "on_hold", "solved"),
    "pending": ("open", "waiting_customer", "solved"),
    "waiting_customer": ("open", "solved"),
    "on_hold": ("open", "solved"),
    "solved": ("closed", "open"),
    "closed": (),
}

_SUBJECTS: Final[Mapping[str, str]] = {
    "payouts": "Не пришла выплата",
    "acts": "Акт не подписывается",
    "receipts": "Чек",
    "self_employed": "Статус самозанятого",
    "my_tax": "Мой налог",
    "registration": "Регистрация",
    "password": "Пароль",
    "white_screen": "Белый экран",
    "interest": "Проценты",
    "passport": "Смена паспорта",
}
_PRIORITIES: Final = ("normal", "low", "high", "urgent")
_NAMES: Final = ("Анна", "Дмитрий", "Динара", "Иван", "Ольга", "Сергей", "Мария", "Тимур")
_COUNTRIES: Final = ("RU", "KZ", "ES", "MX")
_AGENTS: Final = ("Наталья Р.", "Игорь П.", "finance", "level2")
# Event kinds in shrinking order: the simplest stream is agent replies.
_KINDS: Final = (
    "agent",
    "customer",
    "status",
    "bot",
    "rule",
    "note",
    "assign",
    "priority",
)


def ratings(scale: Any = "5", *, labels: bool = False) -> st.SearchStrategy[Any]:
    """Draw a rating on a :mod:`supportkit.metrics` scale, shrinking toward the worst point.

    Args:
        scale: A scale name from :data:`supportkit.metrics.SCALES` (``"2"``, ``"3"``,
            ``"5"``, ``"10"``, ``"11"``) or a :class:`supportkit.metrics.Scale`.
        labels: Also draw the scale's labels (``"отлично"``, ``"Good"``), as exports have them.

    Raises:
        InvalidArgument: an unknown scale.
    """
    from supportkit.metrics import SCALES, Scale

    if isinstance(scale, Scale):
        found = scale
    elif isinstance(scale, (str, int)) and not isinstance(scale, bool) and str(scale) in SCALES:
        found = SCALES[str(scale)]
    else:
        raise InvalidArgument(
            f"scale must be one of {sorted(SCALES, key=int)} or a Scale (got {scale!r}).",
            field="scale",
            value=scale,
        )
    points: st.SearchStrategy[Any] = st.sampled_from(found.points)
    if labels and found.labels:
        return st.one_of(points, st.sampled_from([label for label, _ in found.labels]))
    return points


def _check_size(name: str, value: Any, low: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise InvalidArgument(
            f"{name} must be an int of at least {low} (got {value!r}).", field=name, value=value
        )
    return value


def tickets(
    *,
    channels: Sequence[str] = ("email", "chat", "messenger"),
    topics: Sequence[str] | None = None,
    created_at: st.SearchStrategy[_dt.datetime] | None = None,
    min_events: int = 0,
    max_events: int = 8,
    max_gap: _dt.timedelta = _dt.timedelta(days=3),
    rated: bool | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Draw a ticket as a JSON-export mapping with a consistent event stream.

    Args:
        channels: Channels to draw from (the first is the simplest).
        topics: Topics from :data:`TOPICS` (each ticket is tagged with its topic).
        created_at: A strategy for the creation time; :func:`aware_datetimes` by default
            (so UTC, Moscow, the far east and DST edges all appear).
        min_events: Fewest events.
        max_events: Most events (fewer when the ticket gets ``closed`` early).
        max_gap: Longest time between consecutive events.
        rated: ``True`` for always rated (every ticket is then solved), ``False`` for
            never, ``None`` for sometimes (solved tickets only).

    Raises:
        InvalidArgument: an unknown channel or topic, negative sizes,
            ``max_events < min_events``, or ``rated=True`` with ``max_events == 0``.

    Every example is accepted by ``supportkit.as_ticket(example)`` (strict), round-trips
    through JSON, and has times in the zone of ``created_at``.
    """
    if isinstance(channels, str) or not channels:
        raise InvalidArgument(
            f"channels must be a non-empty list such as ['email', 'chat'] (got {channels!r}).",
            field="channels",
            value=channels,
        )
    for channel in channels:
        if channel not in CHANNELS:
            raise InvalidArgument(
                f"channels has {channel!r}, which is not one of {list(CHANNELS)}.",
                field="channels",
                value=channel,
            )
    chosen_topics = tuple(TOPICS) if topics is None else tuple(topics)
    for topic in chosen_topics:
        if topic not in TOPICS:
            raise InvalidArgument(
                f"topics has {topic!r}, which is not one of {sorted(TOPICS)}.",
                field="topics",
                value=topic,
            )
    if not chosen_topics:
        raise InvalidArgument("topics must not be empty.", field="topics", value=topics)
    lo = _check_size("min_events", min_events, 0)
    hi = _check_size("max_events", max_events, 0)
    if hi < lo:
        raise InvalidArgument(
            f"Cannot have max_events={max_events!r} < min_events={min_events!r}.",
            field="max_events",
            value=max_events,
        )
    if not isinstance(max_gap, _dt.timedelta) or max_gap < _dt.timedelta(0):
        raise InvalidArgument(
            f"max_gap must be a non-negative timedelta (got {max_gap!r}).",
            field="max_gap",
            value=max_gap,
        )
    if rated is True and hi == 0:
        raise InvalidArgument(
            "Cannot have rated=True with max_events=0: a rated ticket must be solved.",
            field="rated",
            value=rated,
        )
    if created_at is not None and not isinstance(created_at, st.SearchStrategy):
        raise InvalidArgument(
            f"created_at must be a strategy such as aware_datetimes() (got {created_at!r}).",
            field="created_at",
            value=created_at,
        )
    starts = aware_datetimes() if created_at is None else created_at
    gap_seconds = int(max_gap.total_seconds())
    channel_list = tuple(channels)

    @st.composite
    def _draw(draw: st.DrawFn) -> dict[str, Any]:
        topic = draw(st.sampled_from(chosen_topics))
        created = draw(starts)
        tz = created.tzinfo
        count = draw(st.integers(max(lo, 1) if rated else lo, hi))
        events: list[dict[str, Any]] = []
        at = created
        status = "new"
        ever_solved = False
        while len(events) < count and status != "closed":
            # In UTC: wall-clock arithmetic would drop fold=1 in a repeated autumn hour.
            gap = _dt.timedelta(seconds=draw(st.integers(0, gap_seconds)))
            at = (at.astimezone(_dt.timezone.utc) + gap).astimezone(tz)
            must_solve = rated is True and len(events) == count - 1 and not ever_solved
            kind = "status" if must_solve else draw(st.sampled_from(_KINDS))
            stamp = at.isoformat()
            if kind in ("agent", "customer", "bot", "rule"):
                events.append({"at": stamp, "type": "reply", "by": kind})
                if kind == "customer" and status == "solved" and len(events) < count:
                    # The customer answered a solved ticket: the helpdesk reopens it.
                    status = "open"
                    events.append({"at": stamp, "type": "status", "status": status})
            elif kind == "note":
                events.append({"at": stamp, "type": "note", "by": "agent"})
            elif kind == "assign":
                assignee = draw(st.sampled_from(_AGENTS))
                events.append({"at": stamp, "type": "assign", "assignee": assignee})
            elif kind == "priority":
                priority = draw(st.sampled_from(_PRIORITIES))
                events.append({"at": stamp, "type": "priority", "priority": priority})
            else:
                # Every status but "solved" (and the final "closed") can move to "solved".
                status = "solved" if must_solve else draw(st.sampled_from(STATUS_MOVES[status]))
                events.append({"at": stamp, "type": "status", "status": status})
            ever_solved = ever_solved or status == "solved"
        rating = None
        if ever_solved and rated is not False and (rated or draw(st.booleans())):
            rating = draw(ratings("5"))
        return {
            "id": f"T-{draw(st.integers(1, 999_999)):06d}",
            "channel": draw(st.sampled_from(channel_list)),
            "subject": draw(st.sampled_from(("", _SUBJECTS[topic]))),
            "body": draw(russian_messages(topics=[topic])),
            "tags": [topic],
            "priority": draw(st.sampled_from(_PRIORITIES)),
            "created_at": created.isoformat(),
            "events": events,
            "rating": rating,
            "fields": {
                "customer_name": draw(st.sampled_from(_NAMES)),
                "country": draw(st.sampled_from(_COUNTRIES)),
                "application_id": f"Z-{draw(st.integers(1_000_000, 9_999_999))}",
            },
        }

    return _draw()
