"""Quality scorecards, bonus table and monthly aggregation."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.metrics import DEFAULT_BONUS, QAScores, bonus, qa_monthly, qa_score

CARD = {"greeting": 10, "solution": 60, "tone": 20, "follow_up": 10}


def test_qa_score_weighted_yes_no() -> None:
    marks = {"greeting": True, "solution": True, "tone": False, "follow_up": True}
    assert qa_score(CARD, marks) == 80.0
    assert qa_score(CARD, dict.fromkeys(CARD, True)) == 100.0
    assert qa_score(CARD, dict.fromkeys(CARD, False)) == 0.0


def test_qa_score_partial_and_not_applicable() -> None:
    # solution half done; follow-up does not apply: 100 * (10 + 30 + 20) / 90
    marks = {"greeting": True, "solution": 0.5, "tone": True, "follow_up": None}
    assert qa_score(CARD, marks) == pytest.approx(200 / 3)
    marks["follow_up"] = "n/a"
    assert qa_score(CARD, marks) == pytest.approx(200 / 3)


def test_qa_score_errors() -> None:
    with pytest.raises(InvalidValue, match=r"marks\['speed'\] is not a criterion"):
        qa_score(CARD, {**dict.fromkeys(CARD, True), "speed": True})
    with pytest.raises(InvalidValue, match="has no mark for 'tone'"):
        qa_score(CARD, {"greeting": True, "solution": True, "follow_up": True})
    with pytest.raises(InvalidValue, match="between 0 and 1"):
        qa_score(CARD, {**dict.fromkeys(CARD, True), "tone": 2})
    with pytest.raises(InvalidValue, match="every criterion is marked not applicable"):
        qa_score(CARD, dict.fromkeys(CARD))
    with pytest.raises(InvalidValue, match="positive weight"):
        qa_score({"a": 0}, {"a": True})
    with pytest.raises(InvalidArgument, match="two mappings"):
        qa_score([("a", 1)], {"a": True})  # type: ignore[arg-type]


def test_bonus_threshold_eighty_and_coefficients() -> None:
    assert bonus(79.99) == 0.0
    assert bonus(80) == 1.0
    assert bonus(89.9) == 1.0
    assert bonus(90) == 1.1
    assert bonus(95) == 1.2
    assert bonus(100) == 1.2
    assert DEFAULT_BONUS[80.0] == 1.0
    table = {85: 0.5, 95: 1.5}
    assert (bonus(84, table), bonus(85, table), bonus(99, table)) == (0.0, 0.5, 1.5)
    with pytest.raises(InvalidValue, match="between 0 and 100"):
        bonus(101)
    with pytest.raises(InvalidArgument, match="non-empty mapping"):
        bonus(90, {})


def test_monthly_per_agent_quality_and_bonus() -> None:
    reviews = [
        {"agent": "Анна", "at": "2024-10-03T10:00:00+03:00", "score": 90},
        {"agent": "Анна", "at": "2024-10-20T10:00:00+03:00", "score": 80},
        {"agent": "Анна", "at": "2024-11-01T00:30:00+03:00", "score": 70},  # Oct 31 UTC
        {"agent": "Олег", "at": "2024-10", "score": 75},
        {"agent": "Олег", "at": dt.date(2024, 11, 5), "marks": dict.fromkeys(CARD, True)},
    ]
    rows = qa_monthly(reviews, scorecard=CARD)
    got = [(r.agent, r.month, r.reviews, round(r.score, 2), r.bonus) for r in rows]
    assert got == [
        ("Анна", "2024-10", 3, 80.0, 1.0),
        ("Олег", "2024-10", 1, 75.0, 0.0),
        ("Олег", "2024-11", 1, 100.0, 1.2),
    ]
    moscow = qa_monthly(reviews, scorecard=CARD, tz="Europe/Moscow")
    assert [(r.agent, r.month, r.reviews) for r in moscow][:2] == [
        ("Анна", "2024-10", 2),
        ("Олег", "2024-10", 1),
    ]
    assert rows[0].to_dict()["bonus"] == 1.0


def test_qa_scores_merge_and_errors() -> None:
    a, b = QAScores(), QAScores()
    a.add("Анна", "2024-10", 90)
    b.add("Анна", "2024-10", 70)
    merged = pickle.loads(pickle.dumps(a)).merge(b)
    assert merged.result()[0].score == 80.0
    with pytest.raises(InvalidValue, match="needs QAScores"):
        QAScores().add("Анна", "2024-10", {"a": True})
    with pytest.raises(InvalidValue, match=r"reviews\[0\] has no 'at'"):
        QAScores().add_many([{"agent": "Анна", "score": 90}])
    with pytest.raises(InvalidValue, match="same options"):
        QAScores().merge(QAScores(rules={70: 1.0}))
    with pytest.raises(InvalidArgument, match="agent must be"):
        QAScores().add("", "2024-10", 90)
    assert qa_monthly([]) == ()
