"""Interval methods against published worked examples and hand computation."""

from __future__ import annotations

import math

import pytest

from supportkit.metrics import mean_interval, nps_interval, wilson_interval


@pytest.mark.parametrize(
    ("successes", "count", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998(successes: int, count: int, low: float, high: float) -> None:
    got_low, got_high = wilson_interval(successes, count)
    assert got_low == pytest.approx(low, abs=5e-5)
    assert got_high == pytest.approx(high, abs=5e-5)


def test_wilson_edges() -> None:
    assert wilson_interval(0, 0) == (None, None)
    assert wilson_interval(5, 5)[1] == 1.0
    low, high = wilson_interval(1, 1)
    assert high == 1.0
    assert low == pytest.approx(0.2065, abs=1e-4)  # 1/(1+z²) for z = 1.96


def test_nps_interval_adjusted_wald_by_hand() -> None:
    # 6 promoters, 2 passives, 2 detractors: n' = 13, p+ = 6.75/13, p- = 2.75/13.
    p_pos, p_neg = 6.75 / 13, 2.75 / 13
    half = 1.959963984540054 * math.sqrt((p_pos + p_neg - (p_pos - p_neg) ** 2) / 13)
    low, high = nps_interval(6, 2, 2)
    assert low == pytest.approx(100 * (p_pos - p_neg - half))
    assert high == pytest.approx(100 * (p_pos - p_neg + half))
    assert nps_interval(0, 0, 0) == (None, None)


def test_nps_interval_is_clipped() -> None:
    low, high = nps_interval(1, 0, 0)
    assert -100 <= low < high <= 100
    low, high = nps_interval(1000, 0, 0)
    assert high == 100.0


def test_mean_interval_by_hand() -> None:
    values = [9, 10, 8, 9, 10, 9, 8, 9, 9, 8]
    low, high = mean_interval(len(values), sum(values), sum(v * v for v in values))
    sd = math.sqrt(4.9 / 9)
    assert low == pytest.approx(8.9 - 1.959963984540054 * sd / math.sqrt(10))
    assert high == pytest.approx(8.9 + 1.959963984540054 * sd / math.sqrt(10))
    assert mean_interval(0, 0, 0) == (None, None)
    assert mean_interval(1, 7, 49) == (7.0, 7.0)
