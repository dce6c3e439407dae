import pytest

from tests.cycles.factories import (
    ChangeIdeaFactory,
    CycleFactory,
    ProgressScoreFactory,
    ProjectFactory,
    ReviewFactory,
)


def _work(team):
    project = ProjectFactory(team=team)
    idea = ChangeIdeaFactory(project=project)
    cycle = CycleFactory(change_idea=idea, number=1)
    ProgressScoreFactory(project=project)
    review = ReviewFactory(project=project, cycle=cycle)
    return {
        "project": project,
        "idea": idea,
        "driver": idea.driver,
        "cycle": cycle,
        "review": review,
        "team": team,
    }


@pytest.fixture
def cycles_world(org_world):
    """org_world plus a project (with driver, idea, cycle, score, review) in each team."""
    world = dict(org_world)
    world["work"] = {name: _work(org_world[name]) for name in ("own", "other", "foreign")}
    return world
