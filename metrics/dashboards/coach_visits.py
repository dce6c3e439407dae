"""When a coach last looked at each of their teams (metrics.models.CoachVisit): the coach
dashboard calls a special cause "new" when it appeared after the coach's last look."""

from django.utils import timezone

from metrics.models import CoachVisit


def coach_visits_read(*, coach, team_ids) -> dict:
    """team id -> when the coach last looked (teams never looked at are absent)."""
    return dict(
        CoachVisit.objects.filter(coach=coach, team_id__in=team_ids).values_list(
            "team_id", "last_seen_at"
        )
    )


def coach_visits_record(*, coach, team_ids, seen=None, now=None) -> None:
    """The coach has looked at these teams now. `seen` is what coach_visits_read returned,
    when the caller has it, to save reading it again. Two queries, however many teams."""
    now = now or timezone.now()
    team_ids = list(team_ids)
    if seen is None:
        seen = coach_visits_read(coach=coach, team_ids=team_ids)
    known = [t for t in team_ids if t in seen]
    if known:
        CoachVisit.objects.filter(coach=coach, team_id__in=known).update(last_seen_at=now)
    new = [CoachVisit(coach=coach, team_id=t, last_seen_at=now) for t in team_ids if t not in seen]
    if new:
        # A second tab may have recorded the same first visit meanwhile: either time will do.
        CoachVisit.objects.bulk_create(new, ignore_conflicts=True)
