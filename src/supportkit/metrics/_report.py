"""The weekly report with its renderers: the top of the report's modules."""

from __future__ import annotations

import json

import attrs

from supportkit.exceptions import InvalidValue
from supportkit.metrics import _render
from supportkit.metrics._reportdata import FORMATS, HISTOGRAM_BINS, ReportData, WeekRow

__all__ = ["FORMATS", "HISTOGRAM_BINS", "Report", "WeekRow"]


@attrs.frozen(repr=False)
class Report(ReportData):
    """The weekly report: what :func:`weekly_report` and ``supportkit report`` produce.

    Render it with :meth:`render` (``"text"``, ``"json"``, ``"markdown"``, ``"html"``).
    """

    def render(self, format: str = "text") -> str:
        """Return the report as ``"text"``, ``"json"``, ``"markdown"`` or ``"html"``."""
        if format == "json":
            return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if format == "text":
            return _render.text(self)
        if format == "markdown":
            return _render.markdown(self)
        if format == "html":
            return _render.html(self)
        raise InvalidValue(
            f"format must be one of {list(FORMATS)} (got {format!r}).", field="format", value=format
        )

    def __str__(self) -> str:
        return self.render("text")

    def _repr_html_(self) -> str:
        """The report in a notebook: the HTML page's body, charts inline, no scripts."""
        return _render.fragment(self)
