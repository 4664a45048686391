"""SLA clocks and Erlang C: throughput and latency.

Run: ``python benchmarks/sla_bench.py`` (``--quick`` for a small run).

1. A 7-metric policy (every Zendesk metric plus resolution; e-mail on a
   Mon-Fri 09:00-18:00 Moscow calendar with the Russian production calendar, chat
   24/7) over 100,000 synthetic tickets with about 6 events each, attainment counted
   in an ``AttainmentSummary``: tickets per second of CPU time (the machine is
   shared; wall clock beside) from raw dicts (reading included, the target: 20,000/s),
   for already-read :class:`~supportkit.Ticket` objects (the clock engine), and for
   ``as_ticket`` alone. No Python library computes SLA clocks from event streams, so
   there is no peer here; the figure is absolute.
2. ``erlang_c.agents_needed`` for 5,000 calls an hour (417 Erlangs) against the
   textbook formula with ``math.factorial`` that most snippets use — which cannot
   even compute it (``OverflowError``: 417**430 does not fit in a float) — and, for
   a size it can handle (100 calls an hour), its speed ratio; and against
   pyworkforce's ``ErlangC.required_positions`` (the peer package), same inputs.
3. ``erlang_a.agents_needed`` for 5,000 calls an hour with 60 s mean patience
   (target < 2 ms). No maintained Python package implements Erlang A (pyworkforce
   has Erlang C only), so the figure is absolute; its accuracy is checked in the
   tests against a 30-digit direct computation.

The SLA figures: tickets are evaluated as of the end of the export (the
``evaluate_many`` default), so open clocks are judged then.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import statistics
import time
from typing import Any
from zoneinfo import ZoneInfo

from supportkit import as_ticket
from supportkit.sla import AttainmentSummary, PolicySet, SLAPolicy, erlang_a, erlang_c, preset

MSK = ZoneInfo("Europe/Moscow")


def synthetic(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Tickets with ~6 events: reply, wait, customer reply, reply, solved, closed."""
    rng = random.Random(seed)
    base = dt.datetime(2024, 10, 1, tzinfo=MSK)
    out = []
    for i in range(n):
        created = base + dt.timedelta(seconds=rng.randrange(60 * 86400))
        events: list[dict[str, str]] = []
        t = created
        for kind, key, value, gap in (
            ("reply", "by", "agent", rng.expovariate(1 / 5400)),
            ("status", "status", "waiting_customer", 1),
            ("reply", "by", "customer", rng.expovariate(1 / 20000)),
            ("reply", "by", "agent", rng.expovariate(1 / 7200)),
        ):
            t += dt.timedelta(seconds=gap)
            events.append({"at": t.isoformat(), "type": kind, key: value})
        if rng.random() < 0.9:
            t += dt.timedelta(seconds=60)
            events.append({"at": t.isoformat(), "type": "status", "status": "solved"})
            t += dt.timedelta(days=3)
            events.append({"at": t.isoformat(), "type": "status", "status": "closed"})
        out.append(
            {
                "id": f"B-{i}",
                "channel": "chat" if rng.random() < 0.5 else "email",
                "priority": "normal",
                "created_at": created.isoformat(),
                "events": events,
            }
        )
    return out


def policies(*, calendars: bool = True) -> PolicySet:
    """Chat on 24/7 time, e-mail on office hours; ``calendars=False``: both plain 24/7."""
    targets = {
        "first_response": "1h",
        "next_response": "2h",
        "periodic_update": "4h",
        "pausable_update": "4h",
        "resolution": "16h",
        "requester_wait": "16h",
        "agent_work": "12h",
    }
    office = preset("office") if calendars else None
    return PolicySet(
        [
            SLAPolicy("chat", targets, preset("24/7"), applies_to={"channel": "chat"}),
            SLAPolicy("email", targets, office),
        ]
    )


def textbook_wait_probability(n: int, load: float) -> float:
    """Erlang C as usually written: A^n/n! * n/(n-A) / (sum A^k/k! + ...)."""
    top = load**n / math.factorial(n) * n / (n - load)
    return top / (sum(load**k / math.factorial(k) for k in range(n)) + top)


def textbook_agents_needed(calls: float, aht: float, target: float, goal: float) -> int:
    load = calls * aht / 3600
    n = math.floor(load) + 1
    while 1 - textbook_wait_probability(n, load) * math.exp(-(n - load) * target / aht) < goal:
        n += 1
    return n


