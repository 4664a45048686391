"""The batch functions on their own: schemas, rows, exact merges, pickling, errors."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import pickle
import subprocess
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument, InvalidFlow, InvalidValue, NaiveDatetimeError
from supportkit.metrics import MetricsBatch, weekly_report
from supportkit.onboarding import FunnelBatch, FunnelParts, Journey, flows, funnel
from supportkit.rules import RuleBatch, RuleSet
from supportkit.sla import FrameSchema, PolicySet, SLABatch, SLAPolicy, WorkCalendar
from supportkit.sla import _frame_batch as sla_frames

# -- schemas ----------------------------------------------------------------------------


def test_schema_gives_dask_meta_and_spark_ddl() -> None:
    schema = FrameSchema((("id", "string"), ("tags", "strings"), ("at", "timestamp")))
    assert schema.names == ("id", "tags", "at")
    assert schema.spark() == "`id` string, `tags` array<string>, `at` timestamp"
    meta = schema.meta()
    assert list(meta.columns) == ["id", "tags", "at"]
    assert len(meta) == 0
    assert [str(t) for t in meta.dtypes] == ["string", "object", "datetime64[us, UTC]"]
    assert schema.to_dict()["columns"] == [
        ["id", "string"],
        ["tags", "strings"],
        ["at", "timestamp"],
    ]


def test_schema_rejects_unknown_kinds_and_duplicates() -> None:
    with pytest.raises(InvalidValue, match=r"column 'x' has kind 'text'; use one of"):
        FrameSchema((("x", "text"),))
    with pytest.raises(InvalidValue, match="column names must be unique"):
        FrameSchema((("x", "bool"), ("x", "int64")))
    with pytest.raises(InvalidValue, match=r"batch output has columns \['y'\]"):
        FrameSchema((("x", "bool"),)).frame({"y": [True]})


@pytest.mark.parametrize("name", ["rule_batch", "sla_batch", "metrics_batch"])
def test_output_matches_the_declared_schema(
    name: str, request: pytest.FixtureRequest, tickets: pd.DataFrame
) -> None:
    batch = request.getfixturevalue(name)
    out = batch(tickets.iloc[:60])
    assert tuple(out.columns) == batch.schema.names
    assert out.dtypes.equals(batch.meta().dtypes)
    assert batch.spark_schema() == batch.schema.spark()


def test_funnel_output_matches_the_declared_schema(
    funnel_batch: FunnelBatch, events: pd.DataFrame
) -> None:
    out = funnel_batch(events.iloc[:100])
    assert tuple(out.columns) == ("journeys", "partial")
    assert out.dtypes.equals(funnel_batch.meta().dtypes)


def test_a_batch_must_be_a_dataframe(rule_batch: RuleBatch) -> None:
    with pytest.raises(InvalidArgument, match="a batch must be a pandas DataFrame"):
        rule_batch([{"body": "x"}])


# -- rules ------------------------------------------------------------------------------


def test_rule_rows_are_the_evaluations(
    rule_batch: RuleBatch, ruleset: RuleSet, tickets: pd.DataFrame, records: list[dict[str, Any]]
) -> None:
    out = rule_batch(tickets)
    assert out.index.equals(tickets.index)
    assert out["matched"].map(bool).sum() > 100  # the demo rules fire on many tickets
    for (_, row), record in zip(out.iterrows(), records, strict=True):
        ev = ruleset.evaluate(record).to_dict()
        assert row["ticket_id"] == ev["ticket_id"]
        assert row["matched"] == ev["matched"]
        assert row["tags"] == ev["tags"]
        assert row["remove_tags"] == ev["remove_tags"]
        for key in ("reply", "reply_template", "assign", "priority", "stopped_by"):
            assert (None if pd.isna(row[key]) else row[key]) == ev[key]
        assert row["escalate"] == (ev["escalate"] not in (None, False))
        assert (None if pd.isna(row["escalate_to"]) else row["escalate_to"]) == (
            ev["escalate"] if isinstance(ev["escalate"], str) else None
        )
        assert json.loads(row["evidence"]) == ev["evidence"]
        assert row["timeouts"] == len(ev["timeouts"])


def test_rule_escalation_and_custom_fields_have_their_columns() -> None:
    ruleset = RuleSet.from_dicts(
        [
            {"id": "a", "when": {"any": ["жалоба"]}, "then": {"escalate": "team_lead"}},
            {"id": "b", "when": {"any": ["суд"]}, "then": {"escalate": True, "set": {"risk": 2}}},
        ]
    )
    frame = pd.DataFrame({"id": ["1", "2", "3"], "body": ["жалоба", "подам в суд", "привет"]})
    out = RuleBatch(ruleset)(frame)
    assert list(out["escalate"]) == [True, True, False]
    assert out["escalate_to"].tolist()[0] == "team_lead"
    assert out["escalate_to"].isna().tolist() == [False, True, True]
    assert json.loads(out["set"][1]) == {"risk": 2}
    assert "evidence" not in out.columns


def test_flat_and_typed_tables_read_alike(
    rule_batch: RuleBatch, sla_batch: SLABatch, tickets: pd.DataFrame, flat_tickets: pd.DataFrame
) -> None:
    # JSON text columns, string ratings, NumPy arrays for tags and aware Timestamps (what
    # Arrow, Parquet and Spark give) are read as the plain Python rows are.
    typed = flat_tickets.copy()
    typed["tags"] = [np.array(tags, dtype=object) for tags in typed["tags"]]
    typed["created_at"] = pd.to_datetime(typed["created_at"].astype(str), utc=True)
    for batch in (rule_batch, sla_batch):
        expected = batch(tickets)
        assert batch(flat_tickets).equals(expected)
        assert batch(typed).equals(expected)


def test_list_columns_as_text() -> None:
    ruleset = RuleSet.from_dicts(
        [{"id": "vip", "when": {"tags": {"any": ["vip"]}}, "then": {"tags": ["seen"]}}]
    )
    batch = RuleBatch(ruleset)
    frame = pd.DataFrame({"id": ["1", "2", "3"], "tags": ['["vip", "new"]', "vip, new", "[vip]"]})
    # JSON text and comma-separated text are read; other text is a tag as written.
    assert batch(frame)["matched"].tolist() == [["vip"], ["vip"], []]
    # A Python repr (what Dask's convert-string makes of a list) is refused with the fix.
    with pytest.raises(InvalidValue, match=r"tickets\[0\]\.tags is a Python list .*convert-string"):
        batch(pd.DataFrame({"id": ["1"], "tags": ["['vip']"]}))
    with pytest.raises(InvalidValue, match=r"fields is a Python list or dict"):
        batch(pd.DataFrame({"id": ["1"], "fields": ["{'country': 'KZ'}"]}))


def test_naive_timestamps_are_refused_not_guessed(rule_batch: RuleBatch) -> None:
    frame = pd.DataFrame({"id": ["1"], "body": ["x"], "created_at": [pd.Timestamp("2024-10-07")]})
    with pytest.raises(NaiveDatetimeError, match=r"tickets\[0\]\.created_at"):
        rule_batch(frame)


# -- SLA --------------------------------------------------------------------------------


def test_sla_rows_are_the_reports(
    sla_batch: SLABatch,
    policies: PolicySet,
    tickets: pd.DataFrame,
    records: list[dict[str, Any]],
    now: dt.datetime,
) -> None:
    out = sla_batch(tickets)
    expected = []
    for i, record in enumerate(records):
        report = policies.evaluate(record, now)
        for metric, result in report.metrics.items():
            expected.append(
                (
                    i,
                    record["id"],
                    result.policy,
                    metric,
                    result.state,
                    result.due_at,
                    result.achieved_at,
                    result.elapsed.total_seconds(),
                    result.breached,
                )
            )
    got = [
        (
            label,
            row.ticket_id,
            row.policy,
            row.metric,
            row.state,
            None if pd.isna(row.due_at) else row.due_at.to_pydatetime(),
            None if pd.isna(row.achieved_at) else row.achieved_at.to_pydatetime(),
            row.elapsed_s,
            row.breached,
        )
        for label, row in zip(out.index, out.itertuples(), strict=True)
    ]
    assert got == expected
    assert {"achieved", "breached"} <= set(out["state"])


def test_a_ticket_no_policy_measures_keeps_a_row() -> None:
    chat_only = SLABatch(
        [SLAPolicy("chat", {"first_response": 100}, None, applies_to={"channel": "chat"})]
    )
    frame = pd.DataFrame(
        {"id": ["e1"], "channel": ["email"], "created_at": ["2024-10-07T10:00:00+03:00"]}
    )
    out = chat_only(frame)
    assert len(out) == 1
    assert out["ticket_id"][0] == "e1"
    assert pd.isna(out["metric"][0])
    assert "no policy" in out["problems"][0]


def test_lenient_sla_batch_keeps_unreadable_tickets_as_rows() -> None:
    from supportkit.sla._demo import demo_policies

    frame = pd.DataFrame({"id": ["x"], "channel": ["chat"], "body": ["нет даты"]})
    with pytest.raises(InvalidValue, match="created_at"):
        SLABatch(demo_policies())(frame)
    out = SLABatch(demo_policies(), strict=False)(frame)
    assert len(out) == 1
    assert "skipped" in out["problems"][0]


class _Result:
    """A metric result as an older report gives it: no ``.state``."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


