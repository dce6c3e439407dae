"""QI activity over the last 24 months, by group (docs/dashboards.md "activity"): active
projects, PDSA cycles completed (closed) per month, change ideas adopted and spread per month.

An idea counts in the month its status became `adopted` or `spread` (ChangeIdea.status_changed_at),
under its current status: an adopted idea that later spread counts as spread, in the month it
spread. Four aggregate queries, whatever the number of teams or projects."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cycles.models import ChangeIdea, PDSACycle, Project
from metrics.dashboards.scope import ScopeInfo

MONTHS = 24
ACTIVE_PROJECT_STATUSES = (
    Project.Status.PLANNING,
    Project.Status.ACTIVE,
    Project.Status.SUSTAINING,
)
COMPLETED_WINDOW = dt.timedelta(days=90)


def month_keys(today: dt.date, months: int = MONTHS) -> list[str]:
    """ "YYYY-MM" for the last `months` months, oldest first, this month last."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1)]


def _month_start(key: str) -> dt.datetime:
    year, month = map(int, key.split("-"))
    return timezone.make_aware(dt.datetime(year, month, 1))


def _key(month) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def activity_figures(info: ScopeInfo, *, now: dt.datetime) -> dict:
    months = month_keys(timezone.localdate(now))
    since = _month_start(months[0])
    position = {key: i for i, key in enumerate(months)}

    active = (
        Project.objects.filter(**info.on_team(""), status__in=ACTIVE_PROJECT_STATUSES)
        .order_by()
        .values(info.group_of(""))
        .annotate(n=Count("pk"))
    )
    active_projects = {row[info.group_of("")]: row["n"] for row in active}

    cycle_group = info.group_of("project__")
    closed = (
        PDSACycle.objects.filter(**info.on_team("project__"), closed_at__gte=since)
        .annotate(month=TruncMonth("closed_at"))
        .order_by()
        .values(cycle_group, "month")
        .annotate(n=Count("pk"))
    )
    cycles_completed = defaultdict(lambda: [0] * MONTHS)
    for row in closed:
        i = position.get(_key(row["month"]))
        if i is not None:
            cycles_completed[row[cycle_group]][i] += row["n"]

    recent = (
        PDSACycle.objects.filter(**info.on_team("project__"), closed_at__gte=now - COMPLETED_WINDOW)
        .order_by()
        .values(cycle_group)
        .annotate(n=Count("pk"))
    )
    completed_90_days = {row[cycle_group]: row["n"] for row in recent}

    ideas = (
        ChangeIdea.objects.filter(
            **info.on_team("project__"),
            status__in=[ChangeIdea.Status.ADOPTED, ChangeIdea.Status.SPREAD],
            status_changed_at__gte=since,
        )
        .annotate(month=TruncMonth("status_changed_at"))
        .order_by()
        .values(cycle_group, "status", "month")
        .annotate(n=Count("pk"))
    )
    adopted = defaultdict(lambda: [0] * MONTHS)
    spread = defaultdict(lambda: [0] * MONTHS)
    for row in ideas:
        i = position.get(_key(row["month"]))
        if i is not None:
            series = adopted if row["status"] == ChangeIdea.Status.ADOPTED else spread
            series[row[cycle_group]][i] += row["n"]

    rows = [
        {
            "id": group_id,
            "name": name,
            "active_projects": active_projects.get(group_id, 0),
            "cycles_completed": cycles_completed[group_id],
            "ideas_adopted": adopted[group_id],
            "ideas_spread": spread[group_id],
        }
        for group_id, name in info.groups
    ]
    return {
        "months": months,
        "rows": rows,
        "active_projects": active_projects,
        "completed_90_days": completed_90_days,
    }
