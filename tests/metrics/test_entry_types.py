"""Wrong types at the metrics' public entry points (issue 15 point 3): one gate, _checks.

Each call below escaped as an AttributeError or a builtin TypeError/ValueError before;
now each is an InvalidArgument (a TypeError) naming the argument and what to pass.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dask.bag as db
import pytest

from supportkit.exceptions import InvalidArgument, InvalidTicket, InvalidValue, SupportkitError
from supportkit.metrics import (
    CSAT,
    CategoryMap,
    ContactRate,
    LogSketch,
    QAScores,
    ResponseTimes,
    Scale,
    SLAAttainment,
    accumulate_bag,
    contact_rates,
    csat,
    format_duration,
    qa_monthly,
    report_from_bag,
    report_from_files,
    response_times,
    sla_attainment,
    to_pandas,
    weekly_report,
)
from supportkit.metrics._checks import having, instance, mapping, names

WRONG_TYPE: list[tuple[str, Callable[[], Any], str]] = [
    ("CSAT(top=[])", lambda: CSAT(top=[]), "top must be a whole number"),
    ("csat(top='x')", lambda: csat([5], top="x"), "top must be a whole number"),
    ("Scale(top=None)", lambda: Scale(1, 5, top=None), "scale.top must be a whole number"),
    ("LogSketch(None)", lambda: LogSketch(relative_error=None), "relative_error must be a number"),
    ("SLAAttainment(False)", lambda: SLAAttainment(metrics=False), "metrics must be a list"),
    ("SLAAttainment([None])", lambda: SLAAttainment([None]), r"metrics\[0\] must be one of"),
    ("SLAAttainment([{}])", lambda: SLAAttainment([{}]), r"metrics\[0\] must be one of"),
    ("sla_attainment(None)", lambda: sla_attainment(None), "reports must be a list"),
    ("sla_attainment(98)", lambda: sla_attainment(98), "reports must be a list"),
    ("sla_attainment(['x'])", lambda: sla_attainment(["x"]), r"reports\[0\] must be an SLA"),
    ("sla_attainment([[1]])", lambda: sla_attainment([[1]]), r"reports\[0\] must be an SLA"),
    ("ResponseTimes(by=None)", lambda: ResponseTimes(by=None), "by must be a list"),
    ("ResponseTimes(by=[[]])", lambda: ResponseTimes(by=[[]]), r"by\[0\] must be one of"),
    ("response_times(by=[{}])", lambda: response_times([], by=[{}]), r"by\[0\]"),
    ("CategoryMap(exclude=True)", lambda: CategoryMap(exclude=True), "exclude must be a list"),
    ("CategoryMap(exclude=[[]])", lambda: CategoryMap(exclude=[[]]), r"exclude\[0\]"),
    ("ContactRate([1, 2])", lambda: ContactRate([1, 2]), "applications must be a mapping"),
    ("ContactRate(True)", lambda: ContactRate(True), "applications must be a mapping"),  # noqa: FBT003
    ("ContactRate({1: 2})", lambda: ContactRate({1: 2}), "applications keys must be period"),
    ("contact_rates([], ['ab'])", lambda: contact_rates([], ["ab"]), "must be a mapping"),
    ("QAScores([[1, 2]])", lambda: QAScores([[1, 2]]), "scorecard must be a mapping"),
    ("QAScores(rules=True)", lambda: QAScores(rules=True), "rules must be a mapping"),  # type: ignore[arg-type]
    ("qa_monthly(None)", lambda: qa_monthly(None), "reviews must be a list"),  # type: ignore[arg-type]
    ("qa_monthly([None])", lambda: qa_monthly([None]), r"reviews\[0\] must be a mapping"),  # type: ignore[list-item]
    ("qa_monthly(score=10**400)", lambda: qa_monthly([_review(10**400)]), "review must be"),
    ("format_duration([])", lambda: format_duration([]), "value must be a datetime.timedelta"),  # type: ignore[arg-type]
    ("format_duration(5.0)", lambda: format_duration(5.0), "value must be a datetime.timedelta"),  # type: ignore[arg-type]
    ("to_pandas(None)", lambda: to_pandas(None), "results must be a metrics result"),
    ("to_pandas([1.0])", lambda: to_pandas([1.0]), r"results\[0\] must be a metrics result"),
    ("accumulate_bag(None, CSAT)", lambda: accumulate_bag(None, CSAT), "bag must be a dask"),
    ("accumulate_bag(bag, None)", lambda: accumulate_bag(_bag(), None), "factory must make"),  # type: ignore[arg-type]
    ("report_from_bag([])", lambda: report_from_bag([]), "bag must be a dask.bag.Bag"),
    ("report_from_files(None)", lambda: report_from_files(None), "pattern must be a list"),  # type: ignore[arg-type]
    ("report_from_files([[]])", lambda: report_from_files([[]]), r"pattern\[0\]"),  # type: ignore[list-item]
    (
        "weekly_report(aht=300, service_level=[])",
        lambda: weekly_report([], aht=300, service_level=[]),  # type: ignore[arg-type]
        "service_level must be a number",
    ),
]


def _review(score: Any) -> dict[str, Any]:
    return {"agent": "Анна", "at": "2024-10", "score": score}


def _bag() -> Any:
    return db.from_sequence([5, 4, 1], npartitions=2)


@pytest.mark.parametrize(("name", "call", "message"), WRONG_TYPE, ids=[c[0] for c in WRONG_TYPE])
def test_wrong_types_name_the_argument(name: str, call: Callable[[], Any], message: str) -> None:
    with pytest.raises(SupportkitError, match=message) as info:
        call()
    assert isinstance(info.value, (TypeError, ValueError))
    assert str(info.value).endswith(".")


def test_report_from_files_checks_the_files_before_dask(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match="matches no file"):
        report_from_files(str(tmp_path / "*.jsonl"))
    with pytest.raises(InvalidValue, match="matches no file"):
        report_from_files(str(tmp_path))  # a folder is not an export
    with pytest.raises(InvalidValue, match="names no file"):
        report_from_files([])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n{oops\n', encoding="utf-8")
    with pytest.raises(InvalidTicket, match=r"a line of .*bad.jsonl is not valid JSON"):
        report_from_files(str(bad))


def test_report_from_files_still_reads_an_export(tmp_path: Path) -> None:
    row = {"id": 1, "created_at": "2024-10-07T09:00:00+03:00", "events": []}
    (tmp_path / "a.jsonl").write_text(json.dumps(row) + "\n\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps(row | {"id": 2}) + "\n", encoding="utf-8")
    assert report_from_files(str(tmp_path / "*.jsonl")).tickets == 2


def test_what_stays_valid() -> None:
    assert ResponseTimes(by="bot") is not None  # one name is a collection of one
    assert SLAAttainment("resolution") is not None
    assert CategoryMap(exclude="spam").exclude == frozenset({"spam"})
    assert csat([5, 4], top=1.0).successes == 1  # a whole float is a whole number
    assert format_duration(dt.timedelta(seconds=90)) == "1m 30s"
    assert format_duration(None) == "—"
    assert accumulate_bag(_bag(), CSAT).result().count == 3
    assert len(to_pandas([csat([5]), csat([1])])) == 2


def test_the_type_gates_hold_on_their_own() -> None:
    assert instance(1, int, field="x", what="an int") == 1
    with pytest.raises(InvalidArgument, match="x must be an int"):
        instance(True, int, field="x", what="an int")  # noqa: FBT003 - a bool is not a count
    assert having([], "append", field="x", what="a list") == []
    with pytest.raises(InvalidArgument, match=r"x must be a mapping of a to b, such as \{\}"):
        mapping([("a", "b")], field="x", what="a to b", example="{}")
    assert mapping(None, field="x", what="a to b", example="{}") is None
    assert names(("a", "b"), field="x", what="n", example="'a'") == ("a", "b")
    with pytest.raises(InvalidArgument, match=r"x\[1\] must be one of the n as a string"):
        names(["a", 1], field="x", what="n", example="'a'")
