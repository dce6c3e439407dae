"""Finding an object for a user: another organisation's rows are 404 (their existence must not
leak), and each check is one of the teams.permissions functions."""

from django.http import Http404

from cycles import selectors
from teams import permissions
from teams.access import team_or_404  # noqa: F401  (re-exported for the cycles views)


def _or_404(obj, what):
    if obj is None:
        raise Http404(f"No such {what} in your organisation.")
    return obj


def project_or_404(user, project_id):
    project = _or_404(selectors.project_for_user_or_none(user, project_id), "project")
    permissions.require(permissions.can_view_organisation(user, project))
    return project


def idea_or_404(user, idea_id):
    idea = _or_404(selectors.change_idea_for_user_or_none(user, idea_id), "change idea")
    permissions.require(permissions.can_view_organisation(user, idea.project))
    return idea


def driver_or_404(user, driver_id):
    driver = _or_404(selectors.driver_for_user_or_none(user, driver_id), "driver")
    permissions.require(permissions.can_view_organisation(user, driver.project))
    return driver


def cycle_or_404(user, cycle_id):
    cycle = _or_404(selectors.cycle_for_user_or_none(user, cycle_id), "PDSA cycle")
    permissions.require(permissions.can_view_organisation(user, cycle.project))
    return cycle


def review_or_404(user, review_id):
    review = _or_404(selectors.review_for_user_or_none(user, review_id), "review")
    permissions.require(permissions.can_view_organisation(user, review.project))
    return review


def require_edit(user, team):
    permissions.require(
        permissions.can_edit_team_work(user, team),
        "Only the team, its QI coach and QI admins can change this team's work.",
    )


def require_review(user, team):
    permissions.require(
        permissions.can_write_review(user, team),
        "Only the team's QI coach or a QI admin can write reviews.",
    )


def can_resolve(user, team) -> bool:
    """The coach who can review, or anyone who can edit the team's work, closes feedback."""
    return permissions.can_write_review(user, team) or permissions.can_edit_team_work(user, team)


def apply_service_errors(form, error):
    """Show a service's refusal on the form, in its own words."""
    for message in error.messages:
        form.add_error(None, message)
