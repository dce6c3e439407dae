"""Hand-computed worked examples of centre and limits for every chart type (DESIGN §5)."""

import math
import warnings

import pytest

from metrics.spc import analyse


def approx(x):
    return pytest.approx(x, rel=1e-9, abs=1e-12)


def test_xmr_limits_are_mean_plus_minus_2_66_average_moving_range():
    # mean = (10+12+11+15+12)/5 = 60/5 = 12; moving ranges 2, 1, 4, 3 → average 10/4 = 2.5
    # limits 12 ± 2.66 × 2.5 = 12 ± 6.65 → 18.65 / 5.35
    # near limits 12 ± (2/3 × 2.66) × 2.5 = 12 ± 4.43333… → 16.43333… / 7.56666…
    p = analyse([10, 12, 11, 15, 12]).to_dict()["points"][0]
    assert p["centre"] == approx(12)
    assert (p["ucl"], p["lcl"]) == (approx(18.65), approx(5.35))
    assert (p["near_ucl"], p["near_lcl"]) == (approx(12 + 4.4333333333333333),
                                              approx(12 - 4.4333333333333333))


def test_c_chart_limits_are_mean_plus_minus_three_root_mean_floored_at_zero():
    # c̄ = (4+9+5+2)/4 = 5; √5 = 2.2360680; ucl = 5 + 6.7082039 = 11.7082039
    # lcl = 5 − 6.708 < 0 → 0; near: 5 + 4.4721360 = 9.4721360, 5 − 4.4721360 = 0.5278640
    p = analyse([4, 9, 5, 2], chart="c").to_dict()["points"][0]
    assert p["centre"] == approx(5)
    assert p["ucl"] == approx(5 + 3 * math.sqrt(5)) == approx(11.708203932499369)
    assert p["lcl"] == 0.0
    assert p["near_ucl"] == approx(9.472135954999580)
    assert p["near_lcl"] == approx(0.527864045000421)


def test_p_chart_limits_vary_with_each_denominator():
    # p̄ = (2+5+3)/(20+25+15) = 10/60 = 0.1666…; p̄(1−p̄) = 0.1388…
    # n=20: σ = √(0.1388…/20) = 0.0833333 → ucl 0.1667 + 0.25 = 0.4166667, lcl < 0 → 0
    # n=25: σ = √(0.1388…/25) = 0.0745356 → ucl 0.3902735; near ucl 0.1667 + 0.1490712
    res = analyse([2, 5, 3], chart="p", denominators=[20, 25, 15], improvement="decrease")
    pts = res.to_dict()["points"]
    assert [p["value"] for p in pts] == [approx(0.1), approx(0.2), approx(0.2)]
    assert pts[0]["centre"] == approx(1 / 6)
    assert pts[0]["ucl"] == approx(0.4166666666666667)
    assert pts[0]["lcl"] == 0.0
    assert pts[1]["ucl"] == approx(1 / 6 + 3 * math.sqrt((5 / 36) / 25))
    assert pts[1]["near_ucl"] == approx(1 / 6 + 2 * math.sqrt((5 / 36) / 25))
    assert pts[2]["ucl"] == approx(1 / 6 + 3 * math.sqrt((5 / 36) / 15))


def test_p_chart_upper_limit_is_clipped_at_one():
    # p̄ = 27/30 = 0.9; σ = √(0.09/10) = 0.0948683; 0.9 + 0.2846 = 1.1846 → clipped to 1
    # near: 0.9 + 0.1897 = 1.0897 → 1; lcl = 0.9 − 0.2846 = 0.6154; near lcl 0.7102633
    p = analyse([9, 10, 8], chart="p", denominators=[10, 10, 10]).to_dict()["points"][0]
    assert p["ucl"] == 1.0 and p["near_ucl"] == 1.0
    assert p["lcl"] == approx(0.9 - 3 * math.sqrt(0.009))
    assert p["near_lcl"] == approx(0.9 - 2 * math.sqrt(0.009))


def test_u_chart_lower_limit_is_floored_at_zero():
    # ū = (3+6+1)/(10+20+5) = 10/35 = 0.2857143
    # n=10: σ = √(0.2857143/10) = 0.1690309 → ucl 0.7928069, lcl 0.2857 − 0.5071 → 0
    pts = analyse([3, 6, 1], chart="u", denominators=[10, 20, 5]).to_dict()["points"]
    assert pts[0]["centre"] == approx(10 / 35)
    assert pts[0]["ucl"] == approx(10 / 35 + 3 * math.sqrt(10 / 35 / 10))
    assert pts[0]["ucl"] == pytest.approx(0.7928069, abs=1e-7)
    assert all(p["lcl"] == 0.0 and p["near_lcl"] >= 0.0 for p in pts)


