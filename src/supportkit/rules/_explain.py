"""``RuleSet.explain()``: why did (or didn't) my rule fire?

For each condition: held or failed, with the ticket's value. For each phrase that was
not found: where else it occurs (another field), which option would have found it
(look-alike repair, keyboard layout, transliteration, match keys, words in between),
and the nearest word of the text with what separates them (mixed scripts with the
letter and position, a typo distance, a different dictionary word: its lemma and
reading beside the phrase word's). For each phrase found: which text word matched each
phrase word, as which lemma and reading (and whether the dictionary knew the word or
pymorphy3's guesser read it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from supportkit._ticket import Ticket, as_ticket
from supportkit.rules._book import RuleBook
from supportkit.rules._load import Options
from supportkit.rules._matcher import Matcher
from supportkit.rules._model import field_equals
from supportkit.rules._phrases import Phrase, Word, damerau
from supportkit.rules._results import Explanation
from supportkit.rules._scan import Scan, scan_ticket
from supportkit.rules._text import tone_of
from supportkit.text import normalize
from supportkit.text._aspect import with_partners
from supportkit.text._morphology import kept_readings, readings, same_word

__all__ = ["explain"]

_TEXT_FIELDS = ("subject", "body")
_ALTERNATIVES: tuple[tuple[str, Any, str], ...] = (
    ("repair", True, "look-alike repair on (options.repair = true)"),
    ("layout", True, "keyboard-layout fixing on (options.layout = true)"),
    ("translit", True, "transliteration on (options.translit = true)"),
    ("keys", True, "script-neutral match keys on (options.keys = true)"),
    ("typos", True, "typo tolerance on (options.typos = true)"),
    ("gap", 3, "other words allowed in between (options.gap = 3)"),
)


def _script(char: str) -> str:
    if "a" <= char.lower() <= "z":
        return "Latin"
    if "\u0400" <= char <= "\u04ff":
        return "Cyrillic"
    if char.isdigit():
        return "digit"
    return "other"


def _foreign_letters(word: str) -> str:
    scripts = [_script(c) for c in word]
    letters = [s for s in scripts if s in ("Latin", "Cyrillic")]
    if not letters:
        return ""
    main = max(set(letters), key=letters.count)
    odd = [
        f"{scripts[i]} `{c}` at {i}"
        for i, c in enumerate(word)
        if scripts[i] != main and scripts[i] != "other"
    ]
    return ", ".join(odd)


def _found(
    phrase: Phrase,
    ticket: Ticket,
    fields: tuple[str, ...],
    options: Options,
    synonyms: tuple[tuple[str, ...], ...] = (),
) -> bool:
    matcher = Matcher([phrase], options, synonyms=synonyms)
    scan = scan_ticket(matcher, ticket, fields, options)
    return scan.has(0, fields)


def _shared_prefix(a: str, b: str) -> int:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return size


def _reading(word: str) -> str:
    """The phrase word's own reading(s), for an account of a miss."""
    kept = kept_readings(word)
    return " or ".join(dict.fromkeys(str(r) for r in kept[:3]))


def _nearest(phrase: Phrase, scan: Scan, fields: tuple[str, ...]) -> str | None:
    target = phrase.words[0].text if len(phrase.words) == 1 else None
    if target is None:
        return None
    limit = 1 if len(target) < 5 else 2 if len(target) < 9 else 3
    best: tuple[int, str, int] | None = None
    for field in fields:
        for i, token in enumerate(scan.tokens.get(field, ())):
            distance = damerau(token, target, limit)
            if distance <= limit and (best is None or distance < best[0]):
                best = (distance, field, i)
    if best is None:
        # No word within a few edits: the nearest is one sharing the longest beginning
        # (выплатить for выплата), if it shares at least four letters.
        longest: tuple[int, str, int] | None = None
        for field in fields:
            for i, token in enumerate(scan.tokens.get(field, ())):
                shared = _shared_prefix(token, target)
                if shared >= min(4, len(target)) and (longest is None or shared > longest[0]):
                    longest = (shared, field, i)
        if longest is None:
            return _related(target, scan, fields)
        token = scan.tokens[longest[1]][longest[2]]
        best = (damerau(token, target, 9), longest[1], longest[2])
    distance, field, i = best
    start, end = scan.span(field, (i, i))
    original = scan.texts[field][start:end]
    token = scan.tokens[field][i]
    where = f"{field} {start}-{end}"
    odd = _foreign_letters(original)
    repaired = normalize(original)
    if odd and (repaired == target or same_word(target, repaired)):
        return (
            f"nearest word `{original}` ({where}) contains {odd} — it matches only with "
            "look-alike repair on"
        )
    if odd:
        return f"nearest word `{original}` ({where}) contains {odd} and is {distance} edit(s) away"
    word = phrase.words[0]
    if distance == 0:
        return f"the word `{original}` ({where}) is there, but not as {word.mode!r} requires"
    if word.mode == "exact" and same_word(word.text, token):
        return (
            f"nearest word `{original}` ({where}) is another form; drop the quotes to "
            "accept any form"
        )
    if word.mode in ("form", "typo") and not same_word(word.text, token):
        advice = (
            f"write `{word.text}~{distance}` to accept it as a typo"
            if distance <= 2 and len(word.text) >= 4
            else "add it as another phrase, or put both words in a synonym group"
        )
        return (
            f"nearest word `{original}` ({where}) is {distance} edit(s) away and is a "
            f"different word: it reads as {readings(token)[0]}, the phrase word "
            f"`{word.text}` as {_reading(word.text)}; {advice}"
        )
    return f"nearest word `{original}` ({where}) is {distance} edit(s) away"


