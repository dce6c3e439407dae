"""The real Celery app and tasks, for `celery -A tests.faults.pausing_worker worker`, with one
genuine delay for the fault tests: in each pool process, after the engine has computed a chart
(the real `charting.compute`, its real result) and before the snapshot is written, the first
recompute to find the file $QI_FAULT_PAUSE_FILE removes it, writes its pid to
$QI_FAULT_PAUSE_FILE.paused and sleeps $QI_FAULT_PAUSE_SECONDS: a recompute caught in flight, for
the test to kill. Every compute appends its pid to $QI_FAULT_PAUSE_FILE.log."""

import os
import time
from pathlib import Path

from celery.signals import worker_process_init

from qi_portal.celery import app

__all__ = ["app"]


@worker_process_init.connect
def _pause_after_the_engine(**kwargs):
    import django

    django.setup()
    from metrics.charts import inputs as charting

    compute = charting.compute
    marker = Path(os.environ["QI_FAULT_PAUSE_FILE"])
    seconds = float(os.environ.get("QI_FAULT_PAUSE_SECONDS", "120"))

    def compute_then_pause(chart):
        result = compute(chart)
        with open(f"{marker}.log", "a") as log:
            log.write(f"{os.getpid()}\n")
        try:
            marker.unlink()  # only the first delivery pauses
        except FileNotFoundError:
            return result
        Path(f"{marker}.paused").write_text(str(os.getpid()))
        time.sleep(seconds)
        return result

    charting.compute = compute_then_pause
