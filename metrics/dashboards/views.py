"""Dashboards: the trust's (the board's home), a directorate's, a team's (a section of the team
page), the printable board report, and the coach's view of their teams.

Every page reads dashboard snapshots only (docs/dashboards.md), so its number of queries does
not grow with the trust. A missing snapshot is asked for, never computed here; while one is
being recomputed the page says "updating" and polls until it is fresh.
"""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from metrics.dashboards import cache as dashboard_cache
from metrics.dashboards import pages
from metrics.dashboards.coach_visits import coach_visits_read, coach_visits_record
from metrics.dashboards.recompute import dashboards_request
from metrics.dashboards.snapshots import scope_in_organisation, snapshot_of, snapshot_or_request
from metrics.drawing.icons import LEGEND, icon_svg
from metrics.models import DashboardSnapshot
from teams import permissions
from teams.access import organisation_or_404
from teams.models import Directorate, Team

Scope = DashboardSnapshot.Scope
# The coach's view keeps showing what was new when they opened it, while they sort and it polls.
COACH_SEEN_SESSION_KEY = "coach_dashboard_seen"


def _figures(snapshot, *, icon_size=28) -> dict:
    data = snapshot.data if snapshot is not None else {}
    table = pages.activity(data)
    return {
        "snapshot": snapshot,
        "data": data,
        "state": pages.freshness(snapshot),
        "measures": pages.measure_rows(data, icon_size=icon_size),
        "icon_counts": pages.icon_counts(data),
        "activity": table,
        "activity_figure": pages.activity_figure(table),
        "progress": pages.progress(data),
        "children": [pages.child_row(c) for c in data.get("children") or []],
        "projects": [pages.project_row(p) for p in data.get("projects") or []],
        "cycles_by_stage": pages.cycles_by_stage(data),
        "recent_learning": pages.recent_learning(data),
    }


# What templates/metrics/_dashboard_activity.html writes when it draws the activity chart.
ACTIVITY_CHART_MARK = 'data-figure="activity-figure"'


def _dashboard_context(snapshot, headings: dict) -> dict:
    """The figures of a trust or directorate dashboard: the state and headings read every time,
    the rendered figures from the fragment cache (rebuilt only when the snapshot changed, the
    only time its `data` is read)."""
    state = pages.freshness(snapshot)
    context = {"snapshot": snapshot, "state": state, **headings}
    if state["has_figures"]:
        html = dashboard_cache.fragments(
            snapshot,
            {f"{headings['scope']}-figures": "metrics/_dashboard_figures.html"},
            lambda: {**headings, **_figures(snapshot)},
        )
        context["figures_html"] = next(iter(html.values()))
        # Plotly is loaded only for a page that draws the chart.
        context["has_activity_chart"] = ACTIVITY_CHART_MARK in context["figures_html"]
    return context


def _status_url(scope, scope_id):
    return reverse("metrics:dashboard_status", args=[scope, scope_id])


# ---------------------------------------------------------------- trust and directorate


@login_required
@require_GET
def trust_dashboard(request):
    organisation = organisation_or_404(request.user)
    permissions.require(permissions.can_view_dashboard(request.user, organisation))
    snapshot = snapshot_or_request(organisation.pk, Scope.ORGANISATION, organisation.pk, lazy=True)
    headings = {
        "scope": Scope.ORGANISATION,
        "measures_heading": "Key measures",
        "children_heading": "Directorates",
    }
    context = {
        "organisation": organisation,
        "title": organisation.name,
        "status_url": _status_url(Scope.ORGANISATION, organisation.pk),
        "compare_url": reverse("metrics:compare_trust"),
        **_dashboard_context(snapshot, headings),
    }
    return render(request, "metrics/dashboard.html", context)


