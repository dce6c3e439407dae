"""The recompute pipeline of DESIGN §4: version rule, staleness, coalescing, sweep."""

import datetime as dt

import pytest
from django.utils import timezone

from metrics.charts import recompute
from metrics.dashboards import recompute as dashboards_recompute
from metrics.entry.services import Row, data_points_save
from metrics.models import ChartSnapshot, DashboardSnapshot
from metrics.spc import analyse
from metrics.workers import sweep as sweeping

# Weekly incidents on an acute ward: a baseline around 10, then lower after a change.
VALUES = [10, 12, 9, 11, 10, 13, 9, 10, 11, 12, 10, 9, 6, 5, 6, 4, 5, 6, 5, 4, 5, 6]


LAST_WEEK = dt.date(2025, 6, 2)


def enter(measure, user, mondays, values=VALUES, end=None):
    periods = mondays(len(values), end=end)
    rows = [Row(period=p, value=v) for p, v in zip(periods, values, strict=True)]
    return data_points_save(measure=measure, rows=rows, user=user)


def enter_all_but_the_last_week(measure, user, mondays):
    enter(measure, user, mondays, VALUES[:-1], end=LAST_WEEK - dt.timedelta(weeks=1))


def enter_the_last_week(measure, user):
    data_points_save(measure=measure, rows=[Row(period=LAST_WEEK, value=VALUES[-1])], user=user)


def test_the_snapshot_holds_exactly_the_engines_result(measure_factory, org_world, mondays):
    measure = measure_factory(target=7)
    enter(measure, org_world["users"]["member"], mondays)
    assert recompute.chart_snapshot_compute(measure_id=measure.pk) == "fresh"
    snapshot = ChartSnapshot.objects.get(measure=measure)
    expected = analyse(VALUES, chart="xmr", improvement="decrease", target=7).to_dict()
    assert snapshot.result == expected
    assert snapshot.periods == [p.isoformat() for p in mondays(len(VALUES))]
    assert snapshot.data_version == 1
    assert snapshot.variation == expected["variation"]
    assert snapshot.latest_value == 6 and snapshot.latest_period == mondays(1)[0]


def test_a_second_run_of_the_same_task_does_nothing(measure_factory, org_world, mondays):
    measure = measure_factory()
    enter(measure, org_world["users"]["member"], mondays)
    assert recompute.chart_snapshot_compute(measure_id=measure.pk) == "fresh"
    computed_at = ChartSnapshot.objects.get(measure=measure).computed_at
    assert recompute.chart_snapshot_compute(measure_id=measure.pk) == "already fresh"
    assert ChartSnapshot.objects.get(measure=measure).computed_at == computed_at


def test_an_older_result_never_replaces_a_newer_one(
    measure_factory, org_world, mondays, monkeypatch
):
    measure = measure_factory()
    member = org_world["users"]["member"]
    enter_all_but_the_last_week(measure, member, mondays)  # version 1

    # The version-1 task reads its data, then stalls; meanwhile version 2 lands and is computed.
    real_load = recompute._load
    stalled = {}

    def slow_load(m):
        chart = real_load(m)
        if not stalled:
            stalled["yes"] = True
            enter_the_last_week(m, member)
            assert recompute.chart_snapshot_compute(measure_id=m.pk) == "fresh"
        return chart

    monkeypatch.setattr(recompute, "_load", slow_load)
    assert recompute.chart_snapshot_compute(measure_id=measure.pk) == "superseded"
    snapshot = ChartSnapshot.objects.get(measure=measure)
    assert snapshot.data_version == 2
    assert len(snapshot.result["points"]) == len(VALUES)


def test_a_result_for_data_that_moved_on_is_kept_but_stays_stale(
    measure_factory, org_world, mondays, monkeypatch
):
    measure = measure_factory()
    member = org_world["users"]["member"]
    enter_all_but_the_last_week(measure, member, mondays)
    real_load = recompute._load

    def load_then_new_entry(m):
        chart = real_load(m)
        enter_the_last_week(m, member)
        return chart

    monkeypatch.setattr(recompute, "_load", load_then_new_entry)
    assert recompute.chart_snapshot_compute(measure_id=measure.pk) == "stale"
    snapshot = ChartSnapshot.objects.get(measure=measure)
    assert snapshot.status == ChartSnapshot.Status.STALE
    monkeypatch.setattr(recompute, "_load", real_load)
    assert recompute.chart_snapshot_compute(measure_id=measure.pk) == "fresh"


def test_data_the_engine_cannot_chart_marks_the_snapshot_failed_with_the_reason(
    measure_factory, org_world, mondays
):
    # Rates above 1 are fine on a U chart; after switching to a P chart they cannot be charted.
    measure = measure_factory(chart_type="u", name="Incidents per 10 occupied bed days")
    rows = [Row(period=p, numerator=12, denominator=10) for p in mondays(3)]
    data_points_save(measure=measure, rows=rows, user=org_world["users"]["lead"])
    from metrics.measures.services import measure_update

    measure_update(measure=measure, chart_type="p")
    assert recompute.chart_snapshot_compute(measure_id=measure.pk) == "failed"
    snapshot = ChartSnapshot.objects.get(measure=measure)
    assert snapshot.result is None
    assert "denominator" in snapshot.error


