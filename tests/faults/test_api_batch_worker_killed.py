"""A batch of data points arrives through the API and the worker dies while recomputing its
charts (issue 14): every point of the batch is stored (the batch was committed before any
recompute began), and after the beat sweep every chart of the batch is fresh and right.

The worker is a real `celery worker` process (prefork) on the real Redis, caught in flight by
the genuine pause of tests/faults/pausing_worker.py and killed whole (main process and pool) with
SIGKILL; the queued recomputes are lost with it, as in an outage of its host."""

import datetime as dt
import os
import signal
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from metrics.models import DataPoint
from tests.faults.conftest import engine_result
from tests.faults.services import wait_for
from tests.faults.test_worker_killed import fresh_at_current_version, paused_pid, pausing_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

__all__ = ["pausing_worker"]  # the fixture, imported above

WEEKS = 40


def test_a_batch_whose_worker_is_killed_mid_recompute_is_all_stored_and_all_fresh_after_sweep(
    broker_url, charted_measure, pausing_worker, org_world
):
    from metrics.workers import sweep as sweeping
    from qi_portal.celery import app
    from teams.tokens import api_token_create

    start, marker, log = pausing_worker
    measures = [charted_measure(name=f"Ward measure {i}", weeks=4, external_id=f"W-{i}")
                for i in range(3)]  # fmt: skip
    app.control.purge()  # the set-up entries' tasks: from here, only the batch's
    _, key = api_token_create(
        user=org_world["users"]["lead"], name="Warehouse", teams=[org_world["own"]], write=True
    )
    first = dt.date(2024, 1, 1)
    rows = [
        {"external_id": m.external_id, "period": str(first + dt.timedelta(weeks=w)),
         "value": 20 + (w * (i + 3)) % 13}
        for i, m in enumerate(measures) for w in range(WEEKS)
    ]  # fmt: skip
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.post(reverse("api:data_points"), {"rows": rows}, format="json")
    assert response.status_code == 200, response.content[:500]
    counts = response.json()["counts"]
    assert counts["created"] == 3 * (WEEKS - 4)  # the 4 weeks each measure had are corrected
    assert counts["corrected"] + counts["unchanged"] == 3 * 4

    worker = start()
    pid = paused_pid(marker, worker)  # the first of the batch's recomputes, in flight
    for process in (worker.pid, pid):
        os.kill(process, signal.SIGKILL)
    worker.wait(timeout=15)
    app.control.purge()  # the batch's other recomputes are lost with the worker's host
    time.sleep(0.5)

    stored = DataPoint.objects.filter(measure__in=measures)
    assert stored.count() == 3 * WEEKS, "the batch was committed whole before any recompute"
    assert not all(fresh_at_current_version(m.pk) for m in measures)

    replacement = start(pause=False)
    later = timezone.now() + sweeping.SWEEP_GRACE + dt.timedelta(seconds=1)
    assert sweeping.sweep(now=later)["charts"] >= 1  # as beat would, a minute on
    assert wait_all_fresh(measures), (
        "the sweep did not bring every chart back:\n" + log.read_text()[-3000:]
    )
    assert replacement.poll() is None
    for measure in measures:
        snapshot = measure.snapshot
        snapshot.refresh_from_db()
        assert snapshot.result == engine_result(measure)[0]
        assert len(snapshot.result["points"]) == WEEKS


def wait_all_fresh(measures, seconds=90) -> bool:
    return wait_for(lambda: all(fresh_at_current_version(m.pk) for m in measures), seconds)
