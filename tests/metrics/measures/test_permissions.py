"""Who may open and change what on the measures pages (DESIGN §6), role by role. Another
organisation's measures and teams are 404: their existence does not leak."""

import pytest
from django.urls import reverse

from metrics.measures.services import measure_create, phase_start
from tests.metrics.measures.world import SHIFTING, add_points

pytestmark = pytest.mark.django_db

ROLES = ["member", "lead", "coach", "board", "admin", "foreign_admin", "no_organisation"]


def _row(**codes):
    return [codes[role] for role in ROLES]


# role:           member lead coach board admin foreign no_org
READ = _row(member=200, lead=200, coach=200, board=200, admin=200, foreign_admin=404,
            no_organisation=404)  # fmt: skip
MANAGE = _row(member=403, lead=200, coach=403, board=403, admin=200, foreign_admin=404,
              no_organisation=404)  # fmt: skip
CHANGE_PHASE = _row(member=403, lead=302, coach=302, board=403, admin=302, foreign_admin=404,
                    no_organisation=404)  # fmt: skip
ADMIN_ONLY = _row(member=403, lead=403, coach=403, board=403, admin=200, foreign_admin=404,
                  no_organisation=404)  # fmt: skip
ADMIN_ONLY_POST = _row(member=403, lead=403, coach=403, board=403, admin=302,
                       foreign_admin=404, no_organisation=404)  # fmt: skip


@pytest.fixture
def world(org_world, measure_factory, mondays):
    lead = org_world["users"]["lead"]
    own = add_points(measure_factory(), mondays(20), SHIFTING, user=lead)
    other = add_points(measure_factory(team=org_world["other"]), mondays(20), SHIFTING, user=lead)
    trust = measure_create(
        organisation=org_world["organisation"],
        team=None,
        name="Bed occupancy",
        definition="Occupied beds at midnight / available beds.",
        frequency="week",
        chart_type="xmr",
        improvement="neither",
    )
    add_points(trust, mondays(20), SHIFTING, user=lead)
    return {**org_world, "measure": own, "other_measure": other, "trust_measure": trust,
            "weeks": mondays(20)}  # fmt: skip


def _phase_post(world, measure):
    return {"starts_on": world["weeks"][10].isoformat(), "reason": "Huddles began"}


def _freeze_post(world, measure):
    return {"until": world["weeks"][9].isoformat(), "reason": "Baseline before the huddles"}


def _remove(world, measure):
    phase = phase_start(
        measure=measure, starts_on=world["weeks"][12], reason="x", user=world["users"]["admin"]
    )
    return reverse("metrics:phase_remove", args=[measure.pk, phase.pk]), {"reason": "A mistake"}


# (name, method, url builder, data builder, expected by role) for a measure of the own team.
OWN_MEASURE_CASES = [
    ("page", "get", lambda w, m: reverse("metrics:measure", args=[m.pk]), None, READ),
    ("chart", "get", lambda w, m: reverse("metrics:measure_chart", args=[m.pk]), None, READ),
    ("csv", "get", lambda w, m: reverse("metrics:measure_csv", args=[m.pk]), None, READ),
    ("edit", "get", lambda w, m: reverse("metrics:measure_edit", args=[m.pk]), None, MANAGE),
    (
        "phase start",
        "post",
        lambda w, m: reverse("metrics:phase_start", args=[m.pk]),
        _phase_post,
        CHANGE_PHASE,
    ),
    (
        "freeze",
        "post",
        lambda w, m: reverse("metrics:baseline_freeze", args=[m.pk]),
        _freeze_post,
        CHANGE_PHASE,
    ),
]


def _cases(cases):
    return [
        pytest.param(name, method, url, data, role, code, id=f"{name}-{role}")
        for name, method, url, data, codes in cases
        for role, code in zip(ROLES, codes, strict=True)
    ]


