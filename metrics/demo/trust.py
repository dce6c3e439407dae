"""The demo trust's measures and two years of their data (DESIGN §7).

Levels are those of a mental health trust (length of stay 30–60 days, occupancy 90–98%, sickness
5–7%, DNAs 10–20%, waits of 4–8 weeks). Where the demo projects adopted a change, the measure
improves modestly and gradually from then on, so the charts show the special causes they should;
elsewhere the data is common-cause variation, some of it meeting its target, some failing, some
hit-or-miss. Numbers come from a random generator seeded by the measure's team and name, so they
are the same on every machine. A measure that exists already is left alone: seeding twice changes
nothing. Charts are computed in-process, so the demo opens with its charts drawn.
"""

import datetime as dt
import zlib
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from metrics import periods as P
from metrics.charts.recompute import chart_snapshot_compute, measure_changed
from metrics.dashboards.recompute import dashboard_snapshot_compute, dashboards_request
from metrics.measures.services import baseline_freeze, phase_start
from metrics.models import DashboardSnapshot, DataPoint, Measure
from teams.demo import STRUCTURE
from teams.models import Directorate, Team, User

TEAM_NAMES = {slug: name for rows in STRUCTURE.values() for slug, name, *_ in rows}
PERIODS = {"week": 104, "month": 24}


@dataclass(frozen=True)
class Spec:
    team: str
    name: str
    chart: str  # xmr | c | p | u | t | g
    frequency: str
    level: float  # mean value, count, proportion or rate before any change
    spread: float = 0.0  # XmR: standard deviation; P/U: the denominator's typical size
    change: float = 0.0  # relative change at full effect, e.g. -0.3
    weeks_ago: int = 0  # when the change started
    ramp: int = 4  # periods until the change is fully in effect
    kind: str = "outcome"
    improvement: str = "decrease"
    target: float | None = None
    key: bool = False
    project: str = ""  # title of the demo project the measure serves, if it exists
    # What the team lead did about the change, as Making Data Count advises: "freeze" the limits
    # on the baseline before it (so the improvement shows against them), or start a new "phase"
    # once it is established. Without either, earlier points read as concern in one long phase.
    baseline: str = ""
    reason: str = ""


LOS = (
    "Mean length of stay, in days, of patients discharged in the month (admission to discharge, "
    "leave included), from the patient administration system.",
    "days",
)
OCCUPANCY = (
    "Occupied bed days (midnight census, leave included) divided by available bed days in the "
    "month. Numerator: occupied bed days; denominator: available bed days.",
    "%",
)
VIOLENCE_U = (
    "Incidents reported on Datix in which a member of staff was physically assaulted, per 1,000 "
    "occupied bed days. Numerator: incidents; denominator: occupied bed days ÷ 1,000.",
    "per 1,000 occupied bed days",
)
VIOLENCE_C = (
    "Incidents reported on Datix in which a member of staff was physically assaulted, counted "
    "by the week commencing Monday.",
    "incidents",
)
SICKNESS = (
    "Working days lost to sickness divided by working days available (ESR, whole-time "
    "equivalent). Numerator: days lost; denominator: days available.",
    "%",
)
WAIT = (
    "Average days from receipt of referral to first assessment, for people assessed in the "
    "week (week commencing Monday), from the electronic patient record.",
    "days",
)
DNA = (
    "First appointments not attended without notice, out of first appointments booked in the "
    "week. Numerator: not attended; denominator: booked.",
    "%",
)

WILLOW = "Fewer violent incidents on Willow Ward"
CEDAR = "Reducing length of stay on Cedar Ward"
NORTH = "Cutting first-appointment non-attendance"
SOUTH = "Fewer missed first appointments in the South CMHT"
CRISIS = "Seeing people within four hours of referral"

