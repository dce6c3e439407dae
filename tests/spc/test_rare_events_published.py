"""T and G charts against published examples (issue 17).

1. qicharts2's vignette, "T and G charts for rare events" (J. Anhøj, anhoej/qicharts2,
   docs/articles/qicharts2.html): the cabg dataset's deaths after heart surgery —
   ``qic(dd, chart = 'g')``, "Surgeries between deaths", and ``qic(dt, chart = 't')``, "Days
   between deaths". The 67 values are read off the vignette's figures (SVG point positions
   against the axis ticks, each within 0.003 of a whole number; the first five are also
   printed in the vignette's table: 23, 39, 15, 34, 1 and 16, 20, 5, 13, 1). The figures
   print G: CL 24.0, UCL 128.2, LCL 0.0; T: CL 11.2, UCL 97.3, LCL 0.0 (built with an
   earlier qicharts2, which screened moving ranges). To 17 digits, qicharts2 0.8.1's own
   output for the same data (PowerBI-SPC, AUS-DOH-Safety-and-Quality/PowerBI-SPC,
   test/fixtures/qicharts2.ts, "Generated ... with qicharts2 0.8.1") gives the expected values
   below, screened (``options(qic.screenedmr = TRUE)``) and unscreened (its default), with a
   frozen baseline and with a new phase after point 33.
2. J. Anhøj and M. A. Mohammed, *Mastering SPC Charts in Healthcare* (anhoej/spc4hc,
   chapter "SPC Charts for Rare Events"): births between cases of asphyxia (G chart, the text
   "at least 518 deliveries", the figure's UCL 517.5 and CL 73.0) and the days between them
   (T chart, "at least 190 days", the figure's UCL 190.4 and CL 16.3). The times come from
   the book's data/robson1_births.csv: the 16 asphyxia timestamps, as minutes apart in the
   book's local time (Europe/Copenhagen, whose summer time the book's figures show).
"""

import pytest

from metrics.spc import analyse

CABG_SURGERIES_BETWEEN_DEATHS = [
    23, 39, 15, 34, 1, 49, 98, 29, 27, 13, 45, 7, 10, 27, 24, 14, 20, 38, 44, 11, 10, 3, 113,
    183, 3, 47, 18, 18, 33, 15, 2, 38, 27, 27, 1, 52, 23, 7, 26, 82, 5, 49, 5, 17, 24, 44, 26,
    2, 27, 46, 55, 97, 22, 22, 20, 4, 60, 51, 7, 21, 66, 36, 25, 72, 15, 5, 3,
]  # fmt: skip
CABG_DAYS_BETWEEN_DEATHS = [
    16, 20, 5, 13, 1, 26, 46, 12, 12, 5, 19, 4, 3, 15, 14, 9, 8, 15, 21, 6, 3, 1, 56, 117, 1,
    33, 9, 9, 19, 12, 1, 16, 13, 18, 1, 35, 16, 5, 21, 38, 3, 25, 3, 11, 13, 20, 9, 3, 8, 21,
    24, 38, 8, 13, 9, 1, 30, 23, 3, 7, 22, 19, 11, 31, 6, 1, 1,
]  # fmt: skip
BIRTHS_BETWEEN_ASPHYXIA = [99, 64, 255, 68, 148, 73, 35, 63, 286, 24, 176, 33, 418, 139, 54]
MINUTES_BETWEEN_ASPHYXIA = [
    25583, 14942, 74740, 14436, 38166, 17698, 8586, 12615, 59893, 5717, 34436, 8283, 90463,
    34848, 9378,
]  # fmt: skip


def close(x, rel=1e-12):
    return pytest.approx(x, rel=rel, abs=1e-15)


def test_the_data_read_off_the_figures_are_the_published_series():
    assert len(CABG_SURGERIES_BETWEEN_DEATHS) == len(CABG_DAYS_BETWEEN_DEATHS) == 67
    assert CABG_SURGERIES_BETWEEN_DEATHS[:5] == [23, 39, 15, 34, 1]
    assert CABG_DAYS_BETWEEN_DEATHS[:5] == [16, 20, 5, 13, 1]
    assert (sum(CABG_SURGERIES_BETWEEN_DEATHS), sum(CABG_DAYS_BETWEEN_DEATHS)) == (2122, 1057)


def test_cabg_g_chart_surgeries_between_deaths():
    # Mean 2122/67 = 31.6716417910, σ = √(m(m + 1)) = 32.1677561470, UCL = m + 3σ; the
    # centre line drawn is the median, 24. qicharts2 0.8.1: 128.17491023197215, 2σ
    # 96.007154084996358, LCL 0, CL 24. The vignette's figure: 128.2 and 24.0.
    res = analyse(CABG_SURGERIES_BETWEEN_DEATHS, chart="g", improvement="increase")
    p = res.to_dict()["points"]
    assert p[0]["centre"] == 24
    assert p[0]["ucl"] == close(128.17491023197215)
    assert p[0]["near_ucl"] == close(96.007154084996358)
    assert p[0]["lcl"] == 0.0
    # "Deaths number 24 and 25 are unusually far apart": point 24 (index 23), 183 surgeries.
    assert [i for i, x in enumerate(p) if x["outside_limits"]] == [23]
    assert p[23]["point_type"] == "improvement"


