"""Reads for the cycles pages. Each page costs a fixed number of queries however many projects,
change ideas and cycles there are (DESIGN §8): related rows come with select_related or
prefetch_related, counts and latest values with annotations."""

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)

from cycles.models import ChangeIdea, Driver, PDSACycle, ProgressScore, Project, Review
from teams import permissions

IN_FLIGHT = (PDSACycle.Stage.PLAN, PDSACycle.Stage.DO, PDSACycle.Stage.STUDY, PDSACycle.Stage.ACT)


def _in_organisation(queryset, user, organisation_field="organisation_id"):
    if user.organisation_id is None:
        return queryset.none()
    return queryset.filter(**{organisation_field: user.organisation_id})


def project_for_user_or_none(user, project_id):
    """The project, if it is in the user's organisation; None otherwise (the caller 404s)."""
    projects = Project.objects.select_related("team", "team__directorate", "organisation")
    return _in_organisation(projects, user).filter(pk=project_id).first()


def change_idea_for_user_or_none(user, idea_id):
    ideas = ChangeIdea.objects.select_related("project", "project__team", "driver")
    return _in_organisation(ideas, user, "project__organisation_id").filter(pk=idea_id).first()


def driver_for_user_or_none(user, driver_id):
    drivers = Driver.objects.select_related("project", "project__team")
    return _in_organisation(drivers, user, "project__organisation_id").filter(pk=driver_id).first()


def cycle_for_user_or_none(user, cycle_id):
    cycles = PDSACycle.objects.select_related(
        "project", "project__team", "change_idea", "parent", "author"
    )
    return _in_organisation(cycles, user, "project__organisation_id").filter(pk=cycle_id).first()


def review_for_user_or_none(user, review_id):
    reviews = Review.objects.select_related("project", "project__team")
    return _in_organisation(reviews, user, "project__organisation_id").filter(pk=review_id).first()


# The team page


def _latest_score():
    return ProgressScore.objects.filter(project=OuterRef("pk")).order_by("-scored_on", "-pk")


