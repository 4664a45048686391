"""The demo section and its shipped data (reproducible from the seeded script)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from supportkit.onboarding import self_service
from supportkit.onboarding._demo import TITLE, demo_journeys, section

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "supportkit" / "data" / "demo_journeys.jsonl"


def test_section_is_short_and_tells_the_story() -> None:
    text = section([])
    lines = text.splitlines()
    assert len(lines) <= 25
    assert lines[0].split()[:2] == ["step", "reached"]
    assert any(line.startswith("self-service: ") for line in lines)
    assert "call list at Thu 14 Nov 12:00" in text
    assert "800" in TITLE


def test_mass_onboarding_shape() -> None:
    journeys = demo_journeys()
    assert len(journeys) == 800
    day = [j for j in journeys if j.outcome == "success" and (j.last_at - j.started_at).days < 1]
    assert len(day) < 800 / 3  # fewer than a third finish within a day
    share = self_service(journeys).share
    assert 0.7 < share < 0.95


def test_data_is_reproducible(tmp_path: Path) -> None:
    out = tmp_path / "journeys.jsonl"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_onboarding_demo.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == DATA.read_bytes()


def test_call_list_lines_count_steps_in_words() -> None:
    text = section()
    assert "step(s)" not in text
    assert "  1 step left  " in text
    assert max(len(line) for line in text.splitlines()) <= 80
