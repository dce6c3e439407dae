"""``analyse``: one series in, one :class:`SpcResult` out (the contract of DESIGN §5).

Short series run through plain Python (numpy's per-call overhead dominates below a few
hundred points); long ones through the numpy form in :mod:`metrics.spc.vector`. Both give
identical results — the tests hold them to it.

``trial_limits`` is true when a phase's limits come from fewer than 12 present points (the
frozen baseline for the first phase when ``freeze`` is given). Run charts have no limits, so
it is always false there.
"""

from __future__ import annotations

from . import classify
from .limits import phase_limits
from .result import SpcPhase, SpcResult
from .rules import phase_rules
from .runs import runs_stats, summarise
from .validation import RATE_CHARTS, Inputs, validate

SCALAR_MAX = 300
TRIAL_BELOW = 12


def analyse(values, chart="xmr", denominators=None, phases=None, freeze=None,
            improvement="increase", target=None, screen=False) -> SpcResult:
    """Analyse one measure's series.

    ``values`` are numbers in time order (None/NaN = missing period, kept in place); for
    p/pp/u/up they are numerators and ``denominators`` are required. ``phases`` are 0-based
    starts of new phases; ``freeze`` takes the first phase's centre and limits from its first
    ``freeze`` points. Raises ValueError, with a message fit for the person who entered the
    data, for any input it cannot analyse.
    """
    inputs = validate(values, chart, denominators, phases, freeze, improvement, target, screen)
    if len(inputs.numerators) > SCALAR_MAX:
        from .vector import analyse_rows

        return analyse_rows([inputs])[0]
    return analyse_inputs(inputs)


def plotted_values(inputs: Inputs) -> list:
    if inputs.chart not in RATE_CHARTS:
        return inputs.numerators
    return [None if a is None or d is None else a / d
            for a, d in zip(inputs.numerators, inputs.denominators, strict=True)]


def analyse_inputs(inputs: Inputs) -> SpcResult:
    """The pure-Python path for validated input."""
    chart = inputs.chart
    nums, dens = inputs.numerators, inputs.denominators
    ys = plotted_values(inputs)
    centre, ucl, lcl, nucl, nlcl = [], [], [], [], []
    outside, shift, trend, two, direction = [], [], [], [], []
    phases = []
    for s, e in inputs.bounds:
        seg = ys if len(inputs.bounds) == 1 else ys[s:e]
        L = e - s
        base = inputs.freeze if (inputs.freeze and s == 0) else L
        c, u, lo, nu, nl, k = phase_limits(
            chart, seg, nums[s:e] if dens else None, dens[s:e] if dens else None, base,
            inputs.screen)
        n_useful, longest, crossings = runs_stats(seg, c)
        lmax, cmin, signal = summarise(n_useful, longest, crossings)
        phases.append(SpcPhase(s, e, c, n_useful, longest, lmax, crossings, cmin, signal,
                               chart != "run" and k < TRIAL_BELOW))
        if chart == "run":
            flags = [False] * L
            o = sh = t = tw = flags
            d = [0] * L
        else:
            o, sh, t, tw, d = phase_rules(seg, c, u, lo, nu, nl)
        if not isinstance(u, list):
            u, lo, nu, nl = [u] * L, [lo] * L, [nu] * L, [nl] * L
        centre += [c] * L
        for column, part in ((ucl, u), (lcl, lo), (nucl, nu), (nlcl, nl), (outside, o),
                             (shift, sh), (trend, t), (two, tw), (direction, d)):
            column += part
    special = [a or b or c or d for a, b, c, d in zip(outside, shift, trend, two, strict=True)]
    types = classify.point_types(ys, special, direction, inputs.improvement)
    j = classify.last_present(ys)
    if j is None:
        variation = assurance = None
    else:
        variation = classify.variation(chart, types[j], direction[j])
        assurance = classify.assurance(chart, inputs.improvement, inputs.target, ucl[j], lcl[j])
    return SpcResult(chart, tuple(ys), tuple(centre), tuple(ucl), tuple(lcl), tuple(nucl),
                     tuple(nlcl), tuple(outside), tuple(shift), tuple(trend), tuple(two),
                     tuple(special), tuple(types), tuple(phases), variation, assurance)
