"""Funnel plots (issue 17): metrics.spc.funnel against a published example and worked ones.

1. PHEindicatormethods (UK Health Security Agency, ukhsa-collaboration/PHEindicatormethods),
   the funnel tests' data: 303 English primary care trusts, a proportion each
   (tests/testthat/testdata_funnel_prop_inputs.csv, vendored here as
   data/phe_funnel_prop_inputs.csv with its published significance labels) and the funnel's
   published limits at seven denominators (testdata_funnel_prop_outputs.csv, in %, to 6
   decimal places). PHE computes them at the 95 % and 99.8 % normal quantiles.
2. FunnelPlotR (nhs-r-community/FunnelPlotR): its tests' six units (numerators 100, 150, 180,
   80, 120, 225 over 108, 112, 165, 95, 100, 220) and its vignette's seven (15, 40, 72, 28,
   50, 66, 75 over 13, 32, 75, 33, 54, 60, 72), with Spiegelhalter's over-dispersion
   adjustment worked here step by step (FunnelPlotR prints no φ or τ² for them).
"""

import csv
import math
from pathlib import Path

import pytest

from metrics.spc import funnel
from metrics.spc.funnel import Z_QUANTILES, quantile

DATA = Path(__file__).parent / "data" / "phe_funnel_prop_inputs.csv"
PHE_LABELS = {
    ("high", "high"): "High (0.001)",
    ("high", None): "High (0.025)",
    (None, None): "Not significant",
    ("low", None): "Low (0.025)",
    ("low", "low"): "Low (0.001)",
}
# Population → (lower 95, upper 95, lower 99.8, upper 99.8) in %, as published.
PHE_LIMITS = {
    1: (3.204264, 100, 0, 100),
    18: (62.390093, 98.894803, 51.864359, 100),
    41: (68.548635, 92.73626, 61.574398, 99.710497),
    102: (72.974925, 88.309971, 68.553233, 92.731663),
    1008: (78.203374, 83.081521, 76.796814, 84.488082),
    9998: (79.867989, 81.416907, 79.421375, 81.863521),
    110000: (80.408963, 80.875933, 80.274317, 81.010578),
}


@pytest.fixture(scope="module")
def pcts():
    with DATA.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def phe_funnel(rows, **kw):
    return funnel([float(r["numerator"]) for r in rows],
                  [float(r["denominator"]) for r in rows], kind="p", **kw)


def test_phe_target_and_limits_at_the_published_denominators(pcts):
    result = phe_funnel(pcts, z=Z_QUANTILES)
    assert len(result.units) == 303
    assert round(100 * result.target, 6) == 80.642448  # the published baseline
    for population, published in PHE_LIMITS.items():
        ours = result.limits_at(population)
        for mine, theirs in zip(ours, published, strict=True):
            assert 100 * mine == pytest.approx(theirs, abs=6e-7), population  # to 6 d.p.


@pytest.mark.parametrize("z", [Z_QUANTILES, (2, 3)])
def test_every_pct_is_labelled_as_published(pcts, z):
    # At the quantiles, as PHE computes; at 2σ/3σ (the default) no unit changes side (the
    # nearest: Witham z = 2.03, Royston z = 2.98, North Devon z = −2.97).
    result = phe_funnel(pcts, z=z)
    ours = [PHE_LABELS[u.outside2, u.outside3] for u in result.units]
    assert ours == [r["significance"] for r in pcts]
    assert sum(1 for u in result.units if u.outside2) == 271
    assert sum(1 for u in result.units if u.outside3) == 260


def test_a_units_value_z_and_limits_at_its_own_denominator(pcts):
    # New Forest PCT: 35078.488 / 41980 = 0.835600; s = √(θ₀(1 − θ₀)/41980) = 0.00192835;
    # z = (0.835600 − 0.806424)/0.00192835 = 15.12979; 3σ: θ₀ ± 3s = [0.8006394, 0.8122095].
    result = phe_funnel(pcts)
    unit, theta = result.units[0], result.target
    s = math.sqrt(theta * (1 - theta) / 41980)
    assert unit.value == pytest.approx(35078.488 / 41980, rel=1e-12)
    assert unit.z == pytest.approx(15.12979, rel=1e-6)
    assert unit.lower3 == pytest.approx(theta - 3 * s)
    assert unit.upper3 == pytest.approx(theta + 3 * s)
    assert (unit.outside2, unit.outside3) == ("high", "high")


FPR_NUM, FPR_DEN = [100, 150, 180, 80, 120, 225], [108, 112, 165, 95, 100, 220]


