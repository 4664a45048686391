"""Benchmark: the weekly report over a streamed JSON Lines export, and accumulator throughput.

What it measures, each in a fresh child process (so the peak RSS printed is the run's own),
on one synthetic export (``generate``: 1,000,000 tickets, Oct 2024 – Mar 2025, ~3 events
each, 40 % rated):

1. **reading alone** — the peer and the floor: every line decoded with ``json.loads``
   through ``supportkit._io.read_records`` (UTF-8 and line checks), nothing else;
2. **the pure report** — ``WeeklyReport.add_many(read_records(path))``, ``result()`` and
   the HTML rendering, exact percentiles; the printed ratio is (2) / (1);
3. with the ``fast`` extra (msgspec): **msgspec decoding alone** (the typed rows of
   ``supportkit.metrics._fastread``) and **the fast report** (``add_views(views(path))``,
   the same bytes out);
4. the report with the bounded-memory sketch (``sketch=0.01``), once;
5. the pandas baseline on the same file: ``read_json(lines=True)`` + vectorised weekly
   volume / CSAT / median first response (a subset of the report), on at most 200,000
   tickets because it holds everything in memory — the per-ticket ratio is printed;
6. ``CSAT``/``NPS`` throughput: per-call ``add``, ``add_many``, and pandas
   ``Series.map(...).value_counts()`` for the same ratings.

(1)-(3) run in 3 alternating rounds (read, report, msgspec read, fast report, again), and
the best of each is kept, so a burst of load on a shared machine hits all of them alike.
Wall-clock and CPU (``time.process_time``) seconds are both printed; on a loaded machine
compare the CPU figures.

Reproduce: ``python benchmarks/metrics_bench.py --file /tmp/tickets-1m.jsonl --no-pandas``
(the file is generated on the first run, then reused; without ``--file`` a temporary one is
written each time), ``--quick`` for 100,000 tickets, ``-n N`` for another size.

Targets (issue 7): the full report on 1,000,000 tickets under 20 s on one core with
bounded memory, and at least 1,000,000 ratings/s into CSAT and NPS. Issue 17: the pure
report within 1.8x of the time of reading alone (same run: the ratio is printed), and
with the fast extra under 10 s for 1,000,000 tickets on a quiet machine.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHANNELS = ("email", "chat", "messenger")
TAGS = (
    "payouts",
    "acts",
    "receipts",
    "self_employed",
    "my_tax",
    "registration",
    "password",
    "white_screen",
    "interest",
    "passport",
)
LABELS = ("Отлично", "Хорошо", "Плохо")
MSK = dt.timezone(dt.timedelta(hours=3))


def generate(path: Path, n: int, seed: int = 7) -> None:
    """Write ``n`` synthetic tickets (Oct 2024 – Mar 2025) to ``path`` as JSON Lines."""
    rng = random.Random(seed)
    start = dt.datetime(2024, 10, 1, tzinfo=MSK)
    span = 180 * 86400
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            created = start + dt.timedelta(seconds=rng.randrange(span))
            channel = rng.choice(CHANNELS)
            t = created
            events = []
            if rng.random() < 0.45:
                t += dt.timedelta(seconds=rng.randint(2, 30))
                events.append(
                    {"at": t.isoformat(), "type": "reply", "by": rng.choice(("bot", "rule"))}
                )
            if rng.random() < 0.6:
                for _ in range(rng.randint(1, 3)):
                    t += dt.timedelta(seconds=int(rng.expovariate(1 / 1800)) + 5)
                    events.append({"at": t.isoformat(), "type": "reply", "by": "agent"})
                    if rng.random() < 0.5:
                        t += dt.timedelta(seconds=int(rng.expovariate(1 / 3600)) + 5)
                        events.append({"at": t.isoformat(), "type": "reply", "by": "customer"})
            if rng.random() < 0.9:
                t += dt.timedelta(seconds=rng.randint(60, 7200))
                events.append({"at": t.isoformat(), "type": "status", "status": "solved"})
                if rng.random() < 0.03:
                    t += dt.timedelta(hours=rng.randint(1, 48))
                    events.append({"at": t.isoformat(), "type": "status", "status": "open"})
            if rng.random() < 0.4:
                rating = (
                    rng.choice(LABELS) if channel != "email" else rng.choice((5, 5, 5, 4, 3, 2, 1))
                )
            else:
                rating = None
            ticket = {
                "id": f"T-{i:07d}",
                "channel": channel,
                "subject": "",
                "body": "Добрый день! Не пришла выплата за прошлую неделю, акты подписаны.",
                "tags": rng.sample(TAGS, 1 if rng.random() < 0.85 else 2),
                "priority": "normal",
                "created_at": created.isoformat(),
                "events": events,
                "rating": rating,
                "fields": {"country": rng.choice(("RU", "RU", "RU", "KZ", "ES", "MX"))},
            }
            out.write(json.dumps(ticket, ensure_ascii=False))
            out.write("\n")


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_report(path: str, sketch: float | None, fast: bool = False) -> dict[str, float]:
    from supportkit._io import read_records
    from supportkit.metrics import WeeklyReport, _fastread

    before = peak_rss_mb()
    t0 = time.perf_counter()
    c0 = time.process_time()
    acc = WeeklyReport(tz="Europe/Moscow", sketch=sketch)
    if fast:
        acc.add_views(_fastread.views(path))
    else:
        acc.add_many(read_records(path))
    report = acc.result()
    text = report.render("html")
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "cpu": time.process_time() - c0,
        "rss_mb": peak_rss_mb(),
        "rss_before_mb": before,
        "tickets": report.tickets,
        "csat": report.csat.value or 0.0,
        "p50": report.response.p50.total_seconds() if report.response.p50 else 0.0,
        "html_kb": len(text) / 1024,
    }


def child_dask(path: str) -> dict[str, float]:
    """The same report with the Dask recipe: 32 MiB blocks of the file, worker processes."""
    import dask
    import dask.bag as db

    from supportkit.metrics import report_from_bag

    t0 = time.perf_counter()
    bag = db.read_text(path, blocksize=32 * 2**20).map(json.loads)  # type: ignore[no-untyped-call]
    with dask.config.set(scheduler="processes", num_workers=os.cpu_count()):
        report = report_from_bag(bag, tz="Europe/Moscow")
    return {"seconds": time.perf_counter() - t0, "tickets": report.tickets}


def child_read(path: str) -> dict[str, float]:
    """The floor: only reading the JSONL with supportkit._io.read_records (json.loads)."""
    from supportkit._io import read_records

    t0 = time.perf_counter()
    c0 = time.process_time()
    n = 0
    for _ in read_records(path):
        n += 1
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "tickets": n}


def child_fast_read(path: str) -> dict[str, float]:
    """The fast extra's floor: msgspec decoding every line into the typed rows alone."""
    from supportkit.metrics import _fastread

    decode = _fastread._DECODER.decode
    t0 = time.perf_counter()
    c0 = time.process_time()
    n = 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                decode(line)
                n += 1
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "tickets": n}