@login_required
@require_GET
def directorate_dashboard(request, directorate_id):
    organisation = organisation_or_404(request.user)
    permissions.require(permissions.can_view_dashboard(request.user, organisation))
    snapshot = snapshot_of(organisation.pk, Scope.DIRECTORATE, directorate_id, lazy=True)
    if snapshot is None or not snapshot.scope_name:
        # Only a directorate without figures costs a look at the structure (and a 404 for
        # another organisation's, which never has a snapshot in this one).
        directorate = Directorate.objects.filter(
            pk=directorate_id, organisation_id=organisation.pk
        ).first()
        if directorate is None:
            raise Http404("No such directorate in your organisation.")
        snapshot = snapshot_or_request(
            organisation.pk,
            Scope.DIRECTORATE,
            directorate_id,
            directorate_id=directorate_id,
            lazy=True,
        )
        name = directorate.name
    else:
        name = snapshot.scope_name
    headings = {
        "scope": Scope.DIRECTORATE,
        "measures_heading": "Measures of the directorate’s teams",
        "children_heading": "Teams",
    }
    context = {
        "organisation": organisation,
        "title": name,
        "status_url": _status_url(Scope.DIRECTORATE, directorate_id),
        "compare_url": reverse("metrics:compare_directorate", args=[directorate_id]),
        **_dashboard_context(snapshot, headings),
    }
    return render(request, "metrics/dashboard.html", context)


@login_required
@require_GET
def board_report(request):
    organisation = organisation_or_404(request.user)
    permissions.require(permissions.can_view_dashboard(request.user, organisation))
    snapshot = snapshot_or_request(organisation.pk, Scope.ORGANISATION, organisation.pk)
    context = {
        "organisation": organisation,
        "printed_on": timezone.localdate(),
        "legend": [
            {"key": key, "label": label, "description": text, "icon": pages._markup(icon_svg(key))}
            for key, label, text in LEGEND
        ],
        **_figures(snapshot, icon_size=24),
    }
    return render(request, "metrics/dashboard_report.html", context)


@login_required
@require_GET
def dashboard_status(request, scope, scope_id):
    """What an "updating" page polls: the same notice while figures are on their way, then a
    full refresh (htmx HX-Refresh) once they are fresh."""
    organisation = organisation_or_404(request.user)
    permissions.require(permissions.can_view_dashboard(request.user, organisation))
    snapshot = snapshot_of(organisation.pk, scope, scope_id)
    if snapshot is None and not scope_in_organisation(organisation.pk, scope, scope_id):
        raise Http404("No such dashboard in your organisation.")
    state = pages.freshness(snapshot)
    if not state["updating"]:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    context = {"state": state, "status_url": _status_url(scope, scope_id)}
    return render(request, "metrics/_dashboard_status.html", context)


# ---------------------------------------------------------------- the team page's section


def team_dashboard_panel(request, team):
    """The team page's dashboard (measures with icons, cycles by stage, recent learning), through
    teams.extensions. The team page has already checked that the user may view the team."""
    snapshot = snapshot_or_request(
        team.organisation_id,
        Scope.TEAM,
        team.pk,
        directorate_id=team.directorate_id,
        team_id=team.pk,
    )
    if team.pk in permissions.access_for(request.user).coached_team_ids:
        coach_visits_record(coach=request.user, team_ids=[team.pk])
    state = pages.freshness(snapshot)
    context = {
        "team": team,
        "status_url": _status_url(Scope.TEAM, team.pk),
        "can_add": permissions.can_manage_team(request.user, team),
        "snapshot": snapshot,
        "state": state,
    }
    if state["has_figures"]:
        html = dashboard_cache.fragments(
            snapshot,
            {
                "team-measures": "metrics/_dashboard_measures.html",
                "team-figures": "metrics/_dashboard_team_figures.html",
            },
            lambda: {
                "table_id": "team-measures",
                "caption": "Measures of the team, with their icons and last value",
                "empty_text": "No measures yet.",
                **_figures(snapshot, icon_size=28),
            },
        )
        context["team_measures_html"] = html["team-measures"]
        context["team_figures_html"] = html["team-figures"]
    return "metrics/_dashboard_team_panel.html", context


# ---------------------------------------------------------------- the coach's teams


