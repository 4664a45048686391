"""``supportkit sla deadline|report|staffing``."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from supportkit._io import read_records
from supportkit._time import to_aware
from supportkit.exceptions import InvalidArgument, InvalidCalendar
from supportkit.sla import erlang_a, erlang_c
from supportkit.sla._batch import AttainmentSummary
from supportkit.sla._clock import PolicySet
from supportkit.sla._policy import parse_duration
from supportkit.sla._presets import PRESETS, calendar_from
from supportkit.sla._risk import Risk, risk_of

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
            f"give --calendar FILE (a JSON calendar file) or --preset NAME "
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


def _positions(path: str) -> Iterator[str]:
    """``file.jsonl:LINE`` for each record of a JSON Lines file (blank lines skipped)."""
    if path == "-" or not path.lower().endswith((".jsonl", ".ndjson")):
        name = "<stdin>" if path == "-" else path
        line = 2 if path.lower().endswith(".csv") else None  # CSV: row 1 is the header
        i = 0
        while True:
            yield f"{name}:{line + i}" if line is not None else f"{name}[{i}]"
            i += 1
    try:
        with Path(path).open(encoding="utf-8") as handle:
            for number, text in enumerate(handle, start=1):
                if text.strip():
                    yield f"{path}:{number}"
    except (OSError, UnicodeDecodeError):
        return


def _report(args: argparse.Namespace) -> int:
    policies = PolicySet.from_json(Path(args.policies))
    summary = AttainmentSummary()
    problems = 0
    out = sys.stdout
    within = parse_duration(args.at_risk, field="--at-risk")
    now = None if args.now is None else to_aware(args.now, field="--now")
    risks: list[Risk] = []
    as_of = None
    for report in policies.evaluate_many(
        read_records(args.tickets),
        now=now,
        strict=not args.lenient,
        summary=summary,
        positions=_positions(args.tickets),
    ):
        as_of = report.as_of
        problems += len(report.problems)
        risk = risk_of(report, report.as_of, within, overdue=True) if report.metrics else None
        if risk is not None:
            risks.append(risk)
        if args.tickets_out:
            out.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    risks.sort(key=lambda r: (r.remaining, str(r.ticket_id)))
    if args.json:
        data = summary.to_dict()
        data["as_of"] = None if as_of is None else as_of.isoformat()
        data["as_of_source"] = "--now" if now is not None else "latest event in the export"
        data["at_risk"] = [r.to_dict() for r in risks]
        data["units"] = {"durations": "seconds"}
        print(json.dumps(data, ensure_ascii=False))
    elif not args.tickets_out:
        source = "--now" if now is not None else "the latest event in the export; set --now"
        when = "no tickets" if as_of is None else as_of.isoformat()
        print(f"as of {when} ({source})")
        rows = summary.result()
        width = max([len(a.policy) + len(a.metric) + 1 for a in rows] + [13])
        head = f"{'policy/metric':<{width}}  {'achieved':>8}  {'breached':>8}  {'running':>7}"
        print(f"{head}  {'stopped':>7}  {'attained':>8}")
        for a in rows:
            name = f"{a.policy}/{a.metric}"
            row = f"{name:<{width}}  {a.met:>8}  {a.breached:>8}  {a.running:>7}"
            print(f"{row}  {a.stopped:>7}  {_pct(a.rate):>8}")
        print("attained = achieved / (achieved + breached); running: open, not yet due;")
        print("stopped: solved before any counting reply (neither met nor missed)")
        tail = f", {summary.after_now} created after --now skipped" if summary.after_now else ""
        print(
            f"{summary.reports} tickets, {summary.unmeasured} with no applicable policy, "
            f"{problems} problems{tail}"
        )
        due = [r for r in risks if r.state == "active"]
        late = [r for r in risks if r.state == "breached"]
        print(
            f"at risk (due within {_span(within)}): {len(due)}; overdue and still open: {len(late)}"
        )
        for r in (late + due)[: args.limit]:
            left = (
                f"{_span(-r.remaining)} late"
                if r.state == "breached"
                else f"{_span(r.remaining)} left"
            )
            print(
                f"  {r.ticket_id or '-'}  {r.policy}/{r.metric}  due "
                f"{r.due_at:%Y-%m-%d %H:%M}  {left}"
            )
    return 1 if any(a.breached for a in summary.result()) else 0


def _span(delta: Any) -> str:
    seconds = int(delta.total_seconds())
    if seconds >= 2 * 86_400:
        days, rest = divmod(seconds, 86_400)
        return f"{days} d {rest // 3600} h"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min" if not secs else f"{minutes} min {secs} s"
    return f"{secs} s"


def _positive(text: str, option: str, *, zero: bool = False) -> timedelta:
    """Read a duration option that must be above zero (or at least zero)."""
    value = parse_duration(text, field=option)
    if value < timedelta(0) or (value == timedelta(0) and not zero):
        least = "zero or more" if zero else "more than zero"
        raise InvalidArgument(
            f"{option} must be a duration of {least}, such as '5m' or '100s' (got {text!r}).",
            field=option,
            value=text,
        )
    return value


def _model_options(args: argparse.Namespace) -> dict[str, Any]:
    if args.model == "erlang-a":
        if args.patience is None:
            raise InvalidArgument(
                "--model erlang-a needs --patience, the callers' mean patience (e.g. 60s).",
                field="--patience",
            )
        return {"patience": _positive(args.patience, "--patience")}
    if args.patience is not None:
        raise InvalidArgument("--patience only applies to --model erlang-a.", field="--patience")
    return {}


def _staffing(args: argparse.Namespace) -> int:
    aht = _positive(args.aht, "--aht")
    target = _positive(args.target, "--target", zero=True)
    extra = _model_options(args)
    options: dict[str, Any] = {
        "max_occupancy": args.max_occupancy,
        "shrinkage": args.shrinkage,
        "chats_per_agent": args.chats_per_agent,
    }
    if args.forecast:
        forecast = []
        for i, row in enumerate(read_records(args.forecast)):
            if not isinstance(row, Mapping) or "start" not in row or "volume" not in row:
                raise InvalidArgument(
                    f"{args.forecast} row {i + 1} must have 'start' (ISO time) and 'volume' "
                    f"(arrivals in the hour) (got {row!r}).",
                    field="--forecast",
                )
            try:
                volume = float(row["volume"])
            except (TypeError, ValueError):
                raise InvalidArgument(
                    f"{args.forecast} row {i + 1}: volume must be a number "
                    f"(got {row['volume']!r}).",
                    field="--forecast",
                ) from None
            forecast.append(
                (to_aware(row["start"], field=f"{args.forecast} row {i + 1} start"), volume)
            )
        plan = erlang_c.staffing_plan(
            forecast, aht, target, args.service_level, model=args.model, **extra, **options
        )
        if args.json:
            print(json.dumps(plan.to_dict()))
        else:
            print(f"{'start':<25}  {'volume':>8}  {'agents (exact)':>14}  {'agents':>6}")
            for interval in plan.intervals:
                print(
                    f"{interval.start.isoformat():<25}  {interval.volume:>8g}  "
                    f"{interval.fractional:>14.2f}  {interval.required:>6}"
                )
            print(f"peak: {plan.peak} agents; {plan.agent_hours:.1f} agent-hours ({args.model})")
        return 0
    if args.calls_per_hour is None:
        raise InvalidArgument(
            "give --calls-per-hour N or --forecast FILE.", field="--calls-per-hour"
        )
    rate = args.calls_per_hour
    answering_positions: int
    if args.model == "erlang-a":
        patience = extra["patience"]
        agents = erlang_a.agents_needed(rate, aht, target, args.service_level, **extra, **options)
        answering_positions = _answering(agents, args)
        measures = {
            "service_level": erlang_a.service_level(
                answering_positions, rate, aht, target, patience=patience
            ),
            "abandon_probability": erlang_a.abandon_probability(
                answering_positions, rate, aht, patience=patience
            ),
            "asa_seconds": erlang_a.asa(answering_positions, rate, aht, patience=patience),
            "occupancy": erlang_a.occupancy(answering_positions, rate, aht, patience=patience),
        }
    else:
        agents = erlang_c.agents_needed(rate, aht, target, args.service_level, **options)
        answering_positions = _answering(agents, args)
        measures = {
            "service_level": erlang_c.service_level(answering_positions, rate, aht, target),
            "asa_seconds": erlang_c.asa(answering_positions, rate, aht),
            "occupancy": erlang_c.occupancy(answering_positions, rate, aht),
        }
    result: dict[str, Any] = {
        "model": args.model,
        "agents": agents,
        "traffic": round(erlang_c.traffic(rate, aht), 3),
        **{k: round(v, 4) for k, v in measures.items()},
    }
    if args.json:
        print(json.dumps(result))
    else:
        abandon = (
            f", {result['abandon_probability']:.1%} hang up"
            if "abandon_probability" in result
            else ""
        )
        print(
            f"{agents} agents for {rate:g}/h at {aht.total_seconds():g} s each "
            f"({result['traffic']} Erlangs, {args.model}): {result['service_level']:.1%} "
            f"answered within {target.total_seconds():g} s{abandon}, average wait "
            f"{result['asa_seconds']:.1f} s, occupancy {result['occupancy']:.1%}"
        )
    return 0


def _answering(agents: int, args: argparse.Namespace) -> int:
    """Answering positions of ``agents`` rostered: after shrinkage, times concurrency."""
    on_line = agents if args.shrinkage == 0 else math.floor(agents * (1 - args.shrinkage))
    return int(on_line * args.chats_per_agent)


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
    deadline.add_argument(
        "--calendar",
        help='a JSON calendar file, e.g. {"kind": "weekly", "tz": "Europe/Moscow", '
        '"hours": {"mon-fri": "09:00-18:00"}, "holidays": ["2024-06-12"]}',
    )
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
    report.add_argument(
        "--now",
        help="judge every clock as of this ISO instant (default: the latest event in the "
        "export); tickets created later are skipped",
    )
    report.add_argument(
        "--at-risk", default="30m", help="list open tickets due within this, default 30m"
    )
    report.add_argument(
        "--limit", type=int, default=20, help="at most this many at-risk tickets, default 20"
    )
    report.add_argument(
        "--lenient", action="store_true", help="drop unreadable events and report them"
    )
    report.add_argument("--json", action="store_true", help="print the summary as JSON")
    report.add_argument(
        "--tickets-out", action="store_true", help="print one JSON report per ticket"
    )
    report.set_defaults(func=_report)

    staffing = commands.add_parser("staffing", help="Erlang C or A: agents needed for a demand")
    staffing.add_argument(
        "--model",
        choices=("erlang-c", "erlang-a"),
        default="erlang-c",
        help="erlang-c (nobody hangs up, default) or erlang-a (with --patience)",
    )
    staffing.add_argument("--patience", help="erlang-a: callers' mean patience, e.g. '60s'")
    staffing.add_argument(
        "--chats-per-agent", type=int, default=1, help="chats one agent runs at once, default 1"
    )
    staffing.add_argument("--calls-per-hour", type=_unit, help="arrivals per hour")
    staffing.add_argument(
        "--forecast", help="a .jsonl/.csv file of rows with start (ISO time) and volume, hourly"
    )
    staffing.add_argument("--aht", required=True, help="average handling time, e.g. '5m'")
    staffing.add_argument("--target", required=True, help="answer within, e.g. '100s'")
    staffing.add_argument("--service-level", type=_unit, default=0.8, help="share, default 0.8")
    staffing.add_argument("--max-occupancy", type=_unit, default=1.0, help="default 1.0")
    staffing.add_argument("--shrinkage", type=_unit, default=0.0, help="default 0.0")
    staffing.add_argument("--json", action="store_true", help="print JSON")
    staffing.set_defaults(func=_staffing)
