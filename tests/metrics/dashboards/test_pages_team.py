"""The team's dashboard on the team page (through teams.extensions): its measures with icons,
cycles by stage and recent learning, read from the team's snapshot."""

import pytest
from django.urls import reverse

from metrics.dashboards.views import team_dashboard_panel
from metrics.models import CoachVisit, DashboardSnapshot
from teams import extensions
from tests.metrics.dashboards import data as dd
from tests.metrics.dashboards.test_pages import _cells, _get, _row

pytestmark = pytest.mark.django_db


def test_the_metrics_app_puts_the_team_dashboard_on_the_team_page():
    assert team_dashboard_panel in extensions._team_panels


@pytest.fixture
def team_world(org_world):
    own = org_world["own"]
    dd.team_snapshot(
        own,
        measures=[
            dd.measure(
                101,
                "Violent incidents involving staff",
                is_key=False,
                variation="improvement_low",
                assurance="hit_or_miss",
                target=6,
            ),
        ],
        cycles_by_stage={"plan": 2, "do": 1, "study": 3, "act": 0},
        recent_learning=[
            {
                "cycle_id": 7,
                "project_id": 3,
                "title": "PDSA 1: Safety huddle",
                "learning": "Staff liked a 5 minute huddle.",
                "decision": "adapt",
                "closed_at": "2026-11-12T15:00:00+00:00",
            },
        ],
        activity={"months": dd.MONTHS, "rows": [dd.activity_row(own.pk, own.name, cycles=[2])]},
        progress=dd.progress({"2.5": 1}, {"2.0": 1}, up=1),
    )
    return org_world


def test_the_team_page_shows_the_team_dashboard(client, team_world):
    own = team_world["own"]
    html = _get(client, team_world["users"]["member"], reverse("teams:team", args=[own.pk]))

    assert "Figures computed at 09:41 on 26 November 2026" in html
    row = _row(html, 'data-measure-id="101"')
    assert reverse("metrics:measure", args=[101]) in row
    cells = _cells(row)
    assert "5 incidents" in cells[1] and cells[2] == "6 incidents"
    assert "Special cause variation — improvement (low)" in cells[4]
    assert "Assurance — hit or miss" in cells[5]
    assert [
        html.count(f'data-stage="{s}">{n}<')
        for s, n in (("plan", 2), ("do", 1), ("study", 3), ("act", 0))
    ] == [1, 1, 1, 1]
    assert "Staff liked a 5 minute huddle." in html and "<strong>Adapt</strong>" in html
    assert reverse("cycles:cycle", args=[7]) in html
    assert _cells(_row(html, 'data-score="2.5"'))[:2] == ["2.5", "1"]
    assert html.count('id="measures-heading"') == 1  # one measures section, not two


@pytest.mark.parametrize("role, can_add", [("member", False), ("lead", True), ("admin", True)])
def test_the_panel_offers_adding_a_measure_to_those_who_manage_them(rf, team_world, role, can_add):
    request = rf.get("/")
    request.user = team_world["users"][role]
    template, context = team_dashboard_panel(request, team_world["own"])
    assert template == "metrics/_dashboard_team_panel.html"
    assert context["can_add"] is can_add


def test_a_team_without_figures_asks_for_them(client, org_world):
    other = org_world["other"]
    html = _get(client, org_world["users"]["member"], reverse("teams:team", args=[other.pk]))
    assert "Figures are being computed" in html
    assert DashboardSnapshot.objects.filter(scope="team", scope_id=other.pk).exists()
    status = reverse("metrics:dashboard_status", args=["team", other.pk])
    assert f'hx-get="{status}"' in html


def test_the_coach_opening_an_assigned_team_records_the_look(client, team_world):
    coach, own, other = team_world["users"]["coach"], team_world["own"], team_world["other"]
    dd.team_snapshot(other)
    _get(client, coach, reverse("teams:team", args=[own.pk]))
    _get(client, coach, reverse("teams:team", args=[other.pk]))  # not one of theirs
    assert list(CoachVisit.objects.values_list("coach", "team")) == [(coach.pk, own.pk)]


def test_another_organisations_team_is_not_found(client, org_world):
    foreign = org_world["foreign"]
    dd.team_snapshot(foreign)
    client.force_login(org_world["users"]["board"])
    assert client.get(reverse("teams:team", args=[foreign.pk])).status_code == 404
    status = reverse("metrics:dashboard_status", args=["team", foreign.pk])
    assert client.get(status).status_code == 404
