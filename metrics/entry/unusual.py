"""Is this value far outside the measure's history? The robust bound behind "is this right?"
(issue 15, data guardrails). Pure: no Django.

The bound is Tukey's "far out" fences (J. W. Tukey, *Exploratory Data Analysis*, 1977, ch. 2):
below Q1 − 3 × IQR or above Q3 + 3 × IQR, where Q1 and Q3 are the quartiles of the history.
For data from a normal distribution IQR ≈ 1.35 σ, so the fences lie about 4.7 σ from the
mean: a genuine period falls beyond them about once in 400,000, while a slipped decimal point
or an extra zero (a value 10× its neighbours) lands far beyond them. Quartiles, unlike the
mean and σ, are not pulled by the very mistakes being looked for.

Two guards keep it from crying wolf:
- At least ``MIN_HISTORY`` (8) values, or nothing is asked: with fewer, nobody can say what
  usual is.
- The spread used is at least 10% of the median's size (``SPREAD_FLOOR``), so a very steady
  measure (every week 140 bed days, IQR 0) asks only beyond 140 ± 42, not at 141. Where even
  that is 0 (every value 0), counts use a spread of 1 (so 4 or more asks; a ward with no
  incidents for months and then four in a week is worth a second look) and other values are
  not checked.

History is the measure's recent stored periods (``HISTORY_PERIODS``, those not being entered)
together with the rows being entered, so a first import of a year's data is checked against
itself. The candidate being in its own history moves the quartiles by at most one place.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

MIN_HISTORY = 8
FENCE = 3.0
SPREAD_FLOOR = 0.1
HISTORY_PERIODS = 52


@dataclass(frozen=True)
class Usual:
    """What a measure usually holds: the middle half of its history, and the fences."""

    q1: float
    median: float
    q3: float
    low: float
    high: float
    count: int

    def side(self, x: float) -> str | None:
        """ "above" or "below" when `x` is beyond the fences, else None."""
        if x > self.high:
            return "above"
        if x < self.low:
            return "below"
        return None


def usual_range(history: Iterable[float | None], *, counts: bool = False) -> Usual | None:
    """The fences of this history, or None when it cannot say (too short, or no spread and
    not counts). `counts`: the values are whole counts of events (a C chart's)."""
    xs = sorted(x for x in history if x is not None and math.isfinite(x))
    if len(xs) < MIN_HISTORY:
        return None
    q1, median, q3 = statistics.quantiles(xs, n=4, method="inclusive")
    spread = max(q3 - q1, SPREAD_FLOOR * abs(median))
    if spread == 0:
        if not counts:
            return None
        spread = 1.0
    return Usual(
        q1=q1,
        median=median,
        q3=q3,
        low=q1 - FENCE * spread,
        high=q3 + FENCE * spread,
        count=len(xs),
    )
