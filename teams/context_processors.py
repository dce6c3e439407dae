"""Navigation: each role sees the places it can go (DESIGN §6)."""

from django.urls import reverse

from teams import permissions


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    access = permissions.access_for(user)
    items = []
    if access.organisation_id is not None:
        items.append(("Dashboard", reverse("metrics:dashboard")))
        items.append(("Trust overview", reverse("teams:trust")))
        items.append(("Measures", reverse("metrics:trust_measures")))
        items.append(("Learning library", reverse("cycles:library")))
        if access.team_roles:
            items.append(("My teams", reverse("teams:my_teams")))
        if access.is_coach:
            items.append(("Coaching", reverse("metrics:coach_dashboard")))
        if access.is_admin:
            items.append(("Organisation", reverse("teams:organisation")))
            items.append(("Background work", reverse("metrics:worker_status")))
    if user.is_staff:
        items.append(("Site admin", reverse("admin:index")))
    path = request.path
    return {
        "nav_items": [
            {"label": label, "url": url, "current": path.startswith(url)} for label, url in items
        ],
        "access": access,
    }
