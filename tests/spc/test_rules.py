"""Making Data Count rules, point types and icons (DESIGN §5, NHSRplotthedots 0.2 semantics).

The rule tests call ``phase_rules`` with chosen limits — centre 0, limits ±3, near limits ±2 —
so that each rule can be seen alone; the type and icon tests go through ``analyse``.
"""

from metrics.spc import analyse
from metrics.spc.rules import phase_rules


def flags(values):
    outside, shift, trend, two, direction = phase_rules(values, 0.0, 3.0, -3.0, 2.0, -2.0)
    on = lambda f: [i for i, x in enumerate(f) if x]  # noqa: E731
    return {"outside": on(outside), "shift": on(shift), "trend": on(trend), "two": on(two),
            "direction": direction}


def test_seven_points_on_one_side_is_a_shift_six_is_not():
    assert flags([1] * 7)["shift"] == list(range(7))
    assert flags([1] * 6 + [-1])["shift"] == []
    assert flags([-1] * 6 + [1, 1])["shift"] == []
    assert flags([1, -1] + [-1] * 6)["shift"] == list(range(1, 8))


def test_a_point_on_the_centre_line_or_missing_breaks_a_shift():
    assert flags([1, 1, 1, 0.0, 1, 1, 1, 1])["shift"] == []
    assert flags([1, 1, 1, None, 1, 1, 1, 1])["shift"] == []


def test_six_rises_make_a_seven_point_trend_five_do_not():
    # −1.5 … 1.5 crosses the centre line, so no shift; 7 points = 6 rises
    rising = [-1.5, -1.0, -0.5, 0.1, 0.5, 1.0, 1.5]
    assert flags(rising)["trend"] == list(range(7))
    assert flags(rising[:6])["trend"] == []
    assert flags(rising[::-1])["trend"] == list(range(7))
    assert flags(rising)["shift"] == []


def test_a_tie_or_a_missing_point_breaks_a_trend():
    assert flags([-1.5, -1.0, -0.5, -0.5, 0.5, 1.0, 1.5, 1.8])["trend"] == []
    assert flags([-1.5, -1.0, -0.5, None, 0.5, 1.0, 1.5, 1.8])["trend"] == []


def test_outside_limits_is_strict():
    assert flags([3.5, 3.0, -3.0, -3.1])["outside"] == [0, 3]


def test_two_of_three_beyond_the_near_limit_on_the_same_side():
    assert flags([2.5, 0.5, 2.5])["two"] == [0, 2]  # the middle point is not flagged
    assert flags([-2.5, -2.5, -1])["two"] == [0, 1]


def test_two_of_three_needs_all_three_points_on_the_same_side():
    assert flags([2.5, -0.5, 2.5])["two"] == []
    assert flags([2.5, 2.5, 0.0])["two"] == []  # on the centre line is no side


def test_two_of_three_counts_only_points_beyond_the_near_limit_but_not_outside():
    assert flags([2.5, 3.5, 0.5])["two"] == []  # 3.5 is outside, not "close"
    assert flags([2.0, 2.5, 0.5])["two"] == []  # 2.0 is on the near limit, not beyond it


def test_rules_are_not_applied_without_a_centre():
    out = phase_rules([1.0] * 8, None, None, None, None, None)
    assert not any(any(f) for f in out[:4])


def test_point_type_priority_trend_over_shift():
    # 7 points above the centre (shift: high) that fall 6 times (trend: low): trend wins
    falling = [2.9, 2.5, 1.9, 1.5, 1.0, 0.5, 0.2]
    f = flags(falling)
    assert f["shift"] == f["trend"] == list(range(7))
    assert f["direction"] == [-1] * 7


def test_point_type_priority_outside_over_trend():
    f = flags([-3.5, -1, -0.5, 0.1, 0.5, 1, 1.5])
    assert f["outside"] == [0] and f["trend"] == list(range(7))
    assert f["direction"] == [-1] + [1] * 6


def test_point_type_priority_trend_over_two_of_three():
    f = flags([2.9, 2.5, 1.9, 1.5, 1.0, 0.5, -0.2])
    assert f["two"] == [0, 1] and f["trend"] == list(range(7))
    assert f["direction"][:2] == [-1, -1]


def test_a_point_shared_by_a_rise_and_a_fall_takes_the_later_trend():
    up = [-1.5, -1.0, -0.5, 0.1, 0.5, 1.0, 1.5]
    f = flags(up + up[::-1][1:])
    assert f["direction"][6] == -1 and f["direction"][5] == 1 and f["direction"][7] == -1


