"""The numpy form of the engine: many series of one shape analysed with array operations.

``analyse_rows`` takes validated inputs that share chart, length, phase bounds, freeze and
screening (improvement and target may differ) and stacks them into (rows × points) arrays
with NaN for missing. Centres come from the same function as the pure-Python path
(:func:`metrics.spc.limits.centre_line`, row by row); everything else performs the same
floating-point operations as :mod:`metrics.spc.engine`, so each result is identical to
``analyse`` on that series.
"""

from __future__ import annotations

import numpy as np

from . import classify
from .limits import phase_limits_2d, row_centres
from .result import SpcPhase, SpcResult
from .rules import phase_rules_2d
from .runs import runs_stats_2d, summarise
from .validation import RATE_CHARTS, Inputs

_TYPE_NAMES = np.array(classify.TYPE_NAMES, dtype=object)
TRIAL_BELOW = 12


def _stack(rows: list, R: int, n: int):
    if n == 0:
        return np.empty((R, 0))
    return np.array(rows, dtype=float)  # validated floats; None becomes NaN


def _lists(arr) -> list:
    """Rows of a float array as lists, NaN → None."""
    out = arr.tolist()
    if arr.size:
        for r in np.flatnonzero(np.isnan(arr).any(axis=1)).tolist():
            out[r] = [None if v != v else v for v in out[r]]
    return out


def _scalars(a) -> list:
    return [None if v != v else v for v in a.tolist()]


class _Columns:
    """Per-point columns of every row, built from per-phase constants or per-point arrays.

    ``constant(key)`` gives one row's column from values that are constant over each phase
    (centre, and the limits of run/xmr/c charts); a single phase — the usual case — is one
    tuple repetition.
    """

    def __init__(self, lengths: list):
        self.lengths = lengths
        self.per_phase: dict[str, list] = {}

    def add_phase(self, key: str, values: list) -> None:
        self.per_phase.setdefault(key, []).append(values)

    def rows(self, key: str, R: int) -> list:
        phases, lengths = self.per_phase[key], self.lengths
        if len(lengths) == 1:
            L = lengths[0]
            return [(v,) * L for v in phases[0]]
        out = []
        for r in range(R):
            row = ()
            for values, L in zip(phases, lengths, strict=True):
                row += (values[r],) * L
            out.append(row)
        return out


LIMIT_KEYS = ("ucl", "lcl", "nucl", "nlcl")
FLAG_KEYS = ("outside", "shift", "trend", "two")


