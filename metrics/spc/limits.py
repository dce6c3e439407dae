"""Centre lines and control limits for one phase (DESIGN §5, "XmR", "C", "P", "U", Laney).

Each chart has a pure-Python form (one series, fast for short series) and a numpy form (many
series of the same shape at once, or one long series). Both give bit-identical results, so
``analyse_many`` equals ``analyse``:

- Centre lines are exact: the mean is correctly rounded (:func:`exact_mean`) and p̄/ū are
  Σnumerators/Σdenominators with both sums exact before their one rounding (``math.fsum``).
  A value equal to the true mean therefore lies exactly on the centre line, as in qicharts2,
  whose ``mean()`` is R's (a long-double sum, then a correction pass with the residuals:
  ``real_mean`` in src/main/summary.c); a plain left-to-right sum can miss it by an ulp,
  moving the point off the line, which changes the Anhøj counts and can break a shift. Both
  paths compute centres with the same function, :func:`centre_line` (row by row in the
  numpy form). The median is exact already: the middle value itself, or the midpoint of two
  computed as (a + b)/2, which rounds once (halving is exact).
- Average moving ranges are summed strictly left to right (``np.cumsum`` in the numpy form,
  so the two paths agree). They only scale limits, which go through further roundings
  (2.66 × MR̄, centre ± w) anyway: no value is "exactly on a limit" by construction, so an
  exact sum would buy nothing there and cost a Python pass per row in the batch.

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

Rare events (issue 17), both exactly as qicharts2 0.8 (``qic.t``, ``qic.g``) computes them:

- T chart, the times between consecutive events (Nelson's transformation, L. S. Nelson, "A
  control chart for parts-per-million nonconforming items", J. Qual. Technol. 26(3), 1994):
  times, roughly exponential, are made roughly normal by t^(1/3.6); an individuals chart is
  drawn on the transformed times — their mean; σ = MR̄/1.128; limits mean ± 3σ, near limits
  ± 2σ — and the centre and limits are transformed back by ^3.6. A lower limit whose
  transformed value is not positive is 0 (R's NaN from a negative base there, which qicharts2
  sets to 0). ``screen`` screens the moving ranges as on XmR charts (≥ 3.267 × MR̄ dropped,
  MR̄ taken again: qicharts2 0.8's ``options(qic.screenedmr = TRUE)``, and what its earlier
  versions always did); unscreened is qicharts2 0.8's default. Note the 3/1.128 (not Making
  Data Count's 2.66): qicharts2's convention, kept.
- G chart, the number of opportunities (or days) between events, geometric: m = the mean of
  the baseline, σ = √(m(m + 1)) (Montgomery, *Introduction to Statistical Quality Control*,
  p. 319 of the 6th ed., as qicharts2 cites), limits m ± 3σ with the lower one floored at 0
  (it always is: 3√(m² + m) > m), near limits m ± 2σ. The centre line drawn — and the one
  runs, shifts and two-of-three are read against — is the **median** of the phase's points,
  not m: counts between events are skewed (a geometric variable's median is about 0.69 m,
  Provost & Murray p. 228), so about half the points fall either side of the median but
  well over half below the mean, and runs read around the mean would signal falsely. The
  median is of the baseline, like the mean (qicharts2 0.6's fix of the G centre line with
  ``freeze``). Screening does not apply.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .validation import RARE_EVENT_CHARTS

XMR_LIMIT = 2.66
XMR_NEAR = 2.66 * 2 / 3
SCREEN_FACTOR = 3.267
D2 = 1.128
T_POWER = 3.6  # qicharts2 qic.t: times between events are charted as t^(1/3.6)


def _plain_sum(xs) -> float:
    t = 0.0
    for x in xs:
        t += x
    return t


# The builtin sum() adds floats strictly left to right up to Python 3.11 (as np.cumsum does)
# and is several times faster than a loop; from 3.12 it compensates, which would break the
# bit-for-bit agreement with the numpy path, so it is used only where it is plain.
seq_sum = sum if sum([1.0, 1e100, 1.0, -1e100]) == 0.0 else _plain_sum


def exact_mean(xs: list) -> float:
    """The correctly rounded mean of ``xs`` (non-empty floats): the exact mean, rounded once.

    Neither a plain sum nor ``fsum(xs)/k`` is enough: the division rounds a second time, so
    even the latter is one ulp off now and then (about 1 series in 300 among those whose
    mean is one of their values). Instead, a first guess g (the plain mean) is corrected
    by the exactly summed residual: g + (Σxᵢ − k·g)/k, where ``fsum`` adds the xᵢ and k·g,
    passed as two exact products (:func:`_exact_times`), with a single rounding. The
    correction is a few ulps, so it is itself accurate to about 2⁻⁵⁰ ulp; the last addition
    rounds once more, and only if what it drops is within a hair of half an ulp (a tie, or
    a near-tie) is the mean settled with fractions. So the cost is one plain sum and one
    ``fsum``, and the result is identical however it is computed.
    """
    k = len(xs)
    if k >= _MAX_K:  # beyond _exact_times' range; never in practice
        return float(sum(map(Fraction, xs)) / k)
    guess = sum(xs) / k
    for _ in range(3):  # one pass unless the plain sum lost much to cancellation
        residual = math.fsum([*xs, *_exact_times(-k, guess)])
        if not residual:
            return guess  # Σxᵢ = k·g exactly: g is the mean
        step = residual / k
        mean = guess + step
        if abs(step) <= 4 * math.ulp(mean):
            break
        guess = mean
    else:
        return float(sum(map(Fraction, xs)) / k)
    dropped = (guess - mean) + step  # exactly what rounding guess + step dropped
    if abs(mean) < _TINY or (dropped and _near_halfway(mean, dropped)):
        return float(sum(map(Fraction, xs)) / k)
    return mean


_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitter for 53-bit floats
_MAX_K = 2**26
_TINY = 2.0**-900  # below this the correction itself could underflow: settle exactly


def _exact_times(k: int, m: float) -> tuple:
    """Two floats that sum exactly to k·m, for a whole number |k| < 2²⁶.

    Veltkamp's split cuts m into two halves of at most 26 significant bits each; k times
    either half fits in 53 bits, so both products are exact.
    """
    big = _SPLIT * m
    hi = big - (big - m)
    return k * hi, k * (m - hi)


def _near_halfway(mean: float, dropped: float) -> bool:
    """Is mean + dropped within a hair of the midpoint between mean and its neighbour?"""
    neighbour = math.nextafter(mean, math.copysign(math.inf, dropped))
    half_gap = abs(neighbour - mean) / 2
    return abs(dropped) > half_gap * (1 - 2.0**-40)


def centre_line(chart: str, ys: list, nums=None, dens=None):
    """(centre, n_present) of one phase's baseline ``ys`` (plotted values, None = missing).

    ``nums``/``dens`` are the baseline's numerators and denominators (rate charts only). The
    same function serves both paths (the numpy form calls it row by row), so the centre is
    identical whichever path a series takes.
    """
    gaps = None in ys
    present = [y for y in ys if y is not None] if gaps else ys
    k = len(present)
    if not k:
        return None, 0
    if chart == "run":
        return _median(present), k
    if nums is None:
        return exact_mean(present), k
    if gaps:
        nums = [a for a, y in zip(nums, ys, strict=True) if y is not None]
        dens = [d for d, y in zip(dens, ys, strict=True) if y is not None]
    return math.fsum(nums) / math.fsum(dens), k


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
        if max(mrs) >= cut:  # else nothing is dropped and the average stands
            kept = [m for m in mrs if m < cut]
            amr = seq_sum(kept) / len(kept)
    return amr


def _median(xs: list) -> float:
    """Exact: the middle value, or (a + b)/2 — one rounding, as halving is exact."""
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
    whole = base_len == len(ys)
    base = ys if whole else ys[:base_len]
    if chart in RARE_EVENT_CHARTS:
        return rare_event_limits(chart, ys, base_len, screen)
    if nums is None:
        centre, k = centre_line(chart, base)
    else:
        centre, k = centre_line(chart, base, nums if whole else nums[:base_len],
                                dens if whole else dens[:base_len])
    return limits_about(chart, centre, k, ys, dens, base_len, screen)


def limits_about(chart, centre, k, ys, dens, base_len, screen):
    """:func:`phase_limits` once the centre (and baseline count ``k``) is known."""
    if chart in ("run", "xmr", "c"):
        if centre is None or chart == "run":
            return centre, None, None, None, None, k
        if chart == "xmr":
            amr = _average_mr(ys if base_len == len(ys) else ys[:base_len], screen)
            if amr is None:
                return centre, None, None, None, None, k
            w = XMR_LIMIT * amr
            wn = XMR_NEAR * amr
            return centre, centre + w, centre - w, centre + wn, centre - wn, k
        sd = math.sqrt(centre)
        return (centre, centre + 3 * sd, max(centre - 3 * sd, 0.0), centre + 2 * sd,
                max(centre - 2 * sd, 0.0), k)
    return _rate_limits(chart, centre, ys, dens, base_len, screen, k)


def rare_event_limits(chart, ys, base_len, screen):
    """T and G charts' (centre, ucl, lcl, near_ucl, near_lcl, n_base) for one phase (see the
    module's notes): scalars, or None where a phase has too few points."""
    base = [y for y in ys[:base_len] if y is not None]
    k = len(base)
    if not k:
        return None, None, None, None, None, 0
    if chart == "g":
        m = exact_mean(base)
        sd = math.sqrt(m * (m + 1))
        centre = _median(base)
        return centre, m + 3 * sd, max(m - 3 * sd, 0.0), m + 2 * sd, max(m - 2 * sd, 0.0), k
    root = 1 / T_POWER
    ts = [None if y is None else y**root for y in ys[:base_len]]
    mean = exact_mean([t for t in ts if t is not None])
    centre = mean**T_POWER
    amr = _average_mr(ts, screen)
    if amr is None:
        return centre, None, None, None, None, k
    sigma = amr / D2

    def back(t: float) -> float:
        return t**T_POWER if t > 0 else 0.0

    return (centre, back(mean + 3 * sigma), back(mean - 3 * sigma), back(mean + 2 * sigma),
            back(mean - 2 * sigma), k)


