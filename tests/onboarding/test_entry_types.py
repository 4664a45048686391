"""Wrong types at onboarding's public entry points (issue 15 point 3): one gate, _values.expect.

Each call below escaped as an AttributeError or a builtin TypeError before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from supportkit.exceptions import InvalidArgument
from supportkit.onboarding import FunnelBatch, FunnelParts, Guard, flows, funnel, to_dot, to_mermaid
from supportkit.onboarding._values import expect, items, names

FLOW = flows.self_employed()
J = FLOW.start("c1", at="2024-11-11T10:00:00+03:00")

WRONG_TYPE: list[tuple[str, Callable[[], Any], str]] = [
    ("to_mermaid(None)", lambda: to_mermaid(None), "flow must be an onboarding Flow .*got None"),  # type: ignore[arg-type]
    ("to_dot('x')", lambda: to_dot("x"), "flow must be an onboarding Flow .*that is a str"),  # type: ignore[arg-type]
    ("FunnelParts(None)", lambda: FunnelParts(None), "flow must be an onboarding Flow"),  # type: ignore[arg-type]
    ("FunnelParts(clock=0)", lambda: FunnelParts(FLOW, clock=0), "clock must have between"),  # type: ignore[arg-type]
    ("FunnelParts.add(None)", lambda: FunnelParts(FLOW).add(None), "journey must be a Journey"),  # type: ignore[arg-type]
    (
        "FunnelParts.from_dict(flow, None)",
        lambda: FunnelParts.from_dict(FLOW, None),  # type: ignore[arg-type]
        "data must be funnel parts",
    ),
    ("FunnelBatch.rows(None)", lambda: FunnelBatch.rows(None), "journeys must be an iterable"),  # type: ignore[arg-type]
    ("FunnelBatch.rows([None])", lambda: FunnelBatch.rows([None]), r"journeys\[0\] must be a"),  # type: ignore[list-item]
    ("Guard(needs=False)", lambda: Guard("g", lambda c: [], needs=False), "needs must be an"),  # type: ignore[arg-type]
    ("Guard(needs=[1])", lambda: Guard("g", lambda c: [], needs=[1]), r"needs\[0\] must be a"),  # type: ignore[list-item]
    ("funnel(J, flow)", lambda: funnel(J, FLOW), "got one Journey"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("name", "call", "message"), WRONG_TYPE, ids=[c[0] for c in WRONG_TYPE])
def test_wrong_types_name_the_argument(name: str, call: Callable[[], Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message) as info:
        call()
    assert isinstance(info.value, TypeError)
    assert str(info.value).endswith(".")


def test_what_stays_valid() -> None:
    assert to_mermaid(FLOW).startswith("stateDiagram-v2")
    parts = FunnelParts(FLOW)
    parts.add(J)
    assert FunnelParts.from_dict(FLOW, parts.to_dict()) == parts
    assert len(FunnelBatch.rows([J])) == 1
    assert Guard("g", lambda c: [], needs=("inn",)).needs == ("inn",)


def test_the_gate_holds_on_its_own() -> None:
    assert expect(3, int, field="x", what="a number") == 3
    with pytest.raises(InvalidArgument, match="x must be a number"):
        expect("3", int, field="x", what="a number")
    assert items((1, 2), field="x", what="numbers") == [1, 2]
    for wrong in ("ab", b"ab", {"a": 1}, 5, None):
        with pytest.raises(InvalidArgument, match="x must be an iterable of numbers"):
            items(wrong, field="x", what="numbers")
    assert names(["a"], field="x", example="'a'") == ("a",)


def test_store_unavailable_lives_with_the_other_errors() -> None:
    import supportkit.exceptions
    import supportkit.onboarding
    import supportkit.onboarding._storerows

    error = supportkit.exceptions.StoreUnavailable
    assert supportkit.onboarding.StoreUnavailable is error  # the old import paths keep working
    assert supportkit.onboarding._storerows.StoreUnavailable is error
    assert error.__module__ == "supportkit.exceptions"
    assert issubclass(error, supportkit.exceptions.SupportkitError)
    assert issubclass(error, ConnectionError)
