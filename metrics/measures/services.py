"""Measures: create and change their definition, start phases, freeze baselines — each change
recorded with who and why, and each one recomputing the chart."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from metrics.charts.recompute import measure_changed
from metrics.dashboards.recompute import measure_listing_changed
from metrics.models import BaselineChange, ChartSnapshot, Measure, Phase
from teams import audit

# Changing these changes what the chart shows, so the chart is recomputed.
CHART_FIELDS = {"chart_type", "frequency", "improvement", "target"}
# Changing these changes only how dashboards list the measure.
LISTING_FIELDS = {"name", "team", "is_key", "kind", "unit"}
# What the audit trail records of a measure's definition.
AUDITED_FIELDS = (
    "name",
    "team",
    "kind",
    "definition",
    "unit",
    "frequency",
    "chart_type",
    "improvement",
    "target",
    "is_key",
    "external_id",
)


def _audited(measure: Measure) -> dict:
    return {name: getattr(measure, name) for name in AUDITED_FIELDS}


def _projects(measure: Measure) -> list[str]:
    return sorted(str(p) for p in measure.projects.all())


def _audit(measure: Measure, user, action, summary: str, changes: dict, *, obj=None, kind=None):
    audit.record(
        actor=user,
        team=measure.team,
        obj=obj or measure,
        object_type=kind or audit.MEASURE,
        action=action,
        summary=summary,
        changes=changes,
        organisation_id=measure.organisation_id,
        subject=audit.subject_of("measure", measure.pk),
    )


@transaction.atomic
def measure_create(
    *, organisation, team=None, user=None, projects=(), via: str = "", **fields
) -> Measure:
    """Add a measure (and its empty chart). `via` says how it came, in the audit trail's
    summary (e.g. an API token's name)."""
    measure = Measure(team=team, **fields)
    measure.organisation_id = team.organisation_id if team is not None else organisation.pk
    measure.full_clean()
    measure.save()
    if projects:
        measure.projects.set(projects)
    ChartSnapshot.objects.create(measure=measure, status=ChartSnapshot.Status.FRESH)
    measure_listing_changed(measure)
    after = {name: v for name, v in _audited(measure).items() if v not in (None, "")}
    if projects:
        after["projects"] = _projects(measure)
    summary = f"Added the measure “{measure}”" + (f" ({via})" if via else "")
    _audit(measure, user, audit.Action.CREATE, summary, audit.diff({}, after))
    return measure


@transaction.atomic
def measure_update(
    *, measure: Measure, projects=None, actor=None, via: str = "", **fields
) -> Measure:
    changed = [name for name, value in fields.items() if getattr(measure, name) != value]
    previous_team = measure.team
    before = _audited(measure)
    if projects is not None:
        before["projects"] = _projects(measure)
    for name in changed:
        setattr(measure, name, fields[name])
    if changed:
        measure.full_clean()
        measure.save(update_fields=[*changed, "updated_at"])
    if projects is not None:
        measure.projects.set(projects)
    after = _audited(measure)
    if projects is not None:
        after["projects"] = _projects(measure)
    changes = audit.diff(before, after)
    if changes:
        summary = f"Changed the measure “{measure}”" + (f" ({via})" if via else "")
        _audit(measure, actor, audit.Action.UPDATE, summary, changes)
    if CHART_FIELDS.intersection(changed):
        measure_changed(measure_id=measure.pk)  # its recompute asks for the dashboards
    elif LISTING_FIELDS.intersection(changed):
        measure_listing_changed(measure, previous_team=previous_team)
    return measure


@transaction.atomic
def phase_start(
    *, measure: Measure, starts_on: dt.date, reason: str, user, change_idea=None
) -> Phase:
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the process changed: the reason is kept with the chart.")
    first = measure.points.order_by("period").values_list("period", flat=True).first()
    if first is None or starts_on <= first:
        raise ValidationError(
            "A new phase must start after the first data point: the first phase needs data."
        )
    if measure.phases.filter(starts_on=starts_on).exists():
        raise ValidationError(f"A phase already starts on {starts_on:%d/%m/%Y}.")
    phase = Phase.objects.create(
        measure=measure,
        starts_on=starts_on,
        label=reason,
        change_idea=change_idea,
        created_by=user,
    )
    BaselineChange.objects.create(
        measure=measure,
        action=BaselineChange.Action.PHASE_STARTED,
        period=starts_on,
        reason=reason,
        change_idea=change_idea,
        changed_by=user,
    )
    measure_changed(measure_id=measure.pk)
    _audit(
        measure,
        user,
        audit.Action.CREATE,
        f"Started a new phase of “{measure}” from {starts_on:%d/%m/%Y}",
        audit.diff({}, {"starts_on": starts_on, "reason": reason, "change_idea": change_idea}),
        obj=phase,
        kind=audit.PHASE,
    )
    return phase


@transaction.atomic
def phase_remove(*, phase: Phase, reason: str, user) -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the phase is removed: the reason is kept with the chart.")
    BaselineChange.objects.create(
        measure=phase.measure,
        action=BaselineChange.Action.PHASE_REMOVED,
        period=phase.starts_on,
        reason=reason,
        changed_by=user,
    )
    measure_id, phase_id = phase.measure_id, phase.pk
    phase.delete()
    phase.pk = phase_id  # the event names the phase that was removed
    measure_changed(measure_id=measure_id)
    _audit(
        phase.measure,
        user,
        audit.Action.DELETE,
        f"Removed the phase of “{phase.measure}” from {phase.starts_on:%d/%m/%Y}",
        {
            **audit.diff({"starts_on": phase.starts_on, "label": phase.label}, {}),
            "reason": [None, reason],
        },
        obj=phase,
        kind=audit.PHASE,
    )


@transaction.atomic
def baseline_freeze(*, measure: Measure, until: dt.date | None, reason: str, user) -> None:
    """Freeze the first phase's limits on its points up to `until` (None: unfreeze)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why: the reason is kept with the chart.")
    if until is not None and not measure.points.filter(period__lte=until).exists():
        raise ValidationError("There are no data points up to that period to freeze limits on.")
    before = measure.freeze_until
    measure.freeze_until = until
    measure.save(update_fields=["freeze_until", "updated_at"])
    _audit(
        measure,
        user,
        audit.Action.UPDATE,
        f"Froze the limits of “{measure}” on the data up to {until:%d/%m/%Y}"
        if until
        else f"Unfroze the limits of “{measure}”",
        {"freeze_until": [before, until], "reason": [None, reason]},
        kind=audit.BASELINE,
    )
    action = BaselineChange.Action.FROZEN if until else BaselineChange.Action.UNFROZEN
    BaselineChange.objects.create(
        measure=measure, action=action, period=until, reason=reason, changed_by=user
    )
    measure_changed(measure_id=measure.pk)
