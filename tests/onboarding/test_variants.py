"""Per-client variants: insert, drop and move steps; store as data; diff against the base."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from supportkit.exceptions import InvalidFlow
from supportkit.onboarding import Flow, flows

MSK = ZoneInfo("Europe/Moscow")
T0 = dt.datetime(2024, 11, 11, 10, 0, tzinfo=MSK)


def test_status_first_invitation_second() -> None:
    base = flows.self_employed()
    variant = base.move_step("status_confirmed", after="invited", name="self_employed_status_first")
    assert variant.path() == (
        "invited",
        "status_confirmed",
        "registered",
        "profile_filled",
        "passport_verified",
        "permissions_granted",
        "active",
    )
    assert variant.transition("invited", "confirm_status").guards == ("npd_status",)  # type: ignore[union-attr]
    # The moved step keeps its own exits.
    assert variant.events_from("status_confirmed") == ["register", "reject", "withdraw"]
    assert base.path()[1] == "registered"  # the base is untouched
    j = variant.start("c1", at=T0)
    for event in ("confirm_status", "register", "fill_profile", "verify_passport",
                  "grant_permissions", "sign_contract"):  # fmt: skip
        j = j.fire(event, at=T0)
    assert j.state == "active"
    assert str(variant.diff(base)) == "\n".join(
        [
            "--- self_employed",
            "+++ self_employed_status_first",
            "- invited --register--> registered",
            "- passport_verified --confirm_status--> status_confirmed [npd_status]",
            "- status_confirmed --grant_permissions--> permissions_granted [partner_permissions]",
            "+ invited --confirm_status--> status_confirmed [npd_status]",
            "+ passport_verified --grant_permissions--> permissions_granted [partner_permissions]",
            "+ status_confirmed --register--> registered",
            (
                "  path: invited → status_confirmed → registered → profile_filled → "
                "passport_verified → permissions_granted → active"
            ),
        ]
    )


def test_with_step_copies_exits_and_keeps_guards() -> None:
    base = flows.self_employed()
    variant = base.with_step(
        "city_chosen", after="profile_filled", event="choose_city", label="выбрал город"
    )
    assert variant.path()[3] == "city_chosen"
    assert variant.events_from("city_chosen") == ["reject", "verify_passport", "withdraw"]
    assert variant.transition("city_chosen", "verify_passport").guards == ("passport",)  # type: ignore[union-attr]
    d = variant.diff(base)
    assert d.added_states == ("city_chosen",)
    assert d.removed_states == ()
    assert bool(d)
    assert not base.diff(flows.self_employed())
    assert d.to_dict()["added_states"] == ["city_chosen"]


def test_without_step() -> None:
    base = flows.self_employed()
    variant = base.without_step("passport_verified")
    assert "passport_verified" not in variant.state_names
    assert variant.events_from("profile_filled") == ["confirm_status", "reject", "withdraw"]
    assert "verify_passport" not in variant.events
    assert variant.diff(base).removed_states == ("passport_verified",)


def test_variant_round_trips_as_data() -> None:
    variant = flows.self_employed().move_step("status_confirmed", after="invited", name="client_x")
    text = json.dumps(variant.to_dict(), ensure_ascii=False)
    again = Flow.from_dict(json.loads(text))
    assert again == variant
    assert again.path() == variant.path()


def test_variant_errors() -> None:
    base = flows.self_employed()
    with pytest.raises(InvalidFlow) as info:
        base.with_step("x", after="rejected", event="e")
    assert str(info.value) == (
        "after 'rejected' is not on the main path of flow 'self_employed' ['invited', "
        "'registered', 'profile_filled', 'passport_verified', 'status_confirmed', "
        "'permissions_granted', 'active']."
    )
    with pytest.raises(InvalidFlow, match="already has a state 'registered'"):
        base.with_step("registered", after="invited", event="e")
    with pytest.raises(InvalidFlow, match="'active' is the end of the main path"):
        base.with_step("x", after="active", event="e")
    with pytest.raises(InvalidFlow, match="'invited' is the start or the end"):
        base.without_step("invited")
    with pytest.raises(InvalidFlow, match="'active' is the start or the end"):
        base.move_step("active", after="invited")
    # Dropping the step whose events a deadline needs is caught by the flow check.
    with pytest.raises(InvalidFlow) as info:
        flows.foreign_citizen().without_step("contract_signed")
    assert str(info.value) == (
        "flow 'foreign_citizen' is invalid: unreachable states ['contract_terminated']; "
        "events with no transition ['deadlines.mvd_contract_notice:sign_contract', "
        "'deadlines.mvd_termination_notice:terminate_contract']."
    )
    same = base.move_step("registered", after="invited")
    assert same == base
