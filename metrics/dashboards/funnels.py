"""Compare wards: one measure that many teams report, as a funnel plot (issue 17).

A measure "many teams report" is a name shared by the P (or P′) or U (or U′) measures of at
least ``MIN_UNITS`` teams of the trust (or of a directorate): "Violent incidents involving
staff", a U chart per ward, is one. Each team's numerators and denominators are summed over a
window of whole months (the last 1, 3, 6 or 12 before the current one) and the units compared
by metrics.spc.funnel: which stand out, fairly for their sizes. Two queries in all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.urls import reverse

from metrics.drawing import funnel as drawing
from metrics.models import DataPoint, Measure
from metrics.spc import funnel
from metrics.spc.explain import format_value

MIN_UNITS = 3
WINDOWS = (1, 3, 6, 12)  # months
DEFAULT_WINDOW = 3
KINDS = {"p": "p", "pp": "p", "u": "u", "up": "u"}


@dataclass(frozen=True)
class Comparable:
    """A measure name shared by several teams' P or U measures."""

    key: str  # what the page's ?measure= says: "u:violent incidents involving staff"
    name: str
    kind: str  # p | u
    teams: int


@dataclass(frozen=True)
class Row:
    team: str
    measure_id: int
    url: str
    unit: object  # metrics.spc.FunnelUnit
    place: str
    tone: str | None
    rate_text: str = ""
    inner_text: str = ""  # "lower to upper" at 2σ
    outer_text: str = ""  # at 3σ


@dataclass(frozen=True)
class Comparison:
    comparable: Comparable
    start: dt.date  # the window: whole months from start up to (not including) end
    end: dt.date
    months: int
    overdispersion: bool
    result: object  # metrics.spc.FunnelResult
    rows: list[Row]
    sentences: list[str]
    figure: dict | None
    unit: str

    @property
    def window_text(self) -> str:
        last = self.end - dt.timedelta(days=1)
        if self.months == 1:
            return f"{last:%B %Y}"
        first = f"{self.start:%B}" if self.start.year == last.year else f"{self.start:%B %Y}"
        return f"{first} to {last:%B %Y}"


def _scoped(organisation_id: int, directorate_id: int | None):
    measures = Measure.objects.filter(
        organisation_id=organisation_id, team__isnull=False, chart_type__in=list(KINDS)
    )
    if directorate_id is not None:
        measures = measures.filter(team__directorate_id=directorate_id)
    return measures


def _key(name: str, chart_type: str) -> str:
    """What makes measures comparable: their kind (p or u) and their name, case aside."""
    return f"{KINDS[chart_type]}:{name.strip().casefold()}"


def comparables(organisation_id: int, directorate_id: int | None = None) -> list[Comparable]:
    """The names shared by P or U measures of at least MIN_UNITS teams, most teams first."""
    found: dict[str, dict] = {}
    rows = _scoped(organisation_id, directorate_id).values("name", "chart_type", "team_id")
    for row in rows:
        kind = KINDS[row["chart_type"]]
        key = _key(row["name"], row["chart_type"])
        entry = found.setdefault(key, {"name": row["name"].strip(), "kind": kind, "teams": set()})
        entry["teams"].add(row["team_id"])
    out = [
        Comparable(key, e["name"], e["kind"], len(e["teams"]))
        for key, e in found.items()
        if len(e["teams"]) >= MIN_UNITS
    ]
    return sorted(out, key=lambda c: (-c.teams, c.name.casefold()))


def window(today: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The last `months` whole months before today's: [start, end)."""
    end = today.replace(day=1)
    year, month = divmod(end.year * 12 + end.month - 1 - months, 12)
    return dt.date(year, month + 1, 1), end


def compare(
    organisation_id: int,
    comparable: Comparable,
    *,
    today: dt.date,
    months: int = DEFAULT_WINDOW,
    overdispersion: bool = False,
    directorate_id: int | None = None,
) -> Comparison:
    start, end = window(today, months)
    measures = [
        m
        for m in _scoped(organisation_id, directorate_id)
        .select_related("team")
        .order_by("team__name", "pk")
        if _key(m.name, m.chart_type) == comparable.key
    ]
    sums = {
        r["measure_id"]: r
        for r in DataPoint.objects.filter(
            measure__in=measures, period__gte=start, period__lt=end,
            numerator__isnull=False, denominator__isnull=False,
        )
        .values("measure_id")
        .annotate(n=Sum("numerator"), d=Sum("denominator"), periods=Count("id"))
    }
    nums = [sums[m.pk]["n"] if m.pk in sums else None for m in measures]
    dens = [sums[m.pk]["d"] if m.pk in sums else None for m in measures]
    result = funnel(nums, dens, kind=comparable.kind, overdispersion=overdispersion)
    improvement = _common(m.improvement for m in measures) or "neither"
    unit = _common(m.unit for m in measures) or ""
    names = [m.team.name for m in measures]
    links = [reverse("metrics:measure", args=[m.pk]) for m in measures]
    rows = [
        Row(m.team.name, m.pk, link, u, drawing.place(u), drawing.tone(u, improvement),
            *_texts(comparable.kind, u, unit))
        for m, u, link in zip(measures, result.units, links, strict=True)
    ]
    comparison_title = f"{comparable.name}: the teams compared"
    figure = drawing.funnel_figure(
        result,
        names,
        links,
        title=comparison_title,
        unit=unit,
        denominator_label=_denominator_label(comparable.kind, unit),
        improvement=improvement,
    )
    words = drawing.sentences(result, names, unit=unit, improvement=improvement)
    return Comparison(
        comparable, start, end, months, overdispersion, result, rows, words, figure, unit
    )


def _texts(kind: str, u, unit: str) -> tuple[str, str, str]:
    if u.value is None:
        return "", "", ""
    chart = "p" if kind == "p" else "u"

    def shown(x):  # the unit is said once, in the table's heading
        return format_value(x, chart)

    return (
        shown(u.value),
        f"{shown(u.lower2)} to {shown(u.upper2)}",
        f"{shown(u.lower3)} to {shown(u.upper3)}",
    )


def _common(values):
    """The one value all share, or None."""
    distinct = {v for v in values if v}
    return distinct.pop() if len(distinct) == 1 else None


def _denominator_label(kind: str, unit: str) -> str:
    if kind == "p":
        return "Cases (the denominator), log scale"
    if unit.startswith("per "):
        return f"Exposure, in {unit.removeprefix('per ')} (the denominator), log scale"
    return "Exposure (the denominator), log scale"
