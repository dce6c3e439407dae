"""Dashboard figures for a scope (organisation, directorate, team), read from chart snapshot
summaries so that their cost does not depend on how many data points the measures hold."""

from collections import Counter

from metrics.models import ChartSnapshot, DashboardSnapshot, Measure

Scope = DashboardSnapshot.Scope


def _measures(scope: str, scope_id: int):
    measures = Measure.objects.all()
    if scope == Scope.ORGANISATION:
        return measures.filter(organisation_id=scope_id)
    if scope == Scope.DIRECTORATE:
        return measures.filter(team__directorate_id=scope_id)
    if scope == Scope.TEAM:
        return measures.filter(team_id=scope_id)
    raise ValueError(f"Unknown dashboard scope {scope!r}")


def dashboard_figures(*, scope: str, scope_id: int) -> dict:
    rows = list(
        _measures(scope, scope_id)
        .select_related("team", "snapshot")
        .order_by("-is_key", "name")
        .values(
            "pk",
            "name",
            "unit",
            "chart_type",
            "improvement",
            "target",
            "is_key",
            "kind",
            "team_id",
            "team__name",
            "snapshot__status",
            "snapshot__variation",
            "snapshot__assurance",
            "snapshot__latest_period",
            "snapshot__latest_value",
        )
    )
    variation = Counter(r["snapshot__variation"] or "none" for r in rows)
    assurance = Counter(r["snapshot__assurance"] or "none" for r in rows)
    # The organisation lists its key measures; smaller scopes list every measure they own.
    listed = [r for r in rows if r["is_key"]] if scope == Scope.ORGANISATION else rows
    return {
        "measure_count": len(rows),
        "key_measure_count": sum(1 for r in rows if r["is_key"]),
        "variation_counts": dict(variation),
        "assurance_counts": dict(assurance),
        "stale_count": sum(1 for r in rows if r["snapshot__status"] != ChartSnapshot.Status.FRESH),
        "measures": [
            {
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
                "status": r["snapshot__status"],
                "variation": r["snapshot__variation"] or None,
                "assurance": r["snapshot__assurance"] or None,
                "latest_period": (
                    r["snapshot__latest_period"].isoformat()
                    if r["snapshot__latest_period"]
                    else None
                ),
                "latest_value": r["snapshot__latest_value"],
            }
            for r in listed
        ],
    }
