"""The trust dashboard and the board report show, per key measure with a signal, its latest
signal and the change before it in one line (issue 15), computed with the dashboard by the
worker's service.

The SHIFTING series (tests/metrics/measures/test_evidence_page): weeks end Monday 2 June 2025;
week 10 (31 March 2025) starts a shift of 10 points below the centre line, an improvement for a
measure where fewer is better; the latest point is a special cause."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics.dashboards.figures import dashboard_figures
from metrics.dashboards.recompute import dashboard_snapshot_compute, dashboards_request
from metrics.models import DashboardSnapshot
from tests.metrics.dashboards.test_pages import _get, _row
from tests.metrics.measures.test_page import HOSTILE
from tests.metrics.measures.world import SHIFTING, add_points, served_project

pytestmark = pytest.mark.django_db

WEEK_10 = dt.date(2025, 3, 31)


@pytest.fixture
def key_measure(org_world, measure_factory, mondays):
    return add_points(
        measure_factory(is_key=True), mondays(20), SHIFTING, user=org_world["users"]["lead"]
    )


def recompute(org_world):
    own = org_world["own"]
    dashboards_request(
        organisation_id=own.organisation_id, directorate_id=own.directorate_id, team_id=own.pk
    )
    for snapshot in DashboardSnapshot.objects.filter(dirty_since__isnull=False):
        dashboard_snapshot_compute(snapshot_id=snapshot.pk)


def organisation_line(org_world, measure):
    figures = dashboard_figures(scope="organisation", scope_id=org_world["organisation"].pk)
    [row] = [m for m in figures["measures"] if m["id"] == measure.pk]
    return row["evidence"]


def test_a_key_measure_with_a_signal_after_an_adopted_change(org_world, key_measure):
    _, idea, _ = served_project(key_measure, cycles=[(WEEK_10 - dt.timedelta(days=12), 2)])
    idea.status = "adopted"
    idea.status_changed_at = timezone.make_aware(dt.datetime(2025, 5, 12, 12))
    idea.save()
    assert organisation_line(org_world, key_measure) == (
        "A shift of 10 points below the centre line (an improvement) since the week commencing "
        "31 March 2025, after PDSA 2 “Safety huddle at the late shift” (adopted on 12 May 2025)."
    )


def test_a_signal_with_no_change_before_it_says_so(org_world, key_measure):
    assert organisation_line(org_world, key_measure).endswith(
        "; no test of change recorded before it."
    )


def test_no_line_for_a_measure_in_common_cause_or_not_key(org_world, measure_factory, mondays):
    lead = org_world["users"]["lead"]
    steady = add_points(measure_factory(name="Steady", is_key=True), mondays(12), [10, 11] * 6,
                        user=lead)  # fmt: skip
    assert organisation_line(org_world, steady) == ""
    other = add_points(measure_factory(name="Not key"), mondays(20), SHIFTING, user=lead)
    team = dashboard_figures(scope="team", scope_id=org_world["own"].pk)
    assert [m["evidence"] for m in team["measures"] if m["id"] == other.pk] == [""]


def test_the_trust_dashboard_and_the_board_report_show_the_line(client, org_world, key_measure):
    _, idea, _ = served_project(key_measure, cycles=[(WEEK_10 - dt.timedelta(days=12), 2)])
    idea.title = HOSTILE
    idea.save()
    recompute(org_world)
    board = org_world["users"]["board"]
    for url in (reverse("metrics:dashboard"), reverse("metrics:board_report")):
        row = _row(_get(client, board, url), f'data-measure-id="{key_measure.pk}"')
        assert "since the week commencing 31 March 2025, after PDSA 2 “" in row
        assert HOSTILE not in row and "&lt;img src=x onerror=alert(1)&gt;" in row