@pytest.mark.parametrize("name, method, url, data, role, expected", _cases(OWN_MEASURE_CASES))
def test_own_team_measure_views_by_role(client, world, name, method, url, data, role, expected):
    measure = world["measure"]
    client.force_login(world["users"][role])
    body = data(world, measure) if data else None

    response = getattr(client, method)(url(world, measure), body)

    assert response.status_code == expected


@pytest.mark.parametrize("role, expected", list(zip(ROLES, CHANGE_PHASE, strict=True)), ids=ROLES)
def test_removing_a_phase_by_role(client, world, role, expected):
    url, body = _remove(world, world["measure"])
    client.force_login(world["users"][role])

    assert client.post(url, body).status_code == expected


@pytest.mark.parametrize(
    "url_name, expected",
    [("metrics:team_measures", READ), ("metrics:measure_create", MANAGE)],
    ids=["list", "create"],
)
@pytest.mark.parametrize("role", ROLES)
def test_team_measure_pages_by_role(client, world, url_name, expected, role):
    client.force_login(world["users"][role])

    response = client.get(reverse(url_name, args=[world["own"].pk]))

    assert response.status_code == expected[ROLES.index(role)]


@pytest.mark.parametrize("role", ["member", "lead", "coach", "board", "admin", "foreign_admin"])
def test_a_foreign_team_is_not_found(client, world, role):
    client.force_login(world["users"][role])
    for url_name in ("metrics:team_measures", "metrics:measure_create"):
        response = client.get(reverse(url_name, args=[world["foreign"].pk]))
        expected = 404 if role != "foreign_admin" else 200
        assert response.status_code == expected, url_name


@pytest.mark.parametrize(
    "role, expected",
    [
        ("member", 200),
        ("lead", 200),
        ("coach", 200),
        ("board", 200),
        ("admin", 200),
        ("no_organisation", 404),
    ],  # fmt: skip
)
def test_the_trust_wide_list_is_open_to_the_organisation(client, world, role, expected):
    client.force_login(world["users"][role])

    assert client.get(reverse("metrics:trust_measures")).status_code == expected


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES[:5], ADMIN_ONLY[:5], strict=True)), ids=ROLES[:5]
)
def test_only_admins_add_trust_wide_measures(client, world, role, expected):
    client.force_login(world["users"][role])

    assert client.get(reverse("metrics:trust_measure_create")).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_change_a_trust_wide_measure(client, world, role):
    measure = world["trust_measure"]
    client.force_login(world["users"][role])

    edit = client.get(reverse("metrics:measure_edit", args=[measure.pk]))
    phase = client.post(
        reverse("metrics:phase_start", args=[measure.pk]), _phase_post(world, measure)
    )
    page = client.get(reverse("metrics:measure", args=[measure.pk]))

    i = ROLES.index(role)
    assert (edit.status_code, phase.status_code) == (ADMIN_ONLY[i], ADMIN_ONLY_POST[i])
    assert page.status_code == READ[i]


@pytest.mark.parametrize(
    "role, edit, phase",
    [("member", 403, 403), ("lead", 403, 403), ("coach", 403, 403), ("admin", 200, 302)],
)
def test_another_teams_measure_is_readable_but_not_changeable(client, world, role, edit, phase):
    """The lead and the coach of the own team have no say over the other team's measure."""
    measure = world["other_measure"]
    client.force_login(world["users"][role])

    assert client.get(reverse("metrics:measure", args=[measure.pk])).status_code == 200
    assert client.get(reverse("metrics:measure_edit", args=[measure.pk])).status_code == edit
    response = client.post(
        reverse("metrics:phase_start", args=[measure.pk]), _phase_post(world, measure)
    )
    assert response.status_code == phase


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get(reverse("metrics:measure", args=[world["measure"].pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_changing_the_baseline_needs_post(client, world):
    client.force_login(world["users"]["lead"])
    measure = world["measure"]

    assert client.get(reverse("metrics:phase_start", args=[measure.pk])).status_code == 405
    assert client.get(reverse("metrics:baseline_freeze", args=[measure.pk])).status_code == 405
