"""Combining the actions of matching rules into an :class:`Evaluation` (internal)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

from supportkit._ticket import Ticket
from supportkit.rules._model import Rule
from supportkit.rules._results import Evaluation, Evidence, Override
from supportkit.rules._scan import Compiled, Scan
from supportkit.rules._templates import Template

__all__ = ["SINGLE_ACTIONS", "Deferred", "combine", "decide"]

#: Actions where the first matching rule wins.
SINGLE_ACTIONS: Final = ("reply", "assign", "priority", "escalate")


def combine(
    rules: Iterable[Rule],
) -> tuple[list[str], list[str], dict[str, Any], list[tuple[str, str, Any, str]]]:
    """Combine the actions of matching rules, in order: the reference algorithm.

    Tags accumulate (a later ``remove_tags`` cancels an earlier add); for single-valued
    actions the first matching rule wins and the others are recorded as overridden.

    Returns:
        The tags, the removed tags, action -> chosen value (``set.<field>`` for custom
        fields), and the dropped ``(action, rule id, value, kept rule id)`` records.
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

    for rule in rules:
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
        choose("reply", then.reply, rule.id)
        choose("assign", then.assign, rule.id)
        choose("priority", then.priority, rule.id)
        choose("escalate", then.escalate, rule.id)
        for key, value in then.set:
            choose(f"set.{key}", value, rule.id)
    return tags, removed, chosen, dropped


class Deferred:
    """Evidence and override records of one evaluation, built when first read.

    ``matched``: the matching rules, or their indices into ``compiled`` when given.
    """

    __slots__ = ("_compiled", "_evidence_of", "_matched", "_scan")

    def __init__(
        self,
        matched: Sequence[Compiled] | Sequence[int],
        scan: Scan,
        evidence_of: Callable[[Compiled, Scan], tuple[Evidence, ...]],
        compiled: Sequence[Compiled] | None = None,
    ) -> None:
        self._matched = matched
        self._scan = scan
        self._evidence_of = evidence_of
        self._compiled = compiled

    def _items(self) -> list[Compiled]:
        compiled = self._compiled
        if compiled is None:
            return list(self._matched)  # type: ignore[arg-type]
        return [compiled[i] for i in self._matched]  # type: ignore[index]

    def evidence(self) -> dict[str, tuple[Evidence, ...]]:
        out: dict[str, tuple[Evidence, ...]] = {}
        for item in self._items():
            found = self._evidence_of(item, self._scan)
            if found:
                out[item.rule.id] = found
        return out

    def overridden(self) -> tuple[Override, ...]:
        dropped = combine(item.rule for item in self._items())[3]
        return tuple(Override(*record) for record in dropped)

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
    tags, removed, chosen, _dropped = combine(item.rule for item in matched)
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
        deferred=Deferred(matched, scan, evidence_of),
    )
