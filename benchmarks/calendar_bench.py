"""WorkCalendar.add/between against pandas CustomBusinessHour and businesstimedelta.

One run prints per-call times and ratios:

1. ``add()`` on Mon-Fri 09:00-18:00 Moscow with the Russian holidays, random starts in
   2024-2025 and random durations, against pandas ``CustomBusinessHour`` applied per
   element (one cached offset per distinct ``n``). pandas only adds whole business
   hours, so the comparison uses 1..40 h; ours is also timed on 1 min..40 h. Every
   result is compared: the only differences allowed are pandas' "landing exactly at
   closing gives the next opening" cases, which are counted and printed.
2. ``add()`` and ``between()`` of 2,000 h against 1 h (cost must not grow with the
   duration).
3. ``add()`` and ``between()`` against businesstimedelta on the same calendar.

The calendar used for the pandas comparison has the Russian non-working weekdays but
no working Saturdays and no shortened days, because pandas cannot express them; ours
is timed with the full ``russia()`` calendar too.

Every loop is timed with the garbage collector paused (as ``timeit`` does), the two
libraries alternately round by round (three rounds); the best round of each counts.
Figures are CPU time per call (``time.process_time``: the machine is shared), the
pandas comparison prints the wall-clock ratio beside it.

Run: ``python benchmarks/calendar_bench.py`` (``--quick`` for a small run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from supportkit.sla import ProductionCalendar, WorkCalendar, russia
from supportkit.sla._production import YearData

MSK = ZoneInfo("Europe/Moscow")
H = dt.timedelta(hours=1)


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """CPU and wall seconds of one run of ``fn``, the garbage collector paused (as ``timeit``).

    Both sides of every comparison are timed this way: a collection triggered by the
    other library's garbage would otherwise land in whichever loop runs next. CPU time
    (``time.process_time``) is what the ratios use: the machine is shared, and CPU
    time does not count the time other processes hold the core.
    """
    gc.collect()
    gc.disable()
    try:
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        return time.process_time() - c0, time.perf_counter() - t0
    finally:
        gc.enable()


def per_call(fn: Callable[[], object], n: int) -> float:
    """CPU seconds per call (best of three runs of the whole loop, divided by n)."""
    return min(_timed(fn)[0] for _ in range(3)) / n


WALL: dict[str, float] = {}  # wall-clock best rounds of the last paired(), for the printout


def paired(
    fa: Callable[[], object], na: int, fb: Callable[[], object], nb: int, rounds: int = 3
) -> tuple[float, float]:
    """CPU seconds per call of two loops timed alternately (best of ``rounds`` each).

    The machine is shared, so load drifts; alternating the two loops round by round
    exposes both to the same load, which keeps their ratio honest. The wall-clock
    best rounds are left in ``WALL`` (``a``, ``b``).
    """
    best_a = best_b = wall_a = wall_b = float("inf")
    for _ in range(rounds):
        cpu, wall = _timed(fa)
        best_a, wall_a = min(best_a, cpu / na), min(wall_a, wall / na)
        cpu, wall = _timed(fb)
        best_b, wall_b = min(best_b, cpu / nb), min(wall_b, wall / nb)
    WALL.update(a=wall_a, b=wall_b)
    return best_a, best_b


def plain_russia() -> ProductionCalendar:
    """russia() without working weekend days and shortened days (what pandas can express)."""
    years = [
        YearData(year=y.year, holidays=y.holidays, days_off=y.days_off, source=y.source)
        for y in russia().years
    ]
    return ProductionCalendar(name="RU-plain", years=tuple(years))


def fmt(seconds: float) -> str:
    return f"{seconds * 1e6:8.2f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run (a few seconds)")
    args = parser.parse_args()
    n = 5_000 if args.quick else 100_000
    n_pandas = 2_000 if args.quick else 100_000
    n_btd = 300 if args.quick else 2_000

    import pandas as pd

    rng = random.Random(2024)
    base = dt.datetime(2024, 1, 1, tzinfo=MSK)
    starts = [base + dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)) for _ in range(n)]
    minutes = [dt.timedelta(minutes=rng.randint(1, 40 * 60)) for _ in range(n)]
    hours = [rng.randint(1, 40) for _ in range(n)]

    plain = plain_russia()
    ours = WorkCalendar.weekly(MSK, {"mon-fri": "09:00-18:00"}, holidays=plain)
    full = WorkCalendar.weekly(MSK, {"mon-fri": "09:00-18:00"}, holidays=russia())
    ours.add(starts[0], H)  # build the tables once, outside the timing
    full.add(starts[0], H)

    for _ in range(2):  # warm up (CPU caches, frequency) before the first timing
        [ours.add(s, d) for s, d in zip(starts, minutes, strict=False)]
    print(f"calendar: Mon-Fri 09:00-18:00 Europe/Moscow with Russian holidays; n={n:,}")
    t_min = per_call(lambda: [ours.add(s, d) for s, d in zip(starts, minutes, strict=False)], n)
    t_full = per_call(lambda: [full.add(s, d) for s, d in zip(starts, minutes, strict=False)], n)
    hour_td = [h * H for h in hours]
    t_hours = per_call(lambda: [ours.add(s, d) for s, d in zip(starts, hour_td, strict=False)], n)
    print(f"supportkit add, 1 min..40 h           {fmt(t_min)}")
    print(f"supportkit add, 1 min..40 h, russia() {fmt(t_full)}")
    print(f"supportkit add, 1..40 h               {fmt(t_hours)}")
    # Starts in another zone than the calendar's (UTC, or a "+03:00" offset as parsed
    # from an export) take the general path; the day index needs the calendar's zone.
    utc_starts = [s.astimezone(dt.timezone.utc) for s in starts]
    plus3 = [dt.datetime.fromisoformat(s.isoformat()) for s in starts]
    t_utc = per_call(lambda: [ours.add(s, d) for s, d in zip(utc_starts, hour_td, strict=False)], n)
    t_plus3 = per_call(lambda: [ours.add(s, d) for s, d in zip(plus3, hour_td, strict=False)], n)
    print(f"supportkit add, 1..40 h, starts in UTC {fmt(t_utc)}   (general path)")
    print(f"supportkit add, 1..40 h, '+03:00'      {fmt(t_plus3)}   (general path)")

    # pandas: naive Moscow wall-clock times (Moscow has had no DST since 2014).
    days_off = sorted(d for y in plain.years for d in y.holidays | y.days_off if d.weekday() < 5)
    offsets = {
        h: pd.offsets.CustomBusinessHour(n=h, start="09:00", end="18:00", holidays=days_off)
        for h in range(1, 41)
    }
    p_starts = [pd.Timestamp(s.replace(tzinfo=None)) for s in starts[:n_pandas]]
    p_hours = hours[:n_pandas]
    t_hours, t_pandas = paired(
        lambda: [ours.add(s, d) for s, d in zip(starts, hour_td, strict=False)],
        n,
        lambda: [s + offsets[h] for s, h in zip(p_starts, p_hours, strict=False)],
        n_pandas,
    )
    wall_ours, wall_pandas = WALL["a"], WALL["b"]
    print(f"supportkit add, 1..40 h (paired)      {fmt(t_hours)}   wall {fmt(wall_ours)}")
    print(
        f"pandas CustomBusinessHour, 1..40 h    {fmt(t_pandas)}   wall {fmt(wall_pandas)}"
        f"   (n={n_pandas:,})"
    )
    print(
        f"ratio pandas / supportkit (add)        {t_pandas / t_hours:8.1f}x CPU time, "
        f"{wall_pandas / wall_ours:.1f}x wall clock"
    )

    same = closing = other = 0
    examples: list[str] = []
    for s, h, p in zip(
        starts,
        p_hours,
        (s + offsets[h] for s, h in zip(p_starts, p_hours, strict=False)),
        strict=False,
    ):
        mine = ours.add(s, h * H)
        theirs = p.to_pydatetime().replace(tzinfo=MSK)
        if mine == theirs:
            same += 1
        elif (
            mine.time() == dt.time(18)
            and ours.next_open(mine + dt.timedelta(microseconds=1)) == theirs
        ):
            closing += 1
        else:
            other += 1
            if len(examples) < 3:
                examples.append(f"{s.isoformat()} + {h} h: ours {mine}, pandas {theirs}")
    print(
        f"results: {same:,} identical, {closing:,} pandas-at-closing (ours = 18:00, "
        f"pandas = next opening), {other:,} other differences"
    )
    for line in examples:
        print("   ", line)

    # Cost must not grow with the duration.
    long_td = 2000 * H
    t_1h, t_2000h = paired(
        lambda: [ours.add(s, H) for s in starts],
        n,
        lambda: [ours.add(s, long_td) for s in starts],
        n,
    )
    ends_1h = [s + H for s in starts]
    ends_long = [s + dt.timedelta(days=500) for s in starts]
    ours.between(starts[0], ends_long[-1] + dt.timedelta(days=400))  # build the tables first
    t_b1, t_b2 = paired(
        lambda: [ours.between(s, e) for s, e in zip(starts, ends_1h, strict=False)],
        n,
        lambda: [ours.between(s, e) for s, e in zip(starts, ends_long, strict=False)],
        n,
    )
    print(f"supportkit add 1 h {fmt(t_1h)}, 2,000 h {fmt(t_2000h)}: ratio {t_2000h / t_1h:.2f}")
    print(f"supportkit between 1 h {fmt(t_b1)}, 500 days {fmt(t_b2)}: ratio {t_b2 / t_b1:.2f}")
    utc_ends = [e.astimezone(dt.timezone.utc) for e in ends_1h]
    t_b_utc = per_call(
        lambda: [ours.between(s, e) for s, e in zip(utc_starts, utc_ends, strict=False)], n
    )
    print(f"supportkit between 1 h, UTC inputs {fmt(t_b_utc)}   (general path)")

    # businesstimedelta (walks interval by interval; holidays given the Moscow zone).
    import businesstimedelta as btd
    import pytz

    ptz = pytz.timezone("Europe/Moscow")
    rules = btd.Rules(
        [
            btd.WorkDayRule(
                start_time=dt.time(9), end_time=dt.time(18), working_days=[0, 1, 2, 3, 4], tz=ptz
            ),
            btd.HolidayRule(days_off, tz=ptz),
        ]
    )
    b_starts = starts[:n_btd]
    b_minutes = minutes[:n_btd]
    ends_30 = [s + dt.timedelta(days=30) for s in starts]
    t_min_again, t_btd = paired(
        lambda: [ours.add(s, d) for s, d in zip(starts, minutes, strict=False)],
        n,
        lambda: [
            s + btd.BusinessTimeDelta(rules, timedelta=d)
            for s, d in zip(b_starts, b_minutes, strict=False)
        ],
        n_btd,
    )
    t_our_between, t_btd_between = paired(
        lambda: [ours.between(s, e) for s, e in zip(starts, ends_30, strict=False)],
        n,
        lambda: [rules.difference(s, s + dt.timedelta(days=30)) for s in b_starts],
        n_btd,
    )
    agree = sum(
        (s + btd.BusinessTimeDelta(rules, timedelta=d)) == ours.add(s, d)
        for s, d in zip(b_starts, b_minutes, strict=False)
    )
    print(f"businesstimedelta add, 1 min..40 h    {fmt(t_btd)}   (n={n_btd:,})")
    print(f"ratio businesstimedelta / supportkit   {t_btd / t_min_again:8.1f}x (add)")
    print(f"businesstimedelta between 30 days     {fmt(t_btd_between)}")
    print(f"supportkit between 30 days            {fmt(t_our_between)}")
    print(f"ratio businesstimedelta / supportkit   {t_btd_between / t_our_between:8.1f}x (between)")
    print(f"businesstimedelta add agrees on {agree:,} of {n_btd:,} cases")


if __name__ == "__main__":
    main()
