"""The SVG charts: well-formed, axis titles with units, y-axis scaled to the data, years."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from supportkit._demo import demo_tickets
from supportkit.metrics._charts import nice_top
from supportkit.metrics._demo import demo_report
from supportkit.metrics._html import charts

SVG = "{http://www.w3.org/2000/svg}"


@given(st.floats(0.01, 1e9))
def test_nice_top_is_a_round_cover_of_the_value(value: float) -> None:
    top, step = nice_top(value)
    assert top >= value
    ticks = round(top / step)
    assert 1 <= ticks <= 5
    assert math.isclose(top, ticks * step)
    assert top < value + step * 1.0001  # never a whole empty step above the data
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5))


def texts(svg: ET.Element, cls: str) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text") if t.get("class") == cls]


def test_every_chart_has_a_title_axis_titles_and_scaled_axes() -> None:
    report = demo_report(demo_tickets())
    svgs = [ET.fromstring(svg) for svg in charts(report)]
    names = [svg.get("data-chart") for svg in svgs]
    assert names == [
        "tickets-per-week",
        "csat-per-week",
        "first-response-times",
        "sla-chat+messenger 24/7",
        "sla-email office hours",
        "arrivals-and-duty",
        "staffing",
    ]
    for svg in svgs:
        assert len(texts(svg, "chart-title")) == 1
        axes = texts(svg, "axis-title")
        assert len(axes) == 2
        assert all(axes)
    volume = svgs[0]
    ticks = [float(t) for t in texts(volume, "tick")]
    assert max(ticks) == 150  # the busiest week has 133 tickets: not a fixed 0-400
    assert "tickets" in texts(volume, "axis-title")
    for svg in (svgs[0], svgs[1], svgs[3], svgs[4]):
        labels = texts(svg, "x-label")
        assert labels
        assert all(re.fullmatch(r"\d{4}-W\d\d\*?", label) for label in labels)
    sla = svgs[3]
    assert any(line.get("class") == "goal" for line in sla.iter(f"{SVG}line"))
    assert "target 90%" in "".join(t.text or "" for t in sla.iter(f"{SVG}text"))


def test_percent_axes_start_near_the_data() -> None:
    report = demo_report(demo_tickets())
    csat_chart = ET.fromstring(charts(report)[1])
    ticks = texts(csat_chart, "tick")
    low = min(report.weeks, key=lambda w: w.csat.low or 1).csat.low
    assert ticks[0] == f"{math.floor((low or 0) * 10) * 10}%"
    assert ticks[-1] == "100%"
