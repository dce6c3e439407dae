"""Compare wards: the funnel plot page of the trust and of a directorate (issue 17). Thin: the
figures come from metrics.dashboards.funnels."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from metrics.dashboards import funnels
from teams import permissions
from teams.access import organisation_or_404
from teams.models import Directorate


@login_required
@require_GET
def compare_trust(request):
    return _compare(request, None)


@login_required
@require_GET
def compare_directorate(request, directorate_id):
    return _compare(request, directorate_id)


def _compare(request, directorate_id):
    organisation = organisation_or_404(request.user)
    permissions.require(permissions.can_view_dashboard(request.user, organisation))
    directorate = None
    if directorate_id is not None:
        directorate = Directorate.objects.filter(
            pk=directorate_id, organisation_id=organisation.pk
        ).first()
        if directorate is None:
            raise Http404("No such directorate in your organisation.")
    options = funnels.comparables(organisation.pk, directorate_id)
    problems = []
    chosen = _chosen(request.GET.get("measure"), options, problems)
    months = _months(request.GET.get("months"), problems)
    overdispersion = request.GET.get("overdispersion") == "on"
    comparison = None
    if chosen is not None:
        comparison = funnels.compare(
            organisation.pk,
            chosen,
            today=timezone.localdate(),
            months=months,
            overdispersion=overdispersion,
            directorate_id=directorate_id,
        )
    context = {
        "organisation": organisation,
        "directorate": directorate,
        "options": options,
        "chosen": chosen,
        "months": months,
        "windows": funnels.WINDOWS,
        "overdispersion": overdispersion,
        "comparison": comparison,
        "problems": problems,
        "min_units": funnels.MIN_UNITS,
    }
    status = 400 if problems else 200
    return render(request, "metrics/dashboard_compare.html", context, status=status)


def _chosen(key, options, problems):
    if not options:
        return None
    if key is None:
        return options[0]
    found = next((o for o in options if o.key == key), None)
    if found is None:
        problems.append("That measure is not one that several teams report: choose one below.")
        return options[0]
    return found


def _months(text, problems) -> int:
    if text is None:
        return funnels.DEFAULT_WINDOW
    if text.isdigit() and int(text) in funnels.WINDOWS:
        return int(text)
    problems.append("Choose a period of 1, 3, 6 or 12 months.")
    return funnels.DEFAULT_WINDOW
