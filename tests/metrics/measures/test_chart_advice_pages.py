"""Chart-type advice on the measure page and its edit form (issue 15): worked out from the
measure's stored data by metrics.spc.advice (whose figures tests/spc/test_advice.py works by
hand), shown as plain sentences, gone once the advice is taken."""

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics import periods as P
from metrics.entry.services import Row, data_points_save
from metrics.measures.services import measure_update
from metrics.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def huge_p(measure_factory, org_world):
    """Twelve weeks of 10,000 appointments, 10% and 14% not attended in turn: every point
    outside the P chart's limits, σz = 10.91 (tests/spc/test_advice.py)."""
    measure = measure_factory(
        name="First appointments not attended",
        chart_type="p",
        unit="%",
        definition="Appointments not attended <b>by</b> new patients, of all booked.",
    )
    weeks = P.previous_periods("week", timezone.localdate(), 13)[1:]
    rows = [
        Row(period=p, numerator=n, denominator=10_000)
        for p, n in zip(weeks, [1000, 1400] * 6, strict=True)
    ]
    data_points_save(measure=measure, rows=rows, user=org_world["users"]["lead"], confirmed=[])
    return Measure.objects.get(pk=measure.pk)


def test_the_measure_page_advises_a_laney_chart_with_its_sigma_z(client, org_world, huge_p):
    client.force_login(org_world["users"]["lead"])
    html = client.get(reverse("metrics:measure", args=[huge_p.pk])).content.decode()
    advice = html.split("data-chart-advice")[1].split("</section>")[0]
    assert "Advice on the chart type" in advice
    assert "Consider a Laney P′ chart." in advice
    assert "12 of 12 points lie outside this P chart&#x27;s limits." in advice
    assert "σz = 10.91" in advice
    assert f'href="/measures/{huge_p.pk}/edit/#id_chart_type">Change the chart type' in advice


def test_a_member_reads_the_advice_without_the_link_to_change_it(client, org_world, huge_p):
    client.force_login(org_world["users"]["member"])
    html = client.get(reverse("metrics:measure", args=[huge_p.pk])).content.decode()
    assert "Consider a Laney P′ chart." in html
    assert "#id_chart_type" not in html  # the link is for those who may edit the measure


def test_the_edit_form_shows_it_and_taking_it_clears_it(client, org_world, huge_p):
    client.force_login(org_world["users"]["lead"])
    url = reverse("metrics:measure_edit", args=[huge_p.pk])
    assert "Consider a Laney P′ chart." in client.get(url).content.decode()
    measure_update(measure=huge_p, actor=org_world["users"]["lead"], chart_type="pp")
    huge_p.refresh_from_db()
    assert huge_p.chart_type == "pp"
    for page in (url, reverse("metrics:measure", args=[huge_p.pk])):
        assert "data-chart-advice" not in client.get(page).content.decode()


def test_a_new_measure_with_few_points_says_its_limits_are_trial(
    client, org_world, measure_factory
):
    measure = measure_factory(name="Bed days used", chart_type="xmr", unit="bed days")
    weeks = P.previous_periods("week", timezone.localdate(), 4)[1:]
    data_points_save(
        measure=measure,
        rows=[Row(period=p, value=v) for p, v in zip(weeks, [400, 410, 395], strict=True)],
        user=org_world["users"]["lead"],
    )
    client.force_login(org_world["users"]["member"])
    html = client.get(reverse("metrics:measure", args=[measure.pk])).content.decode()
    assert "Only 3 points so far: the limits are trial limits" in html
    assert "with 12 points (9 more)" in html


def test_a_count_of_events_per_bed_day_is_advised_a_u_chart(client, org_world, measure_factory):
    measure = measure_factory(
        name="Assaults on staff",
        chart_type="c",
        definition="Assaults on staff per 1,000 occupied bed days, from Datix.",
    )
    client.force_login(org_world["users"]["lead"])
    html = client.get(reverse("metrics:measure_edit", args=[measure.pk])).content.decode()
    assert "Consider a U chart." in html
    assert "The definition mentions “per 1,000”." in html
