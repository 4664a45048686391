"""Chatwoot: conversations, their messages and CSAT survey responses (Application API).

Follows developers.chatwoot.com/api-reference — "Conversations" (list: ``data.meta``
and ``data.payload``, 25 per page; ``status`` open/resolved/pending/snoozed; Unix
times), "Messages" (list: ``meta`` and ``payload``; ``message_type`` 0 incoming, 1
outgoing, 2 activity, 3 template; ``private``; ``sender_type`` Contact/User/AgentBot)
and "CSAT survey responses" (``rating`` 1..5, ``conversation_id``).

Chatwoot's ``pending`` means a bot holds the conversation and no person of the team
has it yet. The customer is *not* the one being waited on, so it maps to ``new``,
never to ``waiting_customer`` (which would pause SLA clocks).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from supportkit._ticket import Ticket
from supportkit.sources._common import Adapter, Draft, Gathered, Item, drop_none, only_dicts

__all__ = [
    "ADAPTER",
    "CHANNELS",
    "NAME",
    "SENDERS",
    "STATUSES",
    "STREAMS",
    "build",
    "shape",
    "split",
]

NAME: Final = "chatwoot"
STREAMS: Final = False

#: Conversation ``status`` -> supportkit status.
STATUSES: Final[Mapping[str, str]] = {
    "open": "open",
    "pending": "new",  # a bot holds it; nobody from the team has it yet
    "snoozed": "on_hold",
    "resolved": "solved",
}
#: ``message_type`` numbers and names.
MESSAGE_TYPES: Final[Mapping[Any, str]] = {
    0: "incoming",
    1: "outgoing",
    2: "activity",
    3: "template",
    "incoming": "incoming",
    "outgoing": "outgoing",
    "activity": "activity",
    "template": "template",
}
#: Outgoing message ``sender_type`` -> author (no sender: an automation rule or campaign).
SENDERS: Final[Mapping[Any, str]] = {
    "user": "agent",
    "agentbot": "bot",
    "agent_bot": "bot",
    "captain::assistant": "bot",
    "captain_assistant": "bot",
    "contact": "customer",
    None: "rule",
}
#: Inbox ``channel`` -> channel.
CHANNELS: Final[Mapping[str, str]] = {
    "channel::webwidget": "chat",
    "channel::email": "email",
    "channel::api": "api",
    "channel::whatsapp": "messenger",
    "channel::telegram": "messenger",
    "channel::line": "messenger",
    "channel::sms": "messenger",
    "channel::twiliosms": "messenger",
    "channel::facebookpage": "social",
    "channel::twitterprofile": "social",
    "channel::instagram": "social",
    "channel::voice": "phone",
}
_PRIORITIES: Final[Mapping[str, str]] = {
    "low": "low",
    "medium": "normal",
    "high": "high",
    "urgent": "urgent",
}
_USED: Final = frozenset({"id", "created_at", "labels", "priority", "messages"})


def _is_conversation(item: Mapping[str, Any]) -> bool:
    return "inbox_id" in item and "status" in item and "message_type" not in item


def _is_message(item: Mapping[str, Any]) -> bool:
    return "message_type" in item and "conversation_id" in item


def shape(data: Any) -> str | None:
    """Return ``"conversations"``, ``"conversation"``, ``"messages"``, ``"csat"`` or ``None``."""
    if isinstance(data, Mapping):
        inner = data.get("data")
        if isinstance(inner, Mapping) and isinstance(inner.get("payload"), list):
            first = next(only_dicts(inner["payload"]), None)
            if first is None or _is_conversation(first):
                return "conversations"
        payload = data.get("payload")
        if isinstance(payload, list):
            first = next(only_dicts(payload), None)
            if first is not None and _is_message(first):
                return "messages"
            if first is not None and _is_conversation(first):
                return "conversations"
        if _is_conversation(data) and "account_id" in data:
            return "conversation"
        return None
    if isinstance(data, list):
        first = next(only_dicts(data), None)
        if first is not None and {"rating", "conversation_id", "feedback_message"} <= set(first):
            return "csat"
    return None


def split(data: Any, where: str) -> Iterator[Item]:
    """Split a response into conversations (tickets) and parts keyed by conversation id."""
    kind = shape(data)
    if kind == "csat":
        for item in only_dicts(data):
            yield ("rating", str(item.get("conversation_id")), where, item)
        return
    if kind == "conversation":
        conversations: list[Mapping[str, Any]] = [data]
    elif kind == "messages":
        for message in only_dicts(data.get("payload")):
            yield ("message", str(message.get("conversation_id")), where, message)
        return
    else:
        inner = data.get("data") if isinstance(data.get("data"), Mapping) else data
        conversations = list(only_dicts(inner.get("payload")))
    for conversation in conversations:
        key = str(conversation.get("id"))
        yield ("ticket", key, where, conversation)
        for message in only_dicts(conversation.get("messages")):
            yield ("message", key, where, message)


def _channel(record: Mapping[str, Any]) -> Any:
    meta = record.get("meta")
    if isinstance(meta, Mapping) and meta.get("channel"):
        return meta["channel"]
    return record.get("channel")


def _message(d: Draft, message: Mapping[str, Any]) -> None:
    field = f"messages[{message.get('id')}]"
    at = d.time(message.get("created_at"), f"{field}.created_at")
    kind = d.lookup(
        MESSAGE_TYPES, message.get("message_type"), "message_type", f"{field}.message_type"
    )
    if kind is None:
        return
    if kind == "activity":
        d.fields.setdefault("activities", []).append(
            drop_none(
                {"at": None if at is None else at.isoformat(), "text": message.get("content")}
            )
        )
        return
    sender = message.get("sender_type")
    if sender is None and isinstance(message.get("sender"), Mapping):
        # The messages list gives no sender_type, only the sender object with its type.
        sender = message["sender"].get("type")
    if kind == "incoming":
        by: str | None = "customer"
    elif kind == "template":
        by = "rule"
    else:
        key = sender.strip().lower() if isinstance(sender, str) else sender
        by = d.lookup(SENDERS, key, "sender_type", f"{field}.sender_type")
    meta = drop_none(
        {
            "id": message.get("id"),
            "sender_id": message.get("sender_id")
            if message.get("sender_id") is not None
            else (
                message["sender"].get("id") if isinstance(message.get("sender"), Mapping) else None
            ),
            "sender_type": sender,
            "content_type": message.get("content_type"),
        }
    )
    d.message(at, by, public=not message.get("private"), text=message.get("content"), meta=meta)


def build(gathered: Gathered) -> Ticket:
    """Put one Chatwoot conversation together from its record and its messages."""
    record, parts, d = gathered.record, gathered.parts, gathered.draft(used=_USED)
    created = d.time(record.get("created_at"), "created_at")
    raw_channel = _channel(record)
    channel = None if raw_channel is None else d.lookup(CHANNELS, raw_channel, "channel", "channel")
    status = d.lookup(STATUSES, record.get("status"), "status", "status")
    if status not in (None, "open", "new"):
        at = d.time(record.get("last_activity_at") or record.get("timestamp"), "last_activity_at")
        d.current_status(at or created, status)
    if status == "new" and record.get("status") == "pending":
        d.fields["bot_holds"] = True
    priority_raw = record.get("priority")
    priority = (
        None
        if priority_raw is None
        else d.lookup(_PRIORITIES, priority_raw, "priority", "priority")
    )
    rating = None
    done: set[Any] = set()
    for kind, _src, part in parts:
        if kind == "message":
            if part.get("id") in done:
                continue  # the list of conversations repeats each one's last message
            done.add(part.get("id"))
            _message(d, part)
        elif kind == "rating":
            rating = part.get("rating")
            if part.get("feedback_message"):
                d.fields["rating_comment"] = part["feedback_message"]
    return d.finish(
        created_at=created,
        channel=channel,
        tags=record.get("labels"),
        priority=priority,
        rating=rating,
    )


#: This helpdesk's reader, for :mod:`supportkit.sources._api`.
ADAPTER: Final = Adapter(NAME, STREAMS, shape, split, build)
