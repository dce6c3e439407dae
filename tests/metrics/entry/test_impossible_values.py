"""Impossible values are refused in words before anything is saved, on every way in (issue 15:
data guardrails): a percentage outside 0–100 on a measure whose unit is per cent, a proportion's
numerator above its denominator, a negative count. One service (metrics.entry.services
.row_problems) checks them for the this-period form, the grid, the import and the API."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics import periods as P
from metrics.entry.services import Row, RowsInvalid, data_points_save, percent_unit
from metrics.models import DataPoint

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 6, 2)


@pytest.fixture
def percent(measure_factory):
    return measure_factory(
        name="Beds occupied", chart_type="xmr", unit="% of beds", improvement="neither"
    )


@pytest.mark.parametrize(
    ("unit", "is_percent"),
    [("%", True), ("% of beds", True), (" Per cent ", True), ("percentage", True),
     ("days", False), ("incidents per 1,000 bed days", False), ("", False)],
)  # fmt: skip
def test_which_units_say_percent(unit, is_percent):
    assert percent_unit(unit) is is_percent


@pytest.mark.parametrize("value", [100.5, -1, 250])
def test_a_percentage_outside_0_to_100_is_refused(percent, org_world, value):
    with pytest.raises(RowsInvalid) as error:
        data_points_save(
            measure=percent, rows=[Row(period=MONDAY, value=value)], user=org_world["users"]["lead"]
        )
    assert error.value.problems[0] == [
        f"The value {value:g} is not a percentage between 0 and 100: this measure is in "
        "“% of beds”."
    ]
    assert not DataPoint.objects.exists()


def test_0_and_100_are_percentages(percent, org_world):
    rows = [Row(period=MONDAY, value=0), Row(period=MONDAY - dt.timedelta(weeks=1), value=100)]
    data_points_save(measure=percent, rows=rows, user=org_world["users"]["lead"])
    assert DataPoint.objects.filter(measure=percent).count() == 2


def test_the_this_period_form_refuses_it_and_keeps_what_was_typed(client, org_world, percent):
    client.force_login(org_world["users"]["member"])
    current = P.previous_periods("week", timezone.localdate(), 1)[0]
    response = client.post(
        reverse("metrics:data_entry", args=[percent.pk]),
        {"period": current.isoformat(), "value": "104", "note": "ward reopened"},
    )
    html = response.content.decode()
    assert response.status_code == 200  # the form again, as for every refused entry here
    assert "The value 104 is not a percentage between 0 and 100" in html
    assert 'value="104"' in html and "ward reopened" in html  # nothing lost
    assert not DataPoint.objects.exists()


def test_the_api_refuses_it_at_its_row(percent, org_world):
    from rest_framework.test import APIClient

    from teams.tokens import api_token_create

    _, key = api_token_create(
        user=org_world["users"]["lead"], name="Warehouse", teams=[org_world["own"]], write=True
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    rows = [
        {"measure": percent.pk, "period": "2025-05-26", "value": 97.5},
        {"measure": percent.pk, "period": "2025-06-02", "value": 197.5},
    ]
    response = client.post("/api/data-points/", {"rows": rows}, format="json")
    assert response.status_code == 400
    [problem] = response.json()["error"]["problems"]
    assert (problem["row"], problem["field"]) == (1, "value")
    assert "not a percentage between 0 and 100" in problem["message"]
    assert not DataPoint.objects.exists()
