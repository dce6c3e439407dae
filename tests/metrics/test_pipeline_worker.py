"""End to end through a real Celery worker on the real Redis: data entered, chart fresh."""

import time

import pytest

from metrics.entry import Row, data_points_save
from metrics.models import ChartSnapshot, DashboardSnapshot
from metrics.spc import analyse

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

VALUES = [31, 35, 33, 38, 30, 36, 34, 32, 37, 33, 35, 34, 29, 27, 28, 26, 27, 25, 26, 27]


def wait_for(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_entered_data_reaches_a_fresh_chart_and_the_dashboards(
    celery_worker_on_redis, measure_factory, org_world, mondays
):
    measure = measure_factory(name="Mean length of stay", unit="days", is_key=True, target=30)
    rows = [Row(period=p, value=v) for p, v in zip(mondays(len(VALUES)), VALUES, strict=True)]
    data_points_save(measure=measure, rows=rows, user=org_world["users"]["member"])

    def fresh():
        return ChartSnapshot.objects.filter(
            measure=measure, status=ChartSnapshot.Status.FRESH, data_version=1
        ).exists()

    assert wait_for(fresh), "the worker did not refresh the chart"
    snapshot = ChartSnapshot.objects.get(measure=measure)
    expected = analyse(VALUES, chart="xmr", improvement="decrease", target=30).to_dict()
    assert snapshot.result["phases"][0]["centre"] == pytest.approx(expected["phases"][0]["centre"])
    assert snapshot.result == expected

    def dashboards_done():
        return (
            DashboardSnapshot.objects.filter(
                dirty_since__isnull=True, computed_at__isnull=False
            ).count()
            == 3
        )

    assert wait_for(dashboards_done), "the dashboards were not recomputed"
    team = DashboardSnapshot.objects.get(scope="team", scope_id=org_world["own"].pk)
    assert team.data["measures"][0]["latest_value"] == VALUES[-1]
    assert team.compute_count == 1
