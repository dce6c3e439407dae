"""``analyse_many``: the batch form of ``analyse`` for recomputing many measures at once.

Series are validated one by one (so a bad series raises the same ValueError ``analyse``
would), then grouped by shape — chart, length, phase bounds, freeze, screening — and each
group is analysed with array operations across its series (:mod:`metrics.spc.vector`).
Tiny groups of short series take the pure-Python path, which is faster for them, and so do T
and G charts (a point per event: short series, no numpy form). Results come
back in input order and are identical to calling ``analyse`` on each series.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from contextlib import contextmanager

from .engine import SCALAR_MAX, analyse_inputs
from .result import SpcResult
from .validation import RARE_EVENT_CHARTS, validate
from .vector import analyse_rows

_DEFAULTS = {"chart": "xmr", "denominators": None, "phases": None, "freeze": None,
             "improvement": "increase", "target": None, "screen": False}
_ARGUMENTS = frozenset({"values", *_DEFAULTS})  # validate()'s parameters, by name
MIN_GROUP = 4


def _inputs(spec, index: int):
    if not isinstance(spec, Mapping):
        raise ValueError(f"Series {index + 1} must be a mapping of analyse() arguments.")
    unknown = spec.keys() - _ARGUMENTS
    if unknown:
        raise ValueError(f"Series {index + 1} has unknown argument(s): {sorted(unknown)}.")
    if "values" not in spec:
        raise ValueError(f"Series {index + 1} has no values.")
    return validate(**{**_DEFAULTS, **spec})


def analyse_many(series: Iterable[Mapping]) -> list[SpcResult]:
    """Analyse every series (dicts of ``analyse`` arguments, ``values`` included)."""
    with _collector_paused():
        return _analyse_many(series)


def _analyse_many(series: Iterable[Mapping]) -> list[SpcResult]:
    inputs = [_inputs(spec, i) for i, spec in enumerate(series)]
    groups: dict[tuple, list[int]] = {}
    for i, inp in enumerate(inputs):
        key = (inp.chart, len(inp.numerators), inp.bounds, inp.freeze, inp.screen)
        groups.setdefault(key, []).append(i)
    results: list = [None] * len(inputs)
    for (chart, n, *_rest), members in groups.items():
        if (len(members) < MIN_GROUP and n <= SCALAR_MAX) or chart in RARE_EVENT_CHARTS:
            for i in members:
                results[i] = analyse_inputs(inputs[i])
            continue
        for i, res in zip(members, analyse_rows([inputs[i] for i in members]), strict=True):
            results[i] = res
    return results


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector (if it runs) while a batch is analysed.

    A batch allocates hundreds of thousands of containers — lists, tuples of 100-odd
    values — and none can be part of a reference cycle, so reference counting frees every
    temporary. With the collector on, each of them would still be traversed by the young
    generation collections that their sheer number sets off (a third of the batch's time on
    the benchmark). The results themselves are traversed once, by the next collection.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
