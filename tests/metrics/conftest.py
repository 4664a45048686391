"""Make the shared builders in ``metrics_helpers`` importable from the metrics tests."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
