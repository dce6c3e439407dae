"""The project page's evidence panel: each measure the project serves as a small chart with its
PDSA cycles and signals, what its signals followed in words, and for each change idea whether a
signal followed it, on which measure, in which direction (issue 15). Read from the stored
snapshots (never recomputed here) in a fixed number of queries."""

from dataclasses import dataclass

from django.utils.safestring import mark_safe

from cycles.models import ChangeIdea
from metrics.drawing.small import small_chart_svg
from metrics.evidence import followed_ideas
from metrics.evidence.findings import lag_text
from metrics.measures import selectors
from metrics.measures.chart import evidence_of

# A small chart shows the latest periods only: two years of a weekly measure.
SMALL_CHART_POINTS = 104
DIRECTION_WORDS = {"improvement": "an improvement", "concern": "a concern", "neither": "a change"}


@dataclass
class MeasureEvidence:
    measure: object
    svg: str
    findings: list  # latest first
    status: str


@dataclass
class IdeaEvidence:
    idea: object
    followed: list  # (measure, finding, words) oldest first


def _window(result: dict, periods: list, size: int) -> tuple[dict, list, int]:
    """The last `size` points of a result (their phases cut to fit) and their offset."""
    cut = max(len(result["points"]) - size, 0)
    if not cut:
        return result, periods, 0
    phases = [dict(p, start=max(p["start"] - cut, 0)) for p in result.get("phases", [])]
    phases = [p for p in phases if p["start"] < size] or [{"start": 0}]
    return dict(result, points=result["points"][cut:], phases=phases), periods[cut:], cut


def _measure_evidence(measure, cycles):
    snapshot = getattr(measure, "snapshot", None)
    result = snapshot.result if snapshot else None
    if not result or not result.get("points"):
        status = snapshot.status if snapshot else "stale"
        return MeasureEvidence(measure, "", [], status), []
    found = evidence_of(measure, result, snapshot.periods, cycles)
    shown, periods, cut = _window(result, snapshot.periods, SMALL_CHART_POINTS)
    marks = [(c.do_started_on, c.number, c.change_idea.title) for c in cycles]
    starts = [f.signal.start - cut for f in found if f.signal.start >= cut]
    label = (
        f"Chart of {measure.name}: {len(shown['points'])} periods, "
        f"{len(found)} signal{'s' if len(found) != 1 else ''}, "
        f"{len(marks)} PDSA cycle{'s' if len(marks) != 1 else ''} marked"
    )
    # small_chart_svg escapes every string it puts in the SVG (its contract): markup, not text.
    svg = mark_safe(  # noqa: S308
        small_chart_svg(shown, periods, label=label, cycles=marks, signal_starts=starts)
    )
    return MeasureEvidence(measure, svg, list(reversed(found)), snapshot.status), found


def project_evidence_panel(request, project):
    rows, found_by_measure = [], {}
    for measure, cycles in selectors.project_measures_with_cycles(project):
        row, found = _measure_evidence(measure, cycles)
        rows.append(row)
        found_by_measure[measure] = found
    followed = followed_ideas(found_by_measure)
    ideas = []
    for idea in ChangeIdea.objects.filter(project=project).order_by("created_at", "pk"):
        items = [(f.measure, f.finding, _followed_words(f)) for f in followed.get(idea.pk, [])]
        ideas.append(IdeaEvidence(idea, items))
    return "metrics/_project_evidence.html", {
        "project": project,
        "rows": rows,
        "ideas": ideas,
    }


def _followed_words(f) -> str:
    signal = f.finding.signal
    what = {
        "shift": "a shift",
        "trend": "a trend",
        "outside_limits": "points outside the limits",
        "two_of_three": "two of three points near a limit",
    }[signal.rule]
    when = lag_text(f.lag, f.measure.frequency)
    return f"{what} ({DIRECTION_WORDS[signal.direction]}) {when} PDSA {f.number} started"
