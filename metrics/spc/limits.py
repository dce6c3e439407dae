"""Centre lines and control limits for one phase (DESIGN §5, "XmR", "C", "P", "U", Laney).

Each chart has a pure-Python form (one series, fast for short series) and a numpy form (many
series of the same shape at once, or one long series). Both do the same floating-point
operations in the same order — sums are strictly left to right, as ``np.cumsum`` does — so the
two give bit-identical results and ``analyse_many`` equals ``analyse``.

Choices where the references are silent or awkward:

- Where limits cannot be computed (a phase with no present points; XmR or Laney with no moving
  range) they are None. A missing point on an XmR/C chart still carries its phase's limits; on
  p/u charts limits need the point's denominator, so they are None where it is missing.
- C charts floor the lower limits at 0, as qicharts2 does (see public case ``c_cdi_phases``).
- Screening (``screen``) drops moving ranges ≥ 3.267 × their average and averages again once.
  When the average moving range is 0 nothing is dropped (no variation, nothing to screen);
  qicharts2 and NHSRplotthedots would return no limits at all for such a flat series.
- Laney p'/u' (qicharts2 ``qic.pp``/``qic.up``): zᵢ = (yᵢ − centre)/σᵢ over the baseline
  points, σz = average moving range of z / 1.128, limits use σᵢ × σz. When σᵢ is 0 (centre 0,
  or p̄ = 1) zᵢ is taken as 0 and the limits equal the centre.
"""

from __future__ import annotations

import math

import numpy as np

XMR_LIMIT = 2.66
XMR_NEAR = 2.66 * 2 / 3
SCREEN_FACTOR = 3.267
D2 = 1.128


def seq_sum(xs) -> float:
    t = 0.0
    for x in xs:
        t += x
    return t


# --- pure Python: one phase of one series -------------------------------------------------


def _average_mr(xs: list, screen: bool):
    """Average moving range of consecutive present values (None breaks the chain)."""
    if None in xs:
        mrs = [abs(b - a) for a, b in zip(xs, xs[1:], strict=False)
               if a is not None and b is not None]
    else:
        mrs = [abs(b - a) for a, b in zip(xs, xs[1:], strict=False)]
    if not mrs:
        return None
    amr = seq_sum(mrs) / len(mrs)
    if screen and amr > 0:
        cut = SCREEN_FACTOR * amr
        kept = [m for m in mrs if m < cut]
        amr = seq_sum(kept) / len(kept)
    return amr


