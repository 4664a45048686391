"""Quality scorecards: weighted criteria, the monthly score, and the bonus coefficient."""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Mapping
from typing import Any, Final

from supportkit._time import to_aware
from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.metrics._checks import collection, finite, mapping
from supportkit.metrics._periods import key_of_date, resolve_tz
from supportkit.metrics._results import AgentMonth

__all__ = ["DEFAULT_BONUS", "QAScores", "bonus", "qa_monthly", "qa_score"]

#: Default bonus table: no bonus under 80 %; ×1.0 from 80 %, ×1.1 from 90 %, ×1.2 from 95 %.
DEFAULT_BONUS: Final[Mapping[float, float]] = {80.0: 1.0, 90.0: 1.1, 95.0: 1.2}

_NA: Final = frozenset({"n/a", "na", "не применимо", "-", ""})


def _number(value: Any, where: str) -> float:
    return finite(value, field=where)


def _mark(value: Any, where: str) -> float | None:
    if value is None or (isinstance(value, str) and value.strip().casefold() in _NA):
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    mark = _number(value, where)
    if not 0 <= mark <= 1:
        raise InvalidValue(
            f"{where} must be True/False, a partial mark between 0 and 1, or None for "
            f"not applicable (got {value!r}).",
            field=where,
            value=value,
        )
    return mark


def qa_score(scorecard: Mapping[str, float], marks: Mapping[str, bool | float | None]) -> float:
    """Return a reviewed ticket's quality score, 0..100.

    ``score = 100 · Σ weight·mark / Σ weight`` over the applicable criteria.

    Args:
        scorecard: Criterion → weight in points (any positive numbers; they need not
            add up to 100).
        marks: Criterion → ``True``/``False``, a partial mark in 0..1, or ``None``
            (or ``"n/a"``) when the criterion does not apply to this ticket — it then
            leaves the denominator too. Every criterion must be marked.

    Raises:
        InvalidValue: an unknown or missing criterion, a weight that is not positive,
            a mark outside 0..1, or every criterion not applicable.

    >>> card = {"greeting": 10, "solution": 60, "tone": 20, "follow_up": 10}
    >>> qa_score(card, {"greeting": True, "solution": 0.5, "tone": True, "follow_up": None})
    66.66666666666667
    """
    if not isinstance(scorecard, Mapping) or not isinstance(marks, Mapping):
        raise InvalidArgument(
            "qa_score needs two mappings: scorecard {criterion: weight} and "
            f"marks {{criterion: mark}} (got {type(scorecard).__name__} and "
            f"{type(marks).__name__}).",
            field="scorecard",
        )
    unknown = sorted(set(marks) - set(scorecard), key=str)
    if unknown:
        raise InvalidValue(
            f"marks[{unknown[0]!r}] is not a criterion of the scorecard "
            f"{sorted(scorecard, key=str)}.",
            field=f"marks[{unknown[0]!r}]",
            value=marks[unknown[0]],
        )
    missing = sorted(set(scorecard) - set(marks), key=str)
    if missing:
        raise InvalidValue(
            f"marks has no mark for {missing[0]!r}; mark every criterion, with None for "
            "not applicable.",
            field=f"marks[{missing[0]!r}]",
        )
    earned = possible = 0.0
    for name, weight_raw in scorecard.items():
        weight = _number(weight_raw, f"scorecard[{name!r}]")
        if weight <= 0:
            raise InvalidValue(
                f"scorecard[{name!r}] must be a positive weight (got {weight_raw!r}).",
                field=f"scorecard[{name!r}]",
                value=weight_raw,
            )
        mark = _mark(marks[name], f"marks[{name!r}]")
        if mark is None:
            continue
        earned += weight * mark
        possible += weight
    if possible == 0:
        raise InvalidValue(
            "every criterion is marked not applicable, so there is no score; "
            "leave such a review out.",
            field="marks",
        )
    return 100 * earned / possible


def _rules(rules: Mapping[float, float] | None) -> list[tuple[float, float]]:
    table = DEFAULT_BONUS if rules is None else rules
    if not isinstance(table, Mapping) or not table:
        raise InvalidArgument(
            "rules must be a non-empty mapping of minimum score to coefficient, such as "
            f"{{80: 1.0, 90: 1.1, 95: 1.2}} (got {rules!r}).",
            field="rules",
            value=rules,
        )
    out = []
    for threshold, coef in table.items():
        t = _number(threshold, "rules threshold")
        c = _number(coef, f"rules[{threshold!r}]")
        if not 0 <= t <= 100 or c < 0:
            raise InvalidValue(
                f"rules[{threshold!r}] must map a score in 0..100 to a coefficient ≥ 0 "
                f"(got {threshold!r}: {coef!r}).",
                field=f"rules[{threshold!r}]",
                value=coef,
            )
        out.append((t, c))
    return sorted(out)


def bonus(monthly_score: float, rules: Mapping[float, float] | None = None) -> float:
    """Return the bonus coefficient a monthly quality score earns.

    Args:
        monthly_score: The month's score, 0..100.
        rules: Minimum score → coefficient. The lowest minimum is the threshold:
            below it the coefficient is 0 (no bonus). Default :data:`DEFAULT_BONUS`
            (80 % threshold).

    >>> bonus(79.9), bonus(80), bonus(92.5), bonus(100)
    (0.0, 1.0, 1.1, 1.2)
    """
    score = _number(monthly_score, "monthly_score")
    if not 0 <= score <= 100:
        raise InvalidValue(
            f"monthly_score must be between 0 and 100 (got {monthly_score!r}).",
            field="monthly_score",
            value=monthly_score,
        )
    coefficient = 0.0
    for threshold, coef in _rules(rules):
        if score >= threshold:
            coefficient = coef
    return coefficient


