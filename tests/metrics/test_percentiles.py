"""Exact percentiles (NumPy type 7) and the log-bucket sketch."""

from __future__ import annotations

import pickle
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportkit.exceptions import InvalidValue
from supportkit.metrics import LogSketch
from supportkit.metrics._percentiles import ExactStore, interpolate, make_store, summarise


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=2, max_size=50))
def test_interpolation_matches_statistics_inclusive(values: list[float]) -> None:
    values.sort()
    # statistics.quantiles(method="inclusive") is the same linear interpolation.
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    assert interpolate(values, 0.5) == pytest.approx(cuts[9], rel=1e-12, abs=1e-9)
    assert interpolate(values, 0.9) == pytest.approx(cuts[17], rel=1e-12, abs=1e-9)
    assert interpolate(values, 0.95) == pytest.approx(cuts[18], rel=1e-12, abs=1e-9)


def test_pandas_agrees() -> None:
    import pandas as pd

    values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]
    store = ExactStore()
    for v in values:
        store.add(v)
    series = pd.Series(values)
    for q in (0.5, 0.9, 0.95):
        assert store.quantile(q) == pytest.approx(series.quantile(q))


def test_sketch_basics() -> None:
    sketch = LogSketch(0.01)
    for v in (0.0, 0.0, 10.0, 100.0, 1000.0):
        sketch.add(v)
    assert sketch.quantile(0.0) == 0.0
    assert sketch.quantile(1.0) == 1000.0
    assert sketch.quantile(0.5) == pytest.approx(10.0, rel=0.01)
    assert sketch.total() == 1110.0
    assert len(sketch.buckets) == 3
    clone = pickle.loads(pickle.dumps(sketch))
    clone.merge(sketch)
    assert clone.count == 10
    assert clone.histogram([5.0, 50.0]) == [4, 2, 4]
    with pytest.raises(InvalidValue, match=r"relative error must be between 0 and 0\.5"):
        LogSketch(0.7)
    with pytest.raises(InvalidValue, match="sketch must be None"):
        make_store("1%")  # type: ignore[arg-type]


def test_sketch_memory_is_bounded() -> None:
    sketch = LogSketch(0.01)
    for i in range(200_000):
        sketch.add(1 + (i * 7919) % 31_536_000)  # one second to a year
    assert len(sketch.buckets) <= 870
    dist = summarise(sketch)
    assert dist.count == 200_000
    assert not dist.exact
    assert dist.relative_error == 0.01
    assert "±1%" in repr(dist)
