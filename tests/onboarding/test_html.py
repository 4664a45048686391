"""Notebook views: ``Flow._repr_html_``/``to_svg`` and ``Funnel._repr_html_``/``rows``."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from supportkit.onboarding import Flow, flows, funnel
from supportkit.onboarding._demo import demo_journeys

SVG = "{http://www.w3.org/2000/svg}"


def texts(root: ET.Element) -> list[str]:
    return [t.strip() for t in root.itertext() if t.strip()]


def offline(markup: str) -> None:
    lowered = markup.lower()
    assert "<script" not in lowered
    assert " src=" not in lowered
    assert "href=" not in lowered
    assert lowered.count("http") == lowered.count('xmlns="http://www.w3.org/2000/svg"')


@pytest.mark.parametrize("name", flows.NAMES)
def test_flow_html_is_well_formed_and_shows_every_state(name: str) -> None:
    flow = flows.get(name)
    markup = flow._repr_html_()
    offline(markup)
    root = ET.fromstring(markup)  # well-formed XML, so well-formed HTML
    shown = texts(root)
    for state in flow.states:
        assert state.name in shown
    for a, b in zip(flow.path(), flow.path()[1:], strict=False):
        t = next(t for t in flow.transitions if (t.source, t.target) == (a, b))
        assert t.event in shown  # main-path events are written on their arrows
    svg = root.find(f".//{SVG}svg")
    assert svg is not None
    assert len(svg.findall(f"./{SVG}g/{SVG}rect")) == len(flow.states)
    assert len(svg.findall(f"./{SVG}g/{SVG}path")) == len(flow.transitions)
    assert float(svg.get("width", "0")) > 0
    assert float(svg.get("height", "0")) > 0
    assert flow.to_mermaid() in markup.replace("&gt;", ">").replace("&quot;", '"')


def test_flow_svg_stands_alone_and_escapes_text() -> None:
    flow = Flow(
        "odd",
        "a",
        [{"name": "a", "label": 'ООО «<Ромашка> & "Ко"»'}, {"name": "b", "terminal": True,
         "outcome": "success"}, {"name": "c", "terminal": True, "outcome": "failure"}],
        [{"source": "a", "event": "go", "target": "b"}, {"source": "a", "event": "stop",
         "target": "c"}],
    )  # fmt: skip
    svg = ET.fromstring(flow.to_svg())
    assert svg.tag == f"{SVG}svg"
    assert 'ООО «<Ромашка> & "Ко"»' in texts(svg)
    # Main path on the top row, the failure end below it.
    boxes = {g.findtext(f"{SVG}text"): g.find(f"{SVG}rect") for g in svg.iter(f"{SVG}g")}
    y = {name: float(rect.get("y", "0")) for name, rect in boxes.items() if rect is not None}
    assert y["a"] == y["b"] < y["c"]


def test_funnel_html_shows_each_step_with_drop_off_and_time_in_step() -> None:
    flow = flows.self_employed()
    result = funnel(demo_journeys(), flow)
    markup = result._repr_html_()
    offline(markup)
    root = ET.fromstring(markup)
    rows = root.findall(".//tbody/tr")
    assert len(rows) == len(result.steps)
    for tr, step in zip(rows, result.steps, strict=True):
        cells = ["".join(td.itertext()) for td in tr.findall("td")]
        assert cells[0] == step.state
        assert cells[1] == str(step.reached)
        assert cells[4].startswith(f"{step.drop_off} (")
        if step.median is not None:
            assert cells[5] == f"{step.median.total_seconds() / 3600:.1f} h"
        assert tr.find(f".//{SVG}svg") is not None
    assert "Ended: active 400, rejected 33, withdrawn 80." in "".join(root.itertext())


def test_funnel_rows_are_the_chart_data() -> None:
    result = funnel(demo_journeys(), flows.self_employed())
    rows = result.rows()
    assert [r["state"] for r in rows] == list(flows.self_employed().path())
    for row, step in zip(rows, result.to_dict()["steps"], strict=True):
        assert row["reached"] == step["reached"]
        assert row["drop_off"] == step["drop_off"]
        assert row["drop_share"] == pytest.approx(step["drop_off"] / step["reached"])
        if step["median_seconds"] is None:
            assert row["median_hours"] is None
        else:
            assert row["median_hours"] == pytest.approx(step["median_seconds"] / 3600)
            assert row["p90_hours"] == pytest.approx(step["p90_seconds"] / 3600)
    assert rows[-1]["median_hours"] is None  # nobody leaves the success state
    empty = funnel([], flows.self_employed())
    assert all(r["drop_share"] == 0.0 for r in empty.rows())
    ET.fromstring(empty._repr_html_())
    assert "Ended: none yet." in empty._repr_html_()


def test_funnel_html_of_a_journey_in_flight() -> None:
    t0 = dt.datetime(2024, 11, 11, 10, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    j = flows.individual().start("c1", at=t0).fire("register", at=t0 + dt.timedelta(hours=1))
    root = ET.fromstring(funnel([j], flows.individual())._repr_html_())
    first = ["".join(td.itertext()) for td in root.findall(".//tbody/tr")[0].findall("td")]
    assert first[:2] == ["invited", "1"]
    assert first[5] == "1.0 h"


def test_the_docs_picture_is_the_code_s() -> None:
    picture = Path(__file__).resolve().parents[2] / "docs" / "onboarding-self-employed.svg"
    assert picture.read_text(encoding="utf-8") == flows.self_employed().to_svg() + "\n"
