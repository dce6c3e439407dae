"""In headless Chromium: a board member opens "Compare teams" from the trust dashboard, reads
the funnel plot of a measure four wards report, and drills down from the ward that stands out
(its point on the plot) to that ward's own chart (issue 17)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_measure_chart_journey import sign_in
from tests.metrics.conftest import measure_factory  # noqa: F401
from tests.metrics.dashboards.test_compare import wards  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_board_member_drills_down_from_the_funnel_to_a_wards_chart(
    page, live_server, org_world, wards  # noqa: F811
):
    sign_in(page, live_server, org_world["users"]["board"])
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Compare teams (funnel plot)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare teams")
    expect(page.get_by_role("figure", name=re.compile("Funnel plot of Violent"))).to_be_visible()
    expect(page.locator("#funnel-says")).to_contain_text("Oak Ward: 10 per 1,000")
    # The drawn points: one per ward; the highest (Oak Ward, 10 per 1,000) is the diamond.
    points = page.locator(".js-plotly-plot .scatterlayer .trace:last-child path.point")
    expect(points).to_have_count(4)
    boxes = [points.nth(i).bounding_box() for i in range(4)]
    top = min(boxes, key=lambda b: b["y"])
    # Plotly takes clicks on its drag layer, over the points: click where the point is.
    page.mouse.click(top["x"] + top["width"] / 2, top["y"] + top["height"] / 2)
    oak = wards["Oak Ward"]
    page.wait_for_url(f"{live_server.url}/measures/{oak.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Violent incidents")
    # Keyboard users have the same links in the table.
    page.go_back()
    link = page.get_by_role("link", name="Oak Ward")
    expect(link).to_have_attribute("href", f"/measures/{oak.pk}/")
