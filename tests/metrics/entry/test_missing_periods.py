"""Periods gone by since the last one entered, said on the entry pages (issue 15: "3 weeks
missing"). Worked by hand: on Wednesday 10 December 2025 the running week is the one commencing
Monday 8 December; the last complete week commences 1 December."""

import datetime as dt

import pytest
from django.urls import reverse

from metrics import periods as P
from metrics.entry.services import Row, data_points_save

WEDNESDAY = dt.date(2025, 12, 10)


@pytest.mark.parametrize(
    ("last", "frequency", "count"),
    [
        (dt.date(2025, 12, 1), "week", 0),  # last week entered: nothing missing
        (dt.date(2025, 12, 8), "week", 0),  # this week already entered
        (dt.date(2025, 11, 10), "week", 3),  # 17, 24 Nov and 1 Dec missing
        (dt.date(2025, 11, 12), "week", 3),  # a Wednesday counts as its week
        (dt.date(2025, 10, 1), "month", 1),  # November missing; December is running
        (dt.date(2024, 12, 1), "month", 11),
        (dt.date(2025, 12, 7), "day", 2),  # 8 and 9 December
        (None, "week", 0),  # nothing entered yet: no gap to speak of
    ],
)
def test_missing_count(last, frequency, count):
    assert P.missing_count(last, frequency, WEDNESDAY) == count


def test_missing_text():
    assert P.missing_text(dt.date(2025, 11, 10), "week", WEDNESDAY) == (
        "3 weeks missing: nothing entered after week commencing 10 November 2025"
    )
    assert P.missing_text(dt.date(2025, 10, 1), "month", WEDNESDAY) == (
        "1 month missing: nothing entered after October 2025"
    )
    assert P.missing_text(dt.date(2025, 12, 1), "week", WEDNESDAY) == ""


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["metrics:data_entry", "metrics:entry_grid", "metrics:import"])
def test_the_entry_pages_say_what_is_missing(client, org_world, measure_factory, page):
    from django.utils import timezone

    measure = measure_factory(frequency="week")
    lead = org_world["users"]["lead"]
    last_complete = P.step_back(P.period_start(timezone.localdate(), "week"), "week")
    three_before = last_complete - dt.timedelta(weeks=3)
    data_points_save(measure=measure, rows=[Row(period=three_before, value=4)], user=lead)
    client.force_login(lead)
    html = client.get(reverse(page, args=[measure.pk])).content.decode()
    assert (
        f"3 weeks missing: nothing entered after {P.format_period(three_before, 'week')}." in html
    )

    data_points_save(measure=measure, rows=[Row(period=last_complete, value=5)], user=lead)
    assert (
        "data-missing-periods" not in client.get(reverse(page, args=[measure.pk])).content.decode()
    )
