"""``analyse_many``: the batch form of ``analyse`` for recomputing many measures at once.

Series are validated one by one (so a bad series raises the same ValueError ``analyse``
would), then grouped by shape — chart, length, phase bounds, freeze, screening — and each
group is analysed with array operations across its series (:mod:`metrics.spc.vector`).
Tiny groups of short series take the pure-Python path, which is faster for them. Results come
back in input order and are identical to calling ``analyse`` on each series.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .engine import SCALAR_MAX, analyse_inputs
from .result import SpcResult
from .validation import validate
from .vector import analyse_rows

_ARGUMENTS = ("values", "chart", "denominators", "phases", "freeze", "improvement", "target",
              "screen")
_DEFAULTS = {"chart": "xmr", "denominators": None, "phases": None, "freeze": None,
             "improvement": "increase", "target": None, "screen": False}
MIN_GROUP = 4


def _inputs(spec, index: int):
    if not isinstance(spec, Mapping):
        raise ValueError(f"Series {index + 1} must be a mapping of analyse() arguments.")
    unknown = set(spec) - set(_ARGUMENTS)
    if unknown:
        raise ValueError(f"Series {index + 1} has unknown argument(s): {sorted(unknown)}.")
    if "values" not in spec:
        raise ValueError(f"Series {index + 1} has no values.")
    args = {**_DEFAULTS, **spec}
    return validate(*(args[k] for k in _ARGUMENTS))


def analyse_many(series: Iterable[Mapping]) -> list[SpcResult]:
    """Analyse every series (dicts of ``analyse`` arguments, ``values`` included)."""
    inputs = [_inputs(spec, i) for i, spec in enumerate(series)]
    groups: dict[tuple, list[int]] = {}
    for i, inp in enumerate(inputs):
        key = (inp.chart, len(inp.numerators), inp.bounds, inp.freeze, inp.screen)
        groups.setdefault(key, []).append(i)
    results: list = [None] * len(inputs)
    for (_, n, *_rest), members in groups.items():
        if len(members) < MIN_GROUP and n <= SCALAR_MAX:
            for i in members:
                results[i] = analyse_inputs(inputs[i])
            continue
        for i, res in zip(members, analyse_rows([inputs[i] for i in members]), strict=True):
            results[i] = res
    return results
