"""``supportkit report``: the weekly report of a ticket export, in the terminal or as a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from supportkit.exceptions import InvalidArgument
from supportkit.metrics._fastread import available, pure_views, views
from supportkit.metrics._report import FORMATS
from supportkit.metrics._weekly import WeeklyReport
from supportkit.sla import WorkCalendar, russia

__all__ = ["register", "run_report"]


def _calendar(args: argparse.Namespace) -> Any:
    """Build the working-time calendar of ``--hours``/``--holidays`` (``None``: calendar time)."""
    if not args.hours:
        if args.holidays:
            raise InvalidArgument(
                "--holidays needs --hours: give the working hours, e.g. "
                "--hours mon-fri=09:00-18:00.",
                field="holidays",
                value=args.holidays,
            )
        return None
    hours: dict[str, str] = {}
    for spec in args.hours:
        days, sep, span = spec.partition("=")
        if not sep or not days.strip() or not span.strip():
            raise InvalidArgument(
                f"--hours {spec!r} must look like DAYS=HH:MM-HH:MM, e.g. mon-fri=09:00-18:00.",
                field="hours",
                value=spec,
            )
        hours[days.strip()] = span.strip()
    holidays = russia() if args.holidays == "russia" else None
    if args.tz is None:
        raise InvalidArgument(
            "--hours needs --tz, the zone the working hours are in, e.g. --tz Europe/Moscow.",
            field="tz",
            value=None,
        )
    return WorkCalendar.weekly(args.tz, hours, holidays=holidays)


def run_report(args: argparse.Namespace) -> int:
    """Handle ``supportkit report``."""
    options: dict[str, Any] = {
        "calendar": _calendar(args),
        "tz": args.tz,
        "n": args.top,
        "k": args.snowball,
        "sketch": args.sketch,
        "strict": not args.lenient,
    }
    path = Path(args.tickets)
    strict = not args.lenient
    acc = WeeklyReport(**options)
    if (
        args.tickets != "-"
        and path.suffix.lower() in (".jsonl", ".ndjson")
        and path.is_file()
        and available()
    ):
        acc.add_views(views(path, strict=strict))  # the fast extra: same report, byte for byte
    else:  # errors name the ticket's file:line and id, as the fast reader's do
        acc.add_views(pure_views(args.tickets, strict=strict))
    report = acc.result()
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
    parser.add_argument(
        "--tz",
        default=None,
        help="time zone weeks are cut in (default: the UTC offset of the tickets' created_at)",
    )
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
        "--hours",
        action="append",
        metavar="DAYS=HH:MM-HH:MM",
        help="measure durations in working time, e.g. --hours mon-fri=09:00-18:00 "
        "--hours sat=10:00-14:00 (in the --tz zone); default calendar time",
    )
    parser.add_argument(
        "--holidays",
        choices=("russia",),
        help="with --hours: days off and shortened days of the Russian production calendar",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="drop unreadable events instead of stopping (see as_ticket(strict=False))",
    )
    parser.set_defaults(func=run_report)
