"""Coach reviews: written by the team's coach (or a QI admin), open until resolved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cycles import services
from cycles.forms import ReviewForm
from cycles.views import access
from cycles.views.projects import project_context
from teams import permissions


@login_required
@require_POST
def review_create(request, project_id):
    project = access.project_or_404(request.user, project_id)
    access.require_review(request.user, project.team)
    form = ReviewForm(request.POST, project=project)
    if form.is_valid():
        services.review_create(
            project=project,
            author=request.user,
            text=form.cleaned_data["text"],
            cycle=form.cleaned_data["cycle"],
        )
        messages.success(request, "Review sent: the team sees it until it is resolved.")
        return _back(request, project)
    return render(
        request,
        "cycles/project_detail.html",
        project_context(request, project, review_form=form),
        status=400,
    )


@login_required
@require_POST
def review_resolve(request, review_id):
    review = access.review_or_404(request.user, review_id)
    team = review.project.team
    permissions.require(
        access.can_resolve(request.user, team),
        "Only the team, its QI coach or a QI admin can resolve this review.",
    )
    services.review_resolve(review=review, user=request.user)
    messages.success(request, "Review marked as resolved.")
    return _back(request, review.project)


def _back(request, project):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("cycles:project", project.pk)
