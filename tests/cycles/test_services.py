"""Model rules and domain operations: numbering, ramps, stage order, closing, reviews, spread."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cycles import services
from cycles.models import ChangeIdea, PDSACycle
from tests.cycles.factories import ChangeIdeaFactory, CycleFactory, DriverFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _plan(idea, **extra):
    return services.cycle_plan(change_idea=idea, author=None, objective="Test it", **extra)


def _run_to_act(cycle, decision="adopt"):
    services.cycle_record_do(cycle=cycle, what_happened="It ran for a week.")
    services.cycle_record_study(cycle=cycle, results="As predicted", learning="It works.")
    return services.cycle_record_act(cycle=cycle, decision=decision, next_steps="Keep going.")


def test_project_create_copies_the_team_organisation_and_builds_the_aim(org_world):
    project = services.project_create(
        team=org_world["own"],
        author=org_world["users"]["member"],
        title="Fewer incidents",
        problem="Too many",
        aim_what="Violent incidents",
        aim_how_much="from 12 to 8 a month",
        aim_by_when=date(2026, 3, 31),
        start_date=date(2025, 4, 1),
    )
    assert project.organisation == org_world["organisation"]
    assert project.aim_statement == "Violent incidents: from 12 to 8 a month by 31 March 2026"


def test_project_update_saves_only_what_changed(org_world):
    project = ProjectFactory(team=org_world["own"])
    services.project_update(project=project, title="New title")
    project.refresh_from_db()
    assert project.title == "New title"
    with pytest.raises(TypeError):
        services.project_update(project=project, organisation=None)


def test_cycles_are_numbered_within_their_change_idea(org_world):
    idea = ChangeIdeaFactory(project__team=org_world["own"])
    other_idea = ChangeIdeaFactory(project=idea.project)
    assert [_plan(idea).number for _ in range(3)] == [1, 2, 3]
    assert _plan(other_idea).number == 1


def test_a_cycle_number_is_unique_in_its_change_idea(org_world):
    cycle = CycleFactory(change_idea__project__team=org_world["own"], number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        CycleFactory(change_idea=cycle.change_idea, number=1)


def test_a_ramp_follows_an_earlier_cycle_of_the_same_project(org_world):
    first = _plan(ChangeIdeaFactory(project__team=org_world["own"]))
    second = _plan(first.change_idea, parent=first)
    assert second.parent == first
    assert list(first.follow_ons.all()) == [second]
    elsewhere = ChangeIdeaFactory(project__team=org_world["own"])
    with pytest.raises(ValidationError):
        _plan(elsewhere, parent=first)


def test_stages_run_in_order(org_world):
    cycle = _plan(ChangeIdeaFactory(project__team=org_world["own"]))
    with pytest.raises(ValidationError, match="Record the Do stage before Study"):
        services.cycle_record_study(cycle=cycle, learning="Too early")
    with pytest.raises(ValidationError, match="Record the Study stage before Act"):
        services.cycle_record_act(cycle=cycle, decision="adopt")
    services.cycle_record_do(cycle=cycle, what_happened="Ran it")
    assert cycle.stage == "do"
    services.cycle_record_study(cycle=cycle, learning="Learned")
    assert cycle.stage == "study"
    # Correcting an earlier stage keeps the cycle where it is.
    services.cycle_record_do(cycle=cycle, what_happened="Ran it, corrected")
    cycle.refresh_from_db()
    assert (cycle.stage, cycle.what_happened) == ("study", "Ran it, corrected")


def test_do_needs_what_happened_and_sensible_dates(org_world):
    cycle = _plan(ChangeIdeaFactory(project__team=org_world["own"]))
    with pytest.raises(ValidationError, match="what happened"):
        services.cycle_record_do(cycle=cycle, what_happened=" ")
    with pytest.raises(ValidationError, match="cannot end before"):
        services.cycle_record_do(
            cycle=cycle,
            what_happened="x",
            do_started_on=date(2025, 5, 2),
            do_ended_on=date(2025, 5, 1),
        )


def test_closing_needs_study_and_act(org_world):
    cycle = _plan(ChangeIdeaFactory(project__team=org_world["own"]))
    with pytest.raises(ValidationError, match="Study .* and Act"):
        services.cycle_close(cycle=cycle)
    _run_to_act(cycle)
    services.cycle_close(cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.stage == "closed" and cycle.closed_at is not None
    with pytest.raises(ValidationError, match="closed"):
        services.cycle_record_do(cycle=cycle, what_happened="late edit")


def test_the_database_refuses_a_closed_cycle_without_study_and_act(org_world):
    cycle = CycleFactory(change_idea__project__team=org_world["own"])
    with pytest.raises(IntegrityError), transaction.atomic():
        PDSACycle.objects.filter(pk=cycle.pk).update(stage="closed")


@pytest.mark.parametrize(
    ("decision", "status"),
    [("adopt", "adopted"), ("adapt", "adapted"), ("abandon", "abandoned")],
)
def test_the_act_decision_sets_the_change_idea_status(org_world, decision, status):
    cycle = _plan(ChangeIdeaFactory(project__team=org_world["own"]))
    _run_to_act(cycle, decision)
    cycle.change_idea.refresh_from_db()
    assert cycle.change_idea.status == status
    assert services.cycle_offers_next(cycle) is (decision == "adapt")


def test_an_adapt_parent_prefills_the_next_plan(org_world):
    cycle = _plan(ChangeIdeaFactory(project__team=org_world["own"]), plan_who="Night staff")
    _run_to_act(cycle, "adapt")
    initial = services.cycle_plan_prefill(parent=cycle)
    assert initial["objective"] == "Keep going."
    assert initial["plan_who"] == "Night staff"
    assert initial["predictions"] == "It works."


def test_drivers_go_two_levels_deep_within_their_project(org_world):
    project = ProjectFactory(team=org_world["own"])
    primary = services.driver_add(project=project, text="Early recognition")
    secondary = services.driver_add(project=project, text="Handover", parent=primary)
    assert secondary.parent == primary and secondary.position == 1
    with pytest.raises(ValidationError):
        services.driver_add(project=project, text="Too deep", parent=secondary)
    with pytest.raises(ValidationError):
        services.driver_add(project=ProjectFactory(team=org_world["own"]), text="x", parent=primary)


def test_deleting_a_driver_keeps_its_change_ideas(org_world):
    driver = DriverFactory(project__team=org_world["own"])
    idea = ChangeIdeaFactory(project=driver.project, driver=driver)
    services.driver_delete(driver=driver)
    idea.refresh_from_db()
    assert idea.driver is None


def test_a_change_idea_cannot_use_another_projects_driver(org_world):
    project = ProjectFactory(team=org_world["own"])
    foreign_driver = DriverFactory(project__team=org_world["own"])
    with pytest.raises(ValidationError):
        services.change_idea_add(project=project, author=None, title="x", driver=foreign_driver)


def test_progress_scores_stay_on_the_ihi_scale(org_world):
    project = ProjectFactory(team=org_world["own"])
    score = services.progress_score_add(
        project=project, author=None, score=Decimal("3.5"), scored_by="coach"
    )
    assert score.scored_on is not None
    with pytest.raises(ValidationError):
        services.progress_score_add(
            project=project, author=None, score=Decimal("5.5"), scored_by="team"
        )


def test_reviews_are_resolved_once_and_keep_who_resolved_them(org_world):
    project = ProjectFactory(team=org_world["own"])
    coach, member = org_world["users"]["coach"], org_world["users"]["member"]
    review = services.review_create(project=project, author=coach, text="Plot it")
    assert review.is_open
    services.review_resolve(review=review, user=member)
    services.review_resolve(review=review, user=coach)
    review.refresh_from_db()
    assert review.resolved_by == member and not review.is_open
    with pytest.raises(ValidationError):
        services.review_create(project=project, author=coach, text="   ")


def test_spreading_copies_the_idea_and_remembers_its_source(org_world):
    source = ChangeIdeaFactory(project__team=org_world["other"], status="adopted")
    target = ProjectFactory(team=org_world["own"])
    idea = services.change_idea_spread(
        source=source, target_project=target, author=org_world["users"]["member"]
    )
    assert (idea.project, idea.spread_from, idea.status) == (target, source, "testing")
    assert idea.title == source.title
    with pytest.raises(ValidationError):
        services.change_idea_spread(
            source=source, target_project=ProjectFactory(team=org_world["foreign"]), author=None
        )
    assert ChangeIdea.objects.filter(spread_from=source).count() == 1


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("adopted", "spread"),
        ("adapted", "spread"),
        ("testing", "testing"),
        ("abandoned", "abandoned"),
        ("spread", "spread"),
    ],
)
def test_spreading_to_another_team_marks_a_working_idea_spread(org_world, before, after):
    source = ChangeIdeaFactory(project__team=org_world["other"], status=before)
    copy = services.change_idea_spread(
        source=source, target_project=ProjectFactory(team=org_world["own"]), author=None
    )
    assert source.status == after
    source.refresh_from_db()
    assert source.status == after
    assert copy.status == "testing", "the copy starts as the other team's own test"


def test_copying_within_the_same_team_is_not_spreading(org_world):
    source = ChangeIdeaFactory(project__team=org_world["own"], status="adopted")
    services.change_idea_spread(
        source=source, target_project=ProjectFactory(team=org_world["own"]), author=None
    )
    source.refresh_from_db()
    assert source.status == "adopted"


def test_an_act_decision_on_a_spread_idea_keeps_it_spread(org_world):
    source = ChangeIdeaFactory(project__team=org_world["other"], status="adopted")
    services.change_idea_spread(
        source=source, target_project=ProjectFactory(team=org_world["own"]), author=None
    )
    cycle = _plan(source)
    _run_to_act(cycle, decision="adapt")
    source.refresh_from_db()
    assert source.status == "spread"
