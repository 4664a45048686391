"""The HTML report and its notebook form, opened in headless Chromium.

Chromium is a real component of this test: when it is missing the test fails and
says to install Debian's ``chromium`` package (it never skips). Screenshots of each
chart go to ``$SUPPORTKIT_SCREENSHOTS`` when set (CI keeps them as artefacts), else
to a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from chromium import Browser, MissingChromium

from supportkit._demo import demo_tickets
from supportkit.metrics import Report
from supportkit.metrics._demo import demo_report
from supportkit.onboarding import Journey, flows, funnel

CHARTS = {
    "tickets-per-week",
    "csat-per-week",
    "first-response-times",
    "sla-chat+messenger 24/7",
    "sla-email office hours",
    "arrivals-and-duty",
    "staffing",
    "funnel",
}
WEEKLY = {"tickets-per-week", "csat-per-week", "sla-chat+messenger 24/7", "sla-email office hours"}

MEASURE = """
JSON.stringify([...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  const texts = sel => [...svg.querySelectorAll(sel)].map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, width: b.width, height: b.height};
  });
  return {
    name: svg.dataset.chart,
    box: {x: box.x + scrollX, y: box.y + scrollY, width: box.width, height: box.height},
    title: texts('.chart-title'), axes: texts('.axis-title'), labels: texts('.x-label'),
  };
}))
"""

CELLS = """
JSON.stringify([...document.querySelectorAll('table.summary td')].map(td => {
  const style = getComputedStyle(td);
  return {
    lines: td.innerHTML.split('<br>').length,
    height: td.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom),
    lineHeight: parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2,
    nowrap: style.whiteSpace,
  };
}))
"""


def demo_funnel() -> Any:
    flow = flows.self_employed()
    text = resources.files("supportkit.data").joinpath("demo_journeys.jsonl").read_text("utf-8")
    journeys = [Journey.from_dict(flow, json.loads(line)) for line in text.splitlines() if line]
    return funnel(journeys, flow)


@pytest.fixture(scope="module")
def report() -> Report:
    return demo_report(demo_tickets(), funnel=demo_funnel())


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    try:
        chromium = Browser()
    except MissingChromium as exc:
        pytest.fail(str(exc))
    chromium.send("Network.enable")
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("SUPPORTKIT_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_page(browser: Browser, page: Path, shots: Path, prefix: str) -> list[dict[str, Any]]:
    browser.open(page)
    assert browser.errors() == []
    requests = [
        e["params"]["request"]["url"]
        for e in browser.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    charts = json.loads(browser.evaluate(MEASURE))
    assert {c["name"] for c in charts} == CHARTS
    for chart in charts:
        name = chart["name"]
        assert chart["box"]["width"] > 100, name
        assert chart["box"]["height"] > 100, name
        assert len(chart["title"]) == 1, name
        assert chart["title"][0]["width"] > 0, name
        assert len(chart["axes"]) == 2, name  # x and y axis titles, both drawn
        assert all(a["width"] > 0 and a["height"] > 0 and a["text"] for a in chart["axes"])
        if name in WEEKLY:
            labels = [label["text"] for label in chart["labels"]]
            assert labels, name
            assert all(re.fullmatch(r"\d{4}-W\d\d\*?", label) for label in labels), labels
        safe = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        target = shots / f"{prefix}-{safe}.png"
        browser.screenshot(target, chart["box"])
        assert target.stat().st_size > 1000
    return charts


def test_the_html_report_renders_every_chart(
    browser: Browser, report: Report, shots: Path, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    page.write_text(report.render("html"), encoding="utf-8")
    check_page(browser, page, shots, "report")
    cells = json.loads(browser.evaluate(CELLS))
    assert cells
    for cell in cells:  # no wrapped cells: each holds exactly its own lines
        assert cell["nowrap"] == "nowrap"
        assert cell["height"] <= cell["lines"] * cell["lineHeight"] + 2, cell


def test_the_notebook_form_renders_the_same_charts(
    browser: Browser, report: Report, shots: Path, tmp_path: Path
) -> None:
    # What Jupyter does with _repr_html_: the fragment inside its own output area.
    page = tmp_path / "notebook.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>notebook</title></head>'
        '<body><div class="jp-Cell"><div class="jp-OutputArea-output" '
        f'data-mime-type="text/html">{report._repr_html_()}</div></div></body></html>',
        encoding="utf-8",
    )
    charts = check_page(browser, page, shots, "notebook")
    assert len(charts) == len(CHARTS)
