"""Reading a scope's dashboard snapshot, for the pages and the API alike: never computed here;
one never computed (nor asked for) is asked for, and read again."""

from django.db.models.fields.json import KT

from metrics.dashboards.recompute import dashboards_request
from metrics.models import DashboardSnapshot
from teams.models import Directorate, Team

Scope = DashboardSnapshot.Scope


def snapshot_of(organisation_id, scope, scope_id, *, lazy=False):
    """The scope's snapshot. `lazy` leaves its figures (`data`, up to a few MB of JSON for a
    large trust) unread until something asks for them: pages whose figures are in the fragment
    cache never do, and a miss costs one more query. The scope's name is read either way."""
    snapshots = DashboardSnapshot.objects.filter(
        organisation_id=organisation_id, scope=scope, scope_id=scope_id
    )
    if lazy:
        snapshots = snapshots.defer("data").annotate(scope_name=KT("data__name"))
    return snapshots.first()


def snapshot_or_request(
    organisation_id, scope, scope_id, *, directorate_id=None, team_id=None, lazy=False
):
    """The scope's snapshot; if it has never been computed (nor asked for), ask now. Without a
    broker the figures are computed in-process at once, so the snapshot is read again."""
    snapshot = snapshot_of(organisation_id, scope, scope_id, lazy=lazy)
    if snapshot is not None and (snapshot.computed_at or snapshot.dirty_since):
        return snapshot
    dashboards_request(
        organisation_id=organisation_id, directorate_id=directorate_id, team_id=team_id
    )
    return snapshot_of(organisation_id, scope, scope_id, lazy=lazy)


def scope_in_organisation(organisation_id, scope, scope_id) -> bool:
    if scope == Scope.ORGANISATION:
        return scope_id == organisation_id
    if scope == Scope.DIRECTORATE:
        return Directorate.objects.filter(pk=scope_id, organisation_id=organisation_id).exists()
    if scope == Scope.TEAM:
        return Team.objects.filter(pk=scope_id, organisation_id=organisation_id).exists()
    return False
