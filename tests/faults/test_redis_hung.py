"""Redis hangs (a stalled server, a dropped network): connections are accepted by the kernel but
nothing answers. Pages and entries must not wait the socket timeout on every cache call."""

import datetime as dt
import signal
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics import periods as P
from metrics.models import ChartSnapshot, DashboardSnapshot, DataPoint

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_pages_and_entries_stay_quick_while_redis_hangs(
    client, own_redis, org_world, eager_tasks_off_redis
):
    from metrics.entry.services import Row, data_points_save
    from metrics.measures.services import measure_create

    this_week = P.period_start(timezone.localdate(), "week")
    with eager_tasks_off_redis():
        measure = measure_create(
            organisation=org_world["organisation"], team=org_world["own"], name="Length of stay",
            definition="Days.", unit="days", frequency="week", chart_type="xmr",
            improvement="decrease", is_key=True,
        )  # fmt: skip
        rows = [
            Row(period=this_week - dt.timedelta(weeks=30 - i), value=30 + i % 5) for i in range(28)
        ]
        data_points_save(measure=measure, rows=rows, user=org_world["users"]["lead"])
    client.force_login(org_world["users"]["member"])
    url = reverse("metrics:measure", args=[measure.pk])
    assert client.get(url).status_code == 200

    own_redis.proc.send_signal(signal.SIGSTOP)  # hung: connections accepted, never answered
    last_week = this_week - dt.timedelta(weeks=1)
    try:
        times = {}
        for what, call in (
            ("measure page", lambda: client.get(url)),
            ("measure page again", lambda: client.get(url)),
            ("entry", lambda: client.post(
                reverse("metrics:data_entry", args=[measure.pk]),
                {"period": this_week.isoformat(), "value": "41"},
            )),
            ("entry again", lambda: client.post(
                reverse("metrics:data_entry", args=[measure.pk]),
                {"period": last_week.isoformat(), "value": "39"},
            )),
            ("measure page after the entries", lambda: client.get(url)),
        ):  # fmt: skip
            started = time.perf_counter()
            response = call()
            times[what] = time.perf_counter() - started
            print(f"redis hung: {what} answered {response.status_code} in {times[what]:.2f} s")
            assert response.status_code < 500, what
    finally:
        own_redis.proc.send_signal(signal.SIGCONT)
    # One cache timeout (2 s), then the cache rests: not 2 s on each of a page's cache calls.
    assert times["measure page"] < 4
    assert times["measure page again"] < 1 and times["measure page after the entries"] < 1
    # One publish's socket timeouts (2 s each), then the broker rests; never a hang.
    assert times["entry"] < 12 and times["entry again"] < 1
    saved = DataPoint.objects.filter(measure=measure, period__gte=last_week)
    assert dict(saved.values_list("period", "value")) == {this_week: 41, last_week: 39}
    assert ChartSnapshot.objects.get(measure=measure).status == "stale"
    team = DashboardSnapshot.objects.get(scope="team", scope_id=org_world["own"].pk)
    assert team.dirty_since is not None, "the dashboards say they are updating"
