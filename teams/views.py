"""Thin views: check access (teams.permissions), validate with a form, call a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from teams import extensions, permissions, selectors, services, tokens
from teams.access import organisation_or_404, team_or_404
from teams.forms import ApiTokenForm, DirectorateForm, MembershipForm, TeamForm
from teams.models import Membership


@login_required
def home(request):
    """Send each role to its place."""
    user = request.user
    access = permissions.access_for(user)
    if access.organisation_id is None:
        return render(request, "teams/no_organisation.html", status=403)
    if access.is_admin:
        return redirect("teams:organisation")
    # The dashboards live in metrics; teams names them by URL only (it imports no metrics).
    if access.is_coach:
        return redirect("metrics:coach_dashboard")
    if access.is_board:
        return redirect("metrics:dashboard")
    if access.team_roles:
        if len(access.team_roles) == 1:
            return redirect("teams:team", next(iter(access.team_roles)))
        return redirect("teams:my_teams")
    return redirect("teams:trust")


@login_required
def trust(request):
    organisation = organisation_or_404(request.user)
    permissions.require(permissions.can_view_dashboard(request.user, organisation))
    directorates = selectors.directorates_with_teams(organisation.pk)
    return render(
        request,
        "teams/trust.html",
        {"organisation": organisation, "directorates": directorates},
    )


@login_required
def my_teams(request):
    organisation_or_404(request.user)
    return render(request, "teams/my_teams.html", {"teams": selectors.teams_of_user(request.user)})


@login_required
def team_detail(request, team_id):
    team = team_or_404(request.user, team_id)
    permissions.require(permissions.can_view_organisation(request.user, team))
    return _render_team(request, team)


def _member_choices(request, team, query=None) -> dict:
    """The people the "add someone" form offers: a search (?q=) of the organisation, at most
    selectors.MEMBER_SEARCH_LIMIT of them, never the whole organisation."""
    q = (request.GET.get("q", "") if query is None else query).strip()[:100]
    people, more = selectors.member_search(team, q)
    return {"team": team, "q": q, "people": people, "more": more}


def _render_team(request, team, *, membership_form=None, status=200):
    memberships, coaches = selectors.team_people(team)
    can_manage = permissions.can_manage_team(request.user, team)
    choices = {}
    if can_manage:
        if membership_form is None:
            membership_form = MembershipForm(candidates=selectors.candidates_for_team(team))
            choices = _member_choices(request, team)
        else:  # a refused POST: search again for what was typed, show why it was refused
            choices = _member_choices(request, team, request.POST.get("q", ""))
            choices["member_form_errors"] = membership_form.errors.get("user")
    return render(
        request,
        "teams/team_detail.html",
        {
            "team": team,
            "memberships": memberships,
            "coaches": coaches,
            "can_manage": can_manage,
            "can_edit": permissions.can_edit_team_work(request.user, team),
            "can_view_audit": permissions.can_view_audit(request.user, team),
            "membership_form": membership_form if can_manage else None,
            **choices,
            # Sections other apps add (projects and cycles, measures): see teams.extensions.
            "panels": extensions.render_team_panels(request, team),
        },
        status=status,
    )


@login_required
@require_POST
def membership_add(request, team_id):
    team = team_or_404(request.user, team_id)
    permissions.require(permissions.can_manage_team(request.user, team))
    form = MembershipForm(request.POST, candidates=selectors.candidates_for_team(team))
    if form.is_valid():
        membership = services.membership_set(
            team=team, user=form.cleaned_data["user"], role=form.cleaned_data["role"]
        )
        messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
        return redirect("teams:team", team.pk)
    return _render_team(request, team, membership_form=form, status=400)


@login_required
@require_GET
def member_search(request, team_id):
    """The search box of "Add someone to the team" (htmx): the matching people as radio buttons,
    for a lead of the team or an admin only."""
    team = team_or_404(request.user, team_id)
    permissions.require(permissions.can_manage_team(request.user, team))
    return render(request, "teams/_member_choices.html", _member_choices(request, team))


@login_required
@require_POST
def membership_remove(request, team_id, membership_id):
    team = team_or_404(request.user, team_id)
    permissions.require(permissions.can_manage_team(request.user, team))
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, team=team
    )
    services.membership_remove(membership=membership)
    messages.success(request, f"{membership.user} has left {team}.")
    return redirect("teams:team", team.pk)


@login_required
def coaching(request):
    organisation_or_404(request.user)
    permissions.require(
        permissions.can_coach(request.user), "Only QI coaches have a coaching view."
    )
    return render(request, "teams/coaching.html", {"teams": selectors.coached_teams(request.user)})


@login_required
def organisation(request):
    organisation = organisation_or_404(request.user)
    permissions.require(permissions.can_manage_organisation(request.user, organisation))
    return _render_organisation(request, organisation)


def _render_organisation(
    request, organisation, *, directorate_form=None, team_form=None, status=200
):
    return render(
        request,
        "teams/organisation.html",
        {
            "organisation": organisation,
            "directorates": selectors.directorates_with_teams(organisation.pk),
            "people": selectors.people_of_organisation(organisation.pk),
            "directorate_form": directorate_form or DirectorateForm(),
            "team_form": team_form or TeamForm(organisation=organisation),
        },
        status=status,
    )


@login_required
@require_POST
def directorate_add(request):
    organisation = organisation_or_404(request.user)
    permissions.require(permissions.can_manage_organisation(request.user, organisation))
    form = DirectorateForm(request.POST)
    if form.is_valid():
        try:
            directorate = services.directorate_create(
                organisation=organisation, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, f"Directorate {directorate} added.")
            return redirect("teams:organisation")
    return _render_organisation(request, organisation, directorate_form=form, status=400)


@login_required
@require_POST
def team_add(request):
    organisation = organisation_or_404(request.user)
    permissions.require(permissions.can_manage_organisation(request.user, organisation))
    form = TeamForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            team = services.team_create(**form.cleaned_data)
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, f"Team {team} added to {team.directorate}.")
            return redirect("teams:organisation")
    return _render_organisation(request, organisation, team_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The organisation's API tokens, and the form that makes one. A token made is shown on
    the POST's own answer, never stored or redirected with: its key exists nowhere else."""
    organisation = organisation_or_404(request.user)
    permissions.require(permissions.can_manage_organisation(request.user, organisation))
    if request.method == "GET":
        form = ApiTokenForm(organisation=organisation, initial={"user": request.user.pk})
        return _render_api_tokens(request, organisation, form)
    form = ApiTokenForm(request.POST, organisation=organisation)
    if form.is_valid():
        data = form.cleaned_data
        expires_on = data["expires_on"]
        try:
            token, key = tokens.api_token_create(
                user=data["user"],
                name=data["name"],
                teams=data["teams"],
                write=data["write"],
                trust_wide=data["trust_wide"],
                expires_at=tokens.api_token_expiry(expires_on) if expires_on else None,
            )
        except tokens.TokenRefused as refused:
            form.add_refusal(refused)
        else:
            response = render(
                request,
                "teams/api_token_created.html",
                {
                    "token": token,
                    "key": key,
                    "scope": tokens.api_token_scope(token),
                    "measures_url": request.build_absolute_uri(reverse("api:measures")),
                },
            )
            # Neither the browser nor anything between may keep the page with the key.
            add_never_cache_headers(response)
            return response
    return _render_api_tokens(request, organisation, form, status=400)


def _render_api_tokens(request, organisation, form, *, status=200):
    return render(
        request,
        "teams/api_tokens.html",
        {
            "organisation": organisation,
            "rows": tokens.api_tokens_of(organisation.pk),
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def api_token_revoke(request, token_id):
    organisation = organisation_or_404(request.user)
    # Another organisation's token is not found, for anyone; then only an admin may revoke.
    token = tokens.api_token_of(organisation.pk, token_id)
    if token is None:
        raise Http404("No such API token in your organisation.")
    permissions.require(permissions.can_manage_organisation(request.user, organisation))
    if tokens.api_token_revoke(token=token):
        messages.success(request, f"Revoked “{token.name}”: it no longer works.")
    else:
        messages.info(request, f"“{token.name}” was already revoked.")
    return redirect("teams:api_tokens")
