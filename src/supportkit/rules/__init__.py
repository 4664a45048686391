"""supportkit.rules: text normalisation (and, with the rule engine, keyword rules)."""

from supportkit.rules._layout import fix_layout
from supportkit.rules._mixed import MixedWord, match_key, mixed_script_words
from supportkit.rules._normalise import Normalized, normalize, normalize_with_offsets
from supportkit.rules._tone import Tone, tone
from supportkit.rules._translit import from_translit

__all__ = [
    "MixedWord",
    "Normalized",
    "Tone",
    "fix_layout",
    "from_translit",
    "match_key",
    "mixed_script_words",
    "normalize",
    "normalize_with_offsets",
    "tone",
]
