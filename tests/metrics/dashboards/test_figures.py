"""Dashboard figures about measures: the listed measures, counts by icon, sparklines, signals,
children rows and organisation isolation (docs/dashboards.md)."""

import datetime as dt
import json

from metrics.charts import recompute
from metrics.dashboards import recompute as dashboards_recompute
from metrics.dashboards.figures import dashboard_figures
from metrics.entry.services import Row, data_points_save
from metrics.models import ChartSnapshot, DashboardSnapshot
from tests.factories import DirectorateFactory, TeamFactory
from tests.metrics.dashboards.world import NOW, measure

ORG, DIR, TEAM = "organisation", "directorate", "team"


def figures(scope, scope_id):
    return dashboard_figures(scope=scope, scope_id=scope_id, now=NOW)


def test_the_organisation_lists_its_key_measures_and_counts_them_by_icon(org_world):
    own, other = org_world["own"], org_world["other"]
    measure(
        own,
        "Mean length of stay",
        is_key=True,
        variation="improvement_low",
        assurance="fail",
        sparkline=[38, None, 35],
        latest=(dt.date(2025, 6, 2), 35.0),
        special_cause_since=NOW,
    )
    measure(other, "Bed occupancy", is_key=True, variation="common_cause", assurance="pass")
    measure(
        None,
        "Staff sickness absence",
        organisation=org_world["organisation"],
        is_key=True,
        variation="concern_high",
        assurance="hit_or_miss",
        status="stale",
    )
    measure(own, "Huddles held", variation="improvement_high")  # not a key measure

    data = figures(ORG, org_world["organisation"].pk)

    assert [m["name"] for m in data["measures"]] == [
        "Bed occupancy",
        "Mean length of stay",
        "Staff sickness absence",
    ]
    assert data["measure_count"] == 4 and data["key_measure_count"] == 3
    assert data["variation_counts"] == {
        "common_cause": 1,
        "improvement_high": 0,
        "improvement_low": 1,
        "concern_high": 1,
        "concern_low": 0,
        "neither_high": 0,
        "neither_low": 0,
        "none": 0,
    }
    assert data["assurance_counts"] == {"pass": 1, "fail": 1, "hit_or_miss": 1, "none": 0}
    assert data["stale_count"] == 1
    los = data["measures"][1]
    assert los["team"] == own.name and los["team_id"] == own.pk and los["is_key"]
    assert los["variation"] == "improvement_low" and los["assurance"] == "fail"
    assert los["sparkline"] == [38, None, 35]
    assert los["latest_period"] == "2025-06-02" and los["latest_value"] == 35.0
    assert dt.datetime.fromisoformat(los["special_cause_since"]) == NOW
    trust_wide = data["measures"][2]
    assert trust_wide["team"] is None and trust_wide["status"] == "stale"
    assert data["version"] == 1 and data["name"] == org_world["organisation"].name
    json.dumps(data)  # stored as JSON


def test_a_directorate_and_a_team_list_every_measure_they_own(org_world):
    own, other = org_world["own"], org_world["other"]
    measure(own, "Violent incidents", is_key=True, variation="improvement_low")
    measure(own, "Huddles held", variation="improvement_high", assurance="fail")
    measure(other, "Bed occupancy", variation="common_cause")
    measure(None, "Trust-wide waits", organisation=org_world["organisation"], is_key=True)

    directorate = figures(DIR, own.directorate_id)
    team = figures(TEAM, own.pk)

    assert [m["name"] for m in directorate["measures"]] == [
        "Violent incidents",
        "Bed occupancy",
        "Huddles held",
    ]
    assert directorate["measure_count"] == 3 and directorate["key_measure_count"] == 1
    assert [m["name"] for m in team["measures"]] == ["Violent incidents", "Huddles held"]
    assert team["variation_counts"]["improvement_high"] == 1
    assert team["assurance_counts"] == {"pass": 0, "fail": 1, "hit_or_miss": 0, "none": 1}
    assert team["children"] == []


def test_children_rows_count_each_childs_measures_as_its_own_dashboard_does(org_world):
    own, other = org_world["own"], org_world["other"]
    organisation = org_world["organisation"]
    empty = DirectorateFactory(organisation=organisation, name="Zz forensic")
    community = DirectorateFactory(organisation=organisation, name="Adult community")
    north = TeamFactory(directorate=community, name="North CMHT")
    measure(own, "Violent incidents", is_key=True, variation="improvement_low", assurance="fail")
    measure(own, "Huddles held", variation="improvement_high")
    measure(other, "Bed occupancy", variation="concern_high", assurance="fail")
    measure(north, "Waits", is_key=True, variation="common_cause", assurance="pass")

    data = figures(ORG, organisation.pk)

    rows = {row["name"]: row for row in data["children"]}
    assert [row["name"] for row in data["children"]] == sorted(rows)
    inpatient = rows[own.directorate.name]
    assert inpatient["scope"] == "directorate" and inpatient["id"] == own.directorate_id
    assert inpatient["measure_count"] == 3 and inpatient["key_measure_count"] == 1
    assert inpatient["variation_counts"]["improvement_low"] == 1
    assert inpatient["variation_counts"]["improvement_high"] == 1
    assert inpatient["variation_counts"]["concern_high"] == 1
    assert inpatient["assurance_counts"] == {"pass": 0, "fail": 2, "hit_or_miss": 0, "none": 1}
    assert rows["Adult community"]["measure_count"] == 1
    assert rows["Adult community"]["assurance_counts"]["pass"] == 1
    assert rows[empty.name]["measure_count"] == 0
    assert rows[empty.name]["variation_counts"]["none"] == 0
    # The child row shows what the child's own dashboard shows.
    own_directorate = figures(DIR, own.directorate_id)
    assert own_directorate["variation_counts"] == inpatient["variation_counts"]
    assert own_directorate["assurance_counts"] == inpatient["assurance_counts"]
    teams = {row["name"]: row for row in own_directorate["children"]}
    assert set(teams) == {own.name, other.name}
    assert teams[own.name]["scope"] == "team" and teams[own.name]["measure_count"] == 2
    assert teams[other.name]["variation_counts"]["concern_high"] == 1


