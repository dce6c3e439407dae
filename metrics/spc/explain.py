"""Plain-English reading of an SPC result: what the chart says, in sentences.

Consumes the engine's ``result.to_dict()`` (DESIGN §5) — the same JSON a chart snapshot stores —
so it works on fresh results and stored snapshots alike. Pure: no Django, no Plotly.

Everything returned is plain text. Escaping is the renderer's job (Django autoescape, or
``metrics.drawing.figure.escape`` for Plotly); nothing here builds markup, so escaping is never
double.
The sentences are the ones hover labels, screen readers and text alternatives all use.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Sentence",
    "explain",
    "format_date",
    "format_value",
    "point_label_parts",
    "point_labels",
]

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
PERCENT_CHARTS = frozenset({"p", "pp"})
TREND_MIN_POINTS = 7
MAX_LISTED_DATES = 6
FREQUENCY_PLURALS = {"day": "days", "week": "weeks", "month": "months"}
TONE_WORDS = {
    "improvement": "improvement",
    "concern": "concern",
    "neither": "neither improvement nor concern",
}
POINT_TYPE_WORDS = {
    "improvement": "special cause: improvement",
    "concern": "special cause: concern",
    "neither_high": "special cause: neither improvement nor concern",
    "neither_low": "special cause: neither improvement nor concern",
    "common_cause": "common cause variation",
}


@dataclass(frozen=True)
class Sentence:
    """One statement about a chart.

    ``kind`` is one of: centre, trial_limits, outside, shift, trend, two_of_three, runs,
    common_cause, assurance. ``tone`` is improvement, concern, neither or None (for styling).
    ``phase`` is the 0-based phase the sentence is about, or None for the whole chart.
    """

    kind: str
    text: str
    tone: str | None = None
    phase: int | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class _Run:
    start: int
    end: int  # inclusive
    high: bool  # above the centre line (shift, outside) / rising (trend)

    @property
    def length(self) -> int:
        return self.end - self.start + 1


# ---------------------------------------------------------------- formatting


def format_date(value) -> str:
    """'3 March 2025' for a date, datetime or ISO date string — no locale, no leading zero."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _format_number(x: float) -> str:
    if float(x).is_integer():
        return f"{int(x):,}"
    magnitude = abs(x)
    if magnitude >= 100:
        text = f"{x:,.0f}"
    elif magnitude >= 10:
        text = f"{x:.1f}"
    elif magnitude >= 1:
        text = f"{x:.2f}"
    else:
        text = f"{x:.3g}"
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_value(x, chart: str = "xmr", unit: str = "") -> str:
    """A value as people read it: proportions as percentages on p/p' charts, else with its unit."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "no data"
    if chart in PERCENT_CHARTS:
        return f"{_format_number(round(x * 100, 1))}%"
    text = _format_number(x)
    unit = (unit or "").strip()
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _when(i: int, periods) -> str:
    return format_date(periods[i]) if periods is not None else f"point {i + 1}"


def _list_when(indices: Sequence[int], periods) -> str:
    shown = [_when(i, periods) for i in indices[:MAX_LISTED_DATES]]
    extra = len(indices) - len(shown)
    return ", ".join(shown) + (f" and {extra} more" if extra > 0 else "")


def _span(run: _Run, periods) -> str:
    return f"from {_when(run.start, periods)} to {_when(run.end, periods)}"


def _points(n: int) -> str:
    return f"{n} point" if n == 1 else f"{n} points"


# ---------------------------------------------------------------- reading the flags


def _present(p: dict) -> bool:
    v = p.get("value")
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def _above(p: dict) -> bool | None:
    """True above the centre line, False below, None on it or unknown."""
    if not _present(p) or p.get("centre") is None or p["value"] == p["centre"]:
        return None
    return p["value"] > p["centre"]


def _phase_ranges(result: dict) -> list[tuple[int, int]]:
    n = len(result["points"])
    phases = result.get("phases") or [{"start": 0, "end": n}]
    return [(ph["start"], ph["end"]) for ph in phases]


def _shift_runs(points: list[dict], start: int, end: int) -> list[_Run]:
    runs: list[_Run] = []
    i = start
    while i < end:
        side = _above(points[i]) if points[i].get("shift") else None
        if side is None:
            i += 1
            continue
        j = i
        while j + 1 < end and points[j + 1].get("shift") and _above(points[j + 1]) is side:
            j += 1
        runs.append(_Run(i, j, side))
        i = j + 1
    return runs


def _trend_runs(points: list[dict], start: int, end: int) -> list[_Run]:
    """Split each block of trend-flagged points into its monotone trends (a peak can be shared)."""
    runs: list[_Run] = []
    i = start
    while i < end:
        if not (points[i].get("trend") and _present(points[i])):
            i += 1
            continue
        j = i
        while j + 1 < end and points[j + 1].get("trend") and _present(points[j + 1]):
            j += 1
        runs.extend(_monotone_segments(points, i, j))
        i = j + 1
    return runs


def _monotone_segments(points: list[dict], first: int, last: int) -> list[_Run]:
    segments: list[_Run] = []
    k = first
    while k < last:
        rising = points[k + 1]["value"] > points[k]["value"]
        m = k
        while (
            m < last
            and points[m + 1]["value"] != points[m]["value"]
            and ((points[m + 1]["value"] > points[m]["value"]) is rising)
        ):
            m += 1
        if m > k:
            segments.append(_Run(k, m, rising))
        k = max(m, k + 1)
    long_enough = [s for s in segments if s.length >= TREND_MIN_POINTS]
    if long_enough or not segments:
        return long_enough
    return [max(segments, key=lambda s: s.length)]


def _flagged(points: list[dict], start: int, end: int, flag: str, high: bool) -> list[int]:
    return [
        i
        for i in range(start, end)
        if points[i].get(flag) and _present(points[i]) and _above(points[i]) is high
    ]


def _improvement(result: dict, improvement: str | None) -> str | None:
    """The improving direction, given or inferred from the engine's point types."""
    if improvement is not None:
        return improvement
    variation = result.get("variation") or ""
    if variation in ("improvement_high", "concern_low"):
        return "increase"
    if variation in ("improvement_low", "concern_high"):
        return "decrease"
    points = result["points"]
    if any(p.get("point_type") in ("neither_high", "neither_low") for p in points):
        return "neither"
    directions = {}
    for start, end in _phase_ranges(result):
        for run in _trend_runs(points, start, end):
            for i in range(run.start, run.end + 1):
                directions[i] = run.high
    for i, p in enumerate(points):
        kind = p.get("point_type")
        if kind not in ("improvement", "concern"):
            continue
        high = directions.get(i) if p.get("trend") else _above(p)
        if high is None:
            continue
        return "increase" if high == (kind == "improvement") else "decrease"
    return None


