"""Benchmark: the batch functions on one process, multiprocessing, Dask and Spark (1 and 2 workers).

Workload: the demo tickets (672, Russian, with events) repeated to N tickets (default
20,000) as a flat table (text columns, JSON events/fields, tags as a list), the
demo rule set, the demo SLA policies and the weekly report. Every engine gathers all
output rows on the driver, as a job that writes them would.

Prints, per block and engine, tickets per second of wall time and the ratio to one
plain in-process call of the same batch function (the peer here is "not scaling out").
Engines are warmed before timing (workers started, the batch shipped, one small batch
run), so the figures are steady-state throughput; start-up is measured apart:

- cold worker: a fresh interpreter unpickling the rule batch and evaluating one row;
- per-partition cost: a job over many one-row partitions, per partition;
- broadcast: pickle size, pickling and unpickling time of a 10,000-rule set (every
  worker unpickles it once: that rebuilds the phrase index) and Dask's scatter time.

Each figure is the best of ``--repeat`` runs (default 3): the run least disturbed by
other load on the machine.

Run: ``python benchmarks/scale_bench.py`` (``--quick`` for a small run;
``--engines single,mp,dask,spark`` to choose). Spark needs ``java`` and pyspark.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pickle
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pandas as pd

from supportkit._demo import demo_records
from supportkit.metrics import MetricsBatch
from supportkit.rules import RuleBatch, RuleSet
from supportkit.rules._demo import demo_ruleset
from supportkit.sla import SLABatch
from supportkit.sla._demo import demo_policies

NOW = "2025-01-01T00:00:00+03:00"


def flat_tickets(n: int) -> pd.DataFrame:
    base = demo_records()
    rows = []
    for i in range(n):
        r = base[i % len(base)]
        rows.append(
            {
                "id": f"{r['id']}-{i // len(base)}",
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
        )
    return pd.DataFrame(rows)


def batches() -> dict[str, Any]:
    return {
        "rules": RuleBatch(demo_ruleset()),
        "sla": SLABatch(demo_policies(), now=NOW),
        "metrics": MetricsBatch(tz="Europe/Moscow"),
    }


def chunks(frame: pd.DataFrame, parts: int) -> list[pd.DataFrame]:
    size = -(-len(frame) // parts)
    return [frame.iloc[i : i + size] for i in range(0, len(frame), size)]


REPEAT = [1]


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    """Best wall time of REPEAT runs (the least disturbed by other load) and the output."""
    best = float("inf")
    out = None
    for _ in range(REPEAT[0]):
        start = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - start)
    return best, out


# -- engines: each returns {block: seconds} for `frame` with `workers` workers ----------


def run_single(frame: pd.DataFrame, workers: int) -> dict[str, float]:
    del workers
    out = {}
    for name, batch in batches().items():
        batch(frame.iloc[:50])  # warm caches, as the engines' warm-up does
        out[name] = timed(lambda b=batch: b(frame))[0]
    return out


_WORKER_BATCH: dict[str, Any] = {}


def _install(blob: bytes) -> None:
    _WORKER_BATCH.update(pickle.loads(blob))


def _run_in_worker(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    return _WORKER_BATCH[name](frame)  # type: ignore[no-any-return]


def run_mp(frame: pd.DataFrame, workers: int) -> dict[str, float]:
    blob = pickle.dumps(batches())
    out = {}
    with ProcessPoolExecutor(workers, initializer=_install, initargs=(blob,)) as pool:
        for name in batches():
            list(pool.map(_run_in_worker, [name] * workers, chunks(frame.iloc[:50], workers)))
            parts = chunks(frame, 4 * workers)
            out[name] = timed(
                lambda n=name, p=parts: pd.concat(pool.map(_run_in_worker, [n] * len(p), p))
            )[0]
    return out


def _apply(frame: pd.DataFrame, batch: Any, run: int = 0) -> pd.DataFrame:
    del run  # only makes each repetition's task keys new (no results reused)
    return batch(frame)  # type: ignore[no-any-return]


RUNS = itertools.count(1)


def run_dask(frame: pd.DataFrame, workers: int) -> dict[str, float]:
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    out = {}
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        flat = frame.assign(tags=[json.dumps(t) for t in frame["tags"]])  # see docs/scaling.md
        for name, batch in batches().items():
            [remote] = client.scatter([batch], broadcast=True)
            small = dd.from_pandas(flat.iloc[:50], npartitions=workers)
            small.map_partitions(_apply, remote, meta=batch.meta()).compute()
            ddf = dd.from_pandas(flat, npartitions=4 * workers).persist()
            out[name] = timed(
                lambda r=remote, b=batch, d=ddf: d.map_partitions(
                    _apply, r, meta=b.meta(), run=next(RUNS)
                ).compute()
            )[0]
        # Per-partition cost: 200 one-row partitions of the cheapest batch.
        batch = batches()["metrics"]
        [remote] = client.scatter([batch], broadcast=True)
        tiny = dd.from_pandas(flat.iloc[:200], npartitions=200).persist()
        tiny.map_partitions(_apply, remote, meta=batch.meta()).compute()
        seconds = timed(
            lambda: tiny.map_partitions(_apply, remote, meta=batch.meta(), run=next(RUNS)).compute()
        )[0]
        out["per_partition"] = seconds / tiny.npartitions
    return out


def run_spark(frame: pd.DataFrame, workers: int) -> dict[str, float]:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    import warnings

    from pyspark.sql import SparkSession

    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    spark = (
        SparkSession.builder.master(f"local[{workers}]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")  # loopback only
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    schema = ", ".join(
        f"`{c}` array<string>" if c == "tags" else f"`{c}` string" for c in frame.columns
    )
    out = {}
    try:
        rows = frame.astype(object).where(frame.notna(), None)
        df = spark.createDataFrame(rows, schema=schema).repartition(4 * workers).cache()
        df.count()
        for name, batch in batches().items():
            shared = spark.sparkContext.broadcast(batch)

            def apply(frames: Iterator[pd.DataFrame], shared: Any = shared) -> Iterator[Any]:
                yield from shared.value.over(frames)

            df.limit(50).mapInPandas(apply, schema=batch.spark_schema()).toPandas()
            job = df.mapInPandas(apply, schema=batch.spark_schema())
            out[name] = timed(job.toPandas)[0]
        batch = batches()["metrics"]
        tiny = spark.createDataFrame(rows.iloc[:200], schema=schema).repartition(200).cache()
        tiny.count()
        job = tiny.mapInPandas(batch.over, schema=batch.spark_schema())
        job.toPandas()
        out["per_partition"] = timed(job.toPandas)[0] / tiny.rdd.getNumPartitions()
    finally:
        spark.stop()
    return out


ENGINES = {"single": run_single, "mp": run_mp, "dask": run_dask, "spark": run_spark}


# -- start-up and broadcast -------------------------------------------------------------


def cold_worker() -> float:
    """Seconds for a fresh interpreter to unpickle the rule batch and evaluate one row."""
    code = (
        "import pickle, sys, time\n"
        "blob, frame = pickle.load(sys.stdin.buffer)\n"
        "start = time.perf_counter()\n"
        "batch = pickle.loads(blob)\n"
        "batch(frame)\n"
        "print(time.perf_counter() - start)\n"
    )
    payload = pickle.dumps((pickle.dumps(batches()["rules"]), flat_tickets(1)))
    done = subprocess.run(
        [sys.executable, "-c", code], input=payload, capture_output=True, check=True
    )
    return float(done.stdout)


def big_ruleset(n: int) -> RuleSet:
    rng = random.Random(18)
    stems = ["выплат", "перевод", "акт", "чек", "договор", "пароль", "паспорт", "налог"]
    endings = ["а", "ы", "у", "ой", "ом", "ам", "ами"]
    rules = []
    for i in range(n):
        words = [f"{rng.choice(stems)}{rng.choice('бвгдклмнпрст')}{i}" for _ in range(2)]
        rules.append(
            {
                "id": f"r{i}",
                "when": {"any": [f"{w}{rng.choice(endings)}" for w in words]},
                "then": {"tags": [f"t{i % 50}"]},
            }
        )
    return RuleSet.from_dicts(rules)


def broadcast_figures(n: int, with_dask: bool) -> dict[str, float]:
    built, ruleset = timed(lambda: big_ruleset(n))
    batch = RuleBatch(ruleset)
    dumped, blob = timed(lambda: pickle.dumps(batch))
    loaded, _ = timed(lambda: pickle.loads(blob))
    out = {"build_s": built, "bytes": len(blob), "pickle_s": dumped, "unpickle_s": loaded}
    if with_dask:
        from dask.distributed import Client, LocalCluster

        with (
            LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,
        ):
            # hash=False: a fresh key per repetition (one key would be released under
            # the next repetition's feet).
            out["scatter_2_workers_s"] = timed(
                lambda: client.scatter([batch], broadcast=True, hash=False)[0].result()  # noqa: PLW0108
            )[0]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20_000, help="tickets (default 20,000)")
    parser.add_argument("--quick", action="store_true", help="3,000 tickets, 1,000 rules")
    parser.add_argument("--engines", default="single,mp,dask,spark")
    parser.add_argument("--rules", type=int, default=10_000, help="rules for the broadcast size")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    REPEAT[0] = args.repeat
    n = 3_000 if args.quick else args.n
    rule_count = 1_000 if args.quick else args.rules
    engines = args.engines.split(",")
    frame = flat_tickets(n)
    load = os.getloadavg()[0]
    print(
        f"{n:,} tickets, {os.cpu_count()} CPUs, load average {load:.1f} at start, "
        f"best of {args.repeat}"
    )
    results: dict[tuple[str, int], dict[str, float]] = {}
    for engine in engines:
        for workers in (1, 2) if engine != "single" else (1,):
            results[engine, workers] = ENGINES[engine](frame, workers)
    base = results.get(("single", 1))
    print(f"\n{'engine':<8} {'workers':>7} {'block':<8} {'tickets/s':>10} {'vs single':>10}")
    for (engine, workers), figures in results.items():
        for block in ("rules", "sla", "metrics"):
            rate = n / figures[block]
            ratio = "" if base is None else f"{base[block] / figures[block]:.2f}x"
            print(f"{engine:<8} {workers:>7} {block:<8} {rate:>10,.0f} {ratio:>10}")
    for (engine, workers), figures in results.items():
        if "per_partition" in figures:
            ms = figures["per_partition"] * 1000
            print(f"per-partition cost, {engine} {workers} worker(s): {ms:.1f} ms")
    print(f"cold worker (unpickle the rule batch, evaluate one row): {cold_worker():.2f} s")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    figures = broadcast_figures(rule_count, with_dask="dask" in engines)
    print(
        f"{rule_count:,}-rule set: built in {figures['build_s']:.1f} s, pickled "
        f"{figures['bytes'] / 1e6:.2f} MB in {figures['pickle_s']:.2f} s, unpickled (per worker) "
        f"in {figures['unpickle_s']:.2f} s"
        + (
            f", scattered to 2 Dask workers in {figures['scatter_2_workers_s']:.2f} s"
            if "scatter_2_workers_s" in figures
            else ""
        )
    )


if __name__ == "__main__":
    main()
