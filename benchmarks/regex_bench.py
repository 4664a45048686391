"""Benchmark: how to run many ``/regex/`` phrases over a message (issue 17 point 2).

Workload: R regex phrases (default 285, the share of a 50,000-rule set in
``rules_bench.py``: its ``{stem}(а|о){stem}\\w*`` shape plus a few real-life shapes such
as ``инн\\s*\\d{10,12}``) and M normalised messages of about 320 characters built from
the Russian seed articles (``rules_bench.seed_sentences``), one in ten carrying a match.
Timed in the same process (CPU time, best of ``--rounds``), each finding the set of
regexes that match each message:

- ``run all``: every regex searched on every message (the reference result);
- ``one literal``: the engine before: a regex runs only when its longest top-level
  literal occurs (``required_literal``);
- ``prefilter``: AND-of-OR literal clauses derived from the pattern
  (``supportkit.rules._prefilter``), checked with ``in``;
- ``indexed`` (ours, what the engine runs from ``INDEX_FROM`` regexes on): the same
  prefilters in one ``RegexIndex``: word-character literals are found through the
  message's words (one cached look-up per word; the words are computed before timing,
  as the engine's phrase scan has them already), the other literals with ``in`` (or,
  past ``PAIRS_FROM`` of them, under their rarest character pair), so a message is
  checked against all regexes at once instead of one Python call per regex;
- ``alternation``: all regexes in one ``regex`` pattern with named groups, scanned
  with ``finditer(overlapped=True)``; it also counts the matches it MISSES: at a
  position only the first alternative that matches is reported, so a regex whose
  match starts where another's does is lost (the correct variant, a lookahead per
  regex at every position, costs R lookaheads per character).

Run: ``python benchmarks/regex_bench.py`` (``--quick`` for a small run).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rules_bench import SEEDS, message, seed_sentences
from supportkit.rules import normalize
from supportkit.rules._phrases import required_literal, tokenize
from supportkit.rules._prefilter import RegexIndex, passes, prefilter

REAL = [
    r"инн\s*\d{10,12}",
    r"(?:выплат|перевод)\w* задерж",
    r"заявк[аиу] №?\s*\d+",
    r"\d{4} \d{4} \d{4} \d{4}",
    r"не (?:приш|поступ)\w*",
    r"чек[аиу]? не",
]


SYLLABLES = [c + v for c in "бвгдзклмнпрстфхчшщ" for v in "аеиоуя"]


def pseudo_noun(rnd: random.Random) -> str:
    """A word-like stem (the rule benchmark used these before it took dictionary words)."""
    return "".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 3))) + "к"


def patterns(n: int, rnd: random.Random) -> list[str]:
    out = list(REAL)
    while len(out) < n:
        stem = pseudo_noun(rnd)
        out.append(f"{stem[:3]}(а|о){stem[4:6]}\\w*")
    return out[:n]


def texts(m: int, rnd: random.Random, pats: Sequence[str]) -> list[str]:
    sentences = seed_sentences(SEEDS)
    out = []
    for i in range(m):
        insert = None
        if i % 10 == 0:  # a match of some generated regex
            p = rnd.choice(pats[len(REAL) :])
            insert = p.replace("(а|о)", rnd.choice("ао")).replace("\\w*", "ка")
        out.append(normalize(message(rnd, sentences, insert)))
    return out


Runner = Callable[[str], set[int]]


def run_all(compiled: list[regex.Pattern[str]]) -> Runner:
    def run(text: str) -> set[int]:
        return {i for i, p in enumerate(compiled) if p.search(text)}

    return run


def one_literal(pats: Sequence[str], compiled: list[regex.Pattern[str]]) -> Runner:
    items = [
        (i, p, required_literal(s)) for i, (s, p) in enumerate(zip(pats, compiled, strict=True))
    ]

    def run(text: str) -> set[int]:
        return {i for i, p, lit in items if (not lit or lit in text) and p.search(text)}

    return run


def ours(pats: Sequence[str], compiled: list[regex.Pattern[str]]) -> Runner:
    items = [(i, p, prefilter(s)) for i, (s, p) in enumerate(zip(pats, compiled, strict=True))]

    def run(text: str) -> set[int]:
        return {i for i, p, cond in items if (not cond or passes(cond, text)) and p.search(text)}

    return run


def indexed(compiled: list[regex.Pattern[str]], corpus: Sequence[str]) -> Runner:
    index = RegexIndex([p.pattern for p in compiled])
    words = {text: tokenize(text) for text in corpus}  # the engine's scan has them already

    def run(text: str) -> set[int]:
        return {i for i in index.candidates(text, words[text]) if compiled[i].search(text)}

    return run


def alternation(pats: Sequence[str]) -> Runner:
    big = regex.compile("|".join(f"(?P<r{i}>{p})" for i, p in enumerate(pats)))

    def run(text: str) -> set[int]:
        return {int(m.lastgroup[1:]) for m in big.finditer(text, overlapped=True) if m.lastgroup}

    return run


def timed(func: Runner, corpus: Sequence[str], rounds: int) -> tuple[float, list[set[int]]]:
    best = float("inf")
    result: list[set[int]] = []
    for _ in range(rounds):
        start = time.process_time()
        result = [func(t) for t in corpus]
        best = min(best, time.process_time() - start)
    return best, result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regexes", type=int, default=285)
    parser.add_argument("--messages", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    m = 500 if args.quick else args.messages
    rnd = random.Random(17)
    pats = patterns(args.regexes, rnd)
    corpus = texts(m, rnd, pats)
    compiled = [regex.compile(p) for p in pats]
    base, truth = timed(run_all(compiled), corpus, args.rounds)
    hits = sum(map(len, truth))
    print(f"{len(pats)} regexes x {m} messages of ~320 characters; {hits} matches")
    print(f"  {'run all':<12} {base * 1000 / m:7.3f} ms/message  1.00x")
    for name, runner in (
        ("one literal", one_literal(pats, compiled)),
        ("prefilter", ours(pats, compiled)),
        ("indexed", indexed(compiled, corpus)),
        ("alternation", alternation(pats)),
    ):
        took, found = timed(runner, corpus, args.rounds)
        missed = sum(len(t - f) for t, f in zip(truth, found, strict=True))
        extra = sum(len(f - t) for t, f in zip(truth, found, strict=True))
        print(
            f"  {name:<12} {took * 1000 / m:7.3f} ms/message  {base / took:5.2f}x faster"
            f"  missed {missed}, extra {extra}"
        )
    usable = sum(bool(prefilter(p)) for p in pats)
    print(f"  prefilter: {usable}/{len(pats)} regexes have usable literals")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
