"""Evidence of change read from the database: each measure's started PDSA cycles (of the
projects it serves and linked to it) as metrics.evidence reads them, and the one line a
dashboard shows of a key measure's latest signal. The measure page and the project panel use
the same reads (metrics.measures)."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from cycles.models import PDSACycle
from metrics.evidence import Cycle, findings
from metrics.evidence.findings import adopted_text, headline, period_text, what_text
from metrics.models import ChartSnapshot, Measure

# A change idea adopted, or adopted and spread to other teams since.
ADOPTED = ("adopted", "spread")


def cycles_of_measures(ids) -> dict[int, list]:
    """Per measure id, its started PDSA cycles (with change idea and project), oldest first:
    three queries however many measures."""
    ids = list(ids)
    projects_of: dict[int, set[int]] = {}
    served = Measure.projects.through.objects.filter(measure_id__in=ids)
    for measure_id, project_id in served.values_list("measure_id", "project_id"):
        projects_of.setdefault(measure_id, set()).add(project_id)
    cycles_of: dict[int, set[int]] = {}
    linked = Measure.cycles.through.objects.filter(measure_id__in=ids)
    for measure_id, cycle_id in linked.values_list("measure_id", "pdsacycle_id"):
        cycles_of.setdefault(measure_id, set()).add(cycle_id)
    all_projects = set().union(*projects_of.values()) if projects_of else set()
    all_cycles = set().union(*cycles_of.values()) if cycles_of else set()
    cycles = []
    if all_projects or all_cycles:
        cycles = list(
            PDSACycle.objects.filter(
                Q(project_id__in=all_projects) | Q(pk__in=all_cycles), do_started_on__isnull=False
            )
            .select_related("change_idea", "project")
            .order_by("do_started_on", "pk")
        )
    by_project: dict[int, list] = {}
    for c in cycles:
        by_project.setdefault(c.project_id, []).append(c)
    by_pk = {c.pk: c for c in cycles}
    out = {}
    for i in ids:  # each measure's cycles in the query's order, without looking at the rest
        mine = {c.pk: c for p in projects_of.get(i, ()) for c in by_project.get(p, ())}
        mine.update((pk, by_pk[pk]) for pk in cycles_of.get(i, ()) if pk in by_pk)
        out[i] = sorted(mine.values(), key=lambda c: (c.do_started_on, c.pk))
    return out


def evidence_cycles(cycles) -> list[Cycle]:
    """PDSA cycles (with change_idea and project) as metrics.evidence reads them."""
    out = []
    for c in cycles:
        idea = c.change_idea
        adopted = timezone.localdate(idea.status_changed_at) if idea.status in ADOPTED else None
        out.append(
            Cycle(
                id=c.pk,
                number=c.number,
                change_idea_id=idea.pk,
                change_idea=idea.title,
                do_started_on=c.do_started_on,
                adopted_on=adopted,
                window=c.project.evidence_window,
            )
        )
    return out


def measure_findings(*, frequency: str, improvement: str, result: dict, periods, cycles) -> list:
    days = [dt.date.fromisoformat(p) if isinstance(p, str) else p for p in periods]
    return findings(
        result, days, evidence_cycles(cycles), frequency=frequency, improvement=improvement
    )


def one_line(finding, frequency: str) -> str:
    """A dashboard's line for a signal: what, since when, and the change before it (the first
    named: an adopted one if any), without the lag."""
    signal = finding.signal
    direction = {"improvement": " (an improvement)", "concern": " (a concern)"}.get(
        signal.direction, ""
    )
    head = f"{what_text(signal)}{direction} since {period_text(finding.first_period, frequency)}"
    if not finding.links:
        return f"{head}; no test of change recorded before it."
    cycle = finding.links[0].cycle
    return f"{head}, after PDSA {cycle.number} “{cycle.change_idea}”{adopted_text(cycle)}."


def latest_signal_lines(rows: list[dict]) -> dict[int, str]:
    """For the rows (measure dicts with pk, frequency, improvement) the line of each one's
    latest signal; two queries for the snapshots plus three for the cycles."""
    ids = [r["pk"] for r in rows]
    if not ids:
        return {}
    snapshots = ChartSnapshot.objects.filter(measure_id__in=ids).values_list(
        "measure_id", "result", "periods"
    )
    cycles = cycles_of_measures(ids)
    by_id = {r["pk"]: r for r in rows}
    lines = {}
    for measure_id, result, periods in snapshots:
        if not result or not result.get("points") or len(periods or []) != len(result["points"]):
            continue
        row = by_id[measure_id]
        found = measure_findings(
            frequency=row["frequency"],
            improvement=row["improvement"],
            result=result,
            periods=periods,
            cycles=cycles[measure_id],
        )
        if found:
            lines[measure_id] = one_line(headline(found), row["frequency"])
    return lines