def test_overdispersion_worked_on_funnelplotr_test_data():
    # u: θ₀ = 855/800 = 1.06875; sᵢ = √(θ₀/nᵢ); z = −1.435738, 2.769463, 0.275332, −2.136827,
    # 1.269583, −0.660307. Type-7 percentiles of z: 10th at position 0.5 between −2.136827
    # and −1.435738 → −1.786283; 90th at 4.5 between 1.269583 and 2.769463 → 2.019523.
    # Winsorised z² mean: φ = 1.909046269. Iφ = 11.454 > I − 1 = 5, so with wᵢ = nᵢ/θ₀:
    # Σw = 748.538, Σw²/Σw = 139.017 → τ² = (11.454278 − 5)/(748.538 − 139.017) = 0.0105890666.
    plain = funnel(FPR_NUM, FPR_DEN, kind="u")
    assert plain.target == 855 / 800 and plain.phi is None and plain.tau2 == 0.0
    zs = [u.z for u in plain.units]
    assert zs == pytest.approx([-1.435738, 2.769463, 0.2753315, -2.136827, 1.269583,
                                -0.6603066], rel=1e-6)
    assert quantile(zs, 0.1) == pytest.approx(-1.786282595, rel=1e-9)
    assert quantile(zs, 0.9) == pytest.approx(2.019523174, rel=1e-9)
    # Plain 2σ limits flag units 2 (1.339 above 1.264) and 4 (0.842 below 0.857).
    assert [u.outside2 for u in plain.units] == [None, "high", None, "low", None, None]
    assert not any(u.outside3 for u in plain.units)

    adjusted = funnel(FPR_NUM, FPR_DEN, kind="u", overdispersion=True, z=Z_QUANTILES)
    assert adjusted.phi == pytest.approx(1.909046269, rel=1e-9)
    assert adjusted.tau2 == pytest.approx(0.01058906662, rel=1e-9)
    first = adjusted.units[0]  # n = 108: √(s² + τ²) = √(0.0098958 + 0.0105891) = 0.143125
    assert (first.lower2, first.upper2) == (pytest.approx(0.7882292, rel=1e-6),
                                            pytest.approx(1.349271, rel=1e-6))
    assert (first.lower3, first.upper3) == (pytest.approx(0.6264591, rel=1e-6),
                                            pytest.approx(1.511041, rel=1e-6))
    assert not any(u.outside2 or u.outside3 for u in adjusted.units)  # the funnel widened
    # limits_at draws the same widened curve.
    assert adjusted.limits_at(108) == pytest.approx(
        (first.lower2, first.upper2, first.lower3, first.upper3))


def test_no_overdispersion_found_leaves_the_plain_limits():
    # FunnelPlotR's vignette: θ₀ = 346/339; φ = 0.3989193 and Iφ = 2.79 < I − 1 = 6: τ² = 0.
    num, den = [15, 40, 72, 28, 50, 66, 75], [13, 32, 75, 33, 54, 60, 72]
    adjusted = funnel(num, den, kind="u", overdispersion=True, z=Z_QUANTILES)
    assert adjusted.target == 346 / 339
    assert adjusted.phi == pytest.approx(0.3989193203, rel=1e-9)
    assert adjusted.tau2 == 0.0
    assert adjusted.units == funnel(num, den, kind="u", z=Z_QUANTILES).units
    first = adjusted.units[0]  # E = 13: 95 % [0.4714691, 1.569829], 99.8 % [0.1547691, 1.886529]
    assert (first.lower2, first.upper2) == (pytest.approx(0.4714691, rel=1e-6),
                                            pytest.approx(1.569829, rel=1e-6))
    assert (first.lower3, first.upper3) == (pytest.approx(0.1547691, rel=1e-6),
                                            pytest.approx(1.886529, rel=1e-6))


def test_limits_are_clamped_and_a_value_on_a_limit_is_inside():
    tiny = funnel([1, 0], [1, 1], kind="p")  # θ₀ = 0.5, s = 0.5: limits clamped to [0, 1]
    assert (tiny.units[0].lower3, tiny.units[0].upper3) == (0.0, 1.0)
    assert tiny.units[0].outside3 is None  # 1.0 is on the clamped limit: inside
    rates = funnel([0, 9], [100, 100], kind="u")  # θ₀ = 0.045, lower limits clamped at 0
    assert rates.units[0].lower3 == 0.0 and rates.units[0].outside3 is None


def test_missing_units_keep_their_place_and_take_no_part():
    result = funnel([3, None, 0, 5], [10, 12, 0, 20], kind="p")
    assert result.target == 8 / 30
    assert [u.value is None for u in result.units] == [False, True, True, False]
    assert result.units[1].denominator == 12 and result.units[1].upper3 is None
    assert funnel([None], [None]).target is None


def test_a_target_of_zero_has_no_spread_and_flags_nothing():
    result = funnel([0, 0, 0], [5, 9, 12], kind="u", overdispersion=True)
    assert result.target == 0.0 and result.tau2 == 0.0
    assert all(u.z == 0.0 and u.upper3 == 0.0 and u.outside3 is None for u in result.units)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"numerators": [5], "denominators": [4]}, "above its denominator"),
        ({"numerators": [1, 2], "denominators": [3]}, "2 numerators but 1 denominators"),
        ({"numerators": [-1], "denominators": [3]}, "negative numerator"),
        ({"numerators": [1], "denominators": [0]}, "denominator of 0"),
        ({"numerators": [1], "denominators": [3], "kind": "x"}, "Unknown funnel kind"),
        ({"numerators": [1], "denominators": [3], "z": (3, 2)}, "inner below the outer"),
        ({"numerators": "12", "denominators": [3]}, "list of numbers"),
        ({"numerators": ["a"], "denominators": [3]}, "Numerator"),
    ],
)
def test_bad_input_is_refused_in_words(kwargs, message):
    with pytest.raises(ValueError, match=message):
        funnel(**kwargs)


def test_to_dict_is_plain_json():
    import json

    out = funnel(FPR_NUM, FPR_DEN, kind="u", overdispersion=True).to_dict()
    assert json.loads(json.dumps(out, allow_nan=False)) == out
    assert set(out) == {"kind", "target", "z", "overdispersion", "phi", "tau2", "units"}
    assert set(out["units"][0]) == {"numerator", "denominator", "value", "z", "lower2",
                                    "upper2", "lower3", "upper3", "outside2", "outside3"}
