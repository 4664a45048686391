"""supportkit's own laws, checked with supportkit's public strategies (dogfooding).

Each building block has its own tests; these use `supportkit.testing.strategies` to
check the laws that hold across blocks, on the data the kit draws for other projects.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit import as_ticket, metrics
from supportkit.onboarding import flows, funnel
from supportkit.testing import strategies as sk

TICKET_LISTS = st.lists(sk.tickets(), max_size=10)


# --- metrics ---------------------------------------------------------------------------


@settings(max_examples=30)
@given(TICKET_LISTS, st.integers(0, 10))
def test_metric_accumulators_merge_to_the_one_pass_result(raws: list[Any], cut: int) -> None:
    for make in (
        metrics.AutomationRate,
        metrics.ResponseTimes,
        metrics.ResolutionTimes,
        metrics.ReopenRate,
        metrics.OneTouchRate,
    ):
        whole, left, right = make(), make(), make()
        whole.add_many(raws)
        left.add_many(raws[:cut])
        right.add_many(raws[cut:])
        assert left.merge(right).result() == whole.result(), make.__name__


@settings(max_examples=30)
@given(TICKET_LISTS)
def test_automation_rate_counts_tickets_answered_only_by_rules_and_bots(raws: list[Any]) -> None:
    # API.md: automated = a reply by "rule" or "bot" and none by "agent".
    def automated(raw: Any) -> bool:
        authors = {e.by for e in as_ticket(raw).events if e.type == "reply"}
        return bool(authors & {"rule", "bot"}) and "agent" not in authors

    rate = metrics.automation_rate(raws)
    assert (rate.successes, rate.count) == (sum(map(automated, raws)), len(raws))


@settings(max_examples=30)
@given(TICKET_LISTS)
def test_response_times_are_the_first_agent_reply(raws: list[Any]) -> None:
    expected = []
    for raw in raws:
        ticket = as_ticket(raw)
        replies = [e.at for e in ticket.events if e.type == "reply" and e.by == "agent"]
        if replies:
            expected.append(min(replies) - ticket.created_at)
    result = metrics.response_times(raws)
    assert result.count == len(expected)
    if expected:
        assert result.max == max(expected)
        assert result.min == min(expected)


@settings(max_examples=30)
@given(st.lists(sk.ratings("5", labels=True)), st.lists(sk.ratings("5", labels=True)))
def test_csat_merges_and_is_a_proportion(first: list[Any], second: list[Any]) -> None:
    whole = metrics.csat(first + second)
    left, right = metrics.CSAT(), metrics.CSAT()
    left.add_many(first)
    right.add_many(second)
    assert left.merge(right).result() == whole
    assert whole.count == len(first) + len(second)
    if whole.count:
        assert whole.value is not None
        assert 0 <= whole.low <= whole.value <= whole.high <= 1


@settings(max_examples=30)
@given(TICKET_LISTS)
def test_the_weekly_report_reads_every_generated_export(raws: list[Any]) -> None:
    report = metrics.weekly_report(json.loads(json.dumps(raws)))
    assert report is not None


@given(sk.aware_datetimes())
def test_ticket_times_survive_a_json_round_trip_in_any_zone(at: dt.datetime) -> None:
    ticket = as_ticket({"created_at": at.isoformat(), "events": []})
    assert ticket.created_at is not None
    # Not `==`: Python never calls a time in a repeated autumn hour (fold=1) equal to a
    # time in another tzinfo (PEP 495), so compare the instant and the offset.
    assert ticket.created_at.timestamp() == at.timestamp()
    assert ticket.created_at.utcoffset() == at.utcoffset()


# --- calendars ---------------------------------------------------------------------------

SPAN = sk.aware_datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 6, 1))
HOURS = st.integers(1, 60 * 60 * 40).map(lambda s: dt.timedelta(seconds=s))


@settings(max_examples=30)
@given(sk.work_calendars(), SPAN, HOURS)
def test_calendar_add_and_between_are_inverse(
    cal: Any, start: dt.datetime, work: dt.timedelta
) -> None:
    deadline = cal.add(start, work)
    # Compare instants: within one zone Python compares wall clocks and ignores fold.
    assert deadline.timestamp() > start.timestamp()
    assert cal.between(start, deadline) == work


@settings(max_examples=30)
@given(sk.work_calendars(), SPAN)
def test_next_open_is_open_and_not_before(cal: Any, at: dt.datetime) -> None:
    opened = cal.next_open(at)
    assert opened.timestamp() >= at.timestamp()
    assert cal.is_open(opened)
    if cal.is_open(at):
        # The same instant; not `==`, which PEP 495 makes False for a repeated-hour
        # (fold=1) time against any other zone.
        assert opened.timestamp() == at.timestamp()


@settings(max_examples=25)
@given(sk.work_calendars(), sk.work_calendars(), SPAN, HOURS)
def test_union_and_intersection_count_time_once(
    a: Any, b: Any, start: dt.datetime, span: dt.timedelta
) -> None:
    end = start + span
    both, either = (a & b).between(start, end), (a | b).between(start, end)
    assert either == a.between(start, end) + b.between(start, end) - both
    assert (a - b).between(start, end) == a.between(start, end) - both


# --- rules -------------------------------------------------------------------------------

PAYOUT_RULES = [
    {
        "id": "payout",
        "when": {"any": ["выплата", "деньги не пришли"]},
        "then": {"tags": ["payouts"]},
    }
]


@settings(max_examples=40)
@given(
    st.sampled_from(["выплата", "деньги не пришли"])
    .flatmap(lambda kw: sk.russian_messages(keyword=kw))
    .flatmap(lambda m: sk.homoglyph_variants(m) | sk.invisible_noise(m) | sk.caps(m))
)
def test_rules_survive_what_customers_type(text: str) -> None:
    from supportkit.rules import RuleSet

    evaluation = RuleSet.from_dicts(PAYOUT_RULES).evaluate(text)
    assert evaluation.matched == ("payout",) or list(evaluation.matched) == ["payout"]
    assert "payouts" in evaluation.tags


@settings(max_examples=40)
@given(sk.russian_messages() | sk.russian_messages().flatmap(sk.homoglyph_variants))
def test_normalize_is_idempotent_on_customer_text(text: str) -> None:
    from supportkit.rules import normalize

    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=30)
@given(st.lists(sk.tickets(), min_size=1, max_size=5))
def test_the_demo_rules_evaluate_every_generated_ticket(raws: list[Any]) -> None:
    from supportkit._pytest_plugin import _demo_ruleset

    ruleset = _demo_ruleset()
    evaluations = list(ruleset.evaluate_many(raws))
    assert len(evaluations) == len(raws)
    for raw, evaluation in zip(raws, evaluations, strict=True):
        assert evaluation.to_dict() == ruleset.evaluate(as_ticket(raw)).to_dict()


@settings(max_examples=40)
@given(st.data())
def test_every_demo_rule_fires_on_the_ticket_written_for_it(data: st.DataObject) -> None:
    from supportkit._pytest_plugin import _demo_ruleset

    ruleset = _demo_ruleset()
    rule_id, ticket = data.draw(sk.from_ruleset(ruleset))
    field = "subject" if ticket["subject"] else "body"
    if data.draw(st.booleans()):  # and still when the customer types look-alikes
        ticket[field] = data.draw(sk.homoglyph_variants(ticket[field], min_changes=0))
    matched = list(ruleset.evaluate(ticket).matched)
    stops = {r.id for r in ruleset.rules if r.stop}
    assert rule_id in matched or (matched and matched[-1] in stops), (rule_id, ticket, matched)


# --- onboarding --------------------------------------------------------------------------

# Every zone, DST edges included (see STARTS in test_domain.py).
STARTS = sk.aware_datetimes(timezones=sk.zones())


@settings(max_examples=25)
@given(st.lists(sk.journeys(flows.self_employed(), start=STARTS), min_size=1, max_size=8))
def test_the_funnel_counts_every_journey_once(journeys: list[Any]) -> None:
    flow = flows.self_employed()
    result = funnel(journeys, flow)
    assert result.total == len(journeys)
    counts = [step.reached for step in result.steps]
    assert counts[0] == len(journeys)  # everybody starts invited
    assert counts == sorted(counts, reverse=True)  # a funnel only narrows
    assert counts[-1] == sum(j.state == "active" for j in journeys)
