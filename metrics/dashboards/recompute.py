"""Keeping dashboards in step with the charts and the improvement work (DESIGN §4, step 3).

`dashboards_request` asks for the dashboards of a team, its directorate and its organisation,
coalesced: while a scope is already waiting (dirty), nothing more is enqueued, so a burst of
entries costs one recompute per scope. `dashboard_snapshot_compute` (the worker) recomputes a
waiting scope. A change to a team's projects and cycles (cycles.services -> teams.extensions)
asks through `team_work_changed`; a measure created, renamed or moved through
`measure_listing_changed`; a chart recompute the broker could not take marks its dashboards
waiting (`dashboards_mark_waiting`), so they say "updating" until the sweep catches up.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from metrics import background
from metrics.dashboards.figures import dashboard_figures
from metrics.models import DashboardSnapshot, Measure

# A burst of entries within this many seconds costs one dashboard recompute per scope.
DASHBOARD_COALESCE_SECONDS = 2.0


def dashboards_request(*, organisation_id: int, directorate_id=None, team_id=None) -> None:
    """Ask for the dashboards of these scopes, coalesced: one pending recompute per scope."""
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
            background.recompute_dashboard(snapshot.pk, countdown=DASHBOARD_COALESCE_SECONDS)


def dashboards_request_many(scopes) -> None:
    """`dashboards_request` for many (organisation, directorate, team) at once."""
    wanted = set()
    for organisation_id, directorate_id, team_id in scopes:
        wanted.add((DashboardSnapshot.Scope.ORGANISATION, organisation_id, organisation_id))
        if directorate_id:
            wanted.add((DashboardSnapshot.Scope.DIRECTORATE, directorate_id, organisation_id))
        if team_id:
            wanted.add((DashboardSnapshot.Scope.TEAM, team_id, organisation_id))
    DashboardSnapshot.objects.bulk_create(
        [DashboardSnapshot(scope=s, scope_id=i, organisation_id=o) for s, i, o in sorted(wanted)],
        ignore_conflicts=True,
    )
    now = timezone.now()
    by_scope = defaultdict(list)
    for scope, scope_id, _ in wanted:
        by_scope[scope].append(scope_id)
    for scope, scope_ids in by_scope.items():
        rows = DashboardSnapshot.objects.filter(scope=scope, scope_id__in=scope_ids)
        rows.update(requested_version=F("requested_version") + 1)
        waiting = list(rows.filter(dirty_since__isnull=True).values_list("pk", flat=True))
        for pk in waiting:
            claimed = DashboardSnapshot.objects.filter(pk=pk, dirty_since__isnull=True)
            if claimed.update(dirty_since=now):
                background.recompute_dashboard(pk, countdown=DASHBOARD_COALESCE_SECONDS)


def dashboard_snapshot_compute(*, snapshot_id: int) -> str:
    """Recompute one scope's dashboard if it is waiting. Idempotent."""
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
        background.recompute_dashboard(snapshot_id, countdown=DASHBOARD_COALESCE_SECONDS)
    return "again"


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
