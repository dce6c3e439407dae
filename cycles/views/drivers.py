"""The driver diagram, edited in place: with htmx the diagram swaps itself; without JavaScript the
same forms post and redirect back to the project page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cycles import services
from cycles.forms import ChangeIdeaForm, DriverForm, DriverTextForm
from cycles.views import access
from cycles.views.projects import project_context


def _back_to_diagram(request, project, **forms):
    context = project_context(request, project, **forms)
    if request.htmx:
        # htmx swaps only 2xx responses, so errors come back as 200 with the messages in place.
        return render(request, "cycles/_driver_diagram.html", context)
    if forms:
        return render(request, "cycles/project_detail.html", context, status=400)
    return redirect(reverse("cycles:project", args=[project.pk]) + "#driver-diagram")


@login_required
@require_POST
def driver_add(request, project_id):
    project = access.project_or_404(request.user, project_id)
    access.require_edit(request.user, project.team)
    form = DriverForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.driver_add(project=project, **form.cleaned_data)
        except ValidationError as error:
            access.apply_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, "Driver added.")
            return _back_to_diagram(request, project)
    return _back_to_diagram(request, project, driver_form=form)


@login_required
@require_POST
def driver_update(request, driver_id):
    driver = access.driver_or_404(request.user, driver_id)
    project = driver.project
    access.require_edit(request.user, project.team)
    form = DriverTextForm(request.POST)
    if form.is_valid():
        services.driver_update(driver=driver, text=form.cleaned_data["text"])
        return _back_to_diagram(request, project)
    messages.error(request, "A driver needs some words: it was left as it was.")
    return _back_to_diagram(request, project)


@login_required
@require_POST
def driver_delete(request, driver_id):
    driver = access.driver_or_404(request.user, driver_id)
    project = driver.project
    access.require_edit(request.user, project.team)
    services.driver_delete(driver=driver)
    return _back_to_diagram(request, project)


@login_required
@require_POST
def change_idea_add(request, project_id):
    project = access.project_or_404(request.user, project_id)
    access.require_edit(request.user, project.team)
    form = ChangeIdeaForm(request.POST, project=project)
    if form.is_valid():
        services.change_idea_add(project=project, author=request.user, **form.cleaned_data)
        if not request.htmx:
            messages.success(request, "Change idea added. Plan a first small test of it.")
        return _back_to_diagram(request, project)
    return _back_to_diagram(request, project, idea_form=form)


@login_required
def change_idea_edit(request, idea_id):
    idea = access.idea_or_404(request.user, idea_id)
    project = idea.project
    access.require_edit(request.user, project.team)
    form = ChangeIdeaForm(request.POST or None, instance=idea, project=project)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        idea.refresh_from_db()  # the form wrote to the instance; the service compares
        services.change_idea_update(idea=idea, **changes)
        messages.success(request, "Change idea saved.")
        return redirect(reverse("cycles:project", args=[project.pk]) + "#driver-diagram")
    return render(
        request,
        "cycles/change_idea_form.html",
        {"form": form, "idea": idea, "project": project},
        status=400 if form.is_bound else 200,
    )