def _seen_before(request, coach, team_ids):
    """When the coach last looked at each team before opening this view. Opening the page
    records a new look; sorting it and its polling do not, and keep the first answer."""
    opened = "sort" not in request.GET and not request.headers.get("HX-Request")
    kept = request.session.get(COACH_SEEN_SESSION_KEY)
    if not opened and kept is not None:
        return {int(t): pages.parse_when(when) for t, when in kept.items()}
    seen = coach_visits_read(coach=coach, team_ids=team_ids)
    if opened:
        coach_visits_record(coach=coach, team_ids=team_ids, seen=seen)
        request.session[COACH_SEEN_SESSION_KEY] = {
            str(t): seen[t].isoformat() if t in seen else None for t in team_ids
        }
    return seen


def _add_projects_html(rows) -> None:
    """Each team's projects table, rendered once per team snapshot (the same for every coach:
    it holds nothing of the viewer's) and read from the fragment cache in one round trip."""
    shown = [r for r in rows if r["has_figures"]]
    html = dashboard_cache.fragment_per_snapshot(
        [r["snapshot"] for r in shown],
        "coach-projects",
        "metrics/_coach_team_projects.html",
        lambda i: {"row": shown[i]},
    )
    for row, fragment in zip(shown, html, strict=True):
        row["projects_html"] = fragment


@login_required
@require_GET
def coach_dashboard(request):
    organisation_or_404(request.user)
    permissions.require(
        permissions.can_coach(request.user), "Only QI coaches have a coaching view."
    )
    user = request.user
    teams = list(
        Team.objects.filter(
            pk__in=permissions.access_for(user).coached_team_ids,
            organisation_id=user.organisation_id,
        ).select_related("directorate")
    )
    team_ids = [t.pk for t in teams]
    # One query for every assigned team's figures, however many teams the coach has.
    snapshots = {
        s.scope_id: s
        for s in DashboardSnapshot.objects.filter(
            organisation_id=user.organisation_id, scope=Scope.TEAM, scope_id__in=team_ids
        )
    }
    missing = [t for t in teams if t.pk not in snapshots]
    if missing:
        with transaction.atomic():  # one organisation recompute for them all, after commit
            for team in missing:
                dashboards_request(
                    organisation_id=team.organisation_id,
                    directorate_id=team.directorate_id,
                    team_id=team.pk,
                )
        snapshots = {
            s.scope_id: s
            for s in DashboardSnapshot.objects.filter(
                organisation_id=user.organisation_id, scope=Scope.TEAM, scope_id__in=team_ids
            )
        }
    seen = _seen_before(request, user, team_ids)
    today = timezone.localdate()
    rows = [
        pages.coach_team_row(t, snapshots.get(t.pk), seen.get(t.pk), today=today) for t in teams
    ]
    if request.headers.get("HX-Request") is None:
        _add_projects_html(rows)
    updating = any(r["updating"] for r in rows)

    if request.headers.get("HX-Request"):
        if not updating:
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        state = {"updating": True, "has_figures": True, "computed_at": None}
        context = {"state": state, "status_url": request.get_full_path()}
        return render(request, "metrics/_dashboard_status.html", context)

    key = request.GET.get("sort", pages.DEFAULT_COACH_SORT)
    if key not in pages.COACH_SORTS:
        key = pages.DEFAULT_COACH_SORT
    direction = request.GET.get("dir", pages.COACH_SORTS[key][1])
    if direction not in ("asc", "desc"):
        direction = pages.COACH_SORTS[key][1]
    computed = [r["computed_at"] for r in rows if r["computed_at"]]
    context = {
        "rows": pages.sort_coach_rows(rows, key, direction),
        "headers": pages.sort_headers(key, direction),
        "sort_label": pages.COACH_SORTS[key][0],
        "direction": direction,
        "state": {
            "updating": updating,
            "has_figures": bool(computed),
            "computed_at": min(computed) if computed else None,
        },
        "status_url": request.get_full_path(),
    }
    return render(request, "metrics/dashboard_coach.html", context)
