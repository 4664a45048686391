"""supportkit.rules: text normalisation (and, with the rule engine, keyword rules)."""

from supportkit.rules._calendars import Calendar, WeeklyHours
from supportkit.rules._engine import RuleSet
from supportkit.rules._frame_batch import RuleBatch
from supportkit.rules._layout import fix_layout
from supportkit.rules._load import Options
from supportkit.rules._mixed import MixedWord, match_key, mixed_script_words
from supportkit.rules._model import Rule, Then, When
from supportkit.rules._normalise import Normalized, normalize, normalize_with_offsets
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
from supportkit.rules._tone import Tone, tone
from supportkit.rules._translit import from_translit

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
