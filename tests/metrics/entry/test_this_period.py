"""Entering this period: two clicks from the measure page, the current period preselected, the
one before offered, what a period already holds shown, and errors in plain words."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics import periods as P
from metrics.entry.services import data_point_record
from metrics.models import ChartSnapshot, DataPoint, DataPointRevision


@pytest.fixture
def weekly(measure_factory):
    return measure_factory(name="Mean length of stay", unit="days")


@pytest.fixture
def proportion(measure_factory):
    return measure_factory(name="DNA rate", chart_type="p", unit="%", frequency="month")


@pytest.fixture
def member(client, org_world):
    client.force_login(org_world["users"]["member"])
    return org_world["users"]["member"]


def this_and_last(frequency):
    return P.previous_periods(frequency, timezone.localdate(), 2)


def test_the_form_preselects_this_period_and_offers_the_one_before(client, member, weekly):
    current, before = this_and_last("week")
    html = client.get(reverse("metrics:data_entry", args=[weekly.pk])).content.decode()
    assert f'value="{current.isoformat()}"' in html
    assert f'value="{before.isoformat()}"' in html
    assert "(this period)" in html and "(the one before)" in html
    assert "checked" in html.split(current.isoformat())[1].split(">")[0]
    assert "Value (days)" in html


def test_saving_this_period_records_the_point_and_returns_to_the_measure(
    client, member, weekly, django_capture_on_commit_callbacks
):
    current, _ = this_and_last("week")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("metrics:data_entry", args=[weekly.pk]),
            {"period": current.isoformat(), "value": "1,234.5", "note": "two beds closed"},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("metrics:measure", args=[weekly.pk])
    point = DataPoint.objects.get(measure=weekly)
    assert (point.period, point.value, point.note, point.entered_by) == (
        current,
        1234.5,
        "two beds closed",
        member,
    )
    assert ChartSnapshot.objects.get(measure=weekly).status == "stale"
    assert len(callbacks) == 1, "the chart's recompute is enqueued after commit"


def test_the_period_before_can_be_chosen(client, member, weekly):
    _, before = this_and_last("week")
    url = reverse("metrics:data_entry", args=[weekly.pk])
    client.post(url, {"period": before.isoformat(), "value": "7"})
    assert DataPoint.objects.get(measure=weekly).period == before


def test_a_stored_period_says_what_it_holds_and_a_correction_keeps_history(client, member, weekly):
    current, _ = this_and_last("week")
    data_point_record(measure=weekly, period=current, value=12, user=member)
    html = client.get(reverse("metrics:data_entry", args=[weekly.pk])).content.decode()
    assert "correcting: was 12" in html

    response = client.post(
        reverse("metrics:data_entry", args=[weekly.pk]),
        {"period": current.isoformat(), "value": "14"},
        follow=True,
    )
    assert "Corrected week commencing" in response.content.decode()
    assert "(was 12)" in response.content.decode()
    revision = DataPointRevision.objects.get(point__measure=weekly)
    assert (revision.old_value, revision.new_value) == (12, 14)


def test_a_proportion_shows_numerator_and_denominator_and_refuses_more_than_all(
    client, member, proportion
):
    current, _ = this_and_last("month")
    url = reverse("metrics:data_entry", args=[proportion.pk])
    html = client.get(url).content.decode()
    assert "How many (numerator)" in html and "Out of (denominator)" in html
    response = client.post(
        url, {"period": current.isoformat(), "numerator": "12", "denominator": "10"}
    )
    assert response.status_code == 200
    assert "is above the denominator" in response.content.decode()
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"value": "twelve"}, "“twelve” is not a number."),
        ({"value": "12,5"}, "use a point for decimals"),
        ({"value": ""}, "Enter the value (days)."),
        ({"value": "3", "period": "2024-01-03"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_in_words_and_kept_in_the_form(client, member, weekly, data, expected):
    current, _ = this_and_last("week")
    response = client.post(
        reverse("metrics:data_entry", args=[weekly.pk]),
        {"period": current.isoformat(), "note": "keep me", **data},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert expected in html
    assert "keep me" in html, "nothing typed is lost"
    assert not DataPoint.objects.exists()


def test_a_daily_measure_offers_today_and_yesterday(client, member, measure_factory):
    daily = measure_factory(frequency="day")
    html = client.get(reverse("metrics:data_entry", args=[daily.pk])).content.decode()
    today = timezone.localdate()
    assert today.isoformat() in html
    assert (today - dt.timedelta(days=1)).isoformat() in html
    # Said as people say days, the month capitalised (str.capitalize once lowered it).
    assert f"{today.day} {today:%B %Y} (today)" in html
    assert "(yesterday)" in html
