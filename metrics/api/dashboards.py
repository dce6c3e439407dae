"""The dashboards' figures through the API: the trust's, a directorate's, a team's — exactly the
figures the portal's dashboards show (docs/dashboards.md), as a worker last computed them.

Never computed here: a scope with no figures yet is asked for (`status` "pending"); while new
ones are on their way `status` is "updating" and the last figures are sent. Send the ETag back
in `If-None-Match` to be told 304 until they change."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from metrics.api.responses import ERRORS, NOT_MODIFIED
from metrics.api.serializers import MAX_ID
from metrics.dashboards.snapshots import Scope, snapshot_or_request
from teams.api.conditional import conditional
from teams.models import Directorate, Team


class DashboardSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=Scope.choices)
    id = serializers.IntegerField(help_text="The organisation's, directorate's or team's id.")
    status = serializers.ChoiceField(
        choices=["fresh", "updating", "pending"],
        help_text="fresh: the latest figures; updating: new ones are being computed (these are "
        "the last); pending: none yet, they are being computed (ask again in a few seconds).",
    )
    computed_at = serializers.DateTimeField(allow_null=True)
    figures = serializers.JSONField(
        allow_null=True,
        help_text="The dashboard's figures (measure counts by variation and assurance, "
        "measures, activity, progress, children...): see docs/dashboards.md. Null while pending.",
    )


def _status(snapshot) -> str:
    if snapshot is None or snapshot.computed_at is None:
        return "pending"
    return "updating" if snapshot.dirty_since is not None else "fresh"


def _etag(scope: str, scope_id: int, snapshot) -> str:
    if snapshot is None:
        return f'"dashboard-{scope}-{scope_id}-none"'
    computed = snapshot.computed_at.isoformat() if snapshot.computed_at else "-"
    return (
        f'"dashboard-{scope}-{scope_id}-{snapshot.computed_version}-{computed}-{_status(snapshot)}"'
    )


def _answer(request, scope: str, scope_id: int, **chain):
    snapshot = snapshot_or_request(request.auth.organisation_id, scope, scope_id, **chain)

    def body():
        return {
            "scope": scope,
            "id": scope_id,
            "status": _status(snapshot),
            "computed_at": snapshot.computed_at if snapshot else None,
            "figures": (snapshot.data or None) if snapshot and snapshot.computed_at else None,
        }

    etag = _etag(scope, scope_id, snapshot)
    return conditional(request, etag, lambda: DashboardSerializer(body()).data)


def _in_organisation(model, request, pk: int):
    if not 0 < pk <= MAX_ID:
        raise Http404
    found = model.objects.filter(pk=pk, organisation_id=request.auth.organisation_id).first()
    if found is None:
        raise Http404  # another organisation's, or none at all: the same answer
    return found


RESPONSES = {200: DashboardSerializer, 304: NOT_MODIFIED, **ERRORS}


@extend_schema(responses=RESPONSES)
class OrganisationDashboard(APIView):
    """The trust's dashboard figures: every measure, key measures, activity, its directorates."""

    def get(self, request):
        organisation_id = request.auth.organisation_id
        return _answer(request, Scope.ORGANISATION, organisation_id)


@extend_schema(responses=RESPONSES)
class DirectorateDashboard(APIView):
    """A directorate's dashboard figures, with its teams."""

    def get(self, request, directorate_id: int):
        directorate = _in_organisation(Directorate, request, directorate_id)
        return _answer(request, Scope.DIRECTORATE, directorate.pk, directorate_id=directorate.pk)


@extend_schema(responses=RESPONSES)
class TeamDashboard(APIView):
    """A team's dashboard figures, with its projects and recent learning."""

    def get(self, request, team_id: int):
        team = _in_organisation(Team, request, team_id)
        return _answer(
            request, Scope.TEAM, team.pk, directorate_id=team.directorate_id, team_id=team.pk
        )
