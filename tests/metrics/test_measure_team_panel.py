"""The team page gains its measures with their icons and last value, plugged in through
teams.extensions so that teams imports nothing of metrics."""

import pytest
from django.urls import reverse

from metrics.views.measures import team_measures_panel
from teams import extensions
from tests.metrics.measure_world import SHIFTING, add_points

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel_registered():
    # Until MetricsConfig.ready registers the panel, register it for the test and take it out
    # again so other tests see the registry as the app leaves it.
    added = team_measures_panel not in extensions._team_panels
    extensions.register_team_panel(team_measures_panel)
    yield
    if added:
        extensions._team_panels.remove(team_measures_panel)


def test_the_team_page_lists_its_measures_with_icons_and_last_value(
    client, org_world, measure_factory, mondays, panel_registered
):
    measure = add_points(measure_factory(), mondays(20), SHIFTING, user=org_world["users"]["lead"])
    measure_factory(team=org_world["other"], name="Another team's measure")
    client.force_login(org_world["users"]["member"])

    html = client.get(reverse("teams:team", args=[org_world["own"].pk])).content.decode()

    assert 'id="measures-heading"' in html
    assert reverse("metrics:measure", args=[measure.pk]) in html
    assert "Special cause variation — improvement (low)" in html
    assert "5 incidents" in html
    assert "Another team's measure" not in html


@pytest.mark.parametrize("role, can_add", [("member", False), ("lead", True), ("admin", True)])
def test_the_panel_offers_adding_a_measure_to_those_who_manage_them(rf, org_world, role, can_add):
    request = rf.get("/")
    request.user = org_world["users"][role]

    template, context = team_measures_panel(request, org_world["own"])

    assert template == "metrics/measure_team_panel.html"
    assert context["can_add"] is can_add
