"""The rules part of ``supportkit demo``: the shipped demo rule set on the sample tickets."""

from __future__ import annotations

from collections import Counter
from importlib import resources
from typing import TYPE_CHECKING, Final

from supportkit._ticket import Ticket
from supportkit.rules._results import Evidence

if TYPE_CHECKING:
    from supportkit.rules._engine import RuleSet

__all__ = ["TITLE", "demo_ruleset", "section"]

TITLE = "Keyword rules (supportkit.rules)"


def demo_ruleset() -> RuleSet:
    """Return the shipped demo rule set (``supportkit/data/demo_rules.json``)."""
    from supportkit.rules._engine import RuleSet

    text = resources.files("supportkit.data").joinpath("demo_rules.json").read_text("utf-8")
    return RuleSet.from_json(text)


def section(tickets: list[Ticket]) -> str:
    """Apply the demo rules; report automation, top rules and what repair/layout/typos saved."""
    ruleset = demo_ruleset()
    results = [ruleset.evaluate(t) for t in tickets]
    total = len(results) or 1
    replied = sum(e.reply is not None for e in results)
    escalated = sum(e.escalate is not None for e in results)
    counts = Counter(rule for e in results for rule in e.matched)
    lines = [
        (
            f"{len(ruleset.rules)} rules, {len(ruleset.templates)} reply templates "
            "(supportkit/data/demo_rules.json)"
        ),
        (
            f"rule coverage: {replied} of {len(results)} tickets ({replied / total:.1%}) would get "
            "an automatic reply"
        ),
        '  from these rules (the report\'s "automation rate" is another number: the',
        "  tickets a bot or rule answered and no agent did)",
        f"escalated to a team lead: {escalated}",
        *_items("top rules: ", [f"{rule} {n}" for rule, n in counts.most_common(5)]),
        "tickets matched only thanks to:",
    ]
    for label, option in (
        ("look-alike repair (Latin letters in Cyrillic words)", "repair"),
        ("keyboard-layout fixing (ghbdtn -> привет)", "layout"),
        ("typo tolerance (~1)", "typos"),
    ):
        plain = ruleset.with_options(**{option: False})
        # Evaluate again with the option off, but only where it can have mattered: a
        # matched word that is not plain lower-case Cyrillic, or a typo-tolerant phrase.
        saved = sum(
            set(full.matched) != set(plain.evaluate(t).matched)
            for t, full in zip(tickets, results, strict=True)
            if any(_suspect(item, option) for items in full.evidence.values() for item in items)
        )
        lines.append(f"  {label}: {saved}")
    sample = next(
        (
            (t, rule_id, item)
            for t, e in zip(tickets, results, strict=False)
            for rule_id, items in e.evidence.items()
            for item in items
            if _mixed(item.text)
        ),
        None,
    )
    if sample is not None:
        ticket, rule_id, item = sample
        lines += _example(ticket.id, item.field, item.text, item.phrase, rule_id)
    return "\n".join(lines)


#: Latin letters that look like Cyrillic ones (what look-alike repair undoes).
_CYRILLIC: Final = dict(zip("aceopxykmtbh", "асеорхукмтвн", strict=True))


def _items(head: str, items: list[str], width: int = 80) -> list[str]:
    """Lay ``items`` out after ``head``, comma-separated, never splitting an item."""
    lines = [head]
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if len(lines[-1]) + 1 + len(piece) > width and lines[-1].strip():
            lines.append("  " + piece)
        else:
            lines[-1] += ("" if lines[-1].endswith(" ") else " ") + piece
    return lines


def _example(ticket: str | None, field: str, word: str, phrase: str, rule: str) -> list[str]:
    """Say which letter of ``word`` is the Latin look-alike, in words (no slice notation)."""
    position, letter = next(
        ((i, c) for i, c in enumerate(word, 1) if "a" <= c.lower() <= "z"), (0, "?")
    )
    twin = _CYRILLIC.get(letter.lower())
    like = f', not the Cyrillic "{twin}"' if twin else ""
    return [
        f'example: ticket {ticket}, {field}: "{word}"',
        f'  letter {position} is the Latin "{letter}" (U+{ord(letter):04X}){like};',
        f'  repaired, the word matched "{phrase}" of rule {rule}',
    ]


def _mixed(text: str) -> bool:
    latin = any("a" <= c.lower() <= "z" for c in text)
    return latin and any("\u0400" <= c <= "\u04ff" for c in text)


def _suspect(item: Evidence, option: str) -> bool:
    if option == "typos":
        return "~" in item.phrase
    return not all("а" <= c <= "я" or c in "ё -" for c in item.text.lower())
