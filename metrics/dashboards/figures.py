"""Dashboard figures for a scope (organisation, directorate, team): the `data` of a
DashboardSnapshot, exactly as docs/dashboards.md describes it.

Measures are read from chart snapshot summaries (never their series) and everything else is
aggregated in SQL, so one compute costs the same dozen queries however large the trust is."""

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count
from django.utils import timezone

from metrics.dashboards.activity import activity_figures
from metrics.dashboards.evidence import latest_signal_lines
from metrics.dashboards.progress import project_figures
from metrics.dashboards.scope import Scope, ScopeInfo, scope_info
from metrics.models import ChartSnapshot, Measure

FORMAT_VERSION = 1
VARIATIONS = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neither_high",
    "neither_low",
    "none",
)
ASSURANCES = ("pass", "fail", "hit_or_miss", "none")
MEASURE_FIELDS = (
    "pk",
    "name",
    "unit",
    "chart_type",
    "improvement",
    "target",
    "is_key",
    "kind",
    "frequency",
    "team_id",
    "team__name",
    "snapshot__status",
    "snapshot__variation",
    "snapshot__assurance",
    "snapshot__latest_period",
    "snapshot__latest_value",
    "snapshot__sparkline",
    "snapshot__special_cause_since",
)


def _measures(info: ScopeInfo):
    if info.scope == Scope.ORGANISATION:
        # Trust-wide measures belong to no team, only to the organisation.
        return Measure.objects.filter(organisation_id=info.scope_id)
    return Measure.objects.filter(**info.on_team(""))


def _iso(value):
    return value.isoformat() if value is not None else None


# The variations of a latest point that is a special cause: a key measure with a signal.
SIGNALLING = ("improvement_high", "improvement_low", "concern_high", "concern_low")
SIGNALLING += ("neither_high", "neither_low")


def _measure_row(r: dict, evidence: str = "") -> dict:
    return {
        "id": r["pk"],
        "name": r["name"],
        "team": r["team__name"],
        "team_id": r["team_id"],
        "kind": r["kind"],
        "unit": r["unit"],
        "chart_type": r["chart_type"],
        "improvement": r["improvement"],
        "target": r["target"],
        "is_key": r["is_key"],
        "frequency": r["frequency"],
        "status": r["snapshot__status"] or ChartSnapshot.Status.STALE,
        "variation": r["snapshot__variation"] or None,
        "assurance": r["snapshot__assurance"] or None,
        "latest_period": _iso(r["snapshot__latest_period"]),
        "latest_value": r["snapshot__latest_value"],
        "sparkline": r["snapshot__sparkline"] or [],
        "special_cause_since": _iso(r["snapshot__special_cause_since"]),
        # Its latest signal and the test of change before it, in one line (metrics.evidence).
        "evidence": evidence,
    }


def _counts(pairs, keys) -> dict:
    counts = dict.fromkeys(keys, 0)
    for key, n in pairs:
        counts[key or "none"] += n
    return counts


def measure_figures(info: ScopeInfo) -> dict:
    """The listed measures (organisation: key measures; smaller scopes: all they own) with their
    counts by icon, and per child the same counts over all the child's measures: a child row
    shows what the child's own dashboard shows. Two queries, and five more for the evidence
    lines of key measures with a signal."""
    measures = _measures(info)
    listed = measures.filter(is_key=True) if info.scope == Scope.ORGANISATION else measures
    rows = list(listed.order_by("-is_key", "name", "team__name", "pk").values(*MEASURE_FIELDS))
    by_group = (
        measures.order_by()
        .values(info.group_of(""), "is_key", "snapshot__variation", "snapshot__assurance")
        .annotate(n=Count("pk"))
    )
    total = {"measure_count": 0, "key_measure_count": 0}
    children = defaultdict(lambda: {"measure_count": 0, "key_measure_count": 0})
    child_variation, child_assurance = defaultdict(Counter), defaultdict(Counter)
    for group in by_group:
        group_id, n = group[info.group_of("")], group["n"]
        for target in (total, children[group_id]):
            target["measure_count"] += n
            target["key_measure_count"] += n if group["is_key"] else 0
        child_variation[group_id][group["snapshot__variation"] or "none"] += n
        child_assurance[group_id][group["snapshot__assurance"] or "none"] += n
    # Key measures whose latest point is a special cause: the line of their latest signal.
    lines = latest_signal_lines(
        [r for r in rows if r["is_key"] and r["snapshot__variation"] in SIGNALLING]
    )
    for group_id, child in children.items():
        child["variation_counts"] = _counts(child_variation[group_id].items(), VARIATIONS)
        child["assurance_counts"] = _counts(child_assurance[group_id].items(), ASSURANCES)
    return {
        "measure_count": total["measure_count"],
        "key_measure_count": total["key_measure_count"],
        "stale_count": sum(1 for r in rows if r["snapshot__status"] != ChartSnapshot.Status.FRESH),
        "variation_counts": _counts(((r["snapshot__variation"], 1) for r in rows), VARIATIONS),
        "assurance_counts": _counts(((r["snapshot__assurance"], 1) for r in rows), ASSURANCES),
        "measures": [_measure_row(r, lines.get(r["pk"], "")) for r in rows],
        "_children": children,
    }


def _empty_child_measures() -> dict:
    return {
        "measure_count": 0,
        "key_measure_count": 0,
        "variation_counts": dict.fromkeys(VARIATIONS, 0),
        "assurance_counts": dict.fromkeys(ASSURANCES, 0),
    }


def dashboard_figures(*, scope: str, scope_id: int, now: dt.datetime | None = None) -> dict | None:
    """The figures of one scope, or None if the scope no longer exists."""
    info = scope_info(scope, scope_id)
    if info is None:
        return None
    now = now or timezone.now()
    measures = measure_figures(info)
    activity = activity_figures(info, now=now)
    work = project_figures(info, now=now)

    children = []
    if info.child_scope is not None:
        for group_id, name in info.groups:
            child = measures["_children"].get(group_id) or _empty_child_measures()
            children.append(
                {
                    "scope": info.child_scope,
                    "id": group_id,
                    "name": name,
                    "active_projects": activity["active_projects"].get(group_id, 0),
                    "measure_count": child["measure_count"],
                    "key_measure_count": child["key_measure_count"],
                    "variation_counts": child["variation_counts"],
                    "assurance_counts": child["assurance_counts"],
                    "cycles_completed_90_days": activity["completed_90_days"].get(group_id, 0),
                    "stalled_projects": work["stalled_by_group"].get(group_id, 0),
                }
            )
    lists_work = info.scope != Scope.ORGANISATION
    return {
        "version": FORMAT_VERSION,
        "scope": info.scope,
        "scope_id": info.scope_id,
        "name": info.name,
        "measure_count": measures["measure_count"],
        "key_measure_count": measures["key_measure_count"],
        "stale_count": measures["stale_count"],
        "variation_counts": measures["variation_counts"],
        "assurance_counts": measures["assurance_counts"],
        "measures": measures["measures"],
        "activity": {"months": activity["months"], "rows": activity["rows"]},
        "progress": work["progress"],
        "children": children,
        "projects": work["projects"] if lists_work else [],
        "cycles_by_stage": work["cycles_by_stage"],
        "recent_learning": work["recent_learning"] if lists_work else [],
    }
