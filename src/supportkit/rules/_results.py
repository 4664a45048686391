"""What the engine returns: :class:`Evaluation`, :class:`Evidence`, :class:`Override`,
:class:`LintIssue` and :class:`Explanation` (all frozen, all with ``to_dict()``)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from types import MappingProxyType
from typing import Any, Protocol

import attrs

from supportkit._frames import to_pandas
from supportkit.rules._html import highlighted, table
from supportkit.sla._args import expect

__all__ = [
    "Deferred",
    "Evaluation",
    "Evidence",
    "Explanation",
    "LintIssue",
    "Override",
    "RegexTimeout",
    "unmatched",
]


@attrs.frozen
class Evidence:
    """Where a phrase of a rule was found.

    Attributes:
        phrase: The phrase as written in the rule.
        field: The text field (``subject``, ``body``, ``fields.<name>``).
        start / end: The span of the whole matched word(s) in the ORIGINAL text of
            that field, so ``ticket.text(field)[start:end]`` is what the customer typed.
        text: That original text.
        kind: How it matched: ``form``, ``exact``, ``prefix``, ``typo``, ``words``
            or ``regex``.
    """

    phrase: str
    field: str
    start: int
    end: int
    text: str
    kind: str

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return attrs.asdict(self)


@attrs.frozen
class Override:
    """A single-valued action of a later matching rule that an earlier rule overrode.

    Attributes:
        action: ``reply``, ``assign``, ``priority``, ``escalate`` or ``set.<field>``.
        rule_id: The later rule whose value was dropped.
        value: The dropped value.
        kept_rule_id: The earlier rule whose value was kept.
    """

    action: str
    rule_id: str
    value: Any
    kept_rule_id: str

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return attrs.asdict(self)


@attrs.frozen
class RegexTimeout:
    """A ``/regex/`` phrase that ran out of time on a field (counted as no match)."""

    phrase: str
    field: str

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return attrs.asdict(self)


# Type checks at construction: a wrong type is an InvalidArgument naming the argument
# (the gate of supportkit.sla._args), never a TypeError or AttributeError from later use.
_TEXT = (str, type(None))


def _items(value: Any, kind: type, *, arg: str) -> None:
    name = kind.__name__
    expect(value, tuple, arg=arg, want=f"a tuple of {name}")
    for index, item in enumerate(value):
        article = "an" if name[0] in "AEIOUaeiou" else "a"
        expect(item, kind, arg=f"{arg}[{index}]", want=f"{article} {name}")


_QUICK_TEXT = frozenset({str, type(None)})
_QUICK_ESCALATE = frozenset({str, bool, type(None)})
_QUICK_TEXTS = frozenset({dict, type(None)})
_DEFERRED_TYPES: set[type] = {type(None)}


def _all_str(values: tuple[Any, ...]) -> bool:
    # The set of the values' exact types, built in C (the engine passes one per matched
    # rule id and tag): all exact ``str``, or none at all.
    return {*map(type, values)} <= _STR_ONLY


_STR_ONLY: frozenset[type] = frozenset({str})


def _texts(owner: Any, names: tuple[str, ...]) -> None:
    for name in names:
        expect(getattr(owner, name), _TEXT, arg=name, want="a str or None")


def _freeze_evidence(
    value: Mapping[str, tuple[Evidence, ...]] | None,
) -> Mapping[str, tuple[Evidence, ...]] | None:
    if value is None:
        return None
    expect(value, Mapping, arg="evidence", want="a mapping of rule id -> a tuple of Evidence")
    for key, found in value.items():
        expect(key, str, arg="evidence", want="a mapping whose keys are rule ids (str)")
        _items(found, Evidence, arg=f"evidence[{key!r}]")
    return MappingProxyType(dict(value))


def _frozen(value: Any, arg: str) -> Mapping[str, Any]:
    expect(value, Mapping, arg=arg, want="a mapping such as {'field': 'value'}")
    return MappingProxyType(dict(value))


_NO_SET: Mapping[str, Any] = MappingProxyType({})


def _freeze_set(value: Mapping[str, Any]) -> Mapping[str, Any]:
    if value is _NO_SET:  # the default: already frozen, nothing to copy
        return value
    return _frozen(value, "set")


def _freeze_texts(value: Mapping[str, str]) -> Mapping[str, str]:
    return _frozen(value, "texts")


class Deferred(Protocol):
    """What an :class:`Evaluation` asks when its evidence or overrides are first read."""

    def evidence(self) -> dict[str, tuple[Evidence, ...]]:
        """Rule id -> evidence of each matched rule that has phrase evidence."""

    def overridden(self) -> tuple[Override, ...]:
        """The single-valued actions of later rules that were dropped."""

    def texts(self) -> dict[str, str]:
        """The original text of each field the rules read (for :meth:`_repr_html_`)."""


_EMPTY: Mapping[str, tuple[Evidence, ...]] = MappingProxyType({})
_ORDER = (
    "ticket_id",
    "matched",
    "tags",
    "remove_tags",
    "reply",
    "reply_template",
    "assign",
    "priority",
    "escalate",
    "set",
    "evidence",
    "overridden",
    "stopped_by",
    "timeouts",
)


@attrs.frozen(repr=False)
class Evaluation:
    """The decision of a rule set for one ticket.

    The evidence spans and the override records are computed when first read (or by
    :meth:`to_dict`, ``==`` and pickling), so a host that only reads the actions never
    pays for them; the values are the same either way.

    Attributes:
        ticket_id: The ticket's id.
        matched: Ids of the matching rules, in rule order.
        tags: Tags to add (accumulated in rule order; a later ``remove_tags`` cancels an
            earlier add).
        remove_tags: Tags to remove from the ticket.
        reply: The rendered reply of the first matching rule with a ``reply``, or ``None``.
        reply_template: The id of that template (also when the rule set does not hold the
            template and the host renders it).
        assign / priority / escalate: From the first matching rule that sets them.
        set: Custom field values (per field, the first matching rule wins).
        evidence: Rule id -> the :class:`Evidence` of its phrases.
        overridden: Single-valued actions of later rules that were dropped.
        stopped_by: The matching ``stop`` rule that ended processing, if any.
        timeouts: ``/regex/`` phrases that ran out of time (counted as no match).
    """

    ticket_id: str | None
    matched: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    reply: str | None = None
    reply_template: str | None = None
    assign: str | None = None
    priority: str | None = None
    escalate: bool | str | None = None
    set: Mapping[str, Any] = attrs.field(default=_NO_SET, converter=_freeze_set, eq=False)
    _evidence: Mapping[str, tuple[Evidence, ...]] | None = attrs.field(
        default=None, converter=_freeze_evidence, eq=False, alias="evidence"
    )
    _overridden: tuple[Override, ...] | None = attrs.field(default=None, alias="overridden")
    stopped_by: str | None = None
    timeouts: tuple[RegexTimeout, ...] = ()
    _deferred: Deferred | None = attrs.field(default=None, eq=False, alias="deferred")
    _texts: Mapping[str, str] | None = attrs.field(default=None, eq=False, alias="texts")

    def __attrs_post_init__(self) -> None:
        # The engine's own values pass the quick test; anything else gets the full check.
        if (
            type(self.ticket_id) in _QUICK_TEXT
            and type(self.reply) in _QUICK_TEXT
            and type(self.reply_template) in _QUICK_TEXT
            and type(self.assign) in _QUICK_TEXT
            and type(self.priority) in _QUICK_TEXT
            and type(self.stopped_by) in _QUICK_TEXT
            and type(self.escalate) in _QUICK_ESCALATE
            and type(self.matched) is tuple
            and type(self.tags) is tuple
            and type(self.remove_tags) is tuple
            and type(self.timeouts) is tuple
            and not self.timeouts
            and self._overridden is None
            and type(self._texts) in _QUICK_TEXTS
            and type(self._deferred) in _DEFERRED_TYPES
            and _all_str(self.matched + self.tags + self.remove_tags)
        ):
            return
        self._check()

    def _check(self) -> None:
        # Ticket(id=5) is not refused by Ticket itself, so an int id stays readable here.
        expect(self.ticket_id, (str, int, type(None)), arg="ticket_id", want="a str or None")
        _texts(self, ("reply", "reply_template", "assign", "priority", "stopped_by"))
        for name in ("matched", "tags", "remove_tags"):
            _items(getattr(self, name), str, arg=name)
        expect(self.escalate, (bool, str, type(None)), arg="escalate", want="a bool, a str or None")
        if self._overridden is not None:
            _items(self._overridden, Override, arg="overridden")
        _items(self.timeouts, RegexTimeout, arg="timeouts")
        deferred = self._deferred
        if deferred is not None and not all(
            callable(getattr(deferred, name, None)) for name in ("evidence", "overridden", "texts")
        ):
            expect(deferred, (), arg="deferred", want="None or a Deferred")
        _DEFERRED_TYPES.add(type(deferred))  # checked once per class, then quick
        if self._texts is not None:
            expect(self._texts, Mapping, arg="texts", want="a mapping of field -> text, or None")

    @property
    def evidence(self) -> Mapping[str, tuple[Evidence, ...]]:
        """Rule id -> the :class:`Evidence` of its phrases (computed on first read)."""
        value = self._evidence
        if value is None:
            deferred = self._deferred
            value = _EMPTY if deferred is None else MappingProxyType(deferred.evidence())
            object.__setattr__(self, "_evidence", value)
            self._release()
        return value

    @property
    def overridden(self) -> tuple[Override, ...]:
        """Single-valued actions of later rules that were dropped (computed on first read)."""
        value = self._overridden
        if value is None:
            deferred = self._deferred
            value = () if deferred is None else deferred.overridden()
            object.__setattr__(self, "_overridden", value)
            self._release()
        return value

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in _ORDER)
        return f"Evaluation({inner})"

    def _release(self) -> None:
        # Once everything deferred has been computed, let go of the ticket's scan.
        if None not in (self._evidence, self._overridden, self._texts):
            object.__setattr__(self, "_deferred", None)

    def _original_texts(self) -> Mapping[str, str]:
        value = self._texts
        if value is None:
            deferred = self._deferred
            value = {} if deferred is None else deferred.texts()
            object.__setattr__(self, "_texts", value)
            self._release()
        return value

    def _repr_html_(self) -> str:
        """Inline HTML for notebooks: the decision, then the text with evidence marked."""
        who = "the ticket" if self.ticket_id is None else f"ticket {self.ticket_id!r}"
        title = f"Evaluation of {who}: " + (
            ", ".join(self.matched) if self.matched else "no rule matched"
        )
        spans = [(rule_id, e) for rule_id, found in self.evidence.items() for e in found]
        rows: list[tuple[str, Any]] = [
            ("tags", ", ".join(self.tags)),
            ("remove tags", ", ".join(self.remove_tags)),
            ("reply", self.reply),
            ("reply template", self.reply_template),
            ("assign", self.assign),
            ("priority", self.priority),
            ("escalate", self.escalate),
            ("set", ", ".join(f"{k} = {v!r}" for k, v in self.set.items())),
            ("stopped by", self.stopped_by),
            (
                "overridden",
                "; ".join(
                    f"{o.action} {o.value!r} of {o.rule_id} (kept {o.kept_rule_id})"
                    for o in self.overridden
                ),
            ),
            ("regex timeouts", ", ".join(f"{t.phrase} in {t.field}" for t in self.timeouts)),
        ]
        texts = self._original_texts()
        if not texts:  # built by hand: list the evidence itself
            rows += [
                (f"{rid} in {e.field}", f"{e.text!r} at {e.start}-{e.end}") for rid, e in spans
            ]
        return table(title, rows, highlighted(texts, spans))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluation):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((self.ticket_id, self.matched, self.tags))

    @property
    def fired(self) -> bool:
        """Whether any rule matched."""
        return bool(self.matched)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_evaluation_from_state, (self._state(),))

    def _state(self) -> dict[str, Any]:
        return {
            "ticket_id": self.ticket_id,
            "matched": self.matched,
            "tags": self.tags,
            "remove_tags": self.remove_tags,
            "reply": self.reply,
            "reply_template": self.reply_template,
            "assign": self.assign,
            "priority": self.priority,
            "escalate": self.escalate,
            "set": dict(self.set),
            "evidence": dict(self.evidence),
            "overridden": self.overridden,
            "stopped_by": self.stopped_by,
            "timeouts": self.timeouts,
            "texts": dict(self._original_texts()),
        }

    def to_pandas(self) -> Any:
        """Return a one-row pandas DataFrame (see :func:`supportkit.sources.to_pandas` for many)."""
        return to_pandas(self)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (lists instead of tuples, evidence as lists of dicts)."""
        return {
            "ticket_id": self.ticket_id,
            "matched": list(self.matched),
            "tags": list(self.tags),
            "remove_tags": list(self.remove_tags),
            "reply": self.reply,
            "reply_template": self.reply_template,
            "assign": self.assign,
            "priority": self.priority,
            "escalate": self.escalate,
            "set": dict(self.set),
            "evidence": {k: [e.to_dict() for e in v] for k, v in self.evidence.items()},
            "overridden": [o.to_dict() for o in self.overridden],
            "stopped_by": self.stopped_by,
            "timeouts": [t.to_dict() for t in self.timeouts],
        }


