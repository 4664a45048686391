"""``supportkit rules check|apply|explain``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from supportkit.exceptions import SupportkitError

__all__ = ["register"]


def _load(path: str) -> Any:
    from supportkit.rules._engine import RuleSet

    return RuleSet.from_file(path)


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


def apply(args: argparse.Namespace) -> int:
    """Evaluate every ticket of an export; one JSON result per line, summary on stderr."""
    from collections import Counter

    from supportkit._io import read_records
    from supportkit._ticket import as_ticket

    ruleset = _load(args.file)
    progress = sys.stderr.isatty() and not args.quiet
    total = replied = matched = failed = 0
    counts: Counter[str] = Counter()
    out = sys.stdout
    for i, record in enumerate(read_records(args.tickets)):
        total += 1
        try:
            evaluation = ruleset.evaluate(as_ticket(record, field=f"tickets[{i}]", strict=False))
        except SupportkitError as exc:
            failed += 1
            out.write(json.dumps({"line": i + 1, "error": str(exc)}, ensure_ascii=False) + "\n")
            continue
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
    print(
        f"{total} tickets: {matched} matched a rule, {replied} got an automatic reply "
        f"(automation rate {rate}), {failed} could not be evaluated; top rules: {top}",
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
    print(ruleset.explain(ticket, args.rule, at=args.at))
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
    p.set_defaults(func=apply)

    p = rules.add_parser("explain", help="why did (or didn't) a rule fire for a text?")
    p.add_argument("file", help="rule file (.json or .toml)")
    p.add_argument("text", help="the ticket body, or a JSON ticket object")
    p.add_argument("--rule", required=True, help="the rule id to explain")
    p.add_argument("--subject", help="the ticket subject")
    p.add_argument("--channel", help="the ticket channel")
    p.add_argument("--at", help="ISO time for outside/inside conditions")
    p.set_defaults(func=explain)
