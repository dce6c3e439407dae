"""Who may do what (DESIGN §6). Every view of every app asks these functions; none hand-rolls a
role check.

| action                                   | member | lead | coach          | board | admin |
|------------------------------------------|--------|------|----------------|-------|-------|
| read the organisation's QI work          | yes    | yes  | yes            | yes   | yes   |
| create/edit the team's projects, data    | own    | own  | assigned teams | no    | yes   |
| manage the team's members and measures   | no     | own  | no             | no    | yes   |
| start a phase / freeze limits            | no     | own  | assigned teams | no    | yes   |
| write reviews                            | no     | no   | assigned teams | no    | yes   |
| trust dashboard and board report         | yes    | yes  | yes            | yes   | yes   |
| organisation structure, users, roles     | no     | no   | no             | no    | yes   |
| the team's audit trail (who changed what)| no     | own  | assigned teams | no    | yes   |

Nobody ever acts on another organisation's rows. A user's memberships, roles and coaching
assignments are read once per request (two queries) and kept on the user object.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from teams.models import CoachAssignment, Membership, Organisation, OrganisationRole

ROLE_MEMBER = Membership.Role.MEMBER
ROLE_LEAD = Membership.Role.LEAD
ROLE_COACH = OrganisationRole.Role.COACH
ROLE_BOARD = OrganisationRole.Role.BOARD
ROLE_ADMIN = OrganisationRole.Role.ADMIN


@dataclass(frozen=True)
class Access:
    """What one signed-in user is in their organisation."""

    organisation_id: int | None
    roles: frozenset[str]
    team_roles: dict[int, str]  # team id -> member | lead
    coached_team_ids: frozenset[int]

    @property
    def is_admin(self) -> bool:
        return ROLE_ADMIN in self.roles

    @property
    def is_coach(self) -> bool:
        return ROLE_COACH in self.roles

    @property
    def is_board(self) -> bool:
        return ROLE_BOARD in self.roles

    @property
    def lead_team_ids(self) -> frozenset[int]:
        return frozenset(t for t, role in self.team_roles.items() if role == ROLE_LEAD)


NO_ACCESS = Access(None, frozenset(), {}, frozenset())


def access_for(user) -> Access:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_qi_access", None)
    if cached is not None:
        return cached
    if user.organisation_id is None:
        access = NO_ACCESS
    else:
        memberships = Membership.objects.filter(
            user=user, team__organisation_id=user.organisation_id
        ).values_list("team_id", "role")
        roles = frozenset(OrganisationRole.objects.filter(user=user).values_list("role", flat=True))
        coached = frozenset()
        if ROLE_COACH in roles:
            coached = frozenset(
                CoachAssignment.objects.filter(
                    coach=user, team__organisation_id=user.organisation_id
                ).values_list("team_id", flat=True)
            )
        access = Access(user.organisation_id, roles, dict(memberships), coached)
    user._qi_access = access
    return access


def forget_access(user) -> None:
    """Drop the cached access, e.g. after changing the user's roles in the same request."""
    user.__dict__.pop("_qi_access", None)


def _organisation_id(obj) -> int | None:
    """The organisation of an Organisation, or of anything carrying organisation_id."""
    if isinstance(obj, Organisation):
        return obj.pk
    return obj.organisation_id


def _in_organisation(access: Access, organisation_id) -> bool:
    return access.organisation_id is not None and access.organisation_id == organisation_id


def can_view_organisation(user, organisation) -> bool:
    """Read projects, cycles, measures and dashboards of the whole organisation."""
    return _in_organisation(access_for(user), _organisation_id(organisation))


def can_edit_team_work(user, team) -> bool:
    """Create and edit the team's projects, PDSA cycles and data."""
    access = access_for(user)
    if not _in_organisation(access, team.organisation_id):
        return False
    return access.is_admin or team.pk in access.team_roles or team.pk in access.coached_team_ids


def can_manage_team(user, team) -> bool:
    """Manage the team's members and measures."""
    access = access_for(user)
    if not _in_organisation(access, team.organisation_id):
        return False
    return access.is_admin or access.team_roles.get(team.pk) == ROLE_LEAD


def _lead_coach_or_admin(user, team) -> bool:
    """The team's lead, a coach assigned to it, or an admin of its organisation."""
    access = access_for(user)
    if not _in_organisation(access, team.organisation_id):
        return False
    return (
        access.is_admin
        or access.team_roles.get(team.pk) == ROLE_LEAD
        or team.pk in access.coached_team_ids
    )


def can_change_phase(user, team) -> bool:
    """Start a new phase (re-baseline) or freeze limits on one of the team's measures."""
    return _lead_coach_or_admin(user, team)


def can_write_review(user, team) -> bool:
    """Write coach feedback on the team's projects and cycles."""
    access = access_for(user)
    if not _in_organisation(access, team.organisation_id):
        return False
    return access.is_admin or team.pk in access.coached_team_ids


def can_view_audit(user, team) -> bool:
    """Read the team's audit trail: who changed which data point, measure, phase or cycle."""
    return _lead_coach_or_admin(user, team)


def can_view_dashboard(user, organisation) -> bool:
    """The trust-wide dashboard and the board report."""
    return can_view_organisation(user, organisation)


def can_coach(user) -> bool:
    """Has the coaching view of assigned teams."""
    return access_for(user).is_coach


def can_manage_organisation(user, organisation) -> bool:
    """Directorates, teams, users and their roles."""
    access = access_for(user)
    return _in_organisation(access, _organisation_id(organisation)) and access.is_admin


def _owned_by_organisation(thing) -> bool:
    return getattr(thing, "team_id", None) is None


def can_enter_data(user, measure) -> bool:
    """Enter and correct data points of a measure (its team's work; admins for trust-wide)."""
    if _owned_by_organisation(measure):
        return can_manage_organisation(user, measure)
    return can_edit_team_work(user, measure.team)


def can_manage_measure(user, measure) -> bool:
    """Create and edit the definition of a measure: the team's lead, or an admin."""
    if _owned_by_organisation(measure):
        return can_manage_organisation(user, measure)
    return can_manage_team(user, measure.team)


def can_change_measure_phase(user, measure) -> bool:
    """Start a new phase or freeze limits on a measure."""
    if _owned_by_organisation(measure):
        return can_manage_organisation(user, measure)
    return can_change_phase(user, measure.team)


# The table above, by name: tests walk it role by role, and templates can ask it.
TEAM_ACTIONS = {
    "edit_team_work": can_edit_team_work,
    "manage_team": can_manage_team,
    "change_phase": can_change_phase,
    "write_review": can_write_review,
    "view_audit": can_view_audit,
}
MEASURE_ACTIONS = {
    "enter_data": can_enter_data,
    "manage_measure": can_manage_measure,
    "change_measure_phase": can_change_measure_phase,
}
ORGANISATION_ACTIONS = {
    "view_organisation": can_view_organisation,
    "view_dashboard": can_view_dashboard,
    "manage_organisation": can_manage_organisation,
}


def require(allowed: bool, message: str = "You do not have permission to do this.") -> None:
    """Refuse with 403 unless allowed."""
    if not allowed:
        raise PermissionDenied(message)
