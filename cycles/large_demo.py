"""The large trust's improvement work (issue 7): projects, driver diagrams, change ideas, PDSA
cycles in every stage, progress scores and reviews, generated in bulk from a seeded generator.

Called by metrics.demo.large (which orchestrates the large trust) after teams.large_demo built
the structure. Rows are made with `bulk_create` in batches, so the denormalised `organisation`
of a project is set here, as `Project.save()` would.
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from cycles.models import ChangeIdea, Driver, PDSACycle, ProgressScore, Project, Review

BATCH = 2000
PROJECTS_PER_TEAM = 4
IDEAS_PER_PROJECT = 3
CYCLES_PER_PROJECT = 8  # split 3, 3, 2 over the ideas
TOPICS = [
    ("violent incidents involving staff", "a 30% reduction"),
    ("length of stay", "from 40 to 30 days"),
    ("first appointments not attended", "from 15% to 10%"),
    ("referral to assessment wait", "from 8 to 4 weeks"),
    ("staff sickness absence", "below 5%"),
    ("restrictive practice", "a 40% reduction"),
    ("physical health checks completed", "above 90%"),
    ("service users with a care plan they helped write", "above 80%"),
]
OPEN_STAGES = ["plan", "do", "study", "act", "closed"]
PROJECT_STATUSES = ["planning", "active", "active", "active", "sustaining", "completed", "stopped"]
DECIDED = {"adopt": "adopted", "adapt": "adapted", "abandon": "abandoned"}


def _cycles_of(idea_index: int) -> int:
    return [3, 3, 2][idea_index]


def seed_large_work(structure, *, today: dt.date | None = None) -> dict:
    """Add the work of every team of `structure` (a teams.large_demo.LargeStructure)."""
    today = today or timezone.localdate()
    rng = random.Random(f"work/{len(structure.teams)}")
    organisation = structure.organisation
    projects = []
    for team in structure.teams:
        for p in range(PROJECTS_PER_TEAM):
            what, how_much = rng.choice(TOPICS)
            start = today - dt.timedelta(weeks=rng.randrange(8, 100))
            projects.append(
                Project(
                    organisation=organisation,  # save() would set it; bulk_create does not
                    team=team,
                    title=f"Improving {what} ({team.name}, {p + 1})",
                    problem=f"The team's {what} has not improved in two years.",
                    aim_what=what.capitalize(),
                    aim_how_much=how_much,
                    aim_by_when=start + dt.timedelta(days=365),
                    status=rng.choice(PROJECT_STATUSES),
                    start_date=start,
                    created_by=structure.leads[team.pk],
                )
            )
    projects = Project.objects.bulk_create(projects, batch_size=BATCH)

    primaries = Driver.objects.bulk_create(
        (Driver(project=p, text="Early recognition of rising risk", position=1) for p in projects),
        batch_size=BATCH,
    )
    secondaries = Driver.objects.bulk_create(
        (Driver(project=d.project, parent=d, text="Shared picture at handover", position=1)
         for d in primaries),
        batch_size=BATCH,
    )  # fmt: skip
    ideas, last_stage = [], []
    for project, driver in zip(projects, secondaries, strict=True):
        author = structure.members[project.team_id][0]
        for i in range(IDEAS_PER_PROJECT):
            stage = rng.choice(OPEN_STAGES)
            decision = rng.choice(list(DECIDED)) if stage == "closed" else ""
            last_stage.append((stage, decision))
            ideas.append(
                ChangeIdea(
                    project=project,
                    driver=driver,
                    title=f"Change idea {i + 1} for {project.title}",
                    status=DECIDED[decision] if decision else ChangeIdea.Status.TESTING,
                    created_by=author,
                )
            )
    ideas = ChangeIdea.objects.bulk_create(ideas, batch_size=BATCH)

    cycles_made = 0
    parents: list[PDSACycle | None] = [None] * len(ideas)
    for number in range(1, max(_cycles_of(i) for i in range(IDEAS_PER_PROJECT)) + 1):
        batch, owners = [], []
        for k, idea in enumerate(ideas):
            n = _cycles_of(k % IDEAS_PER_PROJECT)
            if number > n:
                continue
            stage, decision = last_stage[k] if number == n else ("closed", "adapt")
            started = idea.project.start_date + dt.timedelta(weeks=2 + 3 * number)
            batch.append(_cycle(idea, number, stage, decision, started, parents[k]))
            owners.append(k)
        made = PDSACycle.objects.bulk_create(batch, batch_size=BATCH)
        for k, cycle in zip(owners, made, strict=True):
            parents[k] = cycle
        cycles_made += len(made)

    scores = []
    for project in projects:
        coach = structure.coaches[project.team_id]
        lead = structure.leads[project.team_id]
        first = Decimal(rng.choice(["0.5", "1.0", "1.5", "2.0"]))
        later = min(first + Decimal(rng.choice(["0.5", "1.0", "1.5"])), Decimal("5.0"))
        scores.append(
            ProgressScore(
                project=project,
                score=first,
                scored_by="team",
                author=lead,
                scored_on=project.start_date + dt.timedelta(weeks=4),
            )
        )
        scores.append(
            ProgressScore(
                project=project,
                score=later,
                scored_by="coach",
                author=coach,
                scored_on=project.start_date + dt.timedelta(weeks=8),
            )
        )
    ProgressScore.objects.bulk_create(scores, batch_size=BATCH)  # fmt: skip

    now = timezone.now()
    reviews = [
        Review(
            project=project,
            author=structure.coaches[project.team_id],
            text="Good aim; please add a balancing measure.",
            resolved_at=now if i % 2 else None,
            resolved_by=structure.leads[project.team_id] if i % 2 else None,
        )
        for i, project in enumerate(projects)
    ]
    Review.objects.bulk_create(reviews, batch_size=BATCH)
    return {
        "projects": len(projects),
        "drivers": len(primaries) + len(secondaries),
        "change_ideas": len(ideas),
        "cycles": cycles_made,
        "progress_scores": len(scores),
        "reviews": len(reviews),
        "_projects": projects,
    }


def _cycle(idea, number, stage, decision, started, parent) -> PDSACycle:
    reached = OPEN_STAGES.index(stage)
    cycle = PDSACycle(
        project_id=idea.project_id,
        change_idea=idea,
        number=number,
        parent=parent,
        stage=stage,
        objective=f"Test {idea.title.lower()} for one week (cycle {number}).",
        predictions="Fewer incidents on the days we test it.",
        author=idea.created_by,
    )
    if reached >= 1:
        cycle.do_started_on, cycle.do_ended_on = started, started + dt.timedelta(days=6)
        cycle.what_happened = "Tested on 5 of 7 days."
    if reached >= 2:
        cycle.results = cycle.what_happened
        cycle.learning = "It helps when the nurse in charge leads it."
    if reached >= 3:
        cycle.decision = decision or "adapt"
        cycle.next_steps = "Extend to the night shift."
    if stage == "closed":
        cycle.closed_at = timezone.make_aware(
            dt.datetime.combine(started + dt.timedelta(days=13), dt.time(12))
        )
    return cycle
