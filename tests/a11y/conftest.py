import pytest

from tests.a11y.world import PASSWORD, build_world


@pytest.fixture
def demo_world(transactional_db, eager_tasks):
    """The demo trust and its extras (tests/a11y/world.py), committed for the live server."""
    return build_world()


@pytest.fixture
def eager_tasks():
    """Tasks run in-process after commit, as the embedded default (no REDIS_URL) does."""
    from qi_portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def sign_in(browser, live_server):
    """sign_in(username) -> a page of a fresh browser context, signed in as that demo user."""
    contexts = []

    def open_as(username):
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        if username is None:
            return page
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    yield open_as
    for context in contexts:
        context.close()
