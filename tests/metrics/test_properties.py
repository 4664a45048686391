"""Laws every accumulator obeys: merging partials equals one pass, input order is irrelevant."""

from __future__ import annotations

import itertools
import pickle
import random
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from metrics_helpers import RATINGS, tickets

from supportkit.metrics import (
    CSAT,
    NPS,
    AutomationRate,
    Backlog,
    ContactRate,
    LogSketch,
    MeanScore,
    OneTouchRate,
    QAScores,
    ReopenRate,
    ResolutionTimes,
    ResponseTimes,
    SLAAttainment,
    TopCategories,
    WeeklyReport,
)


def reports() -> st.SearchStrategy[dict[str, Any]]:
    item = st.one_of(
        st.none(), st.fixed_dictionaries({"breached": st.sampled_from((True, False, None))})
    )
    return st.dictionaries(st.sampled_from(("first_response", "next_response", "resolution")), item)


def reviews() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "agent": st.sampled_from(("Анна", "Олег")),
            "at": st.sampled_from(("2024-10", "2024-11")),
            "score": st.floats(0, 100, allow_nan=False),
        }
    )


# name -> (factory, strategy of one item)
CASES: dict[str, tuple[Callable[[], Any], st.SearchStrategy[Any]]] = {
    "CSAT": (lambda: CSAT("auto"), st.sampled_from(RATINGS)),
    "CSAT-3-topbox": (lambda: CSAT("3", top=1), st.sampled_from(("Отлично", "Хорошо", "Плохо"))),
    "NPS": (NPS, st.integers(0, 10)),
    "MeanScore": (MeanScore, st.integers(1, 10)),
    "AutomationRate": (AutomationRate, tickets()),
    "ResponseTimes": (ResponseTimes, tickets()),
    "ResponseTimes-sketch": (lambda: ResponseTimes(sketch=0.02, by=("agent", "bot")), tickets()),
    "ResolutionTimes": (ResolutionTimes, tickets()),
    "ReopenRate": (ReopenRate, tickets()),
    "OneTouchRate": (OneTouchRate, tickets()),
    "Backlog": (lambda: Backlog(k=2, tz="Europe/Moscow"), tickets()),
    "TopCategories": (lambda: TopCategories(2, categories={"acts": "payouts"}), tickets()),
    "ContactRate": (lambda: ContactRate({"2024-10": 100}, period="week"), tickets()),
    "SLAAttainment": (SLAAttainment, reports()),
    "QAScores": (QAScores, reviews()),
    "WeeklyReport": (lambda: WeeklyReport(tz="Europe/Moscow", n=2), tickets()),
}


def add_all(acc: Any, items: list[Any]) -> Any:
    if isinstance(acc, QAScores):
        acc.add_many(items)
    else:
        for item in items:
            acc.add(item)
    return acc


def check_merge_law(name: str, data: st.DataObject) -> None:
    factory, item = CASES[name]
    items = data.draw(st.lists(item, max_size=25), label="items")
    cuts = sorted(data.draw(st.lists(st.integers(0, len(items)), max_size=4), label="cuts"))
    one_pass = add_all(factory(), items).result()
    bounds = [0, *cuts, len(items)]
    parts = [add_all(factory(), items[a:b]) for a, b in itertools.pairwise(bounds)]
    # ship each partial through pickle, as Dask or multiprocessing would
    parts = [pickle.loads(pickle.dumps(p)) for p in parts]
    order = data.draw(st.permutations(range(len(parts))), label="merge order")
    merged = parts[order[0]]
    for i in order[1:]:
        merged = merged.merge(parts[i])
    assert merged.result() == one_pass
    shuffled = list(items)
    random.Random(data.draw(st.integers(0, 2**16), label="seed")).shuffle(shuffled)
    assert add_all(factory(), shuffled).result() == one_pass


def _make_test(name: str) -> Callable[..., None]:
    @settings(max_examples=40)
    @given(data=st.data())
    def test(data: st.DataObject) -> None:
        check_merge_law(name, data)

    test.__name__ = f"test_merge_equals_one_pass_{name.replace('-', '_')}"
    return test


for _name in CASES:
    globals()[f"test_merge_equals_one_pass_{_name.replace('-', '_')}"] = _make_test(_name)


@settings(max_examples=60)
@given(
    values=st.lists(st.floats(0, 1e7, allow_nan=False), min_size=1, max_size=200),
    alpha=st.sampled_from((0.005, 0.01, 0.05)),
    q=st.sampled_from((0.0, 0.25, 0.5, 0.9, 0.95, 0.99, 1.0)),
)
def test_sketch_relative_error_bound(values: list[float], alpha: float, q: float) -> None:
    from supportkit.metrics._percentiles import ExactStore

    exact, sketch = ExactStore(), LogSketch(alpha)
    for v in values:
        exact.add(v)
        sketch.add(v)
    truth = exact.quantile(q)
    got = sketch.quantile(q)
    assert abs(got - truth) <= alpha * truth * (1 + 1e-9) + 1e-12
    assert sketch.count == exact.count
    assert sketch.minmax() == exact.minmax()
