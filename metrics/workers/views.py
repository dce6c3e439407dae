from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from metrics.models import WorkerCheck
from metrics.workers import checks as worker_checks
from teams import permissions
from teams.access import organisation_or_404


def _require_admin(user):
    permissions.require(
        permissions.can_manage_organisation(user, organisation_or_404(user)),
        "Only QI admins can see the background workers.",
    )


@login_required
def worker_status(request):
    _require_admin(request.user)
    checks = WorkerCheck.objects.filter(
        organisation_id=request.user.organisation_id
    ).select_related("requested_by")[:10]
    return render(request, "metrics/worker_status.html", {"checks": checks})


@login_required
@require_POST
def worker_check(request):
    _require_admin(request.user)
    worker_checks.worker_check_request(user=request.user)
    messages.info(request, "Asked the background workers to answer. Refresh to see the reply.")
    return redirect("metrics:worker_status")
