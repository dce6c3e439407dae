"""Who may enter data, view by view (DESIGN §6): the team's members and lead, its coach and QI
admins; not the board, not another team; another organisation's measure does not exist."""

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics import periods as P
from metrics.imports import jobs as import_jobs
from metrics.models import DataPoint
from tests.factories import MembershipFactory

EXPECTED = {
    "member": "ok",
    "lead": "ok",
    "coach": "ok",
    "admin": "ok",
    "board": 403,
    "other_team_member": 403,
    "foreign_admin": 404,
    "no_organisation": 404,
}


def _period():
    return P.period_start(timezone.localdate(), "week").isoformat()


# (name, method, url name, needs a job, POST data)
VIEWS = [
    ("this period", "get", "metrics:data_entry", False, None),
    (
        "save this period",
        "post",
        "metrics:data_entry",
        False,
        lambda: {"period": _period(), "value": "3"},
    ),
    ("grid", "get", "metrics:entry_grid", False, None),
    ("save grid", "post", "metrics:entry_grid", False, lambda: {f"value_{_period()}": "3"}),
    ("import form", "get", "metrics:import", False, None),
    ("paste", "post", "metrics:import", False, lambda: {"text": "06/01/2025,3\n"}),
    ("preview", "get", "metrics:import_job", True, None),
    ("confirm", "post", "metrics:import_confirm", True, lambda: {}),
]


@pytest.fixture
def people(org_world):
    users = dict(org_world["users"])
    users["other_team_member"] = MembershipFactory(team=org_world["other"]).user
    return users


@pytest.mark.parametrize("role", EXPECTED)
@pytest.mark.parametrize(("view", "method", "url_name", "needs_job", "data"), VIEWS)
def test_entry_views_by_role(
    client, people, measure_factory, role, view, method, url_name, needs_job, data
):
    measure = measure_factory()
    user = people[role]
    args = [measure.pk]
    if needs_job:
        job = import_jobs.import_job_create(
            measure=measure, user=user, text="06/01/2025,3\n", source="pasted text"
        )
        args.append(job.pk)
    client.force_login(user)
    url = reverse(url_name, args=args)
    response = client.get(url) if method == "get" else client.post(url, data())
    expected = EXPECTED[role]
    if expected == "ok":
        assert response.status_code in {200, 302}, response.content.decode()[:500]
        if method == "post" and view != "paste":
            assert DataPoint.objects.filter(measure=measure).exists()
    else:
        assert response.status_code == expected
        assert not DataPoint.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, measure_factory):
    measure = measure_factory()
    response = client.get(reverse("metrics:data_entry", args=[measure.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("lead", 403), ("member", 403)])
def test_only_admins_enter_a_trust_wide_measure(client, org_world, role, status):
    from metrics.measures.services import measure_create

    measure = measure_create(
        organisation=org_world["organisation"],
        team=None,
        name="Trust bed occupancy",
        definition="Occupied over available bed days.",
        frequency="month",
        chart_type="p",
    )
    client.force_login(org_world["users"][role])
    assert client.get(reverse("metrics:data_entry", args=[measure.pk])).status_code == status
