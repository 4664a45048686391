"""The batch functions on a real local PySpark session (``local[2]``), started once.

Rules and SLA run through ``mapInPandas`` with the batch broadcast once; metrics and
onboarding partials are produced per partition and merged. Results equal the
single-process results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from supportkit.metrics import MetricsBatch, weekly_report
from supportkit.onboarding import FunnelBatch, Journey, funnel
from supportkit.rules import RuleBatch
from supportkit.sla import FrameSchema, SLABatch
from supportkit.sla._frame_batch import _plain

# PySpark 4.x warns that it does not fully support pandas 3 yet, and its Arrow
# conversion still passes pandas' deprecated `copy=` keyword; the tests below show that
# what these recipes use works.
pytestmark = [
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


def _spark_frame(spark: Any, frame: pd.DataFrame) -> Any:
    """A Spark DataFrame of ``frame`` in two partitions (text columns, tags array<string>)."""
    schema = ", ".join(
        f"`{c}` array<string>" if c == "tags" else f"`{c}` string" for c in frame.columns
    )
    rows = frame.astype(object).where(frame.notna(), None)
    return spark.createDataFrame(rows, schema=schema)  # local[2]: two slices


def _local(schema: FrameSchema, collected: pd.DataFrame) -> pd.DataFrame:
    """Read what Spark collected back into the batch's own dtypes (naive times are UTC)."""
    data = {name: [_plain(v) for v in collected[name]] for name in schema.names}
    return schema.frame(data)


def _sorted(frame: pd.DataFrame, *keys: str) -> pd.DataFrame:
    return frame.sort_values(list(keys), kind="stable").reset_index(drop=True)


def test_rules_with_map_in_pandas(
    spark: Any, rule_batch: RuleBatch, flat_tickets: pd.DataFrame
) -> None:
    assert spark.sparkContext.master == "local[2]"  # a real session with two cores
    shared = spark.sparkContext.broadcast(rule_batch)

    def evaluate(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        yield from shared.value.over(frames)

    df = _spark_frame(spark, flat_tickets)
    assert df.rdd.getNumPartitions() == 2
    out = df.mapInPandas(evaluate, schema=rule_batch.spark_schema()).toPandas()
    got = _sorted(_local(rule_batch.schema, out), "ticket_id")
    expected = _sorted(rule_batch(flat_tickets), "ticket_id")
    assert got.equals(expected)


def test_sla_with_map_in_pandas(
    spark: Any, sla_batch: SLABatch, flat_tickets: pd.DataFrame
) -> None:
    shared = spark.sparkContext.broadcast(sla_batch)

    def evaluate(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        yield from shared.value.over(frames)

    df = _spark_frame(spark, flat_tickets)
    out = df.mapInPandas(evaluate, schema=sla_batch.spark_schema()).toPandas()
    got = _sorted(_local(sla_batch.schema, out), "ticket_id", "metric")
    expected = _sorted(sla_batch(flat_tickets), "ticket_id", "metric")
    assert got.equals(expected)
    assert got["due_at"].dt.tz == dt.timezone.utc


def test_metric_partials_aggregate_to_the_report(
    spark: Any,
    metrics_batch: MetricsBatch,
    flat_tickets: pd.DataFrame,
    records: list[dict[str, Any]],
    report_options: dict[str, Any],
) -> None:
    df = _spark_frame(spark, flat_tickets)
    partials = df.mapInPandas(metrics_batch.over, schema=metrics_batch.spark_schema())
    # The aggregation: partials merged pairwise on the executors, one left for the driver.
    # (With few partitions, `partials.toPandas()` and `metrics_batch.report(...)` on the
    # driver is the same thing; docs/scaling.md shows both.)
    merged = partials.rdd.map(lambda row: bytes(row.partial)).treeReduce(
        lambda a, b: _merge_two(metrics_batch, a, b)
    )
    report = metrics_batch.report([merged])
    assert report.tickets == len(records)
    assert report == weekly_report(records, **report_options)


def _merge_two(batch: MetricsBatch, a: bytes, b: bytes) -> bytes:
    import pickle

    return pickle.dumps(batch.merge([a, b]))


def test_onboarding_partials_merge_to_the_funnel(
    spark: Any, funnel_batch: FunnelBatch, events: pd.DataFrame, journeys: list[Journey]
) -> None:
    df = spark.createDataFrame(
        events.astype(object).where(events.notna(), None),
        schema="subject_id string, `at` string, event string, actor string, data string, "
        "seq bigint",
    ).repartition(3, "subject_id")  # all rows of a journey in one partition
    partials = df.mapInPandas(funnel_batch.over, schema=funnel_batch.spark_schema()).toPandas()
    assert partials["journeys"].sum() == len(journeys)
    assert funnel_batch.funnel(partials) == funnel(journeys, journeys[0].flow)


def test_without_java_the_spark_tests_fail_and_say_what_to_install(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    here = Path(__file__).resolve()
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(tmp_path)  # an empty folder: no `java` anywhere on PATH
    done = subprocess.run(
        [sys.executable, "-m", "pytest", f"{here}::test_sla_with_map_in_pandas", "-q", "-x"],
        cwd=here.parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout[-2000:]
    assert "default-jre-headless" in done.stdout
    assert "skipped" not in done.stdout
