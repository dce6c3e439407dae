"""Bulk recompute (issue 7): `recompute_all` stores exactly what `chart_snapshot_compute` stores
one by one, keeps the version rule in bulk, recomputes every dashboard, and splits into chunk
tasks for workers."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import F

from metrics import background, tasks
from metrics.charts import bulk as bulk_recompute
from metrics.charts import recompute
from metrics.demo.large import seed_large
from metrics.models import ChartSnapshot, DashboardSnapshot, DataPoint, Measure
from teams.models import Directorate, Team

FIELDS = (
    "status", "data_version", "periods", "result", "error", "variation", "assurance",
    "latest_period", "latest_value", "sparkline", "special_cause_type",
)  # fmt: skip


@pytest.fixture
def trust(db):
    org = seed_large(teams=3, weeks=40, slug="bulk", name="Bulk Trust").organisation
    team = Team.objects.filter(organisation=org).first()
    # One chart without data and one the engine refuses (more cases than cases counted).
    Measure(organisation=org, team=team, name="Empty", definition="-", chart_type="xmr").save()
    bad = Measure(organisation=org, team=team, name="Bad", definition="-", chart_type="p")
    bad.save()
    DataPoint.objects.bulk_create(
        DataPoint(measure=bad, period=dt.date(2025, 1, 6) + dt.timedelta(weeks=i),
                  numerator=5 if i == 3 else 1, denominator=2)
        for i in range(12)
    )  # fmt: skip
    return org


def _stored(org):
    rows = ChartSnapshot.objects.filter(measure__organisation=org).order_by("measure_id")
    return {
        row["measure_id"]: row
        for row in rows.values("measure_id", *FIELDS, has_signal=F("special_cause_since"))
    }


def _reset(org):
    ChartSnapshot.objects.filter(measure__organisation=org).update(
        status="stale", data_version=0, result=None, periods=[], special_cause_since=None,
        special_cause_type="", variation="", assurance="", sparkline=[], error="",
        latest_period=None, latest_value=None,
    )  # fmt: skip


def test_recompute_all_stores_what_one_by_one_stores(trust):
    counts = bulk_recompute.recompute_all(trust.pk, chunk_size=7)
    n = Measure.objects.filter(organisation=trust).count()
    assert counts["fresh"] == n - 2 and counts["failed"] == 2
    bulk = _stored(trust)
    _reset(trust)
    for measure_id in bulk:
        recompute.chart_snapshot_compute(measure_id=measure_id)
    single = _stored(trust)
    for row in (*bulk.values(), *single.values()):
        row["has_signal"] = row["has_signal"] is not None
    assert bulk == single
    assert any(row["has_signal"] for row in bulk.values())
    assert {row["error"] != "" for row in bulk.values()} == {True, False}


def test_recompute_all_recomputes_every_dashboard(trust):
    bulk_recompute.recompute_all(trust.pk)
    dashboards = DashboardSnapshot.objects.filter(organisation=trust)
    expected = 1 + Directorate.objects.filter(organisation=trust).count()
    expected += Team.objects.filter(organisation=trust).count()
    assert dashboards.count() == expected
    assert not dashboards.filter(dirty_since__isnull=False).exists()
    board = dashboards.get(scope="organisation")
    assert board.computed_at is not None and board.data


def test_a_fresh_chart_is_left_alone_unless_forced(trust):
    first = bulk_recompute.recompute_all(trust.pk)
    again = bulk_recompute.recompute_all(trust.pk)
    assert again["already fresh"] == first["fresh"]
    assert bulk_recompute.recompute_all(trust.pk, force=True)["fresh"] == first["fresh"]


def test_the_version_rule_holds_in_bulk(trust, monkeypatch):
    newer, moving, *others = Measure.objects.filter(organisation=trust).order_by("pk")[:5]
    # A newer result is already stored for one measure: it must never be overwritten.
    ChartSnapshot.objects.filter(measure=newer).update(
        status="fresh", data_version=9, result={"marker": True}
    )
    # Another measure's data moves on while the batch computes.
    compute = bulk_recompute._compute

    def compute_while_data_moves(charts):
        Measure.objects.filter(pk=moving.pk).update(data_version=F("data_version") + 1)
        return compute(charts)

    monkeypatch.setattr(bulk_recompute, "_compute", compute_while_data_moves)
    counts = bulk_recompute.recompute_chunk([newer.pk, moving.pk, *(m.pk for m in others)])
    assert counts == {"already fresh": 1, "stale": 1, "fresh": len(others)}
    counts = bulk_recompute.recompute_chunk([newer.pk], force=True)
    assert counts == {"superseded": 1}
    kept = ChartSnapshot.objects.get(measure=newer)
    assert (kept.data_version, kept.result) == (9, {"marker": True})
    moved = ChartSnapshot.objects.get(measure=moving)
    assert (moved.status, moved.data_version) == ("stale", 1)
    assert moved.stale_since is not None  # the sweep still knows how long it has waited
    assert set(
        ChartSnapshot.objects.filter(measure__in=others).values_list("status", flat=True)
    ) == {"fresh"}


def test_with_workers_the_chunks_are_enqueued_for_the_charts_queue(trust, monkeypatch):
    sent = []
    monkeypatch.setattr(
        background, "enqueue_on_commit", lambda task, *args, **kw: sent.append((task, args))
    )
    n = Measure.objects.filter(organisation=trust).count()
    out = bulk_recompute.recompute_all(trust.pk, workers=2)
    assert out == {"chunks": len(sent), "measures": n} and len(sent) >= 2
    assert {task for task, _ in sent} == {tasks.recompute_chunk}
    assert sorted(i for _, (chunk, _force) in sent for i in chunk) == sorted(
        Measure.objects.filter(organisation=trust).values_list("pk", flat=True)
    )
    chunks = list(sent)
    for task, args in chunks:  # what a worker runs
        task.run(*args)
    statuses = ChartSnapshot.objects.filter(measure__organisation=trust).values_list(
        "status", flat=True
    )
    assert set(statuses) == {"fresh", "failed"}
    # Each chunk asked for its dashboards (coalesced: one pending recompute per scope).
    waiting = DashboardSnapshot.objects.filter(organisation=trust, dirty_since__isnull=False)
    assert waiting.count() == 1 + Team.objects.filter(organisation=trust).count() + len(
        set(Team.objects.filter(organisation=trust).values_list("directorate_id", flat=True))
    )
    assert {task for task, _ in sent[len(chunks) :]} == {tasks.recompute_dashboard}
    assert len(sent) - len(chunks) == waiting.count()


def test_the_command_recomputes_an_organisation(trust, capsys):
    call_command("recompute_charts", "--organisation", "bulk")
    assert "dashboards" in capsys.readouterr().out
    assert not ChartSnapshot.objects.filter(measure__organisation=trust, status="stale").exists()
