"""The numpy form of the engine: many series of one shape analysed with array operations.

``analyse_rows`` takes validated inputs that share chart, length, phase bounds, freeze and
screening (improvement and target may differ) and stacks them into (rows × points) arrays
with NaN for missing. It performs the same floating-point operations as the pure-Python path
in :mod:`metrics.spc.engine`, so each result is identical to ``analyse`` on that series.
"""

from __future__ import annotations

import numpy as np

from . import classify
from .limits import phase_limits_2d
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


def _spread(per_phase: list, lengths: list, r: int) -> tuple:
    """A row's per-phase constants repeated over each phase's points."""
    if len(lengths) == 1:
        return (per_phase[0][r],) * lengths[0]
    out = []
    for values, L in zip(per_phase, lengths, strict=True):
        out += [values[r]] * L
    return tuple(out)


LIMIT_KEYS = ("centre", "ucl", "lcl", "nucl", "nlcl")
FLAG_KEYS = ("outside", "shift", "trend", "two")


def analyse_rows(batch: list[Inputs]) -> list[SpcResult]:
    first = batch[0]
    chart, bounds, freeze, screen = first.chart, first.bounds, first.freeze, first.screen
    rate = chart in RATE_CHARTS
    R = len(batch)
    n = len(first.numerators)
    N = _stack([b.numerators for b in batch], R, n)
    if rate:
        D = _stack([b.denominators for b in batch], R, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            Y = N / D
        cols = {k: np.empty((R, n)) for k in LIMIT_KEYS[1:]}
    else:
        D = None
        Y = N
    constants = {k: [] for k in LIMIT_KEYS}  # per phase, per row (None for NaN)
    flags = {k: np.zeros((R, n), dtype=bool) for k in FLAG_KEYS}
    direction = np.zeros((R, n), dtype=np.int8)
    phase_stats = []
    for s, e in bounds:
        L = e - s
        base = freeze if (freeze and s == 0) else L
        Ys = Y[:, s:e]
        c, u, lo, nu, nl, k = phase_limits_2d(
            chart, Ys, N[:, s:e] if rate else None, D[:, s:e] if rate else None, base, screen)
        constants["centre"].append(_scalars(c))
        for key, a in zip(LIMIT_KEYS[1:], (u, lo, nu, nl), strict=True):
            if rate:
                cols[key][:, s:e] = a
            else:
                constants[key].append(_scalars(a))
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
    plain = (~special.any(axis=1) & present.all(axis=1)).tolist()
    lengths = [e - s for s, e in bounds]
    if rate:
        values = _lists(Y)
        per_point = [_lists(cols[k]) for k in LIMIT_KEYS[1:]]
    else:
        values = [b.numerators for b in batch]
    no_flags = (False,) * n
    common = ("common_cause",) * n
    flagged = np.flatnonzero(~np.array(plain, dtype=bool)).tolist() if R else []
    flag_rows = {key: dict(zip(flagged, flags[key][flagged].tolist(), strict=True))
                 for key in FLAG_KEYS}
    special_rows = dict(zip(flagged, special[flagged].tolist(), strict=True))
    type_rows = dict(zip(flagged, _TYPE_NAMES[code[flagged]].tolist(), strict=True))
    phases_by_row = _phases(chart, phase_stats, R)
    results = []
    for r, b in enumerate(batch):
        centre = _spread(constants["centre"], lengths, r)
        if rate:
            ucl, lcl, nucl, nlcl = (tuple(p[r]) for p in per_point)
        else:
            ucl, lcl, nucl, nlcl = (_spread(constants[k], lengths, r) for k in LIMIT_KEYS[1:])
        if plain[r]:
            outside = shift = trend = two = special_r = no_flags
            types = common
        else:
            outside, shift, trend, two = (tuple(flag_rows[k][r]) for k in FLAG_KEYS)
            special_r = tuple(special_rows[r])
            types = tuple(type_rows[r])
        if has[r]:
            j = last[r]
            variation = classify.variation(chart, types[j], last_dir[r])
            assurance = classify.assurance(chart, b.improvement, b.target, ucl[j], lcl[j])
        else:
            variation = assurance = None
        results.append(SpcResult(
            chart, tuple(values[r]), centre, ucl, lcl, nucl, nlcl, outside, shift, trend, two,
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
    return [tuple(p[r] for p in per_phase) for r in range(R)]
