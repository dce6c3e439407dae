"""The API's permission matrix: every API URL, asked with every kind of token, about a measure
of the token's own team, another team, the trust (trust-wide) and another organisation. The
portal's matrix (tests/security/test_url_permission_matrix.py) counts these URLs as covered
here, so a new API URL without a row below fails there.

Tokens: none, an unknown key, a revoked one, a member's read-only token, the lead's writing
token for the own team, an admin's writing token for trust-wide measures, and the foreign
organisation's admin's writing token for its own team."""

import pytest
from django.urls import reverse

from metrics.models import DataPoint, Measure
from teams.tokens import api_token_revoke

TOKENS = ("none", "unknown", "revoked", "reader", "team_writer", "trust_writer", "foreign_writer")
TARGETS = ("own", "other", "trust", "foreign")
UNSIGNED = {"none": 401, "unknown": 401, "revoked": 401}


def read_expect(token, target):
    if token in UNSIGNED:
        return UNSIGNED[token]
    mine = "foreign" if token == "foreign_writer" else None
    return 200 if (target == "foreign") == (mine == "foreign") else 404


def write_expect(token, target):
    """200 saved; 403 read-only or out of scope; 400 a measure not found (another trust's)."""
    if token in UNSIGNED:
        return UNSIGNED[token]
    if token == "reader":
        return 403
    if token == "foreign_writer":
        return 200 if target == "foreign" else 400
    if target == "foreign":
        return 400
    allowed = {"team_writer": "own", "trust_writer": "trust"}[token]
    return 200 if target == allowed else 403


API_MATRIX = {
    "api:measures": "list: every usable token; only its organisation's measures. create: the "
    "token's teams (trust-wide: an admin's trust-wide token); another trust's team is a 400",
    "api:measure": "read: 200 in the token's organisation, 404 outside. change: the token's "
    "scope and its maker a lead or admin (403), another trust's measure 404",
    "api:chart": "read: 200 in the token's organisation, 404 outside",
    "api:data_points": "write: the token's scope only; another trust's measure is not found",
    "api:dashboard_organisation": "read: every usable token, its own organisation's figures",
    "api:dashboard_directorate": "read: 200 in the token's organisation, 404 outside",
    "api:dashboard_team": "read: 200 in the token's organisation, 404 outside",
    "api:schema": "public: the OpenAPI contract",
    "api:docs": "public: the browsable docs of the contract",
    "api:not-found": "any other /api/ address: a JSON 404 for every caller, token or none",
}


@pytest.fixture
def keys(make_token, org_world, measures):
    from tests.factories import MembershipFactory

    made = {"none": None, "unknown": "qi_" + "u" * 43}
    revoked, made["revoked"] = make_token("lead", name="Old", teams=["own"], write=True)
    api_token_revoke(token=revoked)
    made["reader"] = make_token("member", name="Reader")[1]
    made["team_writer"] = make_token("lead", name="Team", teams=["own"], write=True)[1]
    made["trust_writer"] = make_token("admin", name="Trust", write=True, trust_wide=True)[1]
    foreign_lead = MembershipFactory(team=org_world["foreign"], role="lead").user
    made["foreign_writer"] = make_token(foreign_lead, name="F", teams=[org_world["foreign"]],
                                        write=True)[1]  # fmt: skip
    return made


def test_every_api_url_is_in_the_matrix():
    from tests.security.test_url_permission_matrix import url_names

    assert {n for n in url_names() if n.startswith("api:")} == set(API_MATRIX)


@pytest.mark.parametrize("method", ["get", "post", "delete"])
@pytest.mark.parametrize("token", TOKENS)
def test_any_other_api_address_is_a_json_404(api, keys, token, method):
    response = getattr(api(keys[token]), method)("/api/no-such-thing/1/")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


