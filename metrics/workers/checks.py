"""The worker round-trip check: a QI admin asks, a worker answers (metrics.models.WorkerCheck),
and the page shows whether background work is running."""

from django.utils import timezone

from metrics import background
from metrics.models import WorkerCheck


def worker_check_request(*, user) -> WorkerCheck:
    """Record a check and, once it is committed, ask a worker to answer it."""
    check = WorkerCheck.objects.create(requested_by=user, organisation_id=user.organisation_id)
    background.answer_worker_check(check.pk)
    return check


def worker_check_answer(*, check_id: int, hostname: str) -> bool:
    """Mark the check answered. Idempotent: a second delivery of the same task changes nothing
    (the conditional UPDATE touches no row once answered_at is set)."""
    updated = WorkerCheck.objects.filter(pk=check_id, answered_at__isnull=True).update(
        answered_at=timezone.now(), answered_by=hostname[:200]
    )
    return updated == 1