# A table: one measure a line, read across. (Kept out of the formatter, which would stack it.)
# fmt: off
SPECS = [
    # Willow: safety huddles adopted some 9 months ago; assaults on staff fall.
    Spec("willow", "Mean length of stay", "xmr", "month", 34, 3.5, target=30, key=True),
    Spec("willow", "Bed occupancy", "p", "month", 0.955, 600, target=95, key=True),
    Spec("willow", "Violent incidents involving staff", "u", "month", 25, 0.56, -0.4, 36, 2,
         key=True, project=WILLOW, baseline="freeze", reason="Baseline before the huddles"),
    Spec("willow", "Shifts with a safety huddle", "p", "week", 0.42, 21, 1.15, 36, 4,
         kind="process", improvement="increase", target=90, project=WILLOW, baseline="phase",
         reason="Huddles adopted at every handover"),
    Spec("willow", "Rapid tranquillisation episodes", "c", "month", 7, kind="balancing",
         project=WILLOW),
    Spec("willow", "Staff sickness absence", "p", "month", 0.062, 640, target=5),
    # Rare events (issue 17), one point per event: restraint on Willow, some 6 days apart
    # before the huddles and about three times that after; seclusion on Rowan PICU, about 9
    # admissions apart, no change.
    Spec("willow", "Days between restraints", "t", "day", 6, change=2.0, weeks_ago=36,
         ramp=4, improvement="increase", project=WILLOW),
    Spec("rowan", "Admissions between seclusions", "g", "day", 9, 4, improvement="increase"),
    # Cedar: expected discharge dates being tested; length of stay not yet moving.
    Spec("cedar", "Mean length of stay", "xmr", "month", 38, 4, target=30, key=True,
         project=CEDAR),
    Spec("cedar", "Bed occupancy", "p", "month", 0.98, 600, target=95, key=True),
    Spec("cedar", "Expected discharge date set within 72 hours", "p", "week", 0.35, 6, 1.0, 20,
         4, kind="process", improvement="increase", target=80, project=CEDAR, baseline="freeze",
         reason="Baseline before the first test of change"),
    Spec("cedar", "Readmissions within 30 days", "p", "month", 0.08, 24, kind="balancing",
         project=CEDAR),
    Spec("cedar", "Violent incidents involving staff", "u", "month", 18, 0.58),
    Spec("rowan", "Violent incidents involving staff", "u", "month", 60, 0.28),
    Spec("rowan", "Bed occupancy", "p", "month", 0.93, 300, target=95),
    Spec("rowan", "Staff sickness absence", "p", "month", 0.068, 520, target=5),
    Spec("oak", "Mean length of stay", "xmr", "month", 55, 8),
    Spec("oak", "Staff sickness absence", "p", "month", 0.058, 480, target=5),
    Spec("elm", "Mean length of stay", "xmr", "month", 62, 7),
    Spec("elm", "Bed occupancy", "p", "month", 0.90, 540, target=95),
    Spec("ash", "Violent incidents involving staff", "c", "month", 9),
    # Ash: a wellbeing programme some 10 months ago; sickness comes down gradually.
    Spec("ash", "Staff sickness absence", "p", "month", 0.071, 700, -0.25, 44, 4, target=5,
         key=True, baseline="freeze", reason="Baseline before the wellbeing programme"),
    Spec("birch", "Staff sickness absence", "p", "month", 0.05, 560, target=5),
    Spec("birch", "Violent incidents involving staff", "c", "month", 5),
    # North CMHT: text reminders adopted some 6 months ago; DNAs fall.
    Spec("north-cmht", "First appointments not attended", "p", "week", 0.17, 32, -0.4, 26, 4,
         target=10, key=True, project=NORTH, baseline="freeze",
         reason="Baseline before the text reminders"),
    Spec("north-cmht", "Text reminder sent 48 hours before", "p", "week", 0.05, 32, 15.0, 26, 3,
         kind="process", improvement="increase", target=95, project=NORTH, baseline="phase",
         reason="Text reminders adopted"),
    Spec("north-cmht", "Admin time on reminder calls (hours a week)", "xmr", "week", 3.0, 0.6,
         0.5, 20, 3, kind="balancing", improvement="neither", project=NORTH),
    Spec("north-cmht", "Referral to assessment wait", "xmr", "week", 38, 6, target=28, key=True),
    Spec("south-cmht", "Referral to assessment wait", "xmr", "week", 52, 5, target=28, key=True),
    Spec("south-cmht", "First appointments not attended", "p", "week", 0.15, 28, target=10,
         project=SOUTH),
    Spec("crisis", "Seen within 4 hours of referral", "p", "week", 0.62, 30, 0.2, 8, 3,
         improvement="increase", target=80, key=True, project=CRISIS, baseline="freeze",
         reason="Baseline before duty triage"),
    Spec("camhs-east", "Referral to assessment wait", "xmr", "week", 58, 8, target=28),
    Spec("camhs-east", "First appointments not attended", "p", "week", 0.14, 18, target=10),
    # Memory service: a one-stop clinic some 11 months ago; waits fall steadily.
    Spec("memory", "Referral to assessment wait", "xmr", "week", 44, 4, -0.3, 48, 10, target=42,
         baseline="phase", reason="One-stop assessment clinic started"),
    Spec("memory", "First appointments not attended", "p", "month", 0.06, 140, target=10),
]
# fmt: on