def timed(fn: Any) -> tuple[float, float]:
    """CPU seconds of this process and wall-clock seconds of one call of ``fn``."""
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def rate(n: int, runs: list[tuple[float, float]]) -> str:
    """``n`` per the best CPU time of ``runs``, with the wall-clock rate of that run."""
    cpu, wall = min(runs)
    return f"{n / cpu:,.0f} /s CPU ({n / wall:,.0f} /s wall)"


def best_of(fn: Any, repeat: int, number: int) -> float:
    """Best mean seconds per call over ``repeat`` rounds of ``number`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="10,000 tickets instead of 100,000")
    args = parser.parse_args()
    n = 10_000 if args.quick else 100_000

    records = synthetic(n)
    events = statistics.mean(len(r["events"]) for r in records)
    pset = policies()

    def attainment(pset: PolicySet, items: list[Any]) -> AttainmentSummary:
        summary = AttainmentSummary()
        for _report in pset.evaluate_many(items, summary=summary):
            pass
        return summary

    # From dicts first, before 100,000 Ticket objects make the heap (and with it
    # every full pass of the garbage collector) larger.
    dicts = [timed(lambda: attainment(pset, records)) for _ in range(3)]
    summary = attainment(pset, records)
    read_cpu, read_wall = timed(lambda: [as_ticket(r) for r in records])
    tickets = [as_ticket(r) for r in records]
    objects = [timed(lambda: attainment(pset, tickets)) for _ in range(3)]
    plain = policies(calendars=False)
    always = [timed(lambda: attainment(plain, tickets)) for _ in range(3)]
    print(f"SLA clocks: {n:,} tickets, {events:.1f} events each, 7 metrics, attainment counted")
    print("  tickets/s on one core (CPU time of the process; wall clock beside; best of 3)")
    print(f"  evaluate from dicts      : {rate(n, dicts)} (target 20,000)")
    print(f"  evaluate (Ticket objects): {rate(n, objects)}")
    print(f"  same, all 24/7 (no office-hours calendar): {rate(n, always)}")
    print(f"  as_ticket alone          : {rate(n, [(read_cpu, read_wall)])}")
    for item in summary.result():
        print(f"    {item.policy}/{item.metric}: {item.rate:.1%} of {item.decided}")

    ours = best_of(lambda: erlang_c.agents_needed(5000, 300, 20, 0.8), 5, 200)
    print("\nErlang C, 5,000 calls/h, AHT 300 s, 80 % in 20 s:")
    agents = erlang_c.agents_needed(5000, 300, 20, 0.8)
    print(f"  supportkit agents_needed: {agents} agents, {ours * 1e3:.3f} ms/call (target < 1 ms)")
    try:
        textbook_agents_needed(5000, 300, 20, 0.8)
        print("  textbook factorial formula: computed")
    except OverflowError as exc:
        print(f"  textbook factorial formula: OverflowError ({exc})")
    from pyworkforce.queuing import ErlangC

    def peer() -> int:
        found = ErlangC(transactions=5000, aht=5, asa=20 / 60, interval=60).required_positions(
            service_level=0.8
        )
        return int(found["raw_positions"])

    peer_s = best_of(peer, 5, 20)
    print(
        f"  pyworkforce ErlangC.required_positions: {peer()} agents, {peer_s * 1e3:.3f} ms/call "
        f"(ratio {peer_s / ours:.0f}x)"
    )
    a_ours = best_of(lambda: erlang_a.agents_needed(5000, 300, 20, 0.8, patience=60), 5, 50)
    a_agents = erlang_a.agents_needed(5000, 300, 20, 0.8, patience=60)
    capped = erlang_a.agents_needed(5000, 300, 20, 0.8, patience=60, max_abandon=0.05)
    print("\nErlang A, the same with 60 s mean patience:")
    print(
        f"  supportkit agents_needed: {a_agents} agents ({capped} with at most 5% hanging "
        f"up), {a_ours * 1e3:.3f} ms/call (target < 2 ms)"
    )
    small_ours = best_of(lambda: erlang_c.agents_needed(100, 300, 20, 0.8), 5, 2000)
    small_peer = best_of(lambda: textbook_agents_needed(100, 300, 20, 0.8), 5, 2000)
    assert erlang_c.agents_needed(100, 300, 20, 0.8) == textbook_agents_needed(100, 300, 20, 0.8)
    print(
        f"  100 calls/h: supportkit {small_ours * 1e6:.1f} µs, textbook {small_peer * 1e6:.1f} µs "
        f"(ratio {small_peer / small_ours:.1f}x)"
    )


if __name__ == "__main__":
    main()