# -- partitions give the single-process result ------------------------------------------


def _pieces(frame: pd.DataFrame, cuts: list[int]) -> list[pd.DataFrame]:
    edges = [0, *sorted(set(cuts)), len(frame)]
    return [frame.iloc[a:b] for a, b in itertools.pairwise(edges)]


@settings(max_examples=10)
@given(cuts=st.lists(st.integers(0, 150), max_size=5))
def test_any_split_of_the_rows_gives_the_same_rows(
    cuts: list[int], rule_batch: RuleBatch, sla_batch: SLABatch, tickets: pd.DataFrame
) -> None:
    frame = tickets.iloc[:150]
    for batch in (rule_batch, sla_batch):
        parts = pd.concat([batch(piece) for piece in _pieces(frame, cuts)])
        assert parts.equals(batch(frame))


@settings(max_examples=10)
@given(cuts=st.lists(st.integers(0, 672), max_size=6), order=st.randoms())
def test_merged_partials_are_the_one_pass_report(
    cuts: list[int],
    order: Any,
    metrics_batch: MetricsBatch,
    tickets: pd.DataFrame,
    records: list[dict[str, Any]],
    report_options: dict[str, Any],
) -> None:
    partials = [metrics_batch(piece) for piece in _pieces(tickets, cuts)]
    order.shuffle(partials)
    assert metrics_batch.report(pd.concat(partials)) == weekly_report(records, **report_options)


