"""Value types of a loaded rule: :class:`When`, :class:`Then` and :class:`Rule`."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any, Final, TypeVar

import attrs

from supportkit.exceptions import UnknownName
from supportkit.rules._phrases import Phrase
from supportkit.rules._timecond import SlaCondition, WaitCondition

__all__ = [
    "DEFAULT_FIELDS",
    "PRIORITIES",
    "NameMap",
    "Rule",
    "Then",
    "When",
    "field_equals",
    "unknown_name",
]

_V = TypeVar("_V")

#: The text fields a rule reads when it does not say.
DEFAULT_FIELDS: Final = ("subject", "body")
#: Priorities a rule may set or test; a rule set may declare more under ``"priorities"``.
PRIORITIES: Final = ("low", "normal", "high", "urgent")


@attrs.frozen
class When:
    """The conditions of a rule; every condition given must hold.

    Attributes:
        any: At least one of these phrases occurs in ``fields`` (when given).
        all: Every one of these phrases occurs.
        none: None of these phrases occurs.
        fields: The text fields read: ``subject``, ``body``, ``fields.<name>``.
        channel: The ticket's channel is one of these (``None``: any channel).
        tags_any / tags_all / tags_none: Conditions on the ticket's own tags.
        priority: The ticket's priority is one of these.
        equals: Custom fields that must equal one of the given values.
        outside / inside: A calendar name; the ticket's time must be outside (or
            inside) that calendar's working hours.
        tone: ``(signal, wanted)`` pairs, signals ``shouting`` and ``insult``.
        sla / waiting: Conditions on the SLA clocks and the customer's waiting time at
            ``evaluate(..., now=...)`` (see :mod:`supportkit.rules._timecond`).
    """

    any: tuple[Phrase, ...] = ()
    all: tuple[Phrase, ...] = ()
    none: tuple[Phrase, ...] = ()
    fields: tuple[str, ...] = DEFAULT_FIELDS
    channel: tuple[str, ...] | None = None
    tags_any: tuple[str, ...] = ()
    tags_all: tuple[str, ...] = ()
    tags_none: tuple[str, ...] = ()
    priority: tuple[str, ...] | None = None
    equals: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    outside: str | None = None
    inside: str | None = None
    tone: tuple[tuple[str, bool], ...] = ()
    sla: SlaCondition | None = None
    waiting: WaitCondition | None = None

    @property
    def has_time(self) -> bool:
        """Whether the rule has an ``sla`` or ``waiting`` condition (it needs ``now``)."""
        return self.sla is not None or self.waiting is not None

    @property
    def is_unconditional(self) -> bool:
        """Whether the rule matches every ticket (no condition at all)."""
        return self == When(fields=self.fields)

    @property
    def has_phrases(self) -> bool:
        """Whether ``any`` or ``all`` requires a phrase (so the rule needs a phrase hit)."""
        return bool(self.any or self.all)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (only the conditions that are set)."""
        out: dict[str, Any] = {}
        for key in ("any", "all", "none"):
            phrases = getattr(self, key)
            if phrases:
                out[key] = [p.source for p in phrases]
        if self.fields != DEFAULT_FIELDS:
            out["fields"] = list(self.fields)
        if self.channel is not None:
            out["channel"] = list(self.channel)
        tags = {
            k: list(v)
            for k, v in (("any", self.tags_any), ("all", self.tags_all), ("none", self.tags_none))
            if v
        }
        if tags:
            out["tags"] = tags
        if self.priority is not None:
            out["priority"] = list(self.priority)
        if self.equals:
            out["equals"] = {k: v[0] if len(v) == 1 else list(v) for k, v in self.equals}
        if self.outside is not None:
            out["outside"] = self.outside
        if self.inside is not None:
            out["inside"] = self.inside
        if self.tone:
            out["tone"] = dict(self.tone)
        if self.sla is not None:
            out["sla"] = self.sla.to_dict()
        if self.waiting is not None:
            out["waiting"] = self.waiting.to_dict()
        return out


@attrs.frozen
class Then:
    """The actions of a rule. The engine only decides; the host application acts.

    Attributes:
        reply: A template id.
        tags: Tags to add (they accumulate over matching rules).
        remove_tags: Tags to remove.
        assign: An agent or group (first matching rule wins).
        priority: A priority (first matching rule wins).
        set: Custom field values to set (first matching rule wins, per field).
        escalate: ``True`` or whom to escalate to (first matching rule wins).
    """

    reply: str | None = None
    tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    assign: str | None = None
    priority: str | None = None
    set: tuple[tuple[str, Any], ...] = ()
    escalate: bool | str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (only the actions that are set)."""
        out: dict[str, Any] = {}
        for key in ("reply", "assign", "priority", "escalate"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.tags:
            out["tags"] = list(self.tags)
        if self.remove_tags:
            out["remove_tags"] = list(self.remove_tags)
        if self.set:
            out["set"] = dict(self.set)
        return out


@attrs.frozen
class Rule:
    """One keyword rule: when its conditions hold, it proposes its actions.

    Attributes:
        id: Unique id within the rule set.
        when: The conditions.
        then: The actions.
        stop: When this rule matches, later rules are not looked at.
        description: Free text for the people who maintain the rule.
        enabled: A disabled rule is kept in the file but never matches.
    """

    id: str
    when: When = When()
    then: Then = Then()
    stop: bool = False
    description: str | None = None
    enabled: bool = True

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        """Every phrase of the rule (``any``, then ``all``, then ``none``)."""
        return self.when.any + self.when.all + self.when.none

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form, which :meth:`RuleSet.from_dicts` reads back."""
        out: dict[str, Any] = {"id": self.id}
        if self.description is not None:
            out["description"] = self.description
        out["when"] = self.when.to_dict()
        out["then"] = self.then.to_dict()
        if self.stop:
            out["stop"] = True
        if not self.enabled:
            out["enabled"] = False
        return out


def field_equals(value: Any, options: tuple[Any, ...]) -> bool:
    """Return whether a custom field's value is one of ``options`` (``1`` equals ``"1"``)."""
    if value in options:
        return True
    text = "" if value is None else str(value)
    return any(text == ("" if o is None else str(o)) for o in options if not isinstance(o, bool))


def unknown_name(name: object, known: Mapping[str, Any] | list[str], what: str) -> UnknownName:
    """The :class:`UnknownName` for ``name``, listing the close names of ``known``."""
    names = list(known)
    close = difflib.get_close_matches(str(name), names, n=3)
    tail = f"; did you mean {close}?" if close else f" (it has {sorted(names)[:10]})."
    return UnknownName(f"{what} {name!r} is not in this rule set{tail}", field=what, value=name)


class NameMap(Mapping[str, _V]):
    """An immutable name -> value mapping whose missing names raise :class:`UnknownName`.

    ``UnknownName`` is a ``KeyError``, so ``in``, ``get`` and ``except KeyError`` behave
    as with a dict; the message names the close names.
    """

    __slots__ = ("_data", "_what")

    def __init__(self, data: Mapping[str, _V], what: str) -> None:
        self._data = dict(data)
        self._what = what

    def __getitem__(self, name: str) -> _V:
        try:
            return self._data[name]
        except (KeyError, TypeError):
            raise unknown_name(name, self._data, self._what) from None

    def __contains__(self, name: object) -> bool:
        try:
            return name in self._data
        except TypeError:
            return False

    def get(self, name: str, default: Any = None) -> Any:
        """Return the value of ``name``, or ``default``."""
        return self._data.get(name, default) if name in self else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[Any, ...]:
        return (NameMap, (self._data, self._what))