def _evaluation_from_state(state: dict[str, Any]) -> Evaluation:
    return Evaluation(**state)


@attrs.frozen
class LintIssue:
    """A problem :meth:`RuleSet.lint` found in a rule set.

    Attributes:
        code: A stable short name such as ``mixed-script`` or ``unreachable``.
        rule_id: The rule concerned (``None`` for a template or the whole set).
        message: One sentence: what is wrong and how to fix it.
        severity: ``error`` (the rule cannot work as written) or ``warning``.
        path: Where, such as ``rules[3].when.any[1]`` or ``templates.payout_eta``.
    """

    code: str
    rule_id: str | None
    message: str
    severity: str = "warning"
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return attrs.asdict(self)

    def __str__(self) -> str:
        where = self.path or self.rule_id or "rule set"
        return f"{where}: {self.severity} {self.code}: {self.message}"


@attrs.frozen
class Explanation:
    """Why a rule did or did not fire for one ticket; ``str()`` gives the readable account.

    Attributes:
        rule_id: The rule explained.
        fired: Whether it matched and was reached.
        matched: Whether its conditions held (it may still be unreached after a ``stop``).
        stopped_by: An earlier matching ``stop`` rule that ended processing, if any.
        lines: The account, one line per condition.
    """

    rule_id: str
    fired: bool
    matched: bool
    stopped_by: str | None
    lines: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()
    texts: Mapping[str, str] = attrs.field(factory=dict, converter=_freeze_texts, eq=False)

    def __attrs_post_init__(self) -> None:
        expect(self.rule_id, str, arg="rule_id", want="the rule's id (a str)")
        expect(self.fired, bool, arg="fired", want="a bool")
        expect(self.matched, bool, arg="matched", want="a bool")
        _texts(self, ("stopped_by",))
        _items(self.lines, str, arg="lines")
        _items(self.evidence, Evidence, arg="evidence")

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def _repr_html_(self) -> str:
        """Inline HTML for notebooks: the account, then the text with the evidence marked."""
        head, *rest = self.lines or ("",)
        body = "".join(
            f'<div style="white-space:pre-wrap">{escape(line)}</div>' for line in rest
        ) + highlighted(self.texts, [(self.rule_id, e) for e in self.evidence])
        return table(head, (), body)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "rule_id": self.rule_id,
            "fired": self.fired,
            "matched": self.matched,
            "stopped_by": self.stopped_by,
            "lines": list(self.lines),
        }


#: The slot setters of every field of an unmatched Evaluation but ticket_id and texts,
#: with its default (a slot's own setter is cheaper than object.__setattr__ by name).
_UNMATCHED = tuple(
    (Evaluation.__dict__[field.name].__set__, field.default)
    for field in attrs.fields(Evaluation)
    if field.name not in ("ticket_id", "_texts")
)
_SET_ID = Evaluation.__dict__["ticket_id"].__set__
_SET_TEXTS = Evaluation.__dict__["_texts"].__set__


def unmatched(ticket_id: Any, texts: Any) -> Evaluation:
    """The :class:`Evaluation` of a ticket no rule matched (no timeouts), built cheaply.

    The same value as ``Evaluation(ticket_id=ticket_id, texts=texts)``: the engine's own
    ids and texts skip the converters and checks, anything else takes the full path.
    """
    if type(ticket_id) not in _QUICK_TEXT or type(texts) not in _QUICK_TEXTS:
        return Evaluation(ticket_id=ticket_id, texts=texts)
    new = object.__new__(Evaluation)
    _SET_ID(new, ticket_id)
    _SET_TEXTS(new, texts)
    for put, value in _UNMATCHED:
        put(new, value)
    return new
