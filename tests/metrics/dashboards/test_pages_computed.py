"""The pages read what the worker really computes (not only hand-built data): real measures,
projects and cycles, the dashboards recomputed by the service, then every page drawn."""

import pytest
from django.urls import reverse

from metrics.dashboards.recompute import dashboard_snapshot_compute, dashboards_request
from metrics.models import DashboardSnapshot
from tests.cycles.factories import ChangeIdeaFactory, CycleFactory, ProjectFactory
from tests.metrics.dashboards.test_pages import _get, _row
from tests.metrics.measures.world import SHIFTING, add_points

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(org_world, measure_factory, mondays):
    own = org_world["own"]
    measure = add_points(
        measure_factory(is_key=True, target=8),
        mondays(20),
        SHIFTING,
        user=org_world["users"]["lead"],
    )
    project = ProjectFactory(team=own, title="Calmer evenings")
    CycleFactory(change_idea=ChangeIdeaFactory(project=project), stage="do")
    dashboards_request(
        organisation_id=own.organisation_id, directorate_id=own.directorate_id, team_id=own.pk
    )
    for snapshot in DashboardSnapshot.objects.filter(dirty_since__isnull=False):
        dashboard_snapshot_compute(snapshot_id=snapshot.pk)
    return {**org_world, "measure": measure, "project": project}


def test_every_page_draws_the_figures_the_worker_computed(client, computed):
    measure, own = computed["measure"], computed["own"]
    board, coach = computed["users"]["board"], computed["users"]["coach"]

    trust = _get(client, board, reverse("metrics:dashboard"))
    row = _row(trust, f'data-measure-id="{measure.pk}"')
    assert "Special cause variation — improvement (low)" in row
    assert 'aria-label="Last 20 values' in row
    assert reverse("metrics:directorate_dashboard", args=[own.directorate_id]) in trust
    assert 'data-dashboard-status="fresh"' in trust

    directorate = _get(
        client, board, reverse("metrics:directorate_dashboard", args=[own.directorate_id])
    )
    assert reverse("teams:team", args=[own.pk]) in directorate
    assert "Calmer evenings" in directorate

    team = _get(client, board, reverse("teams:team", args=[own.pk]))
    assert f'data-measure-id="{measure.pk}"' in team
    assert 'data-stage="do">1<' in team

    report = _get(client, board, reverse("metrics:board_report"))
    assert measure.name in report

    coaching = _get(client, coach, reverse("metrics:coach_dashboard"))
    assert "Calmer evenings" in _row(coaching, f'data-project-id="{computed["project"].pk}"')
    assert measure.name in coaching  # never looked before: its special cause is new
