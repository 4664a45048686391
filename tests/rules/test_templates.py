"""Reply templates: a tiny safe parser, defaults, clear errors."""

from __future__ import annotations

import pytest

from supportkit import as_ticket
from supportkit.exceptions import TemplateError
from supportkit.rules import Placeholder, parse_template

TICKET = as_ticket(
    {
        "id": "T-7",
        "channel": "chat",
        "subject": "Выплата",
        "priority": "high",
        "fields": {"customer_name": "Анна", "amount": 4350, "empty": ""},
    }
)


def test_placeholders_and_literal_text() -> None:
    template = parse_template(
        "t", "{fields.customer_name}, по {id} ({channel}, {priority}): {subject}"
    )
    assert template.render(TICKET) == "Анна, по T-7 (chat, high): Выплата"
    assert template.placeholders[0] == Placeholder("fields.customer_name")
    assert template.placeholders[0].field == "customer_name"
    assert parse_template("t", "{fields.amount} ₽").render(TICKET) == "4350 ₽"


def test_defaults() -> None:
    template = parse_template("t", "{fields.name|клиент}, {fields.empty|—}!")
    assert template.render(TICKET) == "клиент, —!"
    assert str(template.placeholders[0]) == "{fields.name|клиент}"
    assert parse_template("t", "{fields.customer_name|клиент}").render(TICKET) == "Анна"


def test_escaped_braces() -> None:
    assert parse_template("t", "{{id}} = {id}").render(TICKET) == "{id} = T-7"


def test_missing_value_without_default_is_a_clear_error() -> None:
    with pytest.raises(TemplateError, match=r"template 't' needs \{fields.name\} but ticket 'T-7'"):
        parse_template("t", "Привет, {fields.name}").render(TICKET)


@pytest.mark.parametrize(
    "source",
    [
        "{ticket.__class__}",
        "{fields[0]}",
        "{subject.upper()}",
        "{id.__init__.__globals__}",
        "{fields.name.attr}",
        "{0}",
        "{}",
        "{__import__('os')}",
    ],
)
def test_no_code_no_attributes_no_indexing(source: str) -> None:
    with pytest.raises(TemplateError, match="never code"):
        parse_template("t", source)


@pytest.mark.parametrize(
    ("source", "needle"), [("{id", "unclosed"), ("id}", "stray"), (3, "string")]
)
def test_malformed(source: object, needle: str) -> None:
    with pytest.raises(TemplateError, match=needle) as info:
        parse_template("t", source)
    assert info.value.field == "templates.t"


def test_to_dict() -> None:
    assert parse_template("t", "Hi {fields.n|x}").to_dict() == {
        "id": "t",
        "source": "Hi {fields.n|x}",
        "placeholders": ["{fields.n|x}"],
    }
