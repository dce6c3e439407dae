"""Downloading a measure's data as CSV: a header, one row per period, and notes that cannot
turn into spreadsheet formulas."""

import csv
import io

import pytest
from django.urls import reverse

from metrics.measures.services import measure_create
from tests.metrics.measures.world import add_points

pytestmark = pytest.mark.django_db


def download(client, user, measure):
    client.force_login(user)
    response = client.get(reverse("metrics:measure_csv", args=[measure.pk]))
    assert response.status_code == 200
    return response, list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_has_a_header_and_every_period(client, org_world, measure_factory, mondays):
    lead = org_world["users"]["lead"]
    measure = add_points(measure_factory(), mondays(3), [4, 2.5, 0], user=lead,
                         notes=["", "Two staff off sick", ""])  # fmt: skip

    response, rows = download(client, org_world["users"]["board"], measure)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="violent-incidents-involving-staff.csv"'
    )
    assert rows[0] == ["period", "value", "note", "entered_by", "entered_at"]
    assert [r[:3] for r in rows[1:]] == [
        ["2025-05-19", "4", ""],
        ["2025-05-26", "2.5", "Two staff off sick"],
        ["2025-06-02", "0", ""],
    ]
    assert rows[1][3] == lead.get_full_name()


def test_rates_have_numerator_and_denominator_columns(client, org_world, mondays):
    lead = org_world["users"]["lead"]
    measure = measure_create(
        organisation=org_world["organisation"],
        team=org_world["own"],
        name="DNA rate",
        definition="Did not attend / first appointments.",
        chart_type="p",
        frequency="week",
        improvement="decrease",
    )
    add_points(measure, mondays(2), [(12, 80), (9, 75)], user=lead)

    _, rows = download(client, org_world["users"]["member"], measure)

    assert rows[0][:3] == ["period", "numerator", "denominator"]
    assert rows[1][:3] == ["2025-05-26", "12", "80"]


@pytest.mark.parametrize(
    "note, cell",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Fine note, with comma", "Fine note, with comma"),
    ],
)
def test_notes_cannot_become_formulas(client, org_world, measure_factory, mondays, note, cell):
    lead = org_world["users"]["lead"]
    measure = add_points(measure_factory(), mondays(1), [3], user=lead, notes=[note])

    _, rows = download(client, org_world["users"]["member"], measure)

    assert rows[1][2] == cell


def test_another_organisations_data_is_not_found(client, org_world, measure_factory, mondays):
    measure = add_points(measure_factory(), mondays(1), [3], user=org_world["users"]["lead"])
    client.force_login(org_world["users"]["foreign_admin"])

    assert client.get(reverse("metrics:measure_csv", args=[measure.pk])).status_code == 404
