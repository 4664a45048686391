"""Hostile-input timings for the rule engine: evidence spans on a long message (issue 15).

One message of about 1 MB holding the keyword ``выплата`` 30,000 times (and a
version of it with a Latin look-alike in every keyword, so the offset map back to the
original text is used). Timed in the same process, best of ``--rounds``:

- ``evaluate`` alone (the hot path: which rules match; evidence is not computed);
- ``evaluate`` + reading ``.evidence`` (every span, mapped to the original text);
- the same on 1/20 of the message, to show the growth is linear (ratio ~20, not ~400;
  on a shared 2-core machine the 1 MB run also pays cache misses, so 20-35);
- the peer: ``re.finditer`` over the normalised text for the same keyword — the
  floor of any evidence computation (it finds positions only: no word forms, no
  offsets back to the original);
- the quadratic algorithm the engine used before (each span re-ran ``finditer`` from
  the start of the text), on the 1/20 message only — on 1 MB it takes minutes.

Run::

    python benchmarks/hostile_bench.py            # 1 MB, 3 rounds
    python benchmarks/hostile_bench.py --quick    # 200 KB, 1 round
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable, Sequence
from itertools import islice
from typing import Any

from supportkit.rules import RuleSet, normalize

WORD = re.compile(r"\w+")


def best(rounds: int, func: Callable[[], Any]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def message(size: int, hits: int, lookalike: bool = False) -> str:
    unit = "где выплата? "
    if lookalike:
        unit = "где выплaта? "  # Latin a
    return unit * hits + "x" * max(0, size - len(unit) * hits)


def old_quadratic_spans(norm: str, tokens: list[int]) -> int:
    total = 0
    for i in tokens:
        words = list(islice(WORD.finditer(norm), i, i + 1))
        total += words[0].end() - words[0].start()
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    size, hits = (200_000, 6_000) if args.quick else (1_000_000, 30_000)
    rounds = 1 if args.quick else args.rounds
    rs = RuleSet.from_dicts([{"id": "p", "when": {"any": ["выплата"]}, "then": {}}])

    print(f"message: {size:,} characters, the keyword {hits:,} times; best of {rounds}")
    for lookalike in (False, True):
        text = message(size, hits, lookalike)
        small = message(size // 20, hits // 20, lookalike)
        label = "look-alike keywords (offset map)" if lookalike else "plain keywords"
        hot = best(rounds, lambda t=text: rs.evaluate(t))
        full = best(rounds, lambda t=text: len(rs.evaluate(t).evidence["p"]))
        part = best(rounds, lambda t=small: len(rs.evaluate(t).evidence["p"]))
        part_hot = best(rounds, lambda t=small: rs.evaluate(t))
        norm = normalize(text)
        peer = best(rounds, lambda n=norm: sum(1 for _ in re.finditer("выплата", n)))
        assert len(rs.evaluate(text).evidence["p"]) == hits
        print(f"\n{label}")
        print(f"  evaluate (no evidence read)   {hot:8.3f} s")
        print(f"  evaluate + evidence           {full:8.3f} s  ({full / peer:.1f}x re.finditer)")
        print(f"  1/20 of it + evidence         {part:8.3f} s  (growth x{full / part:.1f} for x20)")
        grow = (full - hot) / max(part - part_hot, 1e-9)
        print(f"  evidence alone, full vs 1/20  {full - hot:8.3f} s  (growth x{grow:.1f} for x20)")
        print(f"  peer: re.finditer positions   {peer:8.3f} s")
    small_norm = normalize(message(size // 20, hits // 20))
    tokens = [2 * k + 1 for k in range(hits // 20)]
    old = best(1, lambda: old_quadratic_spans(small_norm, tokens))
    print(f"\nold quadratic spans, 1/20 message: {old:.3f} s (x400 on the full message)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
