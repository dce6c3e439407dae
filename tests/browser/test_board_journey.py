"""In headless Chromium: a board member signs in and lands on the trust dashboard, reads the key
measures table, drills down to a directorate, a team and one measure's chart, and opens the
printable board report."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_measure_chart_journey import sign_in
from tests.metrics.conftest import eager_tasks, measure_factory, mondays  # noqa: F401
from tests.metrics.dashboards import data as dd
from tests.metrics.measures.world import SHIFTING, add_points

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_board_member_reads_the_dashboard_drills_down_and_prints_the_report(
    page,
    live_server,
    org_world,
    measure_factory,  # noqa: F811
    mondays,  # noqa: F811
    eager_tasks,  # noqa: F811
):
    board, lead = org_world["users"]["board"], org_world["users"]["lead"]
    team, directorate = org_world["own"], org_world["own"].directorate
    measure = add_points(measure_factory(is_key=True), mondays(20), SHIFTING, user=lead)
    row = dd.measure(
        measure.pk,
        measure.name,
        team=team.name,
        team_id=team.pk,
        variation="improvement_low",
        assurance="pass",
        target=8,
        sparkline=SHIFTING,
    )
    activity = {
        "months": dd.MONTHS,
        "rows": [
            dd.activity_row(directorate.pk, directorate.name, active_projects=1, cycles=[1, 2, 3])
        ],
    }
    dd.organisation_snapshot(
        org_world["organisation"],
        measures=[row],
        activity=activity,
        children=[dd.child("directorate", directorate.pk, directorate.name, measure_count=1)],
        progress=dd.progress({"2.0": 1}, {"1.0": 1}, up=1),
    )
    dd.directorate_snapshot(
        directorate,
        measures=[row],
        children=[dd.child("team", team.pk, team.name)],
        activity={"months": dd.MONTHS, "rows": [dd.activity_row(team.pk, team.name, cycles=[3])]},
    )
    dd.team_snapshot(team, measures=[row])

    sign_in(page, live_server, board)

    # The board's home is the trust dashboard.
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trust dashboard")
    expect(page.get_by_text("Figures computed at 09:41 on 26 November 2026")).to_be_visible()
    key_measures = page.get_by_role("table", name=re.compile("^Key measures for the board"))
    measure_row = key_measures.get_by_role("row").filter(has_text=measure.name)
    expect(measure_row).to_contain_text("5 incidents")
    expect(measure_row).to_contain_text("8 incidents")
    expect(measure_row).to_contain_text("Special cause variation — improvement (low)")
    expect(measure_row).to_contain_text("Assurance — pass")
    expect(measure_row.get_by_role("img", name=re.compile("^Last 20 values"))).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_be_visible()  # QI activity by directorate

    # Organisation -> directorate -> team -> measure.
    page.get_by_role("table", name=re.compile("^Directorates")).get_by_role(
        "link", name=directorate.name
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(directorate.name)
    page.get_by_role("table", name=re.compile("^Teams")).get_by_role("link", name=team.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(team.name)
    team_measures = page.get_by_role("table", name=re.compile("^Measures of the team"))
    expect(team_measures).to_contain_text("Special cause variation — improvement (low)")
    team_measures.get_by_role("link", name=measure.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(measure.name)
    expect(page.locator("#measure-chart .js-plotly-plot")).to_be_visible()

    # Back to the dashboard, and one click to the printable report.
    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.get_by_role("link", name="Printable board report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality improvement: board report")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    report_measures = page.get_by_role("table", name=re.compile("^Key measures"))
    expect(report_measures).to_contain_text(measure.name)
    expect(page.get_by_role("heading", name=re.compile("How to read the icons"))).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print this report")).to_be_hidden()
    expect(report_measures).to_be_visible()


def test_an_updating_dashboard_refreshes_itself_when_the_figures_are_fresh(
    page, live_server, org_world
):
    from django.utils import timezone

    from metrics.models import DashboardSnapshot

    organisation = org_world["organisation"]
    dd.organisation_snapshot(organisation, measures=[dd.measure(1, "Bed occupancy")], dirty=True)
    sign_in(page, live_server, org_world["users"]["board"])
    expect(page.get_by_text("New figures are on their way")).to_be_visible()

    # The worker stores new figures and clears the flag: the page notices and reloads.
    DashboardSnapshot.objects.filter(scope="organisation", scope_id=organisation.pk).update(
        data=dd.data(
            "organisation",
            organisation.pk,
            organisation.name,
            measures=[dd.measure(1, "Bed occupancy"), dd.measure(2, "Staff absence")],
        ),
        computed_at=timezone.now(),
        dirty_since=None,
    )
    expect(page.get_by_text("Staff absence")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("New figures are on their way")).to_be_hidden()
