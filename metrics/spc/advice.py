"""Advice on the chart type, from a measure's own data (issue 15, data guardrails). Pure: no
Django. Each piece of advice names what was found in the data, in figures, and what to do.

- **Laney P′/U′** (Laney 2002, "Improved control charts for attributes", Quality Engineering
  14(4); qicharts2 ``qic.pp``/``qic.up``): on a P or U chart the limits come from the
  denominators alone (σᵢ = √(p̄(1 − p̄)/nᵢ), or √(ū/nᵢ)). With very large denominators they are
  so narrow that real period-to-period variation puts most points outside them. Laney's σz —
  the average moving range of zᵢ = (yᵢ − centre)/σᵢ over 1.128, as the engine computes it — says
  how many times more the periods vary than the chart allows for. Advised when at least
  ``LANEY_OUTSIDE`` (a quarter) of the points lie outside the 3σ limits: "nearly every point
  out" is the symptom the issue names, and a quarter is far beyond the 0.27% a stable process
  gives (that many outside needs σz ≳ 2.6 if the variation is normal).
- **Small denominators** on a P chart: a period with fewer than ``SMALL_N`` (10) cases moves
  in steps of 10 points of percentage or more, and its limits are wide (at p̄ = 20%, n = 5:
  ±54 points); the normal approximation behind 3σ limits wants roughly np̄ ≥ 5.
- **Trial limits**: an SPC chart with fewer than 12 points (``TRIAL_BELOW``, as the engine
  marks them) has trial limits.
- **U instead of C**: a C chart whose definition speaks of an exposure (bed days, admissions,
  caseload, "per 1,000 …"): if the exposure changes from period to period, counts rise and
  fall with it.
- **Rare events**: more than half of at least ``RARE_MIN_POINTS`` (10) periods are 0 events:
  the limits say little (the lower is 0, most points sit on it). Charting the time (T chart)
  or the opportunities (G chart) between events is the established answer (Benneyan 2001,
  "Number-between g-type statistical quality control charts", Health Care Management Science
  4; Provost & Murray, The Health Care Data Guide, 2011, ch. 7).
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from metrics.spc.engine import TRIAL_BELOW
from metrics.spc.limits import D2

LANEY_OUTSIDE = 0.25
LANEY_MIN_POINTS = 12
SMALL_N = 10
RARE_MIN_POINTS = 10
EXPOSURE_WORDS = re.compile(
    r"\bbed[ -]?days?\b|\boccupied\b|\badmissions?\b|\bcaseloads?\b|\bcontacts?\b"
    r"|\bdischarges?\b|\bper\s+(?:1[,\s]?000|100|10[,\s]?000)\b|\brate\b",
    re.IGNORECASE,
)
CHART_NAMES = {"p": "P chart", "u": "U chart", "pp": "Laney P′ chart", "up": "Laney U′ chart"}
SPC_CHARTS = frozenset({"xmr", "c", "p", "pp", "u", "up"})


@dataclass(frozen=True)
class Advice:
    """One piece of advice: `kind` (laney, small_denominators, trial_limits, use_u,
    rare_events), a short `title` and the plain-text `text` (the renderer escapes it)."""

    kind: str
    title: str
    text: str
    suggested_chart: str | None = None


@dataclass(frozen=True)
class Laney:
    """What a P or U chart's points look like against its own limits: centre, σz, how many of
    `points` lie outside the 3σ limits."""

    centre: float
    sigma_z: float
    outside: int
    points: int


def _present(values, denominators):
    pairs = []
    for y, n in zip(values, denominators, strict=True):
        if y is None or n is None or not math.isfinite(y) or not math.isfinite(n) or n <= 0:
            continue
        pairs.append((y, n))
    return pairs


def laney(chart: str, numerators: Sequence, denominators: Sequence) -> Laney | None:
    """σz and the points outside the P (or U) chart's limits, over all present points (None
    with fewer than two, or when every σᵢ is 0). `chart` is "p"/"pp" or "u"/"up"."""
    pairs = _present(numerators, denominators)
    if len(pairs) < 2:
        return None
    centre = math.fsum(y for y, _ in pairs) / math.fsum(n for _, n in pairs)
    proportion = chart in {"p", "pp"}
    if proportion and not 0 < centre < 1 or not proportion and centre <= 0:
        return None
    spread = centre * (1 - centre) if proportion else centre
    z, outside = [], 0
    for y, n in pairs:
        sigma = math.sqrt(spread / n)
        rate = y / n
        z.append((rate - centre) / sigma)
        outside += abs(rate - centre) > 3 * sigma
    moving = [abs(b - a) for a, b in zip(z, z[1:], strict=False)]
    return Laney(
        centre=centre,
        sigma_z=statistics.fmean(moving) / D2,
        outside=outside,
        points=len(pairs),
    )


def _n(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.3g}"


def advise(
    chart: str,
    values: Sequence,
    denominators: Sequence | None = None,
    *,
    definition: str = "",
) -> list[Advice]:
    """Advice for a measure drawn as `chart` with these `values` (numerators for P/U charts)
    and `denominators`, oldest first; `definition` is its operational definition and unit."""
    found: list[Advice] = []
    denominators = list(denominators) if denominators is not None else [None] * len(values)
    present = [v for v in values if v is not None and math.isfinite(v)]

    if chart in {"p", "u"}:
        seen = laney(chart, values, denominators)
        if (
            seen is not None
            and seen.points >= LANEY_MIN_POINTS
            and seen.outside >= LANEY_OUTSIDE * seen.points
        ):
            sizes = [n for _, n in _present(values, denominators)]
            laney_chart = "pp" if chart == "p" else "up"
            found.append(
                Advice(
                    "laney",
                    f"Consider a {CHART_NAMES[laney_chart]}",
                    f"{seen.outside} of {seen.points} points lie outside this "
                    f"{CHART_NAMES[chart]}'s limits. Its limits come from the denominators "
                    f"alone, and with denominators this large (median "
                    f"{_n(statistics.median(sizes))} a period) they are too narrow for the "
                    f"ordinary variation from period to period. Laney's σz measures that "
                    f"variation: here σz = {seen.sigma_z:.2f}, so the periods vary "
                    f"{seen.sigma_z:.1f} times as much as the {CHART_NAMES[chart]} allows for "
                    f"(1 would mean it fits). A {CHART_NAMES[laney_chart]} widens every "
                    "limit by σz, so it signals only what stands out from that variation. "
                    f"Change the chart type to “{CHART_NAMES[laney_chart]}”.",
                    suggested_chart=laney_chart,
                )
            )

    if chart in {"p", "pp"}:
        small = [n for n in denominators if n is not None and 0 < n < SMALL_N]
        if small:
            found.append(
                Advice(
                    "small_denominators",
                    "Very small denominators",
                    f"{len(small)} of {len(present)} periods have fewer than {SMALL_N} cases "
                    f"(the smallest {_n(min(small))}). A proportion of so few moves in steps of "
                    f"more than {100 / SMALL_N:.0f} percentage points ({100 / min(small):.0f} "
                    "in the smallest) and its limits are very wide, so those periods can hardly "
                    "signal. Consider a longer period (monthly instead of weekly), or combining "
                    "with a similar team's cases.",
                )
            )

    if chart in SPC_CHARTS and 0 < len(present) < TRIAL_BELOW:
        more = TRIAL_BELOW - len(present)
        found.append(
            Advice(
                "trial_limits",
                "Trial limits",
                f"Only {len(present)} point{'s' if len(present) != 1 else ''} so far: the "
                "limits are trial limits, from too few points to rely on. Read signals with "
                f"care; the limits settle with {TRIAL_BELOW} points ({more} more).",
            )
        )

    if chart == "c":
        cue = EXPOSURE_WORDS.search(definition or "")
        if cue:
            found.append(
                Advice(
                    "use_u",
                    "Consider a U chart",
                    f"The definition mentions “{cue.group(0)}”. If that exposure changes from "
                    "period to period, the counts rise and fall with it, not only with the "
                    "process. A U chart (events per unit of exposure, e.g. per 1,000 occupied "
                    "bed days) takes it into account: enter the count and the exposure each "
                    "period.",
                    suggested_chart="u",
                )
            )

    if chart in {"c", "u", "up", "p", "pp"} and len(present) >= RARE_MIN_POINTS:
        zeros = sum(1 for v in present if v == 0)
        if zeros * 2 > len(present):
            found.append(
                Advice(
                    "rare_events",
                    "Rare events",
                    f"{zeros} of {len(present)} periods had no events. With events this rare "
                    "the limits say little: the lower limit is 0 and most points sit on it, so "
                    "an improvement cannot show. Chart the time between events (a T chart) or "
                    "the number of opportunities between events (a G chart) instead: a new "
                    "measure of either kind takes the date of each event.",
                )
            )
    return found
