from datetime import date

import factory

from cycles.models import ChangeIdea, Driver, PDSACycle, ProgressScore, Project, Review
from tests.factories import TeamFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    problem = "Too many incidents in the evening."
    aim_what = "Violent incidents involving staff"
    aim_how_much = "from 12 to 8 a month"
    aim_by_when = date(2026, 12, 31)
    start_date = date(2025, 1, 6)


class DriverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Driver

    project = factory.SubFactory(ProjectFactory)
    text = factory.Sequence(lambda n: f"Driver {n}")


class ChangeIdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangeIdea

    project = factory.SubFactory(ProjectFactory)
    driver = factory.SubFactory(DriverFactory, project=factory.SelfAttribute("..project"))
    title = factory.Sequence(lambda n: f"Change idea {n}")


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PDSACycle

    change_idea = factory.SubFactory(ChangeIdeaFactory)
    project = factory.SelfAttribute("change_idea.project")
    number = factory.Sequence(lambda n: n + 1)
    objective = "Try a safety huddle at the late shift for a week."


class ProgressScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressScore

    project = factory.SubFactory(ProjectFactory)
    score = "2.0"
    scored_by = "team"
    scored_on = date(2025, 3, 3)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    project = factory.SubFactory(ProjectFactory)
    text = "Plot the data with the change marked."


def make_measure(*, team=None, organisation=None, name="Violent incidents", kind="outcome"):
    """A measure, made through the metrics model directly: tests may import metrics, the cycles
    app never does (DESIGN §2)."""
    from metrics.models import Measure

    return Measure.objects.create(
        team=team,
        organisation=organisation or team.organisation,
        name=name,
        kind=kind,
        definition=f"{name}, counted from the incident system.",
    )