def test_laney_p_prime_widens_sigma_by_sigma_z():
    # qicharts2 qic.pp: σᵢ = √(p̄(1−p̄)/nᵢ), zᵢ = (yᵢ − p̄)/σᵢ, σz = mean|Δz| / 1.128, σ'ᵢ = σᵢσz.
    # p̄ = (1+3+2+6)/(10+10+20+20) = 12/60 = 0.2; p̄(1−p̄) = 0.16
    # y = 0.1, 0.3, 0.1, 0.3; σ = 0.1264911 (n=10), 0.0894427 (n=20)
    # z = −0.7905694, 0.7905694, −1.1180340, 1.1180340
    # |Δz| = 1.5811388, 1.9086034, 2.2360680 → mean 1.9086034 → σz = 1.6920243
    # n=10: ucl = 0.2 + 3 × 0.1264911 × 1.6920243 = 0.8420781; lcl < 0 → 0
    # n=20: ucl = 0.2 + 3 × 0.0894427 × 1.6920243 = 0.6540178
    pts = analyse([1, 3, 2, 6], chart="pp", denominators=[10, 10, 20, 20]).to_dict()["points"]
    assert pts[0]["ucl"] == pytest.approx(0.8420781, abs=1e-7)
    assert pts[2]["ucl"] == pytest.approx(0.6540178, abs=1e-7)
    assert pts[0]["near_ucl"] == pytest.approx(0.2 + 2 * 0.1264911 * 1.6920243, abs=1e-6)
    assert pts[0]["lcl"] == 0.0


def test_laney_u_prime_widens_sigma_by_sigma_z():
    # ū = (2+5+1+4)/(10+10+20+20) = 12/60 = 0.2; σ = √(0.2/10) = 0.1414214, √(0.2/20) = 0.1
    # y = 0.2, 0.5, 0.05, 0.2 → z = 0, 2.1213203, −1.5, 0 → |Δz| = 2.1213203, 3.6213203, 1.5
    # mean 2.4142136 → σz = 2.1402603; n=10: ucl = 0.2 + 3 × 0.1414214 × 2.1402603 = 1.1080355
    pts = analyse([2, 5, 1, 4], chart="up", denominators=[10, 10, 20, 20]).to_dict()["points"]
    assert pts[0]["ucl"] == pytest.approx(1.1080355, abs=1e-7)
    assert pts[2]["ucl"] == pytest.approx(0.2 + 3 * 0.1 * 2.4142136 / 1.128, abs=1e-6)
    assert pts[0]["lcl"] == 0.0


def test_laney_with_a_constant_proportion_has_limits_on_the_centre():
    # p̄ = 0 → σᵢ = 0: z is taken as 0 and the limits collapse onto the centre, no error.
    pts = analyse([0, 0, 0], chart="pp", denominators=[5, 6, 7]).to_dict()["points"]
    assert [(p["ucl"], p["lcl"]) for p in pts] == [(0.0, 0.0)] * 3


def test_run_chart_uses_the_median_and_has_no_limits():
    # median of 3, 1, 4, 1, 5, 9 = (3 + 4)/2 = 3.5
    res = analyse([3, 1, 4, 1, 5, 9], chart="run").to_dict()
    assert {p["centre"] for p in res["points"]} == {3.5}
    assert all(p[k] is None for p in res["points"]
               for k in ("ucl", "lcl", "near_ucl", "near_lcl"))
    assert not any(p["special_cause"] for p in res["points"])
    assert {p["point_type"] for p in res["points"]} == {"common_cause"}
    assert res["variation"] is None and res["assurance"] is None
    assert res["phases"][0]["trial_limits"] is False


def test_phases_have_their_own_centre_limits_and_moving_ranges():
    # phase 1: 1, 2, 3 → mean 2, MR 1, 1 → ucl 2 + 2.66 = 4.66
    # phase 2: 10, 12, 14 → mean 12, MR 2, 2 → ucl 12 + 5.32 = 17.32 (3 → 10 is not a MR)
    res = analyse([1, 2, 3, 10, 12, 14], phases=[3]).to_dict()
    assert column_from(res, "ucl") == [approx(4.66)] * 3 + [approx(17.32)] * 3
    assert [(p["start"], p["end"]) for p in res["phases"]] == [(0, 3), (3, 6)]
    assert [p["centre"] for p in res["phases"]] == [approx(2), approx(12)]


def column_from(res_dict, key):
    return [p[key] for p in res_dict["points"]]


