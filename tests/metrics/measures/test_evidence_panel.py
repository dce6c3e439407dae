"""The project page's evidence panel (issue 15): each measure the project serves as a small
chart with its cycles and signals, the signals in words, and for each change idea whether a
signal followed it, on which measure, in which direction — in queries that do not grow.

The SHIFTING series (test_evidence_page): week 10 (31 March 2025) starts a shift below the
centre line, an improvement for a measure where fewer is better."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cycles.factories import ChangeIdeaFactory, CycleFactory
from tests.metrics.measures.test_page import HOSTILE
from tests.metrics.measures.world import SHIFTING, add_points, served_project

pytestmark = pytest.mark.django_db

WEEK_10 = dt.date(2025, 3, 31)


@pytest.fixture
def lead(org_world):
    return org_world["users"]["lead"]


@pytest.fixture
def world(measure_factory, mondays, lead):
    measure = add_points(measure_factory(), mondays(20), SHIFTING, user=lead)
    project, idea, _ = served_project(measure, cycles=[(WEEK_10 - dt.timedelta(days=12), 2)])
    quiet = ChangeIdeaFactory(project=project, title="Quiet room on the ward")
    return {"measure": measure, "project": project, "idea": idea, "quiet": quiet}


def project_page(client, user, project):
    client.force_login(user)
    response = client.get(reverse("cycles:project", args=[project.pk]))
    assert response.status_code == 200
    return response.content.decode()


def panel_of(page):
    start = page.index('id="evidence-panel-heading"')
    return page[start : page.index("</section>", start)]


def test_the_panel_shows_each_measure_as_a_small_chart_with_its_signals(client, lead, world):
    panel = panel_of(project_page(client, lead, world["project"]))
    assert panel.count('<svg xmlns="http://www.w3.org/2000/svg" class="qi-small-chart"') == 1
    assert 'aria-label="Chart of Violent incidents involving staff: 20 periods' in panel
    assert "<title>PDSA 2: Safety huddle at the late shift</title>" in panel
    assert (
        "A shift of 10 points below the centre line (an improvement) began in the week "
        "commencing 31 March 2025, 2 weeks after PDSA 2 “Safety huddle at the late shift” "
        "started." in panel
    )
    assert reverse("metrics:measure", args=[world["measure"].pk]) in panel


def test_each_change_idea_says_whether_a_signal_followed_it(client, lead, world):
    panel = panel_of(project_page(client, lead, world["project"]))
    ideas = panel[panel.index("data-evidence-ideas") : panel.index("evidence-measures-heading")]
    items = {chunk.split('"', 1)[0]: chunk for chunk in ideas.split('data-idea="')[1:]}
    huddle, quiet = items[str(world["idea"].pk)], items[str(world["quiet"].pk)]
    assert "Safety huddle at the late shift" in huddle and "no signal has followed" not in huddle
    assert "A shift (an improvement) 2 weeks after PDSA 2 started, on" in huddle
    assert "Violent incidents involving staff</a> (Willow Ward), from 31 Mar 2025." in huddle
    assert "Quiet room on the ward</strong> (testing):" in quiet
    assert "no signal has followed its cycles yet." in quiet


def test_a_board_member_sees_the_panel_too(client, org_world, world):
    page = project_page(client, org_world["users"]["board"], world["project"])
    assert "Evidence of change" in page and "qi-small-chart" in page


def test_a_project_with_no_measure_says_how_to_add_one(client, lead, org_world):
    from tests.cycles.factories import ProjectFactory

    page = project_page(client, lead, ProjectFactory(team=org_world["own"]))
    assert "No measure serves this project yet." in panel_of(page)


def test_titles_and_names_are_inert_in_the_chart_and_the_words(client, lead, world):
    world["idea"].title = HOSTILE
    world["idea"].save()
    world["measure"].name = HOSTILE
    world["measure"].save()
    panel = panel_of(project_page(client, lead, world["project"]))
    assert HOSTILE not in panel and "<img" not in panel
    assert "<title>PDSA 2: &lt;img src=x onerror=alert(1)&gt;" in panel


def test_the_panel_costs_the_same_queries_for_more_measures_and_cycles(
    client, lead, world, measure_factory, mondays
):
    def queries():
        client.force_login(lead)
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("cycles:project", args=[world["project"].pk]))
        return len(captured)

    small = queries()
    for n in range(3):
        more = add_points(measure_factory(name=f"Measure {n}"), mondays(20), SHIFTING, user=lead)
        more.projects.add(world["project"])
        more.cycles.add(CycleFactory(do_started_on=WEEK_10, stage="do"))
        CycleFactory(change_idea=world["idea"], do_started_on=WEEK_10, stage="do", number=5 + n)
    assert queries() <= small
