"""The funnel plot of one measure across units (metrics.spc.funnel), as Plotly JSON, and what
it says in words. Pure: no Django. Unit names come from users: escaped for Plotly's
pseudo-HTML; the sentences are plain text (the template escapes them).

Each unit is a point at (its denominator, its rate); the funnel's curves are the 2σ and 3σ
limits about the overall rate as the denominator grows. A point's marker shape says where it
lies as well as its colour does (WCAG 1.4.1): a circle within the limits, a triangle between
the 2σ and 3σ limits, a diamond beyond 3σ.
"""

from __future__ import annotations

from collections.abc import Sequence

from metrics.drawing.figure import CENTRE_COLOUR, DATA_COLOUR, LIMIT_COLOUR, NEAR_COLOUR, escape
from metrics.drawing.icons import COLOURS
from metrics.spc.explain import format_value
from metrics.spc.funnel import FunnelResult, FunnelUnit

CURVE_POINTS = 80
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d"]}
PLACES = {
    (None, None): ("within the limits", "circle"),
    ("high", None): ("above the 2σ limit", "triangle-up"),
    ("low", None): ("below the 2σ limit", "triangle-down"),
    ("high", "high"): ("above the 3σ limit", "diamond"),
    ("low", "low"): ("below the 3σ limit", "diamond"),
}


def place(unit: FunnelUnit) -> str:
    """Where a unit lies, in words."""
    if unit.value is None:
        return "no data"
    return PLACES[unit.outside2, unit.outside3][0]


def tone(unit: FunnelUnit, improvement: str) -> str | None:
    """improvement | concern | neither for a unit beyond its 2σ limits, else None."""
    side = unit.outside2
    if side is None:
        return None
    if improvement not in ("increase", "decrease"):
        return "neither"
    return "improvement" if (side == "high") == (improvement == "increase") else "concern"


def _chart(kind: str) -> str:
    return "p" if kind == "p" else "u"  # format_value's percentages for proportions


def curve(low: float, high: float) -> list[float]:
    """Denominators spread evenly on a log scale from low to high, for drawing the curves."""
    if not (0 < low < high):
        return [low] if low > 0 else []
    step = (high / low) ** (1 / (CURVE_POINTS - 1))
    return [low * step**i for i in range(CURVE_POINTS)]


def funnel_figure(
    result: FunnelResult,
    names: Sequence[str],
    links: Sequence[str],
    *,
    title: str,
    unit: str = "",
    denominator_label: str = "Denominator",
    improvement: str = "neither",
) -> dict | None:
    """Plotly JSON: the curves, the overall rate and a point per unit with data (its hover
    label escaped, its link in ``customdata`` for static/js/chart.js's drill-down)."""
    present = [
        (u, name, link)
        for u, name, link in zip(result.units, names, links, strict=True)
        if u.value is not None
    ]
    if result.target is None or not present:
        return None
    scale = 100 if result.kind == "p" else 1
    chart = _chart(result.kind)
    dens = [u.denominator for u, _, _ in present]
    xs = curve(min(dens) / 2, max(dens) * 1.5)
    limits = [result.limits_at(x) for x in xs]
    data = [
        _line(xs, [result.target * scale] * len(xs), "Overall rate", CENTRE_COLOUR, "solid", 1.5),
        _line(xs, [lim[3] * scale for lim in limits], "Upper 3σ limit", LIMIT_COLOUR, "solid"),
        _line(xs, [lim[2] * scale for lim in limits], "Lower 3σ limit", LIMIT_COLOUR, "solid"),
        _line(xs, [lim[1] * scale for lim in limits], "Upper 2σ limit", NEAR_COLOUR, "dash"),
        _line(xs, [lim[0] * scale for lim in limits], "Lower 2σ limit", NEAR_COLOUR, "dash"),
    ]
    colours = []
    for u, _, _ in present:
        t = tone(u, improvement)
        colours.append(COLOURS.get(t, DATA_COLOUR) if t else DATA_COLOUR)
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": "Teams",
            "x": dens,
            "y": [u.value * scale for u, _, _ in present],
            "customdata": [link for _, _, link in present],
            "hovertext": [
                escape(f"{name}: {format_value(u.value, chart, unit)} "
                       f"({_number(u.numerator)} of {_number(u.denominator)}), {place(u)}")
                for u, name, _ in present
            ],
            "hoverinfo": "text",
            "marker": {
                "size": 11,
                "color": colours,
                "symbol": [PLACES[u.outside2, u.outside3][1] for u, _, _ in present],
                "line": {"width": 1, "color": "#231f20"},
            },
        }
    )
    y_title = "Percentage (%)" if result.kind == "p" else (unit.strip() or "Rate")
    layout = {
        "title": {"text": escape(title), "x": 0, "xanchor": "left"},
        "xaxis": {"title": {"text": escape(denominator_label)}, "type": "log"},
        "yaxis": {"title": {"text": escape(y_title)},
                  **({"ticksuffix": "%"} if result.kind == "p" else {})},
        "template": "plotly_white",
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.25},
        "margin": {"l": 60, "r": 30, "t": 60, "b": 40},
    }
    return {"data": data, "layout": layout, "config": PLOTLY_CONFIG}


def _line(xs, ys, name, colour, dash, width=1.0) -> dict:
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": xs,
        "y": ys,
        "hoverinfo": "skip",
        "line": {"color": colour, "dash": dash, "width": width},
    }


def _number(x) -> str:
    return format_value(x, "u")


def sentences(result: FunnelResult, names: Sequence[str], *, unit: str = "",
              improvement: str = "neither", noun: str = "team") -> list[str]:
    """What the funnel says: the overall rate, then every unit beyond its limits (furthest
    first), then how many lie within."""
    chart = _chart(result.kind)
    present = [(u, n) for u, n in zip(result.units, names, strict=True) if u.value is not None]
    if result.target is None or not present:
        return [f"No {noun} has figures for this period."]
    total_n = sum(u.numerator for u, _ in present)
    total_d = sum(u.denominator for u, _ in present)
    out = [
        f"Overall rate {format_value(result.target, chart, unit)} ({_number(total_n)} over "
        f"{_number(total_d)}) across {len(present)} {noun}{'s' if len(present) != 1 else ''}."
    ]
    if result.overdispersion:
        if result.tau2 > 0:
            out.append(
                f"The {noun}s differ by more than chance alone (over-dispersion φ = "
                f"{result.phi:.2f}), so the limits are widened for it."
            )
        else:
            out.append("No over-dispersion found: the limits are the plain ones.")
    beyond = sorted(
        (p for p in present if p[0].outside2),
        key=lambda p: (-abs(p[0].z or 0), p[1].casefold()),
    )
    for u, name in beyond:
        t = tone(u, improvement)
        words = {"improvement": "improvement", "concern": "concern"}.get(t)
        suffix = f" ({words})" if words else ""
        out.append(f"{name}: {format_value(u.value, chart, unit)}, {place(u)}{suffix}.")
    inside = len(present) - len(beyond)
    if inside == 1:
        out.append(f"The {'other ' if beyond else ''}{noun} lies within the limits.")
    elif inside:
        out.append(f"{'The other' if beyond else 'All'} {inside} {noun}s lie within the limits.")
    return out
