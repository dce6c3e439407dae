"""The measure page: the chart drawn from the stored snapshot with its PDSA cycles, icons and
signals in words; the "updating" state and the chart part the page polls; hostile text kept
inert; a number of queries that does not grow with the data."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from metrics.charts.recompute import chart_snapshot_compute
from metrics.models import ChartSnapshot, DataPoint
from tests.metrics.measures.world import SHIFTING, add_points, served_project

pytestmark = pytest.mark.django_db

HOSTILE = '<img src=x onerror=alert(1)><script>alert("x")</script>'


def figure_of(response) -> dict:
    match = re.search(
        r'<script id="measure-figure" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page carries its figure as a json_script"
    return json.loads(match.group(1))


def data_trace(figure):
    (trace,) = [t for t in figure["data"] if t.get("mode") == "lines+markers"]
    return trace


@pytest.fixture
def lead(org_world):
    return org_world["users"]["lead"]


@pytest.fixture
def measure(measure_factory, mondays, lead):
    return add_points(measure_factory(), mondays(20), SHIFTING, user=lead)


def get_page(client, user, measure):
    client.force_login(user)
    response = client.get(reverse("metrics:measure", args=[measure.pk]))
    assert response.status_code == 200
    return response


def test_the_chart_is_drawn_from_the_snapshot(client, org_world, measure, mondays):
    response = get_page(client, org_world["users"]["member"], measure)

    trace = data_trace(figure_of(response))
    assert trace["y"] == [float(v) for v in SHIFTING] or trace["y"] == SHIFTING
    assert trace["x"] == [p.isoformat() for p in mondays(20)]
    snapshot = measure.snapshot
    centres = [t for t in figure_of(response)["data"] if t["name"].startswith("Mean")]
    assert centres[0]["y"][0] == pytest.approx(snapshot.result["points"][0]["centre"])
    html = response.content.decode()
    assert "vendor/plotly/plotly.min.js" in html
    assert "js/chart.js" in html


def test_the_page_shows_the_icons_and_the_signals_in_words(client, org_world, measure):
    html = get_page(client, org_world["users"]["board"], measure).content.decode()

    assert "mdc-variation-improvement_low" in html
    assert "Special cause variation — improvement (low)" in html
    assert "Shift: 10 points below the mean from 31 March 2025 to 2 June 2025 (improvement)" in html
    assert "Shift: 10 points above the mean from 20 January 2025 to 24 March 2025 (concern)" in html


def test_a_text_alternative_reads_the_chart_to_screen_readers(client, org_world, measure):
    html = get_page(client, org_world["users"]["member"], measure).content.decode()

    match = re.search(r'<p class="visually-hidden" id="chart-text-alternative">(.*?)</p>', html)
    assert match
    assert match.group(1).startswith("XmR chart (individuals) of Violent incidents involving staff")
    assert "20 points from 20 January 2025 to 2 June 2025" in match.group(1)


def test_a_target_is_drawn_and_judged(client, org_world, measure_factory, mondays, lead):
    measure = add_points(measure_factory(target=3), mondays(20), SHIFTING, user=lead)

    response = get_page(client, org_world["users"]["member"], measure)

    names = [t["name"] for t in figure_of(response)["data"]]
    assert any(name.startswith("Target") for name in names)
    assert "Assurance —" in response.content.decode()


def test_a_p_chart_target_is_a_percentage(client, org_world, measure_factory, mondays, lead):
    measure = measure_factory(chart_type="p", unit="", target=15, improvement="decrease")
    add_points(measure, mondays(12), [(12, 100), (15, 100), (18, 100)] * 4, user=lead)

    response = get_page(client, org_world["users"]["member"], measure)

    (target,) = [t for t in figure_of(response)["data"] if t["name"].startswith("Target")]
    assert target["y"] == [15, 15]
    assert "The target of 15% lies within the limits" in response.content.decode()


def test_pdsa_cycles_of_the_served_projects_are_marked_at_their_do_dates(
    client, org_world, measure, mondays
):
    weeks = mondays(20)
    served_project(measure, cycles=[(weeks[9], 1), (weeks[14], 2)])
    # Not drawn: a cycle still in Plan (no Do date), and a project the measure does not serve.
    project, idea, _ = served_project(measure, cycles=[])
    from tests.cycles.factories import CycleFactory, ProjectFactory

    CycleFactory(change_idea=idea, number=3)
    unserved = ProjectFactory(team=org_world["own"])
    CycleFactory(change_idea__project=unserved, project=unserved, do_started_on=weeks[5])

    figure = figure_of(get_page(client, org_world["users"]["member"], measure))

    # The cycles' labels (the signals' marks, with arrows, are test_evidence_page's).
    labels = [(a["x"], a["text"]) for a in figure["layout"]["annotations"] if not a["showarrow"]]
    assert labels == [
        (weeks[9].isoformat(), "PDSA 1: Safety huddle at the late shift"),
        (weeks[14].isoformat(), "PDSA 2: Safety huddle at the late shift"),
    ]


def test_the_data_table_lists_every_point_with_its_note_and_who(client, org_world, mondays):
    from metrics.measures.services import measure_create

    lead = org_world["users"]["lead"]
    measure = measure_create(
        organisation=org_world["organisation"],
        team=org_world["own"],
        name="First appointments not attended",
        definition="DNAs / first appointments offered.",
        chart_type="p",
        frequency="week",
        improvement="decrease",
    )
    add_points(measure, mondays(3), [(12, 80), (9, 75), (10, 90)], user=lead,
               notes=["", "Text reminders began", ""])  # fmt: skip

    html = get_page(client, org_world["users"]["member"], measure).content.decode()

    table = html[html.index('id="data-table"') :]
    assert "Numerator" in table and "Denominator" in table
    assert "Text reminders began" in table
    assert str(lead.get_full_name()) in table
    assert table.index("2 Jun 2025") < table.index("19 May 2025")  # newest first
    assert reverse("metrics:measure_csv", args=[measure.pk]) in html


def test_corrections_and_baseline_changes_are_in_the_history(client, org_world, measure, mondays):
    from metrics.entry.services import data_point_record
    from metrics.measures.services import baseline_freeze, phase_start

    lead = org_world["users"]["lead"]
    weeks = mondays(20)
    data_point_record(measure=measure, period=weeks[-1], value=7, note="Recounted", user=lead)
    phase_start(measure=measure, starts_on=weeks[10], reason="Huddles in place", user=lead)
    baseline_freeze(measure=measure, until=weeks[5], reason="Settled baseline", user=lead)

    html = get_page(client, org_world["users"]["member"], measure).content.decode()

    corrections = html[html.index('id="corrections"') :]
    assert "2 Jun 2025" in corrections and "Recounted" in corrections
    history = html[html.index('id="baseline-history"') : html.index('id="corrections"')]
    assert "Started a new phase" in history and "Huddles in place" in history
    assert "Froze the limits on a baseline" in history and "Settled baseline" in history
    assert "New phase from 31 Mar 2025" in html


# ---------------------------------------------------------------- updating, failed, empty


def test_while_the_snapshot_is_stale_the_page_says_updating_and_polls(client, org_world, measure):
    ChartSnapshot.objects.filter(measure=measure).update(status=ChartSnapshot.Status.STALE)

    html = get_page(client, org_world["users"]["member"], measure).content.decode()

    chart_url = reverse("metrics:measure_chart", args=[measure.pk])
    assert 'data-chart-status="updating"' in html
    assert f'hx-get="{chart_url}"' in html
    assert 'hx-trigger="every 2s"' in html
    # The last chart stays visible meanwhile.
    assert 'id="measure-figure"' in html


def test_the_chart_part_stops_polling_once_fresh_with_the_new_point(
    client, org_world, measure, mondays
):
    from metrics.entry.services import data_point_record

    client.force_login(org_world["users"]["member"])
    url = reverse("metrics:measure_chart", args=[measure.pk])
    next_week = mondays(21, end=dt.date(2025, 6, 9))[-1]
    data_point_record(measure=measure, period=next_week, value=4, user=org_world["users"]["lead"])

    updating = client.get(url)
    assert 'hx-trigger="every 2s"' in updating.content.decode()
    assert 'data-chart-status="updating"' in updating.content.decode()

    chart_snapshot_compute(measure_id=measure.pk)
    fresh = client.get(url)

    html = fresh.content.decode()
    assert fresh.status_code == 200
    assert "hx-trigger" not in html
    assert "<html" not in html  # a fragment, not a page
    assert data_trace(figure_of(fresh))["y"][-1] == 4
    assert "21 points" in html


def test_a_failed_chart_says_why_in_words(client, org_world, measure):
    ChartSnapshot.objects.filter(measure=measure).update(
        status=ChartSnapshot.Status.FAILED, result=None, error="Too few points for limits."
    )

    html = get_page(client, org_world["users"]["member"], measure).content.decode()

    assert "The chart could not be calculated: Too few points for limits." in html
    assert "hx-trigger" not in html


def test_a_new_measure_invites_the_first_data_point(client, org_world, measure_factory):
    measure = measure_factory()

    html = get_page(client, org_world["users"]["member"], measure).content.decode()

    assert "No data yet: enter the first period to draw the chart." in html
    assert 'id="measure-figure"' not in html


# ---------------------------------------------------------------- hostile text


def test_hostile_text_never_reaches_the_page_or_the_figure_as_markup(
    client, org_world, measure_factory, mondays
):
    lead = org_world["users"]["lead"]
    measure = measure_factory(name=f"LOS {HOSTILE}", unit=f"days {HOSTILE}"[:40], target=6)
    weeks = mondays(20)
    add_points(measure, weeks, SHIFTING, user=lead, notes=[f"note {HOSTILE}"] * 20)
    project, idea, _ = served_project(measure, cycles=[])
    idea.title = f"Huddle {HOSTILE}"
    idea.save(update_fields=["title"])
    from tests.cycles.factories import CycleFactory

    CycleFactory(change_idea=idea, number=1, do_started_on=weeks[8])

    response = get_page(client, org_world["users"]["member"], measure)

    html = response.content.decode()
    assert "<img src=x" not in html
    assert '<script>alert("x")' not in html
    raw_figure = json.dumps(figure_of(response))
    assert "<script" not in raw_figure and "<img" not in raw_figure
    assert "&lt;img src=x" in raw_figure  # escaped for Plotly, shown as text
    annotations = figure_of(response)["layout"]["annotations"]
    assert any(a["text"].startswith("PDSA 1: Huddle &lt;img") for a in annotations)


# ---------------------------------------------------------------- queries


def test_queries_do_not_grow_with_points_cycles_and_history(
    client, org_world, measure_factory, mondays, django_assert_max_num_queries
):
    from metrics.entry.services import data_point_record
    from metrics.measures.services import phase_start

    lead = org_world["users"]["lead"]
    member = org_world["users"]["member"]
    small = add_points(measure_factory(name="Small"), mondays(5), [3, 4, 5, 4, 3], user=lead)
    served_project(small, cycles=[(mondays(5)[2], 1)])

    weeks = mondays(104)
    large = add_points(
        measure_factory(name="Large"), weeks, [10 + (i % 7) for i in range(104)], user=lead
    )
    served_project(large, cycles=[(weeks[i * 5], i + 1) for i in range(20)])
    served_project(large, cycles=[(weeks[i * 5 + 2], i + 1) for i in range(10)])
    for week in weeks[-10:]:
        data_point_record(measure=large, period=week, value=12, note="Recounted", user=lead)
    for i in (30, 60, 90):
        phase_start(measure=large, starts_on=weeks[i], reason="Change", user=lead)
    chart_snapshot_compute(measure_id=large.pk)
    client.force_login(member)
    client.get(reverse("metrics:measure", args=[small.pk]))  # warm caches (session, content types)

    for measure in (small, large):
        # 13 for a cold cache: the chart-type advice reads the points once per data version.
        with django_assert_max_num_queries(13):
            response = client.get(reverse("metrics:measure", args=[measure.pk]))
        assert response.status_code == 200
    assert DataPoint.objects.filter(measure=large).count() == 104
