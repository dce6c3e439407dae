"""The cycles part of the team page (registered with teams.extensions in CyclesConfig.ready)."""

from cycles import selectors
from teams import permissions


def team_work_panel(request, team):
    projects = list(selectors.team_projects(team))
    for project in projects:
        project.last_activity = selectors.last_activity(project)
        project.in_flight = sum(getattr(project, f"in_{stage}") for stage in selectors.IN_FLIGHT)
    user = request.user
    can_edit = permissions.can_edit_team_work(user, team)
    return "cycles/_team_work.html", {
        "team": team,
        "projects": projects,
        "open_reviews": list(selectors.open_reviews_for_team(team)),
        "can_edit": can_edit,
        "can_resolve": can_edit or permissions.can_write_review(user, team),
    }