def _related_lemmas(a: str, b: str) -> bool:
    """Lemmas of one family: an aspect pair by prefix (мочь/смочь) or by suffix
    (прийти/приходить), or words sharing their first letters (выплата/выплатить)."""
    if a == b or min(len(a), len(b)) < 3:
        return False
    return a.endswith(b) or b.endswith(a) or _shared_prefix(a, b) >= 3


def _related(target: str, scan: Scan, fields: tuple[str, ...]) -> str | None:
    """A word of the text whose dictionary word is of the phrase word's family."""
    own = [r.lemma for r in kept_readings(target)]
    for field in fields:
        for i, token in enumerate(scan.tokens.get(field, ())):
            reading = readings(token)[0]
            family = list(
                dict.fromkeys(lemma for lemma in own if _related_lemmas(reading.lemma, lemma))
            )
            if reading.source == "dictionary" and family:
                start, end = scan.span(field, (i, i))
                return (
                    f"nearest word `{scan.texts[field][start:end]}` ({field} {start}-{end}) "
                    f"is a form of {reading}, a different dictionary word than "
                    f"`{target}` ({_reading(target)}); put `{reading.lemma}` in a synonym "
                    f"group with {' or '.join(f'`{lemma}`' for lemma in family)} to accept it"
                )
    return None


def _account(matcher: Matcher, word: Word, token: str) -> str:
    """How one text word matched one phrase word: the reading that made it match."""
    if word.mode == "exact":
        return "the exact form"
    if word.mode == "prefix":
        return f"starts with `{word.text}`"
    own = {r.key for r in kept_readings(word.text)}
    lexemes = matcher.lexemes(word.text)
    for reading in readings(token):
        if reading.key in own:
            return f"a form of {reading}"
    partners = with_partners(frozenset(own)) if matcher.options.aspects else frozenset()
    for reading in readings(token):
        if reading.key in partners and reading.key not in own:
            return f"a form of {reading}, the other verb of the aspect pair of `{word.text}`"
    for reading in readings(token):
        if reading.key in lexemes:
            return f"a form of {reading}, in the synonym group of `{word.text}`"
    return f"within {word.typos} typo(s) of `{word.text}`"


def _matched_words(
    matcher: Matcher, scan: Scan, pid: int, phrase: Phrase, fields: tuple[str, ...]
) -> list[str]:
    """For the first occurrence of a word phrase: each phrase word, its text word, why."""
    if phrase.pattern is not None:
        return []
    for field in fields:
        for hit in scan.hits.get(field, {}).get(pid, ()):
            first, last = hit
            tokens = scan.tokens[field]
            out: list[str] = []
            position = first
            for word in phrase.words:
                while position <= last and not matcher.satisfies(word, tokens[position]):
                    position += 1
                if position > last:
                    return []
                token = tokens[position]
                start, end = scan.span(field, (position, position))
                out.append(
                    f"`{word.text}` <- `{scan.texts[field][start:end]}` ({field} {start}-{end}): "
                    f"{_account(matcher, word, token)}"
                )
                position += 1
            return out
    return []


