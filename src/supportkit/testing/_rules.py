"""``from_ruleset``: tickets written to make a given rule fire (an oracle for rule sets).

For each usable rule the strategy writes a ticket that satisfies the rule as written:
one phrase of ``any`` and every phrase of ``all`` in the text the rule reads, none of
its ``none`` words, and the channel, tags and priority it asks for. The test then
checks that the engine agrees, and the same tickets can be disguised with
:func:`~supportkit.testing.strategies.homoglyph_variants` and friends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from hypothesis import assume
from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument
from supportkit.testing._messages import russian_messages
from supportkit.testing._tickets import tickets

__all__ = ["from_ruleset"]

_CARRIERS: Final = ("Тема: {kw}.", "Пишу по поводу: {kw}.", "Вопрос: {kw}.")


def _phrase_text(phrase: Any) -> str | None:
    """Return text that a phrase matches as written, or ``None`` for a regex phrase."""
    if getattr(phrase, "pattern", None) is not None:
        return None
    words = getattr(phrase, "words", ())
    return " ".join(str(word.text) for word in words) or None


def _usable(rule: Any) -> tuple[list[str], list[str], list[str]] | None:
    when = rule.when
    if not getattr(rule, "enabled", True):
        return None
    if when.equals or when.outside or when.inside or when.tone:
        return None  # conditions on data a generated ticket cannot know
    anys = [_phrase_text(p) for p in when.any]
    alls = [_phrase_text(p) for p in when.all]
    nones = [_phrase_text(p) for p in when.none]
    if not when.any or None in alls or not any(anys):
        return None
    return [a for a in anys if a], [a for a in alls if a], [n for n in nones if n]


def from_ruleset(
    ruleset: Any, *, rule_ids: Sequence[str] | None = None
) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """Draw ``(rule_id, ticket)`` pairs where the ticket is written to make that rule fire.

    Args:
        ruleset: A :class:`supportkit.rules.RuleSet`.
        rule_ids: Only these rules (all usable rules by default).

    Returns:
        Pairs of a rule id and a ticket mapping that contains one of the rule's ``any``
        phrases and all of its ``all`` phrases (as written: a form word in the form
        given, a prefix as the bare prefix, a typo word without typos) in the first
        field the rule reads, none of its ``none`` phrases, and a channel, tags and
        priority that the rule accepts. The rule fires on it unless an earlier rule
        with ``"stop": true`` fires first.

    Rules that depend on something a generated ticket cannot carry (custom-field
    values, calendars, tone) or whose phrases are all regular expressions are skipped.

    Raises:
        InvalidArgument: not a rule set, an unknown rule id, or no usable rule.
    """
    rules = getattr(ruleset, "rules", None)
    if rules is None:
        raise InvalidArgument(
            f"ruleset must be a supportkit.rules.RuleSet (got {ruleset!r}).",
            field="ruleset",
            value=ruleset,
        )
    known = {rule.id for rule in rules}
    for rule_id in rule_ids or ():
        if rule_id not in known:
            raise InvalidArgument(
                f"rule_ids has {rule_id!r}, which is not a rule of this rule set "
                f"({sorted(known)}).",
                field="rule_ids",
                value=rule_id,
            )
    usable = []
    for rule in rules:
        parts = _usable(rule)
        if parts is not None and (rule_ids is None or rule.id in rule_ids):
            usable.append((rule, *parts))
    if not usable:
        raise InvalidArgument(
            "no rule of this rule set can be targeted: each needs an 'any' phrase that is "
            "not a regex and no equals/inside/outside/tone condition.",
            field="ruleset",
            value=ruleset,
        )

    @st.composite
    def _draw(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
        from supportkit.text import normalize

        rule, anys, alls, nones = draw(st.sampled_from(usable))
        when = rule.when
        keyword = draw(st.sampled_from(anys))
        if nones:  # keep to the bare carriers: the vocabulary says "не" and "как" a lot
            text = draw(st.sampled_from(_CARRIERS)).format(kw=keyword)
        else:
            text = draw(russian_messages(keyword=keyword, max_sentences=2))
        text = " ".join([text, *(f"Еще: {phrase}." for phrase in alls)])
        words = normalize(text).replace(".", " ").replace(":", " ").split()
        assume(not any(w.startswith(n.split()[0]) for n in nones for w in words))
        field = when.fields[0] if when.fields else "body"
        # A realistic ticket (id, time, customer fields for reply templates), whose
        # texts are replaced by the one written for the rule.
        ticket = draw(tickets(max_events=3))
        ticket.update(subject="", body="")
        if field in ("subject", "body"):
            ticket[field] = text
        else:
            ticket["fields"][field.removeprefix("fields.")] = text
        if when.channel:
            ticket["channel"] = draw(st.sampled_from(when.channel))
        tags = [*ticket["tags"], *when.tags_all]
        if when.tags_any:
            tags.append(draw(st.sampled_from(when.tags_any)))
        ticket["tags"] = [t for t in dict.fromkeys(tags) if t not in when.tags_none]
        if when.priority:
            ticket["priority"] = draw(st.sampled_from(when.priority))
        return str(rule.id), ticket

    return _draw()
