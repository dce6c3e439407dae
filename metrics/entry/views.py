"""Entering data: this period (two clicks from the measure page), a grid of recent periods, and
a paste or file import with a preview of every row before anything is saved."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from metrics import import_jobs, importing
from metrics import periods as P
from metrics.entry import RowsInvalid, data_point_record, data_points_save
from metrics.entry_forms import GridForm, ImportForm, ThisPeriodForm, held_text
from metrics.models import DataPoint, ImportJob, Measure
from teams import permissions

GRID_PERIODS = {"day": 14, "week": 12, "month": 12}


def _measure_for_entry(user, measure_id) -> Measure:
    """The measure, if the user may enter its data; another organisation's measure is 404."""
    measure = (
        Measure.objects.select_related("team", "organisation")
        .filter(pk=measure_id, organisation_id=user.organisation_id)
        .first()
        if user.organisation_id is not None
        else None
    )
    if measure is None:
        raise Http404("No such measure in your organisation.")
    permissions.require(
        permissions.can_enter_data(user, measure),
        "Only the team, its QI coach and QI admins can enter this measure's data.",
    )
    return measure


def measure_url(measure: Measure) -> str:
    return reverse("metrics:measure", args=[measure.pk])


def _held(measure, periods) -> dict:
    return {p.period: p for p in DataPoint.objects.filter(measure=measure, period__in=periods)}


def _posted(request):
    # An empty POST is still a submission (an all-empty grid), not a fresh page.
    return request.POST if request.method == "POST" else None


def _context(measure, **extra):
    return {"measure": measure, "measure_url": measure_url(measure), **extra}


@login_required
def entry_this_period(request, measure_id):
    measure = _measure_for_entry(request.user, measure_id)
    periods = P.previous_periods(measure.frequency, timezone.localdate(), 2)
    held = _held(measure, periods)
    form = ThisPeriodForm(_posted(request), measure=measure, periods=periods, held=held)
    if request.method == "POST" and form.is_valid():
        row = form.row()
        try:
            counts = data_point_record(
                measure=measure,
                period=row.period,
                user=request.user,
                value=row.value,
                numerator=row.numerator,
                denominator=row.denominator,
                note=row.note,
            )
        except RowsInvalid as invalid:
            for problem in invalid.problems[0]:
                form.add_error(None, problem)
        else:
            messages.success(request, _saved_message(measure, row, held.get(row.period), counts))
            return redirect(measure_url(measure))
    return render(request, "metrics/entry_this_period.html", _context(measure, form=form))


def _saved_message(measure, row, before, counts) -> str:
    when = P.format_period(row.period, measure.frequency)
    if counts["unchanged"]:
        return f"Nothing changed: {when} already held these figures."
    if counts["corrected"]:
        return f"Corrected {when} (was {held_text(measure, before)}). The chart is updating."
    return f"Saved {when}. The chart is updating."


@login_required
def entry_grid(request, measure_id):
    measure = _measure_for_entry(request.user, measure_id)
    periods = P.previous_periods(
        measure.frequency, timezone.localdate(), GRID_PERIODS[measure.frequency]
    )
    held = _held(measure, periods)
    form = GridForm(_posted(request), measure=measure, periods=periods, held=held)
    if request.method == "POST" and form.is_valid():
        rows, removals = form.rows(), form.removals()
        if not rows and not removals:
            form.add_error(None, "Every row is empty: there is nothing to save.")
        else:
            try:
                counts = data_points_save(
                    measure=measure, rows=rows, user=request.user, remove=removals
                )
            except RowsInvalid as invalid:
                form.add_row_problems(rows, invalid.problems)
                form.add_error(None, str(invalid))
            else:
                messages.success(request, _counts_message(counts))
                return redirect(measure_url(measure))
    return render(request, "metrics/entry_grid.html", _context(measure, form=form))


def _counts_message(counts) -> str:
    parts = [f"{counts['created']} new", f"{counts['corrected']} corrected"]
    if counts.get("removed"):
        parts.append(f"{counts['removed']} removed")
    if counts["unchanged"]:
        parts.append(f"{counts['unchanged']} unchanged")
    changed = counts["created"] or counts["corrected"] or counts.get("removed")
    return f"Saved: {', '.join(parts)}." + (" The chart is updating." if changed else "")


def _job_for(request, measure, job_id) -> ImportJob:
    # Only its author sees an import: it may hold data they have not yet decided to save.
    if not re.fullmatch(r"[0-9]{1,18}", str(job_id)):  # ?job=abc is not found, not a 500
        raise Http404("No such import.")
    return get_object_or_404(ImportJob, pk=job_id, measure=measure, created_by=request.user)


@login_required
def import_start(request, measure_id):
    measure = _measure_for_entry(request.user, measure_id)
    initial = {}
    if request.method == "GET" and request.GET.get("job"):
        initial["text"] = _job_for(request, measure, request.GET["job"]).text
    files = request.FILES if request.method == "POST" else None
    form = ImportForm(_posted(request), files, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_jobs.import_job_create(
                measure=measure,
                user=request.user,
                text=form.cleaned_data["text"],
                source=form.cleaned_data["source"],
            )
        except importing.TableRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("metrics:import_job", measure.pk, job.pk)
    return render(
        request,
        "metrics/entry_import.html",
        _context(
            measure,
            form=form,
            max_rows=importing.MAX_ROWS,
            large_rows=import_jobs.LARGE_IMPORT_ROWS,
        ),
    )


@login_required
def import_job(request, measure_id, job_id):
    """The preview before confirming, then the progress and the outcome of the same import."""
    measure = _measure_for_entry(request.user, measure_id)
    job = _job_for(request, measure, job_id)
    context = _context(measure, job=job, large_rows=import_jobs.LARGE_IMPORT_ROWS)
    if job.status == ImportJob.Status.PREVIEW:
        context["preview"] = import_jobs.import_job_preview(job=job, today=timezone.localdate())
    if request.htmx and job.status != ImportJob.Status.PREVIEW:
        return render(request, "metrics/entry_import_progress.html", context)
    return render(request, "metrics/entry_import_job.html", context)


@login_required
@require_POST
def import_confirm(request, measure_id, job_id):
    measure = _measure_for_entry(request.user, measure_id)
    job = _job_for(request, measure, job_id)
    if job.status == ImportJob.Status.PREVIEW:
        # Checked again on the stored text: what is saved is exactly what was previewed.
        preview = import_jobs.import_job_preview(job=job, today=timezone.localdate())
        if preview.bad_rows:
            messages.error(request, "Some rows have problems: fix them before importing.")
            return redirect("metrics:import_job", measure.pk, job.pk)
        job = import_jobs.import_job_confirm(job=job)
    if job.status == ImportJob.Status.DONE:
        messages.success(request, _counts_message(job.counts))
        return redirect(measure_url(measure))
    return redirect("metrics:import_job", measure.pk, job.pk)
