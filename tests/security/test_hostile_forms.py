"""The app's forms take hostile text as plain text: saved exactly as typed (or, past a field's
length, refused with a clear message), never cleaned into something else and never an error page.
How it is then shown is tested in test_hostile_input.py."""

import pytest
from django.test import Client

from cycles.models import ChangeIdea, Driver, Project, Review
from metrics.models import Phase
from teams.models import ApiToken, Directorate, Team
from tests.cycles.factories import ProjectFactory
from tests.metrics.conftest import measure_factory, mondays  # noqa: F401
from tests.metrics.measures.world import add_points
from tests.security.hostile_world import PAYLOADS

pytestmark = pytest.mark.django_db

SHORT = {k: v for k, v in PAYLOADS.items() if k != "long"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_a_project_keeps_its_text_as_typed(org_world, payload):
    lead = client_for(org_world["users"]["lead"])
    short = payload[:200]
    response = lead.post(
        f"/teams/{org_world['own'].pk}/projects/new/",
        {
            "title": short,
            "problem": payload,
            "aim_what": short,
            "aim_how_much": short,
            "aim_by_when": "2026-12-31",
            "status": "active",
            "start_date": "2025-01-06",
            "service_user_involvement": payload,
        },
    )
    assert response.status_code == 302, response.content[:500]
    project = Project.objects.get(team=org_world["own"])
    assert (project.title, project.aim_what, project.aim_how_much) == (short, short, short)
    assert project.problem == payload and project.service_user_involvement == payload


@pytest.mark.parametrize("payload", list(SHORT.values()), ids=list(SHORT))
def test_drivers_ideas_and_reviews_keep_their_text(org_world, payload):
    project = ProjectFactory(team=org_world["own"])
    lead = client_for(org_world["users"]["lead"])
    htmx = {"HTTP_HX_REQUEST": "true"}

    response = lead.post(f"/projects/{project.pk}/drivers/", {"text": payload}, **htmx)
    assert response.status_code == 200
    assert Driver.objects.get(project=project).text == payload

    response = lead.post(
        f"/projects/{project.pk}/ideas/",
        {"title": payload, "description": payload, "status": "testing"},
        **htmx,
    )
    assert response.status_code == 200
    idea = ChangeIdea.objects.get(project=project)
    assert (idea.title, idea.description) == (payload, payload)

    coach = client_for(org_world["users"]["coach"])
    response = coach.post(f"/projects/{project.pk}/reviews/", {"text": payload})
    assert response.status_code in (200, 302)
    assert Review.objects.get(project=project).text == payload


@pytest.mark.parametrize("payload", list(SHORT.values()), ids=list(SHORT))
def test_directorates_and_teams_keep_their_names(org_world, payload):
    admin = client_for(org_world["users"]["admin"])
    assert admin.post("/organisation/directorates/", {"name": payload}).status_code == 302
    directorate = Directorate.objects.get(name=payload)
    response = admin.post(
        "/organisation/teams/", {"directorate": directorate.pk, "name": payload, "kind": "ward"}
    )
    assert response.status_code == 302
    assert Team.objects.get(directorate=directorate).name == payload


@pytest.mark.parametrize("payload", list(SHORT.values()), ids=list(SHORT))
def test_an_api_token_keeps_its_name(org_world, payload):
    admin = org_world["users"]["admin"]
    response = client_for(admin).post(
        "/organisation/api-tokens/", {"name": payload, "user": admin.pk}
    )
    assert response.status_code == 200, response.content[:500]
    assert ApiToken.objects.get(organisation=org_world["organisation"]).name == payload


@pytest.mark.parametrize("payload", list(SHORT.values()), ids=list(SHORT))
def test_a_phase_keeps_its_reason(org_world, measure_factory, mondays, payload):  # noqa: F811
    lead = org_world["users"]["lead"]
    measure = add_points(measure_factory(), mondays(12), [5] * 6 + [3] * 6, user=lead)
    response = client_for(lead).post(
        f"/measures/{measure.pk}/phases/",
        {"starts_on": mondays(12)[6].isoformat(), "reason": payload},
    )
    assert response.status_code == 302
    assert Phase.objects.get(measure=measure).label == payload


def test_text_longer_than_a_field_is_refused_with_a_clear_message(org_world):
    project = ProjectFactory(team=org_world["own"])
    lead = client_for(org_world["users"]["lead"])
    response = lead.post(
        f"/projects/{project.pk}/drivers/", {"text": PAYLOADS["long"]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code in (200, 400)
    assert "at most 300 characters" in response.content.decode()
    assert not Driver.objects.filter(project=project).exists()


def test_an_api_token_name_longer_than_its_field_is_refused(org_world):
    admin = org_world["users"]["admin"]
    response = client_for(admin).post(
        "/organisation/api-tokens/", {"name": PAYLOADS["long"], "user": admin.pk}
    )
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()
    assert not ApiToken.objects.exists()
