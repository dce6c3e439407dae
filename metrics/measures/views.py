"""Measures: lists, definition forms, the measure page with its chart, and baseline changes.

Thin views: check access (teams.permissions), validate with a form, call a service in
metrics.measures.services, redirect. Another organisation's measures and teams are 404, not 403.
"""

import copy
import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from metrics.measures import chart as measure_chart
from metrics.measures import selectors
from metrics.measures import services as measures
from metrics.measures import table as measure_table
from metrics.measures.chart_advice import measure_advice
from metrics.measures.forms import FreezeForm, MeasureForm, PhaseRemoveForm, PhaseStartForm
from metrics.models import Phase
from teams import permissions
from teams.access import organisation_or_404, team_or_404


def _measure_or_404(user, measure_id):
    measure = selectors.measure_for_user_or_none(user, measure_id)
    if measure is None:
        raise Http404("No such measure in your organisation.")
    permissions.require(permissions.can_view_organisation(user, measure))
    return measure


# ---------------------------------------------------------------- lists


@login_required
@require_GET
def team_measures(request, team_id):
    team = team_or_404(request.user, team_id)
    permissions.require(permissions.can_view_organisation(request.user, team))
    return render(
        request,
        "metrics/measure_list.html",
        {
            "team": team,
            "summaries": [measure_chart.summary(m) for m in selectors.team_measures(team)],
            "can_add": permissions.can_manage_team(request.user, team),
        },
    )


@login_required
@require_GET
def trust_measures(request):
    organisation = organisation_or_404(request.user)
    permissions.require(permissions.can_view_organisation(request.user, organisation))
    own = selectors.trust_wide_measures(organisation.pk)
    key = selectors.key_measures_of_teams(organisation.pk)
    return render(
        request,
        "metrics/measure_list.html",
        {
            "organisation": organisation,
            "summaries": [measure_chart.summary(m) for m in own],
            "key_summaries": [measure_chart.summary(m) for m in key],
            "can_add": permissions.can_manage_organisation(request.user, organisation),
        },
    )


# ---------------------------------------------------------------- definition


def _save_measure(request, form, save):
    """Call the service; its model validation errors land on the form's fields."""
    if not form.is_valid():
        return None
    try:
        return save(projects=form.cleaned_data["projects"], **form.service_fields())
    except ValidationError as error:
        form.add_error(None, error)
        return None


@login_required
def measure_create(request, team_id):
    team = team_or_404(request.user, team_id)
    permissions.require(
        permissions.can_manage_team(request.user, team),
        "Only the team’s lead or a QI admin can add measures.",
    )
    return _create(request, team=team, organisation=team.organisation)


@login_required
def trust_measure_create(request):
    organisation = organisation_or_404(request.user)
    permissions.require(
        permissions.can_manage_organisation(request.user, organisation),
        "Only QI admins can add trust-wide measures.",
    )
    return _create(request, team=None, organisation=organisation)


def _create(request, *, team, organisation):
    projects = selectors.projects_for_measure_form(organisation_id=organisation.pk, team=team)
    form = MeasureForm(request.POST or None, projects=projects)
    if request.method == "POST":
        measure = _save_measure(
            request,
            form,
            lambda **fields: measures.measure_create(
                organisation=organisation, team=team, user=request.user, **fields
            ),
        )
        if measure is not None:
            messages.success(request, f"Measure “{measure}” added. Enter its first data point.")
            return redirect("metrics:measure", measure.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "team": team, "organisation": organisation}
    return render(request, "metrics/measure_form.html", context, status=status)


@login_required
def measure_edit(request, measure_id):
    measure = _measure_or_404(request.user, measure_id)
    permissions.require(
        permissions.can_manage_measure(request.user, measure),
        "Only the team’s lead or a QI admin can change this measure.",
    )
    projects = selectors.projects_for_measure_form(
        organisation_id=measure.organisation_id, team=measure.team
    )
    # The form validates a copy: ModelForm writes cleaned values onto its instance, and the
    # service must see the measure as it was to know what changed (and whether to redraw).
    form = MeasureForm(request.POST or None, instance=copy.copy(measure), projects=projects)
    if request.method == "POST":
        saved = _save_measure(
            request,
            form,
            lambda **fields: measures.measure_update(measure=measure, actor=request.user, **fields),
        )
        if saved is not None:
            messages.success(request, "Measure saved.")
            return redirect("metrics:measure", measure.pk)
    status = 400 if form.errors else 200
    context = {
        "form": form,
        "team": measure.team,
        "measure": measure,
        # From the data as stored and the definition as saved, so it matches the page.
        "advice": measure_advice(measure),
    }
    return render(request, "metrics/measure_form.html", context, status=status)


# ---------------------------------------------------------------- the measure page


def _suggested_phase(suggestion) -> dict:
    """The new-phase form filled in from the evidence's suggestion (accepting it is the form's
    usual, governed change: reason, who, audit)."""
    if suggestion is None:
        return {}
    reason_length = PhaseStartForm.base_fields["reason"].max_length
    reason = suggestion.reason
    if len(reason) > reason_length:
        reason = reason[: reason_length - 1] + "…"
    return {
        "starts_on": suggestion.period,
        "reason": reason,
        "change_idea": suggestion.change_idea_id,
    }


