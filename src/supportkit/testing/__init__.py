"""supportkit.testing: Hypothesis strategies for testing helpdesk code.

Install with ``pip install 'supportkit[testing]'``. Then::

    from supportkit.testing import strategies

draws what customers really type (look-alike letters, the wrong keyboard layout,
typos, invisible characters, CAPS), realistic Russian support messages, tickets
with consistent event streams, aware datetimes across DST changes, working
calendars, SLA policies and onboarding journeys.

Importing this package without Hypothesis raises
:class:`supportkit.exceptions.MissingExtra` (an ``ImportError``) naming the extra.
The pytest plugin (registered as ``supportkit``) lives outside this package, in
``supportkit._pytest_plugin``, so that projects without Hypothesis still run pytest.
"""

from __future__ import annotations

from typing import Any as _Any

try:
    import hypothesis as _hypothesis
except ImportError as _exc:
    from supportkit.exceptions import MissingExtra as _MissingExtra

    raise _MissingExtra(
        "supportkit.testing needs Hypothesis, which is not installed; "
        "install it with pip install 'supportkit[testing]'.",
        extra="testing",
    ) from _exc

del _hypothesis

__all__ = ["strategies"]


def __getattr__(name: str) -> _Any:
    # Lazy, so that the "hypothesis" entry point (supportkit.testing._hook) can import
    # this package while Hypothesis itself is still initialising.
    if name == "strategies":
        import importlib

        return importlib.import_module("supportkit.testing.strategies")
    raise AttributeError(f"module 'supportkit.testing' has no attribute {name!r}")
