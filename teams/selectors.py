"""Reads of the organisation structure, each scoped to one organisation."""

from django.db.models import Count, Prefetch, Q

from teams.models import CoachAssignment, Directorate, Membership, OrganisationRole, Team, User


def directorates_with_teams(organisation_id):
    teams = Team.objects.annotate(
        member_count=Count("memberships", distinct=True),
    ).order_by("name")
    return (
        Directorate.objects.filter(organisation_id=organisation_id)
        .prefetch_related(Prefetch("teams", queryset=teams))
        .order_by("name")
    )


def team_for_user_or_none(user, team_id):
    """The team, if it is in the user's organisation; None otherwise (the caller 404s)."""
    if user.organisation_id is None:
        return None
    return (
        Team.objects.select_related("directorate", "organisation")
        .filter(pk=team_id, organisation_id=user.organisation_id)
        .first()
    )


def team_people(team):
    memberships = list(
        Membership.objects.filter(team=team)
        .select_related("user")
        .order_by("-role", "user__first_name", "user__last_name")
    )
    coaches = [a.coach for a in CoachAssignment.objects.filter(team=team).select_related("coach")]
    return memberships, coaches


def teams_of_user(user):
    return (
        Team.objects.filter(memberships__user=user, organisation_id=user.organisation_id)
        .select_related("directorate")
        .order_by("name")
    )


def coached_teams(user):
    return (
        Team.objects.filter(coach_assignments__coach=user, organisation_id=user.organisation_id)
        .select_related("directorate")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("directorate__name", "name")
    )


def people_of_organisation(organisation_id):
    return (
        User.objects.filter(organisation_id=organisation_id, is_active=True)
        .prefetch_related(
            Prefetch("organisation_roles", queryset=OrganisationRole.objects.order_by("role")),
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("team").order_by("team__name"),
            ),
        )
        .order_by("first_name", "last_name", "username")
    )


def candidates_for_team(team):
    """People of the team's organisation who are not yet in the team."""
    return (
        User.objects.filter(organisation_id=team.organisation_id, is_active=True)
        .exclude(Q(memberships__team=team))
        .order_by("first_name", "last_name", "username")
    )


MEMBER_SEARCH_LIMIT = 20


def member_search(team, query: str, *, limit: int = MEMBER_SEARCH_LIMIT):
    """At most `limit` people of the team's organisation, not yet in it, whose name, username
    or email holds every word of `query` (nobody for an empty query), and whether there are
    more. The "add someone" form lists these instead of everyone in the organisation."""
    words = query.split()[:5]
    if not words:
        return [], False
    people = candidates_for_team(team)
    for word in words:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    found = list(people[: limit + 1])
    return found[:limit], len(found) > limit
