"""Shared fixtures: the organisation structure, a real Celery worker, headless Chromium.

Tests that need PostgreSQL, Redis or Chromium are skipped with a visible reason when the settings
do not use them (the embedded default: SQLite, tasks in-process) or Chromium is missing. Whether a
server happens to answer on this machine does not count: only what the settings use. CI sets
QI_REQUIRE_SERVICES=1, which turns every such skip into a failure.
"""

import logging
import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM refuses to run beside one
# unless told that it is safe (it is: the loop is idle while the test code runs).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("QI_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}
CHROMIUM_PATHS = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/chromium-headless-shell",
)


def skip_or_fail(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (QI_REQUIRE_SERVICES is set, so this is a failure, not a skip)")
    pytest.skip(reason)


def uses_postgres() -> bool:
    """Whether the settings in use put the database on PostgreSQL (DATABASE_URL)."""
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def uses_redis() -> bool:
    """Whether the settings in use send tasks through Redis (REDIS_URL) rather than in-process."""
    from django.conf import settings

    return bool(settings.REDIS_URL) and not settings.CELERY_TASK_ALWAYS_EAGER


def require_postgres(what: str) -> None:
    if not uses_postgres():
        skip_or_fail(f"{what}: needs PostgreSQL (set DATABASE_URL); the settings use SQLite")


def require_redis(what: str) -> None:
    if not uses_redis():
        skip_or_fail(f"{what}: needs a real Celery worker and Redis (set REDIS_URL)")


@pytest.fixture(autouse=True)
def _fast_password_hashing(request):
    # The production hasher is slow on purpose; tests only need passwords to round-trip.
    # The engine's tests also run without Django (-p no:django): then there is nothing to do.
    if not request.config.pluginmanager.hasplugin("django"):
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org_world(db):
    """Two teams in one organisation and one team in another, with a user of every role.

    `own` is the team the member, lead and coach belong to (or coach); `other` is another team in
    the same organisation; `foreign` belongs to another organisation.
    """
    from tests.factories import (
        CoachAssignmentFactory,
        DirectorateFactory,
        MembershipFactory,
        OrganisationFactory,
        OrganisationRoleFactory,
        TeamFactory,
        UserFactory,
    )

    organisation = OrganisationFactory()
    directorate = DirectorateFactory(organisation=organisation)
    own = TeamFactory(directorate=directorate, name="Willow Ward")
    other = TeamFactory(directorate=directorate, name="Cedar Ward")
    foreign_org = OrganisationFactory()
    foreign = TeamFactory(directorate=DirectorateFactory(organisation=foreign_org))

    users = {
        "member": MembershipFactory(team=own, role="member").user,
        "lead": MembershipFactory(team=own, role="lead").user,
        "coach": OrganisationRoleFactory(user__organisation=organisation, role="coach").user,
        "board": OrganisationRoleFactory(user__organisation=organisation, role="board").user,
        "admin": OrganisationRoleFactory(user__organisation=organisation, role="admin").user,
        "foreign_admin": OrganisationRoleFactory(user__organisation=foreign_org, role="admin").user,
        "no_organisation": UserFactory(organisation=None),
    }
    CoachAssignmentFactory(coach=users["coach"], team=own)
    return {
        "organisation": organisation,
        "foreign_organisation": foreign_org,
        "own": own,
        "other": other,
        "foreign": foreign,
        "users": users,
    }


@pytest.fixture
def celery_worker_on_redis(settings):
    """A real Celery worker (solo pool, in a thread) consuming from the real Redis broker."""
    require_redis("this test")
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    from qi_portal.celery import app

    assert not app.conf.task_always_eager, "with REDIS_URL set, tasks must go through the broker"
    app.control.purge()  # leftovers from an earlier run must not reach this worker

    def close_worker_connections(**kwargs):
        # The worker thread's connection would otherwise keep the test database open.
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)
    # start_worker sets up Celery's logging for the process (the root logger at ERROR, its
    # handler): put it back afterwards, or later tests no longer see warnings in caplog.
    root = logging.getLogger()
    root_level, root_handlers = root.level, root.handlers[:]
    try:
        # No ping check: it needs a result backend, which we do not run. start_worker still
        # waits until the worker is consuming, and each test waits for its own task's effect.
        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=["charts", "dashboards"]
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(close_worker_connections)
        root.setLevel(root_level)
        root.handlers[:] = root_handlers


@pytest.fixture(scope="session")
def chromium_path():
    for path in CHROMIUM_PATHS:
        if shutil.which(path):
            return path
    skip_or_fail("Chromium is not installed (Debian package: chromium)")


@pytest.fixture(scope="session")
def browser_type_launch_args(chromium_path):
    return {
        "executable_path": chromium_path,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(autouse=True)
def _fresh_dashboard_fragments(request, monkeypatch):
    # Rendered dashboard fragments are cached per snapshot (metrics/dashboards/cache.py); test
    # databases reuse ids and fixed timestamps, so each test gets keys of its own. (Not
    # cache.clear(): with REDIS_URL the cache shares its Redis db with the Celery broker.)
    if not request.config.pluginmanager.hasplugin("django"):
        return
    import uuid

    from metrics.dashboards import cache as dashboard_cache

    monkeypatch.setattr(dashboard_cache, "KEY_SALT", f"-{uuid.uuid4().hex[:12]}")
