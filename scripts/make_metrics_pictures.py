"""Write the pictures of docs/metrics.md: the demo's HTML report and a PNG of each chart.

Run from the repository root: ``python scripts/make_metrics_pictures.py``. The HTML is
deterministic (the demo data is fixed and the report has no timestamps); the PNGs are
screenshots from headless Chromium (Debian's ``chromium`` package), taken with the same
DevTools helper as the browser test (``tests/browser/chromium.py``).
"""

from __future__ import annotations

import json
import re
import sys
from importlib import resources
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from chromium import Browser  # noqa: E402 - the helper lives beside the browser test

from supportkit._demo import demo_tickets  # noqa: E402
from supportkit.metrics._demo import demo_report  # noqa: E402
from supportkit.onboarding import Journey, flows, funnel  # noqa: E402

BOXES = """
JSON.stringify([...document.querySelectorAll('svg.chart')].map(svg => {
  const b = svg.getBoundingClientRect();
  return {name: svg.dataset.chart, x: b.x + scrollX, y: b.y + scrollY,
          width: b.width, height: b.height};
}))
"""


def demo_funnel() -> Any:
    """The onboarding demo's funnel (800 self-employed contractors)."""
    flow = flows.self_employed()
    text = resources.files("supportkit.data").joinpath("demo_journeys.jsonl").read_text("utf-8")
    journeys = [Journey.from_dict(flow, json.loads(line)) for line in text.splitlines() if line]
    return funnel(journeys, flow)


def main() -> None:
    report = demo_report(demo_tickets(), funnel=demo_funnel())
    page = DOCS / "metrics-report.html"
    page.write_text(report.render("html"), encoding="utf-8")
    written = []
    with Browser() as browser:
        browser.open(page)
        for box in json.loads(browser.evaluate(BOXES)):
            safe = re.sub(r"[^a-z0-9]+", "-", box["name"].lower()).strip("-")
            target = DOCS / f"metrics-chart-{safe}.png"
            browser.screenshot(target, box)
            written.append(target.name)
    print(f"wrote {page} and {len(written)} PNG charts: {', '.join(written)}")


if __name__ == "__main__":
    main()
