"""The chart part of the measure page, read from the stored snapshot (never recomputed here):
the Plotly figure, the signals in words, the text alternative and the Making Data Count icons.

The figure goes to the browser as JSON in a ``<script type="application/json">`` element, escaped
as Django's ``json_script`` escapes it (<, > and & as \\u003C, \\u003E, \\u0026), and every user
string in it was already escaped for Plotly by ``build_figure``. The escaped JSON text is what
the cache keeps, so a request neither re-serialises the figure nor unpickles it as objects.
"""

import hashlib
import json
import logging

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from metrics.dashboards.evidence import measure_findings
from metrics.drawing.figure import build_figure
from metrics.drawing.icons import (
    assurance_icon_svg,
    assurance_label,
    variation_icon_svg,
    variation_label,
)
from metrics.drawing.text import text_alternative
from metrics.evidence import rebaseline_suggestion
from metrics.models import ChartSnapshot
from metrics.spc.explain import explain, format_value

logger = logging.getLogger(__name__)

try:  # the Redis cache backend raises redis' own errors when Redis is down
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is installed with the app
    RedisError = OSError
CACHE_ERRORS = (RedisError, ConnectionError, OSError)
CACHE_SECONDS = 24 * 3600
# django.utils.html.json_script's escapes: no "</script>" or markup can appear in the JSON text.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d"]}


def _icon(svg: str):
    # metrics.drawing.icons builds the SVG from fixed parts and escapes every string it interpolates
    # (its contract), so its output is markup; nothing user-typed reaches it.
    return mark_safe(svg)  # noqa: S308


def plotted_target(measure):
    """The target in the engine's scale: P charts store a percentage, the engine a proportion."""
    if measure.target is None:
        return None
    return measure.target / 100 if measure.is_proportion else measure.target


def cycle_markers(cycles, periods) -> list[tuple]:
    """(Do start date, "PDSA n: change idea") for the cycles from the chart's first period on;
    earlier ones would only stretch the axis back over empty time."""
    first = periods[0] if periods else None
    return [
        (c.do_started_on.isoformat(), f"PDSA {c.number}: {c.change_idea.title}")
        for c in cycles
        if first is None or c.do_started_on.isoformat() >= first
    ]


SIGNAL_LABELS = {
    "shift": "Shift",
    "trend": "Trend",
    "outside_limits": "Outside limits",
    "two_of_three": "Two of three",
}


def evidence_of(measure, result: dict, periods, cycles) -> list:
    """The chart's signals, each with the tests of change before it (metrics.evidence)."""
    return measure_findings(
        frequency=measure.frequency,
        improvement=measure.improvement,
        result=result,
        periods=periods,
        cycles=cycles,
    )


def signal_marks(found) -> tuple:
    """What the figure marks of each signal (metrics.drawing.figure.build_figure)."""
    return tuple(
        (
            f.first_period.isoformat(),
            SIGNAL_LABELS[f.signal.rule],
            f.sentence,
            f.links[0].cycle.do_started_on.isoformat() if f.links else None,
        )
        for f in found
    )


def _fingerprint(measure, snapshot, markers, marks=()) -> str:
    """Everything the drawing depends on, so a cached drawing is never out of date."""
    parts = (
        measure.pk,
        measure.name,
        measure.unit,
        measure.target,
        measure.improvement,
        measure.frequency,
        measure.chart_type,
        snapshot.pk,
        snapshot.data_version,
        snapshot.computed_at.isoformat() if snapshot.computed_at else None,
        markers,
        marks,
    )
    return "measure-chart:v3:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def figure_json(figure: dict) -> str:
    """The figure as json_script writes it: JSON with <, > and & escaped, safe in a <script>."""
    return json.dumps(figure, cls=DjangoJSONEncoder).translate(JSON_SCRIPT_ESCAPES)


