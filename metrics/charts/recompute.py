"""Keeping charts and dashboards in step with the data (DESIGN §4).

1. A write calls `measure_changed` inside its transaction: the measure's data version goes up,
   its chart snapshot is marked stale, and `recompute_measure` is enqueued for after commit.
2. `chart_snapshot_compute` (the worker) runs the engine and stores the result only if no newer
   result is stored; the snapshot is fresh only if the data did not move on meanwhile.
3. It then asks for the team, directorate and organisation dashboards. `dashboards_request`
   coalesces: while a scope is already waiting (dirty), nothing more is enqueued.
4. A change to a team's improvement work (cycles.services -> teams.extensions) asks for the
   same dashboards after commit: `team_work_changed`.
5. `sweep` (beat) re-enqueues whatever stayed stale or dirty, and imports left waiting for a
   worker: a lost task, a broker outage. When the broker is down at entry, the measure's
   dashboards are marked waiting (`dashboards_mark_waiting`) so they say "updating" meanwhile.
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from metrics import charting
from metrics.dashboards import dashboard_figures
from metrics.models import ChartSnapshot, DashboardSnapshot, ImportJob, Measure
from qi_portal.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

# A burst of entries within this many seconds costs one dashboard recompute per scope.
DASHBOARD_COALESCE_SECONDS = 2.0
# The sweep leaves young work alone: its own task is probably on its way.
SWEEP_GRACE = dt.timedelta(seconds=30)
# From this many stale charts on, the sweep sends chunks of SWEEP_CHUNK to `recompute_chunk`.
SWEEP_BATCH_FROM = 20
SWEEP_CHUNK = 100
# Dashboards draw this many of a chart's latest values as its sparkline.
SPARKLINE_POINTS = 26

FRESH, STALE, FAILED = (
    ChartSnapshot.Status.FRESH,
    ChartSnapshot.Status.STALE,
    ChartSnapshot.Status.FAILED,
)


def measure_changed(*, measure_id: int) -> None:
    """Call inside the transaction that changed the measure's data, phases or settings."""
    from metrics.tasks import recompute_measure

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
    enqueue_on_commit(
        recompute_measure,
        measure_id,
        on_unreachable=lambda: dashboards_mark_waiting(measure_id=measure_id),
    )


def dashboards_mark_waiting(*, measure_id: int) -> None:
    """The measure's recompute could not be enqueued (the broker is down): mark the dashboards
    that show it as waiting, so they say "updating" over their last figures until the sweep
    re-enqueues the chart and them. Nothing is enqueued here: the broker is down."""
    measure = (
        Measure.objects.filter(pk=measure_id)
        .values("organisation_id", "team_id", "team__directorate_id")
        .first()
    )
    if measure is None:
        return
    Scope = DashboardSnapshot.Scope
    scopes = Q(scope=Scope.ORGANISATION, scope_id=measure["organisation_id"])
    if measure["team_id"]:
        scopes |= Q(scope=Scope.TEAM, scope_id=measure["team_id"])
        scopes |= Q(scope=Scope.DIRECTORATE, scope_id=measure["team__directorate_id"])
    DashboardSnapshot.objects.filter(scopes, dirty_since__isnull=True).update(
        dirty_since=timezone.now()
    )


def measures_changed(*, measure_ids) -> None:
    for measure_id in measure_ids:
        measure_changed(measure_id=measure_id)


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


def team_work_changed(team) -> None:
    """teams.extensions listener, called inside the transaction that changed a team's projects,
    change ideas, cycles, scores or reviews: once it commits, ask for the team's, its
    directorate's and the organisation's dashboards (coalesced like data entry's)."""
    scopes = {
        "organisation_id": team.organisation_id,
        "directorate_id": team.directorate_id,
        "team_id": team.pk,
    }
    transaction.on_commit(lambda: dashboards_request(**scopes))