def _tone(high: bool, improvement: str | None) -> str | None:
    if improvement == "neither":
        return "neither"
    if improvement not in ("increase", "decrease"):
        return None
    return "improvement" if high == (improvement == "increase") else "concern"


def _with_tone(text: str, tone: str | None) -> str:
    return f"{text} ({TONE_WORDS[tone]})" if tone else text


# ---------------------------------------------------------------- sentences


def _centre_word(result: dict) -> str:
    # G charts draw the median (their limits come from the mean); a T chart's centre is the
    # mean of the transformed times, transformed back: a centre line, not a plain mean.
    chart = result["chart"]
    return "median" if chart in ("run", "g") else "centre line" if chart == "t" else "mean"


def _centre_sentence(result, k, start, end, periods, unit, several) -> Sentence:
    points = result["points"][start:end]
    chart = result["chart"]
    phases = result.get("phases") or []
    phase = phases[k] if k < len(phases) else {}
    centre = phase.get("centre")
    if centre is None:
        centre = next((p["centre"] for p in points if p.get("centre") is not None), None)
    word = _centre_word(result)
    lead = word.capitalize()
    if several:
        lead = f"Phase {k + 1} (from {_when(start, periods)}): {word}"
    if centre is None or not any(_present(p) for p in points):
        return Sentence("centre", f"{lead}: no data", phase=k)
    text = f"{lead} {format_value(centre, chart, unit)}"
    # rounded so float noise between equal limits never reads as varying limits
    ucls = {round(p["ucl"], 9) for p in points if p.get("ucl") is not None}
    lcls = {round(p["lcl"], 9) for p in points if p.get("lcl") is not None}
    if len(ucls) > 1 or len(lcls) > 1:
        text += "; limits vary with the denominator"
    elif ucls and lcls:
        low, high = (format_value(v, chart, unit) for v in (lcls.pop(), ucls.pop()))
        text += f"; limits {low} to {high}"
    elif ucls:
        text += f"; upper limit {format_value(ucls.pop(), chart, unit)}"
    elif lcls:
        text += f"; lower limit {format_value(lcls.pop(), chart, unit)}"
    return Sentence("centre", text, phase=k)


