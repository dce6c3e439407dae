"""Entering data: every kind of bad row is refused in words and nothing is saved; periods
entered again are corrected with their history kept."""

import datetime as dt

import pytest

from metrics.entry.services import Row, RowsInvalid, data_point_record, data_points_save
from metrics.models import ChartSnapshot, DataPoint, DataPointRevision

TODAY_SAFE = dt.date(2025, 6, 2)  # a Monday in the past


@pytest.fixture
def weekly(measure_factory):
    return measure_factory(chart_type="xmr", frequency="week")


@pytest.fixture
def proportion(measure_factory):
    return measure_factory(
        name="First appointments not attended",
        chart_type="p",
        unit="%",
        frequency="month",
        improvement="decrease",
    )


def problems_of(measure, rows, user):
    with pytest.raises(RowsInvalid) as error:
        data_points_save(measure=measure, rows=rows, user=user)
    return error.value.problems


def test_a_new_period_is_saved_and_marks_the_chart_stale(weekly, org_world):
    counts = data_point_record(
        measure=weekly, period=TODAY_SAFE, value=4, user=org_world["users"]["member"]
    )
    assert counts == {"created": 1, "corrected": 0, "unchanged": 0}
    point = DataPoint.objects.get(measure=weekly)
    assert (point.period, point.value, point.entered_by) == (
        TODAY_SAFE,
        4,
        org_world["users"]["member"],
    )
    weekly.refresh_from_db()
    assert weekly.data_version == 1
    assert weekly.snapshot.status == ChartSnapshot.Status.STALE


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (Row(period=TODAY_SAFE + dt.timedelta(days=2), value=3), "is a Wednesday"),
        (Row(period=dt.date(2099, 1, 5), value=3), "is in the future"),
        (Row(period=TODAY_SAFE, value=None), "The value is missing"),
        (Row(period=TODAY_SAFE, value=float("inf")), "not a finite number"),
        (Row(period=None, value=3, problems=["'31/02/2025' is not a date"]), "is not a date"),
    ],
)
def test_bad_weekly_rows_are_refused_in_words(weekly, org_world, row, expected):
    problems = problems_of(weekly, [row], org_world["users"]["member"])
    assert any(expected in p for p in problems[0]), problems
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (12, 10, "above the denominator"),
        (0, 0, "The denominator is zero"),
        (3, -5, "cannot be negative"),
        (-1, 10, "numerator cannot be negative"),
        (None, 10, "numerator is missing"),
        (3, None, "denominator is missing"),
    ],
)
def test_bad_proportion_rows_are_refused_in_words(
    proportion, org_world, numerator, denominator, expected
):
    row = Row(period=dt.date(2025, 5, 1), numerator=numerator, denominator=denominator)
    problems = problems_of(proportion, [row], org_world["users"]["member"])
    assert any(expected in p for p in problems[0]), problems


def test_a_monthly_measure_wants_the_first_of_the_month(proportion, org_world):
    row = Row(period=dt.date(2025, 5, 14), numerator=1, denominator=10)
    problems = problems_of(proportion, [row], org_world["users"]["member"])
    assert "not the first of the month" in problems[0][0]


def test_a_negative_count_is_refused_on_a_c_chart(measure_factory, org_world):
    counts = measure_factory(chart_type="c")
    problems = problems_of(counts, [Row(period=TODAY_SAFE, value=-2)], org_world["users"]["lead"])
    assert "A count cannot be negative." in problems[0]


def test_one_bad_row_saves_nothing_and_every_problem_is_listed(weekly, org_world):
    rows = [
        Row(period=TODAY_SAFE - dt.timedelta(weeks=2), value=5, line=2),
        Row(period=TODAY_SAFE - dt.timedelta(weeks=1), value=6, line=3),
        Row(period=TODAY_SAFE - dt.timedelta(weeks=1), value=7, line=4),  # duplicate
        Row(period=TODAY_SAFE + dt.timedelta(days=1), value=8, line=5),  # a Tuesday
    ]
    problems = problems_of(weekly, rows, org_world["users"]["member"])
    assert problems[0] == [] and problems[1] == []
    assert "is given twice (also on line 3)" in problems[2][0]
    assert "is a Tuesday" in problems[3][0]
    assert not DataPoint.objects.exists()
    weekly.refresh_from_db()
    assert weekly.data_version == 0


def test_entering_a_period_again_corrects_it_and_keeps_the_history(weekly, org_world):
    member, lead = org_world["users"]["member"], org_world["users"]["lead"]
    data_point_record(measure=weekly, period=TODAY_SAFE, value=4, user=member)
    counts = data_point_record(
        measure=weekly, period=TODAY_SAFE, value=5, note="Datix backlog cleared", user=lead
    )
    assert counts == {"created": 0, "corrected": 1, "unchanged": 0}
    point = DataPoint.objects.get()
    assert (point.value, point.note, point.entered_by) == (5, "Datix backlog cleared", lead)
    revision = DataPointRevision.objects.get()
    assert (revision.old_value, revision.new_value, revision.changed_by) == (4, 5, lead)
    assert revision.old_note == "" and revision.new_note == "Datix backlog cleared"
    weekly.refresh_from_db()
    assert weekly.data_version == 2


def test_entering_the_same_value_again_changes_nothing(weekly, org_world):
    member = org_world["users"]["member"]
    data_point_record(measure=weekly, period=TODAY_SAFE, value=4, user=member)
    counts = data_point_record(measure=weekly, period=TODAY_SAFE, value=4, user=member)
    assert counts == {"created": 0, "corrected": 0, "unchanged": 1}
    assert not DataPointRevision.objects.exists()
    weekly.refresh_from_db()
    assert weekly.data_version == 1


def test_the_recompute_is_enqueued_only_after_commit(
    weekly, org_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        data_point_record(
            measure=weekly, period=TODAY_SAFE, value=4, user=org_world["users"]["member"]
        )
    assert len(callbacks) == 1
