"""Rare-event measures (issue 17): T and G charts entered as the dates of the events (and, for
G, the opportunities since the event before), through the measure form, the entry pages, the
import and the API, charted a point per event; and the demo trust's two."""

import datetime as dt

import pytest
from django.urls import reverse

from metrics.charts.inputs import chart_input
from metrics.charts.recompute import chart_snapshot_compute
from metrics.entry.services import Row, RowsInvalid, data_points_save
from metrics.models import ChartSnapshot, DataPoint

RESTRAINTS = [dt.date(2026, 3, d) for d in (2, 5, 6, 12, 20, 21, 30)]  # 3, 1, 6, 8, 1, 9 days


@pytest.fixture
def restraint(measure_factory):
    return measure_factory(name="Days between restraints", chart_type="t", frequency="day",
                           unit="days", improvement="increase")  # fmt: skip


@pytest.fixture
def seclusion(measure_factory):
    return measure_factory(name="Admissions between seclusions", chart_type="g",
                           frequency="day", unit="admissions", improvement="increase")  # fmt: skip


def test_a_t_chart_charts_the_days_between_consecutive_events():
    points = [(d, 1.0, None, None) for d in RESTRAINTS]
    chart = chart_input(chart_type="t", frequency="day", improvement="increase", target=None,
                        points=points, phase_starts=[dt.date(2026, 3, 20)],
                        freeze_until=None)  # fmt: skip
    assert chart.periods == RESTRAINTS[1:]  # a point per event from the second on
    assert chart.kwargs["values"] == [3, 1, 6, 8, 1, 9]
    assert chart.kwargs["phases"] == [3]  # the event of 20 March starts the new phase
    assert chart.kwargs["denominators"] is None


def test_a_g_chart_charts_the_opportunities_entered_with_each_event():
    points = [(d, float(v), None, None) for d, v in zip(RESTRAINTS, [4, 0, 12, 7, 3, 9, 15],
                                                       strict=True)]  # fmt: skip
    chart = chart_input(chart_type="g", frequency="day", improvement="increase", target=None,
                        points=points, phase_starts=[], freeze_until=None)  # fmt: skip
    assert chart.periods == RESTRAINTS
    assert chart.kwargs["values"] == [4, 0, 12, 7, 3, 9, 15]


def test_the_measure_form_wants_daily_for_t_and_g(client, org_world):
    client.force_login(org_world["users"]["lead"])
    url = reverse("metrics:measure_create", args=[org_world["own"].pk])
    form = {"name": "Restraint", "kind": "outcome", "definition": "Each restraint.",
            "unit": "days", "frequency": "week", "chart_type": "t",
            "improvement": "increase"}  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 400
    assert "A T or G chart records each event on the day it happened" in response.content.decode()
    response = client.post(url, {**form, "frequency": "day"})
    assert response.status_code == 302


def test_t_entries_are_one_event_a_day_and_g_counts_cannot_be_negative(
    restraint, seclusion, org_world
):
    lead = org_world["users"]["lead"]
    with pytest.raises(RowsInvalid) as refused:
        data_points_save(measure=restraint, rows=[Row(period=RESTRAINTS[0], value=2)], user=lead)
    assert "one event a day, entered as 1" in refused.value.problems[0][0]
    with pytest.raises(RowsInvalid) as refused:
        data_points_save(measure=seclusion, rows=[Row(period=RESTRAINTS[0], value=-3)], user=lead)
    assert refused.value.problems[0] == ["A count cannot be negative."]
    assert not DataPoint.objects.exists()


def test_the_entry_page_asks_for_the_event_and_says_nothing_of_missing_days(
    client, restraint, org_world
):
    lead = org_world["users"]["lead"]
    data_points_save(measure=restraint, rows=[Row(period=RESTRAINTS[0], value=1)], user=lead)
    client.force_login(lead)
    html = client.get(reverse("metrics:data_entry", args=[restraint.pk])).content.decode()
    assert "Events on this day (1)" in html and "Day of the event" in html
    assert 'name="value" value="1"' in html  # one event, already filled in
    assert "data-missing-periods" not in html  # a day without an entry is a day without one


def test_an_import_of_event_dates_draws_the_t_chart(client, restraint, org_world):
    client.force_login(org_world["users"]["lead"])
    text = "date,events\n" + "".join(f"{d:%d/%m/%Y},1\n" for d in RESTRAINTS)
    response = client.post(reverse("metrics:import", args=[restraint.pk]), {"text": text})
    assert response.status_code == 302
    job = int(response["Location"].rstrip("/").split("/")[-1])
    confirm = client.post(reverse("metrics:import_confirm", args=[restraint.pk, job]))
    assert confirm.status_code == 302
    assert confirm["Location"] == reverse("metrics:measure", args=[restraint.pk])
    assert DataPoint.objects.filter(measure=restraint).count() == 7
    chart_snapshot_compute(measure_id=restraint.pk)
    snapshot = ChartSnapshot.objects.get(measure=restraint)
    assert snapshot.result["chart"] == "t"
    assert [p["value"] for p in snapshot.result["points"]] == [3, 1, 6, 8, 1, 9]
    assert snapshot.periods[0] == "2026-03-05"
    page = client.get(reverse("metrics:measure", args=[restraint.pk])).content.decode()
    assert "T chart (days between events)" in page
    assert "Date of the event" in page


def test_one_event_is_not_yet_a_t_chart(restraint, org_world):
    data_points_save(measure=restraint, rows=[Row(period=RESTRAINTS[0], value=1)],
                     user=org_world["users"]["lead"])  # fmt: skip
    chart_snapshot_compute(measure_id=restraint.pk)
    snapshot = ChartSnapshot.objects.get(measure=restraint)
    assert snapshot.result is None
    assert "two events" in snapshot.error


def test_the_grid_takes_the_events_of_recent_days(client, restraint, org_world):
    from django.utils import timezone

    client.force_login(org_world["users"]["lead"])
    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in (1, 4, 9)]
    form = {f"value_{d.isoformat()}": "1" for d in days}
    response = client.post(reverse("metrics:entry_grid", args=[restraint.pk]), form)
    assert response.status_code == 302
    stored = sorted(DataPoint.objects.filter(measure=restraint).values_list("period", "value"))
    assert stored == [(d, 1.0) for d in sorted(days)]
    chart_snapshot_compute(measure_id=restraint.pk)
    assert [p["value"] for p in ChartSnapshot.objects.get(measure=restraint).result["points"]] == [
        5, 3]
    # Two events on one day cannot be entered on a T chart: refused in words, nothing saved.
    response = client.post(reverse("metrics:entry_grid", args=[restraint.pk]),
                           {f"value_{today.isoformat()}": "2"})  # fmt: skip
    assert response.status_code == 200
    assert "one event a day, entered as 1" in response.content.decode()
    assert DataPoint.objects.filter(measure=restraint).count() == 3