def _special_sentences(result, k, start, end, periods, improvement) -> list[Sentence]:
    points = result["points"]
    word = _centre_word(result)
    out: list[Sentence] = []
    for high, where in ((True, "above the upper limit"), (False, "below the lower limit")):
        idx = _flagged(points, start, end, "outside_limits", high)
        if idx:
            tone = _tone(high, improvement)
            text = f"{_points(len(idx))} {where}: {_list_when(idx, periods)}"
            out.append(Sentence("outside", _with_tone(text, tone), tone, k))
    for run in _shift_runs(points, start, end):
        tone = _tone(run.high, improvement)
        side = "above" if run.high else "below"
        text = f"Shift: {run.length} points {side} the {word} {_span(run, periods)}"
        out.append(Sentence("shift", _with_tone(text, tone), tone, k))
    for run in _trend_runs(points, start, end):
        tone = _tone(run.high, improvement)
        way = "rising" if run.high else "falling"
        text = f"Trend: {run.length} points {way} {_span(run, periods)}"
        out.append(Sentence("trend", _with_tone(text, tone), tone, k))
    for high, limit in ((True, "upper"), (False, "lower")):
        idx = _flagged(points, start, end, "two_of_three", high)
        if idx:
            tone = _tone(high, improvement)
            text = (
                f"{_points(len(idx))} near the {limit} limit (2 of 3 rule): "
                f"{_list_when(idx, periods)}"
            )
            out.append(Sentence("two_of_three", _with_tone(text, tone), tone, k))
    return out


def _runs_sentences(phase: dict, k: int) -> list[Sentence]:
    out = []
    longest, longest_max = phase.get("longest_run"), phase.get("longest_run_max")
    if longest is not None and longest_max is not None and longest > longest_max:
        text = (
            f"Runs analysis: the longest run ({longest}) is longer than expected "
            f"(≤ {longest_max}) — the process has changed"
        )
        out.append(Sentence("runs", text, phase=k))
    crossings, crossings_min = phase.get("crossings"), phase.get("crossings_min")
    if crossings is not None and crossings_min is not None and crossings < crossings_min:
        noun = "crossing" if crossings == 1 else "crossings"
        text = (
            f"Runs analysis: only {crossings} {noun} of the centre line where at least "
            f"{crossings_min} are expected — the process has changed"
        )
        out.append(Sentence("runs", text, phase=k))
    return out


def _assurance_sentence(result, target, unit, frequency) -> Sentence | None:
    assurance = result.get("assurance")
    if assurance not in ("pass", "fail", "hit_or_miss"):
        return None
    the_target = "The target"
    if target is not None:
        the_target += f" of {format_value(target, result['chart'], unit)}"
    if assurance == "hit_or_miss":
        periods = FREQUENCY_PLURALS.get(frequency or "", "periods")
        text = (
            f"{the_target} lies within the limits: it will be met in some {periods} "
            "and missed in others"
        )
        return Sentence("assurance", text, None)
    outcome = "met" if assurance == "pass" else "missed"
    text = f"{the_target} lies outside the limits: it will be consistently {outcome}"
    return Sentence("assurance", text, "improvement" if assurance == "pass" else "concern")


