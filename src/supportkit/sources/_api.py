"""``read`` and ``from_records``: documents in, tickets out, lazily and in bounded memory.

Two ways through, chosen by the helpdesk:

* **streaming** (supportkit, Help Scout, Usedesk): each response holds whole tickets
  (threads or comments embedded), so each ticket is yielded as soon as it is read:
  memory holds one document. (Help Scout conversations listed without
  ``embed=threads`` wait in the spill for their thread pages, as below.)
* **spilling** (Zendesk, Freshdesk, Chatwoot): comments, ratings and users arrive in
  responses of their own, in any order, so every record first goes to a temporary
  SQLite file (:mod:`supportkit.sources._spill`); then tickets are yielded one by one,
  each with its parts. Memory holds one document, SQLite's page cache and one ticket.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

import attrs

from supportkit._frames import rows
from supportkit._ticket import Ticket
from supportkit.exceptions import InvalidArgument, InvalidTicket, InvalidValue
from supportkit.sources._chatwoot import ADAPTER as CHATWOOT
from supportkit.sources._common import Adapter, Context, Gathered, Item
from supportkit.sources._freshdesk import ADAPTER as FRESHDESK
from supportkit.sources._helpscout import ADAPTER as HELPSCOUT
from supportkit.sources._reading import Document, Progress, documents
from supportkit.sources._spill import Spill
from supportkit.sources._supportkit import shape as supportkit_shape
from supportkit.sources._supportkit import tickets as supportkit_tickets
from supportkit.sources._usedesk import ADAPTER as USEDESK
from supportkit.sources._zendesk import ADAPTER as ZENDESK

__all__ = ["NAMES", "detect", "from_records", "read"]

_HELPDESKS: Final[Mapping[str, Adapter]] = {
    a.name: a for a in (ZENDESK, FRESHDESK, CHATWOOT, HELPSCOUT, USEDESK)
}
#: The sources :func:`read` knows, supportkit's own format first.
NAMES: Final = ("supportkit", *_HELPDESKS)


def _no_users(_key: str) -> None:
    """The user lookup of a streamed ticket: its users are not known yet."""


def detect(data: Any) -> str | None:
    """Return the name of the source whose API response ``data`` looks like, or ``None``.

    >>> detect({"tickets": [{"id": 1, "via": {"channel": "email"}}], "users": []})
    'zendesk'
    >>> detect({"body": "Где выплата?"})
    'supportkit'
    """
    if supportkit_shape(data) is not None:
        return "supportkit"
    for name, module in _HELPDESKS.items():
        if module.shape(data) is not None:
            return name
    return None


def _keys_of(data: Any) -> str:
    if isinstance(data, Mapping):
        keys = sorted(str(k) for k in data)[:8]
        return f"an object with keys {keys}"
    if isinstance(data, list):
        first = next((item for item in data if isinstance(item, Mapping)), None)
        if first is not None:
            return f"a list of objects with keys {sorted(str(k) for k in first)[:8]}"
        return f"a list of {len(data)} non-objects"
    return f"a {type(data).__name__}"


def _unknown(doc: Document, source: str) -> InvalidTicket:
    what = "any supported helpdesk" if source == "auto" else source
    return InvalidTicket(
        f"{doc.where} holds {_keys_of(doc.data)}, which is no API response of {what} "
        f"supportkit knows; give source= one of {list(NAMES)} or remove the file.",
        field=doc.where,
        value=source,
    )


def _empty(data: Any) -> bool:
    return isinstance(data, (list, dict)) and not data


def _check_source(source: Any) -> str:
    if not isinstance(source, str):
        raise InvalidArgument(
            f"source must be a string (got {source!r} that is a {type(source).__name__}).",
            field="source",
            value=source,
        )
    name = source.strip().lower()
    if name != "auto" and name not in NAMES:
        raise InvalidValue(
            f"source {source!r} is not known; use 'auto' or one of {list(NAMES)}.",
            field="source",
            value=source,
        )
    return name


def _tickets(docs: Iterable[Document], source: str, ctx: Context) -> Iterator[Ticket]:
    chosen = None if source == "auto" else source
    spill: Spill | None = None
    try:
        for doc in docs:
            if doc.csv:
                name = "supportkit"
                if chosen not in (None, "supportkit"):
                    raise InvalidTicket(
                        f"{doc.where} is a CSV file, which only the supportkit source reads; "
                        f"{chosen} exports are JSON.",
                        field=doc.where,
                        value=chosen,
                    )
            elif chosen is None:
                if _empty(doc.data):
                    continue
                found = detect(doc.data)
                if found is None:
                    raise _unknown(doc, "auto")
                name = found
            else:
                name = chosen
                shape = supportkit_shape if name == "supportkit" else _HELPDESKS[name].shape
                if not doc.csv and shape(doc.data) is None:
                    if _empty(doc.data):
                        continue
                    other = detect(doc.data)
                    if other is not None and other != name:
                        raise InvalidTicket(
                            f"{doc.where} is a {other} response, but the export read so far "
                            f"is {name}; keep one helpdesk per folder.",
                            field=doc.where,
                            value=other,
                        )
                    raise _unknown(doc, name)
            if chosen is None:
                chosen = name
                ctx = attrs.evolve(ctx, source=name)
            if name == "supportkit":
                yield from supportkit_tickets(doc.data, doc.where, strict=ctx.strict)
                continue
            module = _HELPDESKS[name]
            if module.streams:
                # Whole tickets are yielded at once; a ticket whose parts come in
                # responses of their own ("later") waits in the spill with its parts.
                later: list[Item] = []
                for item in module.split(doc.data, doc.where):
                    kind, key, where, record = item
                    if kind == "ticket":
                        yield module.build(Gathered(key, where, record, [], _no_users, ctx))
                    else:
                        later.append(("ticket", key, where, record) if kind == "later" else item)
                if later:
                    if spill is None:
                        spill = Spill()
                    spill.add(iter(later))
                continue
            if spill is None:
                spill = Spill()
            spill.add(module.split(doc.data, doc.where))
        if spill is None or chosen is None:
            return
        module = _HELPDESKS[chosen]
        for key, where, record, parts in spill.tickets():
            yield module.build(Gathered(key, where, record, parts, spill.lookup_user, ctx))
        for key, parts in spill.orphans():
            _, where, _ = parts[0]
            message = (
                f"{where} has {len(parts)} {parts[0][0]} record(s) of {chosen} ticket {key}, "
                "but no file holds that ticket"
            )
            if ctx.strict:
                raise InvalidTicket(
                    f"{message}; add the ticket's export page, or read with strict=False.",
                    field=where,
                    value=key,
                )
            yield Ticket(
                id=key,
                fields={"source": chosen, "orphan_parts": [p[2] for p in parts]},
                problems=(f"{message}: kept in fields['orphan_parts'].",),
            )
    finally:
        if spill is not None:
            spill.close()


def read(
    path: str | os.PathLike[str],
    *,
    source: str = "auto",
    strict: bool = True,
    tz: Any = None,
    progress: Progress | None = None,
) -> Iterator[Ticket]:
    """Read tickets from a helpdesk export file or folder, lazily.

    Args:
        path: A ``.json`` (one API response), ``.jsonl``/``.ndjson`` (one response, or
            one supportkit ticket, per line) or ``.csv`` (supportkit rows) file, or a
            folder of them, read in sorted path order.
        source: ``"auto"`` (recognise each response's shape) or one of :data:`NAMES`.
        strict: ``False`` keeps tickets with an unknown status, role or channel, or a
            bad event, noting each in ``ticket.problems``.
        tz: The zone of local times without an offset (Usedesk gives such times).
        progress: Called with each number of bytes read (the command line's bar).

    Yields:
        :class:`~supportkit.Ticket` objects; ``ticket.fields["source"]`` names the
        helpdesk, and whatever has no place in a ticket is in ``ticket.fields``.

    Raises:
        InvalidTicket: a file of no known shape, JSON that ends early (file, line,
            column and character named), or (strict) an unknown status, role or
            channel, or a comment before the ticket was created.
        InvalidArgument: ``path`` does not exist.
        InvalidValue: an unknown ``source``.
    """
    name = _check_source(source)
    ctx = Context(name if name != "auto" else "auto", strict=strict, tz=tz)
    return _tickets(documents(path, progress=progress), name, ctx)


def from_records(
    records: Iterable[Any], *, source: str, strict: bool = True, tz: Any = None
) -> Iterator[Ticket]:
    """Read tickets from already-parsed API responses (or supportkit rows), lazily.

    Args:
        records: For a helpdesk, one parsed response body per item; for
            ``"supportkit"``, one ticket mapping per item (a pandas DataFrame gives
            one per row).
        source: One of :data:`NAMES`, or ``"auto"``.
        strict: As for :func:`read`.
        tz: As for :func:`read`.

    >>> [t.body for t in from_records([{"body": "Где выплата?"}], source="supportkit")]
    ['Где выплата?']
    """
    name = _check_source(source)
    ctx = Context(name if name != "auto" else "auto", strict=strict, tz=tz)
    docs = (Document(f"records[{i}]", record) for i, record in enumerate(rows(records)))
    return _tickets(docs, name, ctx)
