"""Make the shared look-alike corpus (``lookalike_corpus``) importable from the text tests."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
