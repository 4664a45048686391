"""Help Scout: conversations with embedded threads (Mailbox API 2.0).

Follows developer.helpscout.com/mailbox-api/ — "List Conversations" and "Get
Conversation" with ``embed=threads`` (HAL: ``_embedded.conversations``, ``page``;
25 per page) and "List Threads" (thread ``type`` customer/message/note/lineitem/
chat/phone, thread ``status``, ``state``, ``createdBy.type`` customer/user). Threads come
inside their conversation (``embed=threads``), so tickets stream one at a time; a
conversation listed without them waits for its List Threads pages
(``/v2/conversations/{id}/threads``, matched by their ``_links``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from supportkit._ticket import Ticket
from supportkit.exceptions import InvalidTicket
from supportkit.sources._common import Adapter, Draft, Gathered, Item, drop_none, only_dicts

__all__ = [
    "ADAPTER",
    "CHANNELS",
    "NAME",
    "STATUSES",
    "STREAMS",
    "THREADS",
    "UNSENT",
    "build",
    "shape",
    "split",
]

NAME: Final = "helpscout"
STREAMS: Final = True

#: Conversation and thread ``status`` -> supportkit status. Help Scout's ``closed``
#: reopens on the customer's next reply, which is supportkit's ``solved``.
STATUSES: Final[Mapping[str, str | None]] = {
    "active": "open",
    "pending": "waiting_customer",
    "closed": "solved",
    "spam": "closed",
    "nochange": None,
}
#: Thread ``type`` -> (event type, author); ``None`` author: from ``createdBy.type``.
THREADS: Final[Mapping[str, tuple[str | None, str | None]]] = {
    "customer": ("reply", "customer"),
    "message": ("reply", "agent"),
    "note": ("note", "agent"),
    "forwardparent": ("note", "agent"),
    "forwardchild": ("note", "agent"),
    "chat": ("reply", None),
    "beaconchat": ("reply", None),
    "phone": ("reply", None),
    "lineitem": (None, None),
}
_PEOPLE: Final[Mapping[str, str]] = {"customer": "customer", "user": "agent", "workflow": "rule"}
#: Conversation ``type`` -> channel.
CHANNELS: Final[Mapping[str, str]] = {"email": "email", "chat": "chat", "phone": "phone"}
_USED: Final = frozenset({"id", "subject", "createdAt", "tags", "_embedded", "type"})


def shape(data: Any) -> str | None:
    """Return ``"conversations"``, ``"conversation"``, ``"threads"``, ``"empty"`` or ``None``."""
    if not isinstance(data, Mapping):
        return None
    embedded = data.get("_embedded")
    if isinstance(embedded, Mapping):
        if isinstance(embedded.get("conversations"), list):
            return "conversations"
        if "mailboxId" in data and isinstance(embedded.get("threads"), list):
            return "conversation"
        if isinstance(embedded.get("threads"), list) and "mailboxId" not in data:
            return "threads"  # List Threads: GET /v2/conversations/{id}/threads
    if embedded is None and isinstance(data.get("page"), Mapping) and "_links" in data:
        return "empty"  # a page of no results has no _embedded at all
    return None


_THREADS_URL: Final = re.compile(r"/conversations/(\d+)/threads")


def _conversation_of_threads(data: Mapping[str, Any], where: str) -> str:
    """The conversation of a List Threads page: from its ``_links``, else the file name.

    Raises:
        InvalidTicket: neither names a conversation (threads carry no conversation id).
    """
    links = data.get("_links")
    for link in links.values() if isinstance(links, Mapping) else ():
        href = link.get("href") if isinstance(link, Mapping) else None
        found = _THREADS_URL.search(href) if isinstance(href, str) else None
        if found:
            return str(found.group(1))
    numbers = re.findall(r"\d+", re.split(r"[/\\]", re.sub(r":\d+$", "", where))[-1])
    if numbers:
        return str(numbers[-1])
    raise InvalidTicket(
        f"{where} lists threads (GET /v2/conversations/{{id}}/threads), but neither its _links "
        "nor its file name say which conversation they belong to; save it as "
        "threads-<conversation id>.json.",
        field=where,
        value=None,
    )


def split(data: Any, where: str) -> Iterator[Item]:
    """Yield each conversation (with its threads) as a ticket."""
    kind = shape(data)
    if kind == "conversation":
        yield ("ticket", str(data.get("id")), where, data)
        return
    if kind == "empty":
        return
    if kind == "threads":
        owner = _conversation_of_threads(data, where)
        for thread in only_dicts(data["_embedded"]["threads"]):
            yield ("thread", owner, where, thread)
        return
    for conversation in only_dicts(data["_embedded"]["conversations"]):
        embedded = conversation.get("_embedded")
        whole = isinstance(embedded, Mapping) and isinstance(embedded.get("threads"), list)
        # Listed without embed=threads: the threads come in pages of their own.
        yield ("ticket" if whole else "later", str(conversation.get("id")), where, conversation)


def _workflow(thread: Mapping[str, Any]) -> bool:
    action = thread.get("action")
    kind = action.get("type") if isinstance(action, Mapping) else None
    return isinstance(kind, str) and "workflow" in kind


#: Thread ``state`` values of threads nobody has sent (yet): kept in ``fields["unsent_threads"]``.
UNSENT: Final = frozenset({"draft", "underreview", "hidden"})


def _thread(d: Draft, thread: Mapping[str, Any], last: list[Any]) -> None:
    field = f"threads[{thread.get('id')}]"
    state = thread.get("state")
    if isinstance(state, str) and state.strip().lower() in UNSENT:
        d.fields.setdefault("unsent_threads", []).append(
            drop_none({"id": thread.get("id"), "state": state, "type": thread.get("type")})
        )
        return
    at = d.time(thread.get("createdAt"), f"{field}.createdAt")
    kind = d.lookup(THREADS, thread.get("type"), "thread type", f"{field}.type")
    if kind is not None:
        _message(d, thread, kind, at, field)
    status = thread.get("status")
    if status is not None:
        mapped = d.lookup(STATUSES, status, "thread status", f"{field}.status")
        if mapped is not None and mapped != last[0]:
            last[0] = mapped
            d.status(at, mapped)
    assigned = thread.get("assignedTo")
    if (
        isinstance(assigned, Mapping)
        and assigned.get("id") is not None
        and assigned.get("id") != last[1]
    ):
        last[1] = assigned.get("id")
        d.assign(at, assigned.get("id"))


def _message(
    d: Draft, thread: Mapping[str, Any], kind: tuple[str | None, str | None], at: Any, field: str
) -> None:
    event, by = kind
    if event is None:
        action = thread.get("action")
        if isinstance(action, Mapping) and action.get("text"):
            d.fields.setdefault("activities", []).append(
                drop_none(
                    {
                        "at": None if at is None else at.isoformat(),
                        "text": action.get("text"),
                        "type": action.get("type"),
                    }
                )
            )
        return
    creator = thread.get("createdBy")
    person = creator.get("type") if isinstance(creator, Mapping) else None
    if _workflow(thread):
        by = "rule"
    elif by is None:
        by = d.lookup(_PEOPLE, person, "createdBy.type", f"{field}.createdBy.type")
    meta = drop_none(
        {
            "id": thread.get("id"),
            "thread_type": thread.get("type"),
            "created_by": creator.get("id") if isinstance(creator, Mapping) else None,
        }
    )
    d.message(at, by, public=event == "reply", text=thread.get("body"), meta=meta)


def build(gathered: Gathered) -> Ticket:
    """Put one Help Scout conversation together from its embedded threads."""
    record, parts, d = gathered.record, gathered.parts, gathered.draft(used=_USED)
    created = d.time(record.get("createdAt"), "createdAt")
    raw = record.get("type")
    channel = None if raw is None else d.lookup(CHANNELS, raw, "conversation type", "type")
    if record.get("status") == "spam":
        d.fields["spam"] = True
    embedded = record.get("_embedded")
    threads = list(only_dicts(embedded.get("threads"))) if isinstance(embedded, Mapping) else []
    seen = {t.get("id") for t in threads}
    for kind, _src, part in parts:
        if kind == "thread" and (part.get("id") is None or part.get("id") not in seen):
            seen.add(part.get("id"))
            threads.append(part)
    threads.sort(key=lambda t: str(t.get("createdAt")))
    last: list[Any] = ["open", None]
    for thread in threads:
        _thread(d, thread, last)
    final = d.lookup(STATUSES, record.get("status"), "status", "status")
    if final is not None and final != last[0]:
        at = d.time(record.get("closedAt") or record.get("userUpdatedAt"), "closedAt")
        d.current_status(at or created, final)
    tags = [t.get("tag") for t in only_dicts(record.get("tags"))]
    return d.finish(
        created_at=created,
        subject=record.get("subject"),
        channel=channel,
        tags=[t for t in tags if isinstance(t, str)],
    )


#: This helpdesk's reader, for :mod:`supportkit.sources._api`.
ADAPTER: Final = Adapter(NAME, STREAMS, shape, split, build)
