"""A world whose every user-typed text field holds a hostile payload, each field tagged with its
own name (``<payload> ~<field>``, cut to the field's length) so a test can tell which field it
sees where."""

import datetime as dt

from django.utils.html import escape

from cycles.models import ProgressScore
from metrics.charts.recompute import chart_snapshot_compute
from metrics.entry.services import Row, data_points_save
from metrics.measures.services import baseline_freeze, measure_create, phase_start
from tests.cycles.factories import (
    ChangeIdeaFactory,
    CycleFactory,
    DriverFactory,
    ProjectFactory,
    ReviewFactory,
)
from tests.factories import (
    DirectorateFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
    TeamFactory,
)

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "js_url": "javascript:alert(1)",
    "template": "{{7*7}}",
    "script_breakout": "</script><script>alert(1)</script>",
    "csv_formula": "=cmd|' /C calc'!A0",
    "unicode": "\u202egnp.exe\u200b\u200dx\ufeff",
    "long": "<script>alert(1)</script>" * 400,  # 10,000 characters
}
MARKUP = set("<>\"'&")

# field -> the longest text the field holds
FIELDS = {
    "organisation.name": 200,
    "directorate.name": 200,
    "team.name": 200,
    "user.first_name": 150,
    "user.last_name": 150,
    "project.title": 200,
    "project.problem": 10_000,
    "project.aim_what": 200,
    "project.aim_how_much": 200,
    "project.service_user_involvement": 10_000,
    "score.note": 10_000,
    "driver.text": 300,
    "idea.title": 200,
    "idea.description": 10_000,
    "cycle.objective": 10_000,
    "cycle.questions": 10_000,
    "cycle.predictions": 10_000,
    "cycle.plan_who": 300,
    "cycle.plan_what": 300,
    "cycle.plan_when": 300,
    "cycle.plan_where": 300,
    "cycle.data_collection": 10_000,
    "cycle.what_happened": 10_000,
    "cycle.surprises": 10_000,
    "cycle.results": 10_000,
    "cycle.learning": 10_000,
    "cycle.next_steps": 10_000,
    "review.text": 10_000,
    "measure.name": 200,
    "measure.definition": 10_000,
    "measure.unit": 40,
    "point.note": 500,
    "phase.label": 200,
    "baseline.reason": 10_000,
}
CYCLE_FIELDS = [f.split(".")[1] for f in FIELDS if f.startswith("cycle.")]


def hostile(payload: str, field: str) -> str:
    return f"{payload} ~{field}"[: FIELDS[field]]


def escaped(text: str) -> str:
    return str(escape(text))


def build(payload: str) -> dict:
    """Every field of FIELDS filled with the payload; returns the objects and the texts."""
    text = {field: hostile(payload, field) for field in FIELDS}
    organisation = OrganisationFactory(name=text["organisation.name"])
    directorate = DirectorateFactory(organisation=organisation, name=text["directorate.name"])
    team = TeamFactory(directorate=directorate, name=text["team.name"])
    lead = MembershipFactory(
        team=team,
        role="lead",
        user__organisation=organisation,
        user__first_name=text["user.first_name"],
        user__last_name=text["user.last_name"],
    ).user
    coach = OrganisationRoleFactory(user__organisation=organisation, role="coach").user
    board = OrganisationRoleFactory(user__organisation=organisation, role="board").user
    project = ProjectFactory(
        team=team,
        title=text["project.title"],
        problem=text["project.problem"],
        aim_what=text["project.aim_what"],
        aim_how_much=text["project.aim_how_much"],
        service_user_involvement=text["project.service_user_involvement"],
    )
    ProgressScore.objects.create(
        project=project,
        score="2.0",
        scored_by="team",
        scored_on=dt.date(2025, 3, 3),
        note=text["score.note"],
        author=lead,
    )
    driver = DriverFactory(project=project, text=text["driver.text"])
    idea = ChangeIdeaFactory(
        project=project,
        driver=driver,
        title=text["idea.title"],
        description=text["idea.description"],
    )
    mondays = [dt.date(2025, 1, 6) + dt.timedelta(weeks=i) for i in range(16)]
    cycle = CycleFactory(
        change_idea=idea,
        number=1,
        stage="act",
        decision="adapt",
        do_started_on=mondays[8],
        **{name: text[f"cycle.{name}"] for name in CYCLE_FIELDS},
    )
    ReviewFactory(project=project, author=coach, text=text["review.text"])
    measure = measure_create(
        organisation=organisation,
        team=team,
        name=text["measure.name"],
        definition=text["measure.definition"],
        unit=text["measure.unit"],
        frequency="week",
        chart_type="xmr",
        improvement="decrease",
        target=4,
        is_key=True,
    )
    measure.projects.add(project)
    values = [10, 11, 9, 10, 12, 10, 9, 11, 5, 6, 4, 5, 6, 5, 4, 5]
    rows = [
        Row(period=p, value=v, note=text["point.note"] if i == 3 else "")
        for i, (p, v) in enumerate(zip(mondays, values, strict=True))
    ]
    data_points_save(measure=measure, rows=rows, user=lead)
    baseline_freeze(measure=measure, until=mondays[5], reason=text["baseline.reason"], user=lead)
    phase_start(
        measure=measure,
        starts_on=mondays[8],
        reason=text["phase.label"],
        user=lead,
        change_idea=idea,
    )
    chart_snapshot_compute(measure_id=measure.pk)
    return {
        "text": text,
        "organisation": organisation,
        "directorate": directorate,
        "team": team,
        "lead": lead,
        "coach": coach,
        "board": board,
        "project": project,
        "driver": driver,
        "idea": idea,
        "cycle": cycle,
        "measure": measure,
    }