def analyse_rows(batch: list[Inputs]) -> list[SpcResult]:
    first = batch[0]
    chart, bounds, freeze, screen = first.chart, first.bounds, first.freeze, first.screen
    rate = chart in RATE_CHARTS
    R = len(batch)
    n = len(first.numerators)
    num_rows = [b.numerators for b in batch]
    N = _stack(num_rows, R, n)
    if rate:
        den_rows = [b.denominators for b in batch]
        D = _stack(den_rows, R, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            Y = N / D
        ys_rows = _lists(Y)
        per_point = {k: np.empty((R, n)) for k in LIMIT_KEYS}
    else:
        num_rows = den_rows = D = None
        Y = N
        ys_rows = [b.numerators for b in batch]
    lengths = [e - s for s, e in bounds]
    columns = _Columns(lengths)
    flags = {k: np.zeros((R, n), dtype=bool) for k in FLAG_KEYS}
    direction = np.zeros((R, n), dtype=np.int8)
    phase_stats = []
    for s, e in bounds:
        base = freeze if (freeze and s == 0) else e - s
        Ys = Y[:, s:e]
        c, k = row_centres(chart, ys_rows, num_rows, den_rows, s, s + base)
        u, lo, nu, nl = phase_limits_2d(chart, Ys, D[:, s:e] if rate else None, base, screen, c)
        columns.add_phase("centre", _scalars(c))
        for key, a in zip(LIMIT_KEYS, (u, lo, nu, nl), strict=True):
            if rate:
                per_point[key][:, s:e] = a
            else:
                columns.add_phase(key, _scalars(a))
        with np.errstate(invalid="ignore"):
            side = np.nan_to_num(np.sign(Ys - c[:, None]), nan=0.0).astype(np.int8)
        n_useful, longest, crossings = runs_stats_2d(side)
        phase_stats.append((s, e, c, n_useful, longest, crossings, k))
        if chart != "run":
            rules = phase_rules_2d(Ys, c, u, lo, nu, nl)
            for key, a in zip(FLAG_KEYS, rules[:4], strict=True):
                flags[key][:, s:e] = a
            direction[:, s:e] = rules[4]
    special = flags["outside"] | flags["shift"] | flags["trend"] | flags["two"]
    present = ~np.isnan(Y)
    imp = np.array([b.improvement for b in batch], dtype=np.int8)[:, None]
    code = np.where(
        ~present, 0,
        np.where(~special, 1,
                 np.where(imp == 0, np.where(direction > 0, 4, 5),
                          np.where(direction == imp, 2, 3))))
    has = present.any(axis=1).tolist()
    last = (n - 1 - np.argmax(present[:, ::-1], axis=1)).tolist() if n else [0] * R
    last_dir = direction[np.arange(R), last].tolist() if n else [0] * R

    # Python objects for the results. Most rows have no missing point and no special cause:
    # they share one all-False tuple and one all-"common_cause" tuple.
    values = [tuple(row) for row in ys_rows]
    centre = columns.rows("centre", R)
    if rate:
        limits = [[tuple(row) for row in _lists(per_point[k])] for k in LIMIT_KEYS]
    else:
        limits = [columns.rows(k, R) for k in LIMIT_KEYS]
    plain = ~special.any(axis=1) & present.all(axis=1)
    no_flags = (False,) * n
    common = ("common_cause",) * n
    flagged = np.flatnonzero(~plain).tolist() if R else []
    flag_rows = {i: [] for i in flagged}
    for a in (*(flags[k] for k in FLAG_KEYS), special):
        for i, row in zip(flagged, a[flagged].tolist(), strict=True):
            flag_rows[i].append(tuple(row))
    for i, row in zip(flagged, _TYPE_NAMES[code[flagged]].tolist(), strict=True):
        flag_rows[i].append(tuple(row))
    phases_by_row = _phases(chart, phase_stats, R)
    results = []
    for r, b in enumerate(batch):
        ucl, lcl, nucl, nlcl = limits[0][r], limits[1][r], limits[2][r], limits[3][r]
        row_flags = flag_rows.get(r)
        if row_flags is None:
            outside = shift = trend = two = special_r = no_flags
            types = common
        else:
            outside, shift, trend, two, special_r, types = row_flags
        if has[r]:
            j = last[r]
            variation = classify.variation(chart, types[j], last_dir[r])
            assurance = classify.assurance(chart, b.improvement, b.target, ucl[j], lcl[j])
        else:
            variation = assurance = None
        results.append(SpcResult(
            chart, values[r], centre[r], ucl, lcl, nucl, nlcl, outside, shift, trend, two,
            special_r, types, phases_by_row[r], variation, assurance))
    return results


def _phases(chart: str, phase_stats: list, R: int) -> list:
    per_phase = []
    for s, e, c, n_useful, longest, crossings, k in phase_stats:
        cl = c.tolist()
        nu, lg, cr = n_useful.tolist(), longest.tolist(), crossings.tolist()
        trial = ((k < TRIAL_BELOW) & (chart != "run")).tolist()
        cache = {}
        row = []
        for r in range(R):
            key = (nu[r], lg[r], cr[r])
            summary = cache.get(key)
            if summary is None:
                summary = cache[key] = summarise(*key)
            lmax, cmin, signal = summary
            centre = None if cl[r] != cl[r] else cl[r]
            row.append(SpcPhase(s, e, centre, nu[r], lg[r], lmax, cr[r], cmin, signal,
                                trial[r]))
        per_phase.append(row)
    if len(per_phase) == 1:
        return [(p,) for p in per_phase[0]]
    return list(zip(*per_phase, strict=True))
