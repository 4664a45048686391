"""The public :class:`Flow`: the checked graph of :mod:`._graph` plus what is built on it.

The layers of the onboarding block, bottom to top (each imports only from below; the
test ``tests/onboarding/test_layers.py`` reads every import, lazy ones included)::

    _values, _parts, _worktime       value types: JSON-like data, instants, states, calendars
    _step                            Step and Verdict
    _guards                          guards (they see journeys through a protocol)
    _validate                        the whole-graph check, on the parts
    _graph                           FlowGraph: the flow as checked data, lookups, deadlines
    _journey                         Journey on a FlowGraph (fire, can, replay)
    _variants, _diagram              variants; Mermaid and DOT text
    _html                            SVG and notebook HTML (with the Mermaid text)
    _flow                            Flow = FlowGraph + start/replay/variants/pictures
    _analytics, _store, flows        analysis, storage, the built-in flows
    _demo, _cli                      the demo section and the command line

:class:`Flow` adds no data to :class:`FlowGraph`; its methods are conveniences that
call the modules above the graph, so that ``flow.start(...)`` and
``flow.with_step(...)`` read well without the graph importing its own users.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from supportkit.exceptions import InvalidArgument
from supportkit.onboarding._diagram import to_dot, to_mermaid
from supportkit.onboarding._graph import FlowGraph
from supportkit.onboarding._html import flow_html, flow_svg
from supportkit.onboarding._journey import Journey, replay
from supportkit.onboarding._parts import OUTCOMES, DeadlineRule, State, Timeout, Transition
from supportkit.onboarding._variants import FlowDiff, diff, move_step, with_step, without_step

__all__ = ["OUTCOMES", "DeadlineRule", "Flow", "State", "Timeout", "Transition"]


@attrs.frozen(eq=False)
class Flow(FlowGraph):
    """An onboarding flow: states, guarded transitions, timeouts and deadlines, as data.

    The whole graph is checked when the flow is built; all problems found are listed
    in one :class:`~supportkit.exceptions.InvalidFlow`.

    Args:
        name: The flow's name (``"self_employed"``).
        initial: The state a journey starts in.
        states: The :class:`State` objects (or their dict forms).
        transitions: The :class:`Transition` objects (or their dict forms).
        deadlines: :class:`DeadlineRule` objects.
        guards: Extra guards by name (the built-in ones are always known).
        calendar: The working-day calendar for deadlines: a name (``"russia"``, the
            default) or an object with ``is_working_day(day)``.
        strict: When true, a guard whose data is missing blocks the event; when false
            (the default) the event is allowed and the verdict's reasons say which data
            was not checked.
        description: Free text, with the sources the flow follows.
    """

    # -- journeys ----------------------------------------------------------------------
    def start(self, subject_id: str, *, at: Any, **data: Any) -> Journey:
        """Start a journey in the initial state.

        Args:
            subject_id: Who is being onboarded (a contractor or agent id).
            at: When the journey starts (aware datetime or ISO string).
            **data: Facts known at the start (``client="ООО Ромашка"``).

        Raises:
            NaiveDatetimeError: ``at`` has no time zone.
            InvalidArgument: ``subject_id`` is not a non-empty string.
        """
        return Journey.begin(self, subject_id, at=at, data=data)

    def replay(
        self, subject_id: str, started_at: Any, history: Sequence[Any], **data: Any
    ) -> Journey:
        """Rebuild a journey from its start and its history (dicts or steps).

        Transitions and time order are checked; guards are not re-run (the events were
        accepted when they happened). The result equals the journey fired step by step.
        """
        return replay(self, subject_id, started_at, history, data)

    def replay_many(self, records: Iterable[Mapping[str, Any]]) -> list[Journey]:
        """Rebuild many journeys from their JSON forms (``Journey.from_dict`` each).

        Python's cyclic garbage collector is paused while the batch is built (the
        journeys are kept, so collecting in between is wasted work: it is about half of
        the time of replaying 100,000 journeys) and restored afterwards.

        Raises:
            InvalidFlow: a malformed record (the message names the key or ``history[i]``).
        """
        if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Iterable):
            raise InvalidArgument(
                f"records must be an iterable of journey mappings (got {type(records).__name__}).",
                field="records",
                value=records,
            )
        paused = gc.isenabled()
        gc.disable()
        try:
            return [Journey.from_dict(self, record) for record in records]
        finally:
            if paused:
                gc.enable()

    # -- variants (see _variants) -----------------------------------------------------
    def with_step(self, state: str, *, after: str, event: str, **options: Any) -> Flow:
        """Return a new flow with ``state`` inserted on the main path after ``after``.

        See :func:`supportkit.onboarding.with_step` for the options.
        """
        return with_step(self, state, after=after, event=event, **options)

    def without_step(self, state: str, **options: Any) -> Flow:
        """Return a new flow with ``state`` removed from the main path."""
        return without_step(self, state, **options)

    def move_step(self, state: str, *, after: str, **options: Any) -> Flow:
        """Return a new flow with ``state`` moved on the main path to just after ``after``."""
        return move_step(self, state, after=after, **options)

    def diff(self, base: FlowGraph) -> FlowDiff:
        """Return a :class:`~supportkit.onboarding.FlowDiff` from ``base`` to this flow."""
        return diff(base, self)

    # -- pictures -------------------------------------------------------------------------
    def to_mermaid(self) -> str:
        """Return a Mermaid ``stateDiagram-v2`` of the flow."""
        return to_mermaid(self)

    def to_dot(self) -> str:
        """Return a Graphviz DOT digraph of the flow."""
        return to_dot(self)

    def to_svg(self) -> str:
        """Return the flow's state diagram as inline SVG (no scripts, no network).

        The main path runs left to right on the top row, other open states below it,
        failure end states at the bottom; side transitions are grey, with their event
        as a tooltip.
        """
        return flow_svg(self)

    def _repr_html_(self) -> str:
        """The flow in a notebook: the SVG diagram, then the Mermaid text (folded)."""
        return flow_html(self)