def _rate_limits(chart, centre, ys, dens, base_len, screen, k):
    L = len(ys)
    none = [None] * L
    if centre is None:
        return None, none, none, none, none, 0
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


def row_centres(chart, ys_rows, num_rows, den_rows, start, stop):
    """:func:`centre_line` of every row's baseline [start, stop), as numpy arrays.

    Returns (centre[rows] with NaN for none, n_present[rows]). Row by row in Python on
    purpose: the centre must be bit-identical to the one-series path, and ``math.fsum`` has no
    vectorised twin.
    """
    whole = start == 0 and (not ys_rows or stop == len(ys_rows[0]))
    centres, counts = [], []
    for r, ys in enumerate(ys_rows):
        if not whole:
            ys = ys[start:stop]
        if num_rows is None:
            c, k = centre_line(chart, ys)
        elif whole:
            c, k = centre_line(chart, ys, num_rows[r], den_rows[r])
        else:
            c, k = centre_line(chart, ys, num_rows[r][start:stop], den_rows[r][start:stop])
        centres.append(math.nan if c is None else c)
        counts.append(k)
    return np.array(centres, dtype=float), np.array(counts, dtype=np.int64)


def phase_limits_2d(chart, Y, D, base_len, screen, centre):
    """numpy form of :func:`limits_about`: Y, D are (rows × points) with NaN for missing.

    ``centre`` comes from :func:`row_centres` (NaN where a row has no baseline point).
    Returns (ucl, lcl, near_ucl, near_lcl): (rows,) for run/xmr/c and (rows × points) for
    rate charts; NaN means None.
    """
    R = Y.shape[0]
    Yb = Y[:, :base_len]
    if chart == "run":
        nan = np.full(R, np.nan)
        return nan, nan, nan, nan
    if chart in ("xmr", "c"):
        if chart == "xmr":
            amr = _average_mr_2d(Yb, screen)
            w = XMR_LIMIT * amr
            wn = XMR_NEAR * amr
            return centre + w, centre - w, centre + wn, centre - wn
        sd = np.sqrt(centre)
        return (centre + 3 * sd, np.maximum(centre - 3 * sd, 0.0), centre + 2 * sd,
                np.maximum(centre - 2 * sd, 0.0))
    ok = ~np.isnan(Yb)
    with np.errstate(invalid="ignore", divide="ignore"):
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
        return up3, np.maximum(c - 3 * sds, 0.0), up2, np.maximum(c - 2 * sds, 0.0)
