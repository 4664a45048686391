"""CSAT, NPS and mean scores, as functions and as mergeable accumulators.

Ratings are counted per scale point, so the accumulators are tiny (one integer per
point), merge by adding counts, and give bit-for-bit the same result whatever the
order or the split of the input.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.metrics._checks import collection, no_bools, whole
from supportkit.metrics._results import Mean, NPSResult, Rate
from supportkit.metrics._stats import mean_interval, nps_interval, wilson_interval

__all__ = ["CSAT", "NPS", "SCALES", "MeanScore", "Scale", "csat", "mean_score", "nps"]


def normalise_label(text: str) -> str:
    """Case-fold, ``ё`` → ``е``, collapse spaces: how rating labels are compared."""
    return " ".join(text.casefold().replace("ё", "е").split())


def _labels(value: Any) -> tuple[tuple[str, int], ...]:
    if value is None:
        return ()
    if isinstance(value, tuple):
        value = dict(value)
    if not isinstance(value, Mapping):
        raise InvalidArgument(
            f"labels must be a mapping of label to scale point (got {value!r}).",
            field="labels",
            value=value,
        )
    out: dict[str, int] = {}
    for key, point in value.items():
        if not isinstance(key, str) or isinstance(point, bool) or not isinstance(point, int):
            raise InvalidArgument(
                f"labels must map strings to integer points (got {key!r}: {point!r}).",
                field=f"labels[{key!r}]",
                value=point,
            )
        out[normalise_label(key)] = point
    return tuple(sorted(out.items()))


def _whole_low(value: Any) -> int:
    return whole(value, field="scale.low")


def _whole_high(value: Any) -> int:
    return whole(value, field="scale.high")


def _whole_top(value: Any) -> int:
    return whole(value, field="scale.top")


@attrs.frozen
class Scale:
    """A rating scale: integer points ``low..high``, label names, and the "satisfied" box.

    Args:
        low: The worst point (``1``, or ``0`` for thumbs down).
        high: The best point.
        labels: Label → point (compared case-insensitively, ``ё`` = ``е``).
        top: How many points from the top count as satisfied (``1`` = top-box,
            ``2`` = top-2-box).
        name: A short name for reprs and errors.

    >>> Scale(1, 7, top=2, name="7").points
    (1, 2, 3, 4, 5, 6, 7)
    """

    low: int = attrs.field(converter=_whole_low)
    high: int = attrs.field(converter=_whole_high)
    labels: tuple[tuple[str, int], ...] = attrs.field(default=(), converter=_labels)
    top: int = attrs.field(default=2, converter=_whole_top)
    name: str = "custom"

    def __attrs_post_init__(self) -> None:
        if self.high <= self.low:
            raise InvalidValue(
                f"Scale.high must be above Scale.low (got low={self.low!r}, high={self.high!r}).",
                field="scale.high",
                value=self.high,
            )
        if not 1 <= self.top <= self.high - self.low:
            raise InvalidValue(
                f"Scale.top must be between 1 and {self.high - self.low} for a "
                f"{self.low}..{self.high} scale (got {self.top!r}).",
                field="scale.top",
                value=self.top,
            )
        for label, point in self.labels:
            if not self.low <= point <= self.high:
                raise InvalidValue(
                    f"Scale label {label!r} maps to {point!r}, outside {self.low}..{self.high}.",
                    field=f"scale.labels[{label!r}]",
                    value=point,
                )

    @property
    def points(self) -> tuple[int, ...]:
        """Every point, worst to best."""
        return tuple(range(self.low, self.high + 1))

    def with_top(self, top: int) -> Scale:
        """Return the same scale with another satisfied box (``1`` = top-box)."""
        return attrs.evolve(self, top=top)

    def with_labels(self, labels: Mapping[str, int]) -> Scale:
        """Return the same scale with extra (or overriding) labels."""
        merged = dict(self.labels)
        merged.update(dict(_labels(labels)))
        return attrs.evolve(self, labels=merged)


_RU_EN_3: Final = {
    "отлично": 3,
    "хорошо": 2,
    "нормально": 2,
    "плохо": 1,
    "excellent": 3,
    "great": 3,
    "good": 2,
    "ok": 2,
    "okay": 2,
    "bad": 1,
    "poor": 1,
}
_RU_EN_5: Final = {
    "отлично": 5,
    "хорошо": 4,
    "удовлетворительно": 3,
    "нормально": 3,
    "плохо": 2,
    "очень плохо": 1,
    "ужасно": 1,
    "very satisfied": 5,
    "excellent": 5,
    "satisfied": 4,
    "good": 4,
    "neutral": 3,
    "average": 3,
    "dissatisfied": 2,
    "poor": 2,
    "bad": 2,
    "very dissatisfied": 1,
    "very bad": 1,
    "terrible": 1,
}
_RU_EN_2: Final = {
    "да": 1,
    "нет": 0,
    "хорошо": 1,
    "плохо": 0,
    "yes": 1,
    "no": 0,
    "good": 1,
    "bad": 0,
    "like": 1,
    "dislike": 0,
    "👍": 1,
    "👎": 0,
}

#: Built-in scales: ``"2"`` (0/1, thumbs), ``"3"`` (Плохо/Хорошо/Отлично), ``"5"``,
#: ``"10"`` (1..10) and ``"11"`` (0..10). CSAT counts the top-2 box except on ``"2"``.
SCALES: Final[Mapping[str, Scale]] = {
    "2": Scale(0, 1, labels=_RU_EN_2, top=1, name="2"),
    "3": Scale(1, 3, labels=_RU_EN_3, top=2, name="3"),
    "5": Scale(1, 5, labels=_RU_EN_5, top=2, name="5"),
    "10": Scale(1, 10, top=2, name="10"),
    "11": Scale(0, 10, top=2, name="11"),
}


def resolve_scale(
    scale: Any, *, top: int | None = None, labels: Mapping[str, int] | None = None
) -> Scale:
    """Turn a ``scale=`` option (a name such as ``"5"``, an int, or a :class:`Scale`) into one."""
    if isinstance(scale, Scale):
        found = scale
    elif isinstance(scale, (str, int)) and not isinstance(scale, bool) and str(scale) in SCALES:
        found = SCALES[str(scale)]
    else:
        raise InvalidValue(
            f"scale must be one of {sorted(SCALES, key=int)} or a Scale (got {scale!r}).",
            field="scale",
            value=scale,
        )
    if top is not None:
        found = found.with_top(whole(top, field="top"))
    if labels:
        found = found.with_labels(labels)
    return found


class _PointCounter:
    """Counts of ratings per point across one or more scales (the shared engine)."""

    __slots__ = ("_bools", "_config", "_counts", "_lookup", "_scales", "_unknown", "skipped")

    def __init__(self, scales: tuple[Scale, ...], unknown: str) -> None:
        if unknown not in ("raise", "skip"):
            raise InvalidValue(
                f"unknown must be 'raise' or 'skip' (got {unknown!r}).",
                field="unknown",
                value=unknown,
            )
        self._scales = scales
        self._unknown = unknown
        # True/False are ratings on a 0..1 (thumbs) scale only; elsewhere True == 1
        # would silently count as the worst point.
        self._bools = any((s.low, s.high) == (0, 1) for s in scales)
        self._config: tuple[Any, ...] = (scales, unknown)
        lookup: dict[Any, int] = {}
        offset = 0
        # Later scales are filled first so that earlier ones win on shared labels.
        offsets = []
        for s in scales:
            offsets.append(offset)
            offset += s.high - s.low + 1
        for s, base in reversed(list(zip(scales, offsets, strict=True))):
            for point in s.points:
                lookup[point] = base + point - s.low
                lookup[str(point)] = base + point - s.low
            for label, point in s.labels:
                lookup[label] = base + point - s.low
        if len(scales) > 1:  # "auto": numbers belong to the numeric scale (the last one)
            last, base = scales[-1], offsets[-1]
            for point in last.points:
                lookup[point] = base + point - last.low
                lookup[str(point)] = base + point - last.low
        self._lookup = lookup
        self._counts = [0] * offset
        self.skipped = 0

    def _what(self) -> str:
        return " or ".join(f"points {s.low}..{s.high}" for s in self._scales)

    def _resolve(self, value: Any) -> int:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return -1
        index = None
        if isinstance(value, str):
            index = self._lookup.get(normalise_label(value))
            if index is None:
                try:
                    number = float(value.strip().replace(",", "."))
                except ValueError:
                    number = math.nan
                if number == int(number) if math.isfinite(number) else False:
                    index = self._lookup.get(int(number))
            if index is not None and len(self._lookup) < 4096:
                self._lookup[value] = index  # remember "Отлично" next to "отлично"
        if index is not None:
            return index
        if self._unknown == "skip":
            return -2
        names = " or ".join(
            f"the {s.name}-point scale ({s.low}..{s.high})"
            if s.name != "custom"
            else f"the scale {s.low}..{s.high}"
            for s in self._scales
        )
        known = sorted({label for s in self._scales for label, _ in s.labels})
        raise InvalidValue(
            f"rating {value!r} is not on {names} nor one of its labels {known}; "
            "pass labels={...}, a custom Scale, or unknown='skip'.",
            field="rating",
            value=value,
        )

    def add(self, value: Any) -> None:
        if type(value) is bool and not self._bools:
            no_bools((value,), field="rating", what=self._what())
        try:
            index = self._lookup.get(value)
        except TypeError:
            index = None
        if index is None:
            index = self._resolve(value)
            if index < 0:
                if index == -2:
                    self.skipped += 1
                return
        self._counts[index] += 1

    def add_many(self, values: Iterable[Any]) -> None:
        items = collection(values, field="ratings", what="ratings", example="[5, 4, 'Отлично']")
        if not self._bools:
            items = no_bools(items, field="ratings", what=self._what())
        try:
            tally = Counter(items)
        except TypeError as exc:
            raise InvalidArgument(
                f"ratings must be hashable scalars such as 5 or 'Отлично' ({exc}).",
                field="ratings",
            ) from exc
        self.add_tally(tally)

    def add_tally(self, tally: Mapping[Any, int]) -> None:
        """Add ``n`` ratings ``value`` for each ``value: n`` (no boolean values)."""
        lookup = self._lookup
        counts = self._counts
        for value, n in tally.items():
            index = lookup.get(value)
            if index is None:
                index = self._resolve(value)
                if index < 0:
                    if index == -2:
                        self.skipped += n
                    continue
            counts[index] += n

    def merge_from(self, other: _PointCounter, what: str) -> None:
        if type(other) is not type(self) or other._config != self._config:
            raise InvalidValue(
                f"cannot merge {what} accumulators built with different options "
                f"({self._config!r} and {getattr(other, '_config', other)!r}).",
                field="other",
                value=other,
            )
        counts = self._counts
        for i, n in enumerate(other._counts):
            counts[i] += n
        self.skipped += other.skipped

    def per_scale(self) -> list[tuple[Scale, list[int]]]:
        out = []
        offset = 0
        for s in self._scales:
            width = s.high - s.low + 1
            out.append((s, self._counts[offset : offset + width]))
            offset += width
        return out

    def __getstate__(self) -> dict[str, Any]:
        return {
            "scales": self._scales,
            "unknown": self._unknown,
            "counts": self._counts,
            "skipped": self.skipped,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        _PointCounter.__init__(self, state["scales"], state["unknown"])
        self._counts = list(state["counts"])
        self.skipped = state["skipped"]


class CSAT(_PointCounter):
    """Accumulate ratings into a CSAT :class:`Rate` (share of satisfied answers).

    Args:
        scale: ``"2"``, ``"3"``, ``"5"``, ``"10"``, ``"11"``, a :class:`Scale`, or
            ``"auto"``: labels on the 3-point scale (Отлично/Хорошо/Плохо), numbers
            on the 5-point scale — for exports that mix a chat survey and an e-mail one.
        top: Satisfied box: ``1`` = top-box ("70–75 % excellent"), ``2`` = top-2-box
            (the default except on the 2-point scale).
        labels: Extra label → point names.
        unknown: ``"raise"`` (default) or ``"skip"`` (counted in :attr:`skipped`).

    ``None`` (and NaN) ratings mean "not rated" and are not counted.

    >>> acc = CSAT(scale="3")
    >>> acc.add_many(["Отлично"] * 70 + ["Хорошо"] * 27 + ["Плохо"] * 3)
    >>> acc.result()
    Rate(97.0%, 97 of 100, 95% CI 91.5%–99.0%)
    """

    __slots__ = ()

    def __init__(
        self,
        scale: str | int | Scale = "5",
        *,
        top: int | None = None,
        labels: Mapping[str, int] | None = None,
        unknown: str = "raise",
    ) -> None:
        scales: tuple[Scale, ...]
        if scale == "auto":
            scales = (resolve_scale("3", top=top, labels=labels), resolve_scale("5", top=top))
        else:
            scales = (resolve_scale(scale, top=top, labels=labels),)
        super().__init__(scales, unknown)

    def merge(self, other: CSAT) -> CSAT:
        """Add another accumulator's counts into this one; return ``self``."""
        self.merge_from(other, "CSAT")
        return self

    def result(self) -> Rate:
        """Return the CSAT so far: satisfied / rated, with its Wilson interval."""
        count = satisfied = 0
        for s, counts in self.per_scale():
            count += sum(counts)
            satisfied += sum(counts[len(counts) - s.top :])
        low, high = wilson_interval(satisfied, count)
        value = satisfied / count if count else None
        return Rate(value=value, count=count, successes=satisfied, low=low, high=high)

    def __repr__(self) -> str:
        names = "+".join(s.name for s in self._scales)
        return f"CSAT(scale={names}, {self.result()!r})"


