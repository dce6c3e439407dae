"""Which rows a dashboard scope covers, and the groups it breaks its figures down by: an
organisation by directorate, a directorate by team, a team by itself (docs/dashboards.md).

Every filter goes through the scope's own key (organisation, directorate or team id), so a
figure can never count another organisation's rows."""

from dataclasses import dataclass

from metrics.models import DashboardSnapshot
from teams.models import Directorate, Organisation, Team

Scope = DashboardSnapshot.Scope


@dataclass(frozen=True)
class ScopeInfo:
    scope: str
    scope_id: int
    name: str
    organisation_id: int
    # The child scope and its groups, in name order: directorates, teams, or the team itself.
    child_scope: str | None
    groups: list[tuple[int, str]]
    # Path from a Team to the id of the group it belongs to.
    team_group: str
    # Filter on a Team for the rows of this scope.
    team_filter: dict

    def on_team(self, prefix: str) -> dict:
        """The scope's filter for a model that reaches Team through `prefix` (e.g. "project__")."""
        return {f"{prefix}team__{key}": value for key, value in self.team_filter.items()}

    def group_of(self, prefix: str) -> str:
        return f"{prefix}team__{self.team_group}"


def scope_info(scope: str, scope_id: int) -> ScopeInfo | None:
    """None when the scope no longer exists."""
    if scope == Scope.ORGANISATION:
        organisation = Organisation.objects.filter(pk=scope_id).values("name").first()
        if organisation is None:
            return None
        groups = Directorate.objects.filter(organisation_id=scope_id).order_by("name", "pk")
        return ScopeInfo(
            scope=scope,
            scope_id=scope_id,
            name=organisation["name"],
            organisation_id=scope_id,
            child_scope=Scope.DIRECTORATE,
            groups=list(groups.values_list("pk", "name")),
            team_group="directorate_id",
            team_filter={"organisation_id": scope_id},
        )
    if scope == Scope.DIRECTORATE:
        directorate = Directorate.objects.filter(pk=scope_id).values("name", "organisation_id")
        directorate = directorate.first()
        if directorate is None:
            return None
        groups = Team.objects.filter(directorate_id=scope_id).order_by("name", "pk")
        return ScopeInfo(
            scope=scope,
            scope_id=scope_id,
            name=directorate["name"],
            organisation_id=directorate["organisation_id"],
            child_scope=Scope.TEAM,
            groups=list(groups.values_list("pk", "name")),
            team_group="id",
            team_filter={"directorate_id": scope_id},
        )
    if scope == Scope.TEAM:
        team = Team.objects.filter(pk=scope_id).values("name", "organisation_id").first()
        if team is None:
            return None
        return ScopeInfo(
            scope=scope,
            scope_id=scope_id,
            name=team["name"],
            organisation_id=team["organisation_id"],
            child_scope=None,
            groups=[(scope_id, team["name"])],
            team_group="id",
            team_filter={"id": scope_id},
        )
    raise ValueError(f"Unknown dashboard scope {scope!r}")
