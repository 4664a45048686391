"""Scale: pickling, streaming, and the documented multiprocessing and Dask recipes."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor

from supportkit._demo import demo_records
from supportkit.rules import Evaluation, RuleSet
from supportkit.rules._demo import demo_ruleset


def test_pickle_round_trip_gives_identical_evaluations() -> None:
    ruleset = demo_ruleset()
    clone = pickle.loads(pickle.dumps(ruleset))
    assert clone == ruleset
    records = demo_records()[:150]
    assert [clone.evaluate(r) for r in records] == [ruleset.evaluate(r) for r in records]


def test_evaluations_pickle() -> None:
    evaluation = demo_ruleset().evaluate(demo_records()[1])
    assert evaluation.matched
    clone = pickle.loads(pickle.dumps(evaluation))
    assert clone == evaluation
    assert clone.to_dict() == evaluation.to_dict()


def test_python_calendars_travel_with_the_rule_set() -> None:
    ruleset = RuleSet.from_dicts(
        [{"id": "r", "when": {"inside": "always"}, "then": {}}], calendars={"always": Always()}
    )
    clone = pickle.loads(pickle.dumps(ruleset))
    assert clone.evaluate({"created_at": "2024-10-07T10:00:00+03:00"}).matched == ("r",)


class Always:
    def is_open(self, at: object) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Always)

    __hash__ = object.__hash__


def test_multiprocessing_recipe() -> None:
    ruleset = demo_ruleset()
    records = demo_records()[:120]
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(ruleset.evaluate, records, chunksize=30))
    assert results == [ruleset.evaluate(r) for r in records]
    assert all(isinstance(r, Evaluation) for r in results)


def test_dask_bag_recipe() -> None:
    import dask.bag as db

    ruleset = demo_ruleset()
    records = demo_records()[:120]
    bag = db.from_sequence(records, npartitions=4).map(ruleset.evaluate).map(Evaluation.to_dict)
    rows = bag.compute(scheduler="processes", num_workers=2)
    assert rows == [ruleset.evaluate(r).to_dict() for r in records]


def test_threads_share_a_rule_set_safely() -> None:
    from concurrent.futures import ThreadPoolExecutor

    # A generous regex time limit: on a loaded machine four threads share one core, and a
    # regex past its limit counts as no match, which would be a difference not a race.
    ruleset = demo_ruleset().with_options(regex_timeout=10)
    records = demo_records()[:200]
    expected = [ruleset.evaluate(r) for r in records]
    from supportkit.text import _morphology

    _morphology.clear_cache()  # cold caches: dictionary look-ups run in every thread at once
    fresh = demo_ruleset().with_options(regex_timeout=10)
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(fresh.evaluate, records)) == expected