def test_a_burst_of_entries_enqueues_one_dashboard_recompute_per_scope(
    measure_factory, org_world, mondays, django_capture_on_commit_callbacks
):
    measure = measure_factory()
    enter(measure, org_world["users"]["member"], mondays)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for _ in range(5):
            dashboards_recompute.dashboards_request(
                organisation_id=measure.organisation_id,
                directorate_id=org_world["own"].directorate_id,
                team_id=org_world["own"].pk,
            )
    assert len(callbacks) == 3, "one per scope: organisation, directorate, team"
    assert DashboardSnapshot.objects.filter(requested_version=5).count() == 3


def test_a_dashboard_asked_for_during_its_compute_goes_round_again(
    measure_factory, org_world, mondays, monkeypatch, django_capture_on_commit_callbacks
):
    measure = measure_factory(is_key=True)
    enter(measure, org_world["users"]["member"], mondays)
    recompute.chart_snapshot_compute(measure_id=measure.pk)
    snapshot = DashboardSnapshot.objects.get(scope="organisation")
    real = dashboards_recompute.dashboard_figures

    def figures_with_a_request_meanwhile(**kw):
        dashboards_recompute.dashboards_request(organisation_id=measure.organisation_id)
        return real(**kw)

    monkeypatch.setattr(dashboards_recompute, "dashboard_figures", figures_with_a_request_meanwhile)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert dashboards_recompute.dashboard_snapshot_compute(snapshot_id=snapshot.pk) == "again"
    assert len(callbacks) == 1
    monkeypatch.setattr(dashboards_recompute, "dashboard_figures", real)
    assert dashboards_recompute.dashboard_snapshot_compute(snapshot_id=snapshot.pk) == "fresh"
    snapshot.refresh_from_db()
    assert snapshot.dirty_since is None
    assert snapshot.data["key_measure_count"] == 1
    assert snapshot.data["measures"][0]["name"] == measure.name
    outcome = dashboards_recompute.dashboard_snapshot_compute(snapshot_id=snapshot.pk)
    assert outcome == "already fresh"


def test_the_sweep_re_enqueues_what_was_left_behind(
    measure_factory, org_world, mondays, django_capture_on_commit_callbacks
):
    measure = measure_factory()
    enter(measure, org_world["users"]["member"], mondays)  # its task was "lost"
    # so was this one:
    dashboards_recompute.dashboards_request(organisation_id=measure.organisation_id)
    assert sweeping.sweep() == {"charts": 0, "dashboards": 0, "imports": 0}, "young work waits"
    later = timezone.now() + dt.timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert sweeping.sweep(now=later) == {"charts": 1, "dashboards": 1, "imports": 0}
    assert len(callbacks) == 2


def test_the_sweep_sends_many_stale_charts_in_chunks_to_the_batch_recompute(
    measure_factory, org_world, mondays, django_capture_on_commit_callbacks, monkeypatch
):
    from metrics import tasks

    sent = []
    monkeypatch.setattr(
        tasks.recompute_chunk, "apply_async", lambda args, **kw: sent.append(("chunk", args))
    )
    monkeypatch.setattr(
        tasks.recompute_measure, "apply_async", lambda args, **kw: sent.append(("one", args))
    )
    monkeypatch.setattr(sweeping, "SWEEP_BATCH_FROM", 3)
    monkeypatch.setattr(sweeping, "SWEEP_CHUNK", 2)
    measures = [measure_factory(name=f"Measure {i}") for i in range(5)]
    for measure in measures:
        enter(measure, org_world["users"]["member"], mondays)  # their tasks were "lost"
    later = timezone.now() + dt.timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeping.sweep(now=later)["charts"] == 5
    ids = sorted(m.pk for m in measures)
    chunks = [args[0] for kind, args in sent if kind == "chunk"]
    assert chunks == [ids[0:2], ids[2:4], ids[4:5]]
    assert not [args for kind, args in sent if kind == "one"]

    # Fewer than SWEEP_BATCH_FROM: one task per chart, as before.
    sent.clear()
    monkeypatch.setattr(sweeping, "SWEEP_BATCH_FROM", 6)
    with django_capture_on_commit_callbacks(execute=True):
        sweeping.sweep(now=later)
    assert sorted(args[0] for kind, args in sent if kind == "one") == ids


@pytest.mark.django_db(transaction=True)
def test_without_redis_the_same_code_runs_in_process_after_commit(
    measure_factory, org_world, mondays, eager_tasks
):
    measure = measure_factory(is_key=True)
    enter(measure, org_world["users"]["member"], mondays)
    snapshot = ChartSnapshot.objects.get(measure=measure)
    assert snapshot.status == ChartSnapshot.Status.FRESH
    assert snapshot.result["phases"][0]["centre"] == pytest.approx(sum(VALUES) / len(VALUES))
    organisation = DashboardSnapshot.objects.get(scope="organisation")
    assert organisation.dirty_since is None and organisation.computed_at is not None
