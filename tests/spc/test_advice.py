"""Chart-type advice from a measure's own data (metrics.spc.advice; issue 15). Every figure
below is worked by hand in the comments."""

import pytest

from metrics.spc.advice import advise, laney


def kinds(found):
    return [a.kind for a in found]


def test_laney_sigma_z_worked_by_hand():
    # 12 weeks of 10,000 appointments, 10% and 14% not attended in turn.
    # p̄ = (6 × 1,000 + 6 × 1,400) / 120,000 = 0.12; σᵢ = √(0.12 × 0.88 / 10,000) = 0.0032496;
    # 3σ = 0.00975 < |0.10 − 0.12| = 0.02, so all 12 points are outside the P chart's limits.
    # zᵢ = ±0.02 / 0.0032496 = ±6.1546; every moving range 12.309; σz = 12.309 / 1.128 = 10.912.
    numerators = [1000, 1400] * 6
    seen = laney("p", numerators, [10_000] * 12)
    assert seen.centre == pytest.approx(0.12)
    assert seen.sigma_z == pytest.approx(10.912, abs=1e-3)
    assert (seen.outside, seen.points) == (12, 12)
    [advice] = advise("p", numerators, [10_000] * 12)
    assert advice.kind == "laney" and advice.suggested_chart == "pp"
    assert advice.text.startswith("12 of 12 points lie outside this P chart's limits.")
    assert "median 10,000 a period" in advice.text
    assert "here σz = 10.91, so the periods vary 10.9 times as much" in advice.text
    assert "Change the chart type to “Laney P′ chart”." in advice.text


def test_a_p_chart_that_fits_its_limits_gets_no_laney_advice():
    # 10% and 12% in turn of 1,000: p̄ = 0.11, σᵢ = √(0.11 × 0.89 / 1,000) = 0.0098944,
    # 3σ = 0.0297 > 0.01: no point outside (σz = 2 × 0.01 / 0.0098944 / 1.128 = 1.792).
    numerators = [100, 120] * 6
    seen = laney("p", numerators, [1000] * 12)
    assert seen.outside == 0 and seen.sigma_z == pytest.approx(1.792, abs=1e-3)
    assert advise("p", numerators, [1000] * 12) == []
    # The same proportions of 10,000: σᵢ = 0.0031289, 3σ = 0.0094 < 0.01, all 12 outside.
    assert laney("p", [1000, 1200] * 6, [10_000] * 12).outside == 12


def test_a_u_chart_is_advised_a_laney_u_prime_chart():
    # 12 weeks of 20,000 bed days, incidents in turn: ū = 120 / 20,000 = 0.006,
    # σᵢ = √(0.006 / 20,000) = 0.00054772, 3σ = 0.00164: 100 and 140 (|0.005 − 0.006| =
    # 0.001) lie inside; 80 and 160 (|0.004 − 0.006| = 0.002) all 12 outside.
    [advice] = advise("u", [80, 160] * 6, [20_000] * 12)
    assert advice.kind == "laney" and advice.suggested_chart == "up"
    assert advise("u", [100, 140] * 6, [20_000] * 12) == []


def test_small_denominators_are_flagged_on_a_p_chart():
    numerators = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    denominators = [5, 8, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20]
    found = advise("p", numerators, denominators)
    assert kinds(found) == ["small_denominators"]
    # The smallest has 5 cases: one case is 100 / 5 = 20 percentage points.
    assert found[0].text.startswith("2 of 12 periods have fewer than 10 cases (the smallest 5)")
    assert "steps of more than 10 percentage points (20 in the smallest)" in found[0].text
    assert advise("u", [1] * 12, [5] * 12) == []  # a rate's exposure is not a case count


def test_fewer_than_12_points_have_trial_limits():
    [advice] = advise("xmr", [5, 6, 7, 5, 6, 7, 5])
    assert advice.kind == "trial_limits"
    assert "Only 7 points so far" in advice.text and "with 12 points (5 more)" in advice.text
    assert advise("xmr", [5, 6, 7, 5, 6, 7, 5, 6, 7, 5, 6, 7]) == []
    assert advise("run", [5, 6, 7]) == []  # a run chart has no limits
    assert advise("xmr", []) == []  # nothing yet: nothing to say


@pytest.mark.parametrize(
    ("definition", "cue"),
    [
        ("Assaults on staff on the ward, by occupied bed days", "occupied"),
        ("Incidents per 1,000 bed days", "per 1,000"),
        ("Falls among admissions", "admissions"),
    ],
)
def test_a_count_with_an_exposure_is_advised_a_u_chart(definition, cue):
    found = advise("c", [3, 4, 2, 5, 3, 4, 2, 5, 3, 4, 2, 5], definition=definition)
    assert kinds(found) == ["use_u"]
    assert found[0].text.startswith(f"The definition mentions “{cue}”.")
    assert found[0].suggested_chart == "u"


def test_a_count_without_an_exposure_is_left_alone():
    assert advise("c", [3, 4, 2, 5] * 3, definition="Complaints received by PALS") == []


def test_rare_events_suggest_t_or_g_charts():
    values = [0, 0, 1, 0, 0, 0, 2, 0, 0, 1, 0, 0]  # 9 of 12 zero: more than half
    [advice] = advise("c", values, definition="Seclusions")
    assert advice.kind == "rare_events"
    assert advice.text.startswith("9 of 12 periods had no events.")
    assert "T chart" in advice.text and "G chart" in advice.text
    # Exactly half is not "mostly"; nine points are too few to say.
    assert advise("c", [0, 1] * 6) == []
    assert kinds(advise("c", [0] * 9)) == ["trial_limits"]
