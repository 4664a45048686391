"""supportkit.text: cleaning and reading text the way customers type it.

What it owns: normalisation (:func:`normalize`, :func:`normalize_with_offsets` and the
offset-tracking steps and tables behind them), look-alike repair and
:func:`mixed_script_words`, script-neutral matching keys (:func:`match_key`),
wrong-layout repair (:func:`fix_layout` and its character model), transliteration
(:func:`from_translit`), tone (:func:`tone`) and Russian morphology from the OpenCorpora
dictionary via pymorphy3 (:func:`lemmas`, :func:`same_word`, :func:`readings`), which the
rule engine matches word forms through.

What it needs from below: only :mod:`supportkit.exceptions`, the data files in
``supportkit.data`` and the ``pymorphy3`` dictionary (loaded lazily on first use). It
knows nothing of rules, tickets or calendars, so a host that only cleans text (search,
deduplication, analytics) imports it without the rule engine.

What it offers above: :mod:`supportkit.rules` matches on its output and re-exports
:func:`normalize`, :func:`mixed_script_words` and :func:`fix_layout` (the same objects).
"""

from supportkit.text._aspect import aspect_partners
from supportkit.text._layout import fix_layout
from supportkit.text._mixed import MixedWord, match_key, mixed_script_words
from supportkit.text._morphology import Reading, lemmas, readings, same_word
from supportkit.text._normalise import Normalized, normalize, normalize_with_offsets
from supportkit.text._tone import Tone, tone
from supportkit.text._translit import from_translit

__all__ = [
    "MixedWord",
    "Normalized",
    "Reading",
    "Tone",
    "aspect_partners",
    "fix_layout",
    "from_translit",
    "lemmas",
    "match_key",
    "mixed_script_words",
    "normalize",
    "normalize_with_offsets",
    "readings",
    "same_word",
    "tone",
]
