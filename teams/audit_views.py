"""The team's audit trail: who changed which data point, measure, phase or PDSA cycle, newest
first, 50 to a page, for the team's leads, its assigned coaches and QI admins."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from teams import audit, permissions
from teams.access import team_or_404
from teams.models import AuditEvent

PAGE_SIZE = 50
SUBJECT_LABELS = {"measure": "measure", "cycle": "PDSA cycle"}


def _shown(value) -> str:
    """An old or new value in words (the template escapes it)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _change_rows(event: AuditEvent) -> list[dict]:
    rows = []
    for field, pair in (event.changes or {}).items():
        old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append({"field": field.replace("_", " "), "old": _shown(old), "new": _shown(new)})
    return rows


@login_required
@require_GET
def audit_trail(request, team_id):
    team = team_or_404(request.user, team_id)
    permissions.require(
        permissions.can_view_audit(request.user, team),
        "Only the team's leads, its QI coaches and QI admins can see its audit trail.",
    )
    object_type = request.GET.get("type", "")
    if object_type not in audit.OBJECT_TYPES:
        object_type = ""
    subject = request.GET.get("subject", "")
    if not audit.SUBJECT.match(subject):
        subject = ""
    events = AuditEvent.objects.filter(team=team).select_related("actor")
    if object_type:
        events = events.filter(object_type=object_type)
    if subject:
        events = events.filter(subject=subject)
    page = Paginator(events.order_by("-at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.change_rows = _change_rows(event)
    return render(
        request,
        "teams/audit_trail.html",
        {
            "team": team,
            "page": page,
            "object_type": object_type,
            "subject": subject,
            "subject_label": SUBJECT_LABELS.get(subject.split(":")[0], "thing"),
            "object_types": audit.OBJECT_TYPES,
        },
    )
