"""Dashboard snapshot `data` built by hand, in the shape docs/dashboards.md gives: the page tests
read exactly what the worker is documented to write, without depending on the worker."""

import datetime as dt

from django.utils import timezone

from metrics.models import DashboardSnapshot

MONTHS = [f"{2024 + (11 + i) // 12}-{(11 + i) % 12 + 1:02d}" for i in range(24)]  # 2024-12..
SCALE = ["0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0", "4.5", "5.0"]
COMPUTED_AT = dt.datetime(2026, 11, 26, 9, 41, tzinfo=dt.UTC)


def measure(id, name="Violent incidents involving staff", **fields):
    return {
        "id": id,
        "name": name,
        "team": "Willow Ward",
        "team_id": None,
        "kind": "outcome",
        "unit": "incidents",
        "chart_type": "xmr",
        "improvement": "decrease",
        "target": None,
        "is_key": True,
        "status": "fresh",
        "variation": "common_cause",
        "assurance": None,
        "latest_period": "2026-11-16",
        "latest_value": 5.0,
        "sparkline": [10, 11, 9, None, 6, 5],
        "special_cause_since": None,
        **fields,
    }


def activity_row(id, name, *, active_projects=0, cycles=None, adopted=None, spread=None):
    def months(values):
        values = list(values or [])
        return [0] * (24 - len(values)) + values  # given values are the latest months

    return {
        "id": id,
        "name": name,
        "active_projects": active_projects,
        "cycles_completed": months(cycles),
        "ideas_adopted": months(adopted),
        "ideas_spread": months(spread),
    }


def progress(distribution=None, at_quarter_start=None, *, up=0, down=0, unchanged=0):
    def full(counts):
        return {key: (counts or {}).get(key, 0) for key in [*SCALE, "unscored"]}

    return {
        "scale": SCALE,
        "distribution": full(distribution),
        "quarter_start": "2026-10-01",
        "distribution_at_quarter_start": full(at_quarter_start),
        "moved_up": up,
        "moved_down": down,
        "unchanged": unchanged,
    }


def child(scope, id, name, **fields):
    return {
        "scope": scope,
        "id": id,
        "name": name,
        "active_projects": 0,
        "measure_count": 0,
        "key_measure_count": 0,
        "variation_counts": {},
        "assurance_counts": {},
        "cycles_completed_90_days": 0,
        "stalled_projects": 0,
        **fields,
    }


def project(id, title, **fields):
    return {
        "id": id,
        "title": title,
        "team": "Willow Ward",
        "team_id": None,
        "status": "active",
        "team_score": "2.0",
        "coach_score": None,
        "last_cycle_date": "2026-11-20",
        "stalled": False,
        "open_reviews": 0,
        **fields,
    }


def data(scope, scope_id, name, **fields):
    measures = fields.pop("measures", [])
    variation, assurance = {}, {}
    for m in measures:
        variation[m["variation"] or "none"] = variation.get(m["variation"] or "none", 0) + 1
        assurance[m["assurance"] or "none"] = assurance.get(m["assurance"] or "none", 0) + 1
    return {
        "version": 1,
        "scope": scope,
        "scope_id": scope_id,
        "name": name,
        "measure_count": len(measures),
        "key_measure_count": sum(1 for m in measures if m["is_key"]),
        "stale_count": 0,
        "variation_counts": variation,
        "assurance_counts": assurance,
        "measures": measures,
        "activity": {"months": MONTHS, "rows": []},
        "progress": progress(),
        "children": [],
        "projects": [],
        "cycles_by_stage": {"plan": 0, "do": 0, "study": 0, "act": 0},
        "recent_learning": [],
        **fields,
    }


def snapshot(
    organisation, scope, scope_id, name="", *, computed_at=COMPUTED_AT, dirty=False, **fields
):
    """Store a computed snapshot for the scope (replacing any), as a worker would."""
    values = {
        "organisation": organisation,
        "data": data(scope, scope_id, name, **fields),
        "computed_at": computed_at,
        "dirty_since": timezone.now() if dirty else None,
    }
    made, _ = DashboardSnapshot.objects.update_or_create(
        scope=scope, scope_id=scope_id, defaults=values
    )
    return made


def organisation_snapshot(organisation, **fields):
    return snapshot(organisation, "organisation", organisation.pk, organisation.name, **fields)


def directorate_snapshot(directorate, **fields):
    return snapshot(
        directorate.organisation, "directorate", directorate.pk, directorate.name, **fields
    )


def team_snapshot(team, **fields):
    return snapshot(team.organisation, "team", team.pk, team.name, **fields)