def _phrase_report(
    ruleset: RuleBook, phrase: Phrase, ticket: Ticket, scan: Scan, fields: tuple[str, ...]
) -> str:
    parts = [f"`{phrase.source}` not found in {', '.join(fields)}"]
    if phrase.pattern is not None:
        if any(t.phrase == phrase.source for t in scan.timeouts):
            parts.append("the regex ran out of time (options.regex_timeout) and counts as no match")
        return "; ".join(parts)
    if not phrase.words:
        return f"`{phrase.source}` normalises to no word and can never match"
    others = tuple(f for f in _TEXT_FIELDS if f not in fields)
    synonyms = ruleset._matcher.synonyms
    if others and _found(phrase, ticket, others, ruleset.options, synonyms):
        found_in = [f for f in others if _found(phrase, ticket, (f,), ruleset.options, synonyms)]
        parts.append(f"it occurs in {', '.join(found_in)}, which the rule does not read")
    options = ruleset.options
    near = _nearest(phrase, scan, fields)
    alternative = None
    for name, value, label in _ALTERNATIVES:
        if getattr(options, name) == value:
            continue
        changed = attrs.evolve(options, **{name: value})
        if _found(phrase, ticket, fields, changed, synonyms):
            alternative = f"it would match with {label}"
            break
    if alternative is not None and not (near and "look-alike repair" in near):
        parts.append(alternative)
    if near is not None:
        parts.append(near)
    elif len(phrase.words) > 1 and alternative is None:
        missing = [
            w
            for w in phrase.words
            if not _found(Phrase(w.text, (w,)), ticket, fields, options, synonyms)
        ]
        if missing:
            parts.append(f"missing word(s): {', '.join(f'`{m.text}`' for m in missing)}")
            for word in missing:
                why = _nearest(Phrase(word.text, (word,)), scan, fields)
                if why is not None:
                    parts.append(f"for `{word.text}`: {why}")
        else:
            parts.append(
                "every word occurs, but not in this order next to each other "
                "(options.gap allows words in between)"
            )
    return "; ".join(parts)


