"""Active projects and their progress (docs/dashboards.md "progress", "projects",
"cycles_by_stage", "recent_learning").

One query reads every active project of the scope with its latest scores, last cycle activity
and open reviews (correlated subqueries, so no join multiplies another); the progress
distribution, its movement this quarter and the stalled counts are tallied from it."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, Max, OuterRef, Subquery
from django.utils import timezone

from cycles.models import PDSACycle, ProgressScore, Project, Review
from cycles.progress_scale import IHI_SCALE
from metrics.dashboards.activity import ACTIVE_PROJECT_STATUSES
from metrics.dashboards.scope import Scope, ScopeInfo

SCALE = [score for score, _, _ in IHI_SCALE]
UNSCORED = "unscored"
# A project with no cycle activity for this long is flagged as stalled.
STALLED_AFTER = dt.timedelta(days=30)
OPEN_STAGES = tuple(
    stage.value
    for stage in (
        PDSACycle.Stage.PLAN,
        PDSACycle.Stage.DO,
        PDSACycle.Stage.STUDY,
        PDSACycle.Stage.ACT,
    )
)
RECENT_LEARNING = 5
SCORE = DecimalField(max_digits=2, decimal_places=1)


def quarter_start(today: dt.date) -> dt.date:
    return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def _score(**filters):
    scores = ProgressScore.objects.filter(project=OuterRef("pk"), **filters)
    latest = scores.order_by("-scored_on", "-created_at", "-pk").values("score")[:1]
    return Subquery(latest, output_field=SCORE)


def _open_reviews():
    reviews = (
        Review.objects.filter(project=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(reviews, output_field=IntegerField())


def _last_cycle_activity():
    cycles = (
        PDSACycle.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(last=Max("updated_at"))
        .values("last")
    )
    return Subquery(cycles)


def _key(score) -> str:
    return UNSCORED if score is None else f"{Decimal(score):.1f}"


def _rank(score) -> Decimal:
    return Decimal(-1) if score is None else Decimal(score)


def _distribution(scores) -> dict:
    counts = dict.fromkeys([*SCALE, UNSCORED], 0)
    counts.update(Counter(_key(score) for score in scores))
    return counts


def project_figures(info: ScopeInfo, *, now: dt.datetime) -> dict:
    today = timezone.localdate(now)
    quarter = quarter_start(today)
    group = info.group_of("")
    projects = list(
        Project.objects.filter(**info.on_team(""), status__in=ACTIVE_PROJECT_STATUSES)
        .annotate(
            latest_score=_score(),
            score_at_quarter_start=_score(scored_on__lt=quarter),
            team_score=_score(scored_by=ProgressScore.ScoredBy.TEAM),
            coach_score=_score(scored_by=ProgressScore.ScoredBy.COACH),
            last_cycle_activity=_last_cycle_activity(),
            open_reviews=_open_reviews(),
        )
        .order_by("team__name", "title", "pk")
        .values(
            "pk",
            "title",
            "status",
            "start_date",
            "team_id",
            "team__name",
            group,
            "latest_score",
            "score_at_quarter_start",
            "team_score",
            "coach_score",
            "last_cycle_activity",
            "open_reviews",
        )
    )

    stalled_before = now - STALLED_AFTER
    rows, stalled_by_group = [], Counter()
    moved = Counter()
    for p in projects:
        last = p["last_cycle_activity"]
        if last is not None:
            stalled = last < stalled_before
        else:  # no cycle yet: stalled once the project is a month old
            stalled = p["start_date"] < timezone.localdate(stalled_before)
        if stalled:
            stalled_by_group[p[group]] += 1
        now_rank, before_rank = _rank(p["latest_score"]), _rank(p["score_at_quarter_start"])
        moved["up" if now_rank > before_rank else "down" if now_rank < before_rank else "same"] += 1
        rows.append(
            {
                "id": p["pk"],
                "title": p["title"],
                "team": p["team__name"],
                "team_id": p["team_id"],
                "status": p["status"],
                "team_score": _number(p["team_score"]),
                "coach_score": _number(p["coach_score"]),
                "last_cycle_date": (
                    timezone.localdate(last).isoformat() if last is not None else None
                ),
                "stalled": stalled,
                "open_reviews": p["open_reviews"] or 0,
            }
        )

    stages = (
        PDSACycle.objects.filter(
            **info.on_team("project__"),
            project__status__in=ACTIVE_PROJECT_STATUSES,
            stage__in=OPEN_STAGES,
        )
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"))
    )
    cycles_by_stage = dict.fromkeys(OPEN_STAGES, 0) | {row["stage"]: row["n"] for row in stages}

    return {
        "progress": {
            "scale": SCALE,
            "distribution": _distribution(p["latest_score"] for p in projects),
            "quarter_start": quarter.isoformat(),
            "distribution_at_quarter_start": _distribution(
                p["score_at_quarter_start"] for p in projects
            ),
            "moved_up": moved["up"],
            "moved_down": moved["down"],
            "unchanged": moved["same"],
        },
        "projects": rows,
        "stalled_by_group": dict(stalled_by_group),
        "cycles_by_stage": cycles_by_stage,
        # The organisation's page has no room for learning notes; smaller scopes list them.
        "recent_learning": _recent_learning(info) if info.scope != Scope.ORGANISATION else [],
    }


def _number(score):
    return float(score) if score is not None else None


def _recent_learning(info: ScopeInfo) -> list[dict]:
    cycles = (
        PDSACycle.objects.filter(**info.on_team("project__"), stage=PDSACycle.Stage.CLOSED)
        .exclude(learning="")
        .order_by("-closed_at", "-pk")
        .values(
            "pk",
            "number",
            "project_id",
            "project__title",
            "project__team__name",
            "change_idea__title",
            "learning",
            "decision",
            "closed_at",
        )[:RECENT_LEARNING]
    )
    return [
        {
            "cycle_id": c["pk"],
            "project_id": c["project_id"],
            "title": c["change_idea__title"],
            "number": c["number"],
            "project": c["project__title"],
            "team": c["project__team__name"],
            "learning": c["learning"],
            "decision": c["decision"],
            "closed_at": c["closed_at"].isoformat() if c["closed_at"] else None,
        }
        for c in cycles
    ]
