"""Domain operations of the metrics app."""

from django.utils import timezone

from metrics.models import WorkerCheck
from qi_portal.queue import enqueue_on_commit


def worker_check_request(*, user) -> WorkerCheck:
    """Record a check and, once it is committed, ask a worker to answer it."""
    from metrics.tasks import answer_worker_check

    check = WorkerCheck.objects.create(requested_by=user, organisation_id=user.organisation_id)
    enqueue_on_commit(answer_worker_check, check.pk)
    return check


def worker_check_answer(*, check_id: int, hostname: str) -> bool:
    """Mark the check answered. Idempotent: a second delivery of the same task changes nothing
    (the conditional UPDATE touches no row once answered_at is set)."""
    updated = WorkerCheck.objects.filter(pk=check_id, answered_at__isnull=True).update(
        answered_at=timezone.now(), answered_by=hostname[:200]
    )
    return updated == 1
