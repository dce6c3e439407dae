"""Exact centre lines (DESIGN §5; metrics/spc/limits.py).

A point whose value equals the mean lies on the centre line: it is not a useful observation
for the Anhøj runs analysis and it breaks a shift. That needs the centre to be the correctly
rounded mean. The convention is qicharts2's: ``qic.i`` and ``qic.c`` take ``mean(y[base])``
and ``qic.p``/``qic.u`` take ``sum(y)/sum(n)`` (R/helper.functions.R), and R's ``mean()`` on
doubles sums in long double, divides, then adds the mean of the residuals (``real_mean`` in
R's src/main/summary.c), which gives the correctly rounded mean on such data. A plain left to
right sum in doubles does not.
"""

import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.spc import analyse, analyse_many
from metrics.spc.limits import _median, exact_mean


def left_to_right_mean(xs):
    total = 0.0
    for x in xs:
        total += x
    return total / len(xs)


# 262.22 + 261.05 + 259.58 + 261.35 = 1044.20 → mean 261.05; the four floats sum to exactly
# 4 × 261.05 (checked below with fractions), but summed left to right they give a mean of
# 261.04999999999995: the second point would fall just below the centre line.
ON_THE_LINE = [262.22, 261.05, 259.58, 261.35]


def test_the_case_is_one_naive_summation_gets_wrong():
    exact = sum(map(Fraction, ON_THE_LINE)) / 4
    assert exact == Fraction(261.05)
    assert left_to_right_mean(ON_THE_LINE) == 261.04999999999995


def test_a_value_equal_to_the_mean_is_on_the_centre_line_not_a_useful_observation():
    res = analyse(ON_THE_LINE)
    assert res.centre[0] == 261.05
    phase = res.to_dict()["phases"][0]
    # above, on the line, below, above → 3 useful observations, runs + − +, 2 crossings
    assert (phase["n_useful"], phase["longest_run"], phase["crossings"]) == (3, 1, 2)


def test_the_batch_and_the_long_series_paths_put_it_on_the_line_too():
    one = analyse(ON_THE_LINE).to_dict()
    assert [r.to_dict() for r in analyse_many([{"values": ON_THE_LINE}] * 5)] == [one] * 5
    # 80 copies: 320 points take the numpy path; the 80 equal values stay off the runs
    long = analyse(ON_THE_LINE * 80)
    assert long.centre[0] == 261.05
    assert long.phases[0].n_useful == 240


def test_the_mean_is_correctly_rounded_where_fsum_then_divide_is_not():
    # 44.42 + 45.64 + 46.86 = 136.92 → 45.64 exactly (as floats too); fsum rounds the sum,
    # the division rounds again, and the two roundings land one ulp above 45.64.
    values = [44.42, 45.64, 46.86]
    assert sum(map(Fraction, values)) / 3 == Fraction(45.64)
    assert math.fsum(values) / 3 == 45.64000000000001
    res = analyse(values)
    assert res.centre[0] == 45.64
    assert res.phases[0].n_useful == 2


def test_rate_centres_sum_numerators_and_denominators_exactly():
    # ū = (1+2+3)/(0.1+0.2+0.3): left to right the bed days sum to 0.6000000000000001 and
    # ū to 9.999999999999998; exactly summed, ū = 10.0 = every point's rate: all on the line.
    res = analyse([1, 2, 3], chart="u", denominators=[0.1, 0.2, 0.3])
    assert res.centre[0] == 10.0 and res.values == (10.0, 10.0, 10.0)
    assert res.phases[0].n_useful == 0


finite = st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 3))


@settings(max_examples=300, deadline=None)
@given(st.lists(finite, min_size=1, max_size=60))
def test_exact_mean_is_the_correctly_rounded_mean(xs):
    assert exact_mean(xs) == float(sum(map(Fraction, xs)) / len(xs))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e15, 1e15, allow_nan=False), min_size=1, max_size=40))
def test_exact_mean_is_correctly_rounded_on_wide_ranging_values(xs):
    assert exact_mean(xs) == float(sum(map(Fraction, xs)) / len(xs))


@settings(max_examples=200, deadline=None)
@given(st.lists(finite, min_size=1, max_size=40))
def test_the_median_is_exact(xs):
    s = sorted(map(Fraction, xs))
    k = len(s)
    exact = s[k // 2] if k % 2 else (s[k // 2 - 1] + s[k // 2]) / 2
    assert _median(xs) == float(exact)
