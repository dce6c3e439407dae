import datetime as dt

import pytest

from tests.conftest import require_redis


@pytest.fixture
def broker_url():
    """The tests' Redis db on the shared server, emptied of earlier runs' tasks."""
    require_redis("the fault tests")
    from django.conf import settings

    from qi_portal.celery import app

    url = settings.REDIS_URL

    assert not app.conf.task_always_eager
    app.control.purge()
    yield url
    app.control.purge()


@pytest.fixture
def charted_measure(org_world):
    """A weekly measure of the own team with a year of history, entered through the service."""
    from metrics.entry.services import Row, data_points_save
    from metrics.measures.services import measure_create

    def make(name="Mean length of stay", weeks=52, **fields):
        measure = measure_create(
            organisation=org_world["organisation"],
            team=org_world["own"],
            name=name,
            definition="Days from admission to discharge.",
            unit="days",
            frequency="week",
            chart_type="xmr",
            improvement="decrease",
            **fields,
        )
        start = dt.date(2024, 1, 1)
        rows = [
            Row(period=start + dt.timedelta(weeks=i), value=30 + (i * 7) % 11) for i in range(weeks)
        ]
        data_points_save(measure=measure, rows=rows, user=org_world["users"]["lead"])
        return measure

    return make


def engine_result(measure):
    """What the engine computes in this process from the measure's data as it is now."""
    from metrics.charts import inputs as charting
    from metrics.charts import recompute

    measure.refresh_from_db()
    result, error = charting.compute(recompute._load(measure))
    return result, error


@pytest.fixture
def eager_tasks_off_redis():
    """A block whose tasks run in-process after commit (setting up figures before a fault)."""
    import contextlib

    from qi_portal.celery import app

    @contextlib.contextmanager
    def eager():
        previous = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            yield
        finally:
            app.conf.task_always_eager = previous

    return eager


@pytest.fixture
def own_redis(settings, broker_url):
    """The app's broker and cache on a redis-server of this test's own."""
    from qi_portal import cache, queue
    from qi_portal.celery import app
    from tests.faults.services import RedisServer

    server = RedisServer()
    server.start()
    settings.CACHES = {
        "default": {  # as settings.py makes it, on this server
            "BACKEND": "qi_portal.cache.FailFastRedisCache",
            "LOCATION": server.url(0),
            "KEY_PREFIX": "qi",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    previous = app.conf.broker_url

    def point_broker(url):
        app.conf.broker_url = url
        app._after_fork()  # drop the pooled connections to the old broker

    def forget_failures():  # a port may be reused by the next test's server
        queue._down_until.clear()
        cache._down_until.clear()

    forget_failures()
    point_broker(server.url(0))
    yield server
    point_broker(previous)
    server.close()
    forget_failures()