class MeanScore(_PointCounter):
    """Accumulate scores into a :class:`Mean` ("8.9 of 10").

    Args:
        scale: ``"10"`` (default), ``"5"``, ``"11"`` (0..10) or a :class:`Scale`.
        labels: Extra label → point names.
        unknown: ``"raise"`` (default) or ``"skip"``.
    """

    __slots__ = ()

    def __init__(
        self,
        scale: str | int | Scale = "10",
        *,
        labels: Mapping[str, int] | None = None,
        unknown: str = "raise",
    ) -> None:
        super().__init__((resolve_scale(scale, labels=labels),), unknown)

    def merge(self, other: MeanScore) -> MeanScore:
        """Add another accumulator's counts into this one; return ``self``."""
        self.merge_from(other, "MeanScore")
        return self

    def result(self) -> Mean:
        """Return the mean score so far."""
        ((s, counts),) = self.per_scale()
        n = sum(counts)
        total = sum(c * p for c, p in zip(counts, s.points, strict=True))
        total_sq = sum(c * p * p for c, p in zip(counts, s.points, strict=True))
        low, high = mean_interval(n, total, total_sq)
        return Mean(value=total / n if n else None, count=n, low=low, high=high, of=s.high)

    def __repr__(self) -> str:
        return f"MeanScore({self.result()!r})"


