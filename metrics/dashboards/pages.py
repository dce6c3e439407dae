"""What the dashboard pages show, made from one dashboard snapshot's `data` (docs/dashboards.md).

Pure presentation: no queries. Every reader tolerates a key the worker has not filled in yet
(a snapshot computed by an older version of the worker), so a page never fails on a missing
figure; it shows it as empty instead. Markup built here (icons, sparklines) holds numbers and
fixed strings only, or strings escaped on the way in.
"""

from __future__ import annotations

import datetime as dt
from html import escape as html_escape

from django.utils.safestring import mark_safe

from metrics import periods as P
from metrics.drawing.figure import escape
from metrics.drawing.icons import (
    ASSURANCE_LABELS,
    COLOURS,
    NO_ASSURANCE_LABEL,
    NO_VARIATION_LABEL,
    VARIATION_LABELS,
    assurance_icon_svg,
    assurance_label,
    variation_icon_svg,
    variation_label,
)
from metrics.spc.explain import PERCENT_CHARTS, format_date, format_value
from metrics.spc.validation import RARE_EVENT_CHARTS

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
PROGRESS_SCALE = ["0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0", "4.5", "5.0"]
STAGES = [("plan", "Plan"), ("do", "Do"), ("study", "Study"), ("act", "Act")]
ACTIVITY_BAR_COLOURS = ["#005eb8", "#41b6e6", "#330072", "#007f3b", "#ed8b00", "#7c2855"]


def _markup(svg: str):
    # metrics.drawing.icons and sparkline_svg interpolate only numbers and escaped strings.
    return mark_safe(svg)  # noqa: S308


def _known(value, labels):
    return value if value in labels else None


# ---------------------------------------------------------------- computed at, updating


def parse_when(text):
    """An ISO date or datetime from the snapshot, or None."""
    if not text:
        return None
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def freshness(snapshot) -> dict:
    """Whether the figures can be shown, when they were computed, and whether new ones are
    on their way (the page then polls until they arrive)."""
    if snapshot is None:
        return {"computed_at": None, "updating": True, "has_figures": False}
    # A computed snapshot always holds figures; when its `data` was left unread (the page
    # takes its figures from the fragment cache) it is not read just to check that.
    has_figures = snapshot.computed_at is not None and (
        "data" in snapshot.get_deferred_fields() or bool(snapshot.data)
    )
    return {
        "computed_at": snapshot.computed_at,
        "updating": snapshot.dirty_since is not None or not has_figures,
        "has_figures": has_figures,
    }


# ---------------------------------------------------------------- measures


def sparkline_svg(values, *, chart_type="xmr", unit="", width=120, height=28) -> str:
    """A small line of the last values, gaps left open, the last point marked. Announced as an
    image whose name gives the first and last values; "" when there is nothing to draw."""
    points = [(i, float(v)) for i, v in enumerate(values or []) if isinstance(v, (int, float))]
    if not points:
        return ""
    low = min(v for _, v in points)
    high = max(v for _, v in points)
    span = (high - low) or 1.0
    step = (width - 6) / max(len(values) - 1, 1)

    def xy(i, v):
        return round(3 + i * step, 1), round(height - 3 - (v - low) / span * (height - 6), 1)

    segments, current = [], []
    for i, v in enumerate(values):
        if isinstance(v, (int, float)):
            current.append(xy(i, float(v)))
        elif current:
            segments.append(current)
            current = []
    if current:
        segments.append(current)
    paths = "".join(
        '<polyline fill="none" stroke="#425563" stroke-width="1.5" points="'
        + " ".join(f"{x},{y}" for x, y in segment)
        + '"/>'
        for segment in segments
    )
    last_x, last_y = xy(*points[-1])
    first_text = format_value(points[0][1], chart_type, unit)
    last_text = format_value(points[-1][1], chart_type, unit)
    label = f"Last {len(points)} values: from {first_text} to {last_text}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qi-sparkline" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{html_escape(label, quote=True)}" focusable="false">'
        f'{paths}<circle cx="{last_x}" cy="{last_y}" r="2.5" fill="{COLOURS["improvement"]}"/>'
        "</svg>"
    )


def _target_text(measure: dict) -> str:
    target = measure.get("target")
    if target is None:
        return ""
    chart = measure.get("chart_type") or "xmr"
    # Targets are stored as people type them: a percentage on P charts.
    if chart in PERCENT_CHARTS:
        return format_value(target / 100, chart)
    return format_value(target, chart, measure.get("unit") or "")


