"""The measure page says which tests of change came before its chart's signals, marks them on
the chart, and suggests a new phase after an adopted change (issue 15).

The world's SHIFTING series (ten weeks around 10, then ten around 5; centre 7.6) has two
shifts: weeks 0–9 above the centre line (a concern: fewer incidents is better) and weeks 10–19
below it (an improvement), with points outside the limits and two-of-three signals as well.
Weeks end on Monday 2 June 2025: week 0 is 20 January 2025, week 10 is 31 March 2025."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics.charts.recompute import chart_snapshot_compute
from metrics.models import Phase
from tests.metrics.measures.test_page import HOSTILE, figure_of, get_page
from tests.metrics.measures.world import SHIFTING, add_points, served_project

pytestmark = pytest.mark.django_db

WEEK_10 = dt.date(2025, 3, 31)


@pytest.fixture
def lead(org_world):
    return org_world["users"]["lead"]


@pytest.fixture
def measure(measure_factory, mondays, lead):
    return add_points(measure_factory(), mondays(20), SHIFTING, user=lead)


def adopt(idea, on=dt.date(2025, 5, 12)):
    idea.status = "adopted"
    idea.status_changed_at = timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
    idea.save()


def test_the_page_says_the_shift_followed_the_adopted_cycle(client, lead, measure):
    _, idea, _ = served_project(measure, cycles=[(WEEK_10 - dt.timedelta(days=12), 2)])
    adopt(idea)
    page = get_page(client, lead, measure).content.decode()
    assert (
        "A shift of 10 points below the centre line (an improvement) began in the week "
        "commencing 31 March 2025, 2 weeks after PDSA 2 “Safety huddle at the late shift” "
        "started (adopted on 12 May 2025)." in page
    )
    # The earlier shift, above the line, had no test of change before it.
    assert (
        "A shift of 10 points above the centre line (a concern) began in the week commencing "
        "20 January 2025, with no test of change recorded before it." in page
    )
    listed = page[page.index('id="evidence-heading"') :]  # the figure's hover text says it too
    assert listed.index("31 March 2025, 2 weeks") < listed.index("20 January 2025, with no")


def test_the_chart_marks_the_signal_with_an_arrow_from_its_cycle(client, lead, measure):
    started = WEEK_10 - dt.timedelta(days=12)
    served_project(measure, cycles=[(started, 2)])
    figure = figure_of(get_page(client, lead, measure))
    marks = {a["text"]: a for a in figure["layout"]["annotations"] if a.get("showarrow")}
    shift = [a for a in figure["layout"]["annotations"] if a.get("x") == "2025-03-31"]
    assert shift and shift[0]["text"] == "Shift" and shift[0]["ax"] == started.isoformat()
    assert "2 weeks after PDSA 2" in shift[0]["hovertext"]
    # The earlier shift, with no cycle before it, is marked with a short arrow from above.
    [early] = [a for a in marks.values() if a["x"] == "2025-01-20"] or [None]
    assert early is None or early["ay"] == -24


def test_a_suggestion_prefills_the_new_phase_for_the_lead_and_nothing_changes_until_saved(
    client, lead, measure
):
    _, idea, _ = served_project(measure, cycles=[(WEEK_10 - dt.timedelta(days=12), 2)])
    adopt(idea)
    page = get_page(client, lead, measure).content.decode()
    assert "Suggestion: start a new phase 31 March 2025." in page
    assert 'value="2025-03-31"' in page  # the form's date, prefilled
    assert "followed the adopted change “Safety huddle at the late shift”" in page
    assert f'<option value="{idea.pk}" selected>' in page
    assert not Phase.objects.filter(measure=measure).exists()

    response = client.post(
        reverse("metrics:phase_start", args=[measure.pk]),
        {
            "starts_on": "2025-03-31",
            "reason": "A sustained shift followed the adopted change.",
            "change_idea": idea.pk,
        },
    )
    assert response.status_code == 302
    assert Phase.objects.get(measure=measure).starts_on == WEEK_10
    chart_snapshot_compute(measure_id=measure.pk)
    measure.refresh_from_db()
    assert "Suggestion: start a new phase" not in get_page(client, lead, measure).content.decode()


def test_a_member_sees_the_suggestion_but_no_form(client, org_world, measure):
    _, idea, _ = served_project(measure, cycles=[(WEEK_10 - dt.timedelta(days=12), 2)])
    adopt(idea)
    page = get_page(client, org_world["users"]["member"], measure).content.decode()
    assert "Suggestion: start a new phase 31 March 2025." in page
    assert "The team’s lead, its coach or a QI admin can start the new phase here." in page
    assert 'id="phase-form"' not in page


def test_no_suggestion_while_the_change_is_still_being_tested(client, lead, measure):
    served_project(measure, cycles=[(WEEK_10 - dt.timedelta(days=12), 2)])
    page = get_page(client, lead, measure).content.decode()
    assert "2 weeks after PDSA 2" in page and "(adopted on" not in page
    assert "Suggestion: start a new phase" not in page


def test_the_projects_window_decides_what_came_before(client, lead, measure):
    project, _, _ = served_project(measure, cycles=[(WEEK_10 - dt.timedelta(weeks=3), 1)])
    assert "3 weeks after PDSA 1" in get_page(client, lead, measure).content.decode()
    project.evidence_window = 2
    project.save()
    page = get_page(client, lead, measure).content.decode()
    assert "31 March 2025, with no test of change recorded before it." in page


def test_a_cycle_linked_to_the_measure_itself_counts_too(client, lead, measure):
    from tests.cycles.factories import CycleFactory

    cycle = CycleFactory(do_started_on=WEEK_10, stage="do", number=4)
    measure.cycles.add(cycle)
    page = get_page(client, lead, measure).content.decode()
    assert f"in the same week as PDSA 4 “{cycle.change_idea.title}” started" in page


def test_a_change_ideas_title_is_inert_in_the_sentence_and_the_chart(client, lead, measure):
    _, idea, _ = served_project(measure, cycles=[(WEEK_10 - dt.timedelta(days=12), 2)])
    idea.title = HOSTILE
    idea.save()
    response = get_page(client, lead, measure)
    page = response.content.decode()
    assert HOSTILE not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    shift = [a for a in figure_of(response)["layout"]["annotations"] if a["x"] == "2025-03-31"]
    assert "<img" not in shift[0]["hovertext"] and "&lt;img" in shift[0]["hovertext"]


def test_a_chart_without_signals_says_so(client, lead, measure_factory, mondays):
    steady = add_points(measure_factory(name="Steady"), mondays(12), [10, 11] * 6, user=lead)
    page = get_page(client, lead, steady).content.decode()
    assert "No special-cause signal on this chart, so nothing to link to a test of change." in page