class NPS(_PointCounter):
    """Accumulate 0..10 "would you recommend" answers into an :class:`NPSResult`.

    Bain's definition: promoters answer 9–10, passives 7–8, detractors 0–6;
    NPS = % promoters − % detractors, from -100 to 100.

    >>> acc = NPS()
    >>> acc.add_many([10] * 60 + [8] * 20 + [3] * 20)
    >>> acc.result().score
    40.0
    """

    __slots__ = ()

    def __init__(self, *, unknown: str = "raise") -> None:
        super().__init__((SCALES["11"],), unknown)

    def merge(self, other: NPS) -> NPS:
        """Add another accumulator's counts into this one; return ``self``."""
        self.merge_from(other, "NPS")
        return self

    def result(self) -> NPSResult:
        """Return the NPS so far."""
        counts = self._counts
        detractors = sum(counts[:7])
        passives = counts[7] + counts[8]
        promoters = counts[9] + counts[10]
        n = detractors + passives + promoters
        low, high = nps_interval(promoters, passives, detractors)
        score = 100 * (promoters - detractors) / n if n else None
        return NPSResult(
            score=score,
            promoters=promoters,
            passives=passives,
            detractors=detractors,
            count=n,
            low=low,
            high=high,
        )

    def __repr__(self) -> str:
        return repr(self.result())


