"""Write the pictures of docs/metrics.md: the demo data's HTML report and its SVG charts.

Run from the repository root: ``python scripts/make_metrics_pictures.py``. The output
is deterministic (the demo data is fixed and the report has no timestamps), so the
files in ``docs/`` change only when the data or the report does.
"""

from __future__ import annotations

from pathlib import Path

from supportkit._demo import demo_tickets
from supportkit.metrics import weekly_report
from supportkit.metrics._render import charts

DOCS = Path(__file__).resolve().parent.parent / "docs"
NAMES = ("metrics-weekly-volume.svg", "metrics-csat-trend.svg", "metrics-response-times.svg")


def main() -> None:
    report = weekly_report(demo_tickets(), tz="Europe/Moscow")
    (DOCS / "metrics-report.html").write_text(report.render("html"), encoding="utf-8")
    for name, svg in zip(NAMES, charts(report), strict=True):
        (DOCS / name).write_text(svg + "\n", encoding="utf-8")
    print(f"wrote {DOCS / 'metrics-report.html'} and {len(NAMES)} SVG charts")


if __name__ == "__main__":
    main()
