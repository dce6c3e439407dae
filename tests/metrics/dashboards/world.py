"""Building blocks for dashboard tests: measures whose chart summary is set as a worker would
leave it, projects and cycles dated where the test needs them."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cycles.models import ChangeIdea, PDSACycle, ProgressScore, Project, Review
from metrics.models import ChartSnapshot, Measure

# The dashboards are computed "now" = mid-June 2025: the quarter began on 1 April, the 24
# months run from July 2023 to June 2025.
NOW = timezone.make_aware(dt.datetime(2025, 6, 15, 12, 0))
TODAY = NOW.date()


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def measure(
    team,
    name,
    *,
    organisation=None,
    is_key=False,
    variation="common_cause",
    assurance="",
    status="fresh",
    sparkline=(),
    latest=None,
    special_cause_since=None,
):
    m = Measure.objects.create(
        team=team,
        organisation=organisation or team.organisation,
        name=name,
        definition=f"{name}, as counted.",
        is_key=is_key,
        chart_type="xmr",
        unit="days",
    )
    ChartSnapshot.objects.create(
        measure=m,
        status=status,
        variation=variation,
        assurance=assurance,
        sparkline=list(sparkline),
        latest_period=latest[0] if latest else None,
        latest_value=latest[1] if latest else None,
        special_cause_since=special_cause_since,
    )
    return m


def project(team, title="Fewer incidents", *, status="active", start=dt.date(2025, 1, 6)):
    return Project.objects.create(
        team=team,
        title=title,
        problem="Too many incidents.",
        aim_what="Incidents",
        aim_how_much="a third fewer",
        aim_by_when=dt.date(2026, 1, 1),
        start_date=start,
        status=status,
    )


def idea(p, title="Safety huddle", *, status="testing", changed=None):
    i = ChangeIdea.objects.create(project=p, title=title, status=status)
    if changed is not None:
        ChangeIdea.objects.filter(pk=i.pk).update(status_changed_at=changed)
    return i


def cycle(i, *, stage="plan", closed=None, touched=None, learning="", decision=""):
    number = (i.cycles.count() or 0) + 1
    if stage == "closed":
        learning, decision = learning or "It worked on late shifts.", decision or "adopt"
    c = PDSACycle.objects.create(
        project_id=i.project_id,
        change_idea=i,
        number=number,
        objective="Try it for a week.",
        stage=stage,
        learning=learning,
        decision=decision,
        closed_at=closed,
    )
    when = touched or closed
    if when is not None:
        PDSACycle.objects.filter(pk=c.pk).update(updated_at=when)
    return c


def score(p, value, on, *, by="team"):
    return ProgressScore.objects.create(project=p, score=Decimal(value), scored_by=by, scored_on=on)


def review(p, *, resolved=False):
    return Review.objects.create(
        project=p, text="Annotate the chart.", resolved_at=NOW if resolved else None
    )
