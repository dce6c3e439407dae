"""The measure page's data table, rendered in Python and cached per (measure, data_version):
every write of the measure's data shows at once, hostile notes stay text, the figure JSON stays
escaped, and the cached page costs fewer queries than a fresh one."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.charts.recompute import chart_snapshot_compute
from metrics.entry.services import data_point_record
from metrics.measures.chart import figure_json
from metrics.measures.services import phase_start
from metrics.measures.table import data_table
from tests.metrics.measures.world import SHIFTING, add_points

pytestmark = pytest.mark.django_db

HOSTILE = '<img src=x onerror=alert(1)><script>alert("x")</script>'


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lead(org_world):
    return org_world["users"]["lead"]


@pytest.fixture
def measure(measure_factory, mondays, lead):
    return add_points(measure_factory(), mondays(20), SHIFTING, user=lead)


def page(client, user, measure) -> str:
    client.force_login(user)
    response = client.get(reverse("metrics:measure", args=[measure.pk]))
    assert response.status_code == 200
    return response.content.decode()


def table_of(html: str) -> str:
    start = html.index('id="data-table"')
    return html[start : html.index("</table>", start)]


def test_rows_match_the_template_filters(client, lead, measure, mondays):
    from django.template import Context, Template

    html = table_of(page(client, lead, measure))
    first = mondays(20)[-1]
    expected_date = Template('{{ d|date:"j M Y" }}').render(Context({"d": first}))
    assert f'<th scope="row" class="fw-normal">{expected_date}</th>' in html
    assert html.index(expected_date) < html.index(
        Template('{{ d|date:"j M Y" }}').render(Context({"d": mondays(20)[0]}))
    ), "newest first"
    assert html.count("<tr>") == 20 + 1  # the header row and one per point
    assert str(lead.get_full_name()) in html


def test_a_new_point_a_correction_and_a_phase_change_show_at_once(client, lead, measure, mondays):
    weeks = mondays(21)
    new = weeks[0]  # the week before the measure's first
    assert new not in mondays(20)
    page(client, lead, measure)  # cache the rows

    # Far outside the history: "is this right?" answered yes for these very figures.
    yes = [f"{new.isoformat()}=777", f"{new.isoformat()}=778.125"]
    data_point_record(measure=measure, period=new, value=777, user=lead, confirmed=yes)
    assert ">777</td>" in table_of(page(client, lead, measure))

    data_point_record(
        measure=measure, period=new, value=778.125, note="Recount", user=lead, confirmed=yes
    )
    html = table_of(page(client, lead, measure))
    assert ">778.13</td>" in html and ">777</td>" not in html and "Recount" in html

    measure.refresh_from_db()
    version = measure.data_version
    phase_start(measure=measure, starts_on=weeks[10], reason="Checklist", user=lead)
    measure.refresh_from_db()
    assert measure.data_version > version
    cached = data_table(measure)
    assert cached["count"] == 21


def test_a_stale_version_is_never_served(lead, measure, mondays):
    before = data_table(measure)
    data_point_record(measure=measure, period=mondays(20)[0], value=5, note="Fixed", user=lead)
    measure.refresh_from_db()
    after = data_table(measure)
    assert "Fixed" in after["rows"] and "Fixed" not in before["rows"]


def test_hostile_notes_stay_text_in_the_cached_table(client, lead, measure, mondays):
    data_point_record(measure=measure, period=mondays(20)[3], value=1, note=HOSTILE, user=lead)
    for _ in range(2):  # rendered, then from the cache
        html = table_of(page(client, lead, measure))
        assert "<img" not in html and "<script" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_figure_json_is_escaped_like_json_script():
    text = figure_json({"name": "</script><b>&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\\u003C/script\\u003E" in text


def test_the_cached_page_needs_no_more_queries(client, org_world, measure):
    chart_snapshot_compute(measure_id=measure.pk)
    member = org_world["users"]["member"]
    page(client, member, measure)  # session, content types
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        page(client, member, measure)
    with CaptureQueriesContext(connection) as warm:
        page(client, member, measure)
    # The points are read only to render the rows and to give the chart-type advice.
    assert len(warm) == len(cold) - 2


def test_a_measure_without_points(client, lead, measure_factory):
    html = page(client, lead, measure_factory(name="Empty"))
    assert "No data yet." in html
    assert "Download as CSV" not in html


def test_dates_are_formatted_like_the_filter():
    from django.template.defaultfilters import date

    from metrics.measures.table import _date

    for day in (dt.date(2025, 1, 6), dt.date(2024, 12, 30), dt.date(2026, 9, 1)):
        assert _date(day) == date(day, "j M Y")