def _open_review_count():
    return (
        Review.objects.filter(project=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )


def team_projects(team):
    """The team's projects with latest progress score, cycles in flight by stage, last activity
    and open reviews: one query."""
    stage_counts = {
        f"in_{stage}": Count("cycles", filter=Q(cycles__stage=stage)) for stage in IN_FLIGHT
    }
    return (
        Project.objects.filter(team=team)
        .annotate(
            latest_score=Subquery(
                _latest_score().values("score")[:1],
                output_field=DecimalField(max_digits=2, decimal_places=1),
            ),
            latest_score_on=Subquery(_latest_score().values("scored_on")[:1]),
            open_reviews=Subquery(_open_review_count(), output_field=IntegerField()),
            last_cycle_activity=Max("cycles__updated_at"),
            **stage_counts,
        )
        .order_by(
            Case(
                When(status__in=[Project.Status.COMPLETED, Project.Status.STOPPED], then=Value(1)),
                default=Value(0),
            ),
            "-start_date",
            "title",
        )
    )


def open_reviews_for_team(team):
    return (
        Review.objects.filter(project__team=team, resolved_at__isnull=True)
        .select_related("project", "cycle", "cycle__change_idea", "author")
        .order_by("-created_at")
    )


def last_activity(project):
    """The later of the project's own edits and its cycles' (annotated by team_projects)."""
    times = [t for t in (project.updated_at, getattr(project, "last_cycle_activity", None)) if t]
    return max(times) if times else None


# The project page


@dataclass
class DriverNode:
    driver: Driver
    children: list = field(default_factory=list)
    ideas: list = field(default_factory=list)


@dataclass
class DriverDiagram:
    primaries: list[DriverNode]
    unassigned_ideas: list[ChangeIdea]
    drivers: list[Driver]  # flat, for choosing a driver in forms


def driver_diagram(project) -> DriverDiagram:
    """Aim -> primary drivers -> secondary drivers -> change ideas (each with its cycles), from
    three queries."""
    drivers = list(Driver.objects.filter(project=project).order_by("position", "pk"))
    ideas = list(
        ChangeIdea.objects.filter(project=project)
        .select_related("spread_from", "spread_from__project", "spread_from__project__team")
        .annotate(cycle_count=Count("cycles"))
        .prefetch_related(
            Prefetch(
                "cycles",
                queryset=PDSACycle.objects.only("pk", "number", "stage", "change_idea_id")
                .order_by("number", "pk"),
                to_attr="cycles_in_order",
            )
        )
        .order_by("created_at", "pk")
    )
    nodes = {d.pk: DriverNode(d) for d in drivers}
    primaries = []
    for d in drivers:
        if d.parent_id is None:
            primaries.append(nodes[d.pk])
        elif d.parent_id in nodes:
            nodes[d.parent_id].children.append(nodes[d.pk])
    unassigned = []
    for idea in ideas:
        if idea.driver_id in nodes:
            nodes[idea.driver_id].ideas.append(idea)
        else:
            unassigned.append(idea)
    return DriverDiagram(primaries, unassigned, drivers)


def project_cycles(project):
    """The timeline: every cycle of the project, newest activity first."""
    return (
        PDSACycle.objects.filter(project=project)
        .select_related("change_idea", "parent", "author")
        # Cycles not yet run (no Do date) are the newest work; then by when they were tested.
        .order_by(F("do_started_on").desc(nulls_first=True), "-created_at", "-pk")
    )


def project_scores(project):
    return ProgressScore.objects.filter(project=project).select_related("author")


def project_reviews(project):
    return Review.objects.filter(project=project).select_related(
        "author", "resolved_by", "cycle", "cycle__change_idea"
    )


def cycle_reviews(cycle):
    return Review.objects.filter(cycle=cycle).select_related("author", "resolved_by")


# Spreading ideas: where may this user copy an idea to?


def projects_user_can_edit(user):
    access = permissions.access_for(user)
    projects = _in_organisation(Project.objects.select_related("team"), user)
    if not access.is_admin:
        teams = set(access.team_roles) | set(access.coached_team_ids)
        projects = projects.filter(team_id__in=teams)
    return projects.exclude(status__in=[Project.Status.COMPLETED, Project.Status.STOPPED]).order_by(
        "team__name", "title"
    )


# The learning library


STATUS_FIRST = Case(
    When(status__in=[ChangeIdea.Status.ADOPTED, ChangeIdea.Status.SPREAD], then=Value(0)),
    When(status=ChangeIdea.Status.ADAPTED, then=Value(1)),
    When(status=ChangeIdea.Status.TESTING, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def measure_model():
    """The Measure model, reached through the relation the metrics app declares on it
    (`Measure.projects`, related name `measures`): cycles never imports metrics (DESIGN §2)."""
    return Project.measures.rel.related_model


def _measures_brief(queryset):
    return queryset.select_related("team").only("pk", "name", "kind", "team__name")


def library_measures(user):
    """The organisation's measures that some project of the organisation serves: what the
    library can be filtered by. One query, with each measure's team."""
    measures = _in_organisation(measure_model().objects.all(), user)
    if user.organisation_id is None:
        return measures
    serving = Project.objects.filter(organisation_id=user.organisation_id, measures=OuterRef("pk"))
    return _measures_brief(measures.filter(Exists(serving))).order_by(
        F("team__name").asc(nulls_first=True), "name", "pk"
    )


def project_measures(project):
    """The measures a project serves: those its cycles can be expected to move."""
    return _measures_brief(project.measures.all()).order_by("name", "pk")


def cycle_measures(cycle):
    return _measures_brief(cycle.measures.all()).order_by("name", "pk")


def cycle_measure_choices(cycle):
    """What a cycle may aim at: its project's measures, and any it already aims at."""
    return _measures_brief(
        (cycle.project.measures.all() | cycle.measures.all()).distinct()
    ).order_by("name", "pk")


def aims_to_move(measure_id):
    """A change idea aims to move the measures of its project and those of its cycles."""
    return Exists(Project.objects.filter(pk=OuterRef("project_id"), measures=measure_id)) | Exists(
        PDSACycle.objects.filter(change_idea=OuterRef("pk"), measures=measure_id)
    )


def library_ideas(
    user, *, text="", directorate_id=None, status="", measure_id=None, using_postgres=False
):
    """Change ideas across the organisation, adopted and spread first, with their cycles and the
    measures they aim to move (the project's and the cycles'), in a fixed number of queries."""
    ideas = _in_organisation(ChangeIdea.objects.all(), user, "project__organisation_id")
    if directorate_id:
        ideas = ideas.filter(project__team__directorate_id=directorate_id)
    if status:
        ideas = ideas.filter(status=status)
    if measure_id:
        ideas = ideas.filter(aims_to_move(measure_id))
    ordering = [STATUS_FIRST, "-updated_at", "pk"]
    text = text.strip()
    if text:
        if using_postgres:
            ideas, ordering = _search_postgres(ideas, text)
        else:
            ideas = _search_plain(ideas, text)
    measures = _measures_brief(measure_model().objects.all()).order_by("name", "pk")
    cycles = (
        PDSACycle.objects.only(
            "pk", "change_idea_id", "number", "stage", "decision", "learning", "objective"
        )
        .prefetch_related(Prefetch("measures", queryset=measures))
        .order_by("number")
    )
    return (
        ideas.select_related(
            "project", "project__team", "project__team__directorate", "driver", "spread_from"
        )
        .annotate(spread_teams=Subquery(_spread_team_count(), output_field=IntegerField()))
        .prefetch_related(
            Prefetch("cycles", queryset=cycles),
            Prefetch("project__measures", queryset=measures),
        )
        .order_by(*ordering)
    )


def _spread_team_count():
    """How many other teams have copied the idea into one of their projects."""
    return (
        ChangeIdea.objects.filter(spread_from=OuterRef("pk"))
        .exclude(project__team_id=OuterRef("project__team_id"))
        .order_by()
        .values("spread_from")
        .annotate(n=Count("project__team_id", distinct=True))
        .values("n")
    )


def idea_measures(idea):
    """The measures a library idea aims to move, from what library_ideas prefetched."""
    seen = {}
    for measure in idea.project.measures.all():
        seen.setdefault(measure.pk, measure)
    for cycle in idea.cycles.all():
        for measure in cycle.measures.all():
            seen.setdefault(measure.pk, measure)
    return sorted(seen.values(), key=lambda m: (m.name, m.pk))


def _search_plain(ideas, text):
    # SQLite (the embedded default) has no full-text search worth the name: substring matching.
    matching_cycles = PDSACycle.objects.filter(change_idea=OuterRef("pk")).filter(
        Q(objective__icontains=text) | Q(learning__icontains=text)
    )
    return ideas.filter(
        Q(title__icontains=text)
        | Q(description__icontains=text)
        | Q(project__title__icontains=text)
        | Exists(matching_cycles)
    )


def _search_postgres(ideas, text):
    # Imported here: the module must load where psycopg is absent (the embedded default).
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    query = SearchQuery(text, search_type="websearch", config="english")
    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("description", weight="B", config="english")
        + SearchVector("project__title", weight="C", config="english")
    )
    matching_cycles = (
        PDSACycle.objects.filter(change_idea=OuterRef("pk"))
        .annotate(document=SearchVector("objective", "learning", "next_steps", config="english"))
        .filter(document=query)
    )
    ideas = ideas.annotate(document=vector, rank=SearchRank(vector, query)).filter(
        Q(document=query) | Exists(matching_cycles)
    )
    return ideas, [STATUS_FIRST, "-rank", "-updated_at", "pk"]
