"""docs/errors.md lists every error class, each with a real message in a doctest.

The doctests themselves run in tests/test_docs.py; this test makes sure none is
missing: every class in ``supportkit.exceptions.__all__``, every exception class a
public module re-exports, and the ones a public value raises without exporting
(``UnknownMetric`` from ``SLAReport[metric]``).
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

from supportkit import exceptions
from supportkit.sla import PolicySet, SLAPolicy

PAGE = Path(__file__).resolve().parents[1] / "docs" / "errors.md"
PUBLIC = (
    "supportkit",
    "supportkit.text",
    "supportkit.rules",
    "supportkit.sla",
    "supportkit.sla.erlang_c",
    "supportkit.metrics",
    "supportkit.onboarding",
    "supportkit.onboarding.flows",
    "supportkit.sources",
    "supportkit.testing",
)


def error_classes() -> set[type[BaseException]]:
    found = {getattr(exceptions, name) for name in exceptions.__all__}
    for module_name in PUBLIC:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if inspect.isclass(value) and issubclass(value, BaseException):
                found.add(value)
    report = PolicySet([SLAPolicy("chat", {"first_response": 100}, "24/7")]).evaluate(
        {"id": "T-1", "created_at": "2024-11-11T10:00:00+03:00"}, now="2024-11-11T11:00:00+03:00"
    )
    try:
        report["resolution"]
    except exceptions.SupportkitError as exc:  # the class a report raises for a missing metric
        found.add(type(exc))
    return found


def test_every_error_class_is_in_a_table_and_has_a_real_message() -> None:
    text = PAGE.read_text(encoding="utf-8")
    classes = error_classes()
    assert len(classes) >= 21
    missing_row = [c.__name__ for c in classes if f"| `{c.__name__}` |" not in text]
    assert not missing_row, f"no table row in docs/errors.md for {missing_row}"
    shown = set(re.findall(r"^supportkit\.[\w.]*?\.?(\w+): \S", text, re.MULTILINE))
    if re.search(r"^\.\.\. except SupportkitError as err:$", text, re.MULTILINE):
        shown.add("SupportkitError")  # the root is never raised bare: shown caught, printed
    missing_message = [c.__name__ for c in classes if c.__name__ not in shown]
    assert not missing_message, f"no doctest message in docs/errors.md for {missing_message}"
    assert "InvalidSchedule is exceptions.InvalidCalendar" in text  # the style guide's alias
