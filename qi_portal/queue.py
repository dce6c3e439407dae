"""Enqueue Celery tasks only after the surrounding transaction commits.

With REDIS_URL set the task goes to the broker; without it Celery runs it in-process (eager),
still after commit. If the broker cannot be reached the caller's data is already saved: we log
and move on (calling `on_unreachable`, if given, so the caller can mark what is left waiting),
and the periodic sweep re-enqueues whatever is left stale.

A broker that is down costs a request little (the connection is refused at once), but a hung
one (a stalled server, a dropped network) costs the socket timeouts of every publish attempt.
So after a failed publish this process does not try that broker again for `BROKER_RETRY_AFTER`
seconds: entries made meanwhile are saved at full speed and left to the sweep, which always
tries (`always_try`), and whose first success closes the gap for everyone.
"""

import logging
import threading
import time
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

BROKER_RETRY_AFTER = 10.0
_down_until: dict[str, float] = {}  # broker URL -> monotonic time to try it again
_lock = threading.Lock()


def _broker(task) -> str:
    return str(task.app.conf.broker_url)


def broker_resting(task) -> bool:
    """Whether a recent failure says not to try this task's broker yet."""
    return time.monotonic() < _down_until.get(_broker(task), 0.0)


def _send(task, args, countdown, on_unreachable, always_try):
    if not always_try and broker_resting(task):
        logger.warning("Not enqueuing %s%r: the broker failed moments ago", task.name, args)
    else:
        try:
            task.apply_async(args=args, countdown=countdown)
        except Exception:  # the data is saved: never turn that into an error page
            with _lock:
                _down_until[_broker(task)] = time.monotonic() + BROKER_RETRY_AFTER
            logger.exception(
                "Could not enqueue %s%r: the broker is unreachable; the sweep will re-enqueue it",
                task.name,
                args,
            )
        else:
            if _down_until:
                with _lock:
                    _down_until.pop(_broker(task), None)
            return
    if on_unreachable is not None:
        on_unreachable()


def enqueue_on_commit(
    task,
    *args,
    countdown: float | None = None,
    on_unreachable: Callable[[], None] | None = None,
    always_try: bool = False,
) -> None:
    """Send `task(*args)` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _send(task, args, countdown, on_unreachable, always_try))
