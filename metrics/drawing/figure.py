"""The Plotly figure of an SPC result (the engine's ``to_dict()``, DESIGN §5).

Pure: Plotly, no Django. Plotly renders HTML-like tags in titles, legend names, hover text and
annotations, so every string that reaches the figure passes through ``escape`` first — measure
names, units and PDSA titles come from users. The one piece of markup we add is ``<br>``
between the escaped parts of a hover label.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import plotly.graph_objects as go

from metrics.drawing.icons import COLOURS
from metrics.drawing.text import text_alternative
from metrics.spc.explain import PERCENT_CHARTS, format_date, format_value, point_label_parts
from metrics.spc.validation import RARE_EVENT_CHARTS

__all__ = ["POINT_COLOURS", "POINT_SYMBOLS", "build_figure", "escape", "text_alternative"]

POINT_COLOURS = {
    "common_cause": COLOURS["common_cause"],
    "improvement": COLOURS["improvement"],
    "concern": COLOURS["concern"],
    "neither_high": COLOURS["neither"],
    "neither_low": COLOURS["neither"],
}
# Colour is never the only signal (WCAG 1.4.1): each kind of point has its own marker shape,
# drawn the same in the legend, so the chart reads in greyscale and to colour-blind eyes.
POINT_SYMBOLS = {
    "common_cause": "circle",
    "improvement": "diamond",
    "concern": "square",
    "neither_high": "triangle-up",
    "neither_low": "triangle-up",
}
POINT_TYPE_NAMES = {
    "improvement": "Special cause: improvement",
    "concern": "Special cause: concern",
    "neither_high": "Special cause: neither",
}
DATA_COLOUR = "#7f7f7f"
CENTRE_COLOUR = "#231f20"
LIMIT_COLOUR = "#5f5f5f"
NEAR_COLOUR = "#a6a6a6"
TARGET_COLOUR = "#d5281b"
ANNOTATION_COLOUR = "#425563"
MAX_ANNOTATION_CHARS = 40

# Plotly.js decodes only numeric entities and a few named ones (not &quot;), so quotes go numeric.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})


def escape(text) -> str:
    """Text made inert for Plotly's pseudo-HTML (titles, names, hover text, annotations)."""
    return str(text).translate(_ESCAPES)


def _x(value) -> str | int:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, int) else str(value)[:10]


def _when(x) -> str:
    return f"Point {x}" if isinstance(x, int) else format_date(x)


def _scale(chart: str, value):
    if value is None:
        return None
    return value * 100 if chart in PERCENT_CHARTS else value


def _phases(result: dict) -> list[dict]:
    return result.get("phases") or [{"start": 0, "end": len(result["points"])}]


def _data_trace(result, xs, periods, name, unit) -> go.Scatter:
    chart, points = result["chart"], result["points"]
    hover = [
        "<br>".join(escape(part) for part in parts)
        for parts in point_label_parts(result, periods, unit)
    ]
    colours = [POINT_COLOURS.get(p.get("point_type") or "", DATA_COLOUR) for p in points]
    symbols = [POINT_SYMBOLS.get(p.get("point_type") or "", "circle") for p in points]
    special = [p.get("point_type") not in (None, "common_cause") for p in points]
    return go.Scatter(
        x=xs,
        y=[_scale(chart, p.get("value")) for p in points],
        mode="lines+markers",
        name=escape(name),
        legendgroup="data",
        line={"color": DATA_COLOUR, "width": 1.5},
        connectgaps=False,
        marker={
            "color": colours,
            "symbol": symbols,
            "size": [10 if s else 7 for s in special],
            "line": {"color": "#ffffff", "width": 1},
        },
        hovertext=hover,
        hoverinfo="text",
    )


def _step_traces(result, xs, unit, key, label, colour, width, dash) -> list[go.Scatter]:
    """One trace per phase, so phases break apart and trial phases can be dashed."""
    chart, points = result["chart"], result["points"]
    traces, shown = [], set()
    for phase in _phases(result):
        start, end = phase["start"], phase["end"]
        ys = [_scale(chart, p.get(key)) for p in points[start:end]]
        if all(y is None for y in ys):
            continue
        trial = bool(phase.get("trial_limits")) and chart != "run"
        name = f"{label} (trial)" if trial else label
        hover = [
            None if y is None else escape(f"{name}: {format_value(p.get(key), chart, unit)}")
            for y, p in zip(ys, points[start:end], strict=True)
        ]
        traces.append(
            go.Scatter(
                x=xs[start:end],
                y=ys,
                mode="lines",
                name=name,
                legendgroup=f"{key}-{trial}",
                showlegend=(key, trial) not in shown,
                connectgaps=False,
                line={
                    "color": colour,
                    "width": width,
                    "shape": "hvh",
                    "dash": "dash" if trial else dash,
                },
                hovertext=hover,
                hoverinfo="text",
            )
        )
        shown.add((key, trial))
    return traces


def _legend_traces(result) -> list[go.Scatter]:
    present = {p.get("point_type") for p in result["points"]}
    present |= {"neither_high"} if "neither_low" in present else set()
    return [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=name,
            hoverinfo="skip",
            marker={"color": POINT_COLOURS[key], "symbol": POINT_SYMBOLS[key], "size": 10},
        )
        for key, name in POINT_TYPE_NAMES.items()
        if key in present
    ]


def _target_trace(result, xs, target, unit) -> go.Scatter:
    text = escape(f"Target: {format_value(target, result['chart'], unit)}")
    y = _scale(result["chart"], target)
    return go.Scatter(
        x=[xs[0], xs[-1]],
        y=[y, y],
        mode="lines",
        name=text,
        hovertext=[text, text],
        hoverinfo="text",
        line={"color": TARGET_COLOUR, "width": 2, "dash": "dash"},
    )


