"""The API's world: org_world's teams and people, a measure of each team (and a trust-wide one,
and one of another organisation), and a client that sends a token."""

import pytest
from rest_framework.test import APIClient

from tests.metrics.conftest import measure_factory, mondays  # noqa: F401


@pytest.fixture
def measures(org_world, measure_factory):  # noqa: F811 (the fixture, imported above)
    from metrics.measures.services import measure_create

    return {
        "own": measure_factory(name="Length of stay", external_id="LOS-WILLOW", unit="days",
                               chart_type="xmr", frequency="week"),
        "own_rate": measure_factory(name="DNA rate", external_id="DNA-WILLOW", chart_type="p",
                                    frequency="month", improvement="decrease"),
        "other": measure_factory(name="Cedar incidents", team=org_world["other"], chart_type="c",
                                 external_id="INC-CEDAR"),
        "trust": measure_create(organisation=org_world["organisation"], team=None,
                                name="Bed occupancy", definition="Occupied beds at midnight.",
                                frequency="week", chart_type="xmr", improvement="neither",
                                external_id="OCC"),
        "foreign": measure_create(organisation=org_world["foreign_organisation"],
                                  team=org_world["foreign"], name="Foreign measure",
                                  definition="x", frequency="week", chart_type="xmr",
                                  improvement="decrease", external_id="LOS-WILLOW"),
    }  # fmt: skip


@pytest.fixture
def make_token(org_world):
    from teams.tokens import api_token_create

    def make(user="lead", *, name=None, teams=(), write=False, trust_wide=False, **extra):
        token, key = api_token_create(
            user=org_world["users"][user] if isinstance(user, str) else user,
            name=name or f"{user} token {len(teams)} {write}",
            teams=[org_world[t] if isinstance(t, str) else t for t in teams],
            write=write,
            trust_wide=trust_wide,
            **extra,
        )
        return token, key

    return make


@pytest.fixture
def api():
    def client(key=None):
        c = APIClient()
        if key:
            c.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return c

    return client


@pytest.fixture
def writer(make_token, api):
    """A client with the lead's token that writes the own team's data."""
    token, key = make_token("lead", name="Warehouse", teams=["own"], write=True)
    client = api(key)
    client.token = token
    return client


@pytest.fixture
def reader(make_token, api):
    token, key = make_token("member", name="Reader")
    client = api(key)
    client.token = token
    return client
