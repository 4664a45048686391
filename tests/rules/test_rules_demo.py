"""The shipped demo rule set and the rules section of ``supportkit demo``."""

from __future__ import annotations

from collections import Counter

from supportkit._demo import demo_tickets
from supportkit.rules._demo import TITLE, demo_ruleset, section


def test_the_demo_rule_set_is_lint_clean() -> None:
    ruleset = demo_ruleset()
    assert ruleset.lint() == []
    assert len(ruleset.rules) >= 12
    assert "after_hours" in ruleset.templates


def test_the_demo_rules_tag_the_topics_of_the_sample_tickets() -> None:
    ruleset = demo_ruleset()
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for ticket in demo_tickets():
        topic = ticket.tags[0]
        if topic in ("thanks", "complaint"):
            continue
        total[topic] += 1
        found[topic] += topic in ruleset.evaluate(ticket).tags
    for topic, count in total.items():
        assert found[topic] / count >= 0.9, (topic, found[topic], count)


def test_escalation_route_and_after_hours() -> None:
    ruleset = demo_ruleset()
    shouting = ruleset.evaluate(
        {"channel": "chat", "body": "ГДЕ МОИ ДЕНЬГИ? ТРЕТЬЮ НЕДЕЛЮ ЖДУ ВЫПЛАТУ, ОТВЕТЬТЕ УЖЕ"}
    )
    assert shouting.escalate == "team_lead"
    assert shouting.priority == "urgent"
    assert "shouting-escalate" in shouting.matched
    night = ruleset.evaluate(
        {"channel": "email", "body": "Здравствуйте", "created_at": "2024-10-08T23:30:00+03:00"}
    )
    assert night.reply_template == "after_hours"
    day = ruleset.evaluate(
        {"channel": "email", "body": "Здравствуйте", "created_at": "2024-10-08T11:30:00+03:00"}
    )
    assert day.matched == ()


def test_section() -> None:
    text = section(demo_tickets())
    assert TITLE == "Keyword rules (supportkit.rules)"
    lines = text.splitlines()
    assert len(lines) <= 25
    assert all(len(line) <= 80 for line in lines)
    # Not called "automation rate": the report's automation rate counts something else.
    assert lines[1].startswith("rule coverage: ")
    assert "automation rate" in lines[2]
    assert "automation rate" not in lines[1]
    assert "top rules: payout-late" in text
    assert "look-alike repair" in text
    assert "keyboard-layout fixing" in text
    assert "typo tolerance" in text
    start = lines.index("tickets matched only thanks to:")
    saved = [int(line.rsplit(": ", 1)[1]) for line in lines[start + 1 : start + 4]]
    assert len(saved) == 3
    assert all(n > 0 for n in saved)


def test_the_example_names_the_look_alike_letter_without_slice_notation() -> None:
    text = section(demo_tickets())
    example = text[text.index("example:") :]
    assert "[" not in example
    word = example.split('"')[1]
    latin = [c for c in word if "a" <= c.lower() <= "z"]
    assert latin
    position = next(i for i, c in enumerate(word, 1) if c == latin[0])
    assert f'letter {position} is the Latin "{latin[0]}"' in example
