"""Which tickets an SLA policy covers: :class:`AppliesTo` (see :mod:`supportkit.sla._policy`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from supportkit._ticket import Ticket
from supportkit.exceptions import InvalidPolicy

__all__ = ["AppliesTo", "strings"]


def strings(value: Any, field: str) -> tuple[str, ...]:
    """A string or a list of non-empty strings, stripped, sorted and distinct."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple, set, frozenset)):
        raise InvalidPolicy(
            f"{field} must be a string or a list of strings (got {value!r}).",
            field=field,
            value=value,
        )
    out: list[str] = []
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise InvalidPolicy(
                f"{field}[{i}] must be a non-empty string (got {item!r}).",
                field=f"{field}[{i}]",
                value=item,
            )
        out.append(item.strip())
    return tuple(sorted(set(out)))


_APPLIES_KEYS: Final = ("channel", "priority", "tags", "fields")
_TAG_KEYS: Final = ("any", "all", "none")


@attrs.frozen
class AppliesTo:
    """Which tickets a policy covers; empty conditions match everything.

    Build it from a mapping with :meth:`from_dict` (what ``applies_to=`` accepts)::

        {"channel": ["chat", "messenger"], "priority": "urgent",
         "tags": {"any": ["payouts"], "none": ["spam"]}, "fields": {"country": ["RU", "KZ"]}}

    ``tags`` may also be a plain list, meaning ``{"any": [...]}``. A custom field
    matches when its value (compared as a string) is one of those listed.

    Attributes:
        channel: Channels, any of which matches (empty: any channel).
        priority: Priorities, any of which matches (empty: any priority).
        tags_any: At least one of these tags.
        tags_all: Every one of these tags.
        tags_none: None of these tags.
        fields: ``(name, allowed values)`` pairs, all of which must match.
    """

    channel: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    tags_any: tuple[str, ...] = ()
    tags_all: tuple[str, ...] = ()
    tags_none: tuple[str, ...] = ()
    fields: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, *, field: str = "applies_to") -> AppliesTo:
        """Read the JSON form; unknown keys are an error naming the key."""
        if data is None:
            return cls()
        if isinstance(data, AppliesTo):
            return data
        if not isinstance(data, Mapping):
            raise InvalidPolicy(
                f"{field} must be a mapping such as {{'channel': ['chat']}} (got {data!r}).",
                field=field,
                value=data,
            )
        for key in data:
            if key not in _APPLIES_KEYS:
                raise InvalidPolicy(
                    f"{field} has unknown key {key!r}; known keys are {list(_APPLIES_KEYS)}.",
                    field=f"{field}.{key}",
                    value=data[key],
                )
        tags = data.get("tags")
        if tags is None or isinstance(tags, (str, list, tuple)):
            tags = {"any": tags}
        if not isinstance(tags, Mapping):
            raise InvalidPolicy(
                f"{field}.tags must be a list or a mapping with 'any', 'all', 'none' "
                f"(got {tags!r}).",
                field=f"{field}.tags",
                value=tags,
            )
        for key in tags:
            if key not in _TAG_KEYS:
                raise InvalidPolicy(
                    f"{field}.tags has unknown key {key!r}; known keys are {list(_TAG_KEYS)}.",
                    field=f"{field}.tags.{key}",
                    value=tags[key],
                )
        raw_fields = data.get("fields") or {}
        if not isinstance(raw_fields, Mapping):
            raise InvalidPolicy(
                f"{field}.fields must be a mapping of field name to allowed values "
                f"(got {raw_fields!r}).",
                field=f"{field}.fields",
                value=raw_fields,
            )
        fields = tuple(
            sorted(
                (
                    str(name),
                    strings(
                        [str(v) for v in allowed]
                        if isinstance(allowed, (list, tuple))
                        else str(allowed),
                        f"{field}.fields.{name}",
                    ),
                )
                for name, allowed in raw_fields.items()
            )
        )
        return cls(
            channel=tuple(c.lower() for c in strings(data.get("channel"), f"{field}.channel")),
            priority=tuple(p.lower() for p in strings(data.get("priority"), f"{field}.priority")),
            tags_any=strings(tags.get("any"), f"{field}.tags.any"),
            tags_all=strings(tags.get("all"), f"{field}.tags.all"),
            tags_none=strings(tags.get("none"), f"{field}.tags.none"),
            fields=fields,
        )

    def matches(self, ticket: Ticket, priority: str | None = None) -> bool:
        """Return whether ``ticket`` is covered, with ``priority`` as its current priority."""
        if self.channel and ticket.channel not in self.channel:
            return False
        if self.priority and priority not in self.priority:
            return False
        if self.tags_any or self.tags_all or self.tags_none:
            tags = set(ticket.tags)
            if self.tags_any and tags.isdisjoint(self.tags_any):
                return False
            if self.tags_all and not tags.issuperset(self.tags_all):
                return False
            if self.tags_none and not tags.isdisjoint(self.tags_none):
                return False
        for name, allowed in self.fields:
            value = ticket.fields.get(name)
            if value is None or str(value) not in allowed:
                return False
        return True

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (only the conditions that are set)."""
        out: dict[str, Any] = {}
        if self.channel:
            out["channel"] = list(self.channel)
        if self.priority:
            out["priority"] = list(self.priority)
        tags = {
            key: list(values)
            for key, values in (
                ("any", self.tags_any),
                ("all", self.tags_all),
                ("none", self.tags_none),
            )
            if values
        }
        if tags:
            out["tags"] = tags
        if self.fields:
            out["fields"] = {name: list(values) for name, values in self.fields}
        return out
