"""PDSA cycles: plan one in two minutes, then record Do, Study and Act, each its own short form."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cycles import selectors, services
from cycles.forms import STAGE_FORMS, CycleMeasuresForm, PlanForm, ReviewForm
from cycles.models import PDSACycle
from cycles.views import access
from teams import permissions

RECORDERS = {
    "plan": services.cycle_update_plan,
    "do": services.cycle_record_do,
    "study": services.cycle_record_study,
    "act": services.cycle_record_act,
}
STAGE_FIELDS = {
    "plan": services.PLAN_FIELDS,
    "do": services.DO_FIELDS,
    "study": services.STUDY_FIELDS,
    "act": services.ACT_FIELDS,
}


def _parent_from(request, idea):
    parent_id = request.GET.get("parent") or request.POST.get("parent")
    if not parent_id:
        return None
    # Not an id at all (or one too long for the database): not found, not a server error.
    if not re.fullmatch(r"[0-9]{1,18}", parent_id):
        raise Http404("No such earlier cycle in this project.")
    parent = selectors.cycle_for_user_or_none(request.user, parent_id)
    if parent is None or parent.project_id != idea.project_id:
        raise Http404("No such earlier cycle in this project.")
    return parent


@login_required
def cycle_plan(request, idea_id):
    idea = access.idea_or_404(request.user, idea_id)
    access.require_edit(request.user, idea.project.team)
    parent = _parent_from(request, idea)
    initial = services.cycle_plan_prefill(parent=parent) if parent else {}
    measures = selectors.project_measures(idea.project)
    if parent:
        # A follow-on test usually aims at what its parent aimed at.
        initial["measures"] = list(
            parent.measures.filter(pk__in=measures.values("pk")).values_list("pk", flat=True)
        )
    form = PlanForm(request.POST or None, initial=initial, measures=measures)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_plan(
                change_idea=idea, author=request.user, parent=parent, **form.cleaned_data
            )
        except ValidationError as error:
            access.apply_service_errors(form, error)
        else:
            messages.success(request, f"PDSA {cycle.number} planned. Record Do once you test it.")
            return redirect("cycles:cycle", cycle.pk)
    return render(
        request,
        "cycles/cycle_plan.html",
        {"form": form, "idea": idea, "project": idea.project, "parent": parent},
        status=400 if form.is_bound else 200,
    )


@login_required
def cycle_detail(request, cycle_id):
    cycle = access.cycle_or_404(request.user, cycle_id)
    team = cycle.project.team
    can_review = permissions.can_write_review(request.user, team)
    can_edit = permissions.can_edit_team_work(request.user, team)
    aims_at = list(selectors.cycle_measures(cycle))
    measures_form = None
    if can_edit:
        measures_form = CycleMeasuresForm(
            measures=selectors.cycle_measure_choices(cycle),
            initial={"measures": [m.pk for m in aims_at]},
        )
    return render(
        request,
        "cycles/cycle_detail.html",
        {
            "cycle": cycle,
            "project": cycle.project,
            "reviews": list(selectors.cycle_reviews(cycle)),
            "can_edit": can_edit,
            "aims_at": aims_at,
            "measures_form": measures_form,
            "can_review": can_review,
            "can_resolve": access.can_resolve(request.user, team),
            "review_form": ReviewForm(project=cycle.project, initial={"cycle": cycle})
            if can_review
            else None,
            "offers_next": services.cycle_offers_next(cycle),
            "next_stage": _next_stage(cycle),
        },
    )


def _next_stage(cycle):
    return {"plan": "do", "do": "study", "study": "act"}.get(cycle.stage)


@login_required
def cycle_stage(request, cycle_id, stage):
    if stage not in STAGE_FORMS:
        raise Http404("No such stage.")
    cycle = access.cycle_or_404(request.user, cycle_id)
    access.require_edit(request.user, cycle.project.team)
    extra = {}
    if stage == "plan":
        extra = {
            "measures": selectors.cycle_measure_choices(cycle),
            "initial": {"measures": list(cycle.measures.values_list("pk", flat=True))},
        }
    form = STAGE_FORMS[stage](request.POST or None, instance=cycle, **extra)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in STAGE_FIELDS[stage]}
        if stage == "plan":
            values["measures"] = form.cleaned_data["measures"]
        cycle.refresh_from_db()  # the form wrote to the instance; the service compares
        try:
            RECORDERS[stage](cycle=cycle, actor=request.user, **values)
        except ValidationError as error:
            access.apply_service_errors(form, error)
        else:
            label = PDSACycle.Stage(stage).label
            messages.success(request, f"{label} recorded for PDSA {cycle.number}.")
            return redirect("cycles:cycle", cycle.pk)
    return render(
        request,
        "cycles/cycle_stage.html",
        {
            "form": form,
            "cycle": cycle,
            "project": cycle.project,
            "stage": stage,
            "stage_label": PDSACycle.Stage(stage).label,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def cycle_close(request, cycle_id):
    cycle = access.cycle_or_404(request.user, cycle_id)
    access.require_edit(request.user, cycle.project.team)
    try:
        services.cycle_close(cycle=cycle, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"PDSA {cycle.number} closed.")
    return redirect("cycles:cycle", cycle.pk)


@login_required
@require_POST
def cycle_measures(request, cycle_id):
    """Choose the measures the cycle is expected to move, from those its project serves."""
    cycle = access.cycle_or_404(request.user, cycle_id)
    access.require_edit(request.user, cycle.project.team)
    form = CycleMeasuresForm(request.POST, measures=selectors.cycle_measure_choices(cycle))
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("measures", ["Choose from the list."])))
        return redirect("cycles:cycle", cycle.pk)
    try:
        chosen = services.cycle_set_measures(cycle=cycle, measures=form.cleaned_data["measures"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        count = len(chosen)
        messages.success(
            request,
            f"PDSA {cycle.number} now aims to move {count} measure{'s' if count != 1 else ''}."
            if count
            else f"PDSA {cycle.number} no longer names measures it aims to move.",
        )
    return redirect("cycles:cycle", cycle.pk)
