"""Every block's batch function on a real ``dask.distributed`` LocalCluster of two processes.

The configuration is scattered to the workers once (``broadcast=True``) and passed to
``map_partitions`` as a future, so tasks carry a key, not a pickled rule set. Results
equal the single-process results exactly.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import cloudpickle
import dask
import dask.dataframe as dd
import pandas as pd
import pytest

from supportkit.exceptions import InvalidTicket
from supportkit.metrics import MetricsBatch, weekly_report
from supportkit.onboarding import FunnelBatch, Journey, funnel
from supportkit.rules import RuleBatch
from supportkit.sla import SLABatch


@pytest.fixture
def objects() -> Iterator[None]:
    """Keep object columns (lists, dicts) as they are: Dask turns them into text by default."""
    with dask.config.set({"dataframe.convert-string": False}):
        yield


def _applier() -> Callable[[pd.DataFrame, Any], pd.DataFrame]:
    # A nested function travels by value (cloudpickle), as a job script's own functions
    # in `__main__` do, so the workers need not import this test module.
    def apply(frame: pd.DataFrame, batch: Any) -> pd.DataFrame:
        return batch(frame)  # type: ignore[no-any-return]

    return apply


_apply = _applier()


def _scattered(client: Any, batch: Any) -> Any:
    [future] = client.scatter([batch], broadcast=True)
    return future


def test_workers_are_separate_processes(dask_client: Any) -> None:
    pids = set(dask_client.run(os.getpid).values())
    assert len(pids) == 2
    assert os.getpid() not in pids


def test_rules_on_a_cluster(
    objects: None, dask_client: Any, rule_batch: RuleBatch, tickets: pd.DataFrame
) -> None:
    ddf = dd.from_pandas(tickets, npartitions=6)
    remote = _scattered(dask_client, rule_batch)
    out = ddf.map_partitions(_apply, remote, meta=rule_batch.meta()).compute()
    assert out.equals(rule_batch(tickets))


def test_sla_on_a_cluster(
    objects: None, dask_client: Any, sla_batch: SLABatch, tickets: pd.DataFrame
) -> None:
    ddf = dd.from_pandas(tickets, npartitions=6)
    remote = _scattered(dask_client, sla_batch)
    out = ddf.map_partitions(_apply, remote, meta=sla_batch.meta()).compute()
    assert out.equals(sla_batch(tickets))


def test_metrics_on_a_cluster(
    objects: None,
    dask_client: Any,
    metrics_batch: MetricsBatch,
    tickets: pd.DataFrame,
    records: list[dict[str, Any]],
    report_options: dict[str, Any],
) -> None:
    ddf = dd.from_pandas(tickets, npartitions=6)
    remote = _scattered(dask_client, metrics_batch)
    partials = ddf.map_partitions(_apply, remote, meta=metrics_batch.meta()).compute()
    assert len(partials) == 6
    assert partials["tickets"].sum() == len(records)
    assert metrics_batch.report(partials) == weekly_report(records, **report_options)


def test_onboarding_on_a_cluster(
    dask_client: Any, funnel_batch: FunnelBatch, events: pd.DataFrame, journeys: list[Journey]
) -> None:
    # All rows of a journey must meet in one partition: shuffle on the subject.
    ddf = dd.from_pandas(events, npartitions=4).shuffle("subject_id", npartitions=3)
    remote = _scattered(dask_client, funnel_batch)
    partials = ddf.map_partitions(_apply, remote, meta=funnel_batch.meta()).compute()
    assert partials["journeys"].sum() == len(journeys)
    assert funnel_batch.funnel(partials) == funnel(journeys, journeys[0].flow)


def test_the_scattered_batch_is_not_in_the_tasks(
    objects: None, dask_client: Any, rule_batch: RuleBatch, tickets: pd.DataFrame
) -> None:
    # Each task names the scattered future by key; passing the batch itself instead
    # pickles the whole rule set into every task.
    ddf = dd.from_pandas(tickets.iloc[:20], npartitions=4)
    remote = _scattered(dask_client, rule_batch)
    scattered = _map_tasks(ddf.map_partitions(_apply, remote, meta=rule_batch.meta()))
    inline = _map_tasks(ddf.map_partitions(rule_batch, meta=rule_batch.meta()))
    assert len(scattered) == len(inline) == 4
    assert all(remote.key in task.dependencies for task in scattered)
    size = len(pickle.dumps(rule_batch))
    assert all(len(cloudpickle.dumps(task)) < size for task in scattered)
    assert all(len(cloudpickle.dumps(task)) > size for task in inline)


def _map_tasks(collection: Any) -> list[Any]:
    graph = collection.__dask_graph__()
    return [task for key, task in graph.items() if not str(key).startswith("('frompandas")]


def test_default_string_conversion_with_json_columns(
    dask_client: Any, rule_batch: RuleBatch, flat_tickets: pd.DataFrame
) -> None:
    # Dask's default turns object columns into text: keep lists as JSON text then.
    flat = flat_tickets.assign(tags=[json.dumps(list(t)) for t in flat_tickets["tags"]])
    ddf = dd.from_pandas(flat, npartitions=4)
    remote = _scattered(dask_client, rule_batch)
    out = ddf.map_partitions(_apply, remote, meta=rule_batch.meta()).compute()
    assert out.equals(rule_batch(flat_tickets))


def test_lists_turned_into_text_fail_loudly(
    dask_client: Any, rule_batch: RuleBatch, flat_tickets: pd.DataFrame
) -> None:
    ddf = dd.from_pandas(flat_tickets, npartitions=2)  # tags: lists -> "['receipts']"
    remote = _scattered(dask_client, rule_batch)
    with pytest.raises(
        InvalidTicket, match=r"tags is a Python list or dict written as text.*convert-string"
    ):
        ddf.map_partitions(_apply, remote, meta=rule_batch.meta()).compute()
