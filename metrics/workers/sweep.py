"""The sweep (beat, every minute): re-enqueue the work whose task was lost — charts left stale,
dashboards left waiting, imports left queued — after a broker outage or a killed worker.
Every task is idempotent, so one that was merely slow does no harm (DESIGN §4, step 4)."""

import datetime as dt
import logging

from django.utils import timezone

from metrics import background
from metrics.models import ChartSnapshot, DashboardSnapshot, ImportJob

logger = logging.getLogger(__name__)

# The sweep leaves young work alone: its own task is probably on its way.
SWEEP_GRACE = dt.timedelta(seconds=30)
# From this many stale charts on, the sweep sends chunks of SWEEP_CHUNK to `recompute_chunk`.
SWEEP_BATCH_FROM = 20
SWEEP_CHUNK = 100
STALE = ChartSnapshot.Status.STALE


def sweep(*, now=None) -> dict:
    """Re-enqueue charts left stale, dashboards left waiting and imports left queued beyond
    the grace period. Every task is idempotent, so one that was merely slow does no harm."""
    cutoff = (now or timezone.now()) - SWEEP_GRACE
    measure_ids = list(
        ChartSnapshot.objects.filter(status=STALE, stale_since__lt=cutoff).values_list(
            "measure_id", flat=True
        )
    )
    dashboard_ids = list(
        DashboardSnapshot.objects.filter(dirty_since__lt=cutoff).values_list("pk", flat=True)
    )
    import_ids = list(
        ImportJob.objects.filter(status=ImportJob.Status.QUEUED, queued_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    # The sweep always tries the broker, even just after a failure (qi_portal.queue).
    if len(measure_ids) < SWEEP_BATCH_FROM:
        for measure_id in measure_ids:
            background.recompute_measure(measure_id, always_try=True)
    else:
        # Many charts left behind (after a broker outage, say): in chunks through the
        # engine's batch form, as a bulk recompute does, rather than a task per chart.
        measure_ids.sort()
        for i in range(0, len(measure_ids), SWEEP_CHUNK):
            background.recompute_chunk(measure_ids[i : i + SWEEP_CHUNK], always_try=True)
    for snapshot_id in dashboard_ids:
        background.recompute_dashboard(snapshot_id, always_try=True)
    for job_id in import_ids:
        background.import_data(job_id, always_try=True)
    if measure_ids or dashboard_ids or import_ids:
        logger.info(
            "Sweep re-enqueued %d charts, %d dashboards, %d imports",
            len(measure_ids),
            len(dashboard_ids),
            len(import_ids),
        )
    return {
        "charts": len(measure_ids),
        "dashboards": len(dashboard_ids),
        "imports": len(import_ids),
    }
