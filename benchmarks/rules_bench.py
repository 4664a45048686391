"""Benchmark: the keyword rule engine against a naive regex loop, flashtext and pyahocorasick.

Workload (all in one process, one core): N rules (default 1,000) with 1-5 phrases each
(any-form words, exact forms, prefixes, ``~1`` words, multi-word phrases and a few
regexes; some rules also test channel, tags and forbidden phrases), and M messages
(default 20,000) of about 320 characters built from the real Russian seed articles,
half of them carrying one rule's phrase in another grammatical form.

Rule words are real Russian words: nouns, verbs and adjectives in their dictionary
form, drawn from the OpenCorpora dictionary (through pymorphy3; no names, no rare or
archaic words),
and a message carries a phrase in a random grammatical form *from the dictionary*
(``заявками``, ``пришедшего``, ``людей`` for ``человек``). Every lexeme that occurs in
the seeds is left out of the rules, so an average message matches a realistic number of
rules (about one) instead of every frequent word of the seeds.

Prints messages per CPU-second (of this process) of:

- ``supportkit``: the full pipeline (normalisation with look-alike repair, dictionary
  morphology, the phrase index, every condition, actions; evidence spans are computed
  only when read, and this figure does not read them), cold and warm:

  - *cold*: the first pass over the M messages by a rule set built just after every
    per-word cache of the text layer was emptied (the dictionary stays loaded), after
    200 warm-up messages: what a process that has just started pays, most words new;
  - *warm*: the second pass over the same messages (every word cached): what a
    long-running service sees;

- ``naive re``: a loop over rules with one precompiled ``re`` pattern per phrase on
  lower-cased text (measured on a slice: it is slow);
- ``flashtext``: exact keyword extraction on lower-cased text (``KeywordProcessor``);
- ``pyahocorasick``: exact Aho-Corasick matching on lower-cased text (C);

Cold, warm and flashtext run in 3 alternating rounds (each round rebuilds the rule set
from emptied caches); each keeps its best round and the ratios are of those bests, all
from the same run; the rounds are printed too.

Long messages: the same messages joined 16 at a time and cut at a space before
``--long-chars`` (5,000) characters, so the density of rule phrases is the same and
the figure is the cost of length alone. Printed as characters per CPU-second, warm, at
~320 and at ~5,000 characters, ours and flashtext's (best of the same 3 rounds), and
ours once more reading ``Evaluation.evidence`` (the spans in the original text).

Then throughput for 100 -> 10,000 rules, recall on a perturbed corpus
(look-alikes, invisible characters, inflection, one typo for ``~1`` phrases) and the
false positives normalisation adds on the unperturbed corpus vs plain lower-casing.

Run: ``python benchmarks/rules_bench.py`` (``--quick``: 300 rules x 2,000 messages).
"""

from __future__ import annotations

import argparse
import bisect
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from supportkit import Ticket
from supportkit.rules._engine import RuleSet
from supportkit.text import _morphology, _normalise
from supportkit.text._morphology import _analyzer, phrase_keys

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
LOOKALIKES = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "к": "k"}
INVISIBLE = ("\u00ad", "\u200b", "\u200d", "\u2060")
CHANNELS = ("email", "chat", "messenger")
NONE_WORDS = ("отписаться", "рассылка", "реклама")


def seed_sentences(seeds: Path) -> list[str]:
    if seeds.is_dir():
        text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt")))
    else:  # outside the project workspace: fall back to the demo tickets
        from supportkit._demo import demo_records

        text = "\n".join(r["body"] for r in demo_records())
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        clean = " ".join(sentence.split())
        if 40 <= len(clean) <= 220 and not any(w[:5] in clean.lower() for w in NONE_WORDS):
            out.append(clean)
    return out


