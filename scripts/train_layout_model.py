"""Train the compact character-statistics model behind ``fix_layout`` and ``from_translit``.

Russian: the support articles in ``shared/seeds/`` (real Russian text). English: the
package descriptions (``*.dist-info/METADATA``) of the installed Python packages, which
are English prose. For each language the model keeps, as integer scores (log10 x 100),
the probability of each letter given the two before it (with ``^``/``$`` marking word
edges), interpolated with the letter-pair and single-letter probabilities; trigrams seen
fewer than ``MIN_COUNT`` times fall back to the pair score. It also keeps the most
frequent one- and two-letter words, and the thresholds ``fix_layout`` uses, chosen here
on the training words and reported.

Run::

    python scripts/train_layout_model.py [--seeds DIR] [--english FILE ...]
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import re
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/supportkit/data/layout_model.json"
RU_ALPHABET = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
EN_ALPHABET = "abcdefghijklmnopqrstuvwxyz'"
MIN_COUNT = 2
LAMBDAS = (0.7, 0.25, 0.05)
FLOOR = -600


def words(text: str, alphabet: str) -> list[str]:
    """Lower-cased words made only of ``alphabet`` (``ё`` folded to ``е``)."""
    text = text.lower().replace("ё", "е").replace("\u2019", "'")
    return re.findall(f"[{re.escape(alphabet)}]+", text)


def train(corpus: list[str], alphabet: str) -> dict[str, object]:
    """Interpolated trigram scores for one language."""
    tri: collections.Counter[str] = collections.Counter()
    bi: collections.Counter[str] = collections.Counter()
    uni: collections.Counter[str] = collections.Counter()
    ctx2: collections.Counter[str] = collections.Counter()
    ctx1: collections.Counter[str] = collections.Counter()
    for word in corpus:
        padded = "^^" + word.strip("'") + "$"
        for i in range(2, len(padded)):
            tri[padded[i - 2 : i + 1]] += 1
            ctx2[padded[i - 2 : i]] += 1
            bi[padded[i - 1 : i + 1]] += 1
            ctx1[padded[i - 1]] += 1
            uni[padded[i]] += 1
    total = sum(uni.values())
    symbols = len(alphabet) + 1
    l3, l2, l1 = LAMBDAS

    def p_uni(c: str) -> float:
        return (uni[c] + 1) / (total + symbols)

    def p_bi(b: str) -> float:
        return bi[b] / ctx1[b[0]] if ctx1[b[0]] else 0.0

    def score(p: float) -> int:
        return max(FLOOR, round(100 * math.log10(p)))

    trigrams = {
        t: score(l3 * n / ctx2[t[:2]] + l2 * p_bi(t[1:]) + l1 * p_uni(t[2]))
        for t, n in sorted(tri.items())
        if n >= MIN_COUNT
    }
    bigrams = {b: score((l3 + l2) * p_bi(b) + l1 * p_uni(b[1])) for b in sorted(bi)}
    unigrams = {c: score(p_uni(c)) for c in sorted(set(alphabet) | {"$"})}
    return {"trigrams": trigrams, "bigrams": bigrams, "unigrams": unigrams}


def english_corpus(paths: list[Path]) -> str:
    """English prose: the given files, or the installed packages' descriptions."""
    if not paths:
        site = Path(sysconfig.get_paths()["purelib"])
        paths = sorted(site.glob("*.dist-info/METADATA"))
    texts = []
    for path in paths:
        text = path.read_text("utf-8", errors="replace")
        text = re.sub(r"https?://\S+|`[^`]*`|\S+@\S+|\S*[_/\\=<>{}]\S*", " ", text)
        texts.append(text)
    return "\n".join(texts)


def short_words(corpus: list[str], top: int) -> list[str]:
    """The ``top`` most frequent words of one or two letters."""
    counts = collections.Counter(
        w for w in corpus if w.isalpha() and (len(w) == 2 or w in "aiаявиуокс")
    )
    return sorted(w for w, _ in counts.most_common(top))


def main(argv: list[str] | None = None) -> int:
    """Train, evaluate on the training words, and write the model."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared/seeds")
    parser.add_argument("--english", type=Path, nargs="*", default=[])
    args = parser.parse_args(argv)
    russian_text = "\n".join(p.read_text("utf-8") for p in sorted(args.seeds.glob("*.txt")))
    ru_words = words(russian_text, RU_ALPHABET)
    en_words = words(english_corpus(args.english), EN_ALPHABET)
    model = {
        "about": "Character trigram scores (log10 x 100) for fix_layout/from_translit; "
        "trained by scripts/train_layout_model.py",
        "trained_on": {
            "ru": f"{len(ru_words)} words of shared/seeds/*.txt",
            "en": f"{len(en_words)} words of installed packages' METADATA descriptions",
        },
        "floor": FLOOR,
        "ru": train(ru_words, RU_ALPHABET),
        "en": train(en_words, EN_ALPHABET),
        "ru_short": short_words(ru_words, 40),
        "en_short": short_words(en_words, 40),
    }
    OUT.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    ru_model = model["ru"]
    en_model = model["en"]
    assert isinstance(ru_model, dict)
    assert isinstance(en_model, dict)
    print(
        f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KiB): "
        f"ru {len(ru_words)} words, {len(ru_model['trigrams'])} trigrams; "
        f"en {len(en_words)} words, {len(en_model['trigrams'])} trigrams",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
