"""Reads of measures, each scoped to one organisation and with a fixed number of queries however
much data a measure has (the measure page must stay fast as years of points accumulate)."""

from dataclasses import dataclass

from django.db.models import Q

from cycles.models import ChangeIdea, PDSACycle, Project
from metrics.dashboards.evidence import cycles_of_measures
from metrics.models import BaselineChange, DataPoint, DataPointRevision, Measure, Phase

# The correction history can grow without bound; the page shows the latest, the CSV has the data.
HISTORY_LIMIT = 50


def measure_for_user_or_none(user, measure_id):
    """The measure with its team and snapshot, if it is in the user's organisation (else None:
    the caller 404s, so another trust's measures do not even show as existing)."""
    if user.organisation_id is None:
        return None
    return (
        Measure.objects.select_related("team__directorate", "snapshot")
        .filter(pk=measure_id, organisation_id=user.organisation_id)
        .first()
    )


def _with_summary(measures):
    # Lists show the snapshot's summary columns only: never load whole series for a list.
    return measures.select_related("snapshot").defer("snapshot__result", "snapshot__periods")


def team_measures(team):
    return _with_summary(Measure.objects.filter(team=team)).order_by("kind", "name")


def trust_wide_measures(organisation_id):
    measures = Measure.objects.filter(organisation_id=organisation_id, team=None)
    return _with_summary(measures).order_by("kind", "name")


def key_measures_of_teams(organisation_id):
    """Teams' measures flagged for the board, shown on the trust-wide list beside its own."""
    measures = Measure.objects.filter(
        organisation_id=organisation_id, is_key=True, team__isnull=False
    )
    return _with_summary(measures).select_related("team").order_by("team__name", "name")


def projects_for_measure_form(*, organisation_id, team=None):
    """A team measure serves its team's projects; a trust-wide one any of the trust's."""
    projects = Project.objects.filter(organisation_id=organisation_id)
    if team is not None:
        projects = projects.filter(team=team)
    return projects.order_by("title")


def change_ideas_for_measure(measure):
    """The change ideas of the projects the measure serves: what a new phase may follow."""
    return (
        ChangeIdea.objects.filter(project__measures=measure)
        .select_related("project")
        .order_by("project__title", "title")
        .distinct()
    )


def points(measure):
    return list(
        DataPoint.objects.filter(measure=measure).select_related("entered_by").order_by("period")
    )


def has_points(measure) -> bool:
    return measure.points.exists()


def chart_cycles(measure):
    """The PDSA cycles that have started their Do stage, of the projects the measure serves or
    linked to the measure itself: the markers on its chart and its evidence of change."""
    return list(
        PDSACycle.objects.filter(
            Q(project__measures=measure) | Q(measures=measure), do_started_on__isnull=False
        )
        .select_related("change_idea", "project")
        .order_by("do_started_on", "pk")
        .distinct()
    )


@dataclass
class MeasurePage:
    projects: list
    cycles: list
    phases: list
    corrections: list
    baseline_changes: list


def measure_page(measure) -> MeasurePage:
    """Everything the measure page shows besides the snapshot and the data table
    (metrics.measures.table): five queries, whatever the size."""
    corrections = (
        DataPointRevision.objects.filter(point__measure=measure)
        .select_related("point", "changed_by")
        .order_by("-changed_at", "-pk")[:HISTORY_LIMIT]
    )
    changes = (
        BaselineChange.objects.filter(measure=measure)
        .select_related("change_idea", "changed_by")
        .order_by("-changed_at", "-pk")[:HISTORY_LIMIT]
    )
    phases = Phase.objects.filter(measure=measure).select_related("change_idea")
    return MeasurePage(
        projects=list(measure.projects.order_by("title")),
        cycles=chart_cycles(measure),
        phases=list(phases.order_by("starts_on")),
        corrections=list(corrections),
        baseline_changes=list(changes),
    )


def project_measures_with_cycles(project) -> list[tuple]:
    """The project's measures (with team and snapshot) and, for each, the started PDSA cycles
    its chart shows (of every project it serves, and linked to it): four queries in all."""
    kinds = {"outcome": 0, "process": 1, "balancing": 2}  # as a family of measures is read
    measures = sorted(
        Measure.objects.filter(projects=project).select_related("team", "snapshot"),
        key=lambda m: (kinds.get(m.kind, 3), m.name, m.pk),
    )
    cycles = cycles_of_measures(m.pk for m in measures)
    return [(m, cycles[m.pk]) for m in measures]
