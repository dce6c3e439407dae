"""A small chart drawn as SVG on the server (no JavaScript): the points, the centre line and the
limits per phase, special causes marked by colour and shape, the PDSA cycles as numbered dotted
lines and the signals' starts as triangles at the foot. For pages that show many charts at once
(a project's evidence panel) and for print.

Pure: no Django. Every string that reaches the SVG is escaped (html.escape): change ideas'
titles and measures' names come from users.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from metrics.drawing.icons import COLOURS

POINT = {"improvement": COLOURS["improvement"], "concern": COLOURS["concern"]}
LINE, CENTRE, LIMIT, MARK = "#7f7f7f", "#231f20", "#5f5f5f", "#425563"


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def small_chart_svg(
    result: dict,
    periods: Sequence,
    *,
    label: str,
    cycles: Sequence[tuple] = (),
    signal_starts: Sequence[int] = (),
    width: int = 360,
    height: int = 120,
) -> str:
    """`periods[i]` is point i's period (dates or ISO strings); `cycles`: (date their Do began,
    number shown, title) for the dotted lines; `signal_starts`: point indices; `label`: the
    image's accessible name (say what the chart shows: the page lists the signals in words).
    "" when there is nothing to draw."""
    points = result.get("points") or []
    present = [(i, p["value"]) for i, p in enumerate(points) if p.get("value") is not None]
    if not present or len(periods) != len(points):
        return ""
    levels = [v for _, v in present]
    for p in points:
        levels += [p[k] for k in ("ucl", "lcl", "centre") if p.get(k) is not None]
    low, high = min(levels), max(levels)
    span = (high - low) or 1.0
    pad_x, pad_top, pad_foot = 6, 14, 12
    days = [_day(p) for p in periods]
    first, last = days[0], days[-1]
    total = max((last - first).days, 1)

    def x_of_day(day: dt.date) -> float:
        return round(pad_x + (day - first).days / total * (width - 2 * pad_x), 1)

    def x(i: int) -> float:
        return x_of_day(days[i])

    def y(v: float) -> float:
        return round(pad_top + (high - v) / span * (height - pad_top - pad_foot), 1)

    parts = []
    starts = sorted({ph["start"] for ph in result.get("phases") or [{"start": 0}]}) + [len(points)]
    for a, b in zip(starts, starts[1:], strict=False):
        for key, colour, dash in (
            ("centre", CENTRE, ""),
            ("ucl", LIMIT, "3 2"),
            ("lcl", LIMIT, "3 2"),
        ):
            run = [(x(i), y(points[i][key])) for i in range(a, b) if points[i].get(key) is not None]
            if len(run) > 1:
                dashed = f' stroke-dasharray="{dash}"' if dash else ""
                coords = " ".join(f"{px},{py}" for px, py in run)
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="1"{dashed} '
                    f'points="{coords}"/>'
                )
    segment: list[str] = []
    lines = []
    for i, p in enumerate(points + [{"value": None}]):
        if p.get("value") is None or i in starts[1:-1]:
            if len(segment) > 1:
                lines.append(segment)
            segment = []
        if p.get("value") is not None:
            segment.append(f"{x(i)},{y(p['value'])}")
    parts += [
        f'<polyline fill="none" stroke="{LINE}" stroke-width="1.5" points="{" ".join(s)}"/>'
        for s in lines
    ]
    for i, v in present:
        kind = points[i].get("point_type")
        if kind in POINT:  # shape as well as colour: a square for concern, a circle otherwise
            if kind == "concern":
                parts.append(
                    f'<rect x="{x(i) - 2.5}" y="{y(v) - 2.5}" width="5" height="5" '
                    f'fill="{POINT[kind]}"/>'
                )
            else:
                parts.append(f'<circle cx="{x(i)}" cy="{y(v)}" r="2.8" fill="{POINT[kind]}"/>')
    labelled_at = None  # cycles close together: a number only where it does not overlap
    for when, number, title in sorted(cycles, key=lambda c: _day(c[0])):
        day = _day(when)
        if not first <= day <= last:
            continue
        cx = x_of_day(day)
        parts.append(
            f'<line x1="{cx}" y1="{pad_top - 2}" x2="{cx}" y2="{height - pad_foot}" '
            f'stroke="{MARK}" stroke-width="1" stroke-dasharray="2 2">'
            f"<title>{escape(f'PDSA {number}: {title}')}</title></line>"
        )
        if labelled_at is None or cx - labelled_at >= 10:
            labelled_at = cx
            parts.append(
                f'<text x="{cx}" y="{pad_top - 4}" font-size="9" text-anchor="middle" '
                f'fill="{MARK}">{escape(str(number))}</text>'
            )
    for i in signal_starts:
        if 0 <= i < len(points):
            sx, base = x(i), height - 1
            parts.append(
                f'<path d="M{sx},{base - 8} L{sx - 4},{base} L{sx + 4},{base} Z" fill="{MARK}"/>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qi-small-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label, quote=True)}" focusable="false">{"".join(parts)}</svg>'
    )