def test_cabg_g_chart_with_a_new_phase_after_point_33():
    # qicharts2 0.8.1 "cabg g part 33": part 1 UCL 132.155359491530 (mean 32.6666667),
    # part 2 UCL 124.311511675277, 2σ 93.1096352345.
    res = analyse(CABG_SURGERIES_BETWEEN_DEATHS, chart="g", phases=[33])
    assert res.ucl[0] == close(132.155359491530)
    assert res.ucl[33] == close(124.311511675277)
    assert res.near_ucl[33] == close(93.1096352345)


def test_cabg_t_chart_days_between_deaths_unscreened_as_qicharts2_0_8_by_default():
    # mean of y^(1/3.6) = 1.95660856025 → CL 11.2050607973; 66 moving ranges, MR̄ 0.637789065;
    # qicharts2 0.8.1 (no screening): UCL 106.04183142495303, LCL 0.0078717922788112422.
    res = analyse(CABG_DAYS_BETWEEN_DEATHS, chart="t", improvement="increase")
    p = res.to_dict()["points"][0]
    assert p["centre"] == close(11.205060797289464)
    assert p["ucl"] == close(106.04183142495303)
    assert p["lcl"] == close(0.0078717922788112422)
    assert res.outside_limits[23]  # 117 days between deaths 24 and 25


def test_cabg_t_chart_screened_matches_the_vignettes_figure():
    # Screened, one moving range drops out (117 → 1 days: |117^(1/3.6) − 1| = 2.754 ≥
    # 3.267 × 0.6378 = 2.084); MR̄ 0.605231734, σ 0.536552956. qicharts2 0.8.1 with
    # qic.screenedmr = TRUE: UCL 97.268017722609528, LCL 0.02212887957455564, 2σ
    # 54.081175786917022 / 0.6402480739293045. The vignette's figure: 97.3, 11.2, 0.0.
    res = analyse(CABG_DAYS_BETWEEN_DEATHS, chart="t", screen=True)
    p = res.to_dict()["points"][0]
    assert p["centre"] == close(11.205060797289464)
    assert p["ucl"] == close(97.268017722609528)
    assert p["lcl"] == close(0.02212887957455564)
    assert p["near_ucl"] == close(54.081175786917022)
    assert p["near_lcl"] == close(0.6402480739293045)


def test_cabg_t_chart_with_a_frozen_baseline_and_with_a_new_phase():
    # qicharts2 0.8.1 "cabg t freeze 33": CL 11.444906381144426, UCL 113.70598556391909,
    # LCL 0.0037537354435645313 for every point; "cabg t part 33": part 1 the same, part 2
    # CL 10.975761737580594, UCL 102.58369462962973, LCL 0.009145568251862652.
    frozen = analyse(CABG_DAYS_BETWEEN_DEATHS, chart="t", freeze=33)
    assert len(set(frozen.centre)) == len(set(frozen.ucl)) == 1  # the baseline's, throughout
    assert frozen.centre[66] == close(11.444906381144426)
    assert frozen.ucl[66] == close(113.70598556391909)
    assert frozen.lcl[66] == close(0.0037537354435645313)
    parts = analyse(CABG_DAYS_BETWEEN_DEATHS, chart="t", phases=[33])
    assert parts.ucl[0] == close(113.70598556391909)
    assert parts.centre[33] == close(10.975761737580594)
    assert parts.ucl[33] == close(102.58369462962973)
    assert parts.lcl[33] == close(0.009145568251862652)


def test_births_between_cases_of_asphyxia_g_chart():
    # Σ = 1935, mean 129 exactly; σ = √(129 × 130) = 129.499034745; UCL 517.497104236 —
    # "at least 518 deliveries with no cases of asphyxia" — and the median, 73.
    res = analyse(BIRTHS_BETWEEN_ASPHYXIA, chart="g")
    assert sum(BIRTHS_BETWEEN_ASPHYXIA) == 1935
    assert res.centre[0] == 73
    assert res.ucl[0] == close(129 + 3 * (129 * 130) ** 0.5) == close(517.497104236)
    assert res.lcl[0] == 0.0


def test_days_between_cases_of_asphyxia_t_chart():
    # In days (minutes / 1440): mean of t^(1/3.6) 2.17216302450, MR̄ 0.799205936 (nothing
    # screened), σ 0.708515901; CL 16.3234780670, UCL 190.394259126 ("at least 190 days"),
    # LCL 1.6e-05 (the figure's 0.0).
    days = [m / 1440 for m in MINUTES_BETWEEN_ASPHYXIA]
    for screen in (False, True):
        res = analyse(days, chart="t", screen=screen)
        assert res.centre[0] == pytest.approx(16.3234780670, rel=1e-10)
        assert res.ucl[0] == pytest.approx(190.394259126, rel=1e-10)
        assert 0 < res.lcl[0] < 5e-5