def measure_row(measure: dict, *, icon_size=28) -> dict:
    chart = measure.get("chart_type") or "xmr"
    unit = measure.get("unit") or ""
    improvement = measure.get("improvement")
    variation = _known(measure.get("variation"), VARIATION_LABELS)
    assurance = _known(measure.get("assurance"), ASSURANCE_LABELS)
    latest = measure.get("latest_value")
    return {
        "id": measure.get("id"),
        "name": measure.get("name") or "",
        "team": measure.get("team"),
        "team_id": measure.get("team_id"),
        "is_key": bool(measure.get("is_key")),
        "updating": measure.get("status") not in (None, "fresh"),
        "latest": format_value(latest, chart, unit) if latest is not None else "",
        "latest_period": parse_when(measure.get("latest_period")),
        "target": _target_text(measure),
        "sparkline": _markup(sparkline_svg(measure.get("sparkline"), chart_type=chart, unit=unit)),
        "variation": variation,
        "variation_icon": _markup(variation_icon_svg(variation, improvement, size=icon_size)),
        "variation_label": variation_label(variation, improvement),
        "assurance": assurance,
        "assurance_icon": _markup(assurance_icon_svg(assurance, size=icon_size)),
        "assurance_label": assurance_label(assurance),
        "special_cause_since": parse_when(measure.get("special_cause_since")),
        "evidence": measure.get("evidence") or "",
    }


def measure_rows(data: dict, *, icon_size=28) -> list[dict]:
    return [measure_row(m, icon_size=icon_size) for m in data.get("measures") or []]


def icon_counts(data: dict) -> dict:
    """How many measures carry each icon, every icon listed (zeros too, so months compare)."""
    variation = data.get("variation_counts") or {}
    assurance = data.get("assurance_counts") or {}

    def rows(counts, labels, draw, none_label):
        listed = [
            {"key": key, "label": label, "icon": _markup(draw(key)), "count": counts.get(key, 0)}
            for key, label in labels.items()
        ]
        listed.append(
            {"key": "none", "label": none_label, "icon": "", "count": counts.get("none", 0)}
        )
        return listed

    return {
        "variation": rows(
            variation,
            VARIATION_LABELS,
            lambda key: variation_icon_svg(key, size=28),
            NO_VARIATION_LABEL,
        ),
        "assurance": rows(
            assurance,
            ASSURANCE_LABELS,
            lambda key: assurance_icon_svg(key, size=28),
            NO_ASSURANCE_LABEL,
        ),
    }


# ---------------------------------------------------------------- QI activity


def _month_label(month: str) -> str:
    try:
        return dt.date.fromisoformat(f"{month}-01").strftime("%b %Y")
    except ValueError:
        return month


def _ints(values, n) -> list[int]:
    values = list(values or [])[:n]
    return [int(v or 0) for v in values] + [0] * (n - len(values))


def activity(data: dict) -> dict:
    """The activity table (one row per directorate, team, or the team itself) with totals, and
    the month by month totals that are the chart's text alternative."""
    block = data.get("activity") or {}
    months = list(block.get("months") or [])
    n = len(months)
    rows = []
    for row in block.get("rows") or []:
        cycles = _ints(row.get("cycles_completed"), n)
        adopted = _ints(row.get("ideas_adopted"), n)
        spread = _ints(row.get("ideas_spread"), n)
        rows.append(
            {
                "id": row.get("id"),
                "name": row.get("name") or "",
                "active_projects": row.get("active_projects") or 0,
                "cycles": cycles,
                "adopted": adopted,
                "spread": spread,
                "cycles_total": sum(cycles),
                "cycles_last_3": sum(cycles[-3:]),
                "adopted_total": sum(adopted),
                "spread_total": sum(spread),
            }
        )
    by_month = [
        {
            "month": month,
            "label": _month_label(month),
            "cycles": sum(r["cycles"][i] for r in rows),
            "adopted": sum(r["adopted"][i] for r in rows),
            "spread": sum(r["spread"][i] for r in rows),
        }
        for i, month in enumerate(months)
    ]
    return {
        "months": months,
        "first_month": _month_label(months[0]) if months else "",
        "last_month": _month_label(months[-1]) if months else "",
        "rows": rows,
        "by_month": by_month,
        "totals": {
            "active_projects": sum(r["active_projects"] for r in rows),
            "cycles_total": sum(r["cycles_total"] for r in rows),
            "cycles_last_3": sum(r["cycles_last_3"] for r in rows),
            "adopted_total": sum(r["adopted_total"] for r in rows),
            "spread_total": sum(r["spread_total"] for r in rows),
        },
    }