def _draw(measure, result, periods, markers, marks=()) -> dict:
    target = plotted_target(measure)
    words = {"unit": measure.unit, "target": target, "improvement": measure.improvement}
    figure = build_figure(
        result, periods, name=measure.name, annotations=markers, signal_marks=marks, **words
    )
    plotly_json = json.loads(figure.to_json())  # to_json handles Plotly's own types
    variation, assurance = result.get("variation"), result.get("assurance")
    return {
        "figure_json": figure_json(
            {"data": plotly_json["data"], "layout": plotly_json["layout"], "config": PLOTLY_CONFIG}
        ),
        "sentences": explain(result, periods=periods, frequency=measure.frequency, **words),
        "text_alternative": text_alternative(
            result, periods, name=measure.name, frequency=measure.frequency, **words
        ),
        "variation_icon": variation_icon_svg(variation, measure.improvement),
        "variation_label": variation_label(variation, measure.improvement),
        "assurance_icon": assurance_icon_svg(assurance),
        "assurance_label": assurance_label(assurance),
        "point_count": sum(1 for p in result["points"] if p.get("value") is not None),
    }


def read_through(key: str, make, what: str):
    """The value cached under `key`, else `make()`, kept for CACHE_SECONDS. The cache only
    saves time: if it is unreachable the value is made without it (`what` names it in the
    warning). The chart's drawing, the data table and the chart advice all go through here."""
    try:
        value = cache.get(key)
    except CACHE_ERRORS:
        logger.warning("%s cache unreachable; made without it", what, exc_info=True)
        return make()
    if value is None:
        value = make()
        try:
            cache.set(key, value, CACHE_SECONDS)
        except CACHE_ERRORS:
            logger.warning("%s cache unreachable; not kept", what, exc_info=True)
    return value


def _cached_drawing(measure, snapshot, markers, marks=()) -> dict:
    """Drawing a figure costs tens of milliseconds (Plotly validates every property), so each
    snapshot version is drawn once and then read from the cache."""
    return read_through(
        _fingerprint(measure, snapshot, markers, marks),
        lambda: _draw(measure, snapshot.result, snapshot.periods, markers, marks),
        "Chart",
    )


def chart_context(measure, *, cycles, has_points: bool) -> dict:
    snapshot = getattr(measure, "snapshot", None)
    status = snapshot.status if snapshot else ChartSnapshot.Status.STALE
    result = snapshot.result if snapshot else None
    context = {
        "measure": measure,
        "status": status,
        "updating": status == ChartSnapshot.Status.STALE,
        "failed": status == ChartSnapshot.Status.FAILED and has_points,
        "error": snapshot.error if snapshot else "",
        "has_points": has_points,
        "computed_at": snapshot.computed_at if snapshot else None,
        "figure_json": None,
        "evidence": [],
        "suggestion": None,
    }
    if result is None or not result.get("points"):
        return context
    markers = tuple(cycle_markers(cycles, snapshot.periods))
    found = evidence_of(measure, result, snapshot.periods, cycles)
    drawing = _cached_drawing(measure, snapshot, markers, signal_marks(found))
    context.update(drawing)
    context["evidence"] = list(reversed(found))  # the latest first
    context["suggestion"] = rebaseline_suggestion(
        found, [phase["start"] for phase in result.get("phases", [])]
    )
    # Escaped for a <script> element by figure_json (json_script's escapes); never user HTML.
    context["figure_json"] = mark_safe(drawing["figure_json"])  # noqa: S308
    context["variation_icon"] = _icon(drawing["variation_icon"])
    context["assurance_icon"] = _icon(drawing["assurance_icon"])
    return context


def summary(measure) -> dict:
    """A measure's line in a list: icons and last value, from the snapshot's summary columns."""
    snapshot = getattr(measure, "snapshot", None)
    variation = (snapshot.variation or None) if snapshot else None
    assurance = (snapshot.assurance or None) if snapshot else None
    latest = None
    if snapshot and snapshot.latest_value is not None:
        latest = format_value(snapshot.latest_value, measure.chart_type, measure.unit)
    return {
        "measure": measure,
        "status": snapshot.status if snapshot else ChartSnapshot.Status.STALE,
        "variation_icon": _icon(variation_icon_svg(variation, measure.improvement, size=32)),
        "variation_label": variation_label(variation, measure.improvement),
        "assurance_icon": _icon(assurance_icon_svg(assurance, size=32)),
        "assurance_label": assurance_label(assurance),
        "latest_value": latest,
        "latest_period": snapshot.latest_period if snapshot else None,
        "frequency": measure.frequency,
    }
