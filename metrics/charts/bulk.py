"""Recomputing every chart and dashboard of an organisation at once (issue 7, DESIGN §8–§9).

`recompute_all` splits the organisation's measures into chunks. Each chunk is loaded in three
queries (measures, points, phases), analysed with the engine's vectorised batch
(`analyse_many`) and written with one bulk update, under the same version rule as
`recompute.chart_snapshot_compute`, the one-measure path whose results these equal exactly:

- the data version is read before the data, so a result is never labelled newer than its data;
- the chunk's measures and snapshots are locked (measures first, in pk order, as the single
  path does) before anything is written; a snapshot already holding a newer version is skipped
  ("superseded"), and a measure whose version moved on meanwhile is stored `stale` (the task for
  its newer data follows);
- a snapshot already fresh at its measure's version is not recomputed unless `force`.

In-process (`workers=0`, the management command) the dashboards are then recomputed one by one.
With workers, every chunk is a `recompute_chunk` task on the `charts` queue, so N workers split
the recompute; each chunk asks for its teams', directorates' and the organisation's dashboards,
coalesced as usual (one pending recompute per scope) on the `dashboards` queue.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from metrics import background
from metrics.charts import inputs as charting
from metrics.charts.recompute import SNAPSHOT_FIELDS, snapshot_fill
from metrics.dashboards.recompute import dashboard_snapshot_compute, dashboards_request_many
from metrics.models import ChartSnapshot, DashboardSnapshot, DataPoint, Measure, Phase
from metrics.spc import analyse_many
from teams.models import Directorate, Team

FRESH, STALE, FAILED = (
    ChartSnapshot.Status.FRESH,
    ChartSnapshot.Status.STALE,
    ChartSnapshot.Status.FAILED,
)
CHUNK = 250
MEASURE_FIELDS = (
    "pk", "chart_type", "frequency", "improvement", "target", "freeze_until", "data_version",
    "organisation_id", "team_id", "team__directorate_id",
)  # fmt: skip
def _load(measure_ids) -> tuple[list[dict], dict[int, charting.ChartInput]]:
    """The measures (with the data version read first) and their chart inputs."""
    measures = list(
        Measure.objects.filter(pk__in=measure_ids).order_by("pk").values(*MEASURE_FIELDS)
    )
    ids = [m["pk"] for m in measures]
    points = defaultdict(list)
    rows = DataPoint.objects.filter(measure_id__in=ids).order_by("measure_id", "period")
    for measure_id, *row in rows.values_list(
        "measure_id", "period", "value", "numerator", "denominator"
    ).iterator(chunk_size=20000):
        points[measure_id].append(tuple(row))
    phases = defaultdict(list)
    for measure_id, starts_on in Phase.objects.filter(measure_id__in=ids).values_list(
        "measure_id", "starts_on"
    ):
        phases[measure_id].append(starts_on)
    charts = {
        m["pk"]: charting.chart_input(
            chart_type=m["chart_type"],
            frequency=m["frequency"],
            improvement=m["improvement"],
            target=m["target"],
            points=points.get(m["pk"], []),
            phase_starts=phases.get(m["pk"], []),
            freeze_until=m["freeze_until"],
        )
        for m in measures
    }
    return measures, charts


def _compute(charts: dict[int, charting.ChartInput]) -> dict[int, tuple[dict | None, str]]:
    """Every chart's (result, error), as `charting.compute` gives it, through `analyse_many`."""
    out: dict[int, tuple[dict | None, str]] = {}
    to_compute = []
    for measure_id, chart in charts.items():
        if not chart.periods:
            out[measure_id] = charting.compute(chart)  # "No data yet"
        else:
            to_compute.append(measure_id)
    try:
        results = analyse_many([charts[i].kwargs for i in to_compute])
    except ValueError:
        # A series the engine refuses fails the whole batch: find it one by one (rare).
        for measure_id in to_compute:
            out[measure_id] = charting.compute(charts[measure_id])
        return out
    for measure_id, result in zip(to_compute, results, strict=True):
        out[measure_id] = (result.to_dict(), "")
    return out


def recompute_chunk(measure_ids, *, force: bool = False, request_dashboards: bool = True) -> dict:
    """Recompute these measures' charts in one batch. Returns counts by outcome."""
    counts = defaultdict(int)
    if not force:
        fresh = ChartSnapshot.objects.filter(
            measure_id__in=measure_ids, status=FRESH, data_version__gte=F("measure__data_version")
        ).values_list("measure_id", flat=True)
        skip = set(fresh)
        counts["already fresh"] = len(skip)
        measure_ids = [i for i in measure_ids if i not in skip]
    measures, charts = _load(measure_ids)
    computed = _compute(charts)
    now = timezone.now()
    scopes = set()
    with transaction.atomic():
        current = dict(
            Measure.objects.select_for_update()
            .filter(pk__in=[m["pk"] for m in measures])
            .order_by("pk")
            .values_list("pk", "data_version")
        )
        missing = set(current) - set(
            ChartSnapshot.objects.filter(measure_id__in=current).values_list(
                "measure_id", flat=True
            )
        )
        ChartSnapshot.objects.bulk_create(
            [ChartSnapshot(measure_id=i) for i in sorted(missing)], ignore_conflicts=True
        )
        snapshots = {
            s.measure_id: s
            for s in ChartSnapshot.objects.select_for_update()
            .filter(measure_id__in=current)
            .order_by("measure_id")
            .only(
                "pk",
                "measure_id",
                "data_version",
                "special_cause_since",
                "special_cause_type",
                "stale_since",
            )  # fmt: skip
        }
        changed = []
        for m in measures:
            measure_id = m["pk"]
            if measure_id not in current:
                counts["gone"] += 1
                continue
            version = m["data_version"]
            snapshot = snapshots[measure_id]
            if snapshot.data_version > version:
                counts["superseded"] += 1  # a newer result is already stored: never go back
                continue
            chart = charts[measure_id]
            result, error = computed[measure_id]
            status = FAILED if error else FRESH
            if current[measure_id] != version:
                status = STALE  # the data moved on while we computed; its own task follows
            snapshot_fill(
                snapshot,
                status=status,
                version=version,
                chart=chart,
                result=result,
                error=error,
                now=now,
            )
            if status != STALE:
                scopes.add((m["organisation_id"], m["team__directorate_id"], m["team_id"]))
            changed.append(snapshot)
            counts[str(status)] += 1
        _write(changed)
        if request_dashboards and scopes:
            dashboards_request_many(scopes)
    return dict(counts)