def activity_figure(table: dict, *, row_kind="directorate") -> dict | None:
    """Plotly JSON (plain dicts, no Plotly validation: cheap to build on every page view):
    cycles completed per month stacked by row, and the ideas adopted or spread as a line.
    Row names come from users: escaped for Plotly's pseudo-HTML."""
    months, rows = table["months"], table["rows"]
    if not months or not rows:
        return None
    x = [f"{m}-01" for m in months]
    data = [
        {
            "type": "bar",
            "name": escape(row["name"]),
            "x": x,
            "y": row["cycles"],
            "marker": {"color": ACTIVITY_BAR_COLOURS[i % len(ACTIVITY_BAR_COLOURS)]},
            "hovertemplate": "%{x|%b %Y}: %{y} PDSA cycles completed",
        }
        for i, row in enumerate(rows)
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Change ideas adopted or spread",
            "x": x,
            "y": [m["adopted"] + m["spread"] for m in table["by_month"]],
            "line": {"color": "#231f20", "width": 2},
            "hovertemplate": "%{x|%b %Y}: %{y} change ideas adopted or spread",
        }
    )
    return {
        "data": data,
        "layout": {
            "barmode": "stack",
            "height": 380,
            "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
            "xaxis": {"type": "date", "tickformat": "%b %Y"},
            "yaxis": {"title": {"text": "Count per month"}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "y": -0.15},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "font": {"family": "Arial, sans-serif"},
        },
        "config": PLOTLY_CONFIG,
    }


# ---------------------------------------------------------------- progress


def progress(data: dict) -> dict:
    block = data.get("progress") or {}
    scale = list(block.get("scale") or PROGRESS_SCALE)
    now = block.get("distribution") or {}
    before = block.get("distribution_at_quarter_start") or {}
    keys = [*scale, "unscored"]
    biggest = max([now.get(k, 0) for k in keys] + [1])
    rows = [
        {
            "score": "Not scored yet" if key == "unscored" else key,
            "count": now.get(key, 0),
            "at_quarter_start": before.get(key, 0),
            "change": now.get(key, 0) - before.get(key, 0),
            "percent": round(100 * now.get(key, 0) / biggest),
        }
        for key in keys
    ]
    return {
        "rows": rows,
        "quarter_start": parse_when(block.get("quarter_start")),
        "moved_up": block.get("moved_up", 0),
        "moved_down": block.get("moved_down", 0),
        "unchanged": block.get("unchanged", 0),
        "total": sum(now.get(k, 0) for k in keys),
    }


# ---------------------------------------------------------------- children, projects, cycles


def child_row(child: dict) -> dict:
    variation = child.get("variation_counts") or {}
    assurance = child.get("assurance_counts") or {}
    return {
        "scope": child.get("scope"),
        "id": child.get("id"),
        "name": child.get("name") or "",
        "active_projects": child.get("active_projects", 0),
        "measure_count": child.get("measure_count", 0),
        "key_measure_count": child.get("key_measure_count", 0),
        "cycles_completed_90_days": child.get("cycles_completed_90_days", 0),
        "stalled_projects": child.get("stalled_projects", 0),
        "improvement": variation.get("improvement_high", 0) + variation.get("improvement_low", 0),
        "concern": variation.get("concern_high", 0) + variation.get("concern_low", 0),
        "failing": assurance.get("fail", 0),
    }


def project_row(project: dict) -> dict:
    return {
        "id": project.get("id"),
        "title": project.get("title") or "",
        "team": project.get("team"),
        "team_id": project.get("team_id"),
        "status": (project.get("status") or "").replace("_", " "),
        "team_score": project.get("team_score"),
        "coach_score": project.get("coach_score"),
        "last_cycle_date": parse_when(project.get("last_cycle_date")),
        "stalled": bool(project.get("stalled")),
        "open_reviews": project.get("open_reviews") or 0,
    }


def cycles_by_stage(data: dict) -> list[dict]:
    counts = data.get("cycles_by_stage") or {}
    return [{"stage": label, "count": counts.get(key, 0)} for key, label in STAGES]


def _cycle_title(item: dict) -> str:
    title = item.get("title") or ""
    return f"PDSA {item['number']}: {title}" if item.get("number") else title


def recent_learning(data: dict) -> list[dict]:
    return [
        {
            "cycle_id": item.get("cycle_id"),
            "project_id": item.get("project_id"),
            "title": _cycle_title(item),
            "project": item.get("project") or "",
            "learning": item.get("learning") or "",
            "decision": (item.get("decision") or "").capitalize(),
            "closed_at": parse_when(item.get("closed_at")),
        }
        for item in data.get("recent_learning") or []
    ]


def when_text(value) -> str:
    return format_date(value) if value else ""