def child_pandas(path: str, limit: int) -> dict[str, float]:
    import pandas as pd

    before = peak_rss_mb()
    t0 = time.perf_counter()
    frame = pd.read_json(path, lines=True, nrows=limit)
    created = pd.to_datetime(frame["created_at"], utc=True)
    week = created.dt.tz_convert("Europe/Moscow").dt.strftime("%G-W%V")
    events = frame[["events"]].assign(created=created).explode("events").dropna()
    ev = pd.json_normalize(events["events"].tolist())
    ev.index = events.index
    ev = ev[(ev["type"] == "reply") & (ev["by"] == "agent")]
    first = pd.to_datetime(ev["at"], utc=True).groupby(level=0).min()
    response = (first - created.loc[first.index]).dt.total_seconds()
    satisfied = {"Отлично": 1, "Хорошо": 1, "Плохо": 0, 5: 1, 4: 1, 3: 0, 2: 0, 1: 0}
    sat = frame["rating"].map(satisfied)
    table = (
        pd.DataFrame({"week": week, "sat": sat})
        .groupby("week")
        .agg(tickets=("sat", "size"), csat=("sat", "mean"))
    )
    table["p50"] = response.groupby(week.loc[response.index]).median()
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "rss_mb": peak_rss_mb(),
        "rss_before_mb": before,
        "tickets": float(len(frame)),
        "weeks": float(len(table)),
    }


