"""``RuleSet.lint()``: problems that loading cannot reject but that make rules misbehave.

Codes (severity):

- ``empty-phrase`` (error): the phrase normalises to no word, so it never matches.
- ``mixed-script`` (warning): a phrase word mixes Cyrillic and Latin letters.
- ``any-and-none`` (error): the same phrase is required and forbidden.
- ``unreachable`` (error): an earlier enabled ``stop`` rule without conditions matches
  every ticket first.
- ``duplicate-phrase`` (warning): the same phrase twice in one rule.
- ``unknown-template`` (warning): ``reply`` names a template the set does not hold.
- ``unknown-field`` (warning): a template or condition names a custom field outside the
  declared ``fields`` (and has no default).
- ``catastrophic-regex`` (warning): a regex with a nested or overlapping quantifier.
- ``regex-case`` (error): a regex with capital letters, which never occur in normalised text.
- ``regex-cost`` (warning): a regex with no literal every match must contain (no prefilter).
- ``short-prefix`` (warning): a prefix of fewer than 3 letters matches far too much.
- ``several-readings`` (warning): a one-word phrase whose word reads as words of
  different parts of speech (``стали``: ``стать`` and ``сталь``; ``мой``: the pronoun
  and ``мыть``; ``три``: the number and ``тереть``); the message says which readings
  the phrase matches.
- ``synonym-unused`` (warning): a synonym group none of whose words is a phrase word.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import regex

from supportkit.rules._book import RuleBook
from supportkit.rules._phrases import Phrase
from supportkit.rules._prefilter import MIN_ATOM, prefilter
from supportkit.rules._results import LintIssue
from supportkit.rules._text import mixed_words
from supportkit.text._morphology import Reading, kept_readings, readings

__all__ = ["catastrophic", "lint", "several_readings"]

_ESCAPES: Final = regex.compile(r"\\[pP]\{[^}]*\}|\\.")
_QUANT: Final = frozenset("*+{")


def catastrophic(pattern: str) -> bool:
    """Whether a regex has a quantified group that itself contains an unbounded quantifier
    (``(a+)+``, ``(\\w*\\s?)*``) or quantified alternatives that overlap (``(a|ab)*``).

    A heuristic: it errs on the side of warning.
    """
    stack: list[list[object]] = []
    i = 0
    text = pattern
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            end = text.find("]", i + 2)
            i = len(text) if end < 0 else end + 1
            continue
        if char == "(":
            stack.append([False, i])
        elif char == ")" and stack:
            inner, start = stack.pop()
            after = text[i + 1 : i + 2]
            if after in _QUANT:
                if inner:
                    return True
                body = text[int(str(start)) + 1 : i].removeprefix("?:")
                branches = body.split("|")
                if len(branches) > 1 and len({b[:1] for b in branches}) < len(branches):
                    return True
                if stack:
                    stack[-1][0] = True
            elif inner and stack:
                stack[-1][0] = True
        elif stack and (char in "*+" or (char == "{" and regex.match(r"\{\d*,\}", text[i:]))):
            stack[-1][0] = True
        i += 1
    return False


def _key(phrase: Phrase) -> tuple[object, ...]:
    if phrase.pattern is not None:
        return ("regex", phrase.pattern)
    return tuple((w.mode, w.text, w.typos) for w in phrase.words)


def lint(ruleset: RuleBook, *, fields: Sequence[str] | None = None) -> list[LintIssue]:
    """Return every :class:`LintIssue` of ``ruleset``, in rule order."""
    declared = ruleset.fields if fields is None else tuple(fields)
    out: list[LintIssue] = []
    blocker: str | None = None
    for index, rule in enumerate(ruleset.rules):
        where = f"rules[{index}]"
        if blocker is not None:
            out.append(
                LintIssue(
                    "unreachable",
                    rule.id,
                    f"rule {rule.id!r} is never reached: rule {blocker!r} before it has no "
                    "conditions and 'stop': true; add conditions to it or move it last.",
                    "error",
                    where,
                )
            )
        if rule.enabled and rule.stop and rule.when.is_unconditional and blocker is None:
            blocker = rule.id
        seen: dict[tuple[str, tuple[object, ...]], str] = {}
        wanted: dict[tuple[object, ...], str] = {}
        for group in ("any", "all", "none"):
            for i, phrase in enumerate(getattr(rule.when, group)):
                path = f"{where}.when.{group}[{i}]"
                out.extend(_phrase_issues(rule.id, phrase, path))
                key = _key(phrase)
                if (group, key) in seen:
                    out.append(
                        LintIssue(
                            "duplicate-phrase",
                            rule.id,
                            f"{phrase.source!r} repeats {seen[group, key]} (same words after "
                            "normalisation); drop one.",
                            "warning",
                            path,
                        )
                    )
                else:
                    seen[group, key] = f"{group}[{i}]"
                if group != "none":
                    wanted.setdefault(key, f"{group}[{i}]")
                elif key in wanted:
                    out.append(
                        LintIssue(
                            "any-and-none",
                            rule.id,
                            f"{phrase.source!r} is in both {wanted[key]} and none[{i}], so the "
                            "rule can never match through it; remove it from one list.",
                            "error",
                            path,
                        )
                    )
        reply = rule.then.reply
        if reply is not None and reply not in ruleset.templates:
            out.append(
                LintIssue(
                    "unknown-template",
                    rule.id,
                    f"reply template {reply!r} is not in this rule set's templates "
                    f"({sorted(ruleset.templates)}); add it, or make sure the host application "
                    "renders it (Evaluation.reply stays None, reply_template names it).",
                    "warning",
                    f"{where}.then.reply",
                )
            )
        if declared is not None:
            named = [f for f in rule.when.fields if f.startswith("fields.")]
            named += [f"fields.{key}" for key, _ in rule.when.equals]
            out.extend(
                LintIssue(
                    "unknown-field",
                    rule.id,
                    f"condition reads {name!r}, which is not among the declared fields "
                    f"{list(declared)}; fix the name or declare the field.",
                    "warning",
                    f"{where}.when",
                )
                for name in named
                if name[len("fields.") :] not in declared
            )
    if declared is not None:
        for template_id, template in ruleset.templates.items():
            for placeholder in template.placeholders:
                field = placeholder.field
                if field is not None and field not in declared and placeholder.default is None:
                    out.append(
                        LintIssue(
                            "unknown-field",
                            None,
                            f"template {template_id!r} uses {{{placeholder.name}}}, which is not "
                            f"among the declared fields {list(declared)}; fix the name, declare "
                            f"the field or give a default: {{{placeholder.name}|...}}.",
                            "warning",
                            f"templates.{template_id}",
                        )
                    )
    return out


def _phrase_issues(rule_id: str, phrase: Phrase, path: str) -> list[LintIssue]:
    out: list[LintIssue] = []
    if phrase.pattern is not None:
        if catastrophic(phrase.pattern):
            out.append(
                LintIssue(
                    "catastrophic-regex",
                    rule_id,
                    f"regex {phrase.source!r} has a nested or overlapping quantifier and can "
                    "backtrack catastrophically (it then times out and counts as no match); "
                    "rewrite it without the inner quantifier.",
                    "warning",
                    path,
                )
            )
        elif not prefilter(phrase.pattern):  # (a catastrophic regex is the worse news)
            out.append(
                LintIssue(
                    "regex-cost",
                    rule_id,
                    f"regex {phrase.source!r} has no literal of {MIN_ATOM}+ characters that "
                    "every match must contain, so it runs on every text of its fields; add "
                    "one (a word part outside groups and classes) or use a word phrase.",
                    "warning",
                    path,
                )
            )
        if any(c.isupper() for c in _ESCAPES.sub("", phrase.pattern)):
            out.append(
                LintIssue(
                    "regex-case",
                    rule_id,
                    f"regex {phrase.source!r} has capital letters, but it runs on normalised "
                    "(case-folded) text; write it in lower case.",
                    "error",
                    path,
                )
            )
        return out
    if not phrase.words:
        out.append(
            LintIssue(
                "empty-phrase",
                rule_id,
                f"phrase {phrase.source!r} normalises to no word at all, so it never matches; "
                "remove it or write letters.",
                "error",
                path,
            )
        )
    out.extend(
        LintIssue(
            "mixed-script",
            rule_id,
            f"phrase {phrase.source!r} has word {word.word!r} mixing {'+'.join(word.scripts)} "
            f"letters; it is matched as {word.fixed!r} — type it in one script.",
            "warning",
            path,
        )
        for word in mixed_words(phrase.source)
    )
    for word in phrase.words:
        single = len(phrase.words) == 1  # in a phrase of several words, context limits it
        if single and word.mode in ("form", "typo"):
            message = several_readings(word.text, phrase.source)
            if message:
                out.append(LintIssue("several-readings", rule_id, message, "warning", path))
        if word.mode == "prefix" and len(word.text) < 3:
            out.append(
                LintIssue(
                    "short-prefix",
                    rule_id,
                    f"prefix {word.text + '*'!r} in {phrase.source!r} is shorter than 3 "
                    "letters and matches far too many words; lengthen it.",
                    "warning",
                    path,
                )
            )
    return out


_POS_GROUPS: Final = {
    "INFN": "verb",
    "VERB": "verb",
    "PRTF": "verb",
    "PRTS": "verb",
    "GRND": "verb",
    "ADJF": "adjective",
    "ADJS": "adjective",
    "COMP": "adjective",
    "NOUN": "noun",
    "NUMR": "number",
    "NPRO": "pronoun",
    "ADVB": "adverb",
}


def _group(reading: Reading) -> str:
    return _POS_GROUPS.get(reading.pos, reading.pos.lower() or "other")


def _names(items: Sequence[Reading]) -> str:
    seen = dict.fromkeys(f"{r.lemma} ({_group(r)})" for r in items)
    return ", ".join(seen)


def several_readings(word: str, source: str) -> str:
    """The ``several-readings`` message for a phrase word, or "" when it has one meaning.

    A word counts as ambiguous when its dictionary readings name several lexemes of
    different parts of speech; homonyms of one part of speech (``чек``/``чека``) and
    one word of several parts of speech (``нет``, ``как``) are left alone.
    """
    every = [r for r in readings(word) if r.source == "dictionary"]
    if len({r.key for r in every}) < 2 or len({_group(r) for r in every}) < 2:
        return ""  # one lexeme (нет, как), or homonyms of one part of speech (чек/чека)
    kept = [r for r in kept_readings(word) if r.source == "dictionary"]
    kept_keys = {r.key for r in kept}
    others = [r for r in every if r.key not in kept_keys]
    if others:
        return (
            f"word {word!r} in {source!r} is a dictionary form of {_names(kept)} and also a "
            f"form of {_names(others)}; the phrase matches the forms of {_names(kept)} only, "
            "but a text word spelled like a form of both matches too — add a context word "
            "to be sure."
        )
    return (
        f"word {word!r} in {source!r} reads as unrelated words: {_names(kept)}; the phrase "
        "matches the forms of every one of them — write the dictionary form of the word "
        "you mean."
    )