DEFINITIONS = {
    "Mean length of stay": LOS,
    "Bed occupancy": OCCUPANCY,
    "Staff sickness absence": SICKNESS,
    "Referral to assessment wait": WAIT,
    "First appointments not attended": DNA,
}


def _definition(spec: Spec) -> tuple[str, str]:
    if spec.chart == "t":
        return ("Each use of physical restraint, recorded on Datix by the day it happened; the "
                "chart shows the days between one and the next (longer is better).", "days")
    if spec.chart == "g":
        return ("Each seclusion, recorded by the day it began, with the admissions to the ward "
                "since the one before; the chart shows the admissions between seclusions.",
                "admissions")
    if spec.name in DEFINITIONS:
        return DEFINITIONS[spec.name]
    if spec.name == "Violent incidents involving staff":
        return VIOLENCE_U if spec.chart == "u" else VIOLENCE_C
    if spec.chart == "p":
        return (f"{spec.name}: how many out of how many, counted each period.", "%")
    if spec.chart == "c":
        return (f"{spec.name}: events counted each period, from Datix.", "events")
    return (f"{spec.name}, recorded each period.", "")


def _periods(frequency: str, today: dt.date) -> list[dt.date]:
    """Two years up to the last complete period: the current one is left for the demo user."""
    return list(reversed(P.previous_periods(frequency, today, PERIODS[frequency] + 1)[1:]))


def _events(spec: Spec, today: dt.date) -> list[tuple[dt.date, dict]]:
    """Two years of rare events: gaps of about `level` days (T) — longer by `change` after the
    change, over `ramp` events — or every `spread` days or so with about `level`
    opportunities between (G, geometric). Ends before today."""
    rng = np.random.default_rng(zlib.crc32(f"{spec.team}/{spec.name}".encode()))
    start = today - dt.timedelta(weeks=spec.weeks_ago) if spec.change else None
    day, since, out = today - dt.timedelta(days=730), 0, []
    while True:
        if spec.chart == "t":
            since = since + 1 if start is not None and day >= start else 0
            mean = spec.level * (1 + spec.change * min(since / spec.ramp, 1))
            # Gamma-distributed gaps (shape 3): steadier than a Poisson process's, so that a
            # two-year demo shows the change as a shift rather than only as noise.
            gap = max(1, round(rng.gamma(3, mean / 3)))
            fields = {"value": 1.0}
        else:
            gap = max(1, round(rng.exponential(spec.spread)))
            fields = {"value": float(rng.geometric(1 / (spec.level + 1)) - 1)}
        day += dt.timedelta(days=gap)
        if day >= today:
            return out
        out.append((day, fields))


def _effect(spec: Spec, periods: list[dt.date], today: dt.date) -> np.ndarray:
    """0 before the change, rising linearly to `change` over `ramp` periods (gradual, as real
    improvement is)."""
    if not spec.change:
        return np.zeros(len(periods))
    start = today - dt.timedelta(weeks=spec.weeks_ago)
    since = np.cumsum([period >= start for period in periods])
    return spec.change * np.clip(since / spec.ramp, 0, 1)


def _series(spec: Spec, periods: list[dt.date], today: dt.date) -> list[dict]:
    rng = np.random.default_rng(zlib.crc32(f"{spec.team}/{spec.name}".encode()))
    level = spec.level * (1 + _effect(spec, periods, today))
    n = len(periods)
    if spec.chart == "xmr":
        values = np.maximum(rng.normal(level, spec.spread), 0).round(1)
        return [{"value": float(v)} for v in values]
    if spec.chart == "c":
        return [{"value": float(v)} for v in rng.poisson(level)]
    if spec.chart == "u":
        exposure = (spec.spread * rng.uniform(0.93, 1.0, n)).round(3)
        events = rng.poisson(level * exposure)
        pairs = zip(events, exposure, strict=True)
        return [{"numerator": float(e), "denominator": float(x)} for e, x in pairs]
    totals = np.maximum(rng.poisson(spec.spread, n), 1)  # p: how many were counted
    cases = rng.binomial(totals, np.clip(level, 0, 1))
    pairs = zip(cases, totals, strict=True)
    return [{"numerator": float(c), "denominator": float(t)} for c, t in pairs]


