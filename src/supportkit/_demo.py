"""``supportkit demo``: every building block run on the built-in sample data.

The sample data (``supportkit/data/demo_tickets.jsonl``) is made by
``scripts/make_demo_data.py`` (seeded, reproducible). Each building block adds its
part of the demo with a module ``supportkit/<block>/_demo.py`` that has a
``section(tickets) -> str`` function; the metrics report comes last.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import Any, Final
from zoneinfo import ZoneInfo

from supportkit._blocks import block_modules
from supportkit._ticket import Ticket, as_ticket

__all__ = ["demo_records", "demo_tickets", "register", "run"]


def demo_records() -> list[dict[str, Any]]:
    """Return the built-in sample tickets as plain dicts (a fresh copy each call)."""
    return [json.loads(line) for line in _demo_lines()]


@lru_cache(maxsize=1)
def _demo_lines() -> tuple[str, ...]:
    text = resources.files("supportkit.data").joinpath("demo_tickets.jsonl").read_text("utf-8")
    return tuple(line for line in text.splitlines() if line.strip())


def demo_tickets() -> list[Ticket]:
    """Return the built-in sample tickets, read with :func:`supportkit.as_ticket`."""
    return [as_ticket(r, field=f"demo[{i}]") for i, r in enumerate(demo_records())]


#: The zone the demo's days and weeks are counted in (the support team's).
_ZONE: Final = ZoneInfo("Europe/Moscow")


def _overview(tickets: list[Ticket]) -> str:
    starts = [t.created_at.astimezone(_ZONE) for t in tickets if t.created_at is not None]
    channels = Counter(t.channel or "unknown" for t in tickets)
    lines = [
        (
            f"{len(tickets)} tickets from {min(starts):%Y-%m-%d} to {max(starts):%Y-%m-%d} "
            "(Moscow time)"
        ),
        "channels: " + ", ".join(f"{c} {n}" for c, n in channels.most_common()),
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace | None = None) -> int:
    """Print the demo report to standard output."""
    del args
    tickets = demo_tickets()
    blocks = [("supportkit demo: built-in sample data", _overview(tickets))]
    for module in block_modules("_demo"):
        title = getattr(module, "TITLE", module.__name__.split(".")[1])
        blocks.append((title, module.section(tickets)))
    for i, (title, body) in enumerate(blocks):
        if i:
            print()
        print(title)
        print("=" * len(title))
        print(body.rstrip())
    return 0


def register(sub: Any) -> None:
    """Add the ``demo`` subcommand."""
    parser = sub.add_parser(
        "demo",
        help="run every building block on the built-in sample tickets",
        description="Run every building block on the built-in sample tickets and print a report.",
    )
    parser.set_defaults(func=run)
