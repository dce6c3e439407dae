"""Redis stops while users enter data (DESIGN §4 step 4).

The app's broker and cache are pointed at a redis-server of the test's own; it is stopped,
data is entered through the real views as a team member (this period, the grid, an import),
then Redis comes back on the same port, the sweep runs as beat would, a real worker process
catches up, and every chart ends fresh and equal to the engine's result."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics import periods as P
from metrics.models import ChartSnapshot, DashboardSnapshot, DataPoint, Measure
from tests.faults.conftest import engine_result
from tests.faults.services import service_env, start_worker, stop, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# A page or an entry while Redis is down may cost a failed connection or two, never a hang.
SLOW_SECONDS = 1.5
UPDATING = 'data-dashboard-status="updating"'
CHART_UPDATING = 'data-chart-status="updating"'


def timed(call):
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


def weekly_history(today, weeks):
    """Weeks of history ending three weeks ago: this week and the last two are left to enter."""
    this_week = P.period_start(today, "week")
    return [this_week - dt.timedelta(weeks=weeks + 2 - i) for i in range(weeks)]


def test_entries_made_while_redis_is_down_are_saved_and_caught_up_by_the_sweep(
    client, own_redis, org_world, eager_tasks_off_redis, tmp_path, caplog
):
    from metrics.entry.services import Row, data_points_save
    from metrics.measures.services import measure_create
    from metrics.workers import sweep as sweeping

    today = timezone.localdate()
    lead, member = org_world["users"]["lead"], org_world["users"]["member"]
    history = weekly_history(today, 30)
    measures = []
    with eager_tasks_off_redis():  # before the outage: figures computed, dashboards made
        for name, base in (
            ("Length of stay", 30),
            ("Falls per week", 8),
            ("Delayed discharges", 12),
        ):
            measure = measure_create(
                organisation=org_world["organisation"], team=org_world["own"], name=name,
                definition=f"{name} on the ward.", unit="", frequency="week",
                chart_type="xmr", improvement="decrease", is_key=True,
            )  # fmt: skip
            rows = [Row(period=p, value=base + (i * 5) % 7) for i, p in enumerate(history)]
            data_points_save(measure=measure, rows=rows, user=lead)
            measures.append(measure)
        for scope_id, scope in (
            (org_world["organisation"].pk, "organisation"),
            (org_world["own"].directorate_id, "directorate"),
            (org_world["own"].pk, "team"),
        ):
            assert DashboardSnapshot.objects.get(scope=scope, scope_id=scope_id).computed_at
    assert ChartSnapshot.objects.filter(status="fresh").count() == 3
    before = {m.pk: ChartSnapshot.objects.get(measure=m).latest_value for m in measures}

    own_redis.stop()
    assert not own_redis.answers()
    client.force_login(member)
    stay, falls, delays = measures
    this_week = P.period_start(today, "week")
    last_week = this_week - dt.timedelta(weeks=1)
    two_weeks_ago = this_week - dt.timedelta(weeks=2)
    answers = {}

    # This period, on the measure page's form.
    answers["this period"] = timed(lambda: client.post(
        reverse("metrics:data_entry", args=[stay.pk]),
        {"period": this_week.isoformat(), "value": "41", "note": "winter pressures"},
    ))  # fmt: skip
    # The grid of recent periods: two rows filled in, the others left empty.
    answers["grid"] = timed(lambda: client.post(
        reverse("metrics:entry_grid", args=[falls.pk]),
        {f"value_{two_weeks_ago.isoformat()}": "19", f"value_{last_week.isoformat()}": "21"},
    ))  # fmt: skip
    # An import: pasted, previewed, confirmed (small, so saved by the request itself).
    text = f"period,value\n{two_weeks_ago:%d/%m/%Y},25\n{last_week:%d/%m/%Y},27\n"
    answers["import"] = timed(
        lambda: client.post(reverse("metrics:import", args=[delays.pk]), {"text": text})
    )
    job_url = answers["import"][0]["Location"]
    answers["import preview"] = timed(lambda: client.get(job_url))
    answers["import confirm"] = timed(lambda: client.post(job_url.rstrip("/") + "/confirm/"))
    # The first entry's recompute was tried; the others, moments later, were not (queue.py).
    unsent = [r.getMessage() for r in caplog.records if "nqueu" in r.getMessage()]
    assert len(unsent) == 3 and "the broker is unreachable" in unsent[0], unsent
    assert all("the broker failed moments ago" in m for m in unsent[1:]), unsent
    for what, (response, seconds) in answers.items():
        print(f"redis down: {what} answered {response.status_code} in {seconds * 1000:.0f} ms")
        assert response.status_code < 500, (what, response.status_code)
        assert seconds < SLOW_SECONDS, f"{what} took {seconds:.2f} s with Redis down"
    for what in ("this period", "grid", "import", "import confirm"):
        assert answers[what][0].status_code == 302, what
    assert answers["import confirm"][0]["Location"] == reverse("metrics:measure", args=[delays.pk])

    # Every entry is saved; every chart waits, every dashboard says it is updating.
    saved = {
        (p.measure_id, p.period): p.value
        for p in DataPoint.objects.filter(period__gte=two_weeks_ago)
    }
    assert saved == {
        (stay.pk, this_week): 41,
        (falls.pk, two_weeks_ago): 19,
        (falls.pk, last_week): 21,
        (delays.pk, two_weeks_ago): 25,
        (delays.pk, last_week): 27,
    }
    assert set(ChartSnapshot.objects.values_list("status", flat=True)) == {"stale"}
    # The pages show the last figures and say they are updating.
    board = org_world["users"]["board"]
    directorate_url = reverse(
        "metrics:directorate_dashboard", args=[org_world["own"].directorate_id]
    )
    pages = [
        (member, "measure", reverse("metrics:measure", args=[stay.pk]), CHART_UPDATING),
        (member, "team", reverse("teams:team", args=[org_world["own"].pk]), UPDATING),
        (board, "board dashboard", reverse("metrics:dashboard"), UPDATING),
        (board, "directorate dashboard", directorate_url, UPDATING),
    ]
    for user, what, url, updating in pages:
        client.force_login(user)
        response, seconds = timed(lambda: client.get(url))  # noqa: B023
        print(f"redis down: {what} page answered {response.status_code} in {seconds * 1000:.0f} ms")
        assert response.status_code == 200, (what, response.status_code)
        assert seconds < SLOW_SECONDS, f"the {what} page took {seconds:.2f} s with Redis down"
        html = response.content.decode()
        assert updating in html, what
        assert stay.name in html, f"the {what} page lost its last figures"
    snapshot = ChartSnapshot.objects.get(measure=stay)
    assert snapshot.latest_value == before[stay.pk] and snapshot.result, "the last chart is kept"

    # Redis is back (empty: whatever it held is gone); beat's sweep and a worker catch up.
    own_redis.start()
    log = tmp_path / "worker.log"
    worker = start_worker(service_env(redis_url=own_redis.url(0)), concurrency=2, log=log)
    try:
        later = timezone.now() + sweeping.SWEEP_GRACE + dt.timedelta(seconds=1)
        swept = sweeping.sweep(now=later)
        assert swept["charts"] == 3 and swept["dashboards"] == 3, swept

        def caught_up():
            fresh = all(
                ChartSnapshot.objects.filter(
                    measure=m,
                    status="fresh",
                    data_version=Measure.objects.get(pk=m.pk).data_version,
                ).exists()
                for m in measures
            )
            return (
                fresh and not DashboardSnapshot.objects.filter(dirty_since__isnull=False).exists()
            )

        assert wait_for(caught_up, 90), "the sweep did not catch up:\n" + log.read_text()[-3000:]
    finally:
        stop(worker)
    for measure in measures:
        snapshot = ChartSnapshot.objects.get(measure=measure)
        assert snapshot.result == engine_result(measure)[0], measure.name
    latest = {m.pk: ChartSnapshot.objects.get(measure=m).latest_value for m in measures}
    assert latest == {stay.pk: 41, falls.pk: 21, delays.pk: 27} != before
    team = DashboardSnapshot.objects.get(scope="team", scope_id=org_world["own"].pk)
    assert {m["id"]: m["latest_value"] for m in team.data["measures"]} == latest
