"""The multiprocessing recipe of docs/scaling.md: a process pool mapping the batch over chunks."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from supportkit.rules import RuleBatch


def test_rules_on_a_process_pool(rule_batch: RuleBatch, tickets: pd.DataFrame) -> None:
    # Few, large chunks: the batch travels with each chunk, which is cheap next to the work.
    chunks = [tickets.iloc[i : i + 168] for i in range(0, len(tickets), 168)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        out = pd.concat(pool.map(rule_batch, chunks))
    assert out.equals(rule_batch(tickets))
