"""An import's life: previewed, confirmed, saved (all rows or none), by the request itself when
small or by a worker when large, with its progress recorded on the ImportJob row."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from metrics import background
from metrics.entry.services import (
    Row,
    RowsInvalid,
    RowsUnusual,
    data_points_save,
    questions_before_saving,
    rows_problems,
)
from metrics.imports import parsing as importing
from metrics.models import ImportJob, Measure

# Above this many rows the save goes to a worker, so the request never runs long.
LARGE_IMPORT_ROWS = 500
# A job holds the pasted or uploaded text: once it is saved, refused or left unconfirmed, it is
# kept this long (for its result page and a retry), then deleted by a daily beat task. Jobs
# waiting for or held by a worker are never pruned. The audit trail keeps who imported what.
IMPORT_JOB_RETENTION = dt.timedelta(days=7)

Status = ImportJob.Status


@dataclass(frozen=True)
class Preview:
    rows: list[Row]
    problems: list[list[str]]
    table: importing.Table
    # Figures far outside the measure's history ("is this right?"), asked only when no row
    # has a problem; None when there is nothing to ask.
    asking: RowsUnusual | None = None

    @property
    def bad_rows(self) -> int:
        return sum(1 for p in self.problems if p)

    @property
    def asked_rows(self) -> int:
        return len(self.asking.keys) if self.asking else 0

    @property
    def confirm_keys(self) -> str:
        return " ".join(self.asking.keys) if self.asking else ""

    @property
    def lines(self):
        questions = self.asking.questions if self.asking else [None] * len(self.rows)
        return list(zip(self.rows, self.problems, questions, strict=True))


def import_job_create(*, measure: Measure, user, text: str, source: str) -> ImportJob:
    """Keep the text for its preview. Raises importing.TableRefused if it cannot be read."""
    table = importing.parse_table(text, uses_denominator=measure.uses_denominator)
    with transaction.atomic():
        # A preview left unconfirmed was abandoned when its author started another one.
        ImportJob.objects.filter(measure=measure, created_by=user, status=Status.PREVIEW).delete()
        return ImportJob.objects.create(
            measure=measure,
            created_by=user,
            text=text,
            source=source[:200],
            rows_total=len(table.rows),
        )


def import_job_preview(*, job: ImportJob, today) -> Preview:
    table = importing.parse_table(job.text, uses_denominator=job.measure.uses_denominator)
    problems = rows_problems(job.measure, table.rows, today=today)
    asking = None if any(problems) else questions_before_saving(job.measure, table.rows)
    return Preview(rows=table.rows, problems=problems, table=table, asking=asking)


def import_job_confirm(*, job: ImportJob, confirmed=()) -> ImportJob:
    """Save the previewed rows: at once when few, else by a worker after commit. `confirmed`:
    the unusual figures its author said are right (Preview.asking's keys)."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=Status.PREVIEW).update(
        status=Status.QUEUED,
        stage="Waiting for a worker",
        queued_at=timezone.now(),
        confirmed=list(confirmed),
    )
    if claimed:
        if job.rows_total > LARGE_IMPORT_ROWS:
            background.import_data(job.pk)
        else:
            import_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def _progress(job_id: int, **fields) -> None:
    # Outside the saving transaction, so the page polling the job sees each step; never on a
    # finished job (a second delivery of the task must not reopen it).
    ImportJob.objects.filter(pk=job_id, status__in=[Status.QUEUED, Status.RUNNING]).update(**fields)


def _fail(job_id: int, error: str) -> str:
    _progress(job_id, status=Status.FAILED, error=error, stage="", finished_at=timezone.now())
    return "failed"


def import_job_run(*, job_id: int) -> str:
    """Check and save one confirmed import. Idempotent: the job is locked while its rows are
    saved and marked done in the same transaction, so a second delivery finds it done."""
    job = ImportJob.objects.select_related("measure", "created_by").filter(pk=job_id).first()
    if job is None:
        return "gone"
    if job.status not in {Status.QUEUED, Status.RUNNING}:
        return f"nothing to do ({job.status})"
    _progress(
        job_id,
        status=Status.RUNNING,
        started_at=timezone.now(),
        stage="Reading the rows",
        progress=10,
    )
    measure = job.measure
    try:
        rows = importing.parse_table(job.text, uses_denominator=measure.uses_denominator).rows
    except importing.TableRefused as refused:
        return _fail(job_id, str(refused))

    _progress(job_id, stage="Checking the rows", rows_total=len(rows), progress=30)
    problems = rows_problems(measure, rows, today=timezone.localdate())
    if any(problems):
        return _fail(job_id, _invalid_message(rows, problems))

    _progress(job_id, stage=f"Saving {len(rows):,} rows", progress=60)
    try:
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job_id)
            if locked.status == Status.DONE:
                return "nothing to do (done)"
            counts = data_points_save(
                measure=measure,
                rows=rows,
                user=job.created_by,
                import_job=locked,
                confirmed=locked.confirmed,
            )
            locked.status, locked.counts, locked.stage = Status.DONE, counts, ""
            locked.progress, locked.finished_at, locked.error = 100, timezone.now(), ""
            locked.save(
                update_fields=["status", "counts", "stage", "progress", "finished_at", "error"]
            )
    except RowsInvalid as invalid:
        return _fail(job_id, _invalid_message(rows, invalid.problems))
    except RowsUnusual as unusual:
        return _fail(job_id, _unusual_message(rows, unusual.questions))
    return "done"


def _unusual_message(rows: list[Row], questions: list[str | None]) -> str:
    asked = [(row, q) for row, q in zip(rows, questions, strict=True) if q]
    first_row, first = asked[0]
    where = f"line {first_row.line}" if first_row.line else "the first such row"
    count = "1 figure is" if len(asked) == 1 else f"{len(asked)} figures are"
    return (
        f"{count} now far outside this measure's history and not confirmed (the data changed "
        f"since the preview), first on {where}: {first} Nothing was saved: check the preview "
        "again."
    )


def _invalid_message(rows: list[Row], problems: list[list[str]]) -> str:
    """How many rows cannot be saved, naming the first of them and what is wrong with it."""
    bad = [(row, p) for row, p in zip(rows, problems, strict=True) if p]
    first_row, first_problems = bad[0]
    where = f"line {first_row.line}" if first_row.line else "the first such row"
    count = "1 row has a problem" if len(bad) == 1 else f"{len(bad)} rows have problems"
    return (
        f"{count} now (the data or the measure changed since the preview), first on {where}: "
        f"{' '.join(first_problems)} Nothing was saved: check the preview again."
    )


def import_jobs_prune(*, now=None, keep: dt.timedelta = IMPORT_JOB_RETENTION) -> int:
    """Delete the jobs finished (imported or not) or left in preview more than `keep` ago, with
    the text they hold. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - keep
    S = ImportJob.Status
    old = ImportJob.objects.filter(
        Q(status__in=[S.DONE, S.FAILED], finished_at__lt=cutoff)
        | Q(status__in=[S.DONE, S.FAILED], finished_at__isnull=True, created_at__lt=cutoff)
        | Q(status=S.PREVIEW, created_at__lt=cutoff)
    )
    deleted, _ = old.delete()
    return deleted
