"""Celery tasks: thin adapters — an id in, call the service, which re-fetches. All are
idempotent, so they are acknowledged late and re-queued if their worker dies; only transient
database errors are retried, with backoff. This module imports services only, and no service
imports it: they enqueue through metrics.background, by these tasks' names."""

import socket

from celery import shared_task
from django.db import InterfaceError, OperationalError

from metrics.charts import bulk, recompute
from metrics.dashboards import recompute as dashboards
from metrics.imports import jobs as import_jobs
from metrics.workers import checks as worker_checks
from metrics.workers import sweep

TRANSIENT = (OperationalError, InterfaceError)
RETRY = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def recompute_measure(measure_id: int) -> str:
    return recompute.chart_snapshot_compute(measure_id=measure_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def recompute_dashboard(snapshot_id: int) -> str:
    return dashboards.dashboard_snapshot_compute(snapshot_id=snapshot_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def sweep_stale() -> dict:
    return sweep.sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def prune_import_jobs() -> int:
    """Daily (beat): delete old finished or abandoned import jobs and the text they hold."""
    return import_jobs.import_jobs_prune()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def answer_worker_check(check_id: int) -> bool:
    hostname = getattr(answer_worker_check.request, "hostname", None) or socket.gethostname()
    return worker_checks.worker_check_answer(check_id=check_id, hostname=hostname)


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def import_data(job_id: int) -> str:
    return import_jobs.import_job_run(job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def recompute_chunk(measure_ids: list[int], force: bool = False) -> dict:
    """A chunk of a bulk recompute (metrics.charts.bulk.recompute_all with workers)."""
    return bulk.recompute_chunk(measure_ids, force=force)
