"""Keyboard alone (no mouse): sign in, plan a PDSA cycle and record its Do; enter this period's
value of a measure and correct another period in the data grid. Focus is visible at every stop,
never trapped, and each page's skip link takes focus to the main content."""

import datetime as dt

import pytest
from django.utils import timezone

from metrics import periods as P
from tests.a11y.keyboard import Keyboard
from tests.a11y.world import MEMBER, PASSWORD

pytestmark = [pytest.mark.browser]


@pytest.fixture
def keyboard_page(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    yield page, Keyboard(page)
    context.close()


def wait_for_path(page, base, path):
    """Wait for the page at `path`. (A form posted after the skip link keeps its #main fragment
    across the redirect, as browsers do.)"""
    page.wait_for_url(lambda url: url.split("#")[0] == base + path)


def day_equal_to_month(today: dt.date) -> dt.date:
    """The latest date up to today whose day equals its month (11 Nov, 3 Mar): typed the same in
    the browser's day-first or month-first date fields, whatever its locale."""
    month = today.month if today.day >= today.month else today.month - 1
    return dt.date(today.year, month, month) if month else dt.date(today.year - 1, 12, 12)


def sign_in_by_keyboard(page, keys, base):
    page.goto(f"{base}/accounts/login/")
    assert keys.focused().id == "id_username"  # the sign-in form focuses its first field
    skip = keys.tab_to(lambda f: f.href == "#main", back=True, limit=3)
    assert skip.text == "Skip to main content"
    assert keys.tab_to(lambda f: f.id == "id_username", limit=3)
    keys.type(MEMBER)
    assert keys.tab().id == "id_password"
    keys.type(PASSWORD)
    keys.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_plan_a_cycle_and_record_its_do_by_keyboard(demo_world, keyboard_page, live_server):
    from cycles.models import PDSACycle

    page, keys = keyboard_page
    base, project, idea = live_server.url, demo_world.project, demo_world.idea
    sign_in_by_keyboard(page, keys, base)
    # A member lands on their team's page.
    assert page.url.split("#")[0] == f"{base}/teams/{demo_world.team.pk}/"

    keys.skip_to_main()
    keys.tab_to(lambda f: f.href == f"/projects/{project.pk}/")
    keys.press("Enter")
    wait_for_path(page, base, f"/projects/{project.pk}/")

    keys.skip_to_main()
    keys.tab_to(lambda f: f.href == f"/ideas/{idea.pk}/cycles/new/")
    keys.press("Enter")
    wait_for_path(page, base, f"/ideas/{idea.pk}/cycles/new/")

    keys.skip_to_main()
    keys.tab_to(lambda f: f.id == "id_objective")
    keys.type("Try a bedside handover checklist on the late shift")
    keys.tab_to(lambda f: f.id == "id_predictions")
    keys.type("Fewer missed observations in the first hour")
    measure_box = keys.tab_to(lambda f: f.name == "measures")
    keys.press("Space")
    assert keys.focused().checked and not measure_box.checked
    keys.tab_to(lambda f: f.tag == "button" and f.text == "Save plan")
    keys.press("Enter")
    page.wait_for_url(lambda url: "/cycles/" in url and "/new/" not in url)

    cycle = PDSACycle.objects.filter(change_idea=idea).order_by("-pk").first()
    assert page.url.split("#")[0] == f"{base}/cycles/{cycle.pk}/"
    assert cycle.objective == "Try a bedside handover checklist on the late shift"
    assert cycle.predictions == "Fewer missed observations in the first hour"
    assert cycle.stage == "plan"
    assert cycle.measures.count() == 1

    keys.skip_to_main()
    keys.tab_to(lambda f: f.text == "Record Do")
    keys.press("Enter")
    wait_for_path(page, base, f"/cycles/{cycle.pk}/do/")
    keys.skip_to_main()
    started = day_equal_to_month(timezone.localdate())
    keys.tab_to(lambda f: f.id == "id_do_started_on")
    keys.type(started.strftime("%d%m%Y"))  # each part of the field moves on by itself
    keys.tab_to(lambda f: f.id == "id_what_happened")  # past the calendar button, still visible
    keys.type("Used on four late shifts; two handovers ran over time.")
    keys.tab_to(lambda f: f.tag == "button" and f.text == "Save Do")
    keys.press("Enter")
    wait_for_path(page, base, f"/cycles/{cycle.pk}/")

    cycle.refresh_from_db()
    assert cycle.stage == "do"
    assert cycle.what_happened == "Used on four late shifts; two handovers ran over time."
    assert cycle.do_started_on == started
    # Back the other way: Shift+Tab walks up from the page's end to the header's account
    # menu; Enter opens it and Tab reaches its "Sign out", which signs out.
    keys.tab_to(lambda f: f.id == "account-menu", back=True, limit=60)
    keys.press("Enter")
    keys.tab_to(lambda f: f.text == "Sign out", limit=5)
    keys.press("Enter")
    wait_for_path(page, base, "/accounts/login/")


def test_enter_this_periods_value_and_use_the_grid_by_keyboard(
    demo_world, keyboard_page, live_server
):
    from metrics.models import DataPoint

    page, keys = keyboard_page
    base = live_server.url
    measure = demo_world.measures_by_chart["xmr"]
    assert measure.team_id == demo_world.team.pk
    sign_in_by_keyboard(page, keys, base)
    page.goto(f"{base}/measures/{measure.pk}/")

    # The whole measure page, chart toolbar included: every stop visible, focus leaves the end.
    stops = keys.walk_whole_page()
    assert any(s.text == "Enter data" for s in stops)
    assert any(s.role == "region" for s in stops), "the scrolling data table takes focus"
    assert any(s.tag == "button" and s.text == "Zoom in" for s in stops), "chart toolbar reached"

    page.goto(f"{base}/measures/{measure.pk}/")
    keys.skip_to_main()
    keys.tab_to(lambda f: f.text == "Enter data")
    keys.press("Enter")
    wait_for_path(page, base, f"/measures/{measure.pk}/enter/")
    keys.skip_to_main()
    this_period = keys.tab_to(lambda f: f.name == "period")
    assert this_period.checked, "this period is chosen by default"
    keys.press("ArrowDown")  # the arrow keys move between the periods offered
    earlier = keys.focused()
    assert earlier.name == "period" and earlier.checked and earlier.index != this_period.index
    keys.press("ArrowUp")
    assert keys.focused().index == this_period.index and keys.focused().checked
    keys.tab_to(lambda f: f.id == "id_value")
    keys.replace("29.5")
    keys.press("Enter")  # submits the form from its field
    wait_for_path(page, base, f"/measures/{measure.pk}/")

    today = timezone.localdate()
    this_period = P.period_start(today, measure.frequency)
    assert DataPoint.objects.get(measure=measure, period=this_period).value == 29.5

    # The grid of recent periods: correct the period before, add a note, save with the button.
    page.goto(f"{base}/measures/{measure.pk}/enter/")
    keys.skip_to_main()
    keys.tab_to(lambda f: f.text == "Recent periods")
    keys.press("Enter")
    wait_for_path(page, base, f"/measures/{measure.pk}/enter/grid/")
    last_period = P.step_back(this_period, measure.frequency)
    keys.skip_to_main()
    keys.tab_to(lambda f: f.name == f"value_{this_period.isoformat()}")
    keys.tab()  # this period's note
    assert keys.tab().name == f"remove_{this_period.isoformat()}"  # it holds a figure now
    assert keys.tab().name == f"value_{last_period.isoformat()}"  # down the grid, row by row
    keys.replace("31.25")
    keys.tab()
    keys.type("Two long stays discharged")
    keys.tab(back=True)  # Shift+Tab: back to the value just typed
    assert keys.focused().name == f"value_{last_period.isoformat()}"
    keys.tab_to(lambda f: f.tag == "button" and f.text == "Save all")
    keys.press("Enter")
    wait_for_path(page, base, f"/measures/{measure.pk}/")

    corrected = DataPoint.objects.get(measure=measure, period=last_period)
    assert (corrected.value, corrected.note) == (31.25, "Two long stays discharged")
    assert DataPoint.objects.get(measure=measure, period=this_period).value == 29.5


def test_adding_a_driver_keeps_focus_in_the_redrawn_diagram(demo_world, keyboard_page, live_server):
    """The driver diagram redraws itself (htmx) after each change, taking away the button just
    pressed; focus lands on the field in error, or on the diagram's heading, never lost."""
    from cycles.models import Driver
    from tests.a11y.world import LEAD

    page, keys = keyboard_page
    base, project = live_server.url, demo_world.project
    page.goto(f"{base}/accounts/login/")
    keys.type(LEAD)
    keys.press("Tab")
    keys.type(PASSWORD)
    keys.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{base}/projects/{project.pk}/")
    before = Driver.objects.filter(project=project).count()

    keys.skip_to_main()
    keys.tab_to(lambda f: f.tag == "button" and f.text == "Add driver")
    with page.expect_response(lambda r: r.url.endswith(f"/projects/{project.pk}/drivers/")):
        keys.press("Enter")  # nothing typed: the diagram comes back with the error
    page.locator("#driver-diagram .is-invalid").wait_for()
    field = keys.focused()
    assert field is not None and field.name == "text" and field.visible, field
    keys.type("Staff know each patient's risks at handover")
    keys.tab_to(lambda f: f.tag == "button" and f.text == "Add driver", limit=10)
    with page.expect_response(lambda r: r.url.endswith(f"/projects/{project.pk}/drivers/")):
        keys.press("Enter")
    page.get_by_text("Staff know each patient's risks at handover").first.wait_for()
    # Focus moves once htmx has settled the new diagram (after the text is already shown).
    page.wait_for_function("document.activeElement && document.activeElement.id !== ''")
    heading = keys.focused()
    assert heading is not None and heading.id == "diagram-heading" and heading.visible, heading

    assert Driver.objects.filter(project=project).count() == before + 1
    assert Driver.objects.filter(project=project, text__startswith="Staff know").exists()


def test_every_stop_of_key_pages_shows_focus_and_none_traps_it(demo_world, sign_in, live_server):
    from tests.a11y.world import BOARD, COACH, LEAD

    world = demo_world
    pages = [
        (LEAD, f"/teams/{world.team.pk}/"),
        (LEAD, f"/projects/{world.project.pk}/"),
        (LEAD, f"/cycles/{world.cycles_by_stage['act'].pk}/"),
        (LEAD, f"/measures/{world.measures_by_chart['xmr'].pk}/enter/grid/"),
        (BOARD, "/dashboard/"),
        (COACH, "/coaching/dashboard/"),
    ]
    signed_in = {}
    for role, path in pages:
        page = signed_in.get(role) or signed_in.setdefault(role, sign_in(role))
        page.goto(live_server.url + path)
        stops = Keyboard(page).walk_whole_page()
        assert stops[0].href == "#main" and len(stops) > 5, (path, [str(s) for s in stops])
