"""The seed-sentence look-alike corpus, shared by the normalisation tests and
``benchmarks/normalise_bench.py`` so both measure the same thing."""

from __future__ import annotations

import random
import re
from pathlib import Path

from supportkit.text._tables import CYRILLIC_TO_LATIN, DIGIT_LOOKALIKES

SENTENCES = (Path(__file__).parent / "data/seed_sentences.txt").read_text("utf-8").splitlines()
_CYR_WORD = re.compile(r"[А-Яа-яЁё]+")
_DIGIT_OF = {letter: digit for digit, letter in DIGIT_LOOKALIKES.items()}


def mutate(sentence: str, rng: random.Random) -> str:
    """Swap fewer than half of the letters of each Cyrillic word for look-alikes."""

    def one(m: re.Match[str]) -> str:
        word = list(m.group())
        slots = [i for i, c in enumerate(word) if c in CYRILLIC_TO_LATIN]
        budget = (len(word) - 1) // 2
        for i in rng.sample(slots, min(budget, len(slots), rng.randint(0, budget))):
            inner = 0 < i < len(word) - 1
            if inner and word[i] in _DIGIT_OF and rng.random() < 0.3:
                word[i] = _DIGIT_OF[word[i]]
            else:
                word[i] = CYRILLIC_TO_LATIN[word[i]]
        return "".join(word)

    return _CYR_WORD.sub(one, sentence)
