"""Hypothesis stays optional, and the ``hypothesis`` entry point is lazy and loop-free."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

BLOCK = "import sys\nsys.modules['hypothesis'] = None  # as if it were not installed\n"


def run(code: str, *, block: bool = False, **env: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", BLOCK * block + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    )
    return out.stdout.strip()


def test_supportkit_imports_without_hypothesis() -> None:
    out = run(
        """
        import supportkit, supportkit.rules, supportkit.sla, supportkit.onboarding
        import supportkit.metrics, supportkit._pytest_plugin
        print(supportkit.as_ticket("Где выплата?").body)
        """,
        block=True,
    )
    assert out == "Где выплата?"


def test_the_testing_kit_names_its_extra() -> None:
    out = run(
        """
        from supportkit.exceptions import MissingExtra
        try:
            import supportkit.testing
        except MissingExtra as exc:
            print(type(exc).__name__, isinstance(exc, ImportError), exc.extra)
            print(exc)
        """,
        block=True,
    )
    first, message = out.splitlines()
    assert first == "MissingExtra True testing"
    assert message == (
        "supportkit.testing needs Hypothesis, which is not installed; "
        "install it with pip install 'supportkit[testing]'."
    )


def test_from_type_works_without_importing_our_strategies() -> None:
    out = run(
        """
        import sys
        from hypothesis import strategies as st
        print("supportkit.testing.strategies" in sys.modules)
        from supportkit import Ticket
        ticket = st.from_type(Ticket).example()
        print(type(ticket).__name__, "supportkit.testing.strategies" in sys.modules)
        """
    )
    assert out.splitlines() == ["False", "Ticket True"]


def test_from_type_draws_calendars_and_policies() -> None:
    out = run(
        """
        from hypothesis import find, strategies as st
        from supportkit.sla import SLAPolicy, WorkCalendar
        print(find(st.from_type(WorkCalendar), lambda c: True))
        policy = find(st.from_type(SLAPolicy), lambda p: True)
        print(policy.name, dict(policy.targets))
        """
    )
    assert out.splitlines() == [
        "<WorkCalendar weekly UTC {'mon-fri': '09:00-17:00'}>",
        "standard {'first_response': datetime.timedelta(seconds=3600)}",
    ]


def test_importing_our_strategies_first_is_not_a_circular_import() -> None:
    out = run(
        """
        from supportkit.testing import strategies
        from supportkit.testing.strategies import tickets
        from hypothesis import strategies as st
        from supportkit import Ticket
        print(type(st.from_type(Ticket).example()).__name__)
        """
    )
    assert out == "Ticket"


def test_hypothesis_no_plugins_switches_the_entry_point_off() -> None:
    with_plugins = run(
        """
        import sys
        import hypothesis
        print("supportkit.testing._hook" in sys.modules)
        """
    )
    without = run(
        """
        import sys
        import hypothesis
        print("supportkit.testing._hook" in sys.modules)
        """,
        HYPOTHESIS_NO_PLUGINS="1",
    )
    assert (with_plugins, without) == ("True", "False")


def test_the_strategies_do_not_import_pytest() -> None:
    out = run(
        """
        import sys
        sys.modules["pytest"] = None  # as if it were not installed
        from supportkit.testing import strategies
        strategies.tickets().example()
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("_pytest",)))
        """
    )
    assert out == "[]"
