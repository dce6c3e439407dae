"""What asks for a dashboard recompute: data entry (after the chart) and every change to a
team's improvement work (after commit), coalesced to one recompute per scope; and what the
sweep re-sends when a task was lost."""

import datetime as dt
import time
from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone

from cycles import services
from cycles.models import ChangeIdea, PDSACycle
from metrics import background
from metrics.charts import recompute
from metrics.dashboards import recompute as dashboards_recompute
from metrics.entry.services import Row, data_points_save
from metrics.imports.jobs import LARGE_IMPORT_ROWS, import_job_confirm
from metrics.models import DashboardSnapshot, ImportJob
from metrics.workers import sweep as sweeping
from tests.metrics.dashboards.world import cycle, idea, project


@pytest.fixture
def sent(monkeypatch):
    """What the recompute pipeline hands to the queue, by task name and arguments."""
    calls = []

    def record(task, *args, countdown=None, **options):
        calls.append((task.name.rsplit(".", 1)[-1], args))

    monkeypatch.setattr(background, "enqueue_on_commit", record)
    return calls


def scopes_of(team):
    return {
        ("organisation", team.organisation_id),
        ("directorate", team.directorate_id),
        ("team", team.pk),
    }


def snapshot_ids(team):
    snapshots = DashboardSnapshot.objects.filter(
        scope__in=["organisation", "directorate", "team"]
    ).values_list("scope", "scope_id", "pk")
    return {pk for scope, scope_id, pk in snapshots if (scope, scope_id) in scopes_of(team)}


def dashboards_sent(sent):
    return sorted(args[0] for name, args in sent if name == "recompute_dashboard")


def _cycle_at(stage, team):
    c = cycle(idea(project(team, "Calmer evenings"), "Huddle"))
    steps = {
        "do": {"what_happened": "Ran all week."},
        "study": {"results": "As predicted.", "learning": "It works."},
        "act": {"decision": "adopt", "next_steps": "Keep it."},
    }
    for name, fields in steps.items():
        if name == stage:
            break
        getattr(services, f"cycle_record_{name}")(cycle=c, **fields)
    return c


def _operation(name, world):
    """Set up what the operation needs, then return it, ready to run."""
    own, other, lead = world["own"], world["other"], world["users"]["lead"]
    if name == "project create":
        fields = {
            "title": "Fewer incidents",
            "problem": "Too many",
            "aim_what": "Violent incidents",
            "aim_how_much": "from 12 to 8 a month",
            "aim_by_when": date(2026, 3, 31),
            "start_date": date(2025, 4, 1),
        }
        return lambda: services.project_create(team=own, author=lead, **fields)
    if name == "change idea spread":
        source, target = idea(project(other), "Boxes", status="adopted"), project(own)
        return lambda: services.change_idea_spread(
            source=source, target_project=target, author=lead
        )
    if name.startswith("cycle ") and name != "cycle plan":
        stage = name.removeprefix("cycle ")
        c = _cycle_at(stage, own)
        steps = {
            "do": lambda: services.cycle_record_do(cycle=c, what_happened="Ran all week."),
            "study": lambda: services.cycle_record_study(
                cycle=c, results="As predicted.", learning="It works."
            ),
            "act": lambda: services.cycle_record_act(
                cycle=c, decision="adopt", next_steps="Keep it."
            ),
            "close": lambda: services.cycle_close(cycle=c),
        }
        return steps[stage]
    p = project(own)
    i = idea(p)
    return {
        "project update": lambda: services.project_update(project=p, title="New"),
        "progress score": lambda: services.progress_score_add(
            project=p, author=lead, score="2.5", scored_by="team"
        ),
        "change idea add": lambda: services.change_idea_add(project=p, author=lead, title="A"),
        "change idea adopted": lambda: services.change_idea_update(idea=i, status="adopted"),
        "cycle plan": lambda: services.cycle_plan(change_idea=i, author=lead, objective="Try"),
        "review create": lambda: services.review_create(project=p, author=lead, text="Plot it."),
        "review resolve": lambda: services.review_resolve(
            review=services.review_create(project=p, author=lead, text="Plot it."), user=lead
        ),
    }[name]


