"""Anhøj runs analysis (DESIGN §5; qicharts2 runs.analysis)."""

import pytest
from scipy.stats import binom

from metrics.spc import analyse
from metrics.spc.runs import crossings_min, longest_run_max, runs_stats


@pytest.mark.parametrize("n_useful", [*range(1, 301), 499, 500, 1000, 2047, 5000])
def test_crossings_min_is_the_binomial_5_percent_quantile(n_useful):
    assert crossings_min(n_useful) == int(binom.ppf(0.05, n_useful - 1, 0.5))


def test_short_series_limits():
    assert (longest_run_max(0), crossings_min(0)) == (None, None)
    assert (longest_run_max(1), crossings_min(1)) == (3, 0)  # round(log2 1) + 3; qbinom(.05,0)
    assert (longest_run_max(2), crossings_min(2)) == (4, 0)
    assert longest_run_max(10) == 6  # round(3.32) + 3
    assert longest_run_max(12) == 7  # round(3.58) + 3


def test_points_on_the_centre_or_missing_neither_break_nor_extend_a_run():
    # above, on, above, missing, above, below → useful + + + − : runs ++ + −, longest 3
    assert runs_stats([2, 0, 2, None, 2, -1], 0) == (4, 3, 1)


def test_runs_signal_on_a_long_run():
    # 10 points below then 10 above: n_useful 20, max round(log2 20)+3 = 7, longest 10
    phase = analyse([1] * 10 + [3] * 10, chart="run").to_dict()["phases"][0]
    assert (phase["longest_run"], phase["longest_run_max"], phase["crossings"]) == (10, 7, 1)
    assert phase["crossings_min"] == 6 and phase["runs_signal"] is True


def test_no_signal_without_useful_points():
    phase = analyse([4, 4, 4], chart="run").to_dict()["phases"][0]
    assert phase["n_useful"] == 0 and phase["runs_signal"] is False
    assert phase["longest_run_max"] is None and phase["crossings_min"] is None
