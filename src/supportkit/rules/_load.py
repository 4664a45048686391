"""Reading and validating rule documents (JSON/TOML/dicts) into :class:`Rule` values.

Every problem is found here, at load time, and named by its path
(``rules[3].when.any[1]``) with what is wrong and how to fix it: unknown keys
(with the nearest known one), duplicate ids, unknown channels, priorities and
calendars, bad phrases and regexes, bad templates.
"""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

from supportkit._ticket import CHANNELS
from supportkit.exceptions import InvalidArgument, InvalidRule, TemplateError, UnknownReference
from supportkit.rules._calendars import Calendar, calendar_from_spec
from supportkit.rules._model import PRIORITIES, Rule, Then, When
from supportkit.rules._phrases import Phrase, parse_phrase, parse_synonyms
from supportkit.rules._templates import Template, parse_template
from supportkit.rules._timecond import parse_sla, parse_waiting

__all__ = ["DOC_KEYS", "Document", "Options", "check_keys", "load_document"]

DOC_KEYS: Final = (
    "$schema",
    "calendars",
    "channels",
    "description",
    "fields",
    "options",
    "priorities",
    "rules",
    "synonyms",
    "templates",
    "version",
)
RULE_KEYS: Final = ("description", "enabled", "id", "stop", "then", "when")
WHEN_KEYS: Final = (
    "all",
    "any",
    "channel",
    "equals",
    "fields",
    "inside",
    "none",
    "outside",
    "priority",
    "sla",
    "tags",
    "tone",
    "waiting",
)
THEN_KEYS: Final = ("assign", "escalate", "priority", "remove_tags", "reply", "set", "tags")
TAG_KEYS: Final = ("all", "any", "none")
TONE_KEYS: Final = ("insult", "shouting")
OPTION_KEYS: Final = (
    "aspects",
    "gap",
    "keys",
    "layout",
    "regex_timeout",
    "repair",
    "translit",
    "typos",
)


@attrs.frozen
class Options:
    """Matching options of a rule set (the ``"options"`` object of a rule file).

    Attributes:
        repair: Repair Cyrillic/Latin look-alikes inside words (on by default).
        layout: Also read words typed on the wrong keyboard layout (``ghbdtn``).
        translit: Also read informal transliteration (``vyplata``).
        keys: Compare script-neutral match keys, so a word typed entirely in
            look-alikes of the other script (``PEKA``) matches; collisions such as
            ``BOT``/``вот`` become possible.
        typos: Honour ``~N`` typo tolerance (off: ``~N`` words match forms only).
        gap: How many other words may stand between the words of a multi-word phrase.
        regex_timeout: Seconds one ``/regex/`` phrase may run on one field.
        aspects: A bare phrase verb also matches the other verb of its aspect pair
            (``не могу войти`` fires on ``не смогла войти``, ``пришли`` on
            ``приходят``; see :func:`supportkit.text.aspect_partners`). On by default;
            off, a verb matches the forms of its own dictionary word only.
    """

    repair: bool = True
    layout: bool = False
    translit: bool = False
    keys: bool = False
    typos: bool = True
    gap: int = 0
    regex_timeout: float = 0.05
    aspects: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return attrs.asdict(self)


@attrs.frozen
class Document:
    """A validated rule document."""

    rules: tuple[Rule, ...]
    templates: Mapping[str, Template]
    options: Options
    fields: tuple[str, ...] | None
    channels: tuple[str, ...]
    priorities: tuple[str, ...]
    calendars: Mapping[str, Calendar]
    calendar_specs: Mapping[str, Any]
    synonyms: tuple[tuple[str, ...], ...] = ()


_REPR: Final = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlevel = 3


def _r(value: Any) -> str:
    """A short ``repr`` for messages: a huge or deeply nested value is abbreviated."""
    return _REPR.repr(value)


def _fail(message: str, where: str, value: Any) -> InvalidRule:
    return InvalidRule(message, field=where, value=value)


def check_keys(data: Mapping[str, Any], known: Sequence[str], where: str) -> None:
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys are {sorted(known)}."
            path = f"{where}.{key}" if where else str(key)
            raise _fail(f"{path} is not a known key; {hint}", path, data[key])


