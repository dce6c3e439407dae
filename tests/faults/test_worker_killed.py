"""A worker dies in the middle of a recompute (DESIGN §4: tasks are idempotent, acks_late).

The worker is a real `celery worker` process (prefork pool) on the real Redis; the recompute is
caught in flight by a genuine pause after the engine ran and before the snapshot is written
(tests/faults/pausing_worker.py), and the test SIGKILLs the pool process there."""

import os
import signal
import time
from pathlib import Path

import pytest

from metrics.models import ChartSnapshot, Measure
from tests.faults.conftest import engine_result
from tests.faults.services import children, service_env, start_worker, stop, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def fresh_at_current_version(measure_id) -> bool:
    version = Measure.objects.values_list("data_version", flat=True).get(pk=measure_id)
    return ChartSnapshot.objects.filter(
        measure_id=measure_id, status="fresh", data_version=version
    ).exists()


def computes(marker: Path) -> list[int]:
    log = Path(f"{marker}.log")
    return [int(x) for x in log.read_text().split()] if log.exists() else []


def paused_pid(marker: Path, worker) -> int:
    paused = Path(f"{marker}.paused")
    assert wait_for(paused.exists, 90), "the worker never picked up the recompute"
    pid = int(paused.read_text())
    assert pid in children(worker.pid), "the paused recompute is not in the worker's pool"
    return pid


@pytest.fixture
def pausing_worker(broker_url, tmp_path):
    marker = tmp_path / "pause"
    log = tmp_path / "worker.log"
    env = service_env(redis_url=broker_url, QI_FAULT_PAUSE_FILE=str(marker))
    started = []

    def start(pause=True):
        if pause:
            marker.write_text("pause once")
        proc = start_worker(env, app="tests.faults.pausing_worker", log=log)
        started.append(proc)
        return proc

    yield start, marker, log
    for proc in started:
        stop(proc)


def test_a_recompute_whose_pool_process_is_killed_runs_again_and_ends_right(
    charted_measure, pausing_worker
):
    from metrics.tasks import recompute_measure
    from qi_portal.celery import app

    start, marker, log = pausing_worker
    measure = charted_measure()
    app.control.purge()  # the tasks of the set-up entries: exactly one task from here on
    recompute_measure.delay(measure.pk)
    worker = start()

    pid = paused_pid(marker, worker)
    assert computes(marker) == [pid]
    assert ChartSnapshot.objects.get(measure=measure).status == "stale"
    os.kill(pid, signal.SIGKILL)

    assert wait_for(lambda: fresh_at_current_version(measure.pk), 90), (
        "the killed recompute was not delivered again:\n" + log.read_text()[-3000:]
    )
    # The one task ran twice: first in the killed process, then again in its replacement.
    runs = computes(marker)
    assert runs[0] == pid and len(runs) == 2 and runs[1] != pid, runs
    assert worker.poll() is None, "the worker itself must survive the loss of a pool process"
    assert "WorkerLostError" in log.read_text()
    snapshot = ChartSnapshot.objects.get(measure=measure)
    result, error = engine_result(measure)
    assert error == "" or error is None
    assert snapshot.result == result
    assert snapshot.data_version == Measure.objects.get(pk=measure.pk).data_version


def test_a_recompute_lost_with_its_whole_worker_is_re_enqueued_by_the_sweep(
    charted_measure, pausing_worker, org_world
):
    """The whole worker (main process and pool) is killed: Redis would hand its unacknowledged
    task back only after the visibility timeout (an hour), so the beat sweep catches it up."""
    import datetime as dt

    from django.utils import timezone

    from metrics.entry.services import data_point_record
    from metrics.tasks import recompute_measure
    from metrics.workers import sweep as sweeping
    from qi_portal.celery import app

    start, marker, log = pausing_worker
    measure = charted_measure()
    app.control.purge()
    recompute_measure.delay(measure.pk)
    worker = start()
    pid = paused_pid(marker, worker)
    # More data arrives while the recompute is in flight; its task is queued behind.
    data_point_record(
        measure=measure, period=dt.date(2025, 1, 6), value=44, user=org_world["users"]["member"]
    )
    for process in (worker.pid, pid):
        os.kill(process, signal.SIGKILL)
    worker.wait(timeout=15)
    app.control.purge()  # the queued task is lost with the worker's host, as in an outage
    time.sleep(0.5)
    assert not fresh_at_current_version(measure.pk)

    replacement = start(pause=False)
    later = timezone.now() + sweeping.SWEEP_GRACE + dt.timedelta(seconds=1)
    assert sweeping.sweep(now=later)["charts"] == 1  # as beat would, a minute on
    assert wait_for(lambda: fresh_at_current_version(measure.pk), 90), (
        "the sweep did not bring the chart back:\n" + log.read_text()[-3000:]
    )
    assert replacement.poll() is None
    snapshot = ChartSnapshot.objects.get(measure=measure)
    assert snapshot.result == engine_result(measure)[0]
    assert snapshot.result["points"][-1]["value"] == 44