def _render_page(request, measure, *, status=200, **forms):
    user = request.user
    page = selectors.measure_page(measure)
    table = measure_table.data_table(measure)
    can_change_phase = permissions.can_change_measure_phase(user, measure)
    chart = measure_chart.chart_context(
        measure, cycles=page.cycles, has_points=bool(table["count"])
    )
    if can_change_phase:
        forms.setdefault(
            "phase_form",
            PhaseStartForm(
                frequency=measure.frequency,
                change_ideas=selectors.change_ideas_for_measure(measure),
                initial=_suggested_phase(chart["suggestion"]),
            ),
        )
        forms.setdefault(
            "freeze_form",
            FreezeForm(
                frequency=measure.frequency,
                frozen=measure.freeze_until is not None,
                initial={"until": measure.freeze_until},
            ),
        )
        forms.setdefault("remove_form", PhaseRemoveForm())
    context = {
        "measure": measure,
        "team": measure.team,
        "page": page,
        "table": table,
        "chart": chart,
        "advice": measure_advice(measure),
        "can_manage": permissions.can_manage_measure(user, measure),
        "can_enter": permissions.can_enter_data(user, measure),
        "can_change_phase": can_change_phase,
        # Its history is the team's audit trail, filtered to this measure.
        "can_view_history": measure.team is not None
        and permissions.can_view_audit(user, measure.team),
        **forms,
    }
    return render(request, "metrics/measure_detail.html", context, status=status)


@login_required
@require_GET
def measure_detail(request, measure_id):
    return _render_page(request, _measure_or_404(request.user, measure_id))


@login_required
@require_GET
def measure_chart_part(request, measure_id):
    """The chart part alone: what the page polls (htmx) while the snapshot is updating."""
    measure = _measure_or_404(request.user, measure_id)
    chart = measure_chart.chart_context(
        measure,
        cycles=selectors.chart_cycles(measure),
        has_points=selectors.has_points(measure),
    )
    context = {"chart": chart, "measure": measure, "polled": True}
    return render(request, "metrics/_chart.html", context)


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _number_cell(x) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else repr(x)


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


@login_required
@require_GET
def measure_data_csv(request, measure_id):
    measure = _measure_or_404(request.user, measure_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = slugify(measure.name) or f"measure-{measure.pk}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    numbers = ["numerator", "denominator"] if measure.uses_denominator else ["value"]
    writer.writerow(["period", *numbers, "note", "entered_by", "entered_at"])
    for point in selectors.points(measure):
        who = _who(point.entered_by)
        writer.writerow(
            [
                point.period.isoformat(),
                *(_number_cell(getattr(point, name)) for name in numbers),
                _text_cell(point.note),
                _text_cell(who),
                point.updated_at.isoformat(timespec="seconds"),
            ]
        )
    return response


# ---------------------------------------------------------------- phases and freezing


def _phase_measure(request, measure_id):
    measure = _measure_or_404(request.user, measure_id)
    permissions.require(
        permissions.can_change_measure_phase(request.user, measure),
        "Only the team’s lead, its coach or a QI admin can change the baseline.",
    )
    return measure


def _apply(form, action) -> bool:
    """Run the service if the form is valid; its refusals become the form's errors."""
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


@login_required
@require_POST
def phase_start(request, measure_id):
    measure = _phase_measure(request, measure_id)
    form = PhaseStartForm(
        request.POST,
        frequency=measure.frequency,
        change_ideas=selectors.change_ideas_for_measure(measure),
    )
    if _apply(
        form,
        lambda data: measures.phase_start(
            measure=measure,
            starts_on=data["starts_on"],
            reason=data["reason"],
            change_idea=data["change_idea"],
            user=request.user,
        ),
    ):
        messages.success(request, "New phase started: the limits are being recalculated.")
        return redirect("metrics:measure", measure.pk)
    return _render_page(request, measure, phase_form=form, status=400)


@login_required
@require_POST
def phase_remove(request, measure_id, phase_id):
    measure = _phase_measure(request, measure_id)
    phase = get_object_or_404(Phase, pk=phase_id, measure=measure)
    form = PhaseRemoveForm(request.POST)
    if _apply(
        form,
        lambda data: measures.phase_remove(phase=phase, reason=data["reason"], user=request.user),
    ):
        messages.success(request, "Phase removed: the limits are being recalculated.")
        return redirect("metrics:measure", measure.pk)
    form.phase_id = phase.pk  # so the page opens the right phase's form with its error
    return _render_page(request, measure, remove_form=form, status=400)


@login_required
@require_POST
def baseline_freeze(request, measure_id):
    measure = _phase_measure(request, measure_id)
    form = FreezeForm(
        request.POST,
        frequency=measure.frequency,
        frozen=measure.freeze_until is not None,
    )
    if _apply(
        form,
        lambda data: measures.baseline_freeze(
            measure=measure, until=data["until"], reason=data["reason"], user=request.user
        ),
    ):
        if form.cleaned_data["until"]:
            messages.success(
                request, "Limits frozen on the baseline: later points are judged against it."
            )
        else:
            messages.success(request, "Limits unfrozen: they come from all the points again.")
        return redirect("metrics:measure", measure.pk)
    return _render_page(request, measure, freeze_form=form, status=400)