def test_freeze_takes_the_first_phase_limits_from_its_first_points():
    # baseline 2, 4, 2, 4: mean 3, MR 2, 2, 2 → ucl 3 + 5.32 = 8.32, so 9 is outside.
    # (unfrozen: mean 21/5 = 4.2, MR avg 11/4 = 2.75, ucl 11.515 — 9 would be inside)
    res = analyse([2, 4, 2, 4, 9], freeze=4).to_dict()
    assert res["points"][4]["ucl"] == approx(8.32)
    assert res["points"][4]["outside_limits"] is True
    # runs analysis still covers every point, about the frozen centre 3: − + − + +
    phase = res["phases"][0]
    assert (phase["n_useful"], phase["longest_run"], phase["crossings"]) == (5, 2, 3)
    assert phase["trial_limits"] is True  # 4 baseline points < 12
    assert analyse([2, 4, 2, 4, 9]).to_dict()["points"][4]["outside_limits"] is False


def test_freeze_with_phases_freezes_only_the_first_phase():
    # phase 1 frozen on 2, 4, 2, 4 (ucl 8.32); phase 2: 20, 22, 20, 22 → mean 21, ucl 26.32
    res = analyse([2, 4, 2, 4, 9, 20, 22, 20, 22], phases=[5], freeze=4).to_dict()
    assert res["points"][0]["ucl"] == approx(8.32)
    assert res["points"][5]["ucl"] == approx(26.32)
    assert [p["trial_limits"] for p in res["phases"]] == [True, True]


def test_trial_limits_end_at_twelve_baseline_points():
    assert analyse(list(range(11)) + [5.0]).to_dict()["phases"][0]["trial_limits"] is False
    assert analyse(list(range(11))).to_dict()["phases"][0]["trial_limits"] is True


def test_missing_values_keep_their_place_and_never_bridge_a_moving_range():
    # present 1, 5, 6, 6 → mean 4.5; only 5 → 6 has both neighbours present: MR avg 1
    # (bridging would add |5−1| = 4 and |6−6| = 0); ucl = 4.5 + 2.66 = 7.16
    res = analyse([1, None, 5, 6, float("nan"), 6]).to_dict()
    gap = res["points"][1]
    assert gap["value"] is None and gap["point_type"] is None
    assert gap["centre"] == approx(4.5) and gap["ucl"] == approx(7.16)  # the phase's limits
    assert not any(gap[k] for k in ("outside_limits", "shift", "trend", "two_of_three",
                                    "special_cause"))
    assert res["phases"][0]["n_useful"] == 4


def test_missing_denominator_makes_a_p_point_missing_without_limits():
    pts = analyse([1, 2, 0, 3], chart="p", denominators=[10, None, 0, 10]).to_dict()["points"]
    assert [p["value"] for p in pts] == [approx(0.1), None, None, approx(0.3)]
    assert pts[1]["ucl"] is None and pts[2]["ucl"] is None  # no denominator, no limit
    assert pts[0]["centre"] == approx(4 / 20)


def test_flat_series_has_limits_on_the_centre_and_no_warnings():
    # all equal: average MR 0 → ucl = lcl = centre; every point on the centre line
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for screen in (False, True):
            res = analyse([5.0] * 30, screen=screen).to_dict()
            assert {(p["centre"], p["ucl"], p["lcl"]) for p in res["points"]} == {(5, 5, 5)}
            assert not any(p["special_cause"] for p in res["points"])
            assert res["phases"][0]["n_useful"] == 0
            assert res["phases"][0]["runs_signal"] is False
        analyse([5.0] * 400)  # the numpy path too


@pytest.mark.parametrize("chart", ["run", "xmr", "c", "p", "pp", "u", "up"])
@pytest.mark.parametrize("values", [[], [3], [3, 4]])
def test_very_short_series_do_not_crash(chart, values):
    dens = [10] * len(values) if chart in ("p", "pp", "u", "up") else None
    res = analyse(values, chart=chart, denominators=dens).to_dict()
    assert len(res["points"]) == len(values)
    phase = res["phases"][0]
    assert (phase["start"], phase["end"]) == (0, len(values))
    if not values:
        assert phase["centre"] is None and phase["longest_run_max"] is None
        assert res["variation"] is None


def test_one_point_xmr_has_a_centre_but_no_limits():
    p = analyse([7]).to_dict()["points"][0]
    assert p["centre"] == 7 and p["ucl"] is None and p["point_type"] == "common_cause"


def test_screening_drops_moving_ranges_at_or_above_3_267_times_their_average():
    # 1, 2, 1, 2, 10, 1, 2, …: unscreened average MR 1.8824; the MRs 8 and 9 are ≥ 3.267 ×
    # it and are dropped → average of the remaining 15 ones = 1 → ucl = 1.9444 + 2.66 = 4.6044
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    p = analyse(values, screen=True).to_dict()["points"][0]
    assert p["ucl"] == approx(35 / 18 + 2.66)
    p = analyse(values, screen=False).to_dict()["points"][0]
    assert p["ucl"] == approx(35 / 18 + 2.66 * 32 / 17)


def test_plotted_value_is_numerator_over_denominator():
    res = analyse([1, 2], chart="u", denominators=[4, 8]).to_dict()
    assert column_from(res, "value") == [0.25, 0.25]
