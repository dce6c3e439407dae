"""T and G charts for rare events (issue 17): worked by hand, with qicharts2 0.8's formulas
(R/qic.charts.R, ``qic.t`` and ``qic.g``; the conventions are in metrics/spc/limits.py).

The T examples use times that are exact powers t = x^3.6, so that the transformed times x are
whole numbers and every step can be followed on paper.
"""

import math

import pytest

from metrics.spc import analyse, analyse_many
from metrics.spc.explain import explain


def approx(x):
    return pytest.approx(x, rel=1e-9, abs=1e-12)


def times(*xs):
    """Times between events whose 1/3.6th powers are xs."""
    return [x**3.6 for x in xs]


def test_t_chart_is_an_individuals_chart_on_times_to_the_power_1_over_3_6():
    # Transformed 2, 3, 2, 4, 3 (times 12.1257, 52.1959, 12.1257, 147.0334, 52.1959 days).
    # Mean 14/5 = 2.8; moving ranges 1, 1, 2, 1 → MR̄ 5/4 = 1.25; screening cut 3.267 × 1.25
    # = 4.08, nothing dropped; σ = 1.25/1.128 = 1.1081560. Back by ^3.6:
    # centre 2.8^3.6 = 40.716357; ucl (2.8 + 3.3244681)^3.6 = 6.1244681^3.6 = 681.46908;
    # lcl 2.8 − 3.3244681 < 0 → 0; near ucl (2.8 + 2.2163121)^3.6 = 332.18832;
    # near lcl (2.8 − 2.2163121)^3.6 = 0.5836879^3.6 = 0.14396290.
    p = analyse(times(2, 3, 2, 4, 3), chart="t").to_dict()["points"][0]
    assert p["centre"] == approx(40.716356928691155)
    assert p["ucl"] == approx(681.4690761028538)
    assert p["lcl"] == 0.0
    assert p["near_ucl"] == approx(332.18832404304885)
    assert p["near_lcl"] == approx(0.14396290486408972)


def test_t_chart_screens_moving_ranges_and_flags_a_long_gap_as_improvement():
    # Transformed 2, 3, 2, 3, 2, 3, 2, 3, 2, 14: moving ranges eight 1s and a 12 → MR̄ 20/9
    # = 2.2222; cut 3.267 × 2.2222 = 7.26, so screened the 12 is dropped and MR̄ = 8/8 = 1;
    # σ = 1/1.128 = 0.88652482. Mean 36/10 = 3.6.
    # ucl (3.6 + 2.6595745)^3.6 = 6.2595745^3.6 = 737.15925; lcl (3.6 − 2.6595745)^3.6 =
    # 0.9404255^3.6 = 0.80161878 (positive, so transformed back); centre 3.6^3.6 = 100.62109.
    # The last time, 14^3.6 = 13,367.8 days, lies above the upper limit: with "increase" (a
    # longer time between harms is better) it is special cause improvement. (clinical-qikit
    # 0.5.0's qic(chart="t"), an independent implementation, gives 100.621087, 737.159247 and
    # 0.801619.)
    res = analyse(times(2, 3, 2, 3, 2, 3, 2, 3, 2, 14), chart="t", improvement="increase",
                  screen=True)
    p = res.to_dict()["points"]
    assert p[0]["centre"] == approx(100.62108656102474)
    assert p[0]["ucl"] == approx(737.1592468310146)
    assert p[0]["lcl"] == approx(0.8016187762541922)
    assert p[0]["near_lcl"] == approx(8.7541963990563)
    assert [i for i, x in enumerate(p) if x["outside_limits"]] == [9]
    assert p[9]["point_type"] == "improvement"
    assert res.variation == "improvement_high"
    # Unscreened (qicharts2 0.8's default): σ = 2.2222/1.128, ucl (3.6 + 5.9101)^3.6.
    wide = analyse(times(2, 3, 2, 3, 2, 3, 2, 3, 2, 14), chart="t").to_dict()["points"][0]
    assert wide["ucl"] == approx((3.6 + 3 * (20 / 9) / 1.128) ** 3.6)


def test_t_chart_has_no_limits_from_one_event_interval_and_trial_limits_below_12():
    one = analyse([30.0], chart="t")
    assert one.centre == (approx(30.0),) and one.ucl == (None,)
    assert one.phases[0].trial_limits


def test_t_chart_refuses_a_time_of_zero_or_less():
    for bad in (0, -2):
        with pytest.raises(ValueError, match="greater than 0"):
            analyse([5, bad, 7], chart="t")