def run_child(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def throughput(n: int) -> list[tuple[str, float]]:
    from supportkit.metrics import CSAT, NPS

    rng = random.Random(3)
    labels = [rng.choice(LABELS) for _ in range(n)]
    scores = [rng.randint(0, 10) for _ in range(n)]
    rows: list[tuple[str, float]] = []

    def timed(name: str, func: Callable[[], object]) -> None:
        t0 = time.perf_counter()
        func()
        rows.append((name, n / (time.perf_counter() - t0)))

    def each(add: Callable[[Any], None], items: list[Any]) -> None:
        for item in items:
            add(item)

    acc = CSAT("3")
    timed("CSAT.add (per call, labels)", lambda: each(acc.add, labels))
    acc2 = CSAT("3")
    timed("CSAT.add_many (labels)", lambda: acc2.add_many(labels))
    nps_acc = NPS()
    timed("NPS.add (per call)", lambda: each(nps_acc.add, scores))
    nps2 = NPS()
    timed("NPS.add_many", lambda: nps2.add_many(scores))
    assert acc.result() == acc2.result()
    assert nps_acc.result() == nps2.result()
    try:
        import pandas as pd
    except ImportError:
        return rows
    points = {"Отлично": 3, "Хорошо": 2, "Плохо": 1}

    def pandas_csat() -> None:
        counts = pd.Series(labels).map(points).value_counts()
        _ = counts.loc[counts.index >= 2].sum() / counts.sum()

    def pandas_nps() -> None:
        s = pd.Series(scores)
        _ = 100 * ((s >= 9).mean() - (s <= 6).mean())

    timed("pandas Series.map + value_counts (CSAT)", pandas_csat)
    timed("pandas vectorised NPS (list → Series)", pandas_nps)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 tickets instead of 1,000,000")
    parser.add_argument("-n", type=int, default=None, help="number of tickets")
    parser.add_argument(
        "--file", default=None, help="JSONL export to use (generated there if it does not exist)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (best kept)")
    parser.add_argument(
        "--child-report", nargs=2, metavar=("PATH", "SKETCH"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--child-pandas", nargs=2, metavar=("PATH", "LIMIT"), help=argparse.SUPPRESS
    )
    parser.add_argument("--child-read", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--child-fast-read", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--child-fast-report", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-pandas", action="store_true", help="skip the pandas baseline and the accumulators"
    )
    parser.add_argument("--child-dask", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument(
        "--dask", action="store_true", help="also time the Dask recipe on all CPUs (not one core)"
    )
    args = parser.parse_args()
    if args.child_report:
        path, sketch = args.child_report
        print(json.dumps(child_report(path, None if sketch == "none" else float(sketch))))
        return
    if args.child_dask:
        print(json.dumps(child_dask(args.child_dask)))
        return
    if args.child_read:
        print(json.dumps(child_read(args.child_read)))
        return
    if args.child_fast_read:
        print(json.dumps(child_fast_read(args.child_fast_read)))
        return
    if args.child_fast_report:
        print(json.dumps(child_report(args.child_fast_report, None, fast=True)))
        return
    if args.child_pandas:
        path, limit = args.child_pandas
        print(json.dumps(child_pandas(path, int(limit))))
        return
    n = args.n or (100_000 if args.quick else 1_000_000)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.file) if args.file else Path(tmp) / "tickets.jsonl"
        t0 = time.perf_counter()
        if not path.exists():
            generate(path, n)
            print(f"generated {n:,} tickets in {time.perf_counter() - t0:.1f} s")
        with path.open("rb") as handle:
            n = sum(1 for line in handle if line.strip())
        size = path.stat().st_size / 2**20
        print(f"{path}: {n:,} tickets ({size:.0f} MiB JSONL)")
        # Best of three alternating rounds: reading alone, the report, the fast pair, in turn.
        floors, exacts, fast_floors, fasts = [], [], [], []
        for _ in range(args.rounds):
            floors.append(run_child("--child-read", str(path)))
            exacts.append(run_child("--child-report", str(path), "none"))
            try:
                fast_floors.append(run_child("--child-fast-read", str(path)))
                fasts.append(run_child("--child-fast-report", str(path)))
            except subprocess.CalledProcessError:  # the fast extra is not installed
                pass
        floor = min(floors, key=lambda r: r["seconds"])
        exact = min(exacts, key=lambda r: r["seconds"])
        fast_floor = min(fast_floors, key=lambda r: r["seconds"]) if fast_floors else None
        fast = min(fasts, key=lambda r: r["seconds"]) if fasts else None
        cpu_floor = min(r["cpu"] for r in floors)
        cpu_exact = min(r["cpu"] for r in exacts)
        sketch = run_child("--child-report", str(path), "0.01")
        limit = min(n, 200_000)
        pandas = None if args.no_pandas else run_child("--child-pandas", str(path), str(limit))
        distributed = run_child("--child-dask", str(path)) if args.dask else None
    print()
    print("weekly report, streamed from JSONL (one core):")
    print(
        f"  {'reading only':<18} {floor['seconds']:6.2f} s  (CPU {floor['cpu']:.2f} s)  "
        "read_records + json.loads: the floor"
    )
    for name, r in (("exact percentiles", exact), ("sketch α=1%", sketch)):
        print(
            f"  {name:<18} {r['seconds']:6.2f} s  (CPU {r['cpu']:.2f} s)  "
            f"{n / r['seconds']:>9,.0f} tickets/s  peak RSS {r['rss_mb']:4.0f} MiB "
            f"(interpreter + imports {r['rss_before_mb']:.0f} MiB)"
        )
    ratio = exact["seconds"] / floor["seconds"]
    verdict = "met" if ratio <= 1.8 else "NOT met"
    print(
        f"  ratio report / reading alone (pure Python): {ratio:.2f}x wall, "
        f"{cpu_exact / cpu_floor:.2f}x CPU (target 1.8x: {verdict})"
    )
    if fast is not None and fast_floor is not None:
        budget = 10 * n / 1_000_000
        print(
            f"  {'fast extra':<18} {fast['seconds']:6.2f} s  (CPU {fast['cpu']:.2f} s)  "
            f"{n / fast['seconds']:>9,.0f} tickets/s  msgspec decoding alone "
            f"{fast_floor['seconds']:.2f} s (CPU {fast_floor['cpu']:.2f} s); "
            f"{exact['seconds'] / fast['seconds']:.2f}x the pure report "
            f"(target under {budget:g} s: {'met' if fast['seconds'] < budget else 'NOT met'})"
        )
    if distributed is not None:
        print(
            f"  {'Dask, all CPUs':<18} {distributed['seconds']:6.2f} s  "
            f"({os.cpu_count()} worker processes, same report exactly)"
        )
    if pandas is None:
        return
    per_ticket_ours = exact["seconds"] / n
    per_ticket_pandas = pandas["seconds"] / pandas["tickets"]
    pandas_rate = pandas["tickets"] / pandas["seconds"]
    print(
        f"  {'pandas baseline':<18} {pandas['seconds']:6.2f} s  {pandas_rate:>9,.0f} tickets/s  "
        f"peak RSS {pandas['rss_mb']:5.0f} MiB on {int(pandas['tickets']):,} tickets "
        "(volume, CSAT, median first response per week only)"
    )
    print(f"  ratio pandas/ours per ticket: {per_ticket_pandas / per_ticket_ours:.2f}x")
    budget = 20 * n / 1_000_000
    verdict = "met" if exact["seconds"] < budget else "NOT met"
    print(f"  target (20 s per 1,000,000 tickets → {budget:g} s for {n:,}): {verdict}")
    print()
    print("accumulator throughput (ratings/s):")
    rows = throughput(1_000_000)
    for name, rate in rows:
        print(f"  {name:<42} {rate:>12,.0f}")
    base = dict(rows)
    if "pandas Series.map + value_counts (CSAT)" in base:
        ours = base["CSAT.add_many (labels)"]
        theirs = base["pandas Series.map + value_counts (CSAT)"]
        print(f"  ratio CSAT.add_many / pandas: {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
