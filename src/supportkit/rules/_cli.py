"""``supportkit rules check|apply|explain``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from supportkit.exceptions import InvalidArgument, InvalidTicket, SupportkitError

__all__ = ["register"]


def _load(path: str) -> Any:
    from supportkit.rules._engine import RuleSet

    return RuleSet.from_file(path)


def _moment(args: argparse.Namespace) -> dict[str, Any]:
    """``now=`` and ``policies=`` for ``sla``/``waiting`` conditions, from the options."""
    out: dict[str, Any] = {}
    if getattr(args, "now", None):
        out["now"] = args.now
    if getattr(args, "policies", None):
        from supportkit.sla import PolicySet

        out["policies"] = PolicySet.from_json(args.policies)
    return out


def _time_options(p: Any) -> None:
    p.add_argument(
        "--now",
        help="ISO time with offset at which sla/waiting conditions are judged, "
        "e.g. 2024-10-07T12:00:00+03:00",
    )
    p.add_argument(
        "--policies",
        metavar="FILE",
        help='SLA policy file ({"policies": [...]}) for sla conditions',
    )


def check(args: argparse.Namespace) -> int:
    """Lint a rule file; exit 1 when there are findings."""
    ruleset = _load(args.file)
    fields = args.fields.split(",") if args.fields else None
    issues = ruleset.lint(fields=fields)
    if args.format == "json":
        print(json.dumps([i.to_dict() for i in issues], ensure_ascii=False, indent=2))
    else:
        for issue in issues:
            print(f"{args.file}: {issue}")
        errors = sum(i.severity == "error" for i in issues)
        print(
            f"{args.file}: {len(ruleset.rules)} rules, {len(ruleset.templates)} templates, "
            f"{errors} error(s), {len(issues) - errors} warning(s)",
            file=sys.stderr,
        )
    return 1 if issues else 0


def _jsonl_rows(handle: IO[bytes], name: str) -> Iterator[tuple[int, str, Any]]:
    """``(line, position, record or error text)`` for each non-blank line of JSON Lines."""
    for number, raw in enumerate(handle, start=1):
        where = f"{name}:{number}"
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield (
                number,
                where,
                f"{where} is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8.",
            )
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            detail = (
                f"{exc.msg} at column {exc.colno}"
                if isinstance(exc, json.JSONDecodeError)
                else "nested too deeply"
            )
            yield (
                number,
                where,
                (
                    f"{where} is not valid JSON ({detail}); each line must be one JSON ticket "
                    'object such as {"id": "T-1", "body": "..."}.'
                ),
            )
            continue
        if not isinstance(record, dict):
            yield (
                number,
                where,
                (
                    f"{where} must be a JSON ticket object such as "
                    f'{{"id": "T-1", "body": "..."}} (got a JSON {type(record).__name__}).'
                ),
            )
            continue
        yield number, where, record


def _rows(source: str) -> Iterator[tuple[int, str, Any]]:
    """Every ticket row of an export as ``(number, position, record or error text)``.

    JSON Lines are read line by line here, so one malformed line becomes an error row
    (numbered by its line in the file) instead of ending the run; CSV rows are numbered
    from 1 after the header, items of a ``.json`` list from 1.
    """
    from pathlib import Path

    from supportkit._io import read_records

    if source == "-":
        yield from _jsonl_rows(sys.stdin.buffer, "<stdin>")
        return
    path = Path(source)
    if path.suffix.lower() in (".jsonl", ".ndjson") and path.is_file():
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise InvalidArgument(
                f"cannot read ticket file {source!r} ({exc.strerror}).", field="tickets"
            ) from exc
        with handle:
            yield from _jsonl_rows(handle, source)
        return
    word = "row" if path.suffix.lower() == ".csv" else "item"
    records: Iterator[Any] = read_records(source)  # a .json list may hold anything
    for i, record in enumerate(records, start=1):
        if isinstance(record, dict):
            yield i, f"{source} {word} {i}", record
        else:
            yield (
                i,
                f"{source} {word} {i}",
                (f"{source} {word} {i} must be a ticket object (got {type(record).__name__})."),
            )


def _check_moment(ruleset: Any, moment: dict[str, Any]) -> None:
    """Fail once, before any ticket, when the rules need --now or --policies."""
    try:
        ruleset.clock(moment.get("now"), moment.get("policies"))
    except InvalidArgument as exc:
        if exc.field == "now":
            rule, option = ruleset._needs_now[0], "--now ISO-TIME"
        else:
            rule, option = ruleset._needs_policies, "--policies FILE"
        raise InvalidArgument(
            f"rule {rule!r} has a time condition (sla/waiting), judged at a moment: pass {option}.",
            field=exc.field,
        ) from exc


def _ticket(record: dict[str, Any], where: str, lenient: bool) -> tuple[Any, bool]:
    """The ticket of a row; with ``lenient``, an unreadable ``created_at`` is dropped."""
    from supportkit._ticket import as_ticket

    try:
        return as_ticket(record, field=where, strict=False), False
    except SupportkitError as exc:
        if not lenient or not (exc.field or "").endswith(".created_at"):
            raise
    return as_ticket({**record, "created_at": None}, field=where, strict=False), True


def apply(args: argparse.Namespace) -> int:
    """Evaluate every ticket of an export; one JSON result per line, summary on stderr."""
    from collections import Counter

    ruleset = _load(args.file)
    moment = _moment(args)
    _check_moment(ruleset, moment)
    progress = sys.stderr.isatty() and not args.quiet
    total = replied = matched = failed = undated = 0
    counts: Counter[str] = Counter()
    out = sys.stdout
    for number, where, record in _rows(args.tickets):
        total += 1
        ident = record.get("id") if isinstance(record, dict) else None
        try:
            if isinstance(record, str):
                raise InvalidTicket(record, field=where)
            ticket, dropped = _ticket(record, where, args.lenient)
            evaluation = ruleset.evaluate(ticket, **moment)
        except SupportkitError as exc:
            failed += 1
            row: dict[str, Any] = {"line": number}
            if ident is not None:
                row["id"] = ident
            message = str(exc)
            if ident is not None and repr(str(ident)) not in message:
                message = f"ticket {str(ident)!r} at {message}"
            row["error"] = message
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            continue
        undated += dropped
        data = evaluation.to_dict()
        if not args.evidence:
            data.pop("evidence")
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
        matched += bool(evaluation.matched)
        replied += evaluation.reply_template is not None
        counts.update(evaluation.matched)
        if progress and total % 1000 == 0:
            print(f"\r{total} tickets…", end="", file=sys.stderr, flush=True)
    if progress:
        print("\r", end="", file=sys.stderr)
    rate = f"{replied / total:.1%}" if total else "n/a"
    top = ", ".join(f"{rule} {n}" for rule, n in counts.most_common(5)) or "none"
    skipped = f", {undated} evaluated without their unreadable created_at" if undated else ""
    print(
        f"{total} tickets: {matched} matched a rule, {replied} got an automatic reply "
        f"(automation rate {rate}), {failed} could not be evaluated{skipped}; top rules: {top}",
        file=sys.stderr,
    )
    return 1 if failed else 0


def explain(args: argparse.Namespace) -> int:
    """Explain one rule for a text (the body) or a JSON ticket."""
    ruleset = _load(args.file)
    text = args.text
    ticket: Any
    if text.lstrip().startswith("{"):
        try:
            ticket = json.loads(text)
        except json.JSONDecodeError:
            ticket = {"body": text}
    else:
        ticket = {"body": text}
    if isinstance(ticket, dict):
        if args.subject is not None:
            ticket["subject"] = args.subject
        if args.channel is not None:
            ticket["channel"] = args.channel
    moment = _moment(args)
    _check_moment(ruleset, moment)
    print(ruleset.explain(ticket, args.rule, at=args.at, **moment))
    return 0


def register(sub: Any) -> None:
    """Add ``supportkit rules check|apply|explain``."""
    parser = sub.add_parser(
        "rules",
        help="check, apply and explain keyword rules",
        description="Check a rule file, apply it to a ticket export, or explain one rule.",
    )
    rules = parser.add_subparsers(dest="rules_command", metavar="ACTION")
    parser.set_defaults(func=lambda _args: (parser.print_help(sys.stderr), 2)[1])

    p = rules.add_parser("check", help="lint a rule file (exit 1 on findings, 2 if invalid)")
    p.add_argument("file", help="rule file (.json or .toml)")
    p.add_argument("--fields", help="comma-separated custom fields the tickets have")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=check)

    p = rules.add_parser(
        "apply", help="evaluate every ticket of an export; one JSON result per line"
    )
    p.add_argument("file", help="rule file (.json or .toml)")
    p.add_argument("tickets", help="tickets: .jsonl, .ndjson, .csv, .json or - for stdin")
    p.add_argument("--evidence", action="store_true", help="include evidence spans")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument(
        "--lenient",
        action="store_true",
        help="evaluate a ticket whose created_at cannot be read without it (time conditions "
        "then fail) instead of writing an error row",
    )
    _time_options(p)
    p.set_defaults(func=apply)

    p = rules.add_parser("explain", help="why did (or didn't) a rule fire for a text?")
    p.add_argument("file", help="rule file (.json or .toml)")
    p.add_argument("text", help="the ticket body, or a JSON ticket object")
    p.add_argument("--rule", required=True, help="the rule id to explain")
    p.add_argument("--subject", help="the ticket subject")
    p.add_argument("--channel", help="the ticket channel")
    p.add_argument("--at", help="ISO time for outside/inside conditions")
    _time_options(p)
    p.set_defaults(func=explain)
