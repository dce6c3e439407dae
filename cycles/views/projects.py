from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cycles import extensions, selectors, services
from cycles.forms import ChangeIdeaForm, DriverForm, ProgressScoreForm, ProjectForm, ReviewForm
from cycles.models import ProgressScore
from cycles.progress_scale import IHI_SCALE
from cycles.views import access
from teams import permissions


@login_required
def project_create(request, team_id):
    team = access.team_or_404(request.user, team_id)
    access.require_edit(request.user, team)
    form = ProjectForm(request.POST or None, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(team=team, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            access.apply_service_errors(form, error)
        else:
            messages.success(request, f"Project “{project}” created. Add its drivers next.")
            return redirect("cycles:project", project.pk)
    return render(
        request,
        "cycles/project_form.html",
        {"form": form, "team": team, "project": None},
        status=400 if form.is_bound else 200,
    )


@login_required
def project_edit(request, project_id):
    project = access.project_or_404(request.user, project_id)
    access.require_edit(request.user, project.team)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.PROJECT_FIELDS}
        project.refresh_from_db()  # the form wrote to the instance; the service compares
        services.project_update(project=project, **changes)
        messages.success(request, "Project saved.")
        return redirect("cycles:project", project.pk)
    return render(
        request,
        "cycles/project_form.html",
        {"form": form, "team": project.team, "project": project},
        status=400 if form.is_bound else 200,
    )


def project_context(request, project, **forms):
    user = request.user
    team = project.team
    can_edit = permissions.can_edit_team_work(user, team)
    can_review = permissions.can_write_review(user, team)
    context = {
        "project": project,
        "team": team,
        "diagram": selectors.driver_diagram(project),
        "cycles": list(selectors.project_cycles(project)),
        "scores": list(selectors.project_scores(project)),
        "reviews": list(selectors.project_reviews(project)),
        "can_edit": can_edit,
        "can_review": can_review,
        "can_resolve": access.can_resolve(user, team),
        "ihi_scale": IHI_SCALE,
        # What metrics adds (the evidence panel: the measures' charts and what followed).
        "panels": extensions.render_project_panels(request, project),
    }
    if can_edit:
        context["driver_form"] = forms.get("driver_form") or DriverForm(project=project)
        context["idea_form"] = forms.get("idea_form") or ChangeIdeaForm(project=project)
        context["score_form"] = forms.get("score_form") or ProgressScoreForm(
            initial={"scored_on": timezone.localdate()}
        )
    if can_review:
        context["review_form"] = forms.get("review_form") or ReviewForm(project=project)
    return context


@login_required
def project_detail(request, project_id):
    project = access.project_or_404(request.user, project_id)
    return render(request, "cycles/project_detail.html", project_context(request, project))


@login_required
@require_POST
def progress_score_add(request, project_id):
    project = access.project_or_404(request.user, project_id)
    access.require_edit(request.user, project.team)
    form = ProgressScoreForm(request.POST)
    if form.is_valid():
        # A coach scoring a team they coach (and are not part of) scores as the coach.
        team_ids = permissions.access_for(request.user).team_roles
        scored_by = (
            ProgressScore.ScoredBy.TEAM
            if project.team_id in team_ids
            or not permissions.can_write_review(request.user, project.team)
            else ProgressScore.ScoredBy.COACH
        )
        services.progress_score_add(
            project=project, author=request.user, scored_by=scored_by, **form.cleaned_data
        )
        messages.success(request, f"Progress score {form.cleaned_data['score']} recorded.")
        return redirect("cycles:project", project.pk)
    return render(
        request,
        "cycles/project_detail.html",
        project_context(request, project, score_form=form),
        status=400,
    )
