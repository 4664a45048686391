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
    assert "automation rate" in lines[1]
    assert lines[2].startswith("top rules: payout-late")
    assert "look-alike repair" in text
    assert "keyboard-layout fixing" in text
    assert "typo tolerance" in text
    saved = [int(line.rsplit(": ", 1)[1]) for line in lines if line.startswith("  ")]
    assert len(saved) == 3
    assert all(n > 0 for n in saved)
