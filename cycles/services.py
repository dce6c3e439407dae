"""Domain operations on projects, driver diagrams, change ideas, PDSA cycles and reviews.

Views call these after checking access with teams.permissions; these functions enforce the rules
of the Model for Improvement (stage order, closing needs Study and Act) whoever calls them.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cycles.models import ChangeIdea, Driver, PDSACycle, ProgressScore, Project, Review
from teams import audit
from teams.extensions import team_work_changed

Stage = PDSACycle.Stage
STAGE_ORDER = [Stage.PLAN, Stage.DO, Stage.STUDY, Stage.ACT, Stage.CLOSED]

PROJECT_FIELDS = (
    "title",
    "problem",
    "aim_what",
    "aim_how_much",
    "aim_by_when",
    "status",
    "start_date",
    "service_user_involvement",
    "evidence_window",
)
PLAN_FIELDS = (
    "objective",
    "questions",
    "predictions",
    "plan_who",
    "plan_what",
    "plan_when",
    "plan_where",
    "data_collection",
)
DO_FIELDS = ("do_started_on", "do_ended_on", "what_happened", "surprises")
STUDY_FIELDS = ("results", "learning")
ACT_FIELDS = ("decision", "next_steps")

# What an Act decision says about the change idea it tested.
IDEA_STATUS_AFTER_DECISION = {
    PDSACycle.Decision.ADOPT: ChangeIdea.Status.ADOPTED,
    PDSACycle.Decision.ADAPT: ChangeIdea.Status.ADAPTED,
    PDSACycle.Decision.ABANDON: ChangeIdea.Status.ABANDONED,
}


# Who did it is recorded when known; seeded and imported rows may have nobody.
PEOPLE_FIELDS = ["created_by", "author"]


def _validate(obj):
    obj.full_clean(exclude=[f for f in PEOPLE_FIELDS if hasattr(obj, f)])


def _work_changed(project) -> None:
    # The dashboards (built on top of cycles) recompute the team's, directorate's and trust's
    # figures after commit; cycles only tells teams, so it never imports them.
    team_work_changed(project.team)


def _set(obj, values: dict, allowed) -> list[str]:
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


# Projects and progress scores


def project_create(*, team, author, **fields) -> Project:
    project = Project(team=team, organisation_id=team.organisation_id, created_by=author)
    _set(project, fields, PROJECT_FIELDS)
    _validate(project)
    project.save()
    _work_changed(project)
    return project


def project_update(*, project, **fields) -> Project:
    changed = _set(project, fields, PROJECT_FIELDS)
    if changed:
        _validate(project)
        project.save(update_fields=[*changed, "updated_at"])
        _work_changed(project)
    return project


def progress_score_add(
    *, project, author, score, scored_by: str, scored_on: date | None = None, note: str = ""
) -> ProgressScore:
    progress = ProgressScore(
        project=project,
        author=author,
        score=score,
        scored_by=scored_by,
        scored_on=scored_on or timezone.localdate(),
        note=note,
    )
    _validate(progress)
    progress.save()
    _work_changed(project)
    return progress


# Driver diagram


def driver_add(*, project, text: str, parent=None) -> Driver:
    if parent is not None:
        if parent.project_id != project.pk:
            raise ValidationError("A secondary driver must sit under a driver of the same project.")
        if not parent.is_primary:
            raise ValidationError("Drivers go two levels deep: primary, then secondary.")
    siblings = Driver.objects.filter(project=project, parent=parent)
    position = (siblings.aggregate(last=Max("position"))["last"] or 0) + 1
    return Driver.objects.create(
        project=project, parent=parent, text=text.strip(), position=position
    )


def driver_update(*, driver, text: str) -> Driver:
    driver.text = text.strip()
    driver.save(update_fields=["text"])
    return driver


def driver_delete(*, driver) -> None:
    # Change ideas outlive their driver (the FK is SET_NULL): the team's tests are its history.
    driver.delete()


# Change ideas


def change_idea_add(
    *, project, author, title: str, description: str = "", driver=None, status=None
) -> ChangeIdea:
    if driver is not None and driver.project_id != project.pk:
        raise ValidationError("The driver belongs to another project.")
    idea = ChangeIdea(
        project=project,
        driver=driver,
        title=title.strip(),
        description=description,
        status=status or ChangeIdea.Status.TESTING,
        created_by=author,
    )
    _validate(idea)
    idea.save()
    _work_changed(project)
    return idea


def change_idea_update(*, idea, **fields) -> ChangeIdea:
    driver = fields.get("driver")
    if driver is not None and driver.project_id != idea.project_id:
        raise ValidationError("The driver belongs to another project.")
    changed = _set(idea, fields, ("title", "description", "driver", "status"))
    if "status" in changed:
        idea.status_changed_at = timezone.now()
        changed.append("status_changed_at")
    if changed:
        _validate(idea)
        idea.save(update_fields=[*changed, "updated_at"])
        _work_changed(idea.project)
    return idea


# An idea that worked (adopted, or adapted and kept) has spread once another team takes it up;
# one still being tested, or abandoned, keeps its status: copying it is not evidence it spreads.
SPREADS_WHEN_COPIED = (ChangeIdea.Status.ADOPTED, ChangeIdea.Status.ADAPTED)


@transaction.atomic
def change_idea_spread(*, source, target_project, author) -> ChangeIdea:
    """Copy another team's change idea into one of our projects as a starting point. When it
    goes to another team and had been adopted or adapted, the source idea becomes `spread`."""
    if source.project.organisation_id != target_project.organisation_id:
        raise ValidationError("Change ideas spread only within the organisation.")
    if source.project_id == target_project.pk:
        raise ValidationError("That change idea is already in this project.")
    idea = ChangeIdea.objects.create(
        project=target_project,
        title=source.title,
        description=source.description,
        status=ChangeIdea.Status.TESTING,
        spread_from=source,
        created_by=author,
    )
    if target_project.team_id != source.project.team_id:
        # A conditional UPDATE: the status read here may be stale if the source team just
        # recorded an Act decision.
        now = timezone.now()
        updated = ChangeIdea.objects.filter(pk=source.pk, status__in=SPREADS_WHEN_COPIED).update(
            status=ChangeIdea.Status.SPREAD, status_changed_at=now, updated_at=now
        )
        if updated:
            source.status, source.updated_at = ChangeIdea.Status.SPREAD, now
            source.status_changed_at = now
            _work_changed(source.project)
    _work_changed(target_project)
    return idea


# PDSA cycles


def _stage_index(stage) -> int:
    return STAGE_ORDER.index(stage)


def _cycle_name(cycle) -> str:
    return f"PDSA {cycle.number} of “{cycle.change_idea}”"


def _audit_cycle(cycle, actor, action, summary: str, changes: dict) -> None:
    # In the caller's transaction: a change that is rolled back leaves no event.
    audit.record(
        actor=actor,
        team=cycle.project.team,
        obj=cycle,
        object_type=audit.PDSA_CYCLE,
        action=action,
        summary=summary,
        changes=changes,
        subject=audit.subject_of("cycle", cycle.pk),
    )


def cycle_plan_prefill(*, parent) -> dict:
    """The Plan of a follow-on cycle, started from its parent: same set-up, next steps as aim."""
    initial = {name: getattr(parent, name) for name in PLAN_FIELDS}
    if parent.next_steps:
        initial["objective"] = parent.next_steps
    if parent.learning:
        initial["questions"] = "\n\n".join(
            part for part in (parent.questions, f"Learning from PDSA {parent.number}:") if part
        )
        initial["predictions"] = parent.learning
    return initial


def cycle_plan(*, change_idea, author, parent=None, measures=None, **plan) -> PDSACycle:
    """Plan a new cycle under the change idea, numbered next within it, with the measures it is
    expected to move (from those its project serves)."""
    if parent is not None and parent.project_id != change_idea.project_id:
        raise ValidationError("A cycle can only follow an earlier cycle of the same project.")
    with transaction.atomic():
        # Lock the change idea so two people planning at once get different numbers.
        ChangeIdea.objects.select_for_update().filter(pk=change_idea.pk).first()
        last = change_idea.cycles.aggregate(last=Max("number"))["last"] or 0
        cycle = PDSACycle(
            project_id=change_idea.project_id,
            change_idea=change_idea,
            number=last + 1,
            parent=parent,
            author=author,
        )
        _set(cycle, plan, PLAN_FIELDS)
        _validate(cycle)
        cycle.save()
        if measures:
            cycle_set_measures(cycle=cycle, measures=measures)
        _work_changed(change_idea.project)
        after = {name: getattr(cycle, name) for name in PLAN_FIELDS}
        if parent is not None:
            after["follows"] = f"PDSA {parent.number}"
        if measures:
            after["measures"] = sorted(str(m) for m in cycle.measures.all())
        _audit_cycle(
            cycle,
            author,
            audit.Action.CREATE,
            f"Planned {_cycle_name(cycle)}"
            + (f", following PDSA {parent.number}" if parent is not None else ""),
            audit.diff({}, {k: v for k, v in after.items() if v not in (None, "")}),
        )
    if change_idea.status in (ChangeIdea.Status.ABANDONED,):
        # Testing an abandoned idea again brings it back into testing.
        change_idea_update(idea=change_idea, status=ChangeIdea.Status.TESTING)
    return cycle


def _record(cycle, stage, values, allowed, *, actor=None, check=None) -> PDSACycle:
    with transaction.atomic():
        return _record_stage(cycle, stage, values, allowed, actor=actor, check=check)


def _record_stage(cycle, stage, values, allowed, *, actor, check) -> PDSACycle:
    if cycle.stage == Stage.CLOSED:
        raise ValidationError("This cycle is closed; its record can no longer change.")
    if _stage_index(cycle.stage) < _stage_index(stage) - 1:
        previous = STAGE_ORDER[_stage_index(stage) - 1]
        raise ValidationError(
            f"Record the {previous.label} stage before {Stage(stage).label}: "
            "a PDSA cycle runs Plan, Do, Study, Act in that order."
        )
    before = {name: getattr(cycle, name) for name in (*allowed, "stage")}
    changed = _set(cycle, values, allowed)
    if check:
        check(cycle)
    if _stage_index(stage) > _stage_index(cycle.stage):
        cycle.stage = stage
        changed.append("stage")
    if changed:
        cycle.save(update_fields=[*changed, "updated_at"])
        _work_changed(cycle.project)
        after = {name: getattr(cycle, name) for name in before}
        summary = f"Recorded {Stage(stage).label} for {_cycle_name(cycle)}"
        if stage == Stage.ACT:
            summary += f": {PDSACycle.Decision(cycle.decision).label.lower()}"
        _audit_cycle(cycle, actor, audit.Action.UPDATE, summary, audit.diff(before, after))
    return cycle


def cycle_update_plan(*, cycle, measures=None, actor=None, **plan) -> PDSACycle:
    """Change the Plan; `measures`, when given, replaces the measures the cycle aims to move."""
    if not plan.get("objective", cycle.objective).strip():
        raise ValidationError("Say what this test is for: the objective is required.")
    with transaction.atomic():
        _record(cycle, Stage.PLAN, plan, PLAN_FIELDS, actor=actor)
        if measures is not None:
            before = sorted(str(m) for m in cycle.measures.all())
            cycle_set_measures(cycle=cycle, measures=measures)
            after = sorted(str(m) for m in cycle.measures.all())
            if before != after:
                _audit_cycle(
                    cycle,
                    actor,
                    audit.Action.UPDATE,
                    f"Changed the measures {_cycle_name(cycle)} aims to move",
                    {"measures": [before, after]},
                )
    return cycle


def cycle_set_measures(*, cycle, measures) -> list:
    """Set the measures the cycle is expected to move: only measures its project serves can be
    added (one the cycle already aims at stays allowed if the project stops serving it). The
    relation is declared on the metrics side; cycles reaches it without importing metrics.
    Allowed at any stage, closed included: a measure is often defined after the test ran, and
    the link is what lets the library and the charts find the cycle's learning."""
    wanted = {getattr(measure, "pk", measure) for measure in measures}
    served = set(cycle.project.measures.filter(pk__in=wanted).values_list("pk", flat=True))
    served |= set(cycle.measures.filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - served:
        raise ValidationError(
            "A cycle can only aim to move measures its project serves: link the measure to the "
            "project on the measure's page first."
        )
    cycle.measures.set(sorted(wanted))
    return sorted(wanted)


def _check_do(cycle):
    if not cycle.what_happened.strip():
        raise ValidationError("Say what happened when you ran the test.")
    if cycle.do_started_on and cycle.do_ended_on and cycle.do_ended_on < cycle.do_started_on:
        raise ValidationError("The test cannot end before it started.")


def cycle_record_do(*, cycle, actor=None, **do) -> PDSACycle:
    return _record(cycle, Stage.DO, do, DO_FIELDS, actor=actor, check=_check_do)


def _check_study(cycle):
    if not cycle.learning.strip():
        raise ValidationError("Say what you learned: Study is where the learning is written down.")


def cycle_record_study(*, cycle, actor=None, **study) -> PDSACycle:
    return _record(cycle, Stage.STUDY, study, STUDY_FIELDS, actor=actor, check=_check_study)


def _check_act(cycle):
    if cycle.decision not in PDSACycle.Decision.values:
        raise ValidationError("Choose whether to adopt, adapt or abandon the change.")


def cycle_record_act(*, cycle, decision, next_steps: str = "", actor=None) -> PDSACycle:
    """Record the decision. Adapt means another cycle: the caller offers to plan it, prefilled."""
    with transaction.atomic():
        _record(
            cycle,
            Stage.ACT,
            {"decision": decision, "next_steps": next_steps},
            ACT_FIELDS,
            actor=actor,
            check=_check_act,
        )
        idea = cycle.change_idea
        if idea.status != ChangeIdea.Status.SPREAD:
            change_idea_update(idea=idea, status=IDEA_STATUS_AFTER_DECISION[decision])
    return cycle


def cycle_offers_next(cycle) -> bool:
    return cycle.decision == PDSACycle.Decision.ADAPT and cycle.stage in (Stage.ACT, Stage.CLOSED)


def cycle_close(*, cycle, actor=None) -> PDSACycle:
    if cycle.stage == Stage.CLOSED:
        return cycle
    if not cycle.learning.strip() or not cycle.decision:
        raise ValidationError(
            "A cycle can only be closed once Study (what was learned) and Act (the decision) "
            "are recorded."
        )
    before = cycle.stage
    with transaction.atomic():
        cycle.stage = Stage.CLOSED
        cycle.closed_at = timezone.now()
        cycle.save(update_fields=["stage", "closed_at", "updated_at"])
        _work_changed(cycle.project)
        _audit_cycle(
            cycle,
            actor,
            audit.Action.UPDATE,
            f"Closed {_cycle_name(cycle)}",
            {"stage": [before, Stage.CLOSED]},
        )
    return cycle


# Reviews


def review_create(*, project, author, text: str, cycle=None) -> Review:
    if cycle is not None and cycle.project_id != project.pk:
        raise ValidationError("That cycle belongs to another project.")
    if not text.strip():
        raise ValidationError("Write some feedback before saving the review.")
    review = Review.objects.create(project=project, cycle=cycle, author=author, text=text.strip())
    _work_changed(project)
    return review


def review_resolve(*, review, user) -> Review:
    # A conditional UPDATE: if two people resolve at once, the first one is kept as the resolver.
    now = timezone.now()
    updated = Review.objects.filter(pk=review.pk, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=user
    )
    if updated:
        review.resolved_at, review.resolved_by = now, user
        _work_changed(review.project)
    else:
        review.refresh_from_db(fields=["resolved_at", "resolved_by"])
    return review