def measure_listing_changed(measure: Measure, *, previous_team=None) -> None:
    """A measure was created, renamed, moved to another team or made a key measure: once the
    transaction commits, ask for the dashboards that list it (and, if it moved, that did)."""
    teams = {team for team in (measure.team, previous_team) if team is not None}
    organisation_id = measure.organisation_id

    def request():
        if not teams:  # a trust-wide measure
            dashboards_request(organisation_id=organisation_id)
        for team in teams:
            dashboards_request(
                organisation_id=organisation_id, directorate_id=team.directorate_id, team_id=team.pk
            )

    transaction.on_commit(request)


def dashboards_request(*, organisation_id: int, directorate_id=None, team_id=None) -> None:
    """Ask for the dashboards of these scopes, coalesced: one pending recompute per scope."""
    from metrics.tasks import recompute_dashboard

    scopes = [(DashboardSnapshot.Scope.ORGANISATION, organisation_id)]
    if directorate_id:
        scopes.append((DashboardSnapshot.Scope.DIRECTORATE, directorate_id))
    if team_id:
        scopes.append((DashboardSnapshot.Scope.TEAM, team_id))
    now = timezone.now()
    for scope, scope_id in scopes:
        snapshot, _ = DashboardSnapshot.objects.get_or_create(
            scope=scope, scope_id=scope_id, defaults={"organisation_id": organisation_id}
        )
        DashboardSnapshot.objects.filter(pk=snapshot.pk).update(
            requested_version=F("requested_version") + 1
        )
        claimed = DashboardSnapshot.objects.filter(pk=snapshot.pk, dirty_since__isnull=True)
        if claimed.update(dirty_since=now):
            enqueue_on_commit(
                recompute_dashboard, snapshot.pk, countdown=DASHBOARD_COALESCE_SECONDS
            )


def dashboard_snapshot_compute(*, snapshot_id: int) -> str:
    """Recompute one scope's dashboard if it is waiting. Idempotent."""
    from metrics.tasks import recompute_dashboard

    snapshot = DashboardSnapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        return "gone"
    if snapshot.dirty_since is None:
        return "already fresh"
    requested = snapshot.requested_version
    data = dashboard_figures(scope=snapshot.scope, scope_id=snapshot.scope_id)
    if data is None:  # its directorate or team was deleted
        DashboardSnapshot.objects.filter(pk=snapshot_id).delete()
        return "gone"
    now = timezone.now()
    with transaction.atomic():
        done = DashboardSnapshot.objects.filter(pk=snapshot_id, requested_version=requested)
        if done.update(
            data=data,
            computed_at=now,
            computed_version=requested,
            dirty_since=None,
            compute_count=F("compute_count") + 1,
        ):
            return "fresh"
        # Asked again while we computed: store what we have and go round once more.
        DashboardSnapshot.objects.filter(pk=snapshot_id).update(
            data=data,
            computed_at=now,
            computed_version=requested,
            compute_count=F("compute_count") + 1,
        )
        enqueue_on_commit(recompute_dashboard, snapshot_id, countdown=DASHBOARD_COALESCE_SECONDS)
    return "again"


def sweep(*, now=None) -> dict:
    """Re-enqueue charts left stale, dashboards left waiting and imports left queued beyond
    the grace period. Every task is idempotent, so one that was merely slow does no harm."""
    from metrics.tasks import import_data, recompute_chunk, recompute_dashboard, recompute_measure

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
            enqueue_on_commit(recompute_measure, measure_id, always_try=True)
    else:
        # Many charts left behind (after a broker outage, say): in chunks through the
        # engine's batch form, as a bulk recompute does, rather than a task per chart.
        measure_ids.sort()
        for i in range(0, len(measure_ids), SWEEP_CHUNK):
            enqueue_on_commit(recompute_chunk, measure_ids[i : i + SWEEP_CHUNK], always_try=True)
    for snapshot_id in dashboard_ids:
        enqueue_on_commit(recompute_dashboard, snapshot_id, always_try=True)
    for job_id in import_ids:
        enqueue_on_commit(import_data, job_id, always_try=True)
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