def _month(at: Any, tz: _dt.tzinfo, where: str) -> str:
    if isinstance(at, str) and len(at) == 7 and at[4] == "-":
        return at
    if isinstance(at, _dt.date) and not isinstance(at, _dt.datetime):
        return key_of_date(at, "month")
    return key_of_date(to_aware(at, field=where).astimezone(tz).date(), "month")


class QAScores:
    """Collect reviews per agent and month; :meth:`result` gives monthly scores and bonuses.

    Args:
        scorecard: Criterion → weight, used when a review is given as marks.
        rules: The bonus table (see :func:`bonus`).
        tz: The zone months are counted in (default UTC).
    """

    __slots__ = ("_rules", "_scorecard", "_scores", "_tz")

    def __init__(
        self,
        scorecard: Mapping[str, float] | None = None,
        *,
        rules: Mapping[float, float] | None = None,
        tz: Any = None,
    ) -> None:
        self._scorecard = mapping(
            scorecard, field="scorecard", what="criterion to weight", example="{'greeting': 10}"
        )
        self._rules = mapping(
            rules, field="rules", what="minimum score to coefficient", example="{80: 1.0, 90: 1.1}"
        )
        _rules(self._rules)
        self._tz = resolve_tz(tz)
        self._scores: dict[tuple[str, str], list[float]] = {}

    def add(self, agent: str, at: Any, review: float | Mapping[str, Any]) -> None:
        """Add one review.

        Args:
            agent: Who was reviewed.
            at: When: an aware datetime, an ISO string, a date, or ``"YYYY-MM"``.
            review: A score 0..100, or marks for the scorecard.
        """
        if not isinstance(agent, str) or not agent:
            raise InvalidArgument(
                f"agent must be a non-empty string (got {agent!r}).", field="agent", value=agent
            )
        if isinstance(review, Mapping):
            if self._scorecard is None:
                raise InvalidValue(
                    "a review given as marks needs QAScores(scorecard=...).", field="review"
                )
            score = qa_score(self._scorecard, review)
        else:
            score = _number(review, "review")
            if not 0 <= score <= 100:
                raise InvalidValue(
                    f"review score must be between 0 and 100 (got {review!r}).",
                    field="review",
                    value=review,
                )
        key = (agent, _month(at, self._tz, "at"))
        self._scores.setdefault(key, []).append(score)

    def add_many(self, reviews: Iterable[Mapping[str, Any]]) -> None:
        """Add reviews given as mappings with ``agent``, ``at`` and ``score`` or ``marks``."""
        rows = collection(
            reviews,
            field="reviews",
            what="reviews",
            example="[{'agent': 'Анна', 'at': '2024-10', 'score': 90}]",
        )
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise InvalidArgument(
                    f"reviews[{i}] must be a mapping with agent, at and score or marks "
                    f"(got {type(row).__name__}).",
                    field=f"reviews[{i}]",
                    value=row,
                )
            key = "marks" if "marks" in row else "score"
            for name in ("agent", "at", key):
                if name not in row:
                    raise InvalidValue(
                        f"reviews[{i}] has no {name!r}; give agent, at and score or marks.",
                        field=f"reviews[{i}].{name}",
                    )
            self.add(row["agent"], row["at"], row[key])

    def merge(self, other: QAScores) -> QAScores:
        """Add another accumulator's reviews; return ``self``."""
        if type(other) is not QAScores or (other._scorecard, other._rules, str(other._tz)) != (
            self._scorecard,
            self._rules,
            str(self._tz),
        ):
            raise InvalidValue(
                f"cannot merge QAScores with {other!r}: build both with the same options.",
                field="other",
                value=other,
            )
        for key, scores in other._scores.items():
            self._scores.setdefault(key, []).extend(scores)
        return self

    def result(self) -> tuple[AgentMonth, ...]:
        """Return one :class:`AgentMonth` per agent and month, sorted by month then agent."""
        out = []
        for agent, month in sorted(self._scores, key=lambda k: (k[1], k[0])):
            scores = self._scores[(agent, month)]
            mean = math.fsum(scores) / len(scores)
            mean = min(100.0, max(0.0, mean))
            out.append(
                AgentMonth(
                    agent=agent,
                    month=month,
                    reviews=len(scores),
                    score=mean,
                    bonus=bonus(mean, self._rules),
                )
            )
        return tuple(out)

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"QAScores({len(self._scores)} agent-months)"


def qa_monthly(
    reviews: Iterable[Mapping[str, Any]],
    *,
    scorecard: Mapping[str, float] | None = None,
    rules: Mapping[float, float] | None = None,
    tz: Any = None,
) -> tuple[AgentMonth, ...]:
    """Return each agent's monthly quality score and bonus coefficient.

    >>> for row in qa_monthly([
    ...     {"agent": "Анна", "at": "2024-10-03T10:00:00+03:00", "score": 90},
    ...     {"agent": "Анна", "at": "2024-10-20T10:00:00+03:00", "score": 80},
    ...     {"agent": "Олег", "at": "2024-10-21T10:00:00+03:00", "score": 75},
    ... ]):
    ...     print(row)
    AgentMonth('Анна', 2024-10, 85.0% over 2 reviews, bonus ×1)
    AgentMonth('Олег', 2024-10, 75.0% over 1 reviews, bonus ×0)
    """
    acc = QAScores(scorecard, rules=rules, tz=tz)
    acc.add_many(reviews)
    return acc.result()
