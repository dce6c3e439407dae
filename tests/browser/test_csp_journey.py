"""In headless Chromium, under the real Content-Security-Policy header: the main pages load with
no policy violation at all, the Plotly charts draw, the print button works and htmx still swaps
(the driver diagram, the team's member search, the import progress)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from metrics.entry.services import data_point_record
from metrics.models import ChartSnapshot, ImportJob
from tests.browser.test_measure_chart_journey import sign_in
from tests.factories import UserFactory
from tests.metrics.conftest import eager_tasks, measure_factory, mondays  # noqa: F401
from tests.metrics.dashboards import data as dd
from tests.metrics.measures.world import SHIFTING, add_points, served_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Reports every violation to the test, on every page the tab opens, before any page script runs.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportCspViolation(
    [e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber, e.sample].join(" | ")
  );
});
"""


@pytest.fixture
def watched_page(page):
    """The page, with every CSP violation and CSP console error collected in `page.csp_errors`."""
    errors = []
    page.expose_function("reportCspViolation", lambda text: errors.append(f"event: {text}"))
    page.add_init_script(REPORT_VIOLATIONS)

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            errors.append(f"console: {message.text}")

    page.on("console", on_console)
    page.csp_errors = errors
    return page


def open_under_policy(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.header_value("content-security-policy")
    assert policy is not None, f"{url} was served without a Content-Security-Policy"
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    return response


def charts_drawn(page, expected):
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_attached()
    assert page.locator(".js-plotly-plot").count() == expected


def test_the_main_pages_work_under_the_content_security_policy(
    watched_page,
    live_server,
    org_world,
    measure_factory,  # noqa: F811
    mondays,  # noqa: F811
    eager_tasks,  # noqa: F811
):
    page, base = watched_page, live_server.url
    lead, board = org_world["users"]["lead"], org_world["users"]["board"]
    team, directorate = org_world["own"], org_world["own"].directorate
    measure = add_points(measure_factory(is_key=True), mondays(20), SHIFTING, user=lead)
    project, idea, _ = served_project(measure, cycles=[(mondays(20)[10], 1)])
    row = dd.measure(measure.pk, measure.name, team=team.name, team_id=team.pk, sparkline=SHIFTING)
    activity = {
        "months": dd.MONTHS,
        "rows": [dd.activity_row(directorate.pk, directorate.name, cycles=[1, 2, 3])],
    }
    dd.organisation_snapshot(
        org_world["organisation"],
        measures=[row],
        activity=activity,
        children=[dd.child("directorate", directorate.pk, directorate.name, measure_count=1)],
        progress=dd.progress({"2.0": 1}, {"1.0": 1}, up=1),
    )

    sign_in(page, live_server, lead)

    # The team page, and its member search (htmx swaps the choices in as one types).
    open_under_policy(page, f"{base}/teams/{team.pk}/")
    page.evaluate("window.__sameDocument = true")
    page.get_by_label(re.compile("^Find a person of")).fill(board.username)
    expect(page.locator("#member-choices")).to_contain_text(board.get_full_name())
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded instead of swapping"

    # The project page: adding a driver is an htmx post that swaps the diagram in place.
    open_under_policy(page, f"{base}/projects/{project.pk}/")
    page.evaluate("window.__sameDocument = true")
    page.locator("#driver_text").fill("Staff feel safe to speak up")
    page.get_by_role("button", name="Add driver").click()
    expect(page.locator("#driver-diagram")).to_contain_text("Staff feel safe to speak up")
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded instead of swapping"

    # The PDSA cycle form (its plan fields and the aim preview script of the project form).
    open_under_policy(page, f"{base}/ideas/{idea.pk}/cycles/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan a PDSA cycle")
    open_under_policy(page, f"{base}/projects/{project.pk}/edit/")
    page.locator("[name=aim_what]").fill("Falls on the ward")
    expect(page.locator("#aim-preview")).to_contain_text("Falls on the ward")

    # The measure page: the Plotly chart draws.
    open_under_policy(page, f"{base}/measures/{measure.pk}/")
    charts_drawn(page, 1)
    expect(page.locator(".js-plotly-plot")).to_contain_text("PDSA 1")
    # A point's hover label and the modebar (Plotly styles both from script).
    page.locator(".js-plotly-plot").hover()
    page.evaluate(
        """() => {
          const plot = document.querySelector('.js-plotly-plot');
          const trace = plot.data.findIndex(t => t.mode === 'lines+markers');
          Plotly.Fx.hover(plot, [{curveNumber: trace, pointNumber: 5}]);
        }"""
    )
    expect(page.locator(".js-plotly-plot .hoverlayer .hovertext").first).to_be_attached()
    # New data: the chart part polls (htmx), is swapped in with its JSON figure, and redraws.
    ChartSnapshot.objects.filter(measure=measure).update(status=ChartSnapshot.Status.STALE)
    page.reload()
    expect(page.get_by_text("Updating: the chart is being recalculated")).to_be_visible()
    data_point_record(measure=measure, period=dt.date(2025, 6, 9), value=3, user=lead)
    calculated = page.locator("#measure-chart").get_by_text(re.compile("^Calculated"))
    expect(calculated).to_contain_text("from 21 points", timeout=10_000)
    charts_drawn(page, 1)

    # Entering data: the grid, and an import's preview, then its progress (htmx polling).
    open_under_policy(page, f"{base}/measures/{measure.pk}/enter/grid/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter data")
    open_under_policy(page, f"{base}/measures/{measure.pk}/import/")
    page.get_by_label("Paste from a spreadsheet").fill("period,value\n09/06/2025,7\n16/06/2025,6")
    page.get_by_role("button", name="Check the rows").click()
    expect(page.get_by_role("heading", name="Check before saving")).to_be_visible()
    # A worker is saving it: the page polls its progress (htmx) and swaps in the outcome.
    job = ImportJob.objects.get(measure=measure)
    ImportJob.objects.filter(pk=job.pk).update(status="running", progress=40, stage="Saving")
    open_under_policy(page, f"{base}/measures/{measure.pk}/import/{job.pk}/")
    expect(page.get_by_role("progressbar", name="Import progress")).to_be_visible()
    ImportJob.objects.filter(pk=job.pk).update(status="done", progress=100, counts={"created": 2})
    expect(page.get_by_text("Imported: 2 new")).to_be_visible(timeout=10_000)

    # The board's dashboard (with its activity chart) and the printable report.
    sign_in(page, live_server, board)
    open_under_policy(page, f"{base}/dashboard/")
    charts_drawn(page, 1)
    open_under_policy(page, f"{base}/dashboard/report/")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Print this report").click()
    assert page.evaluate("window.__printed") is True

    assert page.csp_errors == [], "\n".join(page.csp_errors)


def test_the_admin_works_under_the_content_security_policy(
    watched_page,
    live_server,
    org_world,
    measure_factory,  # noqa: F811
    mondays,  # noqa: F811
):
    page, base = watched_page, live_server.url
    measure = add_points(
        measure_factory(), mondays(12), SHIFTING[:12], user=org_world["users"]["lead"]
    )
    sign_in(page, live_server, UserFactory(is_staff=True, is_superuser=True))

    open_under_policy(page, f"{base}/admin/metrics/measure/")
    expect(page.get_by_role("link", name=measure.name)).to_be_visible()
    open_under_policy(page, f"{base}/admin/metrics/measure/{measure.pk}/change/")
    # The phases inline's "Add another" link is the admin's own script at work.
    total_forms = page.locator("input[name$='-TOTAL_FORMS']").first
    expect(total_forms).to_have_value("0")
    page.locator("#phases-group .add-row a").click()
    expect(total_forms).to_have_value("1")

    assert page.csp_errors == [], "\n".join(page.csp_errors)
