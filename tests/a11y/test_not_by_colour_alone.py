"""Colour is never the only signal (WCAG 1.4.1): every Making Data Count icon carries a visible
letter and a <title>, and special-cause points on a chart differ from common-cause points, and
from each other, by marker shape as well as colour. (Icons that differ only by colour, such as
improvement and concern high, always stand beside their words: tests/a11y/test_charts.py.)"""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from metrics.drawing.figure import POINT_SYMBOLS, build_figure
from metrics.drawing.icons import LEGEND, icon_svg
from metrics.spc import analyse

SVG = "{http://www.w3.org/2000/svg}"
ICON_KEYS = [key for key, _, _ in LEGEND]
INVISIBLE = {None, "", "none", "#fff", "#ffffff", "white", "transparent"}


def test_the_legend_lists_every_icon_variant():
    assert set(ICON_KEYS) == {
        "common_cause",
        "improvement_high",
        "improvement_low",
        "concern_high",
        "concern_low",
        "neither_high",
        "neither_low",
        "pass",
        "fail",
        "hit_or_miss",
    }


@pytest.mark.parametrize("key", ICON_KEYS)
def test_every_icon_has_a_visible_letter_and_a_title(key):
    root = ET.fromstring(icon_svg(key, uid="x"))  # noqa: S314 — our own markup

    title = root.find(f"{SVG}title")
    assert title is not None and title.text.strip(), "the icon has no <title>"
    assert root.get("role") == "img" and root.get("aria-labelledby") == title.get("id")
    glyphs = root.findall(f"{SVG}text")
    assert len(glyphs) == 1, "the icon has no text glyph"
    glyph = glyphs[0]
    assert glyph.text and glyph.text.strip() in {"H", "L", "C", "P", "F", "?"}
    assert glyph.get("fill") not in INVISIBLE
    assert float(glyph.get("font-size")) >= 24  # of a 100-unit icon: legible at 28 px


def _weekly(n):
    return [dt.date(2025, 1, 6) + dt.timedelta(weeks=i) for i in range(n)]


def _figure_points(values, improvement):
    result = analyse(values, chart="xmr", improvement=improvement).to_dict()
    fig = build_figure(result, _weekly(len(values)), name="Waiting time", improvement=improvement)
    (data,) = [t for t in fig.data if t.mode == "lines+markers"]
    return result, data, fig


@pytest.mark.parametrize("improvement", ["decrease", "increase", "neither"])
def test_special_cause_points_have_their_own_marker_shape(improvement):
    # A steady process with one point far above its limits and, later, one far below.
    steady = [40, 42, 39, 41, 43, 40, 38, 41, 42, 40, 39, 41, 40, 42, 41, 40, 39, 41, 40, 42]
    values = [*steady, 60, *steady[:6], 20, *steady[:4]]
    result, data, fig = _figure_points(values, improvement)

    types = [p["point_type"] for p in result["points"]]
    assert types.count("common_cause") >= 25 and len(set(types) - {"common_cause"}) == 2
    for point_type, symbol in zip(types, data.marker.symbol, strict=True):
        assert symbol == POINT_SYMBOLS[point_type]
        assert (symbol == "circle") == (point_type == "common_cause")
    # The legend draws each special-cause kind with the shape its points have.
    legend = {t.name: t.marker.symbol for t in fig.data if (t.name or "").startswith("Special")}
    assert legend and all(symbol != "circle" for symbol in legend.values())
    for point_type in set(types) - {"common_cause"}:
        assert POINT_SYMBOLS[point_type] in legend.values()


def test_improvement_concern_and_neither_each_have_a_distinct_shape():
    shapes = {kind: POINT_SYMBOLS[kind] for kind in ("common_cause", "improvement", "concern")} | {
        "neither": POINT_SYMBOLS["neither_high"]
    }
    assert len(set(shapes.values())) == 4, shapes
    assert POINT_SYMBOLS["neither_low"] == POINT_SYMBOLS["neither_high"]  # one legend entry