OPERATIONS = [
    "project create",
    "project update",
    "progress score",
    "change idea add",
    "change idea adopted",
    "change idea spread",
    "cycle plan",
    "cycle do",
    "cycle study",
    "cycle act",
    "cycle close",
    "review create",
    "review resolve",
]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_change_to_a_teams_work_asks_for_its_three_dashboards_after_commit(
    operation, org_world, sent, django_capture_on_commit_callbacks
):
    run = _operation(operation, org_world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run()
    assert not DashboardSnapshot.objects.exists(), "nothing is asked for before commit"
    assert callbacks
    for callback in callbacks:
        callback()

    own = org_world["own"]
    asked = set(DashboardSnapshot.objects.values_list("scope", "scope_id"))
    assert scopes_of(own) <= asked
    if operation == "change idea spread":  # the source team's idea is now `spread`
        assert ("team", org_world["other"].pk) in asked
    assert dashboards_sent(sent) == sorted(
        DashboardSnapshot.objects.values_list("pk", flat=True)
    ), "one recompute per scope"


def test_a_burst_of_cycle_changes_costs_one_recompute_per_scope(
    org_world, sent, django_capture_on_commit_callbacks
):
    own, lead = org_world["own"], org_world["users"]["lead"]
    change = idea(project(own), "Huddle")
    with django_capture_on_commit_callbacks(execute=True):
        c = services.cycle_plan(change_idea=change, author=lead, objective="Try it")
        services.cycle_record_do(cycle=c, what_happened="Ran all week.")
        services.cycle_record_study(cycle=c, results="As predicted.", learning="It works.")
        services.cycle_record_act(cycle=c, decision="adopt", next_steps="Keep it.")
        services.cycle_close(cycle=c)
    assert dashboards_sent(sent) == sorted(snapshot_ids(own))
    # Six changes (the Act decision also adopted the idea), all folded into the one recompute.
    assert set(DashboardSnapshot.objects.values_list("requested_version", flat=True)) == {6}
    snapshot = DashboardSnapshot.objects.get(scope="team", scope_id=own.pk)
    assert dashboards_recompute.dashboard_snapshot_compute(snapshot_id=snapshot.pk) == "fresh"
    snapshot.refresh_from_db()
    assert sum(snapshot.data["activity"]["rows"][0]["cycles_completed"]) == 1
    assert sum(snapshot.data["activity"]["rows"][0]["ideas_adopted"]) == 1


def test_a_change_rolled_back_asks_for_nothing(org_world, django_capture_on_commit_callbacks):
    p = project(org_world["own"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.project_update(project=p, title="Never saved")
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not DashboardSnapshot.objects.exists()


def test_status_changes_are_dated_for_the_activity_figures(org_world):
    own, other, lead = org_world["own"], org_world["other"], org_world["users"]["lead"]
    before = timezone.now()
    huddle = idea(project(own), "Huddle", changed=before - dt.timedelta(days=300))
    services.change_idea_update(idea=huddle, title="Safety huddle")
    huddle.refresh_from_db()
    assert huddle.status_changed_at < before, "a title change is not a status change"
    c = _cycle_at("act", own)
    services.cycle_record_act(cycle=c, decision="adopt", next_steps="Keep it.")
    adopted = ChangeIdea.objects.get(pk=c.change_idea_id)
    assert adopted.status == "adopted" and adopted.status_changed_at >= before
    ChangeIdea.objects.filter(pk=adopted.pk).update(status_changed_at=before - dt.timedelta(1))
    services.change_idea_spread(source=adopted, target_project=project(other), author=lead)
    adopted.refresh_from_db()
    assert adopted.status == "spread" and adopted.status_changed_at >= before


def test_data_entry_asks_for_the_dashboards_once_its_chart_is_computed(
    measure_factory, org_world, mondays, sent, django_capture_on_commit_callbacks
):
    measure = measure_factory()
    rows = [Row(period=p, value=v) for p, v in zip(mondays(12), range(12), strict=True)]
    with django_capture_on_commit_callbacks(execute=True):
        data_points_save(measure=measure, rows=rows, user=org_world["users"]["member"])
    assert sent == [("recompute_measure", (measure.pk,))]
    assert recompute.chart_snapshot_compute(measure_id=measure.pk) == "fresh"  # the worker
    assert dashboards_sent(sent) == sorted(snapshot_ids(org_world["own"]))
    assert len(dashboards_sent(sent)) == 3


def _import_job(measure, user, *, status, queued_at=None, rows=3):
    return ImportJob.objects.create(
        measure=measure,
        created_by=user,
        source="pasted text",
        text="period,value\n2025-01-06,3\n",
        status=status,
        rows_total=rows,
        queued_at=queued_at,
    )


def test_the_sweep_re_sends_imports_left_waiting_for_a_worker(measure_factory, org_world, sent):
    measure, user = measure_factory(), org_world["users"]["member"]
    now = timezone.now()
    lost = _import_job(measure, user, status="queued", queued_at=now - dt.timedelta(minutes=5))
    _import_job(measure, user, status="queued", queued_at=now)  # its task is on its way
    _import_job(measure, user, status="done", queued_at=now - dt.timedelta(minutes=5))
    _import_job(measure, user, status="preview")
    assert sweeping.sweep(now=now) == {"charts": 0, "dashboards": 0, "imports": 1}
    assert sent == [("import_data", (lost.pk,))]


def test_confirming_a_large_import_records_when_it_was_queued(measure_factory, org_world):
    measure, user = measure_factory(), org_world["users"]["member"]
    job = _import_job(measure, user, status="preview", rows=LARGE_IMPORT_ROWS + 1)
    job = import_job_confirm(job=job)
    assert job.status == "queued" and job.queued_at is not None


def wait_for(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_closed_cycle_reaches_the_dashboards_through_a_real_worker(
    celery_worker_on_redis, org_world
):
    own = org_world["own"]
    c = _cycle_at("close", own)  # each step commits and asks; the worker coalesces them
    services.cycle_close(cycle=c)
    assert PDSACycle.objects.get(pk=c.pk).stage == "closed"

    def all_three_show_it():
        done = DashboardSnapshot.objects.filter(dirty_since__isnull=True, computed_at__isnull=False)
        found = {(s.scope, s.scope_id): s.data for s in done}
        if not scopes_of(own) <= set(found):
            return False
        return all(
            sum(row["cycles_completed"][-1] for row in found[scope]["activity"]["rows"]) == 1
            for scope in scopes_of(own)
        )

    assert wait_for(all_three_show_it), "the worker did not recompute the three dashboards"
    team = DashboardSnapshot.objects.get(scope="team", scope_id=own.pk)
    assert team.data["recent_learning"][0]["cycle_id"] == c.pk
    assert team.compute_count <= 2, "four requests in a burst cost one recompute (or two)"


def test_a_measure_created_or_listed_differently_asks_for_its_dashboards(
    measure_factory, org_world, sent, django_capture_on_commit_callbacks
):
    from metrics.measures.services import measure_update

    own, other = org_world["own"], org_world["other"]
    with django_capture_on_commit_callbacks(execute=True):
        measure = measure_factory()
    assert dashboards_sent(sent) == sorted(snapshot_ids(own))

    DashboardSnapshot.objects.update(dirty_since=None)  # as if the worker had run
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        measure_update(measure=measure, definition="Counted from Datix, re-worded.")
    assert callbacks == [] and sent == [], "the definition is not on any dashboard"

    with django_capture_on_commit_callbacks(execute=True):
        measure_update(measure=measure, is_key=True, team=other)
    assert dashboards_sent(sent) == sorted(snapshot_ids(own) | snapshot_ids(other))
