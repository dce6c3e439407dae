"""From a measure's stored data to the engine's arguments, and back to a snapshot.

Periods run without holes from the first to the last data point at the measure's frequency;
a period with no data is a missing value kept in place (the engine never bridges it).

Rare events (T and G charts) are the exception: each data point is an event, on the day it
happened, and the chart has a point per event — a T chart the days since the event before
(so from the second event on), a G chart the opportunities since the event before, as
entered with each event. Days without an event are not missing data.
"""

import datetime as dt
from dataclasses import dataclass

from metrics import periods as P
from metrics.spc import analyse


@dataclass(frozen=True)
class ChartInput:
    periods: list[dt.date]
    kwargs: dict


def _all_periods(first: dt.date, last: dt.date, frequency: str) -> list[dt.date]:
    out = [last]
    while out[-1] > first:
        out.append(P.step_back(out[-1], frequency))
    out.reverse()
    return out


def chart_input(
    *,
    chart_type: str,
    frequency: str,
    improvement: str,
    target: float | None,
    points: list[tuple],
    phase_starts: list[dt.date],
    freeze_until: dt.date | None,
) -> ChartInput:
    """`points`: (period, value, numerator, denominator) in period order."""
    rate = chart_type in {"p", "pp", "u", "up"}
    if not points:
        return ChartInput([], {"values": [], "chart": chart_type})
    denominators: list | None = None
    if chart_type == "t":
        periods = [p[0] for p in points[1:]]
        values = [(b[0] - a[0]).days for a, b in zip(points, points[1:], strict=False)]
    elif chart_type == "g":
        periods = [p[0] for p in points]
        values = [p[1] for p in points]
    else:
        periods = _all_periods(points[0][0], points[-1][0], frequency)
        index = {period: i for i, period in enumerate(periods)}
        values = [None] * len(periods)
        denominators = [None] * len(periods) if rate else None
        for period, value, numerator, denominator in points:
            i = index.get(period)
            if i is None:  # a period not aligned to the frequency (frequency changed later)
                continue
            if rate:
                values[i], denominators[i] = numerator, denominator
            else:
                values[i] = value

    starts = sorted({_first_index_on_or_after(periods, s) for s in phase_starts} - {0, None})
    freeze = None
    if freeze_until is not None:
        first_phase_end = starts[0] if starts else len(periods)
        freeze = sum(1 for p in periods[:first_phase_end] if p <= freeze_until) or None
    if target is not None and chart_type in {"p", "pp"}:
        target = target / 100  # entered as a percentage; the engine works in proportions
    kwargs = {
        "values": values,
        "chart": chart_type,
        "denominators": denominators,
        "phases": starts or None,
        "freeze": freeze,
        "improvement": improvement,
        "target": target,
    }
    return ChartInput(periods, kwargs)


def _first_index_on_or_after(periods: list[dt.date], day: dt.date) -> int | None:
    for i, period in enumerate(periods):
        if period >= day:
            return i
    return None


def compute(chart: ChartInput) -> tuple[dict | None, str]:
    """The engine's result as JSON, or None and the reason it could not be computed."""
    if not chart.periods:
        if chart.kwargs.get("chart") == "t":
            return None, "A T chart needs two events to show the days between them."
        return None, "No data yet: enter the first period to draw the chart."
    try:
        return analyse(**chart.kwargs).to_dict(), ""
    except ValueError as error:
        return None, str(error)