@settings(max_examples=10)
@given(groups=st.integers(1, 5), seed=st.integers(0, 1000))
def test_merged_funnel_parts_are_the_one_pass_funnel(
    groups: int, seed: int, funnel_batch: FunnelBatch, events: pd.DataFrame, journeys: list[Journey]
) -> None:
    subjects = sorted(set(events["subject_id"]))
    rng = np.random.default_rng(seed)
    group_of = dict(zip(subjects, rng.integers(0, groups, len(subjects)), strict=True))
    keys = events["subject_id"].map(group_of)
    partials = [funnel_batch(events[keys == g]) for g in range(groups)]
    assert funnel_batch.funnel(
        partials[0]["partial"].tolist() + [p for part in partials[1:] for p in part["partial"]]
    ) == funnel(journeys, journeys[0].flow)


def test_funnel_parts_with_a_working_calendar(
    events: pd.DataFrame, journeys: list[Journey]
) -> None:
    calendar = WorkCalendar.weekly("Europe/Moscow", {"mon-fri": "09:00-18:00"})
    batch = FunnelBatch(journeys[0].flow, clock=calendar)
    subjects = sorted(set(events["subject_id"]))
    halves = [events[events["subject_id"].isin(subjects[i::2])] for i in range(2)]
    merged = batch.funnel(pd.concat([batch(half) for half in halves]))
    assert merged == funnel(journeys, journeys[0].flow, clock=calendar)