def explain(
    result: dict,
    *,
    periods: Sequence | None = None,
    unit: str = "",
    target: float | None = None,
    frequency: str | None = None,
    improvement: str | None = None,
) -> list[Sentence]:
    """What the chart says, phase by phase, then what it says about the target.

    ``periods``: dates (or ISO strings), one per point, to name dates instead of point numbers.
    ``improvement``: increase | decrease | neither; inferred from the point types when None.
    ``target`` is in the plotted scale (a proportion on p/p' charts); ``frequency`` is
    day | week | month.
    """
    _check_periods(result, periods)
    improvement = _improvement(result, improvement)
    ranges = _phase_ranges(result)
    several = len(ranges) > 1
    phases = result.get("phases") or [{} for _ in ranges]
    sentences: list[Sentence] = []
    for k, ((start, end), phase) in enumerate(zip(ranges, phases, strict=True)):
        sentences.append(_centre_sentence(result, k, start, end, periods, unit, several))
        if phase.get("trial_limits") and result["chart"] != "run":
            text = "Too few points for reliable limits: these are trial limits"
            sentences.append(Sentence("trial_limits", text, phase=k))
        signals = _special_sentences(result, k, start, end, periods, improvement)
        signals += _runs_sentences(phase, k)
        if not signals and any(_present(p) for p in result["points"][start:end]):
            text = "Common cause variation only: no signal of change"
            signals.append(Sentence("common_cause", text, phase=k))
        sentences.extend(signals)
    assurance = _assurance_sentence(result, target, unit, frequency)
    if assurance is not None:
        sentences.append(assurance)
    return sentences


# ---------------------------------------------------------------- per point


def point_label_parts(
    result: dict, periods: Sequence | None = None, unit: str = ""
) -> list[list[str]]:
    """For each point: [when and value, each rule it triggers…, its type] as plain text."""
    _check_periods(result, periods)
    points, chart = result["points"], result["chart"]
    word = _centre_word(result)
    notes: list[list[str]] = [[] for _ in points]
    for start, end in _phase_ranges(result):
        for i in range(start, end):
            p = points[i]
            if p.get("outside_limits") and _above(p) is not None:
                notes[i].append("above the upper limit" if _above(p) else "below the lower limit")
        for run in _shift_runs(points, start, end):
            side = "above" if run.high else "below"
            for i in range(run.start, run.end + 1):
                notes[i].append(f"part of a shift of {run.length} points {side} the {word}")
        for run in _trend_runs(points, start, end):
            way = "rising" if run.high else "falling"
            for i in range(run.start, run.end + 1):
                notes[i].append(f"part of a {way} trend of {run.length} points")
        for i in range(start, end):
            p = points[i]
            if p.get("two_of_three") and _above(p) is not None:
                limit = "upper" if _above(p) else "lower"
                notes[i].append(f"2 of 3 points near the {limit} limit")
    labels = []
    for i, p in enumerate(points):
        when = _when(i, periods)
        if not _present(p):
            labels.append([f"{when[0].upper()}{when[1:]}: no data"])
            continue
        parts = [f"{when[0].upper()}{when[1:]}: {format_value(p['value'], chart, unit)}"]
        parts.extend(notes[i])
        kind = p.get("point_type")
        if chart != "run" and kind in POINT_TYPE_WORDS:
            parts.append(POINT_TYPE_WORDS[kind])
        labels.append(parts)
    return labels


def point_labels(result: dict, periods: Sequence | None = None, unit: str = "") -> list[str]:
    """One hover / screen-reader string per point, e.g.
    '3 March 2025: 41 days; above the upper limit; special cause: concern'."""
    return ["; ".join(parts) for parts in point_label_parts(result, periods, unit)]


def _check_periods(result: dict, periods) -> None:
    if periods is not None and len(periods) != len(result["points"]):
        raise ValueError(f"{len(periods)} periods given for {len(result['points'])} points")