def explain(
    ruleset: RuleBook,
    value: Any,
    rule_id: str,
    *,
    at: dt.datetime | str | None = None,
    now: dt.datetime | str | None = None,
    policies: Any = None,
) -> Explanation:
    """Explain one rule for one ticket; see :meth:`RuleSet.explain`."""
    rule = ruleset.rule(rule_id)
    ticket = as_ticket(value)
    evaluation = ruleset.evaluate(ticket, at=at, now=now, policies=policies)
    clock = ruleset.clock(now, policies)
    moment = ticket.created_at
    if at is not None:
        from supportkit._time import to_aware

        moment = to_aware(at, field="at")
    when = rule.when
    fields = when.fields
    scan = ruleset.scan(ticket, tuple(dict.fromkeys((*fields, *_TEXT_FIELDS))))
    lines: list[str] = []
    ok = True

    def check(held: bool, text: str) -> None:
        nonlocal ok
        ok = ok and held
        lines.append(f"  {'held' if held else 'FAILED'}: {text}")

    if not rule.enabled:
        check(held=False, text="the rule is disabled (enabled: false)")
    if when.channel is not None:
        check(ticket.channel in when.channel, f"channel {ticket.channel!r} in {list(when.channel)}")
    if when.priority is not None:
        check(
            ticket.priority in when.priority,
            f"priority {ticket.priority!r} in {list(when.priority)}",
        )
    have = set(ticket.tags)
    if when.tags_any:
        check(
            not have.isdisjoint(when.tags_any),
            f"tags {list(ticket.tags)} include any of {list(when.tags_any)}",
        )
    if when.tags_all:
        check(
            have.issuperset(when.tags_all),
            f"tags {list(ticket.tags)} include all of {list(when.tags_all)}",
        )
    if when.tags_none:
        check(
            have.isdisjoint(when.tags_none),
            f"tags {list(ticket.tags)} include none of {list(when.tags_none)}",
        )
    for key, values in when.equals:
        got = ticket.fields.get(key)
        check(field_equals(got, values), f"fields.{key} = {got!r} is one of {list(values)}")
    for kind, name in (("outside", when.outside), ("inside", when.inside)):
        if name is None:
            continue
        if moment is None:
            check(
                held=False,
                text=f"{kind} {name!r}: the ticket has no created_at (give it one, or a time "
                "to evaluate at: --at on the command line, at= in Python)",
            )
            continue
        is_open = ruleset.calendars[name].is_open(moment)
        check(
            is_open == (kind == "inside"),
            f"{kind} {name!r}: at {moment.isoformat()} the calendar is "
            f"{'open' if is_open else 'closed'}",
        )
    if clock is not None and when.waiting is not None:
        name = when.waiting.calendar
        held, why = when.waiting.check(
            ticket, clock.now, None if name is None else ruleset.calendars[name]
        )
        check(held, f"waiting more than {when.waiting.to_dict()['more_than']}: {why}")
    if clock is not None and when.sla is not None:
        held, why = when.sla.check(clock.report(ticket), clock.now)
        check(held, f"sla {when.sla.to_dict()}: {why}")
    if when.tone:
        signals = tone_of("\n".join(ticket.text(f) for f in fields))
        for name, wanted in when.tone:
            value = bool(signals.is_shouting if name == "shouting" else signals.has_insult)
            check(
                value == wanted,
                f"tone {name} is {str(value).lower()} (wanted {str(wanted).lower()})",
            )
    matcher_phrases = {p.source: i for i, p in enumerate(ruleset._matcher.phrases)}
    found = {p.source: scan.has(matcher_phrases[p.source], fields) for p in rule.phrases}
    if when.any:
        hits = [p.source for p in when.any if found[p.source]]
        check(
            bool(hits), f"any: {', '.join(f'`{h}`' for h in hits) or 'none of the phrases'} found"
        )
        for p in when.any:
            if found[p.source]:
                lines.extend(_words_lines(ruleset, scan, matcher_phrases[p.source], p, fields))
        if not hits:
            lines.extend(
                f"    - {_phrase_report(ruleset, p, ticket, scan, fields)}" for p in when.any
            )
    if when.all:
        misses = [p for p in when.all if not found[p.source]]
        check(not misses, f"all: {len(when.all) - len(misses)} of {len(when.all)} phrases found")
        for p in when.all:
            if found[p.source]:
                lines.extend(_words_lines(ruleset, scan, matcher_phrases[p.source], p, fields))
        lines.extend(f"    - {_phrase_report(ruleset, p, ticket, scan, fields)}" for p in misses)
    if when.none:
        present = [p.source for p in when.none if found[p.source]]
        check(
            not present,
            f"none: {', '.join(f'`{p}`' for p in present) or 'no forbidden phrase'} found",
        )
        for source in present:
            spans = [
                f"{f} {s}-{e}" for f in fields for s, e in _spans(scan, matcher_phrases[source], f)
            ]
            lines.append(f"    - `{source}` found at {', '.join(spans)}")
    if not lines:
        lines.append("  held: the rule has no conditions and matches every ticket")
    stopped = evaluation.stopped_by
    index = ruleset.rules.index(rule)
    blocked = (
        stopped is not None
        and stopped != rule.id
        and ruleset.rule(stopped) in ruleset.rules[:index]
    )
    fired = rule.id in evaluation.matched
    who = "the ticket" if ticket.id is None else f"ticket {ticket.id!r}"
    if fired:
        head = f"Rule {rule.id!r} fired for {who}."
    elif ok and blocked:
        head = f"Rule {rule.id!r} matches {who} but was not reached."
    else:
        head = f"Rule {rule.id!r} did not fire for {who}."
    lines.insert(0, head)
    if blocked:
        lines.append(f"Earlier rule {stopped!r} matched with 'stop': true and ended processing.")
    lines.extend(
        f"Its {item.action} {item.value!r} was overridden by earlier rule {item.kept_rule_id!r}."
        for item in evaluation.overridden
        if item.rule_id == rule.id
    )
    return Explanation(
        rule_id=rule.id,
        fired=fired,
        matched=ok,
        stopped_by=stopped if blocked else None,
        lines=tuple(lines),
        evidence=evaluation.evidence.get(rule.id, ()),
        texts={f: ticket.text(f) for f in fields},
    )


def _words_lines(
    ruleset: RuleBook, scan: Scan, pid: int, phrase: Phrase, fields: tuple[str, ...]
) -> list[str]:
    return [f"    + {line}" for line in _matched_words(ruleset._matcher, scan, pid, phrase, fields)]


def _spans(scan: Scan, pid: int, field: str) -> list[tuple[int, int]]:
    return [scan.span(field, hit) for hit in scan.hits.get(field, {}).get(pid, ())]
