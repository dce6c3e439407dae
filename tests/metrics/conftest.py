import datetime as dt

import pytest


@pytest.fixture
def measure_factory(org_world):
    """Make a measure of the `own` team through the service, as the app does."""
    from metrics.measures.services import measure_create

    def make(**fields):
        defaults = {
            "name": "Violent incidents involving staff",
            "definition": "Incidents reported on Datix where a member of staff was assaulted.",
            "unit": "incidents",
            "frequency": "week",
            "chart_type": "xmr",
            "improvement": "decrease",
        }
        defaults.update(fields)
        team = defaults.pop("team", org_world["own"])
        return measure_create(organisation=org_world["organisation"], team=team, **defaults)

    return make


@pytest.fixture
def mondays():
    """Weekly periods (weeks commencing Monday) ending last week, oldest first."""

    def make(n, *, end=None):
        end = end or dt.date(2025, 6, 2)
        return [end - dt.timedelta(weeks=n - 1 - i) for i in range(n)]

    return make


@pytest.fixture
def eager_tasks():
    """Run tasks in-process after commit, as the embedded default (no REDIS_URL) does."""
    from qi_portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
