"""The rule engine: :class:`RuleSet` loads, evaluates, explains and lints keyword rules.

The engine decides and the host acts: evaluating a ticket has no side effects, and the
conditions of every rule see the ticket as it came in (rules never see each other's
actions), so the result does not depend on anything but the ticket and the rule set.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import pickle
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from supportkit._frames import rows
from supportkit._ticket import CHANNELS, Ticket, as_ticket
from supportkit._time import to_aware
from supportkit.exceptions import InvalidArgument, InvalidRule
from supportkit.rules._calendars import Calendar
from supportkit.rules._explain import explain
from supportkit.rules._lint import lint
from supportkit.rules._load import DOC_KEYS, Document, Options, check_keys, load_document
from supportkit.rules._matcher import Matcher
from supportkit.rules._matching import RuleIndex
from supportkit.rules._model import PRIORITIES, NameMap, Rule, unknown_name
from supportkit.rules._phrases import Phrase
from supportkit.rules._results import (
    Evaluation,
    Explanation,
    LintIssue,
    unmatched,
)
from supportkit.rules._scan import Compiled, Scan, evidence, scan_ticket
from supportkit.rules._source import read_source
from supportkit.rules._templates import Template
from supportkit.rules._timecond import Clock, make_clock
from supportkit.sla._args import expect

__all__ = ["RuleSet", "Scan"]

_SINGLE = ("reply", "assign", "priority", "escalate")


def _check_parts(ruleset: RuleSet) -> None:
    """The direct constructor's type check: InvalidArgument naming the argument.

    ``from_dicts``/``from_json`` build every part themselves; a host calling
    ``RuleSet(...)`` with anything else learns which argument is wrong here, before
    compiling, instead of an AttributeError from inside the matcher.
    """

    def items(value: Any, kind: type, arg: str, want: str) -> None:
        expect(value, tuple, arg=arg, want=f"a tuple of {want}")
        for index, item in enumerate(value):
            expect(item, kind, arg=f"{arg}[{index}]", want=f"a {kind.__name__}")

    def mapping(value: Any, kind: type | tuple[type, ...] | None, arg: str, want: str) -> None:
        expect(value, Mapping, arg=arg, want=f"a mapping of name -> {want}")
        for key, item in value.items():
            expect(key, str, arg=f"{arg} key", want="a name (a str)")
            if kind is not None:
                expect(item, kind, arg=f"{arg}[{key!r}]", want=want)

    items(ruleset.rules, Rule, "rules", "Rule (RuleSet.from_dicts reads dictionaries)")
    mapping(ruleset.templates, Template, "templates", "a Template")
    expect(ruleset.options, Options, arg="options", want="an Options")
    if ruleset.fields is not None:
        items(ruleset.fields, str, "fields", "field names (str)")
    items(ruleset.channels, str, "channels", "channel names (str)")
    items(ruleset.priorities, str, "priorities", "priority names (str)")
    mapping(ruleset.calendars, None, "calendars", "a calendar with is_open(at)")
    for name, calendar in ruleset.calendars.items():
        if not callable(getattr(calendar, "is_open", None)):
            expect(calendar, (), arg=f"calendars[{name!r}]", want="a calendar with is_open(at)")
    mapping(ruleset.calendar_specs, None, "calendar_specs", "a calendar's JSON form")
    expect(ruleset.synonyms, tuple, arg="synonyms", want="a tuple of synonym groups")
    for index, group in enumerate(ruleset.synonyms):
        items(group, str, f"synonyms[{index}]", "words (str)")


@attrs.frozen(eq=False)
class RuleSet:
    """An ordered, validated set of keyword rules with their reply templates.

    Build one with :meth:`from_dicts`, :meth:`from_json` or :meth:`from_toml`;
    combine two with ``a | b`` (rules of ``a`` first). A rule set is immutable and
    picklable, so it can be shipped to multiprocessing, Dask or Spark workers.

    Attributes:
        rules: The rules, in evaluation order.
        templates: Template id -> :class:`Template`.
        options: The matching :class:`Options`.
        fields: Custom fields the data is declared to have (for :meth:`lint`), or ``None``.
        channels / priorities: The channels and priorities rules may name.
        calendars: Calendar name -> an object with ``is_open(at)``.
        synonyms: Synonym groups: a bare phrase word matches any form of any word of
            its group (``("прийти", "поступить")``).
    """

    rules: tuple[Rule, ...]
    templates: Mapping[str, Template]
    options: Options
    fields: tuple[str, ...] | None
    channels: tuple[str, ...]
    priorities: tuple[str, ...]
    calendars: Mapping[str, Calendar]
    calendar_specs: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    synonyms: tuple[tuple[str, ...], ...] = ()
    _matcher: Matcher = attrs.field(init=False, repr=False)
    _compiled: tuple[Compiled, ...] = attrs.field(init=False, repr=False)
    _index: RuleIndex = attrs.field(init=False, repr=False)
    _scan_fields: tuple[str, ...] = attrs.field(init=False, repr=False)
    _by_id: dict[str, int] = attrs.field(init=False, repr=False)
    _needs_now: tuple[str, bool] | None = attrs.field(init=False, repr=False)
    _needs_policies: str | None = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        _check_parts(self)
        phrase_ids: dict[str, int] = {}
        phrases: list[Phrase] = []
        numbers: list[int] = []  # the pid objects, shared with the matcher

        def ids(items: tuple[Phrase, ...]) -> tuple[int, ...]:
            out = []
            for phrase in items:
                pid = phrase_ids.get(phrase.source)
                if pid is None:
                    pid = phrase_ids[phrase.source] = len(phrases)
                    phrases.append(phrase)
                    numbers.append(pid)
                out.append(pid)
            return tuple(dict.fromkeys(out))

        compiled: list[Compiled] = []
        fields: dict[str, None] = {}
        for index, rule in enumerate(self.rules):
            when = rule.when
            item = Compiled(index, rule, ids(when.any), ids(when.all), ids(when.none), when.fields)
            compiled.append(item)
            if rule.enabled:
                fields.update(dict.fromkeys(when.fields))
        set_ = object.__setattr__
        set_(self, "_matcher", Matcher(phrases, self.options, synonyms=self.synonyms, ids=numbers))
        set_(self, "_compiled", tuple(compiled))
        set_(self, "_index", RuleIndex(compiled, len(phrases)))
        set_(self, "_scan_fields", tuple(fields))
        set_(self, "_by_id", {item.rule.id: item.index for item in compiled})
        timed = [r for r in self.rules if r.enabled and r.when.has_time]
        set_(self, "_needs_now", (timed[0].id, timed[0].when.sla is not None) if timed else None)
        sla = [r.id for r in timed if r.when.sla is not None]
        set_(self, "_needs_policies", sla[0] if sla else None)

    # -- construction -------------------------------------------------------------------

    @classmethod
    def _from_document(cls, doc: Document) -> RuleSet:
        return cls(
            rules=doc.rules,
            templates=NameMap(doc.templates, "template"),
            options=doc.options,
            fields=doc.fields,
            channels=doc.channels,
            priorities=doc.priorities,
            calendars=NameMap(doc.calendars, "calendar"),
            calendar_specs=dict(doc.calendar_specs),
            synonyms=doc.synonyms,
        )

    @classmethod
    def from_dicts(
        cls,
        rules: Sequence[Mapping[str, Any]],
        *,
        templates: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | Options | None = None,
        fields: Sequence[str] | None = None,
        channels: Sequence[str] | None = None,
        priorities: Sequence[str] | None = None,
        calendars: Mapping[str, Calendar] | None = None,
        calendar_specs: Mapping[str, Any] | None = None,
        synonyms: Sequence[Sequence[str]] | None = None,
    ) -> RuleSet:
        """Build a rule set from rule dictionaries (the JSON form).

        Args:
            rules: The rules, in evaluation order.
            templates: Template id -> text with ``{placeholders}``.
            options: Matching options (see :class:`Options`), e.g. ``{"layout": True}``.
            fields: The custom fields tickets are declared to have; :meth:`lint` checks
                templates against them.
            channels / priorities: Extra channels or priorities rules may name.
            calendars: Calendar name -> an object with ``is_open(at)`` (such as
                ``supportkit.sla.WorkCalendar``), for ``"outside"``/``"inside"``.
            calendar_specs: Calendars in their JSON form (``{"tz": ..., "hours": {...}}``).
            synonyms: Synonym groups, ``[["прийти", "поступить", "зачислить"]]``: a
                bare phrase word matches any form of any word of its group.

        Raises:
            InvalidRule: anything that would fail later; the message names the path,
                such as ``rules[3].when.any[1]``, and the fix.
        """
        with _gc_paused():
            return cls._from_document(
                load_document(
                    rules,
                    templates=templates,
                    options=options,
                    fields=fields,
                    channels=channels,
                    priorities=priorities,
                    calendars=calendars,
                    calendar_specs=calendar_specs,
                    synonyms=synonyms,
                )
            )

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], *, calendars: Mapping[str, Calendar] | None = None
    ) -> RuleSet:
        """Build a rule set from a whole document ``{"templates": ..., "rules": [...], ...}``."""
        if not isinstance(data, Mapping):
            raise InvalidArgument(
                f"data must be a mapping (got {type(data).__name__}).", field="data", value=data
            )
        check_keys(data, DOC_KEYS, "")
        if "rules" not in data:
            raise InvalidRule('the rule document has no "rules" list.', field="rules", value=None)
        return cls.from_dicts(
            data["rules"],
            templates=data.get("templates"),
            options=data.get("options"),
            fields=data.get("fields"),
            channels=data.get("channels"),
            priorities=data.get("priorities"),
            calendars=calendars,
            calendar_specs=data.get("calendars"),
            synonyms=data.get("synonyms"),
        )

    @classmethod
    def from_json(
        cls, source: str | os.PathLike[str], *, calendars: Mapping[str, Calendar] | None = None
    ) -> RuleSet:
        """Load a rule set from a JSON file path or JSON text.

        Raises:
            InvalidRule: a missing file, bad JSON (line and column named) or invalid rules.
        """
        return cls.from_mapping(read_source(source, "json"), calendars=calendars)

    @classmethod
    def from_toml(
        cls, source: str | os.PathLike[str], *, calendars: Mapping[str, Calendar] | None = None
    ) -> RuleSet:
        """Load a rule set from a TOML file path or TOML text (``[[rules]]`` tables)."""
        return cls.from_mapping(read_source(source, "toml"), calendars=calendars)

    @classmethod
    def from_file(
        cls, path: str | os.PathLike[str], *, calendars: Mapping[str, Calendar] | None = None
    ) -> RuleSet:
        """Load a ``.json`` or ``.toml`` rule file, chosen by its extension."""
        expect(path, (str, os.PathLike), arg="path", want="the path of a .json or .toml rule file")
        return cls.from_mapping(read_source(os.fspath(path), "auto"), calendars=calendars)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON document; ``RuleSet.from_mapping(rs.to_dict())`` rebuilds it."""
        out: dict[str, Any] = {}
        if self.options != Options():
            out["options"] = self.options.to_dict()
        if self.fields is not None:
            out["fields"] = list(self.fields)
        extra_channels = [c for c in self.channels if c not in _default_channels()]
        if extra_channels:
            out["channels"] = extra_channels
        extra_priorities = [p for p in self.priorities if p not in _default_priorities()]
        if extra_priorities:
            out["priorities"] = extra_priorities
        if self.calendar_specs:
            out["calendars"] = dict(self.calendar_specs)
        if self.synonyms:
            out["synonyms"] = [list(group) for group in self.synonyms]
        out["templates"] = {k: t.source for k, t in self.templates.items()}
        out["rules"] = [rule.to_dict() for rule in self.rules]
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        # The compiled form travels as it is (rules, the matcher's index of interned
        # words and ids; never the dictionary), inside one zlib-packed bytes value:
        # unpickling skips validation and indexing, and loads its many small objects
        # with the cyclic garbage collector paused (see _restore_compiled).
        state = {a.name: getattr(self, a.name) for a in attrs.fields(RuleSet)}
        blob = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        return (_restore_compiled, (zlib.compress(blob, 1),))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleSet):
            return NotImplemented
        return self.to_dict() == other.to_dict() and dict(self.calendars) == dict(other.calendars)

    __hash__ = None  # type: ignore[assignment]

    def __or__(self, other: RuleSet) -> RuleSet:
        """Combine two rule sets: the rules of ``self`` first, then those of ``other``.

        Raises:
            InvalidRule: the sets share a rule id, a template id with different text, or
                have different options.
        """
        if not isinstance(other, RuleSet):
            return NotImplemented
        if self.options != other.options:
            raise InvalidRule(
                f"cannot combine rule sets with different options ({self.options.to_dict()} "
                f"vs {other.options.to_dict()}); give both the same 'options'.",
                field="options",
                value=other.options,
            )
        for key, template in other.templates.items():
            if key in self.templates and self.templates[key].source != template.source:
                raise InvalidRule(
                    f"both rule sets define template {key!r} with different text; rename one.",
                    field=f"templates.{key}",
                    value=template.source,
                )
        fields = (
            None
            if self.fields is None and other.fields is None
            else tuple(dict.fromkeys((*(self.fields or ()), *(other.fields or ()))))
        )
        return RuleSet.from_dicts(
            [rule.to_dict() for rule in (*self.rules, *other.rules)],
            templates={k: t.source for k, t in {**self.templates, **other.templates}.items()},
            options=self.options,
            fields=fields,
            channels=tuple(dict.fromkeys((*self.channels, *other.channels))),
            priorities=tuple(dict.fromkeys((*self.priorities, *other.priorities))),
            calendars={
                **{k: v for k, v in self.calendars.items() if k not in self.calendar_specs},
                **{k: v for k, v in other.calendars.items() if k not in other.calendar_specs},
            },
            calendar_specs={**self.calendar_specs, **other.calendar_specs},
            synonyms=[*self.synonyms, *(g for g in other.synonyms if g not in self.synonyms)],
        )

    def with_options(self, **changes: Any) -> RuleSet:
        """Return the same rules with some matching options changed (``repair=False``)."""
        merged = {**self.options.to_dict(), **changes}
        data = self.to_dict()
        data["options"] = merged
        return RuleSet.from_mapping(
            data,
            calendars={k: v for k, v in self.calendars.items() if k not in self.calendar_specs},
        )

    def rule(self, rule_id: str) -> Rule:
        """Return the rule with this id.

        Raises:
            UnknownName: no rule has this id (a ``LookupError``; the message lists close ids).
            InvalidArgument: ``rule_id`` is not a string.
        """
        if not isinstance(rule_id, str):
            raise InvalidArgument(
                f"rule_id must be a rule id string such as 'payout-late' (got {rule_id!r} "
                f"that is a {type(rule_id).__name__}).",
                field="rule_id",
                value=rule_id,
            )
        index = self._by_id.get(rule_id)
        if index is None:
            raise unknown_name(rule_id, list(self._by_id), "rule_id")
        return self.rules[index]

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    # -- evaluation ---------------------------------------------------------------------

    def scan(self, ticket: Ticket, fields: Iterable[str] | None = None) -> Scan:
        """Normalise the fields rules read and find every phrase in them (internal)."""
        return scan_ticket(
            self._matcher, ticket, self._scan_fields if fields is None else fields, self.options
        )

    def clock(self, now: Any, policies: Any) -> Clock | None:
        """Check ``now``/``policies`` against the rule set's time conditions (internal)."""
        return make_clock(self._needs_now, self._needs_policies, now, policies)

    def evaluate(
        self,
        ticket: Any,
        *,
        at: dt.datetime | str | None = None,
        now: dt.datetime | str | None = None,
        policies: Any = None,
    ) -> Evaluation:
        """Decide what the rules propose for one ticket.

        Args:
            ticket: A :class:`supportkit.Ticket`, a mapping (a JSON export row) or a
                bare string (the body).
            at: The time for ``"outside"``/``"inside"`` conditions; defaults to the
                ticket's ``created_at`` (a ticket without one fails time conditions).
            now: The moment ``"sla"`` and ``"waiting"`` conditions are judged at
                (required when the rule set has such rules).
            policies: A :class:`supportkit.sla.PolicySet` for ``"sla"`` conditions.

        Returns:
            The :class:`Evaluation`: matched rules, actions, evidence, overrides.

        Raises:
            InvalidTicket: a ticket mapping that cannot be read.
            TemplateError: the chosen reply template needs a value the ticket lacks and
                declares no default.
            InvalidArgument: the rule set has ``sla``/``waiting`` conditions and no
                ``now`` (or ``sla`` ones and no ``policies``).
        """
        clock = self.clock(now, policies)
        ticket = as_ticket(ticket)
        when = ticket.created_at
        if at is not None:
            when = to_aware(at, field="at")
        scan = self.scan(ticket)
        compiled = self._compiled
        matched, stopped_by = self._index.matching(
            compiled, ticket, scan, when, calendars=self.calendars, clock=clock
        )
        if not matched:
            if not scan.timeouts:
                return unmatched(ticket.id, scan.texts)
            return Evaluation(ticket_id=ticket.id, timeouts=tuple(scan.timeouts), texts=scan.texts)
        return self._index.decide(
            compiled,
            self.templates,
            ticket,
            scan=scan,
            matched=matched,
            stopped_by=stopped_by,
            evidence_of=lambda item, found: evidence(item, found, self._matcher.phrases),
        )

    def evaluate_many(
        self,
        tickets: Iterable[Any],
        *,
        at: dt.datetime | str | None = None,
        now: dt.datetime | str | None = None,
        policies: Any = None,
    ) -> Iterator[Evaluation]:
        """Evaluate tickets one by one, lazily (a generator: constant memory on big exports).

        A pandas DataFrame gives one ticket per row, never its column names.
        """
        for ticket in rows(tickets):
            yield self.evaluate(ticket, at=at, now=now, policies=policies)

    def explain(
        self,
        ticket: Any,
        rule_id: str,
        *,
        at: dt.datetime | str | None = None,
        now: dt.datetime | str | None = None,
        policies: Any = None,
    ) -> Explanation:
        """Explain why ``rule_id`` did or did not fire for ``ticket``; ``str()`` reads well.

        The account lists each condition (held or failed), for each phrase that was not
        found the nearest word of the text and why it differs (look-alike letters, a typo,
        another form, another field, the wrong keyboard layout), and the earlier ``stop``
        rule that ended processing, if any.

        Raises:
            UnknownName: ``rule_id`` is not in the rule set (a ``LookupError``).
            InvalidArgument: ``rule_id`` is not a string.
        """
        return explain(self, ticket, rule_id, at=at, now=now, policies=policies)

    def lint(self, *, fields: Sequence[str] | None = None) -> list[LintIssue]:
        """Check the rule set for problems that loading cannot reject.

        Args:
            fields: The custom fields tickets have (default: the declared ``fields``).

        Returns:
            Every :class:`LintIssue`, in rule order: mixed-script phrases, phrases that
            normalise to nothing, a phrase in both ``any``/``all`` and ``none``, rules
            unreachable behind an unconditional ``stop``, duplicate phrases, unknown
            templates and template fields, regexes that can backtrack catastrophically.
        """
        names = (
            None
            if fields is None
            or isinstance(fields, (str, bytes))
            or not isinstance(fields, Iterable)
            else tuple(fields)
        )
        if fields is not None and (names is None or not all(isinstance(f, str) for f in names)):
            raise InvalidArgument(
                "fields must be a list of custom field names such as ['customer_name'] "
                f"(got {fields!r:.80} that is a {type(fields).__name__}).",
                field="fields",
                value=fields,
            )
        return lint(self, fields=names)


def _default_channels() -> tuple[str, ...]:
    return CHANNELS


def _default_priorities() -> tuple[str, ...]:
    return PRIORITIES


def _restore(data: dict[str, Any], calendars: dict[str, Calendar]) -> RuleSet:
    # Pickles written before the compiled form: rebuilt from the document.
    return RuleSet.from_mapping(data, calendars=calendars)


def _restore_compiled(blob: bytes) -> RuleSet:
    with _gc_paused():
        state = pickle.loads(zlib.decompress(blob))  # noqa: S301 - our payload, in the caller's pickle
        if "_index" not in state:  # written before the rule index: compile it again
            return RuleSet(**{a.name: state[a.name] for a in attrs.fields(RuleSet) if a.init})
        ruleset: RuleSet = object.__new__(RuleSet)
        for name, value in state.items():
            object.__setattr__(ruleset, name, value)
    return ruleset


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a big rule set is built or loaded.

    Building 50,000 rules allocates millions of small acyclic objects; each allocation
    burst would otherwise trigger full collections that walk all of them again (half
    the build time). Reference counting still frees everything as usual.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
