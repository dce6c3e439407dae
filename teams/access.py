"""Finding what a user asked for, or 404: another organisation's rows, and users without one,
never learn that the thing exists. Every app's views use these before their permission check."""

from django.http import Http404

from teams import permissions
from teams.selectors import team_for_user_or_none


def organisation_or_404(user):
    """The user's organisation; 404 for an account not linked to one."""
    if user.organisation_id is None:
        raise Http404("Your account is not linked to an organisation.")
    return user.organisation


def team_or_404(user, team_id):
    """A team of the user's organisation, which the user may read; 404 otherwise."""
    team = team_for_user_or_none(user, team_id)
    if team is None:
        raise Http404("No such team in your organisation.")
    permissions.require(permissions.can_view_organisation(user, team))
    return team
