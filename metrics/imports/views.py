"""Importing a paste or a file: a preview of every row before anything is saved, then the
save (by the request when small, by a worker when large) with its progress shown."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from metrics.entry.views import (
    counts_message,
    entry_context,
    measure_for_entry,
    measure_url,
    posted,
)
from metrics.imports import jobs as import_jobs
from metrics.imports import parsing as importing
from metrics.imports.forms import ImportForm
from metrics.models import ImportJob


def _job_for(request, measure, job_id) -> ImportJob:
    # Only its author sees an import: it may hold data they have not yet decided to save.
    if not re.fullmatch(r"[0-9]{1,18}", str(job_id)):  # ?job=abc is not found, not a 500
        raise Http404("No such import.")
    return get_object_or_404(ImportJob, pk=job_id, measure=measure, created_by=request.user)


@login_required
def import_start(request, measure_id):
    measure = measure_for_entry(request.user, measure_id)
    initial = {}
    if request.method == "GET" and request.GET.get("job"):
        initial["text"] = _job_for(request, measure, request.GET["job"]).text
    files = request.FILES if request.method == "POST" else None
    form = ImportForm(posted(request), files, initial=initial)
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
        entry_context(
            measure,
            form=form,
            max_rows=importing.MAX_ROWS,
            large_rows=import_jobs.LARGE_IMPORT_ROWS,
        ),
    )


@login_required
def import_job(request, measure_id, job_id):
    """The preview before confirming, then the progress and the outcome of the same import."""
    measure = measure_for_entry(request.user, measure_id)
    job = _job_for(request, measure, job_id)
    context = entry_context(measure, job=job, large_rows=import_jobs.LARGE_IMPORT_ROWS)
    if job.status == ImportJob.Status.PREVIEW:
        context["preview"] = import_jobs.import_job_preview(job=job, today=timezone.localdate())
    if request.htmx and job.status != ImportJob.Status.PREVIEW:
        return render(request, "metrics/entry_import_progress.html", context)
    return render(request, "metrics/entry_import_job.html", context)


@login_required
@require_POST
def import_confirm(request, measure_id, job_id):
    measure = measure_for_entry(request.user, measure_id)
    job = _job_for(request, measure, job_id)
    if job.status == ImportJob.Status.PREVIEW:
        # Checked again on the stored text: what is saved is exactly what was previewed.
        preview = import_jobs.import_job_preview(job=job, today=timezone.localdate())
        if preview.bad_rows:
            messages.error(request, "Some rows have problems: fix them before importing.")
            return redirect("metrics:import_job", measure.pk, job.pk)
        confirmed = set(request.POST.get("confirm", "").split())
        if preview.asking and not confirmed.issuperset(preview.asking.keys):
            messages.error(
                request,
                "Some figures are far outside this measure's history: say they are right, or "
                "change the data, before importing. Nothing was saved.",
            )
            return redirect("metrics:import_job", measure.pk, job.pk)
        job = import_jobs.import_job_confirm(
            job=job, confirmed=preview.asking.keys if preview.asking else ()
        )
    if job.status == ImportJob.Status.DONE:
        messages.success(request, counts_message(job.counts))
        return redirect(measure_url(measure))
    return redirect("metrics:import_job", measure.pk, job.pk)
