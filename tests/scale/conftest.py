"""Fixtures for the scale-out tests: demo data as DataFrames, a Dask cluster, a Spark session.

The engines are started for real, once per test session, and never skipped: a missing
engine fails the test that needs it with what to install.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from supportkit._demo import demo_records
from supportkit.metrics import MetricsBatch
from supportkit.onboarding import FunnelBatch, Journey
from supportkit.onboarding._demo import demo_journeys
from supportkit.rules import RuleBatch, RuleSet
from supportkit.rules._demo import demo_ruleset
from supportkit.sla import PolicySet, SLABatch
from supportkit.sla._demo import demo_policies

#: Judge open SLA clocks here (after the demo data ends), the same on every worker.
NOW = dt.datetime(2024, 12, 1, tzinfo=dt.timezone(dt.timedelta(hours=3)))
#: Weekly-report options used by every metrics test.
REPORT = {"tz": "Europe/Moscow"}


@pytest.fixture(scope="session")
def now() -> dt.datetime:
    return NOW


@pytest.fixture(scope="session")
def report_options() -> dict[str, Any]:
    return dict(REPORT)


@pytest.fixture(scope="session")
def records() -> list[dict[str, Any]]:
    return demo_records()


@pytest.fixture(scope="session")
def tickets(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The demo tickets as Python objects per cell (lists, dicts), as ``pd.DataFrame(rows)``."""
    return pd.DataFrame(records)


@pytest.fixture(scope="session")
def flat_tickets(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The demo tickets as a flat table: text columns, tags as a list, JSON events/fields.

    This is the shape a warehouse table (and Spark) holds.
    """
    rows = [
        {
            "id": r["id"],
            "channel": r["channel"],
            "subject": r["subject"],
            "body": r["body"],
            "tags": list(r["tags"]),
            "priority": r["priority"],
            "created_at": r["created_at"],
            "events": json.dumps(r["events"], ensure_ascii=False),
            "rating": None if r["rating"] is None else str(r["rating"]),
            "fields": json.dumps(r["fields"], ensure_ascii=False),
        }
        for r in records
    ]
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        if column != "tags":
            frame[column] = frame[column].astype("string")
    return frame


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return demo_ruleset()


@pytest.fixture(scope="session")
def policies() -> PolicySet:
    return demo_policies()


@pytest.fixture(scope="session")
def rule_batch(ruleset: RuleSet) -> RuleBatch:
    return RuleBatch(ruleset, evidence=True)


@pytest.fixture(scope="session")
def sla_batch(policies: PolicySet) -> SLABatch:
    return SLABatch(policies, now=NOW)


@pytest.fixture(scope="session")
def metrics_batch() -> MetricsBatch:
    return MetricsBatch(**REPORT)


@pytest.fixture(scope="session")
def journeys() -> list[Journey]:
    return demo_journeys()


@pytest.fixture(scope="session")
def funnel_batch(journeys: list[Journey]) -> FunnelBatch:
    return FunnelBatch(journeys[0].flow)


@pytest.fixture(scope="session")
def events(journeys: list[Journey]) -> pd.DataFrame:
    return FunnelBatch.rows(journeys)


# -- engines ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    """A ``dask.distributed`` LocalCluster of two worker processes, one thread each."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        pytest.fail(
            f"dask.distributed cannot be imported ({exc}); install it with "
            "pip install 'supportkit[dask]'."
        )
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A real local PySpark session with two cores (``local[2]``), UTC session time zone."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail(
            "PySpark needs a Java runtime and there is no `java` on PATH (nor JAVA_HOME); "
            "install Debian's default-jre-headless: apt-get install -y default-jre-headless."
        )
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        pytest.fail(
            f"pyspark cannot be imported ({exc}); install it with pip install 'supportkit[spark]'."
        )
    # Workers must run this interpreter (with supportkit, pandas and pyarrow).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("supportkit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")  # loopback only
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "1g")
        # Short jobs: the client JIT and a serial collector halve JVM start-up here.
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
