"""Run any accumulator — and the weekly report — as a Dask reduction.

Each partition fills its own accumulator; the partial accumulators are merged
pairwise (a tree reduction). Merging is exact, so the result equals the one-pass
result on one machine, bit for bit. Dask is optional (``pip install
'supportkit[dask]'``); this module imports it only inside :func:`report_from_files`.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Callable, Iterable
from typing import Any, Final, TypeVar

from supportkit.exceptions import InvalidArgument, InvalidTicket, InvalidValue, MissingExtra
from supportkit.metrics._checks import count, having, names
from supportkit.metrics._report import Report
from supportkit.metrics._weekly import WeeklyReport

__all__ = ["accumulate_bag", "report_from_bag", "report_from_files"]

_A = TypeVar("_A")


class _Fill:
    """Per-partition step: a fresh accumulator filled with the partition (picklable)."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self.factory = factory

    def __call__(self, records: Iterable[Any]) -> Any:
        acc = self.factory()
        acc.add_many(records)
        return acc


def _merge_all(partials: Iterable[Any]) -> Any:
    it = iter(partials)
    first = next(it)
    for other in it:
        first.merge(other)
    return first


_BAG: Final = "a dask.bag.Bag, such as dask.bag.from_sequence(tickets)"


def accumulate_bag(bag: Any, factory: Callable[[], _A], *, split_every: int | None = None) -> _A:
    """Fill one accumulator per partition of a ``dask.bag.Bag`` and merge them.

    Args:
        bag: A Dask bag of tickets (mappings, e.g. ``db.read_text(...).map(json.loads)``),
            or of ratings for :class:`~supportkit.metrics.CSAT` and friends.
        factory: Makes an empty accumulator, e.g. ``lambda: CSAT(scale="3")`` or
            ``functools.partial(WeeklyReport, tz="Europe/Moscow")``. It must be
            picklable for the multiprocessing and distributed schedulers.
        split_every: Fan-in of the tree reduction (Dask's default when ``None``).

    Returns:
        The merged accumulator; call ``.result()``.
    """
    having(bag, "reduction", field="bag", what=_BAG)
    if not callable(factory):
        raise InvalidArgument(
            f"factory must make an empty accumulator, such as lambda: CSAT(scale='3') (got "
            f"{type(factory).__name__}).",
            field="factory",
            value=factory,
        )
    if split_every is not None:
        count(split_every, field="split_every")
    reduction = bag.reduction(_Fill(factory), _merge_all, split_every=split_every)
    return reduction.compute()  # type: ignore[no-any-return]


def _files(pattern: Any) -> list[str]:
    """The files a pattern (or a list of patterns) names: checked here, not in a worker.

    A URL (``s3://...``) is passed on to Dask as it is; a local pattern must match at
    least one file.
    """
    patterns = names(pattern, field="pattern", what="file patterns", example="'export/*.jsonl'")
    if not patterns:
        raise InvalidValue(
            "pattern names no file; pass a pattern such as 'export/*.jsonl' or a list of paths.",
            field="pattern",
            value=pattern,
        )
    found: list[str] = []
    for text in patterns:
        if "://" in text:
            found.append(text)
            continue
        try:
            matches = sorted(p for p in glob.glob(text, recursive=True) if os.path.isfile(p))
        except (OSError, ValueError):  # a name too long, a NUL byte
            matches = []
        if not matches:
            raise InvalidValue(
                f"pattern {text!r:.80} matches no file; pass a JSON Lines export such as "
                "'export/*.jsonl'.",
                field="pattern",
                value=text,
            )
        found.extend(matches)
    return found


def _has_text(item: tuple[str, str]) -> bool:
    return bool(item[0].strip())


def _parse(item: tuple[str, str]) -> Any:
    line, path = item
    try:
        return json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        why = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        raise InvalidTicket(
            f"a line of {path} is not valid JSON ({why}); write one JSON object per line.",
            field=path,
        ) from exc


class _ReportFactory:
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options

    def __call__(self) -> WeeklyReport:
        return WeeklyReport(**self.options)


def report_from_bag(bag: Any, **options: Any) -> Report:
    """Return the weekly report of a Dask bag of ticket mappings.

    ``options`` are those of :class:`~supportkit.metrics.WeeklyReport`. The result
    equals ``weekly_report(all_tickets, **options)`` exactly.
    """
    having(bag, "reduction", field="bag", what=_BAG)
    WeeklyReport(**options)  # the options are checked here, once, not in every partition
    acc: WeeklyReport = accumulate_bag(bag, _ReportFactory(options))
    return acc.result()


def report_from_files(pattern: str | list[str], **options: Any) -> Report:
    """Return the weekly report of a partitioned JSON Lines export (``"export/*.jsonl"``).

    Raises:
        MissingExtra: Dask is not installed (``extra == "dask"``).
    """
    try:
        import dask.bag as db
    except ImportError as exc:
        raise MissingExtra(
            "report_from_files() needs Dask, which is not installed; "
            "install it with: pip install 'supportkit[dask]'.",
            extra="dask",
        ) from exc
    lines = db.read_text(_files(pattern), include_path=True)  # type: ignore[no-untyped-call]
    bag = lines.filter(_has_text).map(_parse)
    return report_from_bag(bag, **options)
