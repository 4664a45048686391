"""Zendesk Support: incremental exports, audits, ticket events, ratings, metric events.

Follows the Ticketing API reference (developer.zendesk.com/api-reference/ticketing/):
``ticket-management/incremental_exports`` (ticket pages, time- and cursor-based, with
side-loaded ``users``; ticket events with ``include=comment_events``; ticket metric
events), ``tickets/ticket_audits`` (``audits[].events[]``), ``tickets/tickets`` (the
ticket object and ``via``), ``ticket-management/satisfaction_ratings`` and
``ticket-management/csat_survey_responses``, ``users/users`` (``role``).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from supportkit._ticket import Ticket
from supportkit.exceptions import InvalidTicket
from supportkit.sources._common import (
    Adapter,
    Draft,
    Gathered,
    Item,
    UserLookup,
    Where,
    drop_none,
    only_dicts,
)
from supportkit.sources._supportkit import KEYS as _SUPPORTKIT_KEYS

__all__ = ["ADAPTER", "CHANNELS", "NAME", "ROLES", "STATUSES", "STREAMS", "build", "shape", "split"]

NAME: Final = "zendesk"
STREAMS: Final = False

#: Zendesk ticket status -> supportkit status.
STATUSES: Final[Mapping[str, str]] = {
    "new": "new",
    "open": "open",
    "pending": "waiting_customer",
    "hold": "on_hold",
    "solved": "solved",
    "closed": "closed",
    "deleted": "closed",  # incremental exports list deleted tickets; fields["deleted"] = True
}
#: Side-loaded user ``role`` -> author.
ROLES: Final[Mapping[str, str]] = {"end-user": "customer", "agent": "agent", "admin": "agent"}
#: ``via.channel`` -> supportkit channel (``None``: made inside Zendesk, no channel).
CHANNELS: Final[Mapping[str, str | None]] = {
    "email": "email",
    "mail": "email",
    "web": "web",
    "web_form": "web",
    "help_center": "web",
    "helpcenter": "web",
    "dropbox": "web",  # the feedback tab
    "topic": "web",
    "iphone": "web",
    "mobile": "web",
    "api": "api",
    "web_service": "api",
    "ticket_sharing": "api",
    "import": "api",
    "blog": "api",
    "github": "api",
    "chat": "chat",
    "chat_transcript": "chat",
    "web_widget": "chat",
    "mobile_sdk": "chat",
    "native_messaging": "chat",
    "sdk": "chat",
    "voice": "phone",
    "phone_call_inbound": "phone",
    "phone_call_outbound": "phone",
    "voicemail": "phone",
    "api_voicemail": "phone",
    "api_phone_call_inbound": "phone",
    "api_phone_call_outbound": "phone",
    "sms": "messenger",
    "text_message": "messenger",
    "whatsapp": "messenger",
    "telegram": "messenger",
    "line": "messenger",
    "wechat": "messenger",
    "viber": "messenger",
    "messenger": "messenger",
    "instagram_dm": "messenger",
    "apple_business_chat": "messenger",
    "facebook": "social",
    "facebook_post": "social",
    "facebook_message": "social",
    "twitter": "social",
    "twitter_dm": "social",
    "twitter_favorite": "social",
    "get_satisfaction": "social",
    "any_channel": "api",
    "rule": None,
    "system": None,
    "sample_ticket": None,  # the sample ticket every new account starts with
    "macro_reference": None,
    "recovered_from_suspended_tickets": None,
    "automatic_solution_suggestions": None,
    "satisfaction_prediction": None,
    "logmein_rescue": None,
    "user_merge": None,
    "user_change": None,
    "user_deletion": None,
    "group_change": None,
    "group_deletion": None,
    "resource_push": None,
    "closed_ticket": None,
    "linked_problem": None,
    "merge": None,
    "batch": None,
    "side_conversation": None,
    "answer_bot": None,
    "answer_bot_for_agents": None,
    "answer_bot_for_web_widget": None,
    "answer_bot_for_sdk": None,
    "answer_bot_for_slack": None,
    "answer_bot_api": None,
}
#: Numeric via ids (``"channel": 4`` or ``"4"``) -> via type, from the "Via types" reference
#: (developer.zendesk.com/documentation/ticketing/reference-guides/via-types).
VIA_IDS: Final[Mapping[int, str]] = {
    0: "web_form",
    4: "mail",
    5: "web_service",
    8: "rule",
    9: "linked_problem",
    10: "group_deletion",
    11: "user_change",
    12: "user_deletion",
    13: "group_change",
    14: "resource_push",
    15: "iphone",
    16: "get_satisfaction",
    17: "dropbox",
    19: "merge",
    20: "batch",
    21: "recovered_from_suspended_tickets",
    22: "automatic_solution_suggestions",
    23: "twitter_favorite",
    24: "topic",
    25: "user_merge",
    26: "twitter_dm",
    27: "closed_ticket",
    28: "logmein_rescue",
    29: "chat",
    30: "twitter",
    31: "ticket_sharing",
    32: "macro_reference",
    33: "voicemail",
    34: "phone_call_inbound",
    35: "phone_call_outbound",
    36: "blog",
    37: "text_message",
    38: "facebook_post",
    39: "import",
    40: "github",
    41: "facebook_message",
    44: "api_voicemail",
    45: "api_phone_call_inbound",
    46: "api_phone_call_outbound",
    48: "web_widget",
    49: "mobile_sdk",
    50: "helpcenter",
    54: "satisfaction_prediction",
    55: "any_channel",
    56: "mobile",
    57: "sms",
}
#: ``via.source.rel`` values that mean a business rule wrote the comment.
RULE_RELS: Final = frozenset({"trigger", "automation", "macro_reference"})
_BOT_PREFIXES: Final = ("answer_bot", "ai_agent", "bot")
#: Ticket-event ``via`` names (the incremental ticket events give a name, not an object).
_EVENT_VIA: Final[Mapping[str, str]] = {"rule": "rule", "automation": "rule", "trigger": "rule"}
_LIST_KEYS: Final = (
    "tickets",
    "audits",
    "ticket_events",
    "satisfaction_ratings",
    "survey_responses",
    "ticket_metric_events",
    "comments",
)
_PAGE_KEYS: Final = frozenset(
    {"next_page", "end_of_stream", "after_cursor", "after_url", "end_time", "meta", "count"}
)
_USED: Final = frozenset({"id", "created_at", "subject", "description", "priority", "tags"})


def shape(data: Any) -> str | None:
    """Return what kind of Zendesk response ``data`` is, or ``None``."""
    if not isinstance(data, Mapping):
        return None
    if isinstance(data.get("ticket"), Mapping) and "via" in data["ticket"]:
        return "ticket"
    for key in _LIST_KEYS:
        items = data.get(key)
        if not isinstance(items, list):
            continue
        if key == "comments":
            first = next(only_dicts(items), None)
            if "ticket" in data or first is None or not _is_comment(first):
                return None
        if key == "tickets":
            first = next(only_dicts(items), None)
            if first is None:
                return key if _PAGE_KEYS & set(data) or "users" in data else None
            if set(first) <= _SUPPORTKIT_KEYS or not ({"via", "requester_id"} & set(first)):
                return None
        return key
    users = data.get("users")
    if isinstance(users, list) and all("role" in u for u in only_dicts(users)) and users:
        return "users"
    return None


def _is_comment(item: Mapping[str, Any]) -> bool:
    return "author_id" in item and isinstance(item.get("public"), bool)


_COMMENTS_URL: Final = re.compile(r"/tickets/(\d+)/comments")
_DIGITS: Final = re.compile(r"\d+")


def _ticket_of_comments(data: Mapping[str, Any], where: str) -> str:
    """Return the ticket of a List Comments response: from its page links, else the file name.

    Raises:
        InvalidTicket: neither names a ticket (the comments carry no ticket id).
    """
    links = data.get("links")
    urls = [data.get("next_page"), data.get("previous_page")]
    if isinstance(links, Mapping):
        urls.extend(links.values())
    for url in urls:
        found = _COMMENTS_URL.search(url) if isinstance(url, str) else None
        if found:
            return str(found.group(1))
    name = re.split(r"[/\\]", re.sub(r":\d+$", "", where))[-1]  # "dir/f.jsonl:7" -> "f.jsonl"
    numbers = _DIGITS.findall(name)
    if numbers:
        return str(numbers[-1])
    raise InvalidTicket(
        f"{where} lists ticket comments (GET /api/v2/tickets/{{id}}/comments), but neither its "
        "page links nor its file name say which ticket they belong to; save it as "
        "comments-<ticket id>.json.",
        field=where,
        value=None,
    )


def _ticket_of_survey(response: Mapping[str, Any]) -> str | None:
    """The ticket of a CSAT survey response: ``subjects`` of type ticket, else ``subject_zrns``."""
    for subject in only_dicts(response.get("subjects")):
        if subject.get("type") == "ticket" and subject.get("id") is not None:
            return str(subject["id"])
    for zrn in response.get("subject_zrns") or ():
        # "zen:ticket:123"; one example of the reference spells it "zrn:ticket:123"
        if isinstance(zrn, str) and zrn.startswith(("zen:ticket:", "zrn:ticket:")):
            return zrn.rsplit(":", 1)[1]
    return None


def split(data: Any, where: str) -> Iterator[Item]:
    """Split one response into tickets, users and parts keyed by ticket id."""
    for user in only_dicts(data.get("users")):
        if "id" in user:
            # Only the role is read from a user: the spill keeps nothing else of it.
            yield ("user", str(user["id"]), where, {"role": user.get("role")})
    if isinstance(data.get("ticket"), Mapping):
        yield ("ticket", str(data["ticket"].get("id")), where, data["ticket"])
    for ticket in only_dicts(data.get("tickets")):
        yield ("ticket", str(ticket.get("id")), where, ticket)
    for kind, key in (
        ("audit", "audits"),
        ("ticket_event", "ticket_events"),
        ("rating", "satisfaction_ratings"),
        ("metric", "ticket_metric_events"),
    ):
        for record in only_dicts(data.get(key)):
            yield (kind, str(record.get("ticket_id")), where, record)
    comments = data.get("comments")
    if isinstance(comments, list) and comments and "ticket" not in data:
        owner = _ticket_of_comments(data, where)
        for comment in only_dicts(comments):
            yield ("comment", owner, where, comment)
    for response in only_dicts(data.get("survey_responses")):
        yield ("survey", str(_ticket_of_survey(response)), where, response)


def _via_type(channel: Any) -> str | None:
    """Return the via type of a ``via.channel``: a type name, or a via id as a number."""
    if channel is None or channel == "":
        return None
    if isinstance(channel, int) and not isinstance(channel, bool):
        return VIA_IDS.get(channel, str(channel))
    text = str(channel).strip().lower()
    if text.isdigit():
        return VIA_IDS.get(int(text), text)
    return text


def _via_parts(via: Any) -> tuple[str | None, str | None, Any]:
    """Return ``(channel, rel, from)`` of a via object (or a ticket-event via name)."""
    if type(via) is dict or isinstance(via, Mapping):
        source = via.get("source")
        if type(source) is dict or isinstance(source, Mapping):
            rel, origin = source.get("rel"), source.get("from")
        else:
            rel = origin = None
        channel = via.get("channel")
        if type(channel) is str and channel.islower() and channel.isalpha():
            return (channel, rel, origin)  # the usual via type name, nothing to convert
        return (_via_type(channel), rel, origin)
    if isinstance(via, str):
        name = via.strip().lower()
        if name in _EVENT_VIA:
            return ("rule", None, None)
        return (name.replace(" ", "_"), None, None)
    return (None, None, None)


class _State:
    """One ticket being read: its draft, requester, users, and what its history said."""

    def __init__(self, d: Draft, requester: Any, users: UserLookup) -> None:
        self.d = d
        self.requester = requester
        self.users = users
        self.status_seen = False
        self.first_priority: Any = None
        self.priority_seen = False
        self.comments: set[Any] = set()  # comment ids: audits, events and comment lists overlap
        self.agents: set[str] | None = None  # ids seen as assignee_id: agents, users or not
        self.record: Mapping[str, Any] = {}
        self.parts: list[tuple[str, str, Any]] = []

    def assignees(self) -> set[str]:
        """Every id the ticket was ever assigned to (worked out when first needed)."""
        if self.agents is None:
            self.agents = _assignees(self.record, self.parts)
        return self.agents


def _author(
    state: _State, author_id: Any, parts: tuple[str | None, str | None, Any], field: object
) -> str | None:
    channel, rel, _ = parts
    if channel == "rule" or rel in RULE_RELS:
        return "rule"
    if (channel is not None and channel.startswith(_BOT_PREFIXES)) or rel == "answer_bot":
        return "bot"
    if author_id == -1:
        return "rule"  # Zendesk's system user writes on behalf of business rules
    user = None if author_id is None else state.users(str(author_id))
    if user is not None:
        role: str | None = state.d.lookup(ROLES, user.get("role"), "user role", field)
        return role
    if author_id is not None and author_id == state.requester:
        return "customer"  # the requester is the customer, even when users were not side-loaded
    if author_id is not None and str(author_id) in state.assignees():
        return "agent"  # only agents can be assignees, so an assignee is one without users
    state.d.fail(
        f"author {author_id!r} of a comment is neither a side-loaded user nor the requester "
        "(export with include=users, or add the users' responses to the folder)",
        field=f"{field}.author_id",
        value=author_id,
    )
    return None


def _field_event(
    state: _State,
    at: _dt.datetime | None,
    name: str,
    value: Any,
    previous: Any,
    *,
    create: bool,
    where: object,
) -> None:
    d = state.d
    if name == "status":
        state.status_seen = True
        d.status(at, d.lookup(STATUSES, value, "status", where))
    elif name == "priority":
        if not state.priority_seen:
            state.priority_seen = True
            state.first_priority = value if create else previous
        if not create:
            d.priority(at, None if value is None else str(value))
    elif name == "assignee_id":
        if value is not None or not create:
            d.assign(at, value)
    else:
        d.change(at, name, value, previous)


def _comment(
    state: _State,
    at: _dt.datetime | None,
    event: Mapping[str, Any],
    via: Any,
    author: Any,
    *,
    where: object,
) -> None:
    ident = event.get("id")
    if ident is not None:
        if ident in state.comments:
            return
        state.comments.add(ident)
    author_id = event.get("author_id", author)
    via_parts = _via_parts(event.get("via") or via)
    by = _author(state, author_id, via_parts, where)
    public = event.get("public", True) is not False
    text = event.get("plain_body") or event.get("body")
    _, rel, origin = via_parts
    meta = {"id": ident, "author_id": author_id}
    if rel and isinstance(origin, Mapping) and origin.get("title") is not None:
        meta["rule"] = origin["title"]
    state.d.message(at, by, public=public, text=text, meta=meta)


def _other(state: _State, at: _dt.datetime | None, event: Mapping[str, Any]) -> None:
    kept = {k: v for k, v in event.items() if k != "html_body"}
    state.d.fields.setdefault("other_events", []).append(
        {"at": None if at is None else at.isoformat(), **kept}
    )


def _audit(state: _State, audit: Mapping[str, Any]) -> None:
    ident = audit.get("id")
    at = state.d.time(audit.get("created_at"), f"audits[{ident}].created_at")
    via = audit.get("via")
    author = audit.get("author_id")
    events = audit.get("events")
    for i, event in enumerate(events if isinstance(events, list) else ()):
        if type(event) is not dict and not isinstance(event, Mapping):
            continue
        where = Where("audits[{}].events[{}]", ident, i)
        kind = event.get("type")
        if kind in ("Comment", "VoiceComment"):
            _comment(state, at, event, via, author, where=where)
        elif kind in ("Change", "Create") and event.get("field_name"):
            _field_event(
                state,
                at,
                str(event["field_name"]),
                event.get("value"),
                event.get("previous_value"),
                create=kind == "Create",
                where=where,
            )
        else:
            _other(state, at, event)


_CHILD_META: Final = frozenset(
    {
        "id",
        "via",
        "via_reference_id",
        "event_type",
        "previous_value",
        "type",
        "added_tags",
        "removed_tags",
        "created_at",
        "audit_id",
        "author_id",
        "body",
        "html_body",
        "plain_body",
        "public",
        "attachments",
        "comment_present",
        "comment_public",
    }
)


def _ticket_event(state: _State, item: Mapping[str, Any]) -> None:
    at = state.d.time(
        item.get("created_at") or item.get("timestamp"),
        f"ticket_events[{item.get('id')}].created_at",
    )
    via = item.get("via")
    for i, child in enumerate(only_dicts(item.get("child_events"))):
        where = Where("ticket_events[{}].child_events[{}]", item.get("id"), i)
        kind = child.get("event_type") or child.get("type")
        if kind in ("Comment", "VoiceComment"):
            _comment(state, at, child, child.get("via") or via, item.get("updater_id"), where=where)
        elif kind in ("Change", "Create"):
            # With ``event_type`` naming the event, a ``type`` key is the ticket's type field.
            meta = _CHILD_META - {"type"} if "event_type" in child else _CHILD_META
            for name in [k for k in child if k not in meta]:
                _field_event(
                    state,
                    at,
                    name,
                    child[name],
                    child.get("previous_value"),
                    create=kind == "Create",
                    where=where,
                )
        else:
            _other(state, at, child)


def _unique(parts: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
    """Drop repeated records (pages fetched twice, incremental exports repeating updates)."""
    if len(parts) < 2:
        return parts
    keys = {(part[0], part[2].get("id")) for part in parts}
    if len(keys) == len(parts):
        return parts  # the usual case: nothing repeated
    seen: set[tuple[str, Any]] = set()
    out = []
    for part in parts:
        ident = part[2].get("id")
        if ident is not None:
            if (part[0], ident) in seen:
                continue
            seen.add((part[0], ident))
        out.append(part)
    return out


def _assignees(record: Mapping[str, Any], parts: list[tuple[str, str, Any]]) -> set[str]:
    """Return every id the ticket was assigned to (only agents can be assignees)."""
    found = {str(record["assignee_id"])} if record.get("assignee_id") is not None else set()
    for kind, _src, part in parts:
        if kind == "audit":
            for event in only_dicts(part.get("events")):
                if event.get("field_name") == "assignee_id" and event.get("value") is not None:
                    found.add(str(event["value"]))
        elif kind == "ticket_event":
            for child in only_dicts(part.get("child_events")):
                if child.get("assignee_id") is not None:
                    found.add(str(child["assignee_id"]))
    return found


def _event_order(item: Mapping[str, Any]) -> float:
    """Sort key of an incremental ticket event: Unix ``timestamp``, else ``created_at``."""
    stamp = item.get("timestamp")
    if isinstance(stamp, (int, float)) and not isinstance(stamp, bool):
        return float(stamp)
    created = item.get("created_at")
    if isinstance(created, str):
        try:
            return _dt.datetime.fromisoformat(created.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return 0.0
    return 0.0


def _legacy_rating(value: Any) -> str | None:
    if isinstance(value, Mapping):
        score = value.get("score")
        if score in ("good", "bad"):
            return str(score)
    return None


def _survey_rating(d: Draft, response: Mapping[str, Any]) -> Any:
    rating = None
    for answer in only_dicts(response.get("answers")):
        kind = answer.get("type")
        if kind == "rating_scale" and answer.get("rating") is not None and rating is None:
            if answer.get("rating_category"):
                d.fields["rating_category"] = answer["rating_category"]
            rating = answer["rating"]
        elif kind == "open_ended" and isinstance(answer.get("value"), str) and answer["value"]:
            d.fields["rating_comment"] = answer["value"]  # the follow-up question's text
    return rating


def build(gathered: Gathered) -> Ticket:
    """Put one Zendesk ticket together from its record and its parts."""
    record, parts, d = gathered.record, gathered.parts, gathered.draft()
    created = d.time(record.get("created_at"), "created_at")
    requester = record.get("requester_id")
    channel_raw, _, _ = _via_parts(record.get("via"))
    channel = None
    if channel_raw is not None:
        channel = d.lookup(CHANNELS, channel_raw, "via.channel", "via.channel")
    if record.get("status") == "deleted":
        d.fields["deleted"] = True
    d.keep(record, _USED)
    state = _State(d, requester, gathered.users)
    parts = _unique(parts)
    state.record, state.parts = record, parts
    rating = _legacy_rating(record.get("satisfaction_rating"))
    audits, events, comments = [], [], []
    for part in parts:
        kind = part[0]
        if kind == "audit":
            audits.append(part)
        elif kind == "ticket_event":
            events.append(part)
        elif kind == "comment":
            comments.append(part)
    for _, _src, audit in sorted(audits, key=lambda p: str(p[2].get("created_at"))):
        _audit(state, audit)
    for _, _src, item in sorted(events, key=lambda p: _event_order(p[2])):
        _ticket_event(state, item)
    for _, _src, comment in sorted(comments, key=lambda p: str(p[2].get("created_at"))):
        at = d.time(comment.get("created_at"), f"comments[{comment.get('id')}].created_at")
        _comment(
            state,
            at,
            comment,
            comment.get("via"),
            None,
            where=f"comments[{comment.get('id')}]",
        )
    if not state.status_seen and record.get("status") is not None:
        status = d.lookup(STATUSES, record.get("status"), "status", "status")
        if status not in (None, "new"):
            d.current_status(d.time(record.get("updated_at"), "updated_at") or created, status)
    for kind, _src, part in parts:
        if kind == "rating":
            rating = _legacy_rating(part) or rating
            if part.get("comment"):
                d.fields["rating_comment"] = part["comment"]
        elif kind == "survey":
            rating = _survey_rating(d, part) or rating
        elif kind == "metric":
            d.fields.setdefault("zendesk_metric_events", []).append(
                drop_none(
                    {
                        k: part.get(k)
                        for k in ("metric", "type", "time", "instance_id", "sla", "status")
                    }
                )
            )
    priority = state.first_priority if state.priority_seen else record.get("priority")
    return d.finish(
        created_at=created,
        subject=record.get("subject") or record.get("raw_subject"),
        body=record.get("description"),
        channel=channel,
        tags=record.get("tags"),
        priority=None if priority is None else str(priority),
        rating=rating,
    )


#: This helpdesk's reader, for :mod:`supportkit.sources._api`.
ADAPTER: Final = Adapter(NAME, STREAMS, shape, split, build)
