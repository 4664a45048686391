"""Benchmark: importing a Zendesk-shaped export, tickets/s and peak memory.

Run ``python benchmarks/sources_bench.py`` (100,000 tickets) or ``--tickets N``. The
script writes its own export into a temporary folder — incremental ticket pages of
1,000 tickets with side-loaded users, and ticket-audit pages of 1,000 audits (four
audits per ticket: creation with the opening comment, an agent reply with a status
change, a customer reply, the solve), so comments arrive apart from tickets as in a
real export. Each reader runs in a fresh child process, so the peak RSS printed is
its own:

1. ``supportkit.sources.read`` (spills parts to a temporary SQLite file);
2. the peer: the glue a team writes today — load every page, group audits by ticket
   in a dict, map statuses and roles by hand, and call ``supportkit.as_ticket`` (the
   same tickets, everything in memory);
3. the floor: ``json.loads`` of every file, nothing else.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STATUSES = {"new": "new", "open": "open", "pending": "waiting_customer", "solved": "solved"}
TEXTS = (
    "Здравствуйте! Не пришла выплата за акт.",
    "Проверили, деньги отправлены повторно.",
    "Спасибо, пришло!",
    "Рады помочь.",
)


def iso(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(folder: Path, n: int, seed: int = 7) -> None:
    """Write an ``n``-ticket Zendesk export (ticket pages, then audit pages) to ``folder``."""
    rng = random.Random(seed)
    start = dt.datetime(2024, 10, 1, tzinfo=dt.timezone.utc)
    audits: list[dict] = []
    apage = 0
    for page, base in enumerate(range(0, n, 1000)):
        tickets, users = [], []
        for i in range(base, min(n, base + 1000)):
            created = start + dt.timedelta(seconds=rng.randrange(180 * 86400))
            requester = 10_000_000 + i
            users.append({"id": requester, "role": "end-user", "name": "Клиент"})
            tickets.append(
                {
                    "id": i + 1,
                    "via": {
                        "channel": rng.choice(("email", "web_widget", "telegram")),
                        "source": {"rel": None},
                    },
                    "created_at": iso(created),
                    "updated_at": iso(created),
                    "subject": "Выплата",
                    "description": TEXTS[0],
                    "priority": "normal",
                    "status": "solved",
                    "requester_id": requester,
                    "assignee_id": 601,
                    "group_id": 31,
                    "tags": ["payouts"],
                    "custom_fields": [{"id": 360001, "value": "самозанятый"}],
                }
            )
            t = created
            steps = [
                (
                    requester,
                    [
                        {
                            "type": "Comment",
                            "author_id": requester,
                            "body": TEXTS[0],
                            "public": True,
                        },
                        {"type": "Create", "field_name": "status", "value": "new"},
                    ],
                ),
                (
                    601,
                    [
                        {"type": "Comment", "author_id": 601, "body": TEXTS[1], "public": True},
                        {
                            "type": "Change",
                            "field_name": "status",
                            "value": "pending",
                            "previous_value": "new",
                        },
                    ],
                ),
                (
                    requester,
                    [
                        {
                            "type": "Comment",
                            "author_id": requester,
                            "body": TEXTS[2],
                            "public": True,
                        },
                        {
                            "type": "Change",
                            "field_name": "status",
                            "value": "open",
                            "previous_value": "pending",
                        },
                    ],
                ),
                (
                    601,
                    [
                        {"type": "Comment", "author_id": 601, "body": TEXTS[3], "public": True},
                        {
                            "type": "Change",
                            "field_name": "status",
                            "value": "solved",
                            "previous_value": "open",
                        },
                    ],
                ),
            ]
            for k, (author, events) in enumerate(steps):
                t += dt.timedelta(seconds=rng.randrange(60, 7200))
                audits.append(
                    {
                        "id": (i + 1) * 10 + k,
                        "ticket_id": i + 1,
                        "author_id": author,
                        "created_at": iso(t if k else created),
                        "via": {"channel": "web"},
                        "events": events,
                    }
                )
            if len(audits) >= 1000:
                (folder / f"audits-{apage:05d}.json").write_text(
                    json.dumps({"audits": audits, "next_page": None}, ensure_ascii=False),
                    encoding="utf-8",
                )
                apage += 1
                audits = []
        users.append({"id": 601, "role": "agent", "name": "Наталья Р."})
        (folder / f"tickets-{page:05d}.json").write_text(
            json.dumps(
                {
                    "tickets": tickets,
                    "users": users,
                    "after_cursor": str(page),
                    "end_of_stream": base + 1000 >= n,
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    if audits:
        (folder / f"audits-{apage:05d}.json").write_text(
            json.dumps({"audits": audits}, ensure_ascii=False), encoding="utf-8"
        )


def run_ours(folder: str) -> int:
    from supportkit import sources

    return sum(1 for _ in sources.read(folder))


def run_peer(folder: str) -> int:
    """The hand-written glue: everything in dicts, then as_ticket."""
    from supportkit import as_ticket

    tickets: dict[int, dict] = {}
    users: dict[int, dict] = {}
    audits: dict[int, list] = {}
    for path in sorted(Path(folder).glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        for user in page.get("users", []):
            users[user["id"]] = user
        for ticket in page.get("tickets", []):
            tickets[ticket["id"]] = ticket
        for audit in page.get("audits", []):
            audits.setdefault(audit["ticket_id"], []).append(audit)
    count = 0
    for ident, ticket in tickets.items():
        events = []
        first = True
        for audit in sorted(audits.get(ident, []), key=lambda a: a["created_at"]):
            for event in audit["events"]:
                if event["type"] == "Comment":
                    role = users.get(event["author_id"], {}).get("role")
                    by = "customer" if role == "end-user" else "agent"
                    if first and by == "customer":
                        first = False
                        continue
                    first = False
                    events.append({"at": audit["created_at"], "type": "reply", "by": by})
                elif event.get("field_name") == "status":
                    events.append(
                        {
                            "at": audit["created_at"],
                            "type": "status",
                            "status": STATUSES[event["value"]],
                        }
                    )
        as_ticket(
            {
                "id": ident,
                "channel": ticket["via"]["channel"],
                "subject": ticket["subject"],
                "body": ticket["description"],
                "tags": ticket["tags"],
                "created_at": ticket["created_at"],
                "events": events,
                "fields": {"group_id": ticket["group_id"]},
            }
        )
        count += 1
    return count


def run_floor(folder: str) -> int:
    count = 0
    for path in sorted(Path(folder).glob("*.json")):
        count += len(json.loads(path.read_text(encoding="utf-8")).get("tickets", []))
    return count


def child(kind: str, folder: str) -> None:
    func = {"ours": run_ours, "peer": run_peer, "floor": run_floor}[kind]
    began = time.perf_counter()
    cpu = time.process_time()
    count = func(folder)
    seconds = time.perf_counter() - began
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"count": count, "seconds": seconds, "cpu": cpu, "peak_mib": peak}))


def measure(kind: str, folder: Path) -> dict:
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parent.parent / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(folder)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FOLDER"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        generate(folder, args.tickets)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        print(
            f"export: {args.tickets:,} tickets, {args.tickets * 4:,} audits, "
            f"{size:,.0f} MiB in {len(list(folder.iterdir()))} files "
            f"(written in {time.perf_counter() - began:.1f} s)"
        )
        results = {kind: measure(kind, folder) for kind in ("floor", "peer", "ours")}
    for kind, label in (
        ("floor", "json.loads only (floor)"),
        ("peer", "hand-written dict glue + as_ticket (peer)"),
        ("ours", "supportkit.sources.read"),
    ):
        r = results[kind]
        print(
            f"{label:43} {r['count']:>8,} tickets {r['seconds']:7.2f} s wall "
            f"{r['cpu']:7.2f} s CPU {r['count'] / r['cpu']:>8,.0f} tickets/CPU-s  "
            f"peak RSS {r['peak_mib']:5.0f} MiB"
        )
    ours, peer = results["ours"], results["peer"]
    speed = (ours["count"] / ours["cpu"]) / (peer["count"] / peer["cpu"])
    memory = ours["peak_mib"] / peer["peak_mib"]
    print(f"ours / peer: speed x{speed:.2f} (CPU time), peak memory x{memory:.2f}")


if __name__ == "__main__":
    main()
