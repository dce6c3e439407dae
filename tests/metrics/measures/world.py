"""Helpers for the measure page tests: measures with data and a computed snapshot, and the PDSA
cycles of a project the measure serves."""

from metrics.charts.recompute import chart_snapshot_compute
from metrics.entry.services import Row, confirmation_key, data_points_save
from tests.cycles.factories import ChangeIdeaFactory, CycleFactory, ProjectFactory

# Ten points around 10, then ten around 5: a shift the engine flags as an improvement.
SHIFTING = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 5, 6, 4, 5, 6, 5, 4, 5, 6, 5]


def add_points(measure, periods, values, *, user, notes=None):
    rows = []
    for i, (period, value) in enumerate(zip(periods, values, strict=True)):
        note = notes[i] if notes else ""
        if measure.uses_denominator:
            numerator, denominator = value
            rows.append(Row(period=period, numerator=numerator, denominator=denominator, note=note))
        else:
            rows.append(Row(period=period, value=value, note=note))
    # The world's figures are as meant: a shift such as SHIFTING[:12] is confirmed if asked.
    confirmed = {confirmation_key(measure, row) for row in rows}
    data_points_save(measure=measure, rows=rows, user=user, confirmed=confirmed)
    # Tests in a transaction never commit, so the on-commit recompute is run here directly.
    chart_snapshot_compute(measure_id=measure.pk)
    measure.refresh_from_db()
    return measure


def served_project(measure, *, cycles=(), team=None):
    """A project of the measure's team that the measure serves, with one change idea and a
    PDSA cycle per (Do start date, number) given."""
    project = ProjectFactory(team=team or measure.team)
    measure.projects.add(project)
    idea = ChangeIdeaFactory(project=project, title="Safety huddle at the late shift")
    made = [
        CycleFactory(change_idea=idea, number=number, do_started_on=started, stage="do")
        for started, number in cycles
    ]
    return project, idea, made
