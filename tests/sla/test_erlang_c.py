"""Erlang C against an independent exact computation (big integers, no floats until the end)."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.sla import erlang_c


def exact_wait_probability(n: int, calls_per_hour: int, aht_s: int) -> Fraction:
    """Erlang C from its textbook formula, in exact integer arithmetic.

    With A = p/q, multiply every term A^k/k! by q^n·n! to keep integers:
    C = p^n·n·q / (Σ_{k<n} p^k·q^(n-k)·n!/k! · (n·q − p) + p^n·n·q).
    """
    load = Fraction(calls_per_hour * aht_s, 3600)
    p, q = load.numerator, load.denominator
    if n <= load:
        return Fraction(1)
    total = 0
    ratio = 1  # n!/k! for k = n, n-1, ...
    for k in range(n - 1, -1, -1):
        ratio *= k + 1
        total += p**k * q ** (n - k) * ratio
    last = p**n * n * q
    return Fraction(last, total * (n * q - p) + last)


def exact_service_level(n: int, calls: int, aht_s: int, target_s: int) -> float:
    load = Fraction(calls * aht_s, 3600)
    if n <= load:
        return 0.0
    wait = exact_wait_probability(n, calls, aht_s)
    return 1.0 - float(wait) * math.exp(-float(n - load) * target_s / aht_s)


def exact_agents_needed(calls: int, aht_s: int, target_s: int, goal: float) -> tuple[int, float]:
    """Smallest n meeting the goal, and how far above the goal its service level is."""
    n = math.floor(Fraction(calls * aht_s, 3600)) + 1
    while True:
        level = exact_service_level(n, calls, aht_s, target_s)
        if level >= goal:
            return n, level - goal
        n += 1


def test_five_thousand_calls_an_hour_agrees_to_the_agent() -> None:
    # 5,000 calls/hour, 5-minute handling, 80 % within 20 s: A = 416.7 Erlangs.
    expected, _ = exact_agents_needed(5000, 300, 20, 0.8)
    assert erlang_c.agents_needed(5000, 300, 20, 0.8) == expected == 429


def test_textbook_example() -> None:
    # The classic worked example: 100 calls per half hour (200/h), AHT 3 min, answer
    # in 20 s: 10 Erlangs; 13 agents give 79.6 %, 14 give 88.8 %, so 80 % needs 14.
    assert erlang_c.traffic(200, dt.timedelta(minutes=3)) == pytest.approx(10.0)
    assert erlang_c.service_level(13, 200, 180, 20) == pytest.approx(0.7956, abs=1e-4)
    assert erlang_c.service_level(14, 200, 180, 20) == pytest.approx(0.8884, abs=1e-4)
    assert erlang_c.agents_needed(200, 180, 20, 0.8) == 14
    assert erlang_c.service_level(13, 200, 180, 20) == pytest.approx(
        exact_service_level(13, 200, 180, 20), abs=1e-12
    )


@given(
    calls=st.integers(min_value=1, max_value=3000),
    aht=st.integers(min_value=30, max_value=900),
    target=st.integers(min_value=0, max_value=300),
    goal=st.sampled_from([0.5, 0.8, 0.9, 0.95]),
)
def test_agents_needed_matches_exact_computation(
    calls: int, aht: int, target: int, goal: float
) -> None:
    expected, margin = exact_agents_needed(calls, aht, target, goal)
    got = erlang_c.agents_needed(calls, aht, target, goal)
    if margin > 1e-9:  # a tie within rounding may legitimately go either way
        assert got == expected
    else:
        assert got in (expected, expected + 1)


@given(
    n=st.integers(min_value=1, max_value=400),
    calls=st.integers(min_value=1, max_value=3000),
    aht=st.integers(min_value=30, max_value=600),
)
def test_wait_probability_matches_exact(n: int, calls: int, aht: int) -> None:
    got = erlang_c.wait_probability(n, calls, aht)
    assert got == pytest.approx(float(exact_wait_probability(n, calls, aht)), rel=1e-9, abs=1e-300)


def test_thousands_of_agents_do_not_overflow() -> None:
    # 100,000 chats an hour of 5 minutes: ~8,300 Erlangs; factorials would overflow.
    n = erlang_c.agents_needed(100_000, 300, 20, 0.9)
    load = erlang_c.traffic(100_000, 300)
    assert load < n < load * 1.02
    assert 0.9 <= erlang_c.service_level(n, 100_000, 300, 20) < 1.0
    assert erlang_c.service_level(n - 1, 100_000, 300, 20) < 0.9


def test_asa_and_occupancy_hand_computed() -> None:
    # A = 10 Erlangs, n = 13: ASA = C * AHT / (n - A).
    wait = float(exact_wait_probability(13, 200, 180))
    assert erlang_c.asa(13, 200, 180) == pytest.approx(wait * 180 / 3)
    assert erlang_c.occupancy(13, 200, 180) == pytest.approx(10 / 13)


def test_overloaded_and_empty_queues() -> None:
    assert erlang_c.service_level(10, 200, 180, 20) == 0.0  # n == A
    assert erlang_c.asa(10, 200, 180) == math.inf
    assert erlang_c.wait_probability(5, 200, 180) == 1.0
    assert erlang_c.occupancy(0, 200, 180) == 1.0
    assert erlang_c.service_level(0, 0, 180, 20) == 1.0
    assert erlang_c.asa(3, 0, 180) == 0.0
    assert erlang_c.occupancy(3, 0, 180) == 0.0
    assert erlang_c.agents_needed(0, 180, 20, 0.8) == 0


def test_max_occupancy_and_shrinkage() -> None:
    base = erlang_c.agents_needed(5000, 300, 20, 0.8)
    capped = erlang_c.agents_needed(5000, 300, 20, 0.8, max_occupancy=0.85)
    assert capped == math.ceil(5000 * 300 / 3600 / 0.85) > base
    assert erlang_c.agents_needed(5000, 300, 20, 0.8, shrinkage=0.3) == math.ceil(base / 0.7)


def test_timedelta_and_seconds_are_interchangeable() -> None:
    assert erlang_c.agents_needed(
        300, dt.timedelta(minutes=4), dt.timedelta(seconds=100), 0.8
    ) == erlang_c.agents_needed(300, 240, 100.0, 0.8)


@pytest.mark.parametrize(
    ("kwargs", "exc", "message"),
    [
        ({"calls_per_hour": -1}, InvalidValue, "calls_per_hour must be between 0 and inf"),
        ({"calls_per_hour": "5"}, InvalidArgument, "calls_per_hour must be a number"),
        ({"aht": 0}, InvalidValue, "aht must be a positive duration"),
        ({"target_answer": -5}, InvalidValue, "target_answer must be a zero or positive"),
        ({"service_level": 1.0}, InvalidValue, "service_level must be between 0 and"),
        ({"max_occupancy": 0}, InvalidValue, "max_occupancy must be between"),
        ({"shrinkage": 1}, InvalidValue, "shrinkage must be between 0 and"),
    ],
)
def test_bad_arguments_name_the_field(kwargs: dict, exc: type, message: str) -> None:
    args = {
        "calls_per_hour": 100,
        "aht": 300,
        "target_answer": 20,
        "service_level": 0.8,
        **kwargs,
    }
    with pytest.raises(exc, match=message):
        erlang_c.agents_needed(**args)


def test_bad_agents() -> None:
    with pytest.raises(InvalidArgument, match="agents must be a non-negative int"):
        erlang_c.service_level(-1, 100, 300, 20)