def _signal_layout(marks) -> list[dict]:
    """A signal's start marked at the chart's foot; an arrow runs to it along the foot from the
    period its nearest test of change began (that cycle's dotted line is drawn already)."""
    labels = []
    for when, label, sentence, cycle_when in marks:
        x = _x(when)
        mark = {
            "x": x,
            "xref": "x",
            "y": 0,
            "yref": "paper",
            "yanchor": "bottom",
            "text": escape(label),
            "hovertext": escape(sentence),
            "showarrow": True,
            "arrowhead": 2,
            "arrowcolor": ANNOTATION_COLOUR,
            "font": {"size": 10, "color": ANNOTATION_COLOUR},
            "bgcolor": "rgba(255,255,255,0.85)",
        }
        if cycle_when is not None and _x(cycle_when) != x:
            mark.update(axref="x", ax=_x(cycle_when), ayref="pixel", ay=0, standoff=2)
        else:
            mark.update(ax=0, ay=-24)
        labels.append(mark)
    return labels


def _annotation_layout(annotations) -> tuple[list[dict], list[dict]]:
    shapes, labels = [], []
    for when, title in annotations:
        title = str(title)
        short = title if len(title) <= MAX_ANNOTATION_CHARS else title[:MAX_ANNOTATION_CHARS] + "…"
        x = _x(when)
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "line": {"color": ANNOTATION_COLOUR, "width": 1, "dash": "dot"},
            }
        )
        labels.append(
            {
                "x": x,
                "xref": "x",
                "y": 1,
                "yref": "paper",
                "text": escape(short),
                "hovertext": escape(f"{_when(x)}: {title}"),
                "showarrow": False,
                "textangle": -90,
                "xanchor": "right",
                "yanchor": "top",
                "font": {"size": 10, "color": ANNOTATION_COLOUR},
            }
        )
    return shapes, labels


def build_figure(
    result: dict,
    periods: Sequence | None,
    *,
    name: str,
    unit: str = "",
    target: float | None = None,
    annotations: Iterable[tuple] = (),
    improvement: str | None = None,
    signal_marks: Iterable[tuple] = (),
) -> go.Figure:
    """Data with special causes marked, centre, limits and 2σ limits per phase, target and
    PDSA markers. ``periods``: dates (or ISO strings) per point, or None for point numbers.
    ``target`` is in the plotted scale (a proportion on p/p' charts, drawn as a percentage).
    ``improvement`` (increase | decrease) is stated on the y axis ("higher is better"); point
    colours and marker shapes come from the engine's point types. ``signal_marks``: (period a
    signal began, short label, its sentence, period its nearest cycle's Do began or None), each
    drawn at the foot of the chart, with an arrow from the cycle to the signal where there is
    one (metrics.evidence)."""
    chart, n = result["chart"], len(result["points"])
    if periods is not None and len(periods) != n:
        raise ValueError(f"{len(periods)} periods given for {n} points")
    xs = [_x(p) for p in periods] if periods is not None else list(range(1, n + 1))
    centre = {"run": "Median", "g": "Median", "t": "Centre line"}.get(chart, "Mean")
    traces = [
        *_step_traces(result, xs, unit, "centre", centre, CENTRE_COLOUR, 1.5, "solid"),
        *_step_traces(result, xs, unit, "ucl", "Upper limit", LIMIT_COLOUR, 1.5, "solid"),
        *_step_traces(result, xs, unit, "lcl", "Lower limit", LIMIT_COLOUR, 1.5, "solid"),
        *_step_traces(result, xs, unit, "near_ucl", "Upper 2σ limit", NEAR_COLOUR, 1, "dot"),
        *_step_traces(result, xs, unit, "near_lcl", "Lower 2σ limit", NEAR_COLOUR, 1, "dot"),
    ]
    if target is not None and n:
        traces.append(_target_trace(result, xs, target, unit))
    traces.append(_data_trace(result, xs, periods, name, unit))
    traces.extend(_legend_traces(result))
    fig = go.Figure(traces)
    shapes, labels = _annotation_layout(annotations)
    labels.extend(_signal_layout(signal_marks))
    if target is not None and n:
        labels.append(
            {
                "x": 1,
                "xref": "paper",
                "xanchor": "left",
                "y": _scale(chart, target),
                "yref": "y",
                "text": escape(f"Target {format_value(target, chart, unit)}"),
                "showarrow": False,
                "font": {"color": TARGET_COLOUR, "size": 11},
            }
        )
    fig.update_layout(
        title={"text": escape(name), "x": 0, "xanchor": "left"},
        xaxis={"title": {"text": _x_title(chart, periods)}},
        yaxis=_y_axis(chart, unit, improvement),
        shapes=shapes,
        annotations=labels,
        template="plotly_white",
        hovermode="closest",
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 90, "t": 60, "b": 40},
    )
    return fig


def _x_title(chart: str, periods) -> str:
    if periods is None:
        return "Point"
    return "Date of the event" if chart in RARE_EVENT_CHARTS else "Period"


def _y_axis(chart: str, unit: str, improvement: str | None) -> dict:
    better = {"increase": " (higher is better)", "decrease": " (lower is better)"}
    suffix = better.get(improvement or "", "")
    if chart in PERCENT_CHARTS:
        return {"title": {"text": f"Percentage (%){suffix}"}, "ticksuffix": "%"}
    default = {
        "c": "Count",
        "u": "Rate",
        "up": "Rate",
        "t": "Days between events",
        "g": "Opportunities between events",
    }.get(chart, "Value")
    return {"title": {"text": escape(unit.strip() or default) + suffix}}
