"""Keeping charts in step with the data (DESIGN §4).

1. A write calls `measure_changed` inside its transaction: the measure's data version goes up,
   its chart snapshot is marked stale, and `recompute_measure` is enqueued for after commit.
2. `chart_snapshot_compute` (the worker) runs the engine and stores the result only if no newer
   result is stored; the snapshot is fresh only if the data did not move on meanwhile.
3. It then asks for the team, directorate and organisation dashboards
   (metrics.dashboards.recompute, coalesced). When the broker is down at entry, the measure's
   dashboards are marked waiting so they say "updating" meanwhile; the sweep
   (metrics.workers.sweep) re-enqueues whatever stayed stale.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from metrics import background
from metrics.charts import inputs as charting
from metrics.dashboards.recompute import dashboards_mark_waiting, dashboards_request
from metrics.models import ChartSnapshot, Measure

# Dashboards draw this many of a chart's latest values as its sparkline.
SPARKLINE_POINTS = 26

FRESH, STALE, FAILED = (
    ChartSnapshot.Status.FRESH,
    ChartSnapshot.Status.STALE,
    ChartSnapshot.Status.FAILED,
)


def measure_changed(*, measure_id: int) -> None:
    """Call inside the transaction that changed the measure's data, phases or settings."""
    now = timezone.now()
    Measure.objects.filter(pk=measure_id).update(data_version=F("data_version") + 1)
    snapshot, created = ChartSnapshot.objects.get_or_create(
        measure_id=measure_id, defaults={"status": STALE, "stale_since": now}
    )
    if not created:
        # Keep the earliest stale time, so the sweep knows how long it has waited.
        ChartSnapshot.objects.filter(pk=snapshot.pk).exclude(status=STALE).update(
            status=STALE, stale_since=now
        )
    background.recompute_measure(
        measure_id, on_unreachable=lambda: dashboards_mark_waiting(measure_id=measure_id)
    )


# From this many measures changed together, their charts go to the bulk recompute in chunks.
CHUNK_FROM = 10
CHUNK_SIZE = 100


def measures_changed(*, measure_ids) -> None:
    """measure_changed for many measures at once (a batch, an import): a few queries in all,
    then one recompute asked per measure after commit."""
    ids = sorted(set(measure_ids))
    if not ids:
        return
    now = timezone.now()
    Measure.objects.filter(pk__in=ids).update(data_version=F("data_version") + 1)
    snapshots = ChartSnapshot.objects.filter(measure_id__in=ids)
    have = set(snapshots.values_list("measure_id", flat=True))
    ChartSnapshot.objects.bulk_create(
        [ChartSnapshot(measure_id=i, status=STALE, stale_since=now) for i in ids if i not in have]
    )
    # Keep the earliest stale time, so the sweep knows how long it has waited.
    snapshots.exclude(status=STALE).update(status=STALE, stale_since=now)
    if len(ids) < CHUNK_FROM:
        for measure_id in ids:
            background.recompute_measure(
                measure_id,
                on_unreachable=lambda measure_id=measure_id: dashboards_mark_waiting(
                    measure_id=measure_id
                ),
            )
        return
    # Many charts at once (a warehouse batch): the bulk recompute, a chunk a task, computes
    # them together (one load, one batch of the engine, one write), several times faster.
    for i in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[i : i + CHUNK_SIZE]
        background.recompute_chunk(
            chunk,
            on_unreachable=lambda chunk=chunk: [
                dashboards_mark_waiting(measure_id=measure_id) for measure_id in chunk
            ],
        )


def _load(measure: Measure) -> charting.ChartInput:
    points = list(
        measure.points.order_by("period").values_list("period", "value", "numerator", "denominator")
    )
    phase_starts = list(measure.phases.values_list("starts_on", flat=True))
    return charting.chart_input(
        chart_type=measure.chart_type,
        frequency=measure.frequency,
        improvement=measure.improvement,
        target=measure.target,
        points=points,
        phase_starts=phase_starts,
        freeze_until=measure.freeze_until,
    )