def test_g_chart_limits_come_from_the_mean_and_its_centre_line_is_the_median():
    # Opportunities between events: 23, 39, 15, 34, 1, 40, 12, 8, 60, 22, 5, 30.
    # Mean m = 289/12 = 24.083333; σ = √(m(m + 1)) = √(24.083333 × 25.083333) = √604.09028
    # = 24.578248; ucl = m + 3σ = 97.818078; near ucl m + 2σ = 73.239829; lcl and near lcl
    # are negative → 0. Sorted: 1 5 8 12 15 22 | 23 30 34 39 40 60 → median (22 + 23)/2 = 22.5.
    res = analyse([23, 39, 15, 34, 1, 40, 12, 8, 60, 22, 5, 30], chart="g")
    p = res.to_dict()["points"][0]
    assert p["centre"] == 22.5
    m = 289 / 12
    assert p["ucl"] == approx(m + 3 * math.sqrt(m * (m + 1))) == approx(97.81807751814758)
    assert p["near_ucl"] == approx(73.23982945654284)
    assert p["lcl"] == 0.0 and p["near_lcl"] == 0.0
    # Runs are read around the median: 6 points above, 6 below, none on it.
    phase = res.phases[0]
    assert (phase.centre, phase.n_useful) == (22.5, 12)
    assert not res.phases[0].trial_limits


def test_g_chart_flags_a_long_run_of_opportunities_without_an_event():
    # Ten gaps of 3 to 9 opportunities (mean 6), then 200: m = (60 + 200)/11 = 23.636364,
    # σ = √(23.636 × 24.636) = 24.131243, ucl = 23.636 + 72.393729 = 96.030093 → 200 is above.
    values = [3, 9, 5, 7, 4, 8, 6, 6, 5, 7, 200]
    res = analyse(values, chart="g", improvement="increase")
    p = res.to_dict()["points"]
    m = 260 / 11
    assert p[0]["ucl"] == approx(m + 3 * math.sqrt(m * (m + 1)))
    assert [i for i, x in enumerate(p) if x["outside_limits"]] == [10]
    assert p[10]["point_type"] == "improvement"
    assert p[0]["centre"] == 6  # the median of all 11


def test_g_chart_with_a_frozen_baseline_takes_its_median_and_mean_from_the_baseline():
    # qicharts2 0.6 on ("Fix baseline centre line in G charts (when using freeze argument)"):
    # baseline 10, 20, 30 → median 20, m = 20, ucl = 20 + 3√420 for every point.
    res = analyse([10, 20, 30, 40, 50], chart="g", freeze=3)
    p = res.to_dict()["points"][0]
    assert p["centre"] == 20
    assert p["ucl"] == approx(20 + 3 * math.sqrt(420))


def test_g_chart_takes_zero_but_not_a_negative_count():
    assert analyse([0, 4, 2], chart="g").centre[0] == 2
    with pytest.raises(ValueError, match="negative"):
        analyse([3, -1, 2], chart="g")


def test_t_and_g_take_no_denominators():
    for chart in ("t", "g"):
        with pytest.raises(ValueError, match="takes values only"):
            analyse([1, 2], chart=chart, denominators=[3, 4])


def test_phases_and_missing_points_work_as_on_other_charts():
    # Each phase its own centre and limits; a missing interval keeps its place.
    values = [*times(2, 3, 2, 4, 3), None, *times(5, 6, 5, 7)]
    res = analyse(values, chart="t", phases=[6])
    assert res.centre[0] == approx(2.8**3.6) and res.centre[6] == approx(5.75**3.6)
    assert res.values[5] is None and res.point_type[5] is None
    assert [(p.start, p.end) for p in res.phases] == [(0, 6), (6, 10)]


def test_the_batch_form_and_long_series_give_the_same_results():
    series = [
        {"values": times(2, 3, 2, 4, 3), "chart": "t"},
        {"values": [23, 39, 15, 34, 1, 40, 12, 8, 60, 22, 5, 30], "chart": "g"},
        {"values": [4, 9, 5, 2], "chart": "c"},
    ] * 3
    batch = analyse_many(series)
    for spec, res in zip(series, batch, strict=True):
        assert res == analyse(**spec)
    # Beyond the engine's scalar limit (300 points) other charts go to numpy; T and G don't.
    long = [((i * 7919) % 97 + 1) * 1.5 for i in range(400)]
    for chart in ("t", "g"):
        one = analyse(long, chart=chart)
        assert one == analyse_many([{"values": long, "chart": chart}] * 5)[3]
        assert len(one.values) == 400 and one.ucl[0] is not None


def test_explain_names_the_g_charts_median_and_the_t_charts_centre_line():
    g = explain(analyse([23, 39, 15, 34, 1, 40, 12, 8, 60, 22, 5, 30], chart="g").to_dict())
    assert str(g[0]).startswith("Median 22.5; limits 0 to 97.8")
    t = explain(analyse(times(2, 3, 2, 4, 3), chart="t").to_dict(), unit="days")
    assert str(t[0]).startswith("Centre line 40.7 days; limits 0 days to 681 days")
