"""Combining the actions of matching rules into an :class:`Evaluation` (internal)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from supportkit._ticket import Ticket
from supportkit.rules._results import Evaluation, Evidence, Override
from supportkit.rules._scan import Compiled, Scan
from supportkit.rules._templates import Template

__all__ = ["SINGLE_ACTIONS", "decide"]

#: Actions where the first matching rule wins.
SINGLE_ACTIONS: Final = ("reply", "assign", "priority", "escalate")


class _Deferred:
    """Evidence and override records of one evaluation, built when first read."""

    __slots__ = ("_dropped", "_evidence_of", "_matched", "_scan")

    def __init__(
        self,
        matched: list[Compiled],
        scan: Scan,
        evidence_of: Callable[[Compiled, Scan], tuple[Evidence, ...]],
        dropped: list[tuple[str, str, Any, str]],
    ) -> None:
        self._matched = matched
        self._scan = scan
        self._evidence_of = evidence_of
        self._dropped = dropped

    def evidence(self) -> dict[str, tuple[Evidence, ...]]:
        out: dict[str, tuple[Evidence, ...]] = {}
        for item in self._matched:
            found = self._evidence_of(item, self._scan)
            if found:
                out[item.rule.id] = found
        return out

    def overridden(self) -> tuple[Override, ...]:
        return tuple(Override(*record) for record in self._dropped)

    def texts(self) -> dict[str, str]:
        return dict(self._scan.texts)


def decide(
    templates: Mapping[str, Template],
    ticket: Ticket,
    *,
    scan: Scan,
    matched: list[Compiled],
    stopped_by: str | None,
    evidence_of: Callable[[Compiled, Scan], tuple[Evidence, ...]],
) -> Evaluation:
    """Combine the actions of the matching rules, in order, into one :class:`Evaluation`.

    Tags accumulate (a later ``remove_tags`` cancels an earlier add); for single-valued
    actions the first matching rule wins and the others are recorded as overridden.
    The reply is rendered here (so a template that cannot be filled fails the
    evaluation); evidence spans and override records are computed when first read.
    """
    tags: list[str] = []
    removed: list[str] = []
    chosen: dict[str, Any] = {}
    kept_by: dict[str, str] = {}
    dropped: list[tuple[str, str, Any, str]] = []

    def choose(action: str, value: Any, rule_id: str) -> None:
        if value is None:
            return
        if action in chosen:
            dropped.append((action, rule_id, value, kept_by[action]))
        else:
            chosen[action] = value
            kept_by[action] = rule_id

    for item in matched:
        rule = item.rule
        then = rule.then
        for tag in then.tags:
            if tag in removed:
                removed.remove(tag)
            if tag not in tags:
                tags.append(tag)
        for tag in then.remove_tags:
            if tag in tags:
                tags.remove(tag)
            if tag not in removed:
                removed.append(tag)
        # The SINGLE_ACTIONS, in their order, skipping the (common) unset ones cheaply.
        if then.reply is not None:
            choose("reply", then.reply, rule.id)
        if then.assign is not None:
            choose("assign", then.assign, rule.id)
        if then.priority is not None:
            choose("priority", then.priority, rule.id)
        if then.escalate is not None:
            choose("escalate", then.escalate, rule.id)
        for key, value in then.set:
            choose(f"set.{key}", value, rule.id)
    template_id = chosen.get("reply")
    reply = None
    if template_id is not None and template_id in templates:
        reply = templates[template_id].render(ticket)
    return Evaluation(
        ticket_id=ticket.id,
        matched=tuple(item.rule.id for item in matched),
        tags=tuple(tags),
        remove_tags=tuple(removed),
        reply=reply,
        reply_template=template_id,
        assign=chosen.get("assign"),
        priority=chosen.get("priority"),
        escalate=chosen.get("escalate"),
        set={k[len("set.") :]: v for k, v in chosen.items() if k.startswith("set.")},
        stopped_by=stopped_by,
        timeouts=tuple(scan.timeouts),
        deferred=_Deferred(matched, scan, evidence_of, dropped),
    )