def _median(xs: list) -> float:
    s = sorted(xs)
    k = len(s)
    if k % 2:
        return s[k // 2]
    return (s[k // 2 - 1] + s[k // 2]) / 2


def phase_limits(chart, ys, nums, dens, base_len, screen):
    """Return (centre, ucl, lcl, near_ucl, near_lcl, n_base) for one phase.

    ``ys`` are the plotted values of the phase (None where missing); the limits are scalars
    for run/xmr/c and per-point lists for p/pp/u/up.
    """
    base = ys if base_len == len(ys) else ys[:base_len]
    present = [y for y in base if y is not None] if None in base else base
    k = len(present)
    if chart in ("run", "xmr", "c"):
        if not k:
            return None, None, None, None, None, 0
        if chart == "run":
            return _median(present), None, None, None, None, k
        centre = seq_sum(present) / k
        if chart == "xmr":
            amr = _average_mr(base, screen)
            if amr is None:
                return centre, None, None, None, None, k
            w = XMR_LIMIT * amr
            wn = XMR_NEAR * amr
            return centre, centre + w, centre - w, centre + wn, centre - wn, k
        sd = math.sqrt(centre)
        return (centre, centre + 3 * sd, max(centre - 3 * sd, 0.0), centre + 2 * sd,
                max(centre - 2 * sd, 0.0), k)
    return _rate_limits(chart, ys, nums, dens, base_len, screen, k)


def _rate_limits(chart, ys, nums, dens, base_len, screen, k):
    L = len(ys)
    none = [None] * L
    if not k:
        return None, none, none, none, none, 0
    tn = 0.0
    td = 0.0
    for i in range(base_len):
        if ys[i] is not None:
            tn += nums[i]
            td += dens[i]
    centre = tn / td
    v = centre * (1 - centre) if chart in ("p", "pp") else centre
    sds = [None if d is None else math.sqrt(v / d) for d in dens]
    if chart in ("pp", "up"):
        zs = [None if y is None else ((y - centre) / sd if sd > 0 else 0.0)
              for y, sd in zip(ys[:base_len], sds, strict=False)]
        amr = _average_mr(zs, screen)
        if amr is None:
            return centre, none, none, none, none, k
        sz = amr / D2
        sds = [None if sd is None else sd * sz for sd in sds]
    top = 1.0 if chart in ("p", "pp") else math.inf
    ucl = [None if sd is None else min(centre + 3 * sd, top) for sd in sds]
    lcl = [None if sd is None else max(centre - 3 * sd, 0.0) for sd in sds]
    nucl = [None if sd is None else min(centre + 2 * sd, top) for sd in sds]
    nlcl = [None if sd is None else max(centre - 2 * sd, 0.0) for sd in sds]
    return centre, ucl, lcl, nucl, nlcl, k


# --- numpy: one phase of many series (rows) ------------------------------------------------


def _row_mean(x, ok):
    """Left-to-right sum of the rows' present values over their count (NaN when none)."""
    k = ok.sum(axis=1)
    if x.shape[1] == 0:
        return np.full(x.shape[0], np.nan), k
    t = np.cumsum(np.where(ok, x, 0.0), axis=1)[:, -1]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(k > 0, t / np.maximum(k, 1), np.nan), k


def _average_mr_2d(x, screen):
    if x.shape[1] < 2:
        return np.full(x.shape[0], np.nan)
    mr = np.abs(x[:, 1:] - x[:, :-1])
    ok = ~np.isnan(mr)
    amr, _ = _row_mean(mr, ok)
    if screen:
        drop = (mr >= SCREEN_FACTOR * amr[:, None]) & (amr[:, None] > 0)
        amr, _ = _row_mean(mr, ok & ~drop)
    return amr


def _median_2d(x, ok):
    k = ok.sum(axis=1)
    s = np.sort(x, axis=1)  # NaN sorts last
    rows = np.arange(x.shape[0])
    lo = s[rows, np.maximum((k - 1) // 2, 0)]
    hi = s[rows, np.minimum(k // 2, max(x.shape[1] - 1, 0))]
    med = np.where(k % 2 == 1, hi, (lo + hi) / 2)
    return np.where(k > 0, med, np.nan), k


def phase_limits_2d(chart, Y, N, D, base_len, screen):
    """numpy form of :func:`phase_limits`: Y, N, D are (rows × points) with NaN for missing.

    Returns (centre[rows], ucl, lcl, near_ucl, near_lcl, n_base[rows]) where limits are
    (rows,) for run/xmr/c and (rows × points) for rate charts; NaN means None.
    """
    R = Y.shape[0]
    Yb = Y[:, :base_len]
    ok = ~np.isnan(Yb)
    nan = np.full(R, np.nan)
    if chart == "run":
        centre, k = _median_2d(Yb, ok) if Yb.shape[1] else (nan, ok.sum(axis=1))
        return centre, nan, nan, nan, nan, k
    if chart in ("xmr", "c"):
        centre, k = _row_mean(Yb, ok)
        if chart == "xmr":
            amr = _average_mr_2d(Yb, screen)
            w = XMR_LIMIT * amr
            wn = XMR_NEAR * amr
            return centre, centre + w, centre - w, centre + wn, centre - wn, k
        sd = np.sqrt(centre)
        return (centre, centre + 3 * sd, np.maximum(centre - 3 * sd, 0.0), centre + 2 * sd,
                np.maximum(centre - 2 * sd, 0.0), k)
    k = ok.sum(axis=1)
    if base_len:
        tn = np.cumsum(np.where(ok, N[:, :base_len], 0.0), axis=1)[:, -1]
        td = np.cumsum(np.where(ok, D[:, :base_len], 0.0), axis=1)[:, -1]
    else:
        tn = td = np.zeros(R)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(k > 0, tn / np.where(k > 0, td, 1.0), np.nan)
        v = centre * (1 - centre) if chart in ("p", "pp") else centre
        sds = np.sqrt(v[:, None] / D)
        if chart in ("pp", "up"):
            sb = sds[:, :base_len]
            z = np.where(ok & (sb <= 0), 0.0, (Yb - centre[:, None]) / sb)
            sz = _average_mr_2d(z, screen) / D2
            sds = sds * sz[:, None]
        c = centre[:, None]
        up3, up2 = c + 3 * sds, c + 2 * sds
        if chart in ("p", "pp"):
            up3, up2 = np.minimum(up3, 1.0), np.minimum(up2, 1.0)
        return (centre, up3, np.maximum(c - 3 * sds, 0.0), up2, np.maximum(c - 2 * sds, 0.0), k)
