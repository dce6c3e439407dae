"""The world the accessibility checks walk: the demo trust, plus what the demo lacks.

The demo seeder (`manage.py seed_demo`) gives a trust with teams, projects, drivers, change
ideas, PDSA cycles in every stage, reviews, phases and measures with computed charts and
dashboards. It has no run, Laney p' or Laney u' chart and no trust-wide measure, so those are
added here through the same services, and one import is left at its preview with row errors.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

PASSWORD = settings.DEMO_PASSWORD
# The role each kind of page is visited as (demo usernames).
MEMBER, LEAD, COACH, BOARD, ADMIN = (
    "member.willow",
    "lead.willow",
    "coach.amara",
    "board.chair",
    "qi.admin",
)

# A pasted import whose second and fourth rows are wrong (a word for a value, a future date).
IMPORT_WITH_ERRORS = "period,value\n{p1},31\n{p2},many\n{p3},29.5\n2999-01-05,30\n"


@dataclass
class World:
    organisation: object
    team: object  # Willow Ward: the member's and the lead's team
    directorate: object
    project: object
    idea: object
    driver: object
    cycles_by_stage: dict  # stage -> a PDSA cycle in it
    measures_by_chart: dict  # chart type -> a measure of Willow Ward (or the trust) with data
    trust_measure: object
    phase: object
    review: object
    import_job: object  # at its preview, made by the lead, with row errors
    users: dict = field(default_factory=dict)

    def editor_of(self, team) -> str:
        """A user who may edit the team's work: Willow's lead, else the QI admin."""
        return LEAD if team.pk == self.team.pk else ADMIN


def _history(frequency: str, n: int) -> list[dt.date]:
    from metrics import periods as P

    newest_first = P.previous_periods(frequency, timezone.localdate(), n + 1)[1:]
    return list(reversed(newest_first))


def _measure_with_data(*, organisation, team, chart_type, name, rows):
    from metrics.entry.services import Row, data_points_save
    from metrics.measures.services import measure_create
    from teams.models import User

    ratio = chart_type in {"p", "pp", "u", "up"}
    measure = measure_create(
        organisation=organisation,
        team=team,
        name=name,
        definition=f"{name}, counted by the ward clerk each week.",
        unit="" if ratio else "minutes",
        frequency="week",
        chart_type=chart_type,
        improvement="decrease",
        is_key=team is None,
    )
    periods = _history("week", len(rows))
    if ratio:
        pairs = zip(periods, rows, strict=True)
        entries = [Row(period=p, numerator=n, denominator=d) for p, (n, d) in pairs]
    else:
        entries = [Row(period=p, value=v) for p, v in zip(periods, rows, strict=True)]
    data_points_save(measure=measure, rows=entries, user=User.objects.get(username=LEAD))
    return measure


def build_world() -> World:
    """Seed the demo trust and the extras. Needs tasks to run in-process (eager)."""
    from cycles.models import ChangeIdea, PDSACycle, Review
    from metrics.charts.recompute import chart_snapshot_compute
    from metrics.imports import jobs as import_jobs
    from metrics.models import Measure, Phase
    from teams import extensions
    from teams.demo import seed_structure
    from teams.models import Team, User

    report = seed_structure()
    for seeder in extensions.demo_seeders():
        seeder(report.organisation, report)
    organisation = report.organisation
    team = Team.objects.get(organisation=organisation, name__startswith="Willow Ward")

    # 26 weeks each, with a late shift so the charts carry special causes.
    steady = [40, 42, 39, 41, 43, 40, 38, 41, 42, 40, 39, 41, 40]
    shifted = [30, 29, 31, 28, 30, 29, 27, 30, 28, 29, 31, 28, 27]
    ratios = [(n * 10, 1000 + 7 * i) for i, n in enumerate(steady + shifted)]
    extras = {
        "run": _measure_with_data(
            organisation=organisation,
            team=team,
            chart_type="run",
            name="Time to first review",
            rows=steady + shifted,
        ),
        "pp": _measure_with_data(
            organisation=organisation,
            team=team,
            chart_type="pp",
            name="Discharges before noon",
            rows=ratios,
        ),
        "up": _measure_with_data(
            organisation=organisation,
            team=team,
            chart_type="up",
            name="Falls per 1,000 occupied bed days",
            rows=ratios,
        ),
    }
    trust_measure = _measure_with_data(
        organisation=organisation,
        team=None,
        chart_type="xmr",
        name="Trust-wide waiting time",
        rows=steady + shifted,
    )
    for measure in [*extras.values(), trust_measure]:
        chart_snapshot_compute(measure_id=measure.pk)

    measures = Measure.objects.filter(organisation=organisation).select_related("team")
    by_chart = {}
    for measure in measures.order_by("team__name", "name"):
        current = by_chart.get(measure.chart_type)
        if current is None or (current.team_id != team.pk and measure.team_id == team.pk):
            by_chart[measure.chart_type] = measure
    by_chart.update(extras)

    cycles = PDSACycle.objects.filter(project__team__organisation=organisation)
    by_stage = {}
    for cycle in cycles.select_related("project__team").order_by("pk"):
        current = by_stage.get(cycle.stage)
        ours = cycle.project.team_id == team.pk
        if current is None or (ours and current.project.team_id != team.pk):
            by_stage[cycle.stage] = cycle

    idea = ChangeIdea.objects.filter(project__team=team).select_related("project", "driver").first()
    lead = User.objects.get(username=LEAD)
    entry_measure = by_chart["xmr"]
    p1, p2, p3 = _history("week", 3)
    job = import_jobs.import_job_create(
        measure=entry_measure,
        user=lead,
        text=IMPORT_WITH_ERRORS.format(p1=p1, p2=p2, p3=p3),
        source="pasted text",
    )
    return World(
        organisation=organisation,
        team=team,
        directorate=team.directorate,
        project=idea.project,
        idea=idea,
        driver=idea.driver,
        cycles_by_stage=by_stage,
        measures_by_chart=by_chart,
        trust_measure=trust_measure,
        phase=Phase.objects.filter(measure__organisation=organisation).first(),
        review=Review.objects.filter(project__team__organisation=organisation).first(),
        import_job=job,
    )
