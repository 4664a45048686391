"""The pytest plugin: fixtures for projects that ask, nothing at all for those that don't."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

USES_FIXTURES = """
    from supportkit import Ticket

    def test_demo_tickets(demo_tickets):
        assert len(demo_tickets) > 600
        assert all(isinstance(t, Ticket) for t in demo_tickets)
        demo_tickets.clear()  # a fresh list for every test

    def test_fresh_list(demo_tickets, demo_records):
        assert len(demo_tickets) == len(demo_records) > 600
        demo_records[0]["body"] = "changed"

    def test_fresh_records(demo_records):
        assert demo_records[0]["body"] != "changed"

    def test_russia(russia_calendar):
        import datetime
        assert russia_calendar.is_holiday(datetime.date(2025, 1, 1))
        assert russia_calendar.is_working_day(datetime.date(2024, 11, 2))  # a transferred Saturday

    def test_rules(demo_ruleset, supportkit_ruleset, demo_tickets):
        assert supportkit_ruleset is demo_ruleset
        matched = [demo_ruleset.evaluate(t).matched for t in demo_tickets[:50]]
        assert any(matched)
"""

UNRELATED = """
    import pytest

    def test_ok():
        assert 1 + 1 == 2

    @pytest.mark.parametrize("x", [1, 2])
    def test_param(x):
        assert x

    def test_fails():
        assert False, "expected failure"

    @pytest.fixture
    def demo_tickets():
        return ["the project's own fixture wins"]

    def test_own_fixture(demo_tickets):
        assert demo_tickets == ["the project's own fixture wins"]
"""


def _outcome_lines(lines: list[str]) -> list[str]:
    # Drop lines that differ between any two runs: timing, the plugin list and the rootdir.
    drop = re.compile(r"^(platform |rootdir|plugins:|cachedir|=+ .* in [\d.]+s)")
    return [re.sub(r"[\d.]+s\b", "", line) for line in lines if not drop.match(line)]


def test_a_project_uses_the_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(textwrap.dedent(USES_FIXTURES))
    result = pytester.runpytest()
    result.assert_outcomes(passed=5)


def test_plugin_is_registered_under_its_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_registered(pytestconfig):
            plugin = pytestconfig.pluginmanager.get_plugin("supportkit")
            assert plugin is not None
            assert plugin.__name__ == "supportkit._pytest_plugin"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_plugin_defines_fixtures_and_no_hooks() -> None:
    import supportkit._pytest_plugin as plugin

    hooks = [name for name in vars(plugin) if name.startswith("pytest_")]
    assert hooks == []
    assert sorted(plugin.__all__) == plugin.__all__


def test_an_unrelated_project_runs_exactly_the_same(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(textwrap.dedent(UNRELATED))
    with_plugin = pytester.runpytest("-rA")
    without = pytester.runpytest("-rA", "-p", "no:supportkit")
    with_plugin.assert_outcomes(passed=4, failed=1)
    without.assert_outcomes(passed=4, failed=1)
    assert _outcome_lines(with_plugin.outlines) == _outcome_lines(without.outlines)


def test_switched_off_the_fixtures_are_gone(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(demo_tickets):\n    pass\n")
    result = pytester.runpytest("-p", "no:supportkit")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'demo_tickets' not found*"])


def test_loading_the_plugin_imports_neither_hypothesis_nor_data(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import sys

        def test_nothing_loaded():
            assert "supportkit.testing" not in sys.modules
            assert "supportkit.testing.strategies" not in sys.modules
            assert "supportkit._demo" not in sys.modules
            assert "supportkit.rules" not in sys.modules
            assert "supportkit.sla" not in sys.modules
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:hypothesispytest")
    result.assert_outcomes(passed=1)


BLOCK_HYPOTHESIS = """
raise ModuleNotFoundError("No module named 'hypothesis'", name="hypothesis")
"""


def test_pytest_runs_where_hypothesis_is_missing(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shadow = tmp_path / "shadow"
    (shadow / "hypothesis").mkdir(parents=True)
    (shadow / "hypothesis" / "__init__.py").write_text(BLOCK_HYPOTHESIS)
    monkeypatch.setenv("PYTHONPATH", str(shadow))
    pytester.makepyfile(
        """
        import pytest

        def test_uses_demo(demo_tickets, russia_calendar, supportkit_ruleset):
            assert supportkit_ruleset.evaluate(demo_tickets[0])

        def test_hypothesis_is_really_missing():
            with pytest.raises(ImportError):
                import hypothesis

        def test_testing_kit_says_which_extra():
            from supportkit.exceptions import MissingExtra
            with pytest.raises(MissingExtra, match=r"pip install 'supportkit\\[testing\\]'"):
                import supportkit.testing
        """
    )
    # Without Hypothesis installed its own pytest plugin is not installed either.
    result = pytester.runpytest_subprocess("-p", "no:hypothesispytest")
    result.assert_outcomes(passed=3)