def chart_snapshot_compute(*, measure_id: int) -> str:
    """Recompute one measure's chart. Idempotent; returns what happened, for logs and tests."""
    measure = Measure.objects.select_related("team").filter(pk=measure_id).first()
    if measure is None:
        return "gone"
    version = measure.data_version
    stored = ChartSnapshot.objects.filter(measure_id=measure_id).values("status", "data_version")
    stored = stored.first()
    if stored and stored["status"] == FRESH and stored["data_version"] >= version:
        return "already fresh"

    chart = _load(measure)
    result, error = charting.compute(chart)

    with transaction.atomic():
        current = (
            Measure.objects.select_for_update()
            .filter(pk=measure_id)
            .values_list("data_version", flat=True)
            .first()
        )
        if current is None:
            return "gone"
        snapshot, _ = ChartSnapshot.objects.select_for_update().get_or_create(measure_id=measure_id)
        if snapshot.data_version > version:
            return "superseded"  # a newer result is already stored: never go back
        status = FAILED if error else FRESH
        if current != version:
            status = STALE  # the data moved on while we computed; its own task follows
        snapshot_fill(
            snapshot,
            status=status,
            version=version,
            chart=chart,
            result=result,
            error=error,
            now=timezone.now(),
        )
        snapshot.save(update_fields=SNAPSHOT_FIELDS)
    if status != STALE:  # when stale, the task for the newer data will ask instead
        dashboards_request(
            organisation_id=measure.organisation_id,
            team_id=measure.team_id,
            directorate_id=measure.team.directorate_id if measure.team_id else None,
        )
    return str(status)


# What snapshot_fill sets: the fields a recompute writes.
SNAPSHOT_FIELDS = [
    "status", "data_version", "periods", "result", "error", "variation", "assurance",
    "latest_period", "latest_value", "sparkline", "special_cause_since", "special_cause_type",
    "computed_at", "stale_since",
]  # fmt: skip


def snapshot_fill(snapshot: ChartSnapshot, *, status, version, chart, result, error, now):
    """Set a chart snapshot from one computation (the engine's `result`, or its `error`) of
    the measure's data at `version`; the caller saves it (one row, or many in bulk)."""
    snapshot.status = status
    snapshot.data_version = version
    snapshot.periods = [p.isoformat() for p in chart.periods]
    snapshot.result = result
    snapshot.error = error
    snapshot.latest_period, snapshot.latest_value = _latest(chart.periods, result)
    snapshot.variation = (result["variation"] or "") if result else ""
    snapshot.assurance = (result["assurance"] or "") if result else ""
    snapshot.sparkline = _sparkline(result)
    _note_special_cause(snapshot, result, now)
    snapshot.computed_at = now
    if status != STALE:
        snapshot.stale_since = None


def _latest(periods, result):
    if not result:
        return None, None
    for period, point in zip(reversed(periods), reversed(result["points"]), strict=True):
        if point["value"] is not None:
            return period, point["value"]
    return None, None


def _sparkline(result) -> list:
    if not result:
        return []
    return [point["value"] for point in result["points"][-SPARKLINE_POINTS:]]


def _note_special_cause(snapshot: ChartSnapshot, result, now) -> None:
    """Keep the time the latest point first showed its kind of special cause, so that a coach
    sees a signal as new only once: a run that goes on is the same signal, a new kind is not."""
    kind = ""
    if result:
        present = [point for point in result["points"] if point["value"] is not None]
        if present and present[-1]["special_cause"]:
            kind = present[-1]["point_type"] or ""
    if not kind:
        snapshot.special_cause_since, snapshot.special_cause_type = None, ""
    elif kind != snapshot.special_cause_type or snapshot.special_cause_since is None:
        snapshot.special_cause_since, snapshot.special_cause_type = now, kind