class Vocabulary:
    """Real words by part of speech, with their dictionary forms (lazily)."""

    def __init__(self, seeds_text: str, rnd: random.Random) -> None:
        analyzer = _analyzer()
        # Every lexeme the seeds use is left out, so rules fire on inserted phrases.
        common = {
            p.normal_form.replace("ё", "е")
            for w in set(re.findall(r"[а-яё]+", seeds_text.lower()))
            for p in analyzer.parse(w)
        }
        self.seed_words = sorted(
            {w.replace("ё", "е") for w in re.findall(r"[а-яё]+", seeds_text.lower())}
        )
        odd = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr", "Arch", "Infr", "Slng"}
        pools: dict[str, set[str]] = {"NOUN": set(), "INFN": set(), "ADJF": set()}
        letters = "абвгдежзиклмнопрстуфхчшэя"
        for prefix in (a + b for a in letters for b in "аеиоурлнт"):
            for count, (word, tag, normal, _, _) in enumerate(
                analyzer.iter_known_word_parses(prefix)
            ):
                if count > 1500:
                    break
                pos = tag.POS
                if (
                    pos in pools
                    and word == normal
                    and 6 <= len(word) <= 12
                    and word.isalpha()
                    and not odd & tag.grammemes
                ):
                    pools[pos].add(word.replace("ё", "е"))
        self.pools = {
            pos: sorted(w for w in words if w not in common and len(phrase_keys(w)) == 1)
            for pos, words in pools.items()
        }
        self._forms: dict[str, list[str]] = {}
        self.rnd = rnd

    def pick(self, pos: str) -> str:
        return self.rnd.choice(self.pools[pos])

    def prefix(self) -> str:
        """A prefix of a dictionary word that no word of the seeds starts with."""
        while True:
            word = self.pick("NOUN")
            prefix = word[: max(5, len(word) - 3)]
            at = bisect.bisect_left(self.seed_words, prefix)
            if at == len(self.seed_words) or not self.seed_words[at].startswith(prefix):
                return prefix

    def forms(self, word: str) -> list[str]:
        found = self._forms.get(word)
        if found is None:
            keys = phrase_keys(word)
            found = sorted(
                {
                    f.word.replace("ё", "е")
                    for p in _analyzer().parse(word)
                    if p.normal_form.replace("ё", "е") in keys
                    for f in p.lexeme
                }
            ) or [word]
            self._forms[word] = found
        return found


def build_rules(
    n: int, rnd: random.Random, words: Vocabulary, *, regexes: bool = True
) -> list[dict[str, Any]]:
    rules = []
    for i in range(n):
        phrases = []
        for _ in range(rnd.randint(1, 5)):
            kind = rnd.random()
            word = words.pick(rnd.choice(("NOUN", "NOUN", "INFN", "ADJF")))
            if kind < 0.40:
                phrases.append(word)
            elif kind < 0.50:
                phrases.append(f'"{rnd.choice(words.forms(word))}"')
            elif kind < 0.65:
                phrases.append(words.prefix() + "*")
            elif kind < 0.80:
                phrases.append(word + "~1")
            elif kind < 0.998 or not regexes:
                phrases.append(f"{words.pick('ADJF')} {words.pick('NOUN')}")
            else:
                phrases.append(f"/{word[:3]}(а|о){word[4:6]}\\w*/")
        when: dict[str, Any] = {"any": phrases}
        if rnd.random() < 0.3:
            when["channel"] = rnd.sample(CHANNELS, 2)
        if rnd.random() < 0.2:
            when["tags"] = {"none": ["vip"]}
        if rnd.random() < 0.2:
            when["none"] = [rnd.choice(NONE_WORDS)]
        then: dict[str, Any] = {"tags": [f"topic{i % 40}"]}
        if i % 3 == 0:
            then["reply"] = f"t{i % 5}"
        if i % 7 == 0:
            then["priority"] = "high"
        rules.append({"id": f"r{i}", "when": when, "then": then})
    return rules


TEMPLATES = {
    f"t{i}": "Здравствуйте, {fields.customer_name|клиент}! Обращение {id}." for i in range(5)
}


WORDS: Vocabulary | None = None


def inflect(word: str, rnd: random.Random) -> str:
    """A random form of the word from the dictionary."""
    assert WORDS is not None
    return rnd.choice(WORDS.forms(word))


def surface(phrase: str, rnd: random.Random, *, perturb: bool) -> str | None:
    """A text form of a phrase: inflected, and (when perturbing) disguised."""
    if phrase.startswith("/"):
        return None
    if phrase.startswith('"'):
        words = [phrase.strip('"')]
    elif phrase.endswith("*"):
        words = [phrase[:-1] + "ами"]
    else:
        words = [inflect(w, rnd) for w in phrase.replace("~1", "").split()]
    if perturb:
        if phrase.endswith("~1"):
            w = words[0]
            i = rnd.randrange(1, len(w) - 1)
            op = rnd.randrange(3)
            w = (
                w[:i] + w[i + 1 :]
                if op == 0
                else w[:i] + rnd.choice("абвгд") + w[i:]
                if op == 1
                else w[: i - 1] + w[i] + w[i - 1] + w[i + 1 :]
            )
            words[0] = w
        out = []
        for word in words:
            chars = list(word)
            spots = [k for k, c in enumerate(chars) if c in LOOKALIKES]
            for k in rnd.sample(spots, min(len(spots), rnd.randint(1, 2))):
                chars[k] = LOOKALIKES[chars[k]]
            if rnd.random() < 0.5:
                chars.insert(rnd.randrange(1, len(chars)), rnd.choice(INVISIBLE))
            disguised = "".join(chars)
            out.append(disguised.upper() if rnd.random() < 0.2 else disguised)
        words = out
    return " ".join(words)


