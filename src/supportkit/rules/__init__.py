"""supportkit.rules: keyword rules (auto-reply, tag, route, escalate) as data.

What it owns: the rule language (phrases, conditions, actions, templates), loading and
validating rule files, the compiled :class:`RuleSet` and its ``evaluate``, ``explain``
and ``lint``.

What it needs from below: :mod:`supportkit.text` for normalisation and word forms,
:mod:`supportkit.sla` for the working-time calendars of ``"calendars"`` sections, and the
shared ticket and time types.

For convenience it re-exports the text layer's public names (``normalize``,
``mixed_script_words``, ``fix_layout`` and the rest), the very same objects as in
:mod:`supportkit.text`.
"""

from supportkit.rules._calendars import Calendar, WeeklyHours
from supportkit.rules._engine import RuleSet
from supportkit.rules._frame_batch import RuleBatch
from supportkit.rules._load import Options
from supportkit.rules._model import Rule, Then, When
from supportkit.rules._phrases import Phrase, Word, parse_phrase
from supportkit.rules._results import (
    Evaluation,
    Evidence,
    Explanation,
    LintIssue,
    Override,
    RegexTimeout,
)
from supportkit.rules._templates import Placeholder, Template, parse_template
from supportkit.text import (
    MixedWord,
    Normalized,
    Tone,
    fix_layout,
    from_translit,
    match_key,
    mixed_script_words,
    normalize,
    normalize_with_offsets,
    tone,
)

__all__ = [
    "Calendar",
    "Evaluation",
    "Evidence",
    "Explanation",
    "LintIssue",
    "MixedWord",
    "Normalized",
    "Options",
    "Override",
    "Phrase",
    "Placeholder",
    "RegexTimeout",
    "Rule",
    "RuleBatch",
    "RuleSet",
    "Template",
    "Then",
    "Tone",
    "WeeklyHours",
    "When",
    "Word",
    "fix_layout",
    "from_translit",
    "match_key",
    "mixed_script_words",
    "normalize",
    "normalize_with_offsets",
    "parse_phrase",
    "parse_template",
    "tone",
]
