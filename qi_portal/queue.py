"""Enqueue Celery tasks only after the surrounding transaction commits.

With REDIS_URL set the task goes to the broker; without it Celery runs it in-process (eager),
still after commit. If the broker cannot be reached the caller's data is already saved: we log
and move on (calling `on_unreachable`, if given, so the caller can say what is left waiting),
and the periodic sweep re-enqueues whatever is left stale.
"""

import logging
from collections.abc import Callable

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def _send(task, args, countdown, on_unreachable):
    try:
        task.apply_async(args=args, countdown=countdown)
    except OperationalError:
        logger.exception(
            "Could not enqueue %s%r: the broker is unreachable; the sweep will re-enqueue it",
            task.name,
            args,
        )
        if on_unreachable is not None:
            on_unreachable()


def enqueue_on_commit(
    task, *args, countdown: float | None = None, on_unreachable: Callable[[], None] | None = None
) -> None:
    """Send `task(*args)` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _send(task, args, countdown, on_unreachable))