def _write(snapshots: list[ChartSnapshot]) -> None:
    """Store the snapshots (their rows are locked by the caller). On PostgreSQL one
    `UPDATE ... FROM (VALUES ...)` per page: Django's bulk_update builds a CASE per field and
    row, which cost 7 ms a snapshot on the large trust (most of the chunk's time)."""
    if connection.vendor != "postgresql":
        ChartSnapshot.objects.bulk_update(snapshots, SNAPSHOT_FIELDS, batch_size=100)
        return
    from psycopg2.extras import execute_values

    table = ChartSnapshot._meta.db_table
    columns = ", ".join(f"{name} = v.{name}" for name in SNAPSHOT_FIELDS)
    sql = (
        f"UPDATE {table} AS s SET {columns} FROM (VALUES %s) AS v(id, {', '.join(SNAPSHOT_FIELDS)})"  # noqa: S608 (names are ours)
        " WHERE s.id = v.id"
    )
    template = (
        "(%s::bigint, %s, %s::bigint, %s::jsonb, %s::jsonb, %s, %s, %s, %s::date, "
        "%s::double precision, %s::jsonb, %s::timestamptz, %s, %s::timestamptz, %s::timestamptz)"
    )
    rows = [
        (
            s.pk,
            s.status,
            s.data_version,
            json.dumps(s.periods),
            None if s.result is None else json.dumps(s.result),
            s.error,
            s.variation,
            s.assurance,
            s.latest_period,
            s.latest_value,
            json.dumps(s.sparkline),
            s.special_cause_since,
            s.special_cause_type,
            s.computed_at,
            s.stale_since,
        )  # fmt: skip
        for s in snapshots
    ]
    with connection.cursor() as cursor:
        execute_values(cursor.cursor, sql, rows, template=template, page_size=100)





def chunks_of(organisation_id: int, *, workers: int = 0, chunk_size: int | None = None):
    ids = list(
        Measure.objects.filter(organisation_id=organisation_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if chunk_size is None:
        # Enough chunks for every worker to stay busy to the end, never too small to vectorise.
        chunk_size = (
            CHUNK if not workers else max(25, min(CHUNK, math.ceil(len(ids) / (workers * 4))))
        )
    return [ids[i : i + chunk_size] for i in range(0, len(ids), chunk_size)]


def recompute_all(
    organisation_id: int, *, workers: int = 0, chunk_size: int | None = None, force: bool = False
) -> dict:
    """Recompute every chart, then every dashboard, of the organisation.

    workers=0: here and now (charts chunk by chunk, then each dashboard); returns counts.
    workers=N: enqueue the chunks as `recompute_chunk` tasks for N workers; the dashboards
    follow through the usual coalesced requests. Returns {"chunks": n, "measures": m}."""
    chunks = chunks_of(organisation_id, workers=workers, chunk_size=chunk_size)
    if workers:
        for chunk in chunks:
            background.recompute_chunk(chunk, force)
        return {"chunks": len(chunks), "measures": sum(map(len, chunks))}
    counts: dict[str, int] = defaultdict(int)
    for chunk in chunks:
        for outcome, n in recompute_chunk(chunk, force=force, request_dashboards=False).items():
            counts[outcome] += n
    counts["dashboards"] = recompute_dashboards(organisation_id)
    return dict(counts)


def recompute_dashboards(organisation_id: int) -> int:
    """Every dashboard of the organisation, here and now (through the pipeline's own steps)."""
    scopes = {(organisation_id, None, None)}
    scopes |= {
        (organisation_id, d, None)
        for d in Directorate.objects.filter(organisation_id=organisation_id).values_list(
            "pk", flat=True
        )
    }
    scopes |= {
        (organisation_id, d, t)
        for t, d in Team.objects.filter(organisation_id=organisation_id).values_list(
            "pk", "directorate_id"
        )
    }
    with transaction.atomic():
        dashboards_request_many(scopes)
        ids = list(
            DashboardSnapshot.objects.filter(organisation_id=organisation_id).values_list(
                "pk", flat=True
            )
        )
        for snapshot_id in ids:
            dashboard_snapshot_compute(snapshot_id=snapshot_id)
    return len(ids)
