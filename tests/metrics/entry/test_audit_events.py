"""Every service that changes a data point, measure, phase, baseline or PDSA cycle writes one
audit event (teams.audit) in the same transaction: the right actor, team and changes; a change
that fails writes nothing."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from cycles import services as cycle_services
from metrics.entry.services import Row, RowsInvalid, data_point_record, data_points_save
from metrics.imports import jobs as import_jobs
from metrics.measures import services as measures
from metrics.models import ImportJob
from metrics.tasks import import_data
from teams import audit
from teams.models import AuditEvent
from tests.cycles.factories import ChangeIdeaFactory, ProjectFactory

MONDAY = dt.date(2025, 1, 6)


@pytest.fixture
def lead(org_world):
    return org_world["users"]["lead"]


@pytest.fixture
def weekly(measure_factory, lead):
    return measure_factory(name="Falls", user=lead)


@pytest.fixture
def rate(measure_factory, lead):
    return measure_factory(name="DNA rate", chart_type="p", unit="%", user=lead)


def only_event(**filters) -> AuditEvent:
    events = list(AuditEvent.objects.filter(**filters))
    assert len(events) == 1, events
    json.dumps(events[0].changes)  # plain JSON values only
    return events[0]


def test_creating_a_measure_records_its_definition(org_world, weekly, lead):
    event = only_event(object_type=audit.MEASURE)
    assert (event.actor, event.team, event.action, event.object_id) == (
        lead,
        org_world["own"],
        "create",
        weekly.pk,
    )
    assert event.organisation == org_world["organisation"]
    assert event.changes["name"] == [None, "Falls"]
    assert event.changes["chart_type"] == [None, "xmr"]
    assert event.summary == "Added the measure “Falls”"


def test_editing_a_measure_records_only_what_changed(weekly, lead, org_world):
    AuditEvent.objects.all().delete()
    measures.measure_update(measure=weekly, actor=lead, name="Falls with harm", target=3.5)
    event = only_event(object_type=audit.MEASURE)
    assert event.action == "update" and event.actor == lead
    assert event.changes == {"name": ["Falls", "Falls with harm"], "target": [None, 3.5]}
    measures.measure_update(measure=weekly, actor=lead, name="Falls with harm")
    assert AuditEvent.objects.count() == 1, "saving without a change records nothing"


def test_moving_a_measure_to_another_team_names_both(weekly, lead, org_world):
    AuditEvent.objects.all().delete()
    measures.measure_update(measure=weekly, actor=lead, team=org_world["other"])
    event = only_event()
    assert event.changes == {"team": ["Willow Ward", "Cedar Ward"]}
    assert event.team == org_world["other"]


def test_an_invalid_measure_edit_records_nothing(weekly, lead):
    AuditEvent.objects.all().delete()
    with pytest.raises(ValidationError):
        measures.measure_update(measure=weekly, actor=lead, frequency="fortnight")
    assert not AuditEvent.objects.exists()


def test_entering_then_correcting_a_point_records_old_and_new(weekly, lead, org_world):
    AuditEvent.objects.all().delete()
    data_point_record(measure=weekly, period=MONDAY, user=lead, value=4, note="<b>bank</b>")
    created = only_event(object_type=audit.DATA_POINT)
    assert created.action == "create" and created.team == org_world["own"]
    assert created.changes == {
        "period": [None, "2025-01-06"],
        "value": [None, 4.0],
        "note": [None, "<b>bank</b>"],
    }
    assert created.summary == "Entered week commencing 6 January 2025 of “Falls”: 4"
    data_point_record(measure=weekly, period=MONDAY, user=lead, value=5.5, note="<b>bank</b>")
    corrected = AuditEvent.objects.get(action="update")
    assert corrected.object_id == created.object_id
    assert corrected.changes == {"value": [4.0, 5.5]}
    assert corrected.summary == "Corrected week commencing 6 January 2025 of “Falls”: 4 → 5.5"
    data_point_record(measure=weekly, period=MONDAY, user=lead, value=5.5, note="<b>bank</b>")
    assert AuditEvent.objects.count() == 2, "entering the same figures again is no change"


def test_a_rate_point_records_numerator_and_denominator(rate, lead):
    AuditEvent.objects.all().delete()
    data_point_record(measure=rate, period=MONDAY, user=lead, numerator=3, denominator=40)
    event = only_event()
    assert event.changes["numerator"] == [None, 3.0]
    assert event.changes["denominator"] == [None, 40.0]
    assert event.summary.endswith(": 3/40")


def test_refused_rows_record_nothing(weekly, lead):
    AuditEvent.objects.all().delete()
    with pytest.raises(RowsInvalid):
        data_points_save(
            measure=weekly,
            rows=[Row(period=MONDAY, value=1), Row(period=MONDAY + dt.timedelta(days=1), value=2)],
            user=lead,
        )
    assert not AuditEvent.objects.exists()


def test_an_event_is_rolled_back_with_its_change(weekly, lead):
    AuditEvent.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        data_point_record(measure=weekly, period=MONDAY, user=lead, value=4)
        assert AuditEvent.objects.count() == 1  # written inside the same transaction...
        raise RuntimeError("the request failed after the save")
    assert not AuditEvent.objects.exists()  # ...so it goes when the change goes
    assert not weekly.points.exists()


def test_an_import_records_one_event_with_its_counts(weekly, lead, org_world):
    data_point_record(measure=weekly, period=MONDAY, user=lead, value=1)
    AuditEvent.objects.all().delete()
    text = "".join(f"{MONDAY + dt.timedelta(weeks=i):%d/%m/%Y}\t{i + 10}\n" for i in range(30))
    job = import_jobs.import_job_create(measure=weekly, user=lead, text=text, source="falls.csv")
    assert import_jobs.import_job_confirm(job=job).status == "done"
    event = only_event()
    assert (event.object_type, event.object_id, event.actor) == (audit.DATA_IMPORT, job.pk, lead)
    assert event.changes["rows"] == [None, 30]
    assert event.changes["new periods"] == [None, 29]
    assert event.changes["corrected periods"] == [None, 1]
    assert event.changes["2025-01-06"] == ["1", "10"]
    assert event.summary == "Imported 30 rows into “Falls” from falls.csv (29 new, 1 corrected)"


def test_an_import_that_fails_in_the_worker_records_nothing(weekly, lead):
    AuditEvent.objects.all().delete()
    job = import_jobs.import_job_create(
        measure=weekly, user=lead, text="06/01/2025\t3\n01/01/2099\t4\n", source="a.csv"
    )
    ImportJob.objects.filter(pk=job.pk).update(status="queued")
    assert import_data(job.pk) == "failed"
    assert not AuditEvent.objects.exists()


def test_phases_and_freezes_are_recorded(weekly, lead, org_world):
    for i in range(6):
        data_point_record(measure=weekly, period=MONDAY + dt.timedelta(weeks=i), user=lead, value=i)
    AuditEvent.objects.all().delete()
    starts = MONDAY + dt.timedelta(weeks=3)
    phase = measures.phase_start(measure=weekly, starts_on=starts, reason="New rota", user=lead)
    created = only_event(object_type=audit.PHASE)
    assert (created.action, created.object_id, created.actor) == ("create", phase.pk, lead)
    assert created.changes == {"starts_on": [None, "2025-01-27"], "reason": [None, "New rota"]}

    measures.phase_remove(phase=phase, reason="Entered by mistake", user=lead)
    removed = AuditEvent.objects.get(object_type=audit.PHASE, action="delete")
    assert removed.object_id == phase.pk
    assert removed.changes == {
        "starts_on": ["2025-01-27", None],
        "label": ["New rota", None],
        "reason": [None, "Entered by mistake"],
    }

    until = MONDAY + dt.timedelta(weeks=2)
    measures.baseline_freeze(measure=weekly, until=until, reason="Baseline", user=lead)
    measures.baseline_freeze(measure=weekly, until=None, reason="More data", user=lead)
    frozen, unfrozen = AuditEvent.objects.filter(object_type=audit.BASELINE).order_by("pk")
    assert frozen.changes == {"freeze_until": [None, "2025-01-20"], "reason": [None, "Baseline"]}
    assert unfrozen.changes["freeze_until"] == ["2025-01-20", None]
    assert unfrozen.summary == "Unfroze the limits of “Falls”"
    assert {e.team for e in AuditEvent.objects.all()} == {org_world["own"]}


def test_a_refused_phase_records_nothing(weekly, lead):
    AuditEvent.objects.all().delete()
    with pytest.raises(ValidationError):
        measures.phase_start(measure=weekly, starts_on=MONDAY, reason="x", user=lead)
    with pytest.raises(ValidationError):
        measures.baseline_freeze(measure=weekly, until=MONDAY, reason="x", user=lead)
    assert not AuditEvent.objects.exists()


def test_a_pdsa_cycle_is_recorded_stage_by_stage(org_world, lead):
    team = org_world["own"]
    idea = ChangeIdeaFactory(project=ProjectFactory(team=team), title="Huddle at 9")
    cycle = cycle_services.cycle_plan(change_idea=idea, author=lead, objective="Try a huddle")
    planned = only_event(object_type=audit.PDSA_CYCLE)
    assert (planned.action, planned.actor, planned.team, planned.object_id) == (
        "create",
        lead,
        team,
        cycle.pk,
    )
    assert planned.changes == {"objective": [None, "Try a huddle"]}
    assert planned.summary == "Planned PDSA 1 of “Huddle at 9”"

    coach = org_world["users"]["coach"]
    cycle_services.cycle_record_do(
        cycle=cycle, actor=coach, what_happened="Ran it", do_started_on=MONDAY
    )
    do = AuditEvent.objects.latest("pk")
    assert do.actor == coach and do.action == "update"
    assert do.changes == {
        "do_started_on": [None, "2025-01-06"],
        "what_happened": ["", "Ran it"],
        "stage": ["plan", "do"],
    }
    cycle_services.cycle_record_study(cycle=cycle, actor=lead, learning="It helps")
    cycle_services.cycle_record_act(cycle=cycle, actor=lead, decision="adapt", next_steps="Again")
    act = AuditEvent.objects.latest("pk")
    assert act.summary == "Recorded Act for PDSA 1 of “Huddle at 9”: adapt"
    assert act.changes["decision"] == ["", "adapt"]
    follow_on = cycle_services.cycle_plan(
        change_idea=idea, author=lead, parent=cycle, objective="Again, shorter"
    )
    assert AuditEvent.objects.latest("pk").summary == (
        "Planned PDSA 2 of “Huddle at 9”, following PDSA 1"
    )
    cycle_services.cycle_close(cycle=cycle, actor=lead)
    closed = AuditEvent.objects.latest("pk")
    assert closed.summary == "Closed PDSA 1 of “Huddle at 9”"
    assert closed.changes == {"stage": ["act", "closed"]}
    assert follow_on.number == 2
    assert AuditEvent.objects.filter(object_type=audit.PDSA_CYCLE).count() == 6


def test_a_refused_stage_records_nothing(org_world, lead):
    idea = ChangeIdeaFactory(project=ProjectFactory(team=org_world["own"]))
    cycle = cycle_services.cycle_plan(change_idea=idea, author=lead, objective="Try")
    AuditEvent.objects.all().delete()
    with pytest.raises(ValidationError):
        cycle_services.cycle_record_do(cycle=cycle, actor=lead, what_happened="  ")
    with pytest.raises(ValidationError):
        cycle_services.cycle_close(cycle=cycle, actor=lead)
    with pytest.raises(ValidationError):  # Study before Do
        cycle_services.cycle_record_study(cycle=cycle, actor=lead, learning="x")
    assert not AuditEvent.objects.exists()
    cycle.refresh_from_db()
    assert cycle.stage == "plan"


def test_the_views_pass_the_signed_in_person_as_actor(client, org_world, weekly):
    from django.urls import reverse

    coach = org_world["users"]["coach"]
    idea = ChangeIdeaFactory(project=ProjectFactory(team=org_world["own"]))
    cycle = cycle_services.cycle_plan(change_idea=idea, author=coach, objective="Try")
    client.force_login(coach)
    response = client.post(
        reverse("cycles:cycle_stage", args=[cycle.pk, "do"]),
        {"what_happened": "It ran", "surprises": "", "do_started_on": "", "do_ended_on": ""},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    assert AuditEvent.objects.latest("pk").actor == coach
    client.force_login(org_world["users"]["lead"])
    data = {
        "name": "Falls on the ward",
        "kind": weekly.kind,
        "definition": weekly.definition,
        "unit": weekly.unit,
        "frequency": weekly.frequency,
        "chart_type": weekly.chart_type,
        "improvement": weekly.improvement,
        "target": "",
    }
    response = client.post(reverse("metrics:measure_edit", args=[weekly.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.latest("pk")
    assert event.actor == org_world["users"]["lead"]
    assert event.changes == {"name": ["Falls", "Falls on the ward"]}


def test_a_measures_history_is_the_trail_filtered_to_it(client, org_world, weekly, measure_factory):
    from django.urls import reverse

    lead = org_world["users"]["lead"]
    other = measure_factory(name="Restraints", user=lead)
    data_point_record(measure=weekly, period=MONDAY, user=lead, value=4)
    data_point_record(measure=other, period=MONDAY, user=lead, value=9)
    cycle_services.cycle_plan(
        change_idea=ChangeIdeaFactory(project=ProjectFactory(team=org_world["own"])),
        author=lead,
        objective="Try",
    )
    history = reverse("teams:audit_trail", args=[org_world["own"].pk]) + (
        f"?subject=measure:{weekly.pk}"
    )
    client.force_login(lead)
    page = client.get(reverse("metrics:measure", args=[weekly.pk])).content.decode()
    assert f'href="{history}"' in page
    html = client.get(history).content.decode()
    assert "Added the measure “Falls”" in html and "of “Falls”: 4" in html
    assert "Restraints" not in html and "Planned PDSA" not in html
    assert "Showing the history of one measure only" in html

    client.force_login(org_world["users"]["member"])
    page = client.get(reverse("metrics:measure", args=[weekly.pk])).content.decode()
    assert "?subject=measure:" not in page
    assert client.get(history).status_code == 403


def test_a_grid_of_periods_records_one_event_per_changed_period(weekly, lead):
    data_point_record(measure=weekly, period=MONDAY, user=lead, value=1)
    AuditEvent.objects.all().delete()
    rows = [Row(period=MONDAY + dt.timedelta(weeks=i), value=i + 1) for i in range(4)]
    data_points_save(measure=weekly, rows=rows, user=lead)  # the first period is unchanged
    events = list(AuditEvent.objects.order_by("pk"))
    points = {p.period: p.pk for p in weekly.points.all()}
    assert [e.object_id for e in events] == [points[r.period] for r in rows[1:]]
    assert {e.action for e in events} == {"create"} and {e.actor for e in events} == {lead}
