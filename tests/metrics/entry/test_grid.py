"""The grid of recent periods: prefilled with what is stored, saved in one go, empty rows
ignored, all rows or none."""

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics import periods as P
from metrics.entry.services import data_point_record
from metrics.models import DataPoint, DataPointRevision


@pytest.fixture
def weekly(measure_factory):
    return measure_factory(name="Mean length of stay", unit="days")


@pytest.fixture
def member(client, org_world):
    client.force_login(org_world["users"]["member"])
    return org_world["users"]["member"]


def recent(n=12):
    return P.previous_periods("week", timezone.localdate(), n)


def test_the_grid_offers_twelve_recent_periods_prefilled(client, member, weekly):
    periods = recent()
    data_point_record(measure=weekly, period=periods[3], value=31.5, user=member, note="audit")
    html = client.get(reverse("metrics:entry_grid", args=[weekly.pk])).content.decode()
    for period in periods:
        assert f'name="value_{period.isoformat()}"' in html
    assert f'name="value_{P.step_back(periods[-1], "week").isoformat()}"' not in html
    iso = periods[3].isoformat()
    assert f'name="value_{iso}" id="id_value_{iso}" value="31.5"' in html
    assert 'value="audit"' in html


def test_filled_rows_are_saved_together_and_empty_rows_ignored(client, member, weekly):
    periods = recent()
    data_point_record(measure=weekly, period=periods[2], value=30, user=member)
    response = client.post(
        reverse("metrics:entry_grid", args=[weekly.pk]),
        {
            f"value_{periods[0].isoformat()}": "33",
            f"value_{periods[1].isoformat()}": "34",
            f"value_{periods[2].isoformat()}": "29",  # a correction
            f"value_{periods[4].isoformat()}": "",
        },
        follow=True,
    )
    assert "Saved: 2 new, 1 corrected." in response.content.decode()
    stored = dict(DataPoint.objects.filter(measure=weekly).values_list("period", "value"))
    assert stored == {periods[0]: 33, periods[1]: 34, periods[2]: 29}
    assert DataPointRevision.objects.filter(point__measure=weekly).count() == 1


def test_one_bad_row_saves_nothing_and_says_which(client, member, weekly):
    periods = recent()
    response = client.post(
        reverse("metrics:entry_grid", args=[weekly.pk]),
        {
            f"value_{periods[0].isoformat()}": "33",
            f"value_{periods[1].isoformat()}": "abc",
            f"note_{periods[2].isoformat()}": "a note without a value",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "“abc” is not a number." in html
    assert not DataPoint.objects.exists()
    # Once the number is fixed the service speaks: a note alone is no value.
    response = client.post(
        reverse("metrics:entry_grid", args=[weekly.pk]),
        {
            f"value_{periods[0].isoformat()}": "33",
            f"note_{periods[2].isoformat()}": "a note without a value",
        },
    )
    html = response.content.decode()
    assert "The value is missing." in html
    assert "1 row cannot be saved; nothing was saved." in html
    assert 'value="33"' in html and "a note without a value" in html, "what was typed stays"
    assert not DataPoint.objects.exists()


def test_an_all_empty_grid_says_there_is_nothing_to_save(client, member, weekly):
    response = client.post(reverse("metrics:entry_grid", args=[weekly.pk]), {})
    assert "Every row is empty" in response.content.decode()


def test_a_proportion_grid_has_numerator_and_denominator(client, member, measure_factory):
    measure = measure_factory(chart_type="p", frequency="month", unit="%")
    period = P.period_start(timezone.localdate(), "month")
    client.post(
        reverse("metrics:entry_grid", args=[measure.pk]),
        {f"numerator_{period.isoformat()}": "3", f"denominator_{period.isoformat()}": "40"},
    )
    point = DataPoint.objects.get(measure=measure)
    assert (point.numerator, point.denominator, point.value) == (3, 40, None)


def test_a_ticked_remove_box_deletes_the_stored_figure_and_leaves_it_in_the_audit_trail(
    client, member, weekly
):
    from metrics.models import ChartSnapshot, Measure
    from teams.models import AuditEvent

    periods = recent()
    data_point_record(measure=weekly, period=periods[1], value=30, user=member)
    data_point_record(measure=weekly, period=periods[2], value=41, user=member, note="typo")
    version = Measure.objects.get(pk=weekly.pk).data_version
    html = client.get(reverse("metrics:entry_grid", args=[weekly.pk])).content.decode()
    # Only periods that hold a figure offer the box, each named for screen readers.
    assert f'name="remove_{periods[2].isoformat()}"' in html
    assert f'name="remove_{periods[0].isoformat()}"' not in html
    assert 'aria-label="Remove the figure of' in html

    response = client.post(
        reverse("metrics:entry_grid", args=[weekly.pk]),
        {
            f"value_{periods[0].isoformat()}": "33",
            f"value_{periods[1].isoformat()}": "30",  # unchanged
            f"value_{periods[2].isoformat()}": "41",  # its boxes are ignored: it is removed
            f"remove_{periods[2].isoformat()}": "on",
        },
        follow=True,
    )
    assert "Saved: 1 new, 0 corrected, 1 removed, 1 unchanged." in response.content.decode()
    stored = dict(DataPoint.objects.filter(measure=weekly).values_list("period", "value"))
    assert stored == {periods[0]: 33, periods[1]: 30}
    assert Measure.objects.get(pk=weekly.pk).data_version > version
    assert ChartSnapshot.objects.get(measure=weekly).status != ChartSnapshot.Status.FRESH or (
        ChartSnapshot.objects.get(measure=weekly).data_version
        == Measure.objects.get(pk=weekly.pk).data_version
    )
    removal = AuditEvent.objects.get(action="delete")
    assert removal.actor == member and removal.team == weekly.team
    assert removal.summary.startswith("Removed ") and removal.summary.endswith("41 → nothing")
    assert removal.changes["value"] == [41, None] and removal.changes["note"] == ["typo", None]


def test_a_removal_with_a_bad_row_beside_it_removes_nothing(client, member, weekly):
    periods = recent()
    data_point_record(measure=weekly, period=periods[2], value=41, user=member)
    response = client.post(
        reverse("metrics:entry_grid", args=[weekly.pk]),
        {
            f"value_{periods[0].isoformat()}": "about 30",  # refused: not a number
            f"remove_{periods[2].isoformat()}": "on",
        },
    )
    assert response.status_code in (200, 400)
    assert DataPoint.objects.filter(measure=weekly, period=periods[2], value=41).exists()
    html = response.content.decode()
    assert f'name="remove_{periods[2].isoformat()}" id="id_remove_{periods[2].isoformat()}"' in html
    assert "checked" in html.split(f'name="remove_{periods[2].isoformat()}"')[1].split(">")[0]


def test_the_service_removes_nothing_when_a_row_beside_the_removal_is_refused(member, weekly):
    from metrics.entry.services import Row, RowsInvalid, data_points_save

    periods = recent()
    data_point_record(measure=weekly, period=periods[2], value=41, user=member)
    with pytest.raises(RowsInvalid):
        data_points_save(
            measure=weekly,
            rows=[Row(period=periods[0], value=float("nan"))],
            user=member,
            remove=[periods[2]],
        )
    assert DataPoint.objects.filter(measure=weekly, period=periods[2], value=41).exists()
