"""Charts as a screen reader and a colour-blind reader meet them, in headless Chromium: every
Plotly chart container is named and described, its description links to a table holding the
same figures, Plotly's drawing is hidden from assistive technology, and every Making Data Count
icon stands beside its meaning in words."""

import pytest

from tests.a11y import axe
from tests.a11y.world import BOARD, COACH, LEAD

pytestmark = [pytest.mark.browser]

# For every chart container: its name, its description (the text of the elements it points
# at) and the tables those elements link to.
_CHARTS = """() => Array.from(document.querySelectorAll("[data-figure]")).map((el) => {
  const described = (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean)
    .map((id) => document.getElementById(id));
  const links = described.filter(Boolean).flatMap((d) => Array.from(d.querySelectorAll("a")));
  const tables = links.map((a) => document.querySelector(a.getAttribute("href")))
    .filter((t) => t && t.tagName === "TABLE");
  return {
    figure: el.dataset.figure,
    role: el.getAttribute("role"),
    name: el.getAttribute("aria-label") || "",
    hidden: el.closest("[aria-hidden=true]") !== null,
    missing: described.filter((d) => !d).length,
    description: described.filter(Boolean).map((d) => d.textContent.trim()).join(" "),
    tables: tables.map((t) => ({
      id: t.id, caption: t.caption ? t.caption.textContent.trim() : "",
      rows: t.tBodies.length ? t.tBodies[0].rows.length : 0,
    })),
    drawings: el.querySelectorAll("svg.main-svg").length,
    drawings_hidden: el.querySelectorAll("svg.main-svg[aria-hidden=true]").length,
  };
})"""

# Every Making Data Count icon on the page: its <title>, and whether that same meaning is on
# screen in words (a visible element, outside any SVG, whose text includes it).
_ICONS = """() => Array.from(document.querySelectorAll("svg.mdc-icon")).map((svg) => {
  const title = svg.querySelector("title").textContent.trim();
  const words = Array.from(document.querySelectorAll("main *:not(svg):not(svg *)")).some((el) => {
    const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3)
      .map((n) => n.textContent).join("").trim();
    const box = el.getBoundingClientRect();
    return own && title.includes(own.replace(/\\s+/g, " ")) && own.length > 8
      && box.width > 1 && box.height > 1 && getComputedStyle(el).visibility !== "hidden";
  });
  const glyph = svg.querySelector("text");
  return {title, words, text: glyph ? glyph.textContent : ""};
})"""


def _check_page(page, where, *, expect_charts):
    axe.settle(page)
    charts = page.evaluate(_CHARTS)
    assert len(charts) >= expect_charts, f"{where}: expected a chart, found {charts}"
    for chart in charts:
        what = f"{where}, chart {chart['figure']}"
        assert chart["role"] == "figure" and not chart["hidden"], what
        assert len(chart["name"]) > 10, f"{what} has no accessible name: {chart}"
        assert chart["missing"] == 0 and len(chart["description"]) > 40, f"{what}: {chart}"
        assert chart["tables"], f"{what}: its description links to no table: {chart}"
        assert all(t["caption"] and t["rows"] for t in chart["tables"]), f"{what}: {chart}"
        assert chart["drawings"] and chart["drawings_hidden"] == chart["drawings"], what
    icons = page.evaluate(_ICONS)
    for icon in icons:
        assert icon["text"].strip(), f"{where}: icon without a letter: {icon}"
        assert icon["words"], f"{where}: icon '{icon['title']}' is not beside its words"
    return charts, icons


def test_measure_charts_have_a_linked_text_alternative_and_table(demo_world, sign_in, live_server):
    page = sign_in(LEAD)
    checked = 0
    for chart_type, measure in sorted(demo_world.measures_by_chart.items()):
        if measure.team_id != demo_world.team.pk:
            continue
        page.goto(f"{live_server.url}/measures/{measure.pk}/")
        charts, icons = _check_page(page, f"{chart_type} measure", expect_charts=1)
        (chart,) = charts
        assert chart["tables"][0]["id"] == "data-table"
        points = page.locator("#data-table tbody tr").count()
        # The text alternative counts the points the table lists (a T chart's table, the
        # events, whose times between are its points).
        counted = f"{points} events" if chart_type == "t" else f"{points} points"
        assert counted in chart["description"], chart["description"]
        if chart_type != "run":
            assert icons, f"{chart_type} measure shows no variation icon"
        checked += 1
    assert checked >= 5


def test_dashboard_charts_have_a_linked_table_and_icons_have_words(
    demo_world, sign_in, live_server
):
    board, coach, lead = sign_in(BOARD), sign_in(COACH), sign_in(LEAD)
    pages = [
        (board, "/dashboard/", 1),
        (board, f"/dashboard/directorates/{demo_world.directorate.pk}/", 1),
        (board, "/dashboard/report/", 0),
        (coach, "/coaching/dashboard/", 0),
        (lead, f"/teams/{demo_world.team.pk}/", 0),
    ]
    icons_seen = 0
    for page, path, charts in pages:
        page.goto(live_server.url + path)
        _, icons = _check_page(page, path, expect_charts=charts)
        icons_seen += len(icons)
    assert icons_seen >= 10  # the dashboards do show icons, so the check above had work to do


def test_a_chart_that_finishes_updating_is_announced(demo_world, sign_in, live_server):
    """The chart part replaces itself while it polls; the status region outside it stays, so a
    screen reader hears when the chart is up to date."""
    from metrics.charts.recompute import chart_snapshot_compute
    from metrics.models import ChartSnapshot

    measure = demo_world.measures_by_chart["xmr"]
    ChartSnapshot.objects.filter(measure=measure).update(status="stale")
    page = sign_in(LEAD)
    page.goto(f"{live_server.url}/measures/{measure.pk}/")
    announcer = page.locator("#chart-announcer")
    assert announcer.get_attribute("role") == "status"
    assert announcer.inner_text() == ""
    assert page.locator("#measure-chart #chart-announcer").count() == 0  # not in the swapped part
    assert page.locator("[data-chart-status=updating]").count() == 1

    chart_snapshot_compute(measure_id=measure.pk)  # the worker's job, done here
    page.locator("[data-chart-status=updating]").wait_for(state="detached", timeout=10_000)
    points = page.locator("#data-table tbody tr").count()
    assert announcer.inner_text() == f"The chart is up to date: {points} points."
    assert page.locator("#chart-announcer").count() == 1
