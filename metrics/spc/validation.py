"""Turn caller input into clean, checked arrays — or a ValueError a clinician can act on.

Conventions (DESIGN §5 leaves these open; chosen to match qicharts2 where it has an answer):

- A missing value (None or NaN) keeps its place; it is never dropped or interpolated.
- For p/pp/u/up a missing or zero denominator makes the point missing, as qicharts2 does
  (y/n is NA there). A zero denominator with a positive numerator is a data-entry error and
  raises, as does a negative denominator.
- ``phases`` may include 0 (the start of the series, ignored); other starts must be strictly
  increasing and inside the series.
- ``freeze`` counts positions (missing ones included) from the start of the first phase.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import NamedTuple

CHART_TYPES = ("run", "xmr", "c", "p", "pp", "u", "up", "t", "g")
RATE_CHARTS = frozenset({"p", "pp", "u", "up"})
PROPORTION_CHARTS = frozenset({"p", "pp"})
COUNT_CHARTS = frozenset({"c", "p", "pp", "u", "up"})
RARE_EVENT_CHARTS = frozenset({"t", "g"})  # a point per event: the time or count between
IMPROVEMENT_DIRECTIONS = ("increase", "decrease", "neither")
IMPROVEMENT_SIGN = {"increase": 1, "decrease": -1, "neither": 0}
# Bounds that keep every sum, limit and Laney z finite (no inf/NaN can reach the JSON).
MAX_MAGNITUDE = 1e15
MIN_DENOMINATOR = 1e-6


class Inputs(NamedTuple):
    chart: str
    numerators: list  # floats; None where missing
    denominators: list | None  # floats, None where missing or zero (rate charts only)
    bounds: tuple  # ((start, end), ...) end exclusive; at least one phase
    freeze: int | None
    improvement: int  # +1 increase, -1 decrease, 0 neither
    target: float | None
    screen: bool


def _as_list(seq, what: str) -> list:
    if isinstance(seq, list):
        return seq
    if isinstance(seq, str | bytes | dict | set | frozenset) or seq is None:
        raise ValueError(f"{what} must be a list of numbers in time order.")
    tolist = getattr(seq, "tolist", None)
    if tolist is not None and getattr(seq, "ndim", 1) == 1:
        try:
            return list(tolist())
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{what} must be a list of numbers in time order.") from exc
    try:
        return list(seq)
    except TypeError as exc:
        raise ValueError(f"{what} must be a list of numbers in time order.") from exc


def _number(v, what: str, i: int):
    """A float, or None for a missing entry (None/NaN/pandas NA)."""
    t = type(v)
    if t is float or t is int:
        if v != v:
            return None
        if not -MAX_MAGNITUDE <= v <= MAX_MAGNITUDE:
            raise _too_large(what, i, v)
        return float(v)
    if v is None:
        return None
    if isinstance(v, bool | str | bytes) or not isinstance(v, Real):
        if type(v).__name__ in ("NAType", "NaTType"):
            return None
        raise ValueError(f"{what} at position {i + 1} is not a number: {v!r}.")
    try:
        f = float(v)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"{what} at position {i + 1} is not a number: {v!r}.") from exc
    if f != f:
        return None
    if not -MAX_MAGNITUDE <= f <= MAX_MAGNITUDE:
        raise _too_large(what, i, v)
    return f


def _too_large(what: str, i: int, v) -> ValueError:
    return ValueError(
        f"{what} at position {i + 1} ({v}) is not a finite number of plausible size "
        f"(at most {MAX_MAGNITUDE:g} either way)."
    )


_PLAIN_TYPES = frozenset({float, int, type(None)})


def _numbers(seq, what: str) -> list:
    """A new list of floats (None where missing); the caller's sequence is never changed."""
    out = _as_list(seq, what)
    # Fast path for the usual input, all floats: float.__float__ copies them in one C-level
    # pass and raises TypeError on anything else (bool, int, str, None). A sum of magnitudes
    # within bounds proves every value finite and within bounds (NaN fails the comparison).
    if out and type(out[0]) is float:
        try:
            floats = list(map(float.__float__, out))
        except TypeError:
            floats = None
        if floats is not None and sum(map(abs, floats)) <= MAX_MAGNITUDE:
            return floats
    types = set(map(type, out))
    # Next fastest (C-level scans) for plain floats, ints and None.
    if types == {float}:
        total = sum(out)
        if total - total == 0.0 and min(out) >= -MAX_MAGNITUDE and max(out) <= MAX_MAGNITUDE:
            return out[:]
    elif types <= _PLAIN_TYPES:
        try:
            vals = [None if v is None or v != v else float(v) for v in out]
        except OverflowError:
            vals = None
        if vals is not None:
            present = [v for v in vals if v is not None] if None in vals else vals  # NaN too
            if not present or (
                min(present) >= -MAX_MAGNITUDE and max(present) <= MAX_MAGNITUDE
            ):
                return vals
    return [_number(x, what, j) for j, x in enumerate(out)]


