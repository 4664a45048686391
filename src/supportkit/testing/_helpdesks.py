"""Valid API responses of real helpdesks, with the mess real exports have.

:func:`helpdesk_records` draws a few support conversations once, in supportkit's
terms (who wrote what, when, which status changes), and renders them as the JSON
bodies the helpdesk's public REST API returns: Zendesk incremental ticket pages with
side-loaded users plus ticket audits, Freshdesk tickets plus conversations, Chatwoot
conversations plus messages, Help Scout conversations with embedded threads, Usedesk
tickets with comments. The mess: tickets split over pages (cursor- and time-based),
side-loaded users missing from a page, private notes, trigger/automation and bot
replies, reopen cycles, and comments in responses of their own.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any, Final

from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument

__all__ = ["HELPDESKS", "helpdesk_records"]

#: The helpdesks :func:`helpdesk_records` knows.
HELPDESKS: Final = ("zendesk", "freshdesk", "chatwoot", "helpscout", "usedesk")
_EPOCH: Final = _dt.datetime(2024, 10, 7, 6, 0, tzinfo=_dt.timezone.utc)
_TEXTS: Final = (
    "Здравствуйте! Не пришла выплата.",
    "Проверьте, пожалуйста, реквизиты.",
    "Акт подписан, а денег нет.",
    "Передали в финансовый отдел.",
    "Чек аннулирован, пересоздаём.",
    "Спасибо, всё пришло!",
)
# Which authors each helpdesk can express (Freshdesk and Help Scout have no bot author).
_AUTHORS: Final = {
    "zendesk": ("agent", "customer", "rule", "bot"),
    "freshdesk": ("agent", "customer"),
    "chatwoot": ("agent", "customer", "rule", "bot"),
    "helpscout": ("agent", "customer", "rule"),
    "usedesk": ("agent", "customer", "rule"),
}
_AGENT: Final = 900


@st.composite
def _script(draw: st.DrawFn, ident: int, authors: Sequence[str]) -> dict[str, Any]:
    """One conversation: the opening message, then steps, in time order."""
    at = _EPOCH + _dt.timedelta(minutes=draw(st.integers(0, 60 * 24 * 30)))
    steps: list[tuple[_dt.datetime, str, Any]] = []
    status = "open"
    now = at
    for _ in range(draw(st.integers(0, 6))):
        now += _dt.timedelta(seconds=draw(st.integers(1, 36000)))
        kind = draw(st.sampled_from(("message", "message", "status")))
        if kind == "message":
            by = draw(st.sampled_from(authors))
            public = by == "customer" or draw(st.booleans())
            steps.append((now, "message", (by, public, draw(st.sampled_from(_TEXTS)))))
        else:
            moves = {
                "open": ("waiting_customer", "solved"),
                "waiting_customer": ("open", "solved"),
                "solved": ("open",),
            }  # solved -> open: a reopen cycle
            status = draw(st.sampled_from(moves[status]))
            steps.append((now, "status", status))
    return {
        "id": ident,
        "created": at,
        "requester": 100 + ident,
        "steps": steps,
        "subject": draw(st.sampled_from(("Выплата", "Акт", "Мой налог"))),
    }


def _iso(at: _dt.datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _pages(draw: st.DrawFn, items: list[Any]) -> list[list[Any]]:
    size = draw(st.integers(1, max(1, len(items))))
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def _status_of(script: dict[str, Any]) -> str:
    statuses = [value for _, kind, value in script["steps"] if kind == "status"]
    return statuses[-1] if statuses else "open"


_ZD_STATUS: Final = {"open": "open", "waiting_customer": "pending", "solved": "solved"}


def _zendesk(draw: st.DrawFn, scripts: list[dict[str, Any]]) -> list[Any]:
    docs: list[Any] = []
    for n, page in enumerate(_pages(draw, scripts)):
        tickets = [
            {
                "id": s["id"],
                # the via type, or the same channel as a via id (a number or numeric text)
                "via": {
                    "channel": draw(st.sampled_from(("email", 4, "4"))),
                    "source": {"rel": None},
                },
                "created_at": _iso(s["created"]),
                "updated_at": _iso(s["created"]),
                "subject": s["subject"],
                "description": _TEXTS[0],
                "status": _ZD_STATUS[_status_of(s)],
                "requester_id": s["requester"],
                "tags": ["payouts"],
                "custom_fields": [],
                "priority": "normal",
            }
            for s in page
        ]
        users = [{"id": s["requester"], "role": "end-user"} for s in page]
        if draw(st.booleans()):
            users = []  # side-loaded users missing: the requester still reads as the customer
        doc: dict[str, Any] = {"tickets": tickets, "users": users}
        if draw(st.booleans()):
            doc.update(after_cursor=f"c{n}", after_url=None, end_of_stream=False)
        else:
            doc.update(next_page=None, count=len(tickets), end_time=0, end_of_stream=True)
        docs.append(doc)
    docs.append({"users": [{"id": _AGENT, "role": "agent", "name": "Наталья Р."}]})
    for s in scripts:
        audits = [
            {
                "id": 1,
                "ticket_id": s["id"],
                "created_at": _iso(s["created"]),
                "author_id": s["requester"],
                "via": {"channel": "email"},
                "events": [
                    {
                        "type": "Comment",
                        "author_id": s["requester"],
                        "body": _TEXTS[0],
                        "public": True,
                    },
                    {"type": "Create", "field_name": "status", "value": "new"},
                ],
            }
        ]
        for i, (at, kind, value) in enumerate(s["steps"], start=2):
            audit: dict[str, Any] = {
                "id": i,
                "ticket_id": s["id"],
                "created_at": _iso(at),
                "author_id": _AGENT,
                "via": {"channel": "web"},
            }
            if kind == "status":
                audit["events"] = [
                    {
                        "type": "Change",
                        "field_name": "status",
                        "value": _ZD_STATUS[value],
                        "previous_value": None,
                    }
                ]
            else:
                by, public, text = value
                author = {"customer": s["requester"], "agent": _AGENT}.get(by, -1)
                if by == "rule":
                    audit["via"] = {
                        "channel": "rule",
                        "source": {"rel": "trigger", "from": {"title": "Автоответ"}},
                    }
                elif by == "bot":
                    audit["via"] = {"channel": "answer_bot_for_web_widget"}
                audit["events"] = [
                    {"type": "Comment", "author_id": author, "body": text, "public": public}
                ]
            audits.append(audit)
        docs.append({"audits": audits, "next_page": None, "count": len(audits)})
    return docs


_FD_STATUS: Final = {"open": 2, "waiting_customer": 3, "solved": 4}


def _freshdesk(draw: st.DrawFn, scripts: list[dict[str, Any]]) -> list[Any]:
    docs: list[Any] = [
        [
            {
                "id": s["id"],
                "subject": s["subject"],
                "description_text": _TEXTS[0],
                "status": _FD_STATUS[_status_of(s)],
                "priority": 2,
                "source": 1,
                "requester_id": s["requester"],
                "created_at": _iso(s["created"]),
                "updated_at": _iso(s["steps"][-1][0] if s["steps"] else s["created"]),
                "tags": [],
            }
            for s in page
        ]
        for page in _pages(draw, scripts)
    ]
    for s in scripts:
        conversations = [
            {
                "id": s["id"] * 100 + i,
                "ticket_id": s["id"],
                "body_text": value[2],
                "incoming": value[0] == "customer",
                "private": not value[1],
                "user_id": s["requester"] if value[0] == "customer" else _AGENT,
                "source": 0,
                "created_at": _iso(at),
            }
            for i, (at, kind, value) in enumerate(s["steps"])
            if kind == "message"
        ]
        if conversations:
            docs.append(conversations)
    return docs


_CW_STATUS: Final = {"open": "open", "waiting_customer": "snoozed", "solved": "resolved"}


def _chatwoot(draw: st.DrawFn, scripts: list[dict[str, Any]]) -> list[Any]:
    docs: list[Any] = []
    for page in _pages(draw, scripts):
        payload = [
            {
                "id": s["id"],
                "account_id": 1,
                "inbox_id": 1,
                "status": _CW_STATUS[_status_of(s)],
                "created_at": int(s["created"].timestamp()),
                "last_activity_at": int(s["created"].timestamp()),
                "labels": [],
                "meta": {"channel": "Channel::WebWidget"},
                "messages": [],
            }
            for s in page
        ]
        docs.append({"data": {"meta": {"all_count": len(scripts)}, "payload": payload}})
    for s in scripts:
        messages = [
            {
                "id": s["id"] * 100,
                "conversation_id": s["id"],
                "message_type": 0,
                "content": _TEXTS[0],
                "created_at": int(s["created"].timestamp()),
                "private": False,
                "sender_type": "Contact",
            }
        ]
        for i, (at, kind, value) in enumerate(s["steps"], start=1):
            if kind != "message":
                continue
            by, public, text = value
            message_type, sender = {
                "customer": (0, "Contact"),
                "agent": (1, "User"),
                "bot": (1, "AgentBot"),
                "rule": (3, None),
            }[by]
            messages.append(
                {
                    "id": s["id"] * 100 + i,
                    "conversation_id": s["id"],
                    "message_type": message_type,
                    "content": text,
                    "created_at": int(at.timestamp()),
                    "private": not public,
                    "sender_type": sender,
                }
            )
        if draw(st.booleans()):
            # The messages list gives no sender_type, only the sender object with its type.
            for message in messages:
                kind = message.pop("sender_type")
                if kind is not None:
                    message["sender"] = {
                        "id": 1,
                        "name": "Отправитель",
                        "type": {"Contact": "contact", "User": "user", "AgentBot": "agent_bot"}[
                            kind
                        ],
                    }
        docs.append({"meta": {}, "payload": messages})
    return docs


_HS_STATUS: Final = {"open": "active", "waiting_customer": "pending", "solved": "closed"}


def _helpscout(draw: st.DrawFn, scripts: list[dict[str, Any]]) -> list[Any]:
    docs: list[Any] = []
    for page in _pages(draw, scripts):
        conversations = []
        for s in page:
            threads = [
                {
                    "id": 1,
                    "type": "customer",
                    "status": "active",
                    "body": _TEXTS[0],
                    "createdBy": {"type": "customer", "id": s["requester"]},
                    "createdAt": _iso(s["created"]),
                }
            ]
            for i, (at, kind, value) in enumerate(s["steps"], start=2):
                if kind == "status":
                    threads.append(
                        {
                            "id": i,
                            "type": "lineitem",
                            "status": _HS_STATUS[value],
                            "createdBy": {"type": "user", "id": _AGENT},
                            "createdAt": _iso(at),
                            "action": {"type": "changed"},
                        }
                    )
                    continue
                by, public, text = value
                thread: dict[str, Any] = {
                    "id": i,
                    "type": "customer" if by == "customer" else ("message" if public else "note"),
                    "status": "nochange",
                    "body": text,
                    "createdBy": {"type": "customer" if by == "customer" else "user"},
                    "createdAt": _iso(at),
                }
                if by == "rule":
                    thread.update(type="message", action={"type": "workflow-automatic"})
                threads.append(thread)
            conversations.append(
                {
                    "id": s["id"],
                    "mailboxId": 1,
                    "type": "email",
                    "status": _HS_STATUS[_status_of(s)],
                    "subject": s["subject"],
                    "createdAt": _iso(s["created"]),
                    "tags": [],
                    "_embedded": {"threads": threads},
                }
            )
        docs.append(
            {
                "_embedded": {"conversations": conversations},
                "page": {"size": len(page), "number": len(docs) + 1},
            }
        )
    return docs


_UD_STATUS: Final = {"open": 1, "waiting_customer": 6, "solved": 2}


def _usedesk(draw: st.DrawFn, scripts: list[dict[str, Any]]) -> list[Any]:
    def local(at: _dt.datetime) -> str:
        return at.strftime("%Y-%m-%d %H:%M:%S")

    docs: list[Any] = []
    for s in scripts:
        comments = [
            {
                "id": "1",
                "message": _TEXTS[0],
                "type": "public",
                "from": "client",
                "published_at": local(s["created"]),
            }
        ]
        for i, (at, kind, value) in enumerate(s["steps"], start=2):
            if kind == "message":
                by, public, text = value
                comments.append(
                    {
                        "id": str(i),
                        "message": text,
                        "type": "public" if public else "private",
                        "from": {"customer": "client", "agent": "user", "rule": "trigger"}[by],
                        "published_at": local(at),
                    }
                )
        last = s["steps"][-1][0] if s["steps"] else s["created"]
        docs.append(
            {
                "ticket": {
                    "id": str(s["id"]),
                    "status_id": str(_UD_STATUS[_status_of(s)]),
                    "subject": s["subject"],
                    "published_at": local(s["created"]),
                    "last_updated_at": local(last),
                },
                "comments": comments,
            }
        )
    return docs


_RENDER: Final = {
    "zendesk": _zendesk,
    "freshdesk": _freshdesk,
    "chatwoot": _chatwoot,
    "helpscout": _helpscout,
    "usedesk": _usedesk,
}


def helpdesk_records(
    source: str, *, min_tickets: int = 1, max_tickets: int = 4
) -> st.SearchStrategy[list[Any]]:
    """Draw a helpdesk export: the list of API response bodies for a few tickets.

    Args:
        source: One of :data:`HELPDESKS`.
        min_tickets: Fewest tickets.
        max_tickets: Most tickets.

    Every example reads with ``supportkit.sources.from_records(docs, source=source)``
    in strict mode (Usedesk: with ``tz="UTC"``, its local times are drawn in UTC), one
    ticket per drawn conversation, in order.

    Raises:
        InvalidArgument: an unknown helpdesk or impossible sizes.
    """
    if source not in _RENDER:
        raise InvalidArgument(
            f"source must be one of {list(HELPDESKS)} (got {source!r}).",
            field="source",
            value=source,
        )
    for name, value in (("min_tickets", min_tickets), ("max_tickets", max_tickets)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise InvalidArgument(
                f"{name} must be an int of at least 0 (got {value!r}).", field=name, value=value
            )
    if max_tickets < min_tickets:
        raise InvalidArgument(
            f"Cannot have max_tickets={max_tickets!r} < min_tickets={min_tickets!r}.",
            field="max_tickets",
            value=max_tickets,
        )
    render = _RENDER[source]
    authors = _AUTHORS[source]

    @st.composite
    def _draw(draw: st.DrawFn) -> list[Any]:
        count = draw(st.integers(min_tickets, max_tickets))
        scripts = [draw(_script(1000 + i, authors)) for i in range(count)]
        return render(draw, scripts)

    return _draw()
