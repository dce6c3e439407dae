"""``analyse``: one series in, one :class:`SpcResult` out (the contract of DESIGN §5).

Short series run through plain Python (numpy's per-call overhead dominates below a few
hundred points); long ones through the numpy form in :mod:`metrics.spc.vector`. Both give
identical results — the tests hold them to it. T and G charts (one point per event, so
short series) always take the pure-Python path.

``trial_limits`` is true when a phase's limits come from fewer than 12 present points (the
frozen baseline for the first phase when ``freeze`` is given). Run charts have no limits, so
it is always false there.
"""

from __future__ import annotations

from typing import NamedTuple

from . import classify
from .limits import phase_limits
from .result import SpcPhase, SpcResult
from .rules import phase_flags
from .runs import runs_stats, summarise
from .validation import RARE_EVENT_CHARTS, RATE_CHARTS, Inputs, validate

SCALAR_MAX = 300
TRIAL_BELOW = 12


def analyse(values, chart="xmr", denominators=None, phases=None, freeze=None,
            improvement="increase", target=None, screen=False) -> SpcResult:
    """Analyse one measure's series.

    ``values`` are numbers in time order (None/NaN = missing period, kept in place); for
    p/pp/u/up they are numerators and ``denominators`` are required; for t the times between
    consecutive events, for g the opportunities (or days) between them. ``phases`` are 0-based
    starts of new phases; ``freeze`` takes the first phase's centre and limits from its first
    ``freeze`` points. Raises ValueError, with a message fit for the person who entered the
    data, for any input it cannot analyse.
    """
    inputs = validate(values, chart, denominators, phases, freeze, improvement, target, screen)
    if len(inputs.numerators) > SCALAR_MAX and inputs.chart not in RARE_EVENT_CHARTS:
        from .vector import analyse_rows

        return analyse_rows([inputs])[0]
    return analyse_inputs(inputs)


def plotted_values(inputs: Inputs) -> list:
    if inputs.chart not in RATE_CHARTS:
        return inputs.numerators
    return [None if a is None or d is None else a / d
            for a, d in zip(inputs.numerators, inputs.denominators, strict=True)]


class _Phase(NamedTuple):
    """One analysed phase: its length, centre, limits (numbers, lists or None) and flags."""

    length: int
    centre: float | None
    ucl: object
    lcl: object
    nucl: object
    nlcl: object
    flags: tuple | None  # phase_flags(): None when no point is a special cause


def analyse_inputs(inputs: Inputs) -> SpcResult:
    """The pure-Python path for validated input."""
    chart = inputs.chart
    nums, dens = inputs.numerators, inputs.denominators
    ys = plotted_values(inputs)
    n = len(ys)
    parts, phases = [], []
    for s, e in inputs.bounds:
        whole = s == 0 and e == n
        seg = ys if whole else ys[s:e]
        base = inputs.freeze if (inputs.freeze and s == 0) else e - s
        c, u, lo, nu, nl, k = phase_limits(
            chart, seg, None if dens is None else nums if whole else nums[s:e],
            None if dens is None else dens if whole else dens[s:e], base, inputs.screen)
        n_useful, longest, crossings = runs_stats(seg, c)
        lmax, cmin, signal = summarise(n_useful, longest, crossings)
        phases.append(SpcPhase(s, e, c, n_useful, longest, lmax, crossings, cmin, signal,
                               chart != "run" and k < TRIAL_BELOW))
        flags = (None if chart == "run" or c is None
                 else phase_flags(seg, c, u, lo, nu, nl, longest))
        parts.append(_Phase(e - s, c, u, lo, nu, nl, flags))

    centre = _column([(p.centre, p.length) for p in parts])
    ucl, lcl, nucl, nlcl = (_column([(p[i], p.length) for p in parts]) for i in range(2, 6))
    j = classify.last_present(ys)
    if all(p.flags is None for p in parts):
        # No special cause anywhere (the usual case): shared all-False columns.
        outside = shift = trend = two = special = (False,) * n
        if None not in ys:
            types = ("common_cause",) * n
        else:
            types = tuple(None if y is None else "common_cause" for y in ys)
        last_direction = 0
    else:
        columns = [[], [], [], [], []]  # outside, shift, trend, two, direction
        for p in parts:
            flags = p.flags or ([False] * p.length,) * 4 + ([0] * p.length,)
            for column, part in zip(columns, flags, strict=True):
                column += part
        outside, shift, trend, two, direction = columns
        special = tuple([a or b or c or d
                         for a, b, c, d in zip(outside, shift, trend, two, strict=True)])
        types = tuple(classify.point_types(ys, special, direction, inputs.improvement))
        outside, shift, trend, two = tuple(outside), tuple(shift), tuple(trend), tuple(two)
        last_direction = 0 if j is None else direction[j]
    if j is None:
        variation = assurance = None
    else:
        variation = classify.variation(chart, types[j], last_direction)
        assurance = classify.assurance(chart, inputs.improvement, inputs.target, ucl[j], lcl[j])
    return SpcResult(chart, tuple(ys), centre, ucl, lcl, nucl, nlcl, outside, shift, trend,
                     two, special, types, tuple(phases), variation, assurance)


def _column(parts: list) -> tuple:
    """One per-point column from (value, phase length) pairs; a value is a number or None
    (constant over the phase) or a per-point list."""
    if len(parts) == 1:
        value, length = parts[0]
        return tuple(value) if isinstance(value, list) else (value,) * length
    out = []
    for value, length in parts:
        out += value if isinstance(value, list) else [value] * length
    return tuple(out)
