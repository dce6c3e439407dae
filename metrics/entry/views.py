"""Entering data: this period (two clicks from the measure page) and a grid of recent periods.
(A paste or file import is metrics.imports.views'.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from metrics import periods as P
from metrics.entry.forms import GridForm, ThisPeriodForm, held_text
from metrics.entry.services import (
    RowsInvalid,
    RowsUnusual,
    data_point_record,
    data_points_save,
)
from metrics.models import DataPoint, Measure
from teams import permissions

GRID_PERIODS = {"day": 14, "week": 12, "month": 12}


def measure_for_entry(user, measure_id) -> Measure:
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


def posted(request):
    # An empty POST is still a submission (an all-empty grid), not a fresh page.
    return request.POST if request.method == "POST" else None


def confirmed_keys(request) -> list[str]:
    """What the person said "yes, it is right" to (metrics.entry.services.confirmation_key)."""
    return request.POST.get("confirm", "").split()


def asking_context(asking: RowsUnusual, **extra) -> dict:
    return {
        "asking_list": [q for q in asking.questions if q],
        "confirm_keys": " ".join(asking.keys),
        **extra,
    }


def entry_context(measure, **extra):
    # Periods gone by since the last one entered: said on every entry page (issue 15). Not
    # for rare events (T and G charts): a day with no entry is a day without an event.
    missing = ""
    if not measure.is_rare_event:
        last = DataPoint.objects.filter(measure=measure).aggregate(last=Max("period"))["last"]
        missing = P.missing_text(last, measure.frequency, timezone.localdate())
    return {"measure": measure, "measure_url": measure_url(measure), "missing": missing, **extra}


@login_required
def entry_this_period(request, measure_id):
    measure = measure_for_entry(request.user, measure_id)
    periods = P.previous_periods(measure.frequency, timezone.localdate(), 2)
    held = _held(measure, periods)
    form = ThisPeriodForm(posted(request), measure=measure, periods=periods, held=held)
    asking = {}
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
                confirmed=confirmed_keys(request),
            )
        except RowsInvalid as invalid:
            for problem in invalid.problems[0]:
                form.add_error(None, problem)
        except RowsUnusual as unusual:
            first = "numerator" if measure.uses_denominator else "value"
            asking = asking_context(unusual, correct_href=f"#id_{first}")
        else:
            messages.success(request, _saved_message(measure, row, held.get(row.period), counts))
            return redirect(measure_url(measure))
    return render(
        request, "metrics/entry_this_period.html", entry_context(measure, form=form, **asking)
    )


def _saved_message(measure, row, before, counts) -> str:
    when = P.format_period(row.period, measure.frequency)
    if counts["unchanged"]:
        return f"Nothing changed: {when} already held these figures."
    if counts["corrected"]:
        return f"Corrected {when} (was {held_text(measure, before)}). The chart is updating."
    return f"Saved {when}. The chart is updating."


@login_required
def entry_grid(request, measure_id):
    measure = measure_for_entry(request.user, measure_id)
    periods = P.previous_periods(
        measure.frequency, timezone.localdate(), GRID_PERIODS[measure.frequency]
    )
    held = _held(measure, periods)
    form = GridForm(posted(request), measure=measure, periods=periods, held=held)
    asking = {}
    if request.method == "POST" and form.is_valid():
        rows, removals = form.rows(), form.removals()
        if not rows and not removals:
            form.add_error(None, "Every row is empty: there is nothing to save.")
        else:
            try:
                counts = data_points_save(
                    measure=measure,
                    rows=rows,
                    user=request.user,
                    remove=removals,
                    confirmed=confirmed_keys(request),
                )
            except RowsInvalid as invalid:
                form.add_row_problems(rows, invalid.problems)
                form.add_error(None, str(invalid))
            except RowsUnusual as unusual:
                form.add_row_questions(rows, unusual.questions)
                asking = asking_context(unusual)
            else:
                messages.success(request, counts_message(counts))
                return redirect(measure_url(measure))
    return render(request, "metrics/entry_grid.html", entry_context(measure, form=form, **asking))


def counts_message(counts) -> str:
    parts = [f"{counts['created']} new", f"{counts['corrected']} corrected"]
    if counts.get("removed"):
        parts.append(f"{counts['removed']} removed")
    if counts["unchanged"]:
        parts.append(f"{counts['unchanged']} unchanged")
    changed = counts["created"] or counts["corrected"] or counts.get("removed")
    return f"Saved: {', '.join(parts)}." + (" The chart is updating." if changed else "")