def _measure(organisation, team, spec: Spec, projects) -> Measure:
    definition, unit = _definition(spec)
    measure = Measure(
        team=team,
        name=spec.name,
        kind=spec.kind,
        definition=definition,
        unit=unit,
        frequency=spec.frequency,
        chart_type=spec.chart,
        improvement=spec.improvement,
        target=spec.target,
        is_key=spec.key,
    )
    measure.organisation_id = organisation.pk
    measure.save()
    if spec.project and spec.project in projects:
        measure.projects.add(projects[spec.project])
    return measure


def _baseline(measure: Measure, spec: Spec, today: dt.date) -> None:
    change = P.period_start(today - dt.timedelta(weeks=spec.weeks_ago), spec.frequency)
    lead = User.objects.filter(username=f"lead.{spec.team}").first()
    if spec.baseline == "phase":
        phase_start(measure=measure, starts_on=change, reason=spec.reason, user=lead)
    else:
        until = P.step_back(change, spec.frequency)
        baseline_freeze(measure=measure, until=until, reason=spec.reason, user=lead)


def _projects(organisation) -> dict:
    try:  # the cycles app seeds projects when it is installed; measures link to them if so
        from cycles.models import Project
    except ImportError:  # pragma: no cover
        return {}
    return {p.title: p for p in Project.objects.filter(organisation=organisation)}


@transaction.atomic
def seed_measures(organisation, report=None) -> list[Measure]:
    """Add the demo measures and their data; returns the measures created (none the 2nd time)."""
    today = timezone.localdate()
    in_demo = Team.objects.filter(organisation=organisation, name__in=TEAM_NAMES.values())
    teams = {team.name: team for team in in_demo}
    existing = set(
        Measure.objects.filter(organisation=organisation).values_list("team__name", "name")
    )
    projects = _projects(organisation)
    created = []
    for spec in SPECS:
        team = teams.get(TEAM_NAMES[spec.team])
        if team is None or (team.name, spec.name) in existing:
            continue
        measure = _measure(organisation, team, spec, projects)
        if spec.chart in ("t", "g"):
            points = _events(spec, today)
        else:
            periods = _periods(spec.frequency, today)
            points = zip(periods, _series(spec, periods, today), strict=True)
        DataPoint.objects.bulk_create(
            DataPoint(measure=measure, period=period, **fields) for period, fields in points
        )
        if spec.baseline:
            _baseline(measure, spec, today)
        created.append(measure)
    for measure in created:
        # The pipeline's own steps: mark the chart stale, then compute it here and now; the
        # dashboards it asks for are coalesced into one recompute per scope at commit.
        measure_changed(measure_id=measure.pk)
        chart_snapshot_compute(measure_id=measure.pk)
    if report is not None:
        report.created += len(created)
    return created


@transaction.atomic
def seed_dashboards(organisation, report=None) -> int:
    """Compute the organisation's, every directorate's and every team's dashboard here and now,
    through the pipeline's own steps, so the demo opens with its dashboards drawn. Runs after
    the projects and the measures; returns how many dashboards were computed. (The tasks the
    requests enqueue at commit find the dashboards fresh and do nothing.)"""
    dashboards_request(organisation_id=organisation.pk)  # also when the trust has no team
    for team in Team.objects.filter(organisation=organisation).values("pk", "directorate_id"):
        dashboards_request(
            organisation_id=organisation.pk,
            directorate_id=team["directorate_id"],
            team_id=team["pk"],
        )
    directorates = Directorate.objects.filter(organisation=organisation).values_list(
        "pk", flat=True
    )
    for directorate_id in directorates:  # one without teams still has its (empty) dashboard
        dashboards_request(organisation_id=organisation.pk, directorate_id=directorate_id)
    snapshots = list(
        DashboardSnapshot.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )
    for snapshot_id in snapshots:
        dashboard_snapshot_compute(snapshot_id=snapshot_id)
    return len(snapshots)