@pytest.mark.parametrize("token", TOKENS)
def test_listing_measures(api, keys, measures, token):
    response = api(keys[token]).get(reverse("api:measures"))
    expected = 401 if token in UNSIGNED else 200
    assert response.status_code == expected
    if expected == 200:
        names = {m["name"] for m in response.json()["results"]}
        if token == "foreign_writer":
            assert names == {"Foreign measure"}
        else:
            assert "Foreign measure" not in names and len(names) == 4


@pytest.mark.parametrize("name", ["api:measure", "api:chart"])
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("token", TOKENS)
def test_reading_a_measure(api, keys, measures, token, target, name):
    measure = measures[target]
    response = api(keys[token]).get(reverse(name, args=[measure.pk]))
    assert response.status_code == read_expect(token, target), response.content[:200]
    if response.status_code != 200:
        assert response.json()["error"]["status"] == response.status_code


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("token", TOKENS)
def test_writing_a_data_point(api, keys, measures, token, target):
    measure = measures[target]
    row = {"measure": measure.pk, "period": "2025-01-06", "value": 3}
    response = api(keys[token]).post(reverse("api:data_points"), {"rows": [row]}, format="json")
    expected = write_expect(token, target)
    assert response.status_code == expected, response.content[:300]
    assert DataPoint.objects.filter(measure=measure).exists() == (expected == 200)
    if expected == 400:
        assert "No measure" in response.json()["error"]["problems"][0]["message"]


def define_expect(token, target, *, creating):
    """Changing (PATCH) or creating (POST, for the target's team) a measure's definition."""
    if token in UNSIGNED:
        return UNSIGNED[token]
    if token == "reader":
        return 403
    mine = "foreign" if token == "foreign_writer" else None
    if creating and target == "trust":
        pass  # team null: a trust-wide measure of the token's own trust, whichever that is
    elif (target == "foreign") != (mine == "foreign"):
        return 400 if creating else 404  # a team, or a measure, the token's trust does not have
    allowed = {"team_writer": "own", "trust_writer": "trust", "foreign_writer": "foreign"}[token]
    return (201 if creating else 200) if target == allowed else 403


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("token", TOKENS)
def test_changing_a_measures_definition(api, keys, measures, token, target):
    measure = measures[target]
    url = reverse("api:measure", args=[measure.pk])
    response = api(keys[token]).patch(url, {"unit": "changed"}, format="json")
    expected = define_expect(token, target, creating=False)
    assert response.status_code == expected, response.content[:300]
    assert (Measure.objects.get(pk=measure.pk).unit == "changed") == (expected == 200)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("token", TOKENS)
def test_creating_a_measure(api, keys, measures, token, target):
    team = measures[target].team
    body = {"name": "Made by the matrix", "definition": "x", "team": team.pk if team else None}
    response = api(keys[token]).post(reverse("api:measures"), body, format="json")
    expected = define_expect(token, target, creating=True)
    assert response.status_code == expected, response.content[:300]
    assert Measure.objects.filter(name="Made by the matrix").exists() == (expected == 201)


@pytest.mark.parametrize("team", ["own", "other", "foreign"])
@pytest.mark.parametrize("token", TOKENS)
def test_reading_dashboards(api, keys, org_world, token, team):
    client = api(keys[token])
    expected = read_expect(token, "foreign" if team == "foreign" else "own")
    team = org_world[team]
    for url in (
        reverse("api:dashboard_team", args=[team.pk]),
        reverse("api:dashboard_directorate", args=[team.directorate_id]),
    ):
        response = client.get(url)
        assert response.status_code == expected, (url, response.content[:200])
    mine = client.get(reverse("api:dashboard_organisation"))
    assert mine.status_code == UNSIGNED.get(token, 200)
    if mine.status_code == 200:
        organisation = org_world["foreign_organisation" if token == "foreign_writer" else
                                "organisation"]  # fmt: skip
        assert mine.json()["id"] == organisation.pk


@pytest.mark.parametrize("name", ["api:schema", "api:docs"])
def test_the_contract_and_its_docs_are_public(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
