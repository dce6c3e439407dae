"""The learning library: every team's change ideas and what their cycles taught, trust-wide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cycles import selectors, services
from cycles.forms import LibraryFilterForm, SpreadForm
from cycles.views import access
from teams import permissions
from teams.access import organisation_or_404
from teams.models import Directorate


@login_required
def library(request):
    user = request.user
    permissions.require(permissions.can_view_organisation(user, organisation_or_404(user)))
    directorates = Directorate.objects.filter(organisation_id=user.organisation_id)
    form = LibraryFilterForm(
        request.GET or None,
        directorates=directorates,
        measures=selectors.library_measures(user),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    directorate = filters.get("directorate")
    ideas = selectors.library_ideas(
        user,
        text=filters.get("q", ""),
        directorate_id=directorate.pk if directorate else None,
        status=filters.get("status", ""),
        measure_id=filters.get("measure"),
        using_postgres=connection.vendor == "postgresql",
    )
    page = Paginator(ideas, 20).get_page(request.GET.get("page"))
    for idea in page:
        idea.aims_at = selectors.idea_measures(idea)
    spread_projects = list(selectors.projects_user_can_edit(user))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cycles/library.html",
        {
            "form": form,
            "page": page,
            "spread_projects": spread_projects,
            "query_string": query.urlencode(),
        },
    )


@login_required
@require_POST
def change_idea_spread(request, idea_id):
    source = access.idea_or_404(request.user, idea_id)
    form = SpreadForm(request.POST, projects=selectors.projects_user_can_edit(request.user))
    if not form.is_valid():
        messages.error(request, "Choose one of your own projects to copy the idea into.")
        return redirect("cycles:library")
    target = form.cleaned_data["project"]
    access.require_edit(request.user, target.team)
    try:
        idea = services.change_idea_spread(
            source=source, target_project=target, author=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cycles:library")
    messages.success(request, f"“{idea}” copied into {target}. Plan a first test of it there.")
    return redirect("cycles:project", target.pk)
