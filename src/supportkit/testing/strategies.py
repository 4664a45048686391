"""Hypothesis strategies for testing helpdesk code (public API).

Text, as customers type it:
:func:`homoglyph_variants`, :func:`layout_variants`, :func:`typos`,
:func:`invisible_noise`, :func:`caps`, and realistic messages
:func:`russian_messages`.

Domain values:
:func:`tickets` (JSON-export mappings with consistent event streams),
:func:`aware_datetimes` and :func:`zones` (UTC first, DST edges included),
:func:`ratings`, :func:`work_calendars`, :func:`policies` (SLA) and
:func:`journeys` (onboarding), :func:`from_ruleset` (tickets written to make
a given rule fire), and :func:`helpdesk_records` (the API responses of Zendesk,
Freshdesk, Chatwoot, Help Scout and Usedesk, with the mess of real exports).

The API follows Hypothesis's style guide: plural names, options keyword-only with
defaults, ``min_*``/``max_*`` bounds, :class:`supportkit.exceptions.InvalidArgument`
(a ``TypeError``) for impossible combinations, and shrinking toward the simplest
example (UTC, ASCII, 09:00, one changed character).
"""

from __future__ import annotations

from supportkit.testing._datetimes import DEFAULT_ZONES, aware_datetimes, offset_changes, zones
from supportkit.testing._domain import CALENDAR_KINDS, journeys, policies, work_calendars
from supportkit.testing._helpdesks import HELPDESKS, helpdesk_records
from supportkit.testing._messages import TOPICS, russian_messages
from supportkit.testing._rules import from_ruleset
from supportkit.testing._text import (
    caps,
    homoglyph_variants,
    invisible_noise,
    layout_variants,
    typos,
)
from supportkit.testing._tickets import STATUS_MOVES, ratings, tickets

__all__ = [
    "CALENDAR_KINDS",
    "DEFAULT_ZONES",
    "HELPDESKS",
    "STATUS_MOVES",
    "TOPICS",
    "aware_datetimes",
    "caps",
    "from_ruleset",
    "helpdesk_records",
    "homoglyph_variants",
    "invisible_noise",
    "journeys",
    "layout_variants",
    "offset_changes",
    "policies",
    "ratings",
    "russian_messages",
    "tickets",
    "typos",
    "work_calendars",
    "zones",
]
