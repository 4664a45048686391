"""``supportkit report``: the weekly report of a ticket export, in the terminal or as a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from supportkit._io import read_records
from supportkit.exceptions import InvalidArgument
from supportkit.metrics._report import FORMATS, weekly_report

__all__ = ["register", "run_report"]


def run_report(args: argparse.Namespace) -> int:
    """Handle ``supportkit report``."""
    report = weekly_report(
        read_records(args.tickets),
        tz=args.tz,
        n=args.top,
        k=args.snowball,
        sketch=args.sketch,
        strict=not args.lenient,
    )
    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower() if args.output else ""
        fmt = {".html": "html", ".htm": "html", ".md": "markdown", ".json": "json"}.get(
            suffix, "text"
        )
    out = report.render(fmt)
    if args.output:
        try:
            Path(args.output).write_text(out, encoding="utf-8")
        except OSError as exc:
            raise InvalidArgument(
                f"cannot write the report to {args.output!r} ({exc.strerror}); "
                "choose a writable path.",
                field="output",
                value=args.output,
            ) from exc
        print(f"supportkit: wrote the {fmt} report to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(out)
    return 0


def register(sub: Any) -> None:
    """Add the ``report`` subcommand."""
    parser = sub.add_parser(
        "report",
        help="weekly metrics report of a ticket export (CSAT, automation, response times, ...)",
        description=(
            "Read a ticket export (JSON Lines or CSV, streamed) and print the weekly report: "
            "CSAT, automation rate, first-response and resolution times, reopens, one-touch "
            "resolution, backlog and the top categories per ISO week."
        ),
    )
    parser.add_argument(
        "tickets", metavar="TICKETS", help="a .jsonl, .ndjson, .csv or .json file, or - for stdin"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: text, or from the --output extension)",
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument("--tz", default="UTC", help="time zone weeks are counted in (default: UTC)")
    parser.add_argument(
        "--top", type=int, default=5, metavar="N", help="top categories per week (default 5)"
    )
    parser.add_argument(
        "--snowball",
        type=int,
        default=3,
        metavar="K",
        help="growing weeks in a row that raise the snowball flag (default 3)",
    )
    parser.add_argument(
        "--sketch",
        type=float,
        default=None,
        metavar="ALPHA",
        help="bounded-memory percentiles within relative error ALPHA (e.g. 0.01); default exact",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="drop unreadable events instead of stopping (see as_ticket(strict=False))",
    )
    parser.set_defaults(func=run_report)
