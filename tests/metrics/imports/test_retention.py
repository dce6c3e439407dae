"""Import jobs hold the text people pasted or uploaded: a daily beat task deletes the ones
finished or abandoned more than a week ago, never one waiting for or held by a worker."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from metrics.imports.jobs import IMPORT_JOB_RETENTION, import_jobs_prune
from metrics.models import ImportJob

pytestmark = pytest.mark.django_db
S = ImportJob.Status


def job(measure, user, status, *, age, finished_age=None):
    now = timezone.now()
    made = ImportJob.objects.create(
        measure=measure, created_by=user, source="pasted text", text="period,value", status=status
    )
    fields = {"created_at": now - age}
    if finished_age is not None:
        fields["finished_at"] = now - finished_age
    ImportJob.objects.filter(pk=made.pk).update(**fields)
    return made.pk


def test_old_finished_and_abandoned_jobs_are_deleted_the_rest_kept(measure_factory, org_world):
    measure, user = measure_factory(), org_world["users"]["member"]
    week, day = IMPORT_JOB_RETENTION, dt.timedelta(days=1)
    gone = {
        job(measure, user, S.DONE, age=week + 2 * day, finished_age=week + day),
        job(measure, user, S.FAILED, age=week + 2 * day, finished_age=week + day),
        job(measure, user, S.PREVIEW, age=week + day),  # never confirmed
    }
    kept = {
        job(measure, user, S.DONE, age=week + 2 * day, finished_age=day),  # finished lately
        job(measure, user, S.PREVIEW, age=day),
        job(measure, user, S.QUEUED, age=week * 3),  # a worker's: the sweep's business
        job(measure, user, S.RUNNING, age=week * 3),
    }
    assert import_jobs_prune() == len(gone)
    assert set(ImportJob.objects.values_list("pk", flat=True)) == kept
    assert import_jobs_prune() == 0


def test_the_prune_runs_daily_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["prune-import-jobs"]
    assert entry["task"] == "metrics.tasks.prune_import_jobs"
    assert entry["schedule"] == 24 * 60 * 60
    from metrics import tasks

    assert tasks.prune_import_jobs.name == entry["task"]
