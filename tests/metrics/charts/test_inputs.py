"""From stored points to the engine's arguments: gaps kept in place, phases and freeze mapped to
indices, percentage targets turned into proportions."""

import datetime as dt

from metrics.charts.inputs import chart_input, compute

MON = dt.date(2025, 1, 6)


def week(i):
    return MON + dt.timedelta(weeks=i)


def make(points, **kw):
    args = {
        "chart_type": "xmr",
        "frequency": "week",
        "improvement": "decrease",
        "target": None,
        "phase_starts": [],
        "freeze_until": None,
    }
    args.update(kw)
    return chart_input(points=points, **args)


def test_a_missing_week_is_kept_in_place_as_missing():
    chart = make([(week(0), 5, None, None), (week(1), 6, None, None), (week(3), 8, None, None)])
    assert chart.periods == [week(0), week(1), week(2), week(3)]
    assert chart.kwargs["values"] == [5, 6, None, 8]


def test_monthly_periods_run_through_year_ends():
    points = [(dt.date(2024, 11, 1), 1, None, None), (dt.date(2025, 2, 1), 2, None, None)]
    chart = make(points, frequency="month")
    assert chart.periods == [
        dt.date(2024, 11, 1),
        dt.date(2024, 12, 1),
        dt.date(2025, 1, 1),
        dt.date(2025, 2, 1),
    ]


def test_rate_charts_take_numerators_and_denominators():
    chart = make([(week(0), None, 3, 40), (week(1), None, 5, 50)], chart_type="p")
    assert chart.kwargs["values"] == [3, 5]
    assert chart.kwargs["denominators"] == [40, 50]


def test_phase_dates_become_the_index_of_their_first_period():
    points = [(week(i), i, None, None) for i in range(10)]
    # A phase from a Wednesday starts at the next Monday's period; one before the data is moot.
    chart = make(points, phase_starts=[week(4) - dt.timedelta(days=5), MON - dt.timedelta(30)])
    assert chart.kwargs["phases"] == [4]


def test_freeze_counts_the_periods_up_to_the_date_within_the_first_phase():
    points = [(week(i), i, None, None) for i in range(20)]
    chart = make(points, freeze_until=week(11))
    assert chart.kwargs["freeze"] == 12
    chart = make(points, freeze_until=week(15), phase_starts=[week(8)])
    assert chart.kwargs["freeze"] == 8, "a freeze never reaches past the first phase"


def test_p_chart_targets_are_entered_as_percentages():
    chart = make([(week(0), None, 3, 40)], chart_type="p", target=15)
    assert chart.kwargs["target"] == 0.15
    chart = make([(week(0), 3, None, None)], chart_type="xmr", target=15)
    assert chart.kwargs["target"] == 15


def test_no_data_says_so_instead_of_failing():
    result, error = compute(make([]))
    assert result is None
    assert error.startswith("No data yet")


def test_an_engine_error_is_returned_in_words():
    # A proportion above 1 cannot reach the engine through the entry forms, but if stored data
    # is ever wrong, the chart says why rather than crashing the worker.
    result, error = compute(make([(week(0), None, 5, 4)], chart_type="p"))
    assert result is None
    assert "above" in error or "denominator" in error
