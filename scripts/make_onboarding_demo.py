"""Generate the demo's mass onboarding: 800 self-employed contractors invited at once.

A client sends a list of 800 people on Monday 11 November 2024 at 10:00 Moscow time;
each gets an invitation link. People then move through the self-employed flow at their
own pace; some stall, some withdraw, a few are rejected at the НПД status check, and
operators phone the slow ones (those steps are recorded with ``actor="support"``). The
data stops at the moment the demo looks at it: Thursday 14 November, 12:00.

Seeded and reproducible: ``python scripts/make_onboarding_demo.py`` rewrites
``src/supportkit/data/demo_journeys.jsonl`` byte for byte (a test checks this).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from supportkit.onboarding import Journey, flows

MSK = ZoneInfo("Europe/Moscow")
INVITED = dt.datetime(2024, 11, 11, 10, 0, tzinfo=MSK)
NOW = dt.datetime(2024, 11, 14, 12, 0, tzinfo=MSK)
COUNT = 800
SEED = 20241111
OUT = Path(__file__).resolve().parent.parent / "src" / "supportkit" / "data" / "demo_journeys.jsonl"

# (event, chance to go on, median delay in minutes when self-paced)
STEPS = (
    ("register", 0.86, 300),
    ("fill_profile", 0.93, 25),
    ("verify_passport", 0.92, 15),
    ("confirm_status", 0.82, 240),
    ("grant_permissions", 0.90, 60),
    ("sign_contract", 0.96, 30),
)


def inn(rng: random.Random) -> str:
    """A random individual's INN with correct check digits."""
    digits = [rng.randint(0, 9) for _ in range(10)]
    w11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    w12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    digits.append(sum(a * b for a, b in zip(w11, digits, strict=True)) % 11 % 10)
    digits.append(sum(a * b for a, b in zip(w12, digits, strict=True)) % 11 % 10)
    return "".join(map(str, digits))


def waking(at: dt.datetime) -> dt.datetime:
    """Move a night-time moment (23:00-08:00 Moscow) to the next morning."""
    local = at.astimezone(MSK)
    if local.hour >= 23:
        local = (local + dt.timedelta(days=1)).replace(hour=8, minute=0)
    elif local.hour < 8:
        local = local.replace(hour=8, minute=0)
    return local


def operator_time(at: dt.datetime) -> dt.datetime:
    """The next moment an operator shift (08:00-20:00 Moscow) is on."""
    local = at.astimezone(MSK)
    if local.hour >= 20:
        local = (local + dt.timedelta(days=1)).replace(hour=8, minute=0)
    elif local.hour < 8:
        local = local.replace(hour=8, minute=0)
    return local


def person(i: int, rng: random.Random) -> dict[str, Any]:
    """One contractor's journey, as the JSON form."""
    flow = flows.self_employed()
    start = INVITED + dt.timedelta(seconds=2 * i)
    journey = flow.start(f"c{i:04d}", at=start, client="ООО «Быстрая доставка»", city="Казань")
    at = start
    phoned = False
    for event, go_on, median in STEPS:
        if rng.random() > go_on:
            # Stalled here: some give up explicitly, the rest just go quiet.
            if rng.random() < 0.2:
                later = waking(at + dt.timedelta(hours=rng.uniform(2, 30)))
                if later < NOW:
                    journey = journey.fire("withdraw", at=later)
            elif event == "confirm_status" and rng.random() < 0.35:
                later = operator_time(at + dt.timedelta(hours=rng.uniform(1, 20)))
                if later < NOW:
                    journey = journey.fire(
                        "reject",
                        at=later,
                        actor="support",
                        reason="не может быть самозанятым: есть наёмные работники",
                    )
            break
        delay = dt.timedelta(minutes=median * rng.lognormvariate(0, 1.3))
        at = waking(at + delay)
        actor = "subject"
        if at - start > dt.timedelta(hours=20) and not phoned and rng.random() < 0.12:
            # Slow: an operator phones and walks them through this step.
            phoned = True
            actor = "support"
            at = operator_time(start + dt.timedelta(hours=rng.uniform(22, 50)))
            at = max(at, journey.last_at)
        if at >= NOW:
            break
        data: dict[str, Any] = {}
        if event == "confirm_status":
            data = {"inn": inn(rng), "npd_registered": True}
        elif event == "grant_permissions":
            data = {"permissions": ["income_registration", "income_view", "profile_view"]}
        journey = journey.fire(event, at=at, actor=actor, **data)
    return compact(journey)


def compact(journey: Journey) -> dict[str, Any]:
    """The journey's JSON form without the derivable ``from``/``to`` of each step."""
    out = journey.to_dict()
    for step in out["history"]:
        del step["from"], step["to"]
    return out


def main() -> None:
    """Write the demo journeys (or print a summary with ``--check``)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rng = random.Random(SEED)
    lines = [json.dumps(person(i, rng), ensure_ascii=False, sort_keys=True) for i in range(COUNT)]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} journeys to {args.out}")


if __name__ == "__main__":
    main()
