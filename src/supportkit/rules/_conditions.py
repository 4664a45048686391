"""Checking the conditions of one compiled rule against one scanned ticket (internal)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from supportkit._ticket import Ticket
from supportkit.rules._calendars import Calendar
from supportkit.rules._model import field_equals
from supportkit.rules._scan import Compiled, Scan
from supportkit.rules._text import tone_of
from supportkit.rules._timecond import Clock

__all__ = ["conditions_hold"]


def conditions_hold(
    item: Compiled,
    ticket: Ticket,
    scan: Scan,
    at: dt.datetime | None,
    tones: dict[tuple[str, ...], Any],
    *,
    calendars: Mapping[str, Calendar],
    clock: Clock | None = None,
) -> bool:
    """Whether every condition of a rule holds for the ticket (phrases already scanned).

    The cheap checks come first, the tone signals last; ``tones`` caches the tone of
    each tuple of fields for one evaluation.
    """
    rule = item.rule
    when = rule.when
    if not rule.enabled:
        return False
    if when.channel is not None and ticket.channel not in when.channel:
        return False
    if when.priority is not None and ticket.priority not in when.priority:
        return False
    if when.tags_any or when.tags_all or when.tags_none:
        have = set(ticket.tags)
        if when.tags_any and have.isdisjoint(when.tags_any):
            return False
        if not have.issuperset(when.tags_all) or not have.isdisjoint(when.tags_none):
            return False
    for key, values in when.equals:
        if not field_equals(ticket.fields.get(key), values):
            return False
    if when.outside is not None or when.inside is not None:
        if at is None:
            return False
        if when.outside is not None and calendars[when.outside].is_open(at):
            return False
        if when.inside is not None and not calendars[when.inside].is_open(at):
            return False
    if item.any or item.all or item.none:
        found = scan.present(item.fields)
        if item.any and found.isdisjoint(item.any):
            return False
        if item.all and not found.issuperset(item.all):
            return False
        if item.none and not found.isdisjoint(item.none):
            return False
    if when.sla is not None or when.waiting is not None:
        if clock is None:  # evaluate() checked that now= is given for such rule sets
            return False
        if when.waiting is not None:
            calendar = None if when.waiting.calendar is None else calendars[when.waiting.calendar]
            if not when.waiting.check(ticket, clock.now, calendar)[0]:
                return False
        if when.sla is not None and not when.sla.check(clock.report(ticket), clock.now)[0]:
            return False
    if when.tone:  # last: the tone signals are the costliest condition
        signals = tones.get(item.fields)
        if signals is None:
            signals = tones[item.fields] = tone_of("\n".join(scan.texts[f] for f in item.fields))
        for name, wanted in when.tone:
            value = signals.is_shouting if name == "shouting" else signals.has_insult
            if bool(value) != wanted:
                return False
    return True