def _mapping(value: Any, where: str, example: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(f"{where} must be an object such as {example} (got {_r(value)}).", where, value)
    return value


def _strings(value: Any, where: str, *, allow_str: bool = True) -> tuple[str, ...]:
    if allow_str and isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise _fail(f"{where} must be a list of strings (got {_r(value)}).", where, value)
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise _fail(
                f"{where}[{i}] must be a non-empty string (got {_r(item)}).", f"{where}[{i}]", item
            )
        out.append(item.strip())
    return tuple(out)


def _one_of(value: Any, allowed: Sequence[str], where: str, what: str, hint: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        close = difflib.get_close_matches(str(value), allowed, n=1)
        fix = f"did you mean {close[0]!r}?" if close else hint
        raise _fail(f"{where} is not a known {what} (got {_r(value)}); {fix}", where, value)
    return value


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(f"{where} must be true or false (got {_r(value)}).", where, value)
    return value


def _options(raw: Any) -> Options:
    if raw is None:
        return Options()
    if isinstance(raw, Options):
        return raw
    data = _mapping(raw, "options", '{"layout": true}')
    check_keys(data, OPTION_KEYS, "options")
    values: dict[str, Any] = {}
    for key in ("repair", "layout", "translit", "keys", "typos", "aspects"):
        if key in data:
            values[key] = _bool(data[key], f"options.{key}")
    if "gap" in data:
        gap = data["gap"]
        if isinstance(gap, bool) or not isinstance(gap, int) or not 0 <= gap <= 5:
            raise _fail(
                f"options.gap must be a whole number 0..5 (got {_r(gap)}).", "options.gap", gap
            )
        values["gap"] = gap
    if "regex_timeout" in data:
        limit = data["regex_timeout"]
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) or not 0 < limit <= 10:
            raise _fail(
                f"options.regex_timeout must be seconds between 0 and 10, such as 0.05 "
                f"(got {_r(limit)}).",
                "options.regex_timeout",
                limit,
            )
        values["regex_timeout"] = float(limit)
    return Options(**values)


def _phrases(value: Any, where: str) -> tuple[Phrase, ...]:
    items = _strings(value, where, allow_str=False) if not isinstance(value, str) else None
    if items is None:
        raise _fail(
            f"{where} must be a list of phrases such as ['выплата', 'деньги не пришли'] "
            f"(got {_r(value)}).",
            where,
            value,
        )
    raw = value
    return tuple(parse_phrase(raw[i], field=f"{where}[{i}]") for i in range(len(items)))


def _fields(value: Any, where: str) -> tuple[str, ...]:
    names = _strings(value, where)
    for i, name in enumerate(names):
        if name not in ("subject", "body") and not (
            name.startswith("fields.") and len(name) > len("fields.")
        ):
            raise _fail(
                f"{where}[{i}] must be 'subject', 'body' or 'fields.<name>' (got {_r(name)}).",
                f"{where}[{i}]",
                name,
            )
    if not names:
        raise _fail(f"{where} must name at least one text field (got []).", where, value)
    return names


def _scalar(item: Any, where: str, what: str, value: Any) -> None:
    """Fail unless ``item`` is a string, number, boolean or null (the message shows ``value``)."""
    if not isinstance(item, (str, int, float, bool)) and item is not None:
        raise _fail(f"{where} must be {what} (got {_r(value)}).", where, value)


def _declared(
    data: Mapping[str, Any], where: str, key: str, known: Sequence[str], section: str
) -> tuple[str, ...]:
    """The names under ``key`` (``channel``, ``priority``), each one of the rule set's
    ``section`` (``channels``, ``priorities``)."""
    names = _strings(data[key], f"{where}.{key}")
    for i, name in enumerate(names):
        _one_of(
            name,
            known,
            f"{where}.{key}[{i}]",
            key,
            f"known {section} are {list(known)}; declare others under '{section}'.",
        )
    return names


def _when(raw: Any, where: str, ctx: _Context) -> When:
    data = _mapping(raw, where, '{"any": ["выплата"]}')
    check_keys(data, WHEN_KEYS, where)
    kw: dict[str, Any] = {}
    for key in ("any", "all", "none"):
        if key in data:
            kw[key] = _phrases(data[key], f"{where}.{key}")
    if "fields" in data:
        kw["fields"] = _fields(data["fields"], f"{where}.fields")
    if "channel" in data:
        kw["channel"] = _declared(data, where, "channel", ctx.channels, "channels")
    if "tags" in data:
        tags = _mapping(data["tags"], f"{where}.tags", '{"none": ["vip"]}')
        check_keys(tags, TAG_KEYS, f"{where}.tags")
        for key in TAG_KEYS:
            if key in tags:
                kw[f"tags_{key}"] = _strings(tags[key], f"{where}.tags.{key}")
    if "priority" in data:
        kw["priority"] = _declared(data, where, "priority", ctx.priorities, "priorities")
    if "equals" in data:
        equals = _mapping(data["equals"], f"{where}.equals", '{"country": "KZ"}')
        pairs: list[tuple[str, tuple[Any, ...]]] = []
        for key, value in equals.items():
            options = tuple(value) if isinstance(value, list) else (value,)
            for item in options:
                _scalar(item, f"{where}.equals.{key}", "a scalar or a list of scalars", value)
            pairs.append((str(key).removeprefix("fields."), options))
        kw["equals"] = tuple(pairs)
    for key in ("outside", "inside"):
        if key in data:
            name = data[key]
            if not isinstance(name, str) or name not in ctx.calendars:
                known = sorted(ctx.calendars)
                raise UnknownReference(
                    f"{where}.{key} names calendar {name!r}, which this rule set does not have "
                    f"(known: {known}); declare it under 'calendars' in the rule file or pass "
                    f"calendars={{{name!r}: WorkCalendar...}}.",
                    field=f"{where}.{key}",
                    value=name,
                )
            kw[key] = name
    if "sla" in data:
        kw["sla"] = parse_sla(data["sla"], f"{where}.sla")
    if "waiting" in data:
        kw["waiting"] = parse_waiting(data["waiting"], f"{where}.waiting", ctx.calendars)
    if "tone" in data:
        tone = _mapping(data["tone"], f"{where}.tone", '{"shouting": true}')
        check_keys(tone, TONE_KEYS, f"{where}.tone")
        kw["tone"] = tuple(
            (key, _bool(tone[key], f"{where}.tone.{key}")) for key in TONE_KEYS if key in tone
        )
    return When(**kw)


def _then(raw: Any, where: str, ctx: _Context) -> Then:
    data = _mapping(raw, where, '{"tags": ["payouts"]}')
    check_keys(data, THEN_KEYS, where)
    kw: dict[str, Any] = {}
    for key in ("reply", "assign"):
        if key in data:
            value = data[key]
            if not isinstance(value, str) or not value.strip():
                raise _fail(
                    f"{where}.{key} must be a non-empty string (got {_r(value)}).",
                    f"{where}.{key}",
                    value,
                )
            kw[key] = value.strip()
    if "priority" in data:
        kw["priority"] = _one_of(
            data["priority"],
            ctx.priorities,
            f"{where}.priority",
            "priority",
            f"known priorities are {list(ctx.priorities)}; declare others under 'priorities'.",
        )
    for key in ("tags", "remove_tags"):
        if key in data:
            kw[key] = _strings(data[key], f"{where}.{key}")
    if "set" in data:
        values = _mapping(data["set"], f"{where}.set", '{"category": "payouts"}')
        for key, value in values.items():
            _scalar(value, f"{where}.set.{key}", "a string, number, boolean or null", value)
        kw["set"] = tuple((str(k).removeprefix("fields."), v) for k, v in values.items())
    if "escalate" in data:
        value = data["escalate"]
        if not (value is True or (isinstance(value, str) and value.strip())):
            raise _fail(
                f"{where}.escalate must be true or whom to escalate to, such as 'team_lead' "
                f"(got {_r(value)}).",
                f"{where}.escalate",
                value,
            )
        kw["escalate"] = value
    return Then(**kw)


def _template(key: str, text: Any) -> Template:
    try:
        return parse_template(key, text)
    except TemplateError as exc:
        raise InvalidRule(str(exc), field=exc.field, value=exc.value) from exc


@attrs.frozen
class _Context:
    channels: tuple[str, ...]
    priorities: tuple[str, ...]
    calendars: Mapping[str, Any]


def _rule(raw: Any, where: str, ctx: _Context) -> Rule:
    data = _mapping(raw, where, '{"id": "payout-late", "when": {...}, "then": {...}}')
    check_keys(data, RULE_KEYS, where)
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise _fail(
            f"{where}.id must be a non-empty string such as 'payout-late' (got {_r(rule_id)}).",
            f"{where}.id",
            rule_id,
        )
    if "then" not in data:
        raise _fail(
            f"{where}.then is missing in rule {rule_id!r}; add actions such as "
            '{"tags": ["payouts"]} (the engine only proposes actions).',
            f"{where}.then",
            None,
        )
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        raise _fail(
            f"{where}.description must be a string (got {_r(description)}).",
            f"{where}.description",
            description,
        )
    return Rule(
        id=rule_id.strip(),
        when=_when(data.get("when", {}), f"{where}.when", ctx),
        then=_then(data["then"], f"{where}.then", ctx),
        stop=_bool(data.get("stop", False), f"{where}.stop"),
        description=description,
        enabled=_bool(data.get("enabled", True), f"{where}.enabled"),
    )


def load_document(
    rules: Any,
    *,
    templates: Mapping[str, Any] | None = None,
    options: Any = None,
    fields: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    priorities: Sequence[str] | None = None,
    calendars: Mapping[str, Any] | None = None,
    calendar_specs: Mapping[str, Any] | None = None,
    synonyms: Any = None,
) -> Document:
    """Validate rule dicts and their settings; see :meth:`RuleSet.from_dicts`."""
    if isinstance(rules, (str, bytes)) or not isinstance(rules, Sequence):
        raise InvalidRule(
            f"rules must be a list of rule objects (got {type(rules).__name__}).",
            field="rules",
            value=rules,
        )
    built: dict[str, Calendar] = {}
    if calendar_specs is not None and not isinstance(calendar_specs, Mapping):
        raise InvalidRule(
            "calendars must map calendar names to weekly hours, such as "
            '{"office": {"tz": "Europe/Moscow", "hours": {"mon-fri": "09:00-18:00"}}} '
            f"(got {type(calendar_specs).__name__}).",
            field="calendars",
            value=calendar_specs,
        )
    if calendars is not None and not isinstance(calendars, Mapping):
        raise InvalidArgument(
            "calendars must map calendar names to objects with is_open(at), such as "
            "{'office': WorkCalendar.weekly('Europe/Moscow', {'mon-fri': '09:00-18:00'})} "
            f"(got {type(calendars).__name__}).",
            field="calendars",
            value=calendars,
        )
    for name, spec in (calendar_specs or {}).items():
        built[str(name)] = calendar_from_spec(str(name), spec, f"calendars.{name}")
    for name, calendar in (calendars or {}).items():
        if not callable(getattr(calendar, "is_open", None)):
            raise InvalidRule(
                f"calendars[{name!r}] must have an is_open(at) method, such as "
                f"supportkit.sla.WorkCalendar (got {type(calendar).__name__}).",
                field=f"calendars.{name}",
                value=calendar,
            )
        built[str(name)] = calendar
    extra_channels = _strings(channels, "channels") if channels is not None else ()
    extra_priorities = _strings(priorities, "priorities") if priorities is not None else ()
    ctx = _Context(
        channels=tuple(dict.fromkeys((*CHANNELS, *extra_channels))),
        priorities=tuple(dict.fromkeys((*PRIORITIES, *extra_priorities))),
        calendars=built,
    )
    parsed: dict[str, Template] = {}
    if templates is not None:
        _mapping(templates, "templates", '{"payout_eta": "Здравствуйте, {fields.name|клиент}!"}')
        for key, text in templates.items():
            parsed[str(key)] = _template(str(key), text)
    declared = None if fields is None else _strings(fields, "fields")
    out: list[Rule] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(rules):
        rule = _rule(raw, f"rules[{i}]", ctx)
        if rule.id in seen:
            raise InvalidRule(
                f"rules[{i}].id {rule.id!r} is already used by rules[{seen[rule.id]}]; "
                "rule ids must be unique.",
                field=f"rules[{i}].id",
                value=rule.id,
            )
        seen[rule.id] = i
        out.append(rule)
    return Document(
        rules=tuple(out),
        templates=parsed,
        options=_options(options),
        fields=declared,
        channels=ctx.channels,
        priorities=ctx.priorities,
        calendars=built,
        calendar_specs=dict(calendar_specs or {}),
        synonyms=parse_synonyms(synonyms),
    )
