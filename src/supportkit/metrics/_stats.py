"""Confidence intervals: Wilson for proportions, adjusted Wald for NPS, normal for means.

All functions take plain counts (integers) so that they give the same answer whichever
way the counts were gathered: one pass, merged partial accumulators, or a Dask reduction.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Final

from supportkit.exceptions import InvalidValue
from supportkit.metrics._checks import count as _count
from supportkit.metrics._checks import counts_within, finite

__all__ = ["Z95", "mean_interval", "nps_interval", "wilson_interval"]

#: The two-sided 95 % normal quantile, 1.959963984540054.
Z95: Final = NormalDist().inv_cdf(0.975)


def z_for(confidence: float) -> float:
    """Return the two-sided normal quantile for ``confidence`` (0.95 → 1.95996…)."""
    if confidence == 0.95:
        return Z95
    level = finite(confidence, field="confidence")
    if not 0 < level < 1:
        raise InvalidValue(
            f"confidence must be between 0 and 1, e.g. 0.95 (got {confidence!r}).",
            field="confidence",
            value=confidence,
        )
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(
    successes: int, count: int, *, z: float = Z95
) -> tuple[float, float] | tuple[None, None]:
    """Return the Wilson score interval for ``successes`` out of ``count``.

    Wilson (1927); method 3 in Newcombe (1998), whose example "81 of 263" gives
    0.2553–0.3662. Unlike the textbook Wald interval it never leaves 0..1 and
    behaves at 0 and ``count`` successes. ``(None, None)`` when ``count`` is 0.

    >>> low, high = wilson_interval(81, 263)
    >>> round(low, 4), round(high, 4)
    (0.2553, 0.3662)
    """
    counts_within(successes, count, part_field="successes", field="count")
    finite(z, field="z", positive=True)
    if count == 0:
        return None, None
    p = successes / count
    z2 = z * z
    denom = 1 + z2 / count
    centre = (p + z2 / (2 * count)) / denom
    half = z * math.sqrt(p * (1 - p) / count + z2 / (4 * count * count)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == count else min(1.0, centre + half)
    return low, high


def nps_interval(
    promoters: int, passives: int, detractors: int, *, z: float = Z95
) -> tuple[float, float] | tuple[None, None]:
    """Return a 95 % interval for the NPS, on the -100..100 scale.

    The adjusted Wald interval of Rocks (2016), "Interval Estimation for the 'Net
    Promoter Score'", *The American Statistician* 70(4): add 3/4 to the promoters
    and to the detractors (3 to ``n``), then take the Wald interval of the
    difference of two multinomial proportions, whose variance is
    ``(p⁺ + p⁻ − (p⁺ − p⁻)²) / n``. Clipped to -100..100. ``(None, None)`` for no
    answers.
    """
    for name, value in (
        ("promoters", promoters),
        ("passives", passives),
        ("detractors", detractors),
    ):
        _count(value, field=name)
    finite(z, field="z", positive=True)
    n = promoters + passives + detractors
    if n == 0:
        return None, None
    n_adj = n + 3
    p_pos = (promoters + 0.75) / n_adj
    p_neg = (detractors + 0.75) / n_adj
    diff = p_pos - p_neg
    var = max(0.0, (p_pos + p_neg - diff * diff) / n_adj)
    half = z * math.sqrt(var)
    return max(-100.0, 100 * (diff - half)), min(100.0, 100 * (diff + half))


def mean_interval(
    count: int, total: float, total_sq: float, *, z: float = Z95
) -> tuple[float, float] | tuple[None, None]:
    """Return the normal-approximation interval ``mean ± z·s/√n`` from sums.

    ``s`` is the sample standard deviation (``n − 1``). A single value gives a
    zero-width interval; no values give ``(None, None)``.
    """
    _count(count, field="count")
    total = finite(total, field="total")
    total_sq = finite(total_sq, field="total_sq")
    finite(z, field="z", positive=True)
    if count == 0:
        return None, None
    mean = total / count
    if count == 1:
        return mean, mean
    var = max(0.0, (total_sq - total * total / count) / (count - 1))
    half = z * math.sqrt(var / count)
    return mean - half, mean + half
