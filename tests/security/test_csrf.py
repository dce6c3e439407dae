"""CSRF is enforced on every URL: for each pattern the resolver knows (the app's and the admin's),
a POST without a token is refused (403, CSRF failure) and the same POST with the token, by a
user allowed to make it, gets past the check. Nothing in our code is csrf_exempt.

The API (/api/) is the one exception, by design: it signs in with a bearer token only, which a
browser never sends by itself, so a forged cross-site request carries no credentials. Its test
here proves that a signed-in person's session cookie opens nothing of it."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.cycles.factories import ChangeIdeaFactory, CycleFactory, ProjectFactory, ReviewFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CSRF_FAILURE = b"CSRF verification failed"


def walk(patterns, prefix="", namespace=""):
    """(route, name) for every URL pattern, routes joined from their resolvers."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}{entry.name}" if entry.name else route


ALL_ROUTES = sorted(set(walk(get_resolver().url_patterns)))
API_ROUTES = [(route, name) for route, name in ALL_ROUTES if name.startswith("api:")]
ROUTES = [(route, name) for route, name in ALL_ROUTES if not name.startswith("api:")]

# Who may make each app POST (everything else: the own team's lead). Admin URLs: a superuser.
ACTORS = {
    "teams:organisation": "admin",
    "teams:directorate_add": "admin",
    "teams:team_add": "admin",
    "teams:api_tokens": "admin",
    "teams:api_token_revoke": "admin",
    "metrics:trust_measure_create": "admin",
    "metrics:worker_check": "admin",
    "metrics:worker_status": "admin",
    "metrics:dashboard": "board",
    "metrics:board_report": "board",
    "metrics:directorate_dashboard": "board",
    "metrics:compare_trust": "board",
    "metrics:compare_directorate": "board",
    "metrics:dashboard_status": "board",
    "metrics:coach_dashboard": "coach",
    "teams:coaching": "coach",
    "cycles:review_add": "coach",
    "cycles:review_resolve": "lead",
}
# The sign-in records are written only by django-axes, and the audit trail only by the
# services: the admin adds, changes and deletes none of them, for anyone.
NOBODY_MAY_POST = {
    "admin:axes_accessattempt_add",
    "admin:axes_accessfailurelog_add",
    "admin:axes_accesslog_add",
    "admin:teams_apitoken_add",  # made by manage.py api_token (the key is shown once)
    "admin:teams_auditevent_add",
    "admin:teams_auditevent_change",
    "admin:teams_auditevent_delete",
}


@pytest.fixture
def world(org_world):
    """One object of every kind the URLs name, in the `own` team."""
    from metrics.measures.services import measure_create
    from metrics.models import ImportJob, Phase
    from teams.tokens import api_token_create

    lead = org_world["users"]["lead"]
    team = org_world["own"]
    project = ProjectFactory(team=team)
    idea = ChangeIdeaFactory(project=project)
    cycle = CycleFactory(change_idea=idea)
    review = ReviewFactory(project=project, author=org_world["users"]["coach"])
    measure = measure_create(
        organisation=org_world["organisation"],
        team=team,
        name="Falls",
        definition="Falls on the ward.",
        unit="falls",
        frequency="week",
        chart_type="xmr",
        improvement="decrease",
    )
    measure.projects.add(project)
    phase = Phase.objects.create(measure=measure, starts_on=dt.date(2025, 3, 3), label="Huddle")
    job = ImportJob.objects.create(
        measure=measure, created_by=lead, text="period,value\n03/03/2025,4", source="pasted text"
    )
    superuser = UserFactory(
        is_staff=True, is_superuser=True, organisation=org_world["organisation"]
    )
    member = team.memberships.get(user=org_world["users"]["member"])
    token, _ = api_token_create(user=lead, name="CSRF token")
    return {
        "users": {**org_world["users"], "superuser": superuser},
        "kwargs": {
            "team_id": team.pk,
            "membership_id": member.pk,
            "project_id": project.pk,
            "driver_id": idea.driver_id,
            "idea_id": idea.pk,
            "cycle_id": cycle.pk,
            "stage": "do",
            "review_id": review.pk,
            "measure_id": measure.pk,
            "phase_id": phase.pk,
            "job_id": job.pk,
            "directorate_id": team.directorate_id,
            "scope": "organisation",
            "scope_id": org_world["organisation"].pk,
            "id": superuser.pk,  # the admin's password page of a user
            "token_id": token.pk,
        },
    }


