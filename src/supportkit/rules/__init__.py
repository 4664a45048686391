"""supportkit.rules: text normalisation (and, with the rule engine, keyword rules)."""

from supportkit.rules._normalise import Normalized, normalize, normalize_with_offsets

__all__ = [
    "Normalized",
    "normalize",
    "normalize_with_offsets",
]