def test_no_figure_holds_another_organisations_rows(org_world):
    from tests.metrics.dashboards.world import cycle, idea, project, review, score

    foreign = org_world["foreign"]
    measure(foreign, "Foreign measure", is_key=True, variation="concern_high", assurance="fail")
    foreign_project = project(foreign, "Foreign project")
    foreign_idea = idea(foreign_project, "Foreign idea", status="adopted", changed=NOW)
    cycle(foreign_idea, stage="closed", closed=NOW - dt.timedelta(days=3), learning="Foreign")
    cycle(foreign_idea, stage="do")
    score(foreign_project, "3.0", dt.date(2025, 5, 1))
    review(foreign_project)
    own = org_world["own"]
    measure(own, "Own measure", is_key=True)

    for scope, scope_id in [
        (ORG, org_world["organisation"].pk),
        (DIR, own.directorate_id),
        (TEAM, own.pk),
    ]:
        data = figures(scope, scope_id)
        text = json.dumps(data)
        assert "Foreign" not in text and foreign.name not in text, scope
        assert data["measure_count"] == 1
        assert all(sum(row["cycles_completed"]) == 0 for row in data["activity"]["rows"])
        assert all(sum(row["ideas_adopted"]) == 0 for row in data["activity"]["rows"])
        assert data["progress"]["distribution"]["3.0"] == 0
        assert data["cycles_by_stage"]["do"] == 0
        assert data["projects"] == []


VALUES = [
    10,
    12,
    9,
    11,
    10,
    13,
    9,
    10,
    11,
    12,
    10,
    9,
    11,
    10,
    12,
    10,
    11,
    9,
    10,
    12,
    6,
    5,
    6,
    4,
    5,
    6,
    5,
    4,
]


def test_a_chart_compute_keeps_its_sparkline_and_when_its_signal_began(
    measure_factory, org_world, mondays
):
    measure_ = measure_factory()
    member = org_world["users"]["member"]
    periods = mondays(len(VALUES) + 2, end=dt.date(2025, 6, 16))
    rows = [Row(period=p, value=v) for p, v in zip(periods, VALUES, strict=False)]
    data_points_save(measure=measure_, rows=rows, user=member)
    recompute.chart_snapshot_compute(measure_id=measure_.pk)
    snapshot = ChartSnapshot.objects.get(measure=measure_)
    assert snapshot.sparkline == [float(v) for v in VALUES[-26:]]
    assert snapshot.special_cause_type == "improvement"
    began = snapshot.special_cause_since
    assert began is not None

    # Another low week continues the same signal: it is not new.
    data_points_save(measure=measure_, rows=[Row(period=periods[-2], value=5)], user=member)
    recompute.chart_snapshot_compute(measure_id=measure_.pk)
    snapshot.refresh_from_db()
    assert snapshot.special_cause_since == began
    assert len(snapshot.sparkline) == 26 and snapshot.sparkline[-1] == 5

    # Back to the old level: the latest point is common cause, the signal is over.
    data_points_save(measure=measure_, rows=[Row(period=periods[-1], value=11)], user=member)
    recompute.chart_snapshot_compute(measure_id=measure_.pk)
    snapshot.refresh_from_db()
    assert snapshot.special_cause_since is None and snapshot.special_cause_type == ""

    team = figures(TEAM, org_world["own"].pk)
    assert team["measures"][0]["sparkline"] == snapshot.sparkline
    assert team["measures"][0]["special_cause_since"] is None


def test_a_dashboard_of_a_deleted_team_is_dropped(org_world):
    team = TeamFactory(directorate=org_world["own"].directorate, name="Closing ward")
    dashboards_recompute.dashboards_request(
        organisation_id=team.organisation_id, directorate_id=team.directorate_id, team_id=team.pk
    )
    snapshot = DashboardSnapshot.objects.get(scope="team", scope_id=team.pk)
    team.delete()
    assert dashboards_recompute.dashboard_snapshot_compute(snapshot_id=snapshot.pk) == "gone"
    assert not DashboardSnapshot.objects.filter(pk=snapshot.pk).exists()
