"""Reply templates: ``{placeholder}`` text filled from the ticket, safely.

A tiny parser of its own (never :meth:`str.format`, which allows attribute access
and indexing): a placeholder is one of ``{id}``, ``{subject}``, ``{body}``,
``{channel}``, ``{priority}`` or ``{fields.<name>}``, optionally with a default
after ``|`` (``{fields.customer_name|клиент}``). ``{{`` and ``}}`` are literal braces.
"""

from __future__ import annotations

import re
from typing import Any, Final

import attrs

from supportkit._ticket import Ticket
from supportkit.exceptions import TemplateError

__all__ = ["Placeholder", "Template", "parse_template"]

#: Ticket attributes a template may name directly (besides ``fields.<name>``).
TICKET_NAMES: Final = ("id", "subject", "body", "channel", "priority")
_NAME: Final = re.compile(r"^(?:id|subject|body|channel|priority|fields\.[\w-]+)$")


@attrs.frozen
class Placeholder:
    """One ``{name}`` or ``{name|default}`` of a template."""

    name: str
    default: str | None = None

    @property
    def field(self) -> str | None:
        """The custom field name for ``fields.<name>``, else ``None``."""
        return self.name[len("fields.") :] if self.name.startswith("fields.") else None

    def __str__(self) -> str:
        return "{" + self.name + ("" if self.default is None else "|" + self.default) + "}"


@attrs.frozen
class Template:
    """A parsed reply template.

    Attributes:
        id: The template id (the key under ``"templates"``).
        source: The template text as written.
        parts: Literal text and :class:`Placeholder` items, in order.
    """

    id: str
    source: str
    parts: tuple[str | Placeholder, ...]

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        """The placeholders, in order."""
        return tuple(p for p in self.parts if isinstance(p, Placeholder))

    def render(self, ticket: Ticket) -> str:
        """Fill the placeholders from ``ticket``.

        Raises:
            TemplateError: a placeholder without a default whose value the ticket
                lacks (``None`` or empty); the message names the template, the
                placeholder and the ticket.
        """
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            value = _value(ticket, part.name)
            if value == "":
                if part.default is None:
                    raise TemplateError(
                        f"template {self.id!r} needs {{{part.name}}} but ticket "
                        f"{ticket.id!r} has no value for it; give it a default such as "
                        f"{{{part.name}|...}} or declare the field and fix the data.",
                        field=f"templates.{self.id}",
                        value=part.name,
                    )
                value = part.default
            out.append(value)
        return "".join(out)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"id": ..., "source": ..., "placeholders": [...]}``."""
        return {
            "id": self.id,
            "source": self.source,
            "placeholders": [str(p) for p in self.placeholders],
        }


def _value(ticket: Ticket, name: str) -> str:
    if name.startswith("fields."):
        raw = ticket.fields.get(name[len("fields.") :])
    else:
        raw = getattr(ticket, name)  # only the names in TICKET_NAMES reach this point
    return "" if raw is None else str(raw)


def parse_template(template_id: str, source: Any) -> Template:
    """Parse a template text.

    Args:
        template_id: The template's id, for messages.
        source: The text with ``{placeholders}``.

    Raises:
        TemplateError: not a string, an unclosed ``{``, a stray ``}``, or a
            placeholder that is not a ticket attribute or ``fields.<name>``.
    """
    where = f"templates.{template_id}"
    if not isinstance(source, str):
        raise TemplateError(
            f"{where} must be a string (got {source!r}).", field=where, value=source
        )
    parts: list[str | Placeholder] = []
    literal: list[str] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char in "{}" and source[i : i + 2] in ("{{", "}}"):
            literal.append(char)
            i += 2
            continue
        if char == "}":
            raise TemplateError(
                f"{where} has a stray '}}' at {i} (got {source!r}); write '}}}}' for a "
                "literal brace.",
                field=where,
                value=source,
            )
        if char != "{":
            literal.append(char)
            i += 1
            continue
        end = source.find("}", i)
        if end < 0:
            raise TemplateError(
                f"{where} has an unclosed '{{' at {i} (got {source!r}); close it or write "
                "'{{' for a literal brace.",
                field=where,
                value=source,
            )
        inner = source[i + 1 : end]
        name, bar, default = inner.partition("|")
        name = name.strip()
        if "{" in inner or not _NAME.match(name):
            raise TemplateError(
                f"{where} has placeholder {{{inner}}}, which is not one of "
                f"{['{' + n + '}' for n in TICKET_NAMES]} or {{fields.<name>}} "
                f"(got {source!r}); templates fill in ticket values only, never code.",
                field=where,
                value=inner,
            )
        if literal:
            parts.append("".join(literal))
            literal = []
        parts.append(Placeholder(name, default if bar else None))
        i = end + 1
    if literal:
        parts.append("".join(literal))
    return Template(id=template_id, source=source, parts=tuple(parts))
