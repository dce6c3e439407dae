"""In headless Chromium: a member opens a measure page and sees the Plotly chart and the signals
in words; when new data arrives the page says "updating" and redraws the chart by itself, with
the new point, without a reload."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from metrics.entry.services import data_point_record
from metrics.models import ChartSnapshot
from tests.factories import PASSWORD
from tests.metrics.conftest import eager_tasks, measure_factory, mondays  # noqa: F401
from tests.metrics.measures.world import SHIFTING, add_points, served_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEXT_WEEK = dt.date(2025, 6, 9)


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def plotted_points(page) -> int:
    """How many points the drawn chart holds (read from Plotly's own data on the element)."""
    return page.evaluate(
        """() => {
          const plot = document.querySelector('.js-plotly-plot');
          const trace = plot.data.find(t => t.mode === 'lines+markers');
          return trace.y.filter(y => y !== null).length;
        }"""
    )


def test_a_member_sees_the_chart_update_after_new_data(
    page,
    live_server,
    org_world,
    measure_factory,  # noqa: F811
    mondays,  # noqa: F811
    eager_tasks,  # noqa: F811
):
    lead, member = org_world["users"]["lead"], org_world["users"]["member"]
    measure = add_points(measure_factory(), mondays(20), SHIFTING, user=lead)
    served_project(measure, cycles=[(mondays(20)[10], 1)])

    sign_in(page, live_server, member)
    page.goto(f"{live_server.url}/measures/{measure.pk}/")

    expect(page.get_by_role("heading", level=1)).to_have_text(measure.name)
    expect(page.locator(".js-plotly-plot")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_contain_text("PDSA 1: Safety huddle")
    signals = page.locator(".qi-signals")
    expect(signals).to_contain_text("Shift: 10 points below the mean from 31 March 2025")
    expect(
        page.get_by_role("img", name="Special cause variation — improvement (low)")
    ).to_be_visible()
    assert plotted_points(page) == 20

    # New data is on its way: the snapshot is stale, so the page says so and polls.
    ChartSnapshot.objects.filter(measure=measure).update(status=ChartSnapshot.Status.STALE)
    page.reload()
    expect(page.get_by_text("Updating: the chart is being recalculated")).to_be_visible()

    # The entry commits; the recompute runs after commit (in-process, as without Redis).
    data_point_record(measure=measure, period=NEXT_WEEK, value=3, user=lead)

    expect(page.get_by_text("Updating: the chart is being recalculated")).to_be_hidden(
        timeout=10_000
    )
    expect(page.get_by_text("Calculated")).to_contain_text("from 21 points")
    expect(page.locator(".js-plotly-plot")).to_be_visible()
    assert plotted_points(page) == 21
    expect(page.locator(".qi-signals")).to_contain_text("Shift: 11 points below the mean")