def test_funnel_rows_round_trip_the_journeys(
    funnel_batch: FunnelBatch, events: pd.DataFrame, journeys: list[Journey]
) -> None:
    assert list(funnel_batch.journeys(events)) == journeys
    # With `seq`, rows may come in any order (as after a shuffle between partitions).
    shuffled = events.sample(frac=1.0, random_state=7)
    rebuilt = {j.subject_id: j for j in funnel_batch.journeys(shuffled)}
    assert [rebuilt[j.subject_id] for j in journeys] == journeys
    # Without it, events are ordered by time, and rows of the same instant keep their order.
    late_first = events.drop(columns="seq").sort_values("at", ascending=False, kind="stable")
    ties = {
        j.subject_id
        for j in journeys
        if len({s.at for s in j.history} | {j.started_at}) < len(j.history) + 1
    }
    assert ties  # the demo has events that share an instant with the one before
    rebuilt = {j.subject_id: j for j in funnel_batch.journeys(events.drop(columns="seq"))}
    assert [rebuilt[j.subject_id] for j in journeys] == journeys
    rebuilt = {j.subject_id: j for j in funnel_batch.journeys(late_first)}
    assert [rebuilt[j.subject_id] for j in journeys if j.subject_id not in ties] == [
        j for j in journeys if j.subject_id not in ties
    ]


# -- loud failures ----------------------------------------------------------------------


def test_a_journey_split_across_batches_fails_loudly(
    funnel_batch: FunnelBatch, events: pd.DataFrame
) -> None:
    first = events[events["subject_id"] == events["subject_id"][0]]
    with pytest.raises(
        InvalidFlow, match=r"journey 'c0000' has 0 start rows .*partition by subject_id"
    ):
        funnel_batch(first.iloc[1:])
    with pytest.raises(InvalidFlow, match="has 2 start rows"):
        funnel_batch(pd.concat([first, first.iloc[:1]]))


def test_bad_event_rows_are_named(funnel_batch: FunnelBatch) -> None:
    start = {"subject_id": "s1", "at": "2024-11-11T10:00:00+03:00", "event": None}
    with pytest.raises(InvalidFlow, match=r"events\[0\]\.subject_id must be a non-empty string"):
        funnel_batch(pd.DataFrame([{**start, "subject_id": None}]))
    with pytest.raises(InvalidFlow, match=r"data is a string but not valid JSON"):
        funnel_batch(pd.DataFrame([{**start, "data": "{nope"}]))
    with pytest.raises(InvalidFlow, match=r"does not allow in state 'invited'"):
        funnel_batch(
            pd.DataFrame(
                [start, {**start, "event": "sign_contract", "at": "2024-11-11T11:00:00+03:00"}]
            )
        )


def test_foreign_partials_are_refused(
    metrics_batch: MetricsBatch, funnel_batch: FunnelBatch, tickets: pd.DataFrame
) -> None:
    with pytest.raises(InvalidValue, match=r"partials\[0\] must be the bytes"):
        metrics_batch.merge(["not bytes"])
    with pytest.raises(InvalidValue, match="holds a dict, not a partial weekly report"):
        metrics_batch.merge([pickle.dumps({})])
    other = MetricsBatch(tz="UTC")(tickets.iloc[:5])
    with pytest.raises(InvalidValue, match="same options"):
        metrics_batch.merge(other)
    with pytest.raises(InvalidValue, match=r"partials\[0\] is not JSON"):
        funnel_batch.merge(["{"])
    with pytest.raises(InvalidValue, match="funnel parts are malformed"):
        funnel_batch.merge([json.dumps({"flow": "self_employed"})])
    agents = FunnelParts(flows.support_agent())
    with pytest.raises(InvalidValue, match="cannot merge funnel parts of flow"):
        FunnelParts(funnel_batch.flow).merge(agents)
    with pytest.raises(InvalidValue, match="cannot be read as parts of"):
        FunnelParts.from_dict(funnel_batch.flow, agents.to_dict())


