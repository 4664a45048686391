"""The hot path of evaluation: which rules match, and the actions they decide (internal).

With a big rule set a message is a candidate for many rules (each phrase word recurs in
many rules), so the cost that matters is the cost per candidate and per matched rule.
Both are kept to a few set operations in C:

- A *plain* rule (phrases in ``any``, read in the rule set's usual fields, and at most
  channel, priority, ``tags.none`` and ``none`` phrases besides) needs no check of its
  own: being a candidate through a phrase hit in those fields satisfies ``any``, and
  the other conditions are applied to all candidates at once, as sets of the rules
  they exclude (the rules excluded for the ticket's channel, its priority, each of its
  tags, each ``none`` phrase found). Every other rule is checked by
  :func:`~supportkit.rules._conditions.conditions_hold`, as before.
- The actions are read from per-action sets of rule indices (the first matching rule
  that has a reply, an assignee, ...), tags are chained, and the override records are
  computed only when read (by :func:`~supportkit.rules._actions.combine`, the loop
  that used to run for every evaluation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from itertools import chain
from typing import Any, Final

from supportkit._ticket import Ticket
from supportkit.rules._actions import Deferred, decide
from supportkit.rules._calendars import Calendar
from supportkit.rules._conditions import conditions_hold
from supportkit.rules._results import Evaluation, Evidence
from supportkit.rules._scan import Compiled, Scan
from supportkit.rules._templates import Template
from supportkit.rules._timecond import Clock

__all__ = ["RuleIndex"]

_PLAIN: Final = 0
_CHECKED: Final = 1


class RuleIndex:
    """Phrase id -> rules, and the sets the plain rules are filtered and decided by."""

    __slots__ = (
        "_always",
        "_by_phrase",
        "_channel_any",
        "_channel_excluded",
        "_flags",
        "_ids",
        "_kinds",
        "_main",
        "_none_excluded",
        "_none_pids",
        "_priority_any",
        "_priority_excluded",
        "_stops",
        "_tag_excluded",
        "_tags",
    )

    def __init__(self, compiled: Sequence[Compiled], phrase_count: int) -> None:
        enabled = [item for item in compiled if item.rule.enabled]
        counts: dict[tuple[str, ...], int] = {}
        for item in enabled:
            counts[item.fields] = counts.get(item.fields, 0) + 1
        #: The fields most rules read: plain rules read exactly these.
        self._main: tuple[str, ...] = max(counts, key=counts.__getitem__) if counts else ()
        main = frozenset(self._main)
        same_fields = {fields: frozenset(fields) == main for fields in counts}
        by_phrase: list[Any] = [None] * phrase_count
        always: list[int] = []
        kinds = bytearray(len(compiled))
        #: Per action (reply, assign, priority, escalate, set, remove_tags): a byte a
        #: rule, 1 when it has the action.
        flags = [bytearray(len(compiled)) for _ in range(6)]
        reply, assign, priority, escalate, sets, removes = flags
        channel_rules: list[tuple[int, tuple[str, ...]]] = []
        priority_rules: list[tuple[int, tuple[str, ...]]] = []
        tags: dict[str, list[int]] = {}
        nones: dict[int, list[int]] = {}
        stops: list[int] = []
        for item in enabled:
            index = item.index
            rule = item.rule
            when = rule.when
            plain = (
                item.any
                and not item.all
                and same_fields[item.fields]
                and not (when.tags_any or when.tags_all or when.equals or when.tone)
                and when.outside is None
                and when.inside is None
                and when.sla is None
                and when.waiting is None
            )
            if not plain:
                kinds[index] = _CHECKED
            if item.any or item.all:
                # The rule needs a phrase hit: index it by the phrases of `all` (every
                # one must occur) or else of `any`.
                for pid in item.all[:1] or item.any:
                    found = by_phrase[pid]
                    if found is None:
                        by_phrase[pid] = index
                    elif found.__class__ is int:
                        by_phrase[pid] = [found, index]
                    else:
                        found.append(index)
            else:
                always.append(index)
            # Necessary conditions of every rule, plain or not: applied to all candidates.
            if when.channel is not None:
                channel_rules.append((index, when.channel))
            if when.priority is not None:
                priority_rules.append((index, when.priority))
            for tag in when.tags_none:
                tags.setdefault(tag, []).append(index)
            if plain:  # a `none` phrase of a plain rule is read in the main fields
                for pid in item.none:
                    nones.setdefault(pid, []).append(index)
            if rule.stop:
                stops.append(index)
            then = rule.then
            if then.reply is not None:
                reply[index] = 1
            if then.assign is not None:
                assign[index] = 1
            if then.priority is not None:
                priority[index] = 1
            if then.escalate is not None:
                escalate[index] = 1
            if then.set:
                sets[index] = 1
            if then.remove_tags:
                removes[index] = 1
        self._by_phrase = [tuple(v) if v.__class__ is list else v for v in by_phrase]
        self._always = tuple(always)
        self._kinds = bytes(kinds)
        self._channel_any = frozenset(i for i, _ in channel_rules)
        self._channel_excluded = _excluded(channel_rules)
        self._priority_any = frozenset(i for i, _ in priority_rules)
        self._priority_excluded = _excluded(priority_rules)
        self._tag_excluded = {tag: frozenset(v) for tag, v in tags.items()}
        self._none_excluded = {pid: frozenset(v) for pid, v in nones.items()}
        self._none_pids = frozenset(nones)
        self._stops = frozenset(stops)
        # What decide() reads of each matched rule, in flat arrays indexed by rule
        # (a big set's rule objects are spread over memory; these stay in cache).
        self._ids = [item.rule.id for item in compiled]
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._tags = [shared.setdefault(t, t) for t in (i.rule.then.tags for i in compiled)]
        #: None for an action no rule has.
        self._flags = tuple(bytes(f) if any(f) else None for f in flags)

    def candidates(self, ticket: Ticket, scan: Scan) -> set[int]:
        """The rules worth checking: a phrase hit, or no phrases, and not excluded."""
        out: set[int] = set(self._always)
        add = out.add
        update = out.update
        by_phrase = self._by_phrase
        main = self._main
        kinds = self._kinds
        for field, hits in scan.hits.items():
            if field in main:
                for pid in hits:
                    found = by_phrase[pid]
                    if found is None:
                        continue
                    if found.__class__ is int:
                        add(found)
                    else:
                        update(found)
            else:  # plain rules do not read this field
                for pid in hits:
                    found = by_phrase[pid]
                    if found is not None:
                        update(i for i in _ids(found) if kinds[i])
        if not out:
            return out
        if self._channel_any:
            out = out - self._channel_excluded.get(ticket.channel, self._channel_any)
        if self._priority_any:
            out = out - self._priority_excluded.get(ticket.priority, self._priority_any)
        tag_excluded = self._tag_excluded
        if tag_excluded:
            for tag in ticket.tags:
                excluded = tag_excluded.get(tag)
                if excluded is not None:
                    out = out - excluded
        if self._none_pids and main:
            for pid in scan.present(main) & self._none_pids:
                out = out - self._none_excluded[pid]
        return out

    def matching(
        self,
        compiled: Sequence[Compiled],
        ticket: Ticket,
        scan: Scan,
        at: dt.datetime | None,
        *,
        calendars: Mapping[str, Calendar],
        clock: Clock | None,
    ) -> tuple[list[int], str | None]:
        """The indices of the matching rules, in order, and the ``stop`` rule, if any."""
        candidates = self.candidates(ticket, scan)
        if not candidates:
            return [], None
        kinds = self._kinds
        stops = self._stops
        ordered = sorted(candidates)
        if stops.isdisjoint(candidates) and not any(map(kinds.__getitem__, ordered)):
            return ordered, None  # plain rules only, no stop among them: all match
        matched: list[int] = []
        tones: dict[tuple[str, ...], Any] = {}
        for index in ordered:
            if kinds[index] and not conditions_hold(
                compiled[index], ticket, scan, at, tones, calendars=calendars, clock=clock
            ):
                continue
            matched.append(index)
            if index in stops:
                return matched, compiled[index].rule.id
        return matched, None

    def decide(
        self,
        compiled: Sequence[Compiled],
        templates: Mapping[str, Template],
        ticket: Ticket,
        *,
        scan: Scan,
        matched: list[int],
        stopped_by: str | None,
        evidence_of: Callable[[Compiled, Scan], tuple[Evidence, ...]],
    ) -> Evaluation:
        """Combine the actions of the matching rules into one :class:`Evaluation`.

        The same result as :func:`~supportkit.rules._actions.decide` (which it falls
        back to when a matching rule removes tags); the reply is rendered here, so a
        template that cannot be filled fails the evaluation.
        """
        removes = self._flags[5]
        if removes is not None and any(map(removes.__getitem__, matched)):
            # A rule removes tags: the general loop.
            return decide(
                templates,
                ticket,
                scan=scan,
                matched=list(map(compiled.__getitem__, matched)),
                stopped_by=stopped_by,
                evidence_of=evidence_of,
            )
        tags = tuple(dict.fromkeys(chain.from_iterable(map(self._tags.__getitem__, matched))))
        first = [
            None if flags is None else next(filter(flags.__getitem__, matched), None)
            for flags in self._flags[:4]
        ]
        reply = None if first[0] is None else compiled[first[0]].rule.then.reply
        assign = None if first[1] is None else compiled[first[1]].rule.then.assign
        priority = None if first[2] is None else compiled[first[2]].rule.then.priority
        escalate = None if first[3] is None else compiled[first[3]].rule.then.escalate
        values: dict[str, Any] = {}
        sets = self._flags[4]
        if sets is not None:
            for index in filter(sets.__getitem__, matched):
                for key, value in compiled[index].rule.then.set:
                    if value is not None and key not in values:
                        values[key] = value
        text = None
        if reply is not None and reply in templates:
            text = templates[reply].render(ticket)
        return Evaluation(
            ticket_id=ticket.id,
            matched=tuple(map(self._ids.__getitem__, matched)),
            tags=tags,
            reply=text,
            reply_template=reply,
            assign=assign,
            priority=priority,
            escalate=escalate,
            set=values,
            stopped_by=stopped_by,
            timeouts=tuple(scan.timeouts),
            deferred=Deferred(matched, scan, evidence_of, compiled),
        )


def _ids(found: int | tuple[int, ...]) -> tuple[int, ...]:
    return (found,) if isinstance(found, int) else found


def _excluded(rules: list[tuple[int, tuple[str, ...]]]) -> dict[str | None, frozenset[int]]:
    """Value -> the rules whose list of allowed values does not hold it."""
    values = {value for _, allowed in rules for value in allowed}
    return {value: frozenset(i for i, allowed in rules if value not in allowed) for value in values}