# --- through analyse: types, variation, assurance ----------------------------------------

# 10, 12 alternating: mean 11, every MR 2 → limits 11 ± 5.32 = 16.32 / 5.68
STEADY = [10, 12] * 4
# adding 30: mean (88+30)/9 = 13.111; MR 2×7 + 18 = 32 → 4 → ucl 13.111 + 10.64 = 23.75
HIGH = STEADY + [30]
# adding −10: mean 78/9 = 8.667; MR 14 + 22 = 36 → 4.5 → lcl 8.667 − 11.97 = −3.30
LOW = STEADY + [-10]


def test_point_types_follow_the_improvement_direction():
    assert analyse(HIGH).to_dict()["points"][-1]["point_type"] == "improvement"
    assert analyse(HIGH, improvement="decrease").to_dict()["points"][-1]["point_type"] == \
        "concern"
    assert analyse(HIGH, improvement="neither").to_dict()["points"][-1]["point_type"] == \
        "neither_high"
    assert analyse(LOW, improvement="neither").to_dict()["points"][-1]["point_type"] == \
        "neither_low"


def test_each_variation_value():
    assert analyse(STEADY).variation == "common_cause"
    assert analyse(HIGH).variation == "improvement_high"
    assert analyse(LOW, improvement="decrease").variation == "improvement_low"
    assert analyse(HIGH, improvement="decrease").variation == "concern_high"
    assert analyse(LOW).variation == "concern_low"
    assert analyse(HIGH, improvement="neither").variation == "neither_high"
    assert analyse(LOW, improvement="neither").variation == "neither_low"
    assert analyse(STEADY, chart="run").variation is None


def test_variation_uses_the_last_present_point():
    assert analyse(HIGH + [None, None]).variation == "improvement_high"
    assert analyse([None, None]).variation is None


def test_each_assurance_value():
    # STEADY limits 16.32 / 5.68
    assert analyse(STEADY, target=5).assurance == "pass"  # target below lcl, increase
    assert analyse(STEADY, target=17).assurance == "fail"
    assert analyse(STEADY, target=11).assurance == "hit_or_miss"
    assert analyse(STEADY, target=16.32 - 1e-9).assurance == "hit_or_miss"
    assert analyse(STEADY, target=17, improvement="decrease").assurance == "pass"
    assert analyse(STEADY, target=5, improvement="decrease").assurance == "fail"


def test_no_assurance_without_target_direction_limits_or_on_run_charts():
    assert analyse(STEADY).assurance is None
    assert analyse(STEADY, target=5, improvement="neither").assurance is None
    assert analyse(STEADY, target=5, chart="run").assurance is None
    assert analyse([3], target=5).assurance is None  # one point: no moving range, no limits


def test_special_cause_is_any_rule():
    pts = analyse(HIGH).to_dict()["points"]
    assert [p["special_cause"] for p in pts] == [
        p["outside_limits"] or p["shift"] or p["trend"] or p["two_of_three"] for p in pts]


def test_centre_line_point_breaks_a_shift_but_not_an_anhoej_run():
    # centre = (6×1 + 6×9 + 5)/13 = 65/13 = 5: the 5 is on the line
    res = analyse([1] * 6 + [9, 9, 9, 5, 9, 9, 9]).to_dict()
    assert not any(p["shift"] for p in res["points"][6:])
    phase = res["phases"][0]
    # Anhøj: the 5 is skipped, so the six 9s form one run of 6; n_useful 12, 1 crossing
    assert (phase["n_useful"], phase["longest_run"], phase["crossings"]) == (12, 6, 1)
    # without the centre-line point the nines are 7 in a row
    res = analyse([1] * 6 + [9] * 7 + [5]).to_dict()
    assert [i for i, p in enumerate(res["points"]) if p["shift"]][-7:] == list(range(6, 13))


def test_missing_point_breaks_shift_and_trend_in_analyse():
    res = analyse([1] * 6 + [9, 9, 9, None, 9, 9, 9]).to_dict()
    assert not any(p["shift"] for p in res["points"])
    res = analyse([5, 4, 5, 4, 1, 2, 3, None, 4, 5, 6, 7, 4, 5, 4, 5]).to_dict()
    assert not any(p["trend"] for p in res["points"])
