"""Background work, asked for by name: the one place where the services enqueue Celery tasks.

A service calls these inside its transaction; the task is sent once the transaction commits
(qi_portal.queue: a broker that is down costs the request nothing, and the sweep catches up).
They name the tasks rather than import metrics.tasks, which imports the services: so no
service imports the tasks, and no import circle forms. MetricsConfig.ready() imports
metrics.tasks, so every process that runs the app knows the tasks by these names.
"""

from collections.abc import Callable

from qi_portal.celery import app
from qi_portal.queue import enqueue_on_commit

RECOMPUTE_MEASURE = "metrics.tasks.recompute_measure"
RECOMPUTE_DASHBOARD = "metrics.tasks.recompute_dashboard"
RECOMPUTE_CHUNK = "metrics.tasks.recompute_chunk"
IMPORT_DATA = "metrics.tasks.import_data"
ANSWER_WORKER_CHECK = "metrics.tasks.answer_worker_check"


def task(name: str):
    """The registered task of that name (the same object as metrics.tasks' attribute)."""
    return app.tasks[name]


def recompute_measure(
    measure_id: int,
    *,
    on_unreachable: Callable[[], None] | None = None,
    always_try: bool = False,
) -> None:
    enqueue_on_commit(
        task(RECOMPUTE_MEASURE), measure_id, on_unreachable=on_unreachable, always_try=always_try
    )


def recompute_dashboard(
    snapshot_id: int, *, countdown: float | None = None, always_try: bool = False
) -> None:
    enqueue_on_commit(
        task(RECOMPUTE_DASHBOARD), snapshot_id, countdown=countdown, always_try=always_try
    )


def recompute_chunk(
    measure_ids: list[int],
    force: bool = False,
    *,
    always_try: bool = False,
    on_unreachable: Callable[[], None] | None = None,
):
    enqueue_on_commit(
        task(RECOMPUTE_CHUNK),
        measure_ids,
        force,
        always_try=always_try,
        on_unreachable=on_unreachable,
    )


def import_data(job_id: int, *, always_try: bool = False) -> None:
    enqueue_on_commit(task(IMPORT_DATA), job_id, always_try=always_try)


def answer_worker_check(check_id: int) -> None:
    enqueue_on_commit(task(ANSWER_WORKER_CHECK), check_id)