def message(rnd: random.Random, sentences: Sequence[str], insert: str | None) -> str:
    parts: list[str] = []
    while sum(map(len, parts)) < 300:
        parts.append(rnd.choice(sentences))
    text = " ".join(parts)[:320]
    text = text[: text.rfind(" ")]
    if insert is not None:
        words = text.split(" ")
        words.insert(rnd.randrange(len(words)), insert)
        text = " ".join(words)
    return text


def build_corpus(
    rules: list[dict[str, Any]], m: int, rnd: random.Random, sentences: Sequence[str]
) -> list[Ticket]:
    out = []
    for i in range(m):
        insert = None
        if i % 2 == 0:
            rule = rnd.choice(rules)
            insert = surface(rnd.choice(rule["when"]["any"]), rnd, perturb=False)
        out.append(
            Ticket(
                id=f"M{i}",
                channel=CHANNELS[i % 3],
                body=message(rnd, sentences, insert),
                fields={"customer_name": "Анна"},
            )
        )
    return out


def long_corpus(tickets: Sequence[Ticket], chars: int) -> list[Ticket]:
    """Messages of about ``chars`` characters: consecutive short ones joined (same density
    of rule phrases, so the figure is the cost of length alone), cut at a space."""
    out = []
    per = max(1, -(-chars // 318))
    for k in range(0, len(tickets) - per + 1, per):
        text = " ".join(t.body for t in tickets[k : k + per])[:chars]
        text = text[: text.rfind(" ")] if len(text) == chars else text
        out.append(
            Ticket(
                id=f"L{k}", channel=tickets[k].channel, body=text, fields={"customer_name": "Анна"}
            )
        )
    return out


def fresh_ruleset(rules: list[dict[str, Any]]) -> RuleSet:
    """The rule set as a process that has just loaded it has it: every per-word cache of
    the text layer emptied (the dictionary stays loaded), then the rules built again
    (which caches the readings of the rule words, as loading does)."""
    _morphology.clear_cache()
    _normalise._WORD_CACHE.clear()
    return RuleSet.from_dicts(rules, templates=TEMPLATES)


def with_evidence(ruleset: RuleSet) -> Callable[[Ticket], object]:
    """Evaluate and read the evidence (spans in the original text, computed on reading)."""
    return lambda ticket: ruleset.evaluate(ticket).evidence


def rate(func: Callable[[Ticket], object], tickets: Sequence[Ticket]) -> float:
    # CPU time of this process: on a shared machine wall-clock time mostly measures
    # the other processes. Every contender is measured the same way.
    start = time.process_time()
    for ticket in tickets:
        func(ticket)
    return len(tickets) / (time.process_time() - start)


def naive(rules: list[dict[str, Any]]) -> Callable[[Ticket], list[str]]:
    def stem(word: str) -> str:  # a crude stem: a regex loop has no dictionary
        return word[:-2] if len(word) > 5 else word

    compiled = []
    for rule in rules:
        patterns = []
        for phrase in rule["when"]["any"]:
            if phrase.startswith("/"):
                body = phrase[1:-1]
            elif phrase.startswith('"'):
                body = r"\b" + re.escape(phrase.strip('"')) + r"\b"
            elif phrase.endswith("*"):
                body = r"\b" + re.escape(phrase[:-1]) + r"\w*"
            else:
                body = r"\s+".join(
                    r"\b" + re.escape(stem(w)) + r"\w*" for w in phrase.replace("~1", "").split()
                )
            patterns.append(re.compile(body))
        nones = [re.compile(r"\b" + re.escape(w)) for w in rule["when"].get("none", ())]
        compiled.append((rule["id"], rule["when"].get("channel"), patterns, nones))

    def run(ticket: Ticket) -> list[str]:
        text = ticket.body.lower()
        out = []
        for rule_id, channels, patterns, nones in compiled:
            if channels is not None and ticket.channel not in channels:
                continue
            if any(p.search(text) for p in patterns) and not any(p.search(text) for p in nones):
                out.append(rule_id)
        return out

    return run


def keywords(rules: list[dict[str, Any]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for rule in rules:
        for phrase in rule["when"]["any"]:
            if phrase.startswith("/"):
                continue
            key = phrase.strip('"').rstrip("*").replace("~1", "")
            out.setdefault(key, set()).add(rule["id"])
    return out


def flashtext_runner(rules: list[dict[str, Any]]) -> Callable[[Ticket], set[str]]:
    from flashtext import KeywordProcessor

    table = keywords(rules)
    processor = KeywordProcessor()
    for key in table:
        processor.add_keyword(key)

    def run(ticket: Ticket) -> set[str]:
        found: set[str] = set()
        for key in processor.extract_keywords(ticket.body.lower()):
            found |= table[key]
        return found

    return run


def aho_runner(rules: list[dict[str, Any]]) -> Callable[[Ticket], set[str]]:
    import ahocorasick

    table = keywords(rules)
    automaton = ahocorasick.Automaton()
    for key, ids in table.items():
        automaton.add_word(key, ids)
    automaton.make_automaton()

    def run(ticket: Ticket) -> set[str]:
        found: set[str] = set()
        for _, ids in automaton.iter(ticket.body.lower()):
            found |= ids
        return found

    return run


def recall(
    ruleset: RuleSet,
    rules: list[dict[str, Any]],
    n: int,
    rnd: random.Random,
    sentences: Sequence[str],
) -> tuple[float, list[str]]:
    hits = total = 0
    misses = []
    for i in range(n):
        rule = rnd.choice(rules)
        words = [p for p in rule["when"]["any"] if not p.startswith("/")]
        if not words:
            continue
        text = surface(rnd.choice(words), rnd, perturb=True)
        channel = (rule["when"].get("channel") or CHANNELS)[0]
        ticket = Ticket(id=f"R{i}", channel=channel, body=message(rnd, sentences, text))
        total += 1
        if rule["id"] in ruleset.evaluate(ticket).matched:
            hits += 1
        elif len(misses) < 5:
            misses.append(f"{rule['id']} {rule['when']['any']} <- {text!r}")
    return hits / max(total, 1), misses


def added_false_positives(ruleset: RuleSet, tickets: Sequence[Ticket]) -> tuple[int, list[str]]:
    """Rules that fire only because of normalisation, on unperturbed text."""
    from supportkit.rules import _scan

    ours = [set(ruleset.evaluate(t).matched) for t in tickets]
    real = _scan.normalised
    _scan.normalised = lambda text, options: text.lower()  # type: ignore[assignment]
    try:
        plain = [set(ruleset.evaluate(t).matched) for t in tickets]
    finally:
        _scan.normalised = real
    extra = [
        f"{ticket.id}: {rule_id}"
        for ticket, a, b in zip(tickets, ours, plain, strict=True)
        for rule_id in sorted(a - b)
    ]
    return len(extra), extra[:5]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small run (seconds)")
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--long-chars", type=int, default=5000, help="length of the long messages")
    args = parser.parse_args(argv)
    n_rules, n_msgs = (300, 2000) if args.quick else (args.rules, args.messages)
    rnd = random.Random(20241007)
    sentences = seed_sentences(args.seeds)
    global WORDS  # noqa: PLW0603
    WORDS = Vocabulary(" ".join(sentences), random.Random(1))
    print(", ".join(f"{len(v):,} {k.lower()} lemmas" for k, v in WORDS.pools.items()))
    rules = build_rules(n_rules, rnd, WORDS)
    ruleset = RuleSet.from_dicts(rules, templates=TEMPLATES)
    tickets = build_corpus(rules, n_msgs, rnd, sentences)
    print(
        f"{n_rules} rules, {sum(len(r['when']['any']) for r in rules)} phrases, "
        f"{n_msgs} messages of {sum(len(t.body) for t in tickets) // n_msgs} chars on average"
    )
    matched = sum(len(ruleset.evaluate(t).matched) for t in tickets[:2000]) / min(n_msgs, 2000)
    naive_rate = rate(naive(rules), tickets[: max(50, n_msgs // 100)])
    flash_run = flashtext_runner(rules)
    long_tickets = long_corpus(tickets, args.long_chars)
    best: dict[str, float] = {}
    rounds: list[tuple[float, float, float]] = []
    for _ in range(3):  # alternate the contenders and keep each one's best: the machine is shared
        fresh = fresh_ruleset(rules)  # as in a process that has just started
        for ticket in tickets[:200]:  # warm the word caches as a long-running service would
            fresh.evaluate(ticket)
        figures = {
            "cold": rate(fresh.evaluate, tickets),  # first pass: most words not yet cached
            "warm": rate(fresh.evaluate, tickets),  # second pass: a long-running service
            "flash": rate(flash_run, tickets),
            "long": rate(fresh.evaluate, long_tickets),
            "flash long": rate(flash_run, long_tickets),
            "evidence": rate(with_evidence(fresh), tickets),
            "evidence long": rate(with_evidence(fresh), long_tickets),
        }
        rounds.append((figures["cold"], figures["warm"], figures["flash"]))
        for key, value in figures.items():
            best[key] = max(best.get(key, 0.0), value)
    cold, ours, flash = best["cold"], best["warm"], best["flash"]
    aho = rate(aho_runner(rules), tickets)
    print(f"rules matched per message: {matched:.2f}")
    print(
        "rounds (cold, warm, flashtext msgs/s): "
        + "; ".join(f"{c:,.0f}, {w:,.0f}, {f:,.0f}" for c, w, f in rounds)
    )
    label = "supportkit (first pass, cold)"
    print(f"{label:32} {cold:10,.0f} msgs/s   cold/flashtext = {cold / flash:.2f}")
    print(f"{'supportkit (full pipeline, warm)':32} {ours:10,.0f} msgs/s")
    for name, value in (
        ("naive re loop (per phrase)", naive_rate),
        ("flashtext (exact, lower-cased)", flash),
        ("pyahocorasick (exact, C)", aho),
    ):
        print(f"{name:32} {value:10,.0f} msgs/s   ours/{name.split()[0]} = {ours / value:.2f}")
    short_chars = sum(len(t.body) for t in tickets) / len(tickets)
    long_chars = sum(len(t.body) for t in long_tickets) / len(long_tickets)
    ours_short, ours_long = ours * short_chars, best["long"] * long_chars
    flash_short, flash_long = flash * short_chars, best["flash long"] * long_chars
    print(
        f"long messages ({len(long_tickets):,} of {long_chars:,.0f} chars, warm): supportkit "
        f"{ours_short / 1e6:.2f} M chars/s at {short_chars:.0f} vs {ours_long / 1e6:.2f} M at "
        f"{long_chars:,.0f} ({ours_short / ours_long:.2f}x); flashtext {flash_short / 1e6:.2f} M "
        f"vs {flash_long / 1e6:.2f} M ({flash_short / flash_long:.2f}x)"
    )
    ev_short, ev_long = best["evidence"] * short_chars, best["evidence long"] * long_chars
    print(
        f"  reading .evidence too: {ev_short / 1e6:.2f} M chars/s at {short_chars:.0f} vs "
        f"{ev_long / 1e6:.2f} M at {long_chars:,.0f} ({ev_short / ev_long:.2f}x)"
    )
    sizes = (100, 1000, 3000) if args.quick else (100, 1000, 10000)
    count = 2000 if args.quick else 5000
    speeds: dict[int, float] = {}
    per: dict[int, float] = {}
    built = {}
    for size in sizes:
        # A corpus carrying this set's phrases, so every size
        # matches about as many rules per message: the figure is the cost of the index.
        # No regex phrases here: each regex is checked on its own (see the docs).
        scaled_rules = build_rules(size, random.Random(size), WORDS, regexes=False)
        scaled = RuleSet.from_dicts(scaled_rules, templates=TEMPLATES)
        sample = build_corpus(scaled_rules, count, random.Random(7), sentences)
        for ticket in sample[:200]:
            scaled.evaluate(ticket)
        built[size] = (scaled, sample)
        per[size] = sum(len(scaled.evaluate(t).matched) for t in sample[:500]) / 500
    for _ in range(3):  # alternate the sizes and keep each one's best: the machine is shared
        for size, (scaled, sample) in built.items():
            speeds[size] = max(speeds.get(size, 0.0), rate(scaled.evaluate, sample))
    line = ", ".join(f"{s:,} rules {v:,.0f}/s ({per[s]:.2f} matched)" for s, v in speeds.items())
    cost = speeds[sizes[0]] / speeds[sizes[-1]]
    print(f"scaling: {line}; {sizes[0]:,} -> {sizes[-1]:,} rules costs {cost:.2f}x")
    share, misses = recall(ruleset, rules, 1000 if args.quick else 5000, rnd, sentences)
    print(f"recall on perturbed corpus (look-alikes, invisible, inflection, typos): {share:.2%}")
    for miss in misses:
        print(f"  missed: {miss}")
    extra, examples = added_false_positives(ruleset, tickets[:2000])
    print(f"false positives added by normalisation vs plain lower-casing: {extra}")
    for example in examples:
        print(f"  {example}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
