"""Extract the test corpus of Russian sentences from the seed articles.

Writes ``tests/text/data/seed_sentences.txt``: one sentence a line, 20-300
characters, with at least three Cyrillic words, deduplicated, in article order. The
tests and ``benchmarks/normalise_bench.py`` build look-alike and keyboard-layout
variants from it.

Run::

    python scripts/extract_seed_sentences.py [SEEDS_DIR]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests/text/data/seed_sentences.txt"
_SENTENCE_RE = re.compile(r"[^.!?\n]+[.!?]?")
_CYRILLIC_WORD_RE = re.compile(r"[А-Яа-яЁё]{2,}")


def main(argv: list[str]) -> int:
    """Write the sentences and report how many."""
    seeds = Path(argv[0]) if argv else ROOT.parent / "shared/seeds"
    seen: dict[str, None] = {}
    for path in sorted(seeds.glob("*.txt")):
        for line in path.read_text("utf-8").splitlines():
            for m in _SENTENCE_RE.finditer(line):
                sentence = " ".join(m.group().split())
                if 20 <= len(sentence) <= 300 and len(_CYRILLIC_WORD_RE.findall(sentence)) >= 3:
                    seen.setdefault(sentence)
    OUT.write_text("\n".join(seen) + "\n", "utf-8")
    print(f"wrote {len(seen)} sentences to {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
