"""A project's evidence window (issue 15): how many periods before a signal a PDSA cycle's test
may have started to be shown as coming before it. The project's lead sets it on the project
form; left empty it stays as it was (8 for a new project); outside 1 to 52 it is refused."""

import pytest
from django.urls import reverse

from cycles.models import Project
from tests.cycles.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def project_data(project, **changes):
    data = {
        "title": project.title,
        "problem": project.problem or "Too many incidents",
        "aim_what": project.aim_what or "Incidents",
        "aim_how_much": project.aim_how_much or "Halve them",
        "aim_by_when": "2027-06-01",
        "status": project.status,
        "start_date": "2026-01-05",
        "service_user_involvement": "",
    }
    return data | changes


@pytest.fixture
def project(org_world):
    return ProjectFactory(team=org_world["own"])


def edit(client, user, project, **changes):
    client.force_login(user)
    return client.post(
        reverse("cycles:project_edit", args=[project.pk]), project_data(project, **changes)
    )


def test_a_new_project_looks_eight_periods_back():
    assert Project._meta.get_field("evidence_window").default == 8


def test_the_lead_sets_the_window(client, org_world, project):
    response = edit(client, org_world["users"]["lead"], project, evidence_window="4")
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.evidence_window == 4


def test_left_empty_the_window_stays_as_it_was(client, org_world, project):
    project.evidence_window = 12
    project.save()
    assert edit(client, org_world["users"]["lead"], project, evidence_window="").status_code == 302
    project.refresh_from_db()
    assert project.evidence_window == 12


@pytest.mark.parametrize("bad", ["0", "53", "-1", "eight"])
def test_a_window_outside_one_to_52_is_refused_and_nothing_saved(client, org_world, project, bad):
    response = edit(
        client, org_world["users"]["lead"], project, evidence_window=bad, title="Changed title"
    )
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.evidence_window == 8 and project.title != "Changed title"
    html = response.content.decode()
    assert 'name="evidence_window"' in html and "Changed title" in html  # nothing lost
