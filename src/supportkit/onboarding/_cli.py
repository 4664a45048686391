"""``supportkit onboarding funnel|stuck``: the funnel and the call list of a journey export.

The input is JSON Lines, one ``Journey.to_dict()`` per line (what
``SQLiteJourneyStore`` or a host application exports), or ``-`` for standard input.
Every journey is replayed through the flow given by ``--flow`` (a built-in flow name
or a ``Flow.to_dict()`` JSON file), so a line that does not fit the flow is an error
naming ``file:line``. Exit codes follow the other commands: 0 ok, 1 findings (a
non-empty call list), 2 bad input with a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from supportkit.exceptions import InvalidArgument, InvalidFlow, InvalidValue, SupportkitError
from supportkit.onboarding._analytics import funnel, stuck
from supportkit.onboarding._flow import Flow
from supportkit.onboarding._journey import Journey
from supportkit.onboarding.flows import NAMES, get

__all__ = ["STUCK_COLUMNS", "parse_idle", "read_journeys", "register"]

#: The columns of ``supportkit onboarding stuck`` (the call list), in order.
STUCK_COLUMNS = (
    "subject_id",
    "state",
    "steps_left",
    "idle_hours",
    "last_event",
    "last_at",
    "started_at",
)

_PART = re.compile(r"(\d+(?:\.\d+)?)([dhms])")
_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}


def parse_idle(text: str, *, field: str = "--idle") -> _dt.timedelta:
    """Read an idle time: ``"4h"``, ``"90m"``, ``"1h30m"``, ``"2d"`` or seconds (``"3600"``).

    Calendar time: a journey idle over the weekend has been idle for the weekend.

    >>> parse_idle("1h30m")
    datetime.timedelta(seconds=5400)
    """
    spec = text.strip().lower().replace(" ", "")
    seconds: float | None = None
    if re.fullmatch(r"\d+(?:\.\d+)?", spec):
        seconds = float(spec)
    elif spec and _PART.sub("", spec) == "":
        seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(spec))
    if seconds is None or seconds > 3650 * 86400:
        raise InvalidValue(
            f"{field} {text!r} must be a duration such as 4h, 90m, 1h30m or 2d "
            "(at most ten years).",
            field=field,
            value=text,
        )
    return _dt.timedelta(seconds=seconds)


def _now(text: str | None) -> _dt.datetime:
    if text is None:
        return _dt.datetime.now(_dt.timezone.utc)
    try:
        at = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValue(
            f"--now {text!r} must be an ISO date-time with an offset, e.g. 2024-11-14T12:00+03:00.",
            field="--now",
            value=text,
        ) from None
    if at.utcoffset() is None:
        raise InvalidValue(
            f"--now {text!r} has no UTC offset; write it with one, e.g. {text}+03:00.",
            field="--now",
            value=text,
        )
    return at


def _flow(spec: str) -> Flow:
    if spec in NAMES or not spec.lower().endswith(".json"):
        return get(spec)
    try:
        data = json.loads(Path(spec).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidArgument(
            f"--flow {spec!r} is neither a built-in flow ({', '.join(NAMES)}) nor a readable "
            "Flow.to_dict() JSON file.",
            field="--flow",
            value=spec,
        ) from exc
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidFlow(
            f"--flow file {spec} is not valid JSON ({exc}).", field="--flow", value=spec
        ) from exc
    try:
        return Flow.from_dict(data)
    except SupportkitError as exc:
        raise _located(exc, spec) from None


def _located(exc: SupportkitError, where: str, subject: Any = None) -> SupportkitError:
    """Prefix the error's message with the journey's id and ``where`` (``file:line``).

    The class is kept; the id is left out when the record has no usable one.
    """
    who = f"journey {subject[:80]!r}: " if isinstance(subject, str) and subject.strip() else ""
    exc.message = f"{who}{where}: {exc.message}"
    exc.args = (exc.message,)
    exc.field = where if exc.field is None else f"{where} {exc.field}"
    return exc


def _lines(name: str) -> Iterator[tuple[int, str]]:
    shown = "<stdin>" if name == "-" else name
    if name == "-":
        source: Any = getattr(sys.stdin, "buffer", sys.stdin)
        yield from _decoded(source, shown)
        return
    try:
        path = Path(name)
        if not path.is_file():
            what = "is a directory" if path.is_dir() else "does not exist"
            raise InvalidArgument(
                f"journey file {name[:200]!r} {what}; give a JSON Lines file with one "
                "Journey.to_dict() per line, or - for standard input.",
                field="JOURNEYS",
                value=name,
            )
        handle: IO[bytes] = path.open("rb")
    except OSError as exc:
        raise InvalidArgument(
            f"cannot open journey file {name[:80]!r} ({exc.strerror}).", field="JOURNEYS"
        ) from exc
    with handle:
        yield from _decoded(handle, shown)


def _decoded(handle: Any, shown: str) -> Iterator[tuple[int, str]]:
    for lineno, raw in enumerate(handle, start=1):
        if isinstance(raw, str):
            yield lineno, raw
            continue
        try:
            yield lineno, raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidArgument(
                f"{shown}:{lineno} is not UTF-8 text (byte {raw[exc.start]:#04x} at column "
                f"{exc.start + 1}); export the journeys as UTF-8.",
                field=f"{shown}:{lineno}",
            ) from exc


def read_journeys(name: str, flow: Flow) -> Iterator[Journey]:
    """Yield the journeys of a JSON Lines file (``-``: stdin), replayed through ``flow``.

    Raises:
        InvalidFlow: a line that is not a JSON object or does not fit the flow; the
            message starts with ``file:line``.
    """
    shown = "<stdin>" if name == "-" else name
    for lineno, line in _lines(name):
        if not line.strip():
            continue
        where = f"{shown}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidFlow(
                f"{where} is not valid JSON ({exc.msg} at column {exc.colno}).", field=where
            ) from exc
        except RecursionError as exc:
            raise InvalidFlow(f"{where} nests too deeply to be a journey.", field=where) from exc
        if not isinstance(record, dict):
            raise InvalidFlow(
                f"{where} must be a JSON object (a Journey.to_dict()), got "
                f"{type(record).__name__}.",
                field=where,
            )
        try:
            yield Journey.from_dict(flow, record)
        except SupportkitError as exc:
            raise _located(exc, where, record.get("subject_id")) from None


def _funnel(args: argparse.Namespace) -> int:
    flow = _flow(args.flow)
    result = funnel(list(read_journeys(args.journeys, flow)), flow)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print(
            f"{result.flow}: {result.total} journeys; time in step in office hours "
            "(09:00-18:00 Moscow, working days of the Russian production calendar)"
        )
        print(result)
        ended = ", ".join(f"{state} {n}" for state, n in result.ended) or "none yet"
        print(f"ended: {ended}")
    return 0


def _stuck(args: argparse.Namespace) -> int:
    flow = _flow(args.flow)
    now = _now(args.now)
    idle = parse_idle(args.idle)
    calls = stuck(read_journeys(args.journeys, flow), now=now, idle=idle)
    distances = flow.distance_to_success()
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(STUCK_COLUMNS)
    for j in calls:
        left = distances.get(j.state)
        out.writerow(
            (
                j.subject_id,
                j.state,
                "" if left is None else left,
                f"{(now - j.last_at).total_seconds() / 3600:.1f}",
                j.history[-1].event if j.history else "",
                j.last_at.isoformat(),
                j.started_at.isoformat(),
            )
        )
    return 1 if calls else 0


def register(sub: Any) -> None:
    """Add ``supportkit onboarding`` and its subcommands."""
    parser = sub.add_parser("onboarding", help="onboarding funnel and call list of journeys")
    commands = parser.add_subparsers(dest="onboarding_command", metavar="SUBCOMMAND")
    parser.set_defaults(func=lambda args: (parser.print_help(sys.stderr), 2)[1])
    flow_help = f"a built-in flow ({', '.join(NAMES)}) or a Flow.to_dict() .json file"
    journeys_help = "JSON Lines, one Journey.to_dict() per line, or - for stdin"

    one = commands.add_parser(
        "funnel", help="how many journeys reached each step, drop-off and time in step"
    )
    one.add_argument("journeys", metavar="JOURNEYS", help=journeys_help)
    one.add_argument("--flow", required=True, help=flow_help)
    one.add_argument("--json", action="store_true", help="print Funnel.to_dict() as JSON")
    one.set_defaults(func=_funnel)

    two = commands.add_parser(
        "stuck", help="the call list as CSV: open journeys idle too long, closest to done first"
    )
    two.add_argument("journeys", metavar="JOURNEYS", help=journeys_help)
    two.add_argument("--flow", required=True, help=flow_help)
    two.add_argument(
        "--now", help="look at the journeys as of this ISO instant with offset (default: now)"
    )
    two.add_argument(
        "--idle", default="4h", help="quiet for at least this long: 4h, 90m, 2d (default 4h)"
    )
    two.set_defaults(func=_stuck)