# ---------------------------------------------------------------- the coach's teams

SPECIAL_CAUSES = frozenset(VARIATION_LABELS) - {"common_cause"}
# key -> (column heading, the direction that puts the team most in need first)
COACH_SORTS = {
    "need": ("Needs attention", "desc"),
    "team": ("Team", "asc"),
    "stalled": ("Stalled projects", "desc"),
    "reviews": ("Open reviews", "desc"),
    "signals": ("New signals", "desc"),
    "missing": ("Missing data", "desc"),
    "last_cycle": ("Last cycle", "asc"),
}
DEFAULT_COACH_SORT = "need"


def _aware(value):
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def new_signals(data: dict, since) -> list[dict]:
    """Measures whose latest point is a special cause that became one after `since` (the
    coach's last look; None: never looked, so every current signal is new)."""
    found = []
    for measure in data.get("measures") or []:
        if measure.get("variation") not in SPECIAL_CAUSES:
            continue
        became = _aware(parse_when(measure.get("special_cause_since")))
        if since is None or (isinstance(became, dt.datetime) and became > since):
            found.append(measure_row(measure, icon_size=24))
    return found


def missing_data(data: dict, today: dt.date) -> list[dict]:
    """The team's measures with complete periods gone by since their latest point, most
    periods missing first: {"id", "name", "count", "text"} ("3 weeks missing: nothing entered
    after …"). Counted on the day the page is read, from the snapshot's latest periods."""
    found = []
    for measure in data.get("measures") or []:
        frequency = measure.get("frequency")
        latest = parse_when(measure.get("latest_period"))
        if frequency not in P.FREQUENCIES or not isinstance(latest, dt.date):
            continue
        if measure.get("chart_type") in RARE_EVENT_CHARTS:
            continue  # rare events: a day without an entry is a day without an event
        if isinstance(latest, dt.datetime):
            latest = latest.date()
        count = P.missing_count(latest, frequency, today)
        if count:
            text = P.missing_text(latest, frequency, today)
            found.append(
                {
                    "id": measure.get("id"),
                    "name": measure.get("name") or "",
                    "count": count,
                    "text": text,
                }
            )
    return sorted(found, key=lambda m: (-m["count"], m["name"].casefold()))


def coach_team_row(team, snapshot, since, today: dt.date | None = None) -> dict:
    data = snapshot.data if snapshot is not None else {}
    missing = missing_data(data, today or dt.date.today())
    projects = [project_row(p) for p in data.get("projects") or []]
    signals = new_signals(data, since)
    last_cycles = [p["last_cycle_date"] for p in projects if p["last_cycle_date"]]
    stalled = sum(1 for p in projects if p["stalled"])
    reviews = sum(p["open_reviews"] for p in projects)
    return {
        "team": team,
        "team_id": team.pk,
        "snapshot": snapshot,
        "name": data.get("name") or team.name,
        "projects": projects,
        "stalled": stalled,
        "reviews": reviews,
        "signals": signals,
        "signal_count": len(signals),
        "missing": missing,
        "missing_count": len(missing),
        "need": stalled + reviews + len(signals),
        "last_cycle": max(last_cycles) if last_cycles else None,
        "since": since,
        **freshness(snapshot),
    }


def sort_coach_rows(rows: list[dict], key: str, direction: str) -> list[dict]:
    """Sorted by the column, the team name breaking ties (always A to Z)."""
    by_name = sorted(rows, key=lambda r: r["name"].casefold())
    if key == "team":
        return by_name if direction == "asc" else list(reversed(by_name))
    if key == "last_cycle":
        # No cycle at all is the oldest of all.
        def value(r):
            return r["last_cycle"] or dt.date.min
    else:
        field = {
            "need": "need",
            "stalled": "stalled",
            "reviews": "reviews",
            "missing": "missing_count",
        }.get(key)

        def value(r):
            return r[field] if field else r["signal_count"]

    return sorted(by_name, key=value, reverse=direction == "desc")


def sort_headers(key: str, direction: str) -> list[dict]:
    """Each sortable column: its link (which toggles the direction when already sorted by it)
    and its aria-sort value."""
    headers = []
    for name, (label, default) in COACH_SORTS.items():
        current = name == key
        next_direction = ("asc" if direction == "desc" else "desc") if current else default
        headers.append(
            {
                "key": name,
                "label": label,
                "current": current,
                "aria_sort": ("ascending" if direction == "asc" else "descending")
                if current
                else "none",
                "query": f"?sort={name}&dir={next_direction}",
                "next_direction": "ascending" if next_direction == "asc" else "descending",
            }
        )
    return headers
