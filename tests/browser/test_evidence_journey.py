"""In headless Chromium, by keyboard only (issue 15): a team member opens the project page, reads
the evidence panel and the drawn driver diagram, tabs to a PDSA cycle's link in the diagram and
follows it; the project's small chart is drawn with no script."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.test_measure_chart_journey import sign_in
from tests.cycles.factories import CycleFactory, DriverFactory
from tests.metrics.conftest import measure_factory, mondays  # noqa: F401
from tests.metrics.measures.world import SHIFTING, add_points, served_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_reads_the_evidence_and_follows_a_cycle_by_keyboard(
    page,
    live_server,
    org_world,
    measure_factory,  # noqa: F811
    mondays,  # noqa: F811
):
    member, lead = org_world["users"]["member"], org_world["users"]["lead"]
    measure = add_points(measure_factory(), mondays(20), SHIFTING, user=lead)
    project, idea, _ = served_project(measure)
    idea.driver = DriverFactory(project=project, text="A calm ward")
    idea.save()
    cycle = CycleFactory(change_idea=idea, number=2, do_started_on=dt.date(2025, 3, 19), stage="do")

    sign_in(page, live_server, member)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    panel = page.get_by_role("region", name="Evidence of change")
    expect(
        panel.get_by_role("img", name="Chart of Violent incidents involving staff")
    ).to_be_visible()
    expect(panel).to_contain_text("2 weeks after PDSA 2 “Safety huddle at the late shift” started")

    link = page.locator("[data-driver-diagram]").get_by_role("link", name="PDSA 2")
    for _ in range(80):  # Tab through the page until the diagram's link has the focus
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the diagram's cycle link is not reachable by Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/cycles/{cycle.pk}/")
