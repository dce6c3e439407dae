"""In headless Chromium: a ward member opens the measure, enters this week's value in two
clicks, and lands back on the measure page, whose chart and table show the new point."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from metrics import periods as P
from metrics.entry.services import Row, data_points_save
from metrics.models import ChartSnapshot, DataPoint
from tests.factories import PASSWORD
from tests.metrics import conftest as metrics_fixtures

# The metrics tests' fixtures, shared with this journey.
measure_factory = metrics_fixtures.measure_factory
eager_tasks = metrics_fixtures.eager_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HISTORY = [34, 36, 33, 35, 37, 34, 32, 35, 36, 33, 34, 35]


def test_a_member_enters_this_weeks_value_and_sees_it_on_the_measure_page(
    page, live_server, org_world, measure_factory, eager_tasks
):
    member = org_world["users"]["member"]
    measure = measure_factory(name="Mean length of stay", unit="days")
    this_week, *earlier = P.previous_periods("week", timezone.localdate(), len(HISTORY) + 1)
    rows = [Row(period=p, value=v) for p, v in zip(reversed(earlier), HISTORY, strict=True)]
    data_points_save(measure=measure, rows=rows, user=member)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server.url}/measures/{measure.pk}/")
    page.get_by_role("link", name="Enter data").click()  # click one
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter data")
    expect(page.get_by_label("(this period)")).to_be_checked()
    page.get_by_label("Value (days)").fill("29.5")
    page.get_by_role("button", name="Save").click()  # click two

    expect(page).to_have_url(f"{live_server.url}/measures/{measure.pk}/")
    expect(page.get_by_role("status").first).to_contain_text("Saved week commencing")
    first_row = page.locator("#data-table tbody tr").first
    expect(first_row).to_contain_text(f"{this_week.day} {this_week:%b %Y}")
    expect(first_row).to_contain_text("29.5")

    point = DataPoint.objects.get(measure=measure, period=this_week)
    assert (point.value, point.entered_by) == (29.5, member)
    snapshot = ChartSnapshot.objects.get(measure=measure)
    assert snapshot.status == "fresh"
    assert snapshot.latest_period == this_week and snapshot.latest_value == 29.5
    # The chart itself is drawn from the fresh snapshot, the new point last.
    expect(page.locator("[data-chart-status=updating]")).to_have_count(0)
    expect(page.locator("#chart-text-alternative")).to_contain_text(
        f"{len(HISTORY) + 1} points from {earlier[-1].day} {earlier[-1]:%B %Y} "
        f"to {this_week.day} {this_week:%B %Y}"
    )
