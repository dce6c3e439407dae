"""A figure far outside the measure's history asks "is this right?" before anything is saved
(issue 15, data guardrails), on every way in: the this-period form, the grid, the import and the
API. Until the person (or the warehouse) says yes, nothing is saved, the chart does not change
and what was typed is still in the boxes.

The bound (metrics.entry.unusual) is Tukey's far-out fences, Q1 − 3·IQR and Q3 + 3·IQR (Tukey,
Exploratory Data Analysis, 1977), with the spread at least 10% of the median. The worked
examples below are computed by hand with the "inclusive" quartiles (R's type 7, numpy's
default): for n sorted values the p-quantile lies at position (n − 1)·p, between neighbours.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics import periods as P
from metrics.entry import unusual
from metrics.entry.services import (
    Row,
    RowsUnusual,
    confirmation_key,
    data_points_save,
)
from metrics.models import ChartSnapshot, DataPoint, Measure

# ---------------------------------------------------------------- the bound, by hand


def test_the_fences_of_a_short_history_worked_by_hand():
    # Sorted: 10 10 11 11 12 12 12 13 (n = 8).
    # Q1 at 7 × 0.25 = 1.75: 10 + 0.75 × (11 − 10) = 10.75; median at 3.5: 11.5;
    # Q3 at 5.25: 12 + 0.25 × (12 − 12) = 12. IQR = 1.25 (above the floor 0.1 × 11.5 = 1.15).
    # Fences: 10.75 − 3 × 1.25 = 7.0 and 12 + 3 × 1.25 = 15.75.
    usual = unusual.usual_range([10, 12, 11, 13, 12, 11, 10, 12])
    assert (usual.q1, usual.median, usual.q3) == (10.75, 11.5, 12.0)
    assert (usual.low, usual.high) == (7.0, 15.75)
    assert usual.side(15.75) is None and usual.side(15.8) == "above"
    assert usual.side(7.0) is None and usual.side(6.9) == "below"


def test_a_steady_measure_uses_a_tenth_of_its_median_as_its_spread():
    # 140 bed days every week: IQR 0, spread 14, fences 140 ± 42.
    usual = unusual.usual_range([140] * 8)
    assert (usual.low, usual.high) == (98.0, 182.0)


def test_counts_that_are_always_zero_ask_from_four():
    usual = unusual.usual_range([0] * 10, counts=True)
    assert usual.high == 3.0 and usual.side(3) is None and usual.side(4) == "above"
    assert unusual.usual_range([0] * 10) is None  # not counts: no spread, nothing to say


def test_fewer_than_eight_values_ask_nothing():
    assert unusual.usual_range([10, 11, 12, 10, 11, 12, 400]) is None
    assert unusual.usual_range([None, float("nan"), *[10] * 7]) is None


# ---------------------------------------------------------------- through the pages

pytestmark = pytest.mark.django_db


def weeks_back(n: int) -> list[dt.date]:
    return P.previous_periods("week", timezone.localdate(), n)


@pytest.fixture
def length_of_stay(measure_factory, org_world):
    """Twelve weeks before the last two (the two the this-period form offers) around 400."""
    measure = measure_factory(
        name="Bed days used", chart_type="xmr", unit="bed days", improvement="neither"
    )
    history = [396, 402, 399, 405, 398, 401, 400, 397, 403, 400, 404, 395]
    rows = [Row(period=p, value=v) for p, v in zip(weeks_back(14)[2:], history, strict=True)]
    data_points_save(measure=measure, rows=rows, user=org_world["users"]["lead"])
    return Measure.objects.get(pk=measure.pk)


def chart_state(measure):
    snapshot = ChartSnapshot.objects.filter(measure=measure).first()
    return (
        Measure.objects.get(pk=measure.pk).data_version,
        snapshot and (snapshot.data_version, snapshot.result),
        sorted(DataPoint.objects.filter(measure=measure).values_list("period", "value")),
    )


def test_the_service_asks_and_saves_only_the_confirmed_figure(length_of_stay, org_world):
    before = chart_state(length_of_stay)
    row = Row(period=weeks_back(1)[0], value=4000)
    with pytest.raises(RowsUnusual) as asked:
        data_points_save(measure=length_of_stay, rows=[row], user=org_world["users"]["lead"])
    [question] = asked.value.questions
    assert question.startswith(
        "Is this right? 4,000 is far above what this measure usually holds: half of its recent "
        "periods lie between"
    )
    assert chart_state(length_of_stay) == before
    # A yes to another figure is not a yes to this one.
    other = Row(period=row.period, value=400)
    with pytest.raises(RowsUnusual):
        data_points_save(
            measure=length_of_stay,
            rows=[row],
            user=org_world["users"]["lead"],
            confirmed=[confirmation_key(length_of_stay, other)],
        )
    counts = data_points_save(
        measure=length_of_stay,
        rows=[row],
        user=org_world["users"]["lead"],
        confirmed=asked.value.keys,
    )
    assert counts["created"] == 1
    # Once stored, the same figure sent again (a note added) is not asked about.
    again = Row(period=row.period, value=4000, note="the ward doubled")
    assert data_points_save(
        measure=length_of_stay, rows=[again], user=org_world["users"]["lead"]
    ) == {"created": 0, "corrected": 1, "unchanged": 0}


def test_ordinary_figures_are_saved_without_a_question(length_of_stay, org_world):
    row = Row(period=weeks_back(1)[0], value=430)
    data_points_save(measure=length_of_stay, rows=[row], user=org_world["users"]["lead"])
    assert DataPoint.objects.get(measure=length_of_stay, period=row.period).value == 430


def test_the_this_period_form_asks_keeps_the_figure_and_saves_on_yes(
    client, org_world, length_of_stay
):
    client.force_login(org_world["users"]["member"])
    url = reverse("metrics:data_entry", args=[length_of_stay.pk])
    before = chart_state(length_of_stay)
    current = weeks_back(1)[0].isoformat()
    posted = {"period": current, "value": "4,000", "note": "long-stay patients"}
    response = client.post(url, posted)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Is this right? Nothing is saved yet" in html
    assert "4,000 is far above what this measure usually holds" in html
    assert 'value="4,000"' in html and "long-stay patients" in html  # nothing lost
    assert f'name="confirm" value="{current}=4000"' in html
    assert 'href="#id_value"' in html  # "No, correct it" goes to the box
    assert chart_state(length_of_stay) == before

    # Pressing "Save" again (not "Yes") with the same figure asks again; "Yes" saves it.
    assert "Is this right?" in client.post(url, posted).content.decode()
    response = client.post(url, {**posted, "confirm": f"{current}=4000"})
    assert response.status_code == 302
    assert DataPoint.objects.get(measure=length_of_stay, period=current).value == 4000


def test_the_this_period_form_saves_a_correction_typed_after_the_question(
    client, org_world, length_of_stay
):
    client.force_login(org_world["users"]["member"])
    url = reverse("metrics:data_entry", args=[length_of_stay.pk])
    current = weeks_back(1)[0].isoformat()
    client.post(url, {"period": current, "value": "4000"})
    # Corrected to 400 and saved with the stale "yes" to 4000: 400 is ordinary, so it is saved.
    response = client.post(url, {"period": current, "value": "400", "confirm": f"{current}=4000"})
    assert response.status_code == 302
    assert DataPoint.objects.get(measure=length_of_stay, period=current).value == 400


def test_a_proportion_asks_about_its_rate_and_its_denominator(measure_factory, org_world):
    measure = measure_factory(name="DNA rate", chart_type="p", unit="%", improvement="decrease")
    rows = [
        Row(period=p, numerator=n, denominator=d)
        for p, n, d in zip(
            weeks_back(12)[1:],
            [10, 12, 11, 9, 10, 13, 12, 10, 11, 9, 12],
            [100, 98, 102, 101, 99, 100, 97, 103, 100, 100, 101],
            strict=True,
        )
    ]
    data_points_save(measure=measure, rows=rows, user=org_world["users"]["lead"])
    with pytest.raises(RowsUnusual) as asked:
        data_points_save(
            measure=measure,
            rows=[Row(period=weeks_back(1)[0], numerator=11, denominator=1000)],
            user=org_world["users"]["lead"],
        )
    [question] = asked.value.questions
    assert "11 out of 1,000 (1.1%) is far below what this measure usually holds" in question
    assert "The denominator 1,000 is far above this measure's usual denominator" in question
    assert "% and " in question.split("The denominator")[0]  # rates shown as percentages


def test_the_grid_marks_each_unusual_row_and_saves_them_all_on_yes(
    client, org_world, length_of_stay
):
    client.force_login(org_world["users"]["member"])
    url = reverse("metrics:entry_grid", args=[length_of_stay.pk])
    this, before_it = weeks_back(2)
    posted = {f"value_{this.isoformat()}": "4000", f"value_{before_it.isoformat()}": "40"}
    before = chart_state(length_of_stay)
    response = client.post(url, posted)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="table-warning"') == 4  # two rows, each with its question below
    assert "4,000 is far above" in html and "40 is far below" in html
    assert 'value="4000"' in html and 'value="40"' in html
    assert chart_state(length_of_stay) == before
    keys = f"{this.isoformat()}=4000 {before_it.isoformat()}=40"
    assert f'name="confirm" value="{keys}"' in html
    assert client.post(url, {**posted, "confirm": keys}).status_code == 302
    assert DataPoint.objects.filter(measure=length_of_stay, value__in=[4000, 40]).count() == 2


def test_an_import_asks_in_its_preview_and_saves_only_after_yes(client, org_world, length_of_stay):
    client.force_login(org_world["users"]["member"])
    this, before_it = weeks_back(2)
    text = f"{before_it:%d/%m/%Y}\t401\n{this:%d/%m/%Y}\t4000\n"
    response = client.post(reverse("metrics:import", args=[length_of_stay.pk]), {"text": text})
    job_url = response["Location"]
    html = client.get(job_url).content.decode()
    assert "1 figure is far outside this measure's history" in html
    assert "4,000 is far above what this measure usually holds" in html
    assert f'name="confirm" value="{this.isoformat()}=4000"' in html
    confirm_url = job_url.rstrip("/") + "/confirm/"
    before = chart_state(length_of_stay)

    # Saving without the yes (e.g. a stale page's button) saves nothing and says why.
    response = client.post(confirm_url, follow=True)
    assert "Some figures are far outside this measure&#x27;s history" in response.content.decode()
    assert chart_state(length_of_stay) == before
    # "No, change the data" keeps the pasted text.
    job_id = job_url.rstrip("/").split("/")[-1]
    change = client.get(reverse("metrics:import", args=[length_of_stay.pk]) + f"?job={job_id}")
    assert "4000" in change.content.decode()

    response = client.post(confirm_url, {"confirm": f"{this.isoformat()}=4000"})
    assert response.status_code == 302
    assert DataPoint.objects.get(measure=length_of_stay, period=this).value == 4000
    assert DataPoint.objects.get(measure=length_of_stay, period=before_it).value == 401


def test_a_worker_saving_an_import_refuses_a_figure_that_became_unusual(org_world, length_of_stay):
    """The worker checks again: a figure confirmed at the preview is saved; one that became far
    outside the history since (nobody said yes to it) fails the job and saves nothing."""
    from metrics.imports import jobs
    from metrics.models import ImportJob

    this = weeks_back(1)[0]
    job = jobs.import_job_create(
        measure=length_of_stay,
        user=org_world["users"]["lead"],
        text=f"{this:%d/%m/%Y}\t4000\n",
        source="pasted text",
    )
    ImportJob.objects.filter(pk=job.pk).update(status="queued")
    assert jobs.import_job_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert "1 figure is now far outside this measure's history and not confirmed" in job.error
    assert "line 1" in job.error
    assert not DataPoint.objects.filter(measure=length_of_stay, period=this).exists()

    ImportJob.objects.filter(pk=job.pk).update(status="queued", confirmed=[f"{this}=4000"])
    assert jobs.import_job_run(job_id=job.pk) == "done"
    assert DataPoint.objects.get(measure=length_of_stay, period=this).value == 4000


def test_the_api_answers_409_naming_the_row_until_it_is_confirmed(org_world, length_of_stay):
    from rest_framework.test import APIClient

    from teams.tokens import api_token_create

    _, key = api_token_create(
        user=org_world["users"]["lead"], name="Warehouse", teams=[org_world["own"]], write=True
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    this, before_it = weeks_back(2)
    rows = [
        {"measure": length_of_stay.pk, "period": before_it.isoformat(), "value": 399},
        {"measure": length_of_stay.pk, "period": this.isoformat(), "value": 4000},
    ]
    before = chart_state(length_of_stay)
    response = client.post("/api/data-points/", {"rows": rows}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "unconfirmed"
    [problem] = error["problems"]
    assert (problem["row"], problem["field"]) == (1, "value")
    assert problem["message"].startswith("Is this right? 4,000 is far above")
    assert problem["message"].endswith('send the row again with "confirmed": true.')
    assert chart_state(length_of_stay) == before

    rows[1]["confirmed"] = True
    response = client.post("/api/data-points/", {"rows": rows}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["counts"]["created"] == 2
    # Sent again without the flag, the stored figure is not asked about: nothing changes.
    del rows[1]["confirmed"]
    response = client.post("/api/data-points/", {"rows": rows}, format="json")
    assert response.status_code == 200 and response.json()["counts"]["unchanged"] == 2
