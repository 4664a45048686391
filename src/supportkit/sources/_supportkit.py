"""supportkit's own format: ``Ticket.to_dict()`` rows as JSON Lines, a JSON list, or CSV.

Rows stream one at a time; a ``.json`` file (a list, or ``{"tickets": [...]}``) is
read whole, so keep big exports in JSON Lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from supportkit._ticket import _KNOWN_KEYS, Ticket, as_ticket
from supportkit.exceptions import InvalidTicket

__all__ = ["KEYS", "NAME", "shape", "tickets"]

NAME: Final = "supportkit"
#: The keys of a supportkit ticket row (those ``as_ticket`` knows).
KEYS: Final = _KNOWN_KEYS


def _is_row(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value) and set(value) <= KEYS


def shape(data: Any) -> str | None:
    """Return ``"row"``, ``"list"`` or ``None`` for a document."""
    if _is_row(data):
        return "row"
    if isinstance(data, Mapping) and set(data) == {"tickets"}:
        data = data["tickets"]
    if isinstance(data, list) and data and all(_is_row(item) for item in data[:20]):
        return "list"
    return None


def tickets(data: Any, where: str, *, strict: bool) -> Iterator[Ticket]:
    """Read one document (a row, or a list of rows) into tickets."""
    if isinstance(data, Mapping) and set(data) == {"tickets"}:
        data = data["tickets"]
    if isinstance(data, list):
        for i, row in enumerate(data):
            yield as_ticket(row, strict=strict, field=f"{where}[{i}]")
    elif isinstance(data, Mapping):
        yield as_ticket(data, strict=strict, field=where)
    else:
        raise InvalidTicket(
            f"{where} must be a ticket object or a list of them (got {type(data).__name__}).",
            field=where,
            value=data,
        )