def test_unknown_configuration_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="ruleset must be a RuleSet"):
        RuleBatch([{"id": "r"}])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="flow must be an onboarding Flow"):
        FunnelBatch("self_employed")
    with pytest.raises(TypeError):
        MetricsBatch(colour="red")  # type: ignore[call-arg]
    with pytest.raises(InvalidValue):
        MetricsBatch(sketch=-1.0)


# -- picklable, no global state ---------------------------------------------------------


def _batches(request: pytest.FixtureRequest) -> list[tuple[Any, pd.DataFrame]]:
    tickets = request.getfixturevalue("tickets").iloc[:80]
    return [
        (request.getfixturevalue("rule_batch"), tickets),
        (request.getfixturevalue("sla_batch"), tickets),
        (request.getfixturevalue("metrics_batch"), tickets),
        (request.getfixturevalue("funnel_batch"), request.getfixturevalue("events").iloc[:300]),
    ]


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    if "partial" in a.columns:  # compare what the partials hold, not their bytes
        return a.drop(columns="partial").equals(b.drop(columns="partial"))
    return a.equals(b)


def test_batches_pickle_and_give_the_same_rows(request: pytest.FixtureRequest) -> None:
    for batch, frame in _batches(request):
        clone = pickle.loads(pickle.dumps(batch))
        assert type(clone) is type(batch)
        assert _same(clone(frame), batch(frame))
        assert clone.schema == batch.schema


def test_batches_run_in_a_fresh_interpreter(request: pytest.FixtureRequest) -> None:
    # A new process has none of this one's module state: the pickled batch alone must
    # carry everything its rows depend on.
    cases = _batches(request)
    code = (
        "import pickle, sys\n"
        "cases = pickle.load(sys.stdin.buffer)\n"
        "pickle.dump([batch(frame) for batch, frame in cases], sys.stdout.buffer)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=pickle.dumps(cases),
        capture_output=True,
        check=True,
        timeout=120,
    )
    outputs = pickle.loads(done.stdout)
    for (batch, frame), out in zip(cases, outputs, strict=True):
        assert _same(out, batch(frame))
    metrics, funnel_out = outputs[2], outputs[3]
    assert cases[2][0].report(metrics) == cases[2][0].report(cases[2][0](cases[2][1]))
    assert cases[3][0].funnel(funnel_out) == cases[3][0].funnel(cases[3][0](cases[3][1]))


def test_calling_a_batch_leaves_module_state_alone(
    request: pytest.FixtureRequest, now: dt.datetime
) -> None:
    import supportkit.metrics._frame_batch as metrics_frames
    import supportkit.onboarding._frame_batch as onboarding_frames
    import supportkit.rules._frame_batch as rules_frames

    modules = (sla_frames, rules_frames, metrics_frames, onboarding_frames)

    def snapshot() -> list[dict[str, int]]:
        return [{k: id(v) for k, v in vars(m).items()} for m in modules]

    before = snapshot()
    cases = _batches(request)
    first = [batch(frame) for batch, frame in cases]
    # Interleave another configuration: results must not leak between batch objects.
    RuleBatch(RuleSet.from_dicts([{"id": "x", "when": {"any": ["выплата"]}, "then": {}}]))(
        cases[0][1]
    )
    SLABatch(cases[1][0].policies, now=now + dt.timedelta(days=30))(cases[1][1])
    MetricsBatch(tz="UTC")(cases[2][1])
    again = [batch(frame) for batch, frame in cases]
    assert all(_same(a, b) for a, b in zip(first, again, strict=True))
    assert snapshot() == before
