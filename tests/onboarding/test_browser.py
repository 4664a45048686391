"""The notebook views of a Flow and a Funnel, rendered by a real browser (headless Chromium).

Needs Debian's ``chromium`` (``.ci/run`` installs it); without it the test fails and
says so, it never skips. One browser start (~3 s): the page carries a small script of
the test's own that measures every SVG and text after layout and writes the figures
into the DOM, which ``--dump-dom`` prints.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from supportkit.onboarding import flows, funnel
from supportkit.onboarding._demo import demo_journeys

PROBE = """<pre id="result"></pre><script>
const errors = [];
window.addEventListener("error", e => errors.push(String(e.message)));
const svgs = [...document.querySelectorAll("svg")].map(s => {
  const r = s.getBoundingClientRect(); return [r.width, r.height]; });
const texts = [...document.querySelectorAll("svg text")]
  .filter(t => t.getBBox().width > 0 && t.getBBox().height > 0)
  .map(t => t.firstChild ? t.firstChild.textContent : "");
const cells = [...document.querySelectorAll("tbody tr")].length;
document.getElementById("result").textContent = JSON.stringify({svgs, texts, cells, errors});
</script>"""


def browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("headless Chromium is needed: apt-get install chromium (Debian's package).")


def test_flow_and_funnel_render_in_chromium(tmp_path: Path) -> None:
    flow = flows.self_employed()
    result = funnel(demo_journeys(), flow)
    page = tmp_path / "notebook.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>notebook</title></head><body>'
        f"{flow._repr_html_()}{result._repr_html_()}{PROBE}</body></html>",
        encoding="utf-8",
    )
    run = subprocess.run(
        [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = re.search(r'<pre id="result">([^<]*)</pre>', run.stdout)
    assert found, f"Chromium printed no result (exit {run.returncode}): {run.stderr[-2000:]}"
    report = json.loads(html.unescape(found.group(1)))
    assert report["errors"] == []
    # The flow diagram and one bar per funnel step, each with a real size on the page.
    assert len(report["svgs"]) == 1 + len(result.steps)
    assert all(w > 0 and h > 0 for w, h in report["svgs"])
    width, height = report["svgs"][0]
    assert width > 1000  # seven states side by side on the main path
    assert height > 150  # and the failure ends on a row below
    for state in flow.state_names:
        assert state in report["texts"]
    assert report["cells"] == len(result.steps)
