"""The metrics batch function: a DataFrame of tickets in, a partial weekly report out.

Each batch becomes one row holding a serialised :class:`WeeklyReport` accumulator;
:meth:`MetricsBatch.merge` folds any number of them into one accumulator, and its
``result()`` equals ``weekly_report(all_tickets, **options)`` exactly (merging is
exact: counts, sums and the values behind exact percentiles).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from typing import Any, Final

import attrs

from supportkit.exceptions import InvalidValue
from supportkit.metrics._report import Report
from supportkit.metrics._weekly import WeeklyReport
from supportkit.sla._frame_batch import FrameSchema, check_frame, frame_records

__all__ = ["METRICS_SCHEMA", "MetricsBatch"]

#: Output columns of :class:`MetricsBatch`: one row per batch.
METRICS_SCHEMA: Final = FrameSchema((("tickets", "int64"), ("partial", "binary")))


@attrs.frozen(eq=False)
class MetricsBatch:
    """The metrics batch function: tickets in, one row with a partial report out.

    Call it on each batch (``batch(frame)``) or give :meth:`over` to Spark's
    ``mapInPandas``; then :meth:`merge` the ``partial`` column of all the rows (in any
    order and grouping) and take ``.result()``, or call :meth:`report`. Output columns
    (:attr:`schema`): ``tickets`` (rows in the batch) and ``partial`` (``bytes``: the
    pickled :class:`~supportkit.metrics.WeeklyReport` of the batch). Partials are
    pickles: merge only partials your own job produced.

    Args:
        calendar, tz, n, k, sketch, categories, scale, strict: The options of
            :class:`~supportkit.metrics.WeeklyReport`, checked here once.
    """

    calendar: Any = None
    tz: Any = None
    n: int = 5
    k: int = 3
    sketch: float | None = None
    categories: Any = None
    scale: Any = "auto"
    strict: bool = True

    def __attrs_post_init__(self) -> None:
        self.empty()  # validates the options once, where the batch is built

    @property
    def options(self) -> dict[str, Any]:
        """The options, as keyword arguments of :func:`~supportkit.metrics.weekly_report`."""
        return attrs.asdict(self, recurse=False)

    @property
    def schema(self) -> FrameSchema:
        """The output columns."""
        return METRICS_SCHEMA

    def meta(self) -> Any:
        """Dask's ``meta``: an empty frame of the output columns."""
        return METRICS_SCHEMA.meta()

    def spark_schema(self) -> str:
        """Spark's ``mapInPandas`` schema (DDL)."""
        return METRICS_SCHEMA.spark()

    def empty(self) -> WeeklyReport:
        """Return an empty accumulator with these options."""
        return WeeklyReport(**self.options)

    def accumulate(self, frame: Any) -> WeeklyReport:
        """Return the accumulator of one batch (not serialised)."""
        check_frame(frame)
        acc = self.empty()
        acc.add_many(record for _, record in frame_records(frame))
        return acc

    def __call__(self, frame: Any) -> Any:
        """Return one row: the batch's ticket count and its serialised accumulator."""
        acc = self.accumulate(frame)
        blob = pickle.dumps(acc, protocol=pickle.HIGHEST_PROTOCOL)
        return METRICS_SCHEMA.frame({"tickets": [len(frame)], "partial": [blob]})

    def over(self, frames: Iterable[Any]) -> Iterator[Any]:
        """Map an iterator of DataFrames (the form Spark's ``mapInPandas`` calls)."""
        for frame in frames:
            yield self(frame)

    def merge(self, partials: Any) -> WeeklyReport:
        """Merge partials into one accumulator.

        Args:
            partials: A DataFrame with a ``partial`` column (this batch's output,
                concatenated or collected), or an iterable of the ``bytes`` values.

        Raises:
            InvalidValue: a value that is not a partial of this batch's options.
        """
        blobs = partials["partial"] if hasattr(partials, "columns") else partials
        total = self.empty()
        for i, blob in enumerate(blobs):
            if not isinstance(blob, (bytes, bytearray)):
                raise InvalidValue(
                    f"partials[{i}] must be the bytes of a MetricsBatch row "
                    f"(got {type(blob).__name__}).",
                    field=f"partials[{i}]",
                    value=type(blob).__name__,
                )
            # A pickle made by __call__ above in the same job (see the class docstring).
            part = pickle.loads(blob)  # noqa: S301
            if not isinstance(part, WeeklyReport):
                raise InvalidValue(
                    f"partials[{i}] holds a {type(part).__name__}, not a partial weekly report.",
                    field=f"partials[{i}]",
                    value=type(part).__name__,
                )
            total.merge(part)
        return total

    def report(self, partials: Any) -> Report:
        """Return the :class:`~supportkit.metrics.Report` of the merged partials."""
        return self.merge(partials).result()
