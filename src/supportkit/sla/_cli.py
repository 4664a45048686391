"""``supportkit sla deadline|report|staffing``."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from supportkit._io import read_records
from supportkit._time import to_aware
from supportkit.exceptions import InvalidArgument, InvalidCalendar
from supportkit.sla import erlang_c
from supportkit.sla._batch import AttainmentSummary
from supportkit.sla._clock import PolicySet
from supportkit.sla._policy import parse_duration
from supportkit.sla._presets import PRESETS, calendar_from

__all__ = ["register"]


def _load_calendar(args: argparse.Namespace) -> Any:
    if args.calendar and args.preset:
        raise InvalidArgument(
            "give either --calendar FILE or --preset NAME, not both.", field="--calendar"
        )
    if args.preset:
        return calendar_from(args.preset, field="--preset")
    if not args.calendar:
        raise InvalidArgument(
            f"give --calendar FILE (a WorkCalendar.to_dict JSON) or --preset NAME "
            f"(one of {sorted(PRESETS)}).",
            field="--calendar",
        )
    path = Path(args.calendar)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidCalendar(
            f"cannot read calendar file {args.calendar!r} ({exc.strerror}).",
            field="--calendar",
            value=args.calendar,
        ) from exc
    except json.JSONDecodeError as exc:
        raise InvalidCalendar(
            f"calendar file {args.calendar!r} is not valid JSON ({exc.msg} at line {exc.lineno}).",
            field="--calendar",
            value=args.calendar,
        ) from exc
    return calendar_from(data, field="--calendar")


def _deadline(args: argparse.Namespace) -> int:
    calendar = _load_calendar(args)
    start = to_aware(args.start, field="--start")
    duration = parse_duration(args.duration, field="--duration")
    due = calendar.add(start, duration)
    if args.json:
        print(
            json.dumps(
                {
                    "start": start.isoformat(),
                    "duration": duration.total_seconds(),
                    "due": due.isoformat(),
                }
            )
        )
    else:
        print(due.isoformat())
    return 0


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _report(args: argparse.Namespace) -> int:
    policies = PolicySet.from_json(Path(args.policies))
    summary = AttainmentSummary()
    problems = 0
    out = sys.stdout
    for report in policies.evaluate_many(
        read_records(args.tickets), now=args.now, strict=not args.lenient, summary=summary
    ):
        problems += len(report.problems)
        if args.tickets_out:
            out.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False))
    elif not args.tickets_out:
        rows = summary.result()
        width = max([len(a.policy) + len(a.metric) + 1 for a in rows] + [13])
        head = f"{'policy/metric':<{width}}  {'met':>6}  {'breached':>8}  {'running':>7}"
        print(f"{head}  {'attained':>8}")
        for a in rows:
            name = f"{a.policy}/{a.metric}"
            row = f"{name:<{width}}  {a.met:>6}  {a.breached:>8}  {a.running:>7}"
            print(f"{row}  {_pct(a.rate):>8}")
        print(
            f"{summary.reports} tickets, {summary.unmeasured} with no applicable policy, "
            f"{problems} problems"
        )
    return 1 if any(a.breached for a in summary.result()) else 0


def _staffing(args: argparse.Namespace) -> int:
    aht = parse_duration(args.aht, field="--aht")
    target = parse_duration(args.target, field="--target")
    options = {"max_occupancy": args.max_occupancy, "shrinkage": args.shrinkage}
    if args.forecast:
        forecast = [(row["start"], float(row["volume"])) for row in read_records(args.forecast)]
        plan = erlang_c.staffing_plan(forecast, aht, target, args.service_level, **options)
        if args.json:
            print(json.dumps(plan.to_dict()))
        else:
            for row in plan.intervals:
                print(f"{row.start.isoformat()}  {row.volume:>8g}  {row.required:>5}")
            print(f"peak: {plan.peak} agents")
        return 0
    if args.calls_per_hour is None:
        raise InvalidArgument(
            "give --calls-per-hour N or --forecast FILE.", field="--calls-per-hour"
        )
    rate = args.calls_per_hour
    agents = erlang_c.agents_needed(rate, aht, target, args.service_level, **options)
    answering = agents if args.shrinkage == 0 else math.floor(agents * (1 - args.shrinkage))
    result = {
        "agents": agents,
        "traffic": round(erlang_c.traffic(rate, aht), 3),
        "service_level": round(erlang_c.service_level(answering, rate, aht, target), 4),
        "asa_seconds": round(erlang_c.asa(answering, rate, aht), 1),
        "occupancy": round(erlang_c.occupancy(answering, rate, aht), 4),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{agents} agents for {rate:g}/h at {aht.total_seconds():g} s each "
            f"({result['traffic']} Erlangs): {result['service_level']:.1%} answered within "
            f"{target.total_seconds():g} s, average wait {result['asa_seconds']} s, "
            f"occupancy {result['occupancy']:.1%}"
        )
    return 0


def _unit(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    return value


def register(sub: Any) -> None:
    """Add ``supportkit sla`` and its subcommands."""
    sla = sub.add_parser("sla", help="SLA deadlines, attainment reports and staffing")
    commands = sla.add_subparsers(dest="sla_command", metavar="SUBCOMMAND")
    sla.set_defaults(func=lambda args: (sla.print_help(sys.stderr), 2)[1])

    deadline = commands.add_parser(
        "deadline", help="the instant after a duration of working time on a calendar"
    )
    deadline.add_argument("--calendar", help="a JSON file holding WorkCalendar.to_dict()")
    deadline.add_argument("--preset", help=f"a built-in calendar: {', '.join(sorted(PRESETS))}")
    deadline.add_argument("--start", required=True, help="ISO-8601 with offset")
    deadline.add_argument(
        "--duration", required=True, help="'4h', '1h30m', '100s', '08:30' or seconds"
    )
    deadline.add_argument("--json", action="store_true", help="print JSON")
    deadline.set_defaults(func=_deadline)

    report = commands.add_parser("report", help="SLA attainment per policy and metric")
    report.add_argument("tickets", help="tickets: .jsonl, .csv, .json or - for stdin")
    report.add_argument("--policies", required=True, help='a JSON file {"policies": [...]}')
    report.add_argument("--now", help="report as of this ISO instant (open tickets keep running)")
    report.add_argument(
        "--lenient", action="store_true", help="drop unreadable events and report them"
    )
    report.add_argument("--json", action="store_true", help="print the summary as JSON")
    report.add_argument(
        "--tickets-out", action="store_true", help="print one JSON report per ticket"
    )
    report.set_defaults(func=_report)

    staffing = commands.add_parser("staffing", help="Erlang C: agents needed for a demand")
    staffing.add_argument("--calls-per-hour", type=_unit, help="arrivals per hour")
    staffing.add_argument("--forecast", help="a file of {start, volume} rows, one per hour")
    staffing.add_argument("--aht", required=True, help="average handling time, e.g. '5m'")
    staffing.add_argument("--target", required=True, help="answer within, e.g. '100s'")
    staffing.add_argument("--service-level", type=_unit, default=0.8, help="share, default 0.8")
    staffing.add_argument("--max-occupancy", type=_unit, default=1.0, help="default 1.0")
    staffing.add_argument("--shrinkage", type=_unit, default=0.0, help="default 0.0")
    staffing.add_argument("--json", action="store_true", help="print JSON")
    staffing.set_defaults(func=_staffing)