def csat(
    ratings: Iterable[Any],
    *,
    scale: str | int | Scale = "5",
    top: int | None = None,
    labels: Mapping[str, int] | None = None,
    unknown: str = "raise",
) -> Rate:
    """Return the CSAT of ``ratings``: the share in the top box(es), with a Wilson 95 % interval.

    Args:
        ratings: Points (``5``, ``"5"``, ``4.0``) or labels (``"Отлично"``); ``None``
            means not rated and is skipped. A pandas Series works.
        scale: See :class:`CSAT`.
        top: ``1`` for top-box, ``2`` for top-2-box (default; ``1`` on ``"2"``).
        labels: Extra label → point names.
        unknown: ``"raise"`` or ``"skip"`` for ratings that are not on the scale.

    Raises:
        InvalidValue: a rating that is not on the scale (with ``unknown="raise"``).

    >>> csat(["Отлично", "Хорошо", "Плохо", "Отлично"], scale="3")
    Rate(75.0%, 3 of 4, 95% CI 30.1%–95.4%)
    >>> csat([], scale="3")
    Rate(no data, count=0)
    """
    acc = CSAT(scale, top=top, labels=labels, unknown=unknown)
    acc.add_many(ratings)
    return acc.result()


def mean_score(
    scores: Iterable[Any],
    *,
    scale: str | int | Scale = "10",
    labels: Mapping[str, int] | None = None,
    unknown: str = "raise",
) -> Mean:
    """Return the mean score with a 95 % interval ("NPS 8.9 of 10" is this, not NPS).

    >>> mean_score([9, 10, 8, 9, 10, 9, 8, 9, 9, 8])
    Mean(8.90 of 10, count=10, 95% CI 8.44–9.36)
    """
    acc = MeanScore(scale, labels=labels, unknown=unknown)
    acc.add_many(scores)
    return acc.result()


def nps(scores: Iterable[Any], *, unknown: str = "raise") -> NPSResult:
    """Return the Net Promoter Score of 0..10 answers (Bain), with its counts and interval.

    >>> nps([10, 9, 9, 8, 7, 6, 3, 10, 10, 9])
    NPS(+40.0, promoters=6, passives=2, detractors=2, 95% CI -12.6..+74.1)
    """
    acc = NPS(unknown=unknown)
    acc.add_many(scores)
    return acc.result()
