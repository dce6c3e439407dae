"""End to end through a real Celery worker on the real Redis: data entered, chart fresh."""

import time

import pytest

from metrics.entry.services import Row, data_points_save
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


def test_a_value_entered_through_the_form_reaches_a_fresh_chart(
    client, celery_worker_on_redis, measure_factory, org_world
):
    """Issue 5: enter this week's value in the browser's form; the real worker redraws."""
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from metrics import periods
    from metrics.entry.services import Row

    measure = measure_factory(name="Referral to assessment wait", unit="days")
    this_week = periods.period_start(timezone.localdate(), "week")
    history = [this_week - dt.timedelta(weeks=len(VALUES) - i) for i in range(len(VALUES))]
    rows = [Row(period=p, value=v) for p, v in zip(history, VALUES, strict=True)]
    data_points_save(measure=measure, rows=rows, user=org_world["users"]["lead"])
    assert wait_for(
        lambda: ChartSnapshot.objects.filter(measure=measure, status="fresh").exists()
    )

    client.force_login(org_world["users"]["member"])
    response = client.post(
        reverse("metrics:data_entry", args=[measure.pk]),
        {"period": this_week.isoformat(), "value": "24", "note": "after the new triage rota"},
    )
    assert response.status_code == 302

    def fresh_with_the_new_point():
        snapshot = ChartSnapshot.objects.get(measure=measure)
        return snapshot.status == "fresh" and snapshot.data_version == 2

    assert wait_for(fresh_with_the_new_point), "the worker did not redraw the chart"
    snapshot = ChartSnapshot.objects.get(measure=measure)
    expected = analyse([*VALUES, 24], chart="xmr", improvement="decrease").to_dict()
    assert snapshot.periods[-1] == this_week.isoformat()
    assert snapshot.result["points"][-1]["value"] == 24
    assert snapshot.result["phases"][0]["centre"] == expected["phases"][0]["centre"]
    assert [p["point_type"] for p in snapshot.result["points"]] == [
        p["point_type"] for p in expected["points"]
    ]
