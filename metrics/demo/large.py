"""The large trust (issue 7, DESIGN §8): ≈250 teams in 8 directorates, 1,000 projects, 8,000 PDSA
cycles, 2,500 measures and 250,000 weekly data points, with the people to go with them.

metrics is the top app (it knows cycles and teams), so the orchestration lives here and is
registered with teams.extensions for `manage.py seed_demo --scale large`. Everything is made with
`bulk_create` in batches inside one transaction: either the whole trust exists or none of it,
so a second run finds the organisation and leaves it alone. Numbers come from generators seeded
by position, so the trust is the same on every machine (dates count back from today).

Charts are left stale (snapshots at data version 0, measures at 1), as after a bulk import:
`manage.py recompute_charts --organisation large` (metrics.charts.bulk) draws them.
"""

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.utils import timezone

from cycles.large_demo import seed_large_work
from metrics import periods as P
from metrics.models import ChartSnapshot, DataPoint, Measure, Phase
from teams.large_demo import LARGE_NAME, LARGE_SLUG, seed_large_structure
from teams.models import Organisation

BATCH = 5000
SHIFT, SHIFT_WEEKS = 0.6, 8
MEASURES_PER_TEAM = 10
# name, chart, unit, improvement, level, spread, target
MEASURES = [
    ("Violent incidents involving staff", "c", "incidents", "decrease", 6.0, 0.0, None),
    ("Referral to assessment wait", "xmr", "days", "decrease", 40.0, 6.0, 28.0),
    ("First appointments not attended", "p", "%", "decrease", 0.15, 30.0, 10.0),
    ("Shifts with a safety huddle", "p", "%", "increase", 0.6, 21.0, 90.0),
    ("Staff sickness absence", "p", "%", "decrease", 0.06, 600.0, 5.0),
    ("Restraint per 1,000 bed days", "u", "per 1,000 bed days", "decrease", 12.0, 0.5, None),
    ("Mean length of stay", "xmr", "days", "decrease", 38.0, 4.0, 30.0),
    ("Physical health checks completed", "p", "%", "increase", 0.7, 25.0, 90.0),
    ("Admin hours on reminder calls", "xmr", "hours", "neither", 3.0, 0.6, None),
    ("Rapid tranquillisation episodes", "c", "episodes", "decrease", 3.0, 0.0, None),
]


@dataclass
class LargeReport:
    organisation: Organisation
    created: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def seed_large(
    *, teams: int = 250, weeks: int = 100, slug: str = LARGE_SLUG, name: str = LARGE_NAME
) -> LargeReport:
    """Build the large trust, or leave it alone if an organisation with `slug` exists."""
    existing = Organisation.objects.filter(slug=slug).first()
    if existing is not None:
        return LargeReport(organisation=existing)
    with transaction.atomic():
        today = timezone.localdate()
        structure = seed_large_structure(teams=teams, slug=slug, name=name)
        work = seed_large_work(structure, today=today)
        projects = work.pop("_projects")
        measures = seed_large_measures(structure, projects, weeks=weeks, today=today)
    counts = {**structure.counts, **work, **measures}
    return LargeReport(
        organisation=structure.organisation, created=sum(counts.values()), counts=counts
    )


def _values(chart: str, level, spread: float, n: int, rng) -> list[dict]:
    if chart == "xmr":
        return [{"value": float(v)} for v in np.maximum(rng.normal(level, spread, n), 0).round(1)]
    if chart == "c":
        return [{"value": float(v)} for v in rng.poisson(level, n)]
    if chart == "u":
        exposure = (spread * rng.uniform(0.9, 1.0, n)).round(3)
        events = rng.poisson(level * exposure)
        return [
            {"numerator": float(e), "denominator": float(x)}
            for e, x in zip(events, exposure, strict=True)
        ]
    totals = np.maximum(rng.poisson(spread, n), 1)
    cases = rng.binomial(totals, level)
    return [
        {"numerator": float(c), "denominator": float(t)} for c, t in zip(cases, totals, strict=True)
    ]


def seed_large_measures(structure, projects, *, weeks: int, today: dt.date) -> dict:
    organisation = structure.organisation
    periods = list(reversed(P.previous_periods("week", today, weeks + 1)[1:]))
    by_team: dict[int, list] = {}
    for project in projects:
        by_team.setdefault(project.team_id, []).append(project)
    measures, plans = [], []
    for t, team in enumerate(structure.teams):
        for j in range(MEASURES_PER_TEAM):
            spec = MEASURES[(j + t) % len(MEASURES)]
            label, chart, unit, improvement, level, spread, target = spec
            k = t * MEASURES_PER_TEAM + j
            # A tenth with limits frozen on a baseline, a tenth with a second phase.
            freeze = periods[weeks // 4] if k % 10 == 3 else None
            measures.append(
                Measure(
                    organisation=organisation,  # save() would set it; bulk_create does not
                    team=team,
                    name=f"{label} ({team.name})" if j >= len(MEASURES) else label,
                    kind="process" if chart == "p" and improvement == "increase" else "outcome",
                    definition=f"{label}, counted each week from the trust's systems.",
                    unit=unit,
                    frequency="week",
                    chart_type=chart,
                    improvement=improvement,
                    target=target,
                    is_key=j < 2,
                    data_version=1,
                    freeze_until=freeze,
                )
            )
            plans.append((k, chart, level, spread))
    measures = Measure.objects.bulk_create(measures, batch_size=BATCH)

    now = timezone.now()
    points, phases, links = [], [], []
    through = Measure.projects.through
    n_points = 0
    for measure, (k, chart, level, spread) in zip(measures, plans, strict=True):
        rng = np.random.default_rng([7, k])
        levels = np.full(weeks, level)
        if k % 7 == 0:  # a shift in the last weeks: the latest point shows a special cause
            levels[-SHIFT_WEEKS:] *= SHIFT
        values = _values(chart, levels, spread, weeks, rng)
        for period, fields in zip(periods, values, strict=True):
            points.append(DataPoint(measure=measure, period=period, **fields))
        if k % 10 == 6 and weeks > 8:
            phases.append(Phase(measure=measure, starts_on=periods[weeks * 3 // 5],
                                label="New process from here"))  # fmt: skip
        team_projects = by_team.get(measure.team_id, [])
        if team_projects and k % MEASURES_PER_TEAM < 8:
            links.append(through(measure_id=measure.pk,
                                 project_id=team_projects[k % len(team_projects)].pk))  # fmt: skip
        if len(points) >= BATCH:
            DataPoint.objects.bulk_create(points)
            n_points += len(points)
            points = []
    DataPoint.objects.bulk_create(points)
    n_points += len(points)
    Phase.objects.bulk_create(phases, batch_size=BATCH)
    through.objects.bulk_create(links, batch_size=BATCH)
    ChartSnapshot.objects.bulk_create(
        (ChartSnapshot(measure=m, status=ChartSnapshot.Status.STALE, stale_since=now)
         for m in measures),
        batch_size=BATCH,
    )  # fmt: skip
    return {"measures": len(measures), "data_points": n_points, "phases": len(phases)}
