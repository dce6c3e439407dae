"""Anhøj runs analysis about the centre line (DESIGN §5; qicharts2 ``runs.analysis``).

Useful observations are the present points not on the centre line; only they form runs, so a
point on the line or a missing point neither breaks nor extends a run. crossings = runs − 1.

Short series: with no useful observation the limits of the test are undefined, so
``longest_run_max`` and ``crossings_min`` are None and there is no signal; with one or two
the R formulas give 3/0 and 4/0, which we keep.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np


def longest_run_max(n_useful: int):
    if n_useful < 1:
        return None
    return round(math.log2(n_useful)) + 3


@lru_cache(maxsize=4096)
def crossings_min(n_useful: int):
    """qbinom(0.05, n_useful − 1, 0.5): the smallest k with P(X ≤ k) ≥ 0.05, X ~ Bin(m, ½).

    Exact integer arithmetic: P(X ≤ k) ≥ 1/20  ⇔  20 · Σᵢ≤ₖ C(m, i) ≥ 2^m. Equality is
    impossible (2^m is not a multiple of 5), so there is no rounding question to settle.
    """
    if n_useful < 1:
        return None
    m = n_useful - 1
    need = 1 << m
    term = 1  # C(m, 0)
    total = 0
    for k in range(m + 1):
        total += term
        if 20 * total >= need:
            return k
        term = term * (m - k) // (k + 1)
    return m  # unreachable: the full sum is 2^m


def runs_stats(ys: list, centre):
    """(n_useful, longest_run, crossings) for one phase's values about its centre."""
    if centre is None:
        return 0, 0, 0
    n = longest = crossings = run = 0
    prev = 0
    for y in ys:
        if y is None or y == centre:
            continue
        s = 1 if y > centre else -1
        n += 1
        if s == prev:
            run += 1
        else:
            if prev:
                crossings += 1
            run = 1
            prev = s
        if run > longest:
            longest = run
    return n, longest, crossings


def summarise(n_useful: int, longest: int, crossings: int):
    """(longest_run_max, crossings_min, runs_signal)."""
    lmax = longest_run_max(n_useful)
    cmin = crossings_min(n_useful)
    signal = lmax is not None and (longest > lmax or crossings < cmin)
    return lmax, cmin, signal


def runs_stats_2d(side):
    """numpy form of :func:`runs_stats` on sides (rows × points of −1/0/+1, 0 = not useful)."""
    R, L = side.shape
    if L == 0:
        z = np.zeros(R, dtype=np.int64)
        return z, z, z
    useful = side != 0
    cols = np.broadcast_to(np.arange(L), side.shape)
    last = np.maximum.accumulate(np.where(useful, cols, -1), axis=1)
    before = np.empty_like(last)
    before[:, 0] = -1
    before[:, 1:] = last[:, :-1]
    rows = np.arange(R)[:, None]
    prev = np.where(before >= 0, side[rows, np.maximum(before, 0)], 0)
    starts = useful & (prev != side)
    crossings = (starts & (prev != 0)).sum(axis=1)
    rank = np.cumsum(useful, axis=1)
    run_start = np.maximum.accumulate(np.where(starts, rank, 0), axis=1)
    length = np.where(useful, rank - run_start + 1, 0)
    return useful.sum(axis=1), length.max(axis=1), crossings