def _index(v, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int | Real):
        raise ValueError(f"{what} must be a whole number, not {v!r}.")
    try:
        f = float(v)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"{what} must be a whole number, not {v!r}.") from exc
    if not math.isfinite(f) or f != int(f):
        raise ValueError(f"{what} must be a whole number, not {v!r}.")
    return int(f)


def phase_bounds(phases, n: int) -> tuple:
    if phases is None:
        return ((0, n),)
    starts = [_index(p, "Each phase start") for p in _as_list(phases, "phases")]
    cuts = [0]
    for p in starts:
        if p == 0 and len(cuts) == 1:
            continue
        if p <= cuts[-1]:
            raise ValueError(
                f"Phase starts must be strictly increasing; {p} comes after {cuts[-1]}."
            )
        if p >= n:
            raise ValueError(
                f"Phase start {p} is outside the series (valid positions are 1 to {n - 1})."
            )
        cuts.append(p)
    cuts.append(n)
    return tuple(zip(cuts[:-1], cuts[1:], strict=True))


def check_options(improvement, freeze, bounds, target) -> tuple:
    if not isinstance(improvement, str) or improvement not in IMPROVEMENT_SIGN:
        raise ValueError(
            f"Unknown improvement direction {improvement!r}; "
            f"choose one of: {', '.join(IMPROVEMENT_DIRECTIONS)}."
        )
    if freeze is not None:
        freeze = _index(freeze, "freeze")
        first = bounds[0][1] - bounds[0][0]
        if freeze < 1:
            raise ValueError("freeze must be at least 1 (the number of baseline points).")
        if freeze > first:
            raise ValueError(
                f"freeze ({freeze}) is larger than the first phase ({first} points); "
                "freeze at most that many points or move the phase start."
            )
    if target is not None:
        target = _number(target, "target", 0)
        if target is None:
            raise ValueError("target must be a number or left empty.")
    return freeze, target


def validate(values, chart, denominators, phases, freeze, improvement, target, screen) -> Inputs:
    if not isinstance(chart, str) or chart not in CHART_TYPES:
        raise ValueError(f"Unknown chart type {chart!r}; choose one of: {', '.join(CHART_TYPES)}.")
    ys = _numbers(values, "Value")
    n = len(ys)
    dens = None
    if chart in RATE_CHARTS:
        if denominators is None:
            raise ValueError(
                f"A {chart} chart needs denominators (e.g. patients or bed days per period)."
            )
        dens = _numbers(denominators, "Denominator")
        if len(dens) != n:
            raise ValueError(
                f"There are {n} values but {len(dens)} denominators; give one per period."
            )
    elif denominators is not None:
        raise ValueError(f"A {chart} chart takes values only; denominators are for p, pp, u, up.")
    if chart in COUNT_CHARTS:
        _check_counts(chart, ys, dens)
    elif chart in RARE_EVENT_CHARTS:
        _check_between(chart, ys)
    bounds = phase_bounds(phases, n)
    freeze, target = check_options(improvement, freeze, bounds, target)
    if not isinstance(screen, bool | int) and type(screen).__name__ != "bool_":
        raise ValueError(f"screen must be true or false, not {screen!r}.")
    return Inputs(chart, ys, dens, bounds, freeze, IMPROVEMENT_SIGN[improvement], target,
                  bool(screen))


def _check_between(chart: str, ys: list) -> None:
    """T: times between events are > 0 (qicharts2 stops on any other); G: counts of
    opportunities or days between events are ≥ 0 (0: the next event came at once)."""
    for i, y in enumerate(ys):
        if y is None:
            continue
        if chart == "t" and y <= 0:
            raise ValueError(
                f"The time between events at position {i + 1} is {y:g}; on a T chart every "
                "time between events must be greater than 0 (two events at the same moment: "
                "use a G chart, or a finer unit of time)."
            )
        if chart == "g" and y < 0:
            raise ValueError(
                f"The count between events at position {i + 1} is negative ({y:g}); it "
                "cannot be."
            )


def _check_counts(chart: str, ys: list, dens: list | None) -> None:
    for i, y in enumerate(ys):
        if y is not None and y < 0:
            raise ValueError(f"Count at position {i + 1} is negative ({y}); counts cannot be.")
    if dens is None:
        return
    for i, (y, d) in enumerate(zip(ys, dens, strict=True)):
        if d is None:
            continue
        if d < 0:
            raise ValueError(f"Denominator at position {i + 1} is negative ({d}).")
        if 0 < d < MIN_DENOMINATOR:
            raise ValueError(
                f"Denominator at position {i + 1} ({d}) is too small to analyse; "
                f"use a unit in which it is at least {MIN_DENOMINATOR:g}."
            )
        if d == 0:
            if y:
                raise ValueError(
                    f"Position {i + 1} has a count of {y} but a denominator of 0; "
                    "correct the denominator (a period with nothing to count is 0 of 0)."
                )
            dens[i] = None  # 0 of 0: nothing to plot, as in qicharts2
        elif y is not None and chart in PROPORTION_CHARTS and y > d:
            raise ValueError(
                f"Position {i + 1} has a numerator ({y}) above its denominator ({d}); "
                "a proportion cannot exceed 1."
            )