def concrete(route: str, name: str, kwargs: dict) -> str:
    """The route with each converter replaced by a real value from the world."""
    if name.startswith("admin:") and "<path:object_id>" in route:
        model = _admin_model(name)
        obj = model._default_manager.order_by("pk").first() if model else None
        route = route.replace("<path:object_id>", str(obj.pk if obj else 999_999))

    def value(match):
        key = match.group("key") or match.group("key2")
        if key in kwargs:
            return str(kwargs[key])
        fixed = {
            "app_label": "metrics",
            "content_type_id": "1",
            "object_id": "1",
            "url": "x/",
            "rest": "no-such-address/",
        }
        if key in fixed:
            return fixed[key]
        raise KeyError(f"{name}: no value for {match.group(0)} in {route}")

    # Path converters (<int:measure_id>) and the admin's regex groups ((?P<app_label>a|b)).
    path = re.sub(r"<(?:\w+:)?(?P<key>\w+)>|\(\?P<(?P<key2>\w+)>[^)]*\)", value, route)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


def _admin_model(name: str):
    match = re.match(r"admin:(\w+?)_(\w+)_(change|delete|history|password_change)$", name)
    if not match:
        return None
    for model in apps.get_models():
        if f"{model._meta.app_label}_{model._meta.model_name}" == f"{match[1]}_{match[2]}":
            return model
    return None


def actor(name: str) -> str:
    if name.startswith("admin:"):
        return "superuser"
    return ACTORS.get(name, "lead")


def csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def token_for(client) -> str:
    # A real page hands out the token (base.html puts it in every page's htmx headers).
    response = client.get("/accounts/login/")
    assert response.status_code in (200, 302)
    return client.cookies["csrftoken"].value


@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[name for _, name in ROUTES])
def test_a_post_without_the_token_is_refused_and_with_it_gets_through(world, route, name):
    path = concrete(route, name, world["kwargs"])
    user = world["users"][actor(name)]

    refused = csrf_client(user).post(path, {"text": "hello"})
    assert refused.status_code == 403, (path, refused.status_code)
    assert CSRF_FAILURE in refused.content, path

    client = csrf_client(user)
    token = token_for(client)
    accepted = client.post(path, {"text": "hello", "csrfmiddlewaretoken": token})
    assert CSRF_FAILURE not in accepted.content
    if name in NOBODY_MAY_POST:
        assert accepted.status_code == 403  # the view's own refusal, not the CSRF check
    else:
        assert accepted.status_code != 403, (path, accepted.status_code, accepted.content[:300])


@pytest.mark.parametrize(
    "name", ["cycles:driver_add", "teams:membership_add", "metrics:phase_start"]
)
def test_htmx_posts_pass_with_the_token_in_the_header_and_fail_without(world, name):
    route = next(r for r, n in ROUTES if n == name)
    path = concrete(route, name, world["kwargs"])
    client = csrf_client(world["users"]["lead"])
    token = token_for(client)
    htmx = {"HTTP_HX_REQUEST": "true"}

    assert client.post(path, {"text": "x"}, **htmx).status_code == 403
    wrong = client.post(path, {"text": "x"}, HTTP_X_CSRFTOKEN="x" * 32, **htmx)
    assert wrong.status_code == 403 and CSRF_FAILURE in wrong.content
    right = client.post(path, {"text": "x"}, HTTP_X_CSRFTOKEN=token, **htmx)
    assert right.status_code != 403


def test_the_walk_found_every_post_form_of_the_app():
    names = {name for _, name in ROUTES}
    # A sample of the app's POST endpoints, and the admin's: the walk reaches into both.
    for expected in (
        "login",
        "logout",
        "password_change",
        "teams:membership_add",
        "cycles:cycle_stage",
        "cycles:review_add",
        "metrics:import_confirm",
        "metrics:baseline_freeze",
        "admin:metrics_measure_change",
        "admin:auth_user_password_change",
    ):
        assert expected in names
    assert len(ROUTES) > 100


def test_nothing_in_our_code_is_csrf_exempt():
    ours = [ROOT / d for d in ("teams", "cycles", "metrics", "qi_portal")]
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ours
        for path in folder.rglob("*.py")
        if "csrf_exempt" in path.read_text() or "csrf_exempt" in path.read_text().lower()
    ]
    assert offenders == []


@pytest.mark.parametrize(("route", "name"), API_ROUTES, ids=[name for _, name in API_ROUTES])
def test_the_api_takes_no_session_so_a_cross_site_post_has_no_credentials(world, route, name):
    from metrics.models import DataPoint

    path = concrete(route, name, world["kwargs"])
    client = csrf_client(world["users"]["admin"])
    body = '{"rows": [{"measure": 1, "period": "2025-01-06", "value": 1}]}'
    response = client.post(path, body, content_type="application/json")
    if name in {"api:schema", "api:docs"}:
        assert response.status_code == 405  # public reading pages, nothing to post
    elif name == "api:not-found":
        assert response.status_code == 404  # any other address under /api/: a JSON 404
        assert response.json()["error"]["status"] == 404
    else:
        assert response.status_code == 401, (path, response.status_code)
        assert response.json()["error"]["status"] == 401
    assert not DataPoint.objects.exists()
