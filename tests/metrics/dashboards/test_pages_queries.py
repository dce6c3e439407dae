"""Dashboard pages read snapshots only: their number of queries does not grow with the trust
(more directorates, teams, measures, projects and figures in the snapshots)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cycles.factories import make_measure
from tests.factories import CoachAssignmentFactory, DirectorateFactory, TeamFactory
from tests.metrics.dashboards import data as dd

pytestmark = pytest.mark.django_db


def _grow(world, n):
    """n more directorates, each with a team, a measure, and their snapshots; the coach coaches
    every new team; every snapshot lists n measures, projects and activity rows."""
    organisation, coach = world["organisation"], world["users"]["coach"]
    measures = [dd.measure(1000 + i, f"Measure {i}", variation="concern_high") for i in range(n)]
    projects = [dd.project(2000 + i, f"Project {i}", stalled=i % 2 == 0) for i in range(n)]
    children, rows = [], []
    for i in range(n):
        directorate = DirectorateFactory(organisation=organisation)
        team = TeamFactory(directorate=directorate)
        make_measure(team=team, name=f"Real measure {i}")
        CoachAssignmentFactory(coach=coach, team=team)
        dd.directorate_snapshot(
            directorate,
            measures=measures,
            projects=projects,
            children=[dd.child("team", team.pk, team.name)],
        )
        dd.team_snapshot(team, measures=measures, projects=projects)
        children.append(dd.child("directorate", directorate.pk, directorate.name))
        rows.append(dd.activity_row(directorate.pk, directorate.name, cycles=[i]))
    dd.organisation_snapshot(
        organisation,
        measures=measures,
        children=children,
        activity={"months": dd.MONTHS, "rows": rows},
    )
    own = world["own"]
    dd.directorate_snapshot(own.directorate, measures=measures, projects=projects)
    dd.team_snapshot(own, measures=measures, projects=projects)


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in (200, 204), url
    return len(queries)


# (who, page, most queries): sign-in session and user, their roles, the organisation, then the
# snapshot(s); the coach's view also reads and records their visits and keeps them in the session.
PAGES = [
    ("board", lambda w: reverse("metrics:dashboard"), 7),
    ("board", lambda w: reverse("metrics:board_report"), 7),
    (
        "member",
        lambda w: reverse("metrics:directorate_dashboard", args=[w["own"].directorate_id]),
        7,
    ),
    ("coach", lambda w: reverse("metrics:coach_dashboard"), 13),
    ("coach", lambda w: reverse("metrics:coach_dashboard") + "?sort=team", 9),
    ("board", lambda w: reverse("metrics:dashboard_status", args=["team", w["own"].pk]), 7),
]


@pytest.mark.parametrize("role, url, most", PAGES)
def test_each_dashboard_page_reads_a_constant_number_of_queries(
    client, org_world, django_assert_max_num_queries, role, url, most
):
    client.force_login(org_world["users"][role])
    _grow(org_world, 2)
    client.get(url(org_world))  # first look: sessions, visits
    small = _count(client, url(org_world))

    _grow(org_world, 25)
    client.get(url(org_world))  # the coach's first look at the new teams
    large = _count(client, url(org_world))

    assert large == small
    with django_assert_max_num_queries(most):
        client.get(url(org_world))


def test_the_team_dashboard_adds_a_constant_number_of_queries_to_the_team_page(client, org_world):
    client.force_login(org_world["users"]["coach"])
    url = reverse("teams:team", args=[org_world["own"].pk])
    _grow(org_world, 2)
    client.get(url)
    small = _count(client, url)
    _grow(org_world, 25)
    client.get(url)
    assert _count(client, url) == small
