"""Dashboard figures about improvement work: QI activity by month, the IHI progress
distribution and its movement this quarter, projects (scores, last cycle, stalled, open
reviews), cycles by stage, recent learning — each checked against the rows it summarises, and
the cost of a compute, which must not grow with the trust (docs/dashboards.md)."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics.dashboards.figures import dashboard_figures
from tests.factories import DirectorateFactory, TeamFactory
from tests.metrics.dashboards.world import (
    NOW,
    TODAY,
    at,
    cycle,
    idea,
    measure,
    project,
    review,
    score,
)

ORG, DIR, TEAM = "organisation", "directorate", "team"


def figures(scope, scope_id):
    return dashboard_figures(scope=scope, scope_id=scope_id, now=NOW)


def test_activity_counts_cycles_closed_and_ideas_adopted_and_spread_per_month(org_world):
    own, other = org_world["own"], org_world["other"]
    organisation = org_world["organisation"]
    community = DirectorateFactory(organisation=organisation, name="Adult community")
    north = TeamFactory(directorate=community, name="North CMHT")
    willow = project(own, "Fewer incidents")
    project(own, "Finished", status="completed")
    project(other, "Shorter stays", status="planning")
    project(other, "Stopped", status="stopped")
    waits = project(north, "Shorter waits", status="sustaining")

    huddle = idea(willow, "Huddle", status="adopted", changed=at(dt.date(2025, 5, 20)))
    cycle(huddle, stage="closed", closed=at(dt.date(2025, 5, 2)))
    cycle(huddle, stage="closed", closed=at(dt.date(2025, 5, 30)))
    cycle(huddle, stage="closed", closed=at(dt.date(2023, 6, 30)))  # before the 24 months
    cycle(huddle, stage="study")  # not completed
    idea(willow, "Boxes", status="spread", changed=at(dt.date(2024, 1, 10)))
    idea(willow, "Old news", status="adopted", changed=at(dt.date(2023, 6, 1)))
    idea(willow, "Still testing", status="testing", changed=at(dt.date(2025, 5, 20)))
    reminders = idea(waits, "Reminders", status="adopted", changed=at(dt.date(2023, 7, 1), 1))
    cycle(reminders, stage="closed", closed=at(dt.date(2025, 6, 14)))

    data = figures(ORG, organisation.pk)

    months = data["activity"]["months"]
    assert len(months) == 24 and months[0] == "2023-07" and months[-1] == "2025-06"
    rows = {row["name"]: row for row in data["activity"]["rows"]}
    assert list(rows) == ["Adult community", own.directorate.name]
    inpatient = rows[own.directorate.name]
    assert inpatient["active_projects"] == 2  # active and planning; not completed or stopped
    assert inpatient["cycles_completed"][months.index("2025-05")] == 2
    assert sum(inpatient["cycles_completed"]) == 2
    assert inpatient["ideas_adopted"][months.index("2025-05")] == 1
    assert sum(inpatient["ideas_adopted"]) == 1
    assert inpatient["ideas_spread"][months.index("2024-01")] == 1
    assert sum(inpatient["ideas_spread"]) == 1
    north_row = rows["Adult community"]
    assert north_row["active_projects"] == 1  # sustaining counts as active
    assert north_row["cycles_completed"][-1] == 1
    assert north_row["ideas_adopted"][0] == 1  # 1 July 2023, 01:00 in London

    children = {row["name"]: row for row in data["children"]}
    assert children[own.directorate.name]["cycles_completed_90_days"] == 2
    assert children[own.directorate.name]["active_projects"] == 2
    assert children["Adult community"]["cycles_completed_90_days"] == 1

    by_team = figures(DIR, own.directorate_id)["activity"]["rows"]
    assert [row["name"] for row in by_team] == sorted([own.name, other.name])
    assert {row["name"]: row["active_projects"] for row in by_team} == {own.name: 1, other.name: 1}
    team_rows = figures(TEAM, own.pk)["activity"]["rows"]
    assert len(team_rows) == 1 and team_rows[0]["id"] == own.pk
    assert sum(team_rows[0]["cycles_completed"]) == 2


def test_progress_counts_latest_scores_and_how_they_moved_this_quarter(org_world):
    own = org_world["own"]
    up = project(own, "Up")
    score(up, "1.5", dt.date(2025, 1, 10))
    score(up, "2.5", dt.date(2025, 5, 1))
    down = project(own, "Down")
    score(down, "3.0", dt.date(2025, 3, 31))
    score(down, "2.5", dt.date(2025, 4, 1), by="coach")
    same = project(own, "Same")
    score(same, "2.0", dt.date(2024, 11, 1))
    new = project(own, "Newly scored")
    score(new, "1.0", dt.date(2025, 6, 1))
    project(own, "Never scored")
    done = project(own, "Completed", status="completed")
    score(done, "5.0", dt.date(2025, 5, 1))

    progress = figures(TEAM, own.pk)["progress"]

    assert progress["scale"] == [
        "0.5",
        "1.0",
        "1.5",
        "2.0",
        "2.5",
        "3.0",
        "3.5",
        "4.0",
        "4.5",
        "5.0",
    ]
    assert progress["quarter_start"] == "2025-04-01"
    distribution = progress["distribution"]
    assert {k: v for k, v in distribution.items() if v} == {
        "1.0": 1,
        "2.0": 1,
        "2.5": 2,
        "unscored": 1,
    }
    before = progress["distribution_at_quarter_start"]
    assert {k: v for k, v in before.items() if v} == {"1.5": 1, "2.0": 1, "3.0": 1, "unscored": 2}
    assert (progress["moved_up"], progress["moved_down"], progress["unchanged"]) == (2, 1, 2)


def test_projects_show_scores_last_cycle_stalled_and_open_reviews(org_world):
    own, other = org_world["own"], org_world["other"]
    busy = project(own, "Busy")
    score(busy, "2.0", dt.date(2025, 5, 1))
    score(busy, "3.0", dt.date(2025, 6, 1))
    score(busy, "2.5", dt.date(2025, 5, 20), by="coach")
    cycle(idea(busy), stage="do", touched=NOW - dt.timedelta(days=29))
    review(busy)
    review(busy)
    review(busy, resolved=True)
    quiet = project(own, "Quiet")
    cycle(idea(quiet), stage="closed", closed=NOW - dt.timedelta(days=31))
    project(own, "Just started", start=TODAY - dt.timedelta(days=10))
    project(other, "Never tested", start=TODAY - dt.timedelta(days=60))
    project(other, "Finished long ago", status="completed", start=dt.date(2020, 1, 1))

    team = figures(TEAM, own.pk)
    rows = {p["title"]: p for p in team["projects"]}

    assert set(rows) == {"Busy", "Quiet", "Just started"}
    assert rows["Busy"] == {
        "id": busy.pk,
        "title": "Busy",
        "team": own.name,
        "team_id": own.pk,
        "status": "active",
        "team_score": 3.0,
        "coach_score": 2.5,
        "last_cycle_date": (TODAY - dt.timedelta(days=29)).isoformat(),
        "stalled": False,
        "open_reviews": 2,
    }
    assert rows["Quiet"]["stalled"] and rows["Quiet"]["coach_score"] is None
    assert rows["Quiet"]["last_cycle_date"] == (TODAY - dt.timedelta(days=31)).isoformat()
    assert not rows["Just started"]["stalled"] and rows["Just started"]["last_cycle_date"] is None
    assert rows["Just started"]["open_reviews"] == 0

    directorate = figures(DIR, own.directorate_id)
    assert {p["title"] for p in directorate["projects"]} == {
        "Busy",
        "Quiet",
        "Just started",
        "Never tested",
    }
    stalled = {row["name"]: row["stalled_projects"] for row in directorate["children"]}
    assert stalled == {own.name: 1, other.name: 1}
    organisation = figures(ORG, org_world["organisation"].pk)
    assert organisation["projects"] == [] and organisation["recent_learning"] == []
    assert organisation["children"][0]["stalled_projects"] == 2


def test_cycles_by_stage_and_recent_learning(org_world):
    own, other = org_world["own"], org_world["other"]
    huddle = idea(project(own, "Calmer evenings"), "Huddle")
    for stage in ("plan", "plan", "do", "study", "act"):
        cycle(huddle, stage=stage)
    for day in range(1, 8):
        cycle(huddle, stage="closed", closed=at(dt.date(2025, 5, day)), learning=f"Lesson {day}")
    stopped = idea(project(own, "Abandoned project", status="stopped"), "Old idea")
    cycle(stopped, stage="do")  # a stopped project's open cycle is not work in flight
    cycle(idea(project(other, "Other ward")), stage="plan")

    team = figures(TEAM, own.pk)

    assert team["cycles_by_stage"] == {"plan": 2, "do": 1, "study": 1, "act": 1}
    learning = team["recent_learning"]
    assert [c["learning"] for c in learning] == [f"Lesson {day}" for day in (7, 6, 5, 4, 3)]
    latest = learning[0]
    assert latest["title"] == "Huddle" and latest["decision"] == "adopt"
    assert latest["project"] == "Calmer evenings" and latest["team"] == own.name
    assert dt.datetime.fromisoformat(latest["closed_at"]) == at(dt.date(2025, 5, 7))
    directorate = figures(DIR, own.directorate_id)
    assert directorate["cycles_by_stage"]["plan"] == 3
    assert figures(ORG, org_world["organisation"].pk)["cycles_by_stage"]["plan"] == 3


def _trust(organisation, directorates, teams_each, measures_each, projects_each):
    for d in range(directorates):
        directorate = DirectorateFactory(organisation=organisation, name=f"Service line {d}")
        for t in range(teams_each):
            team = TeamFactory(directorate=directorate, name=f"Ward {d}.{t}")
            for m in range(measures_each):
                measure(team, f"Measure {m}", is_key=m == 0, variation="common_cause")
            for p in range(projects_each):
                work = project(team, f"Project {p}")
                score(work, "2.0", dt.date(2025, 3, 1))
                score(work, "2.5", dt.date(2025, 5, 1), by="coach")
                change = idea(work, "Idea", status="adopted", changed=at(dt.date(2025, 2, 1)))
                cycle(change, stage="closed", closed=at(dt.date(2025, 3, 3)))
                cycle(change, stage="do", touched=NOW - dt.timedelta(days=3))
                review(work)
    return directorate, team


def _queries(scope, scope_id):
    with CaptureQueriesContext(connection) as captured:
        figures(scope, scope_id)
    return len(captured)


def test_the_cost_of_a_compute_does_not_grow_with_the_trust(org_world):
    small = org_world["organisation"]
    directorate, team = _trust(small, 1, 1, 1, 1)
    small_counts = [
        _queries(ORG, small.pk),
        _queries(DIR, directorate.pk),
        _queries(TEAM, team.pk),
    ]

    from tests.factories import OrganisationFactory

    large = OrganisationFactory()
    directorate, team = _trust(large, 4, 5, 6, 3)
    large_counts = [
        _queries(ORG, large.pk),
        _queries(DIR, directorate.pk),
        _queries(TEAM, team.pk),
    ]
    assert large_counts == small_counts
    assert max(large_counts) <= 12
    data = figures(ORG, large.pk)
    assert data["measure_count"] == 120 and data["key_measure_count"] == 20
    assert sum(row["active_projects"] for row in data["activity"]["rows"]) == 60
    assert data["progress"]["distribution"]["2.5"] == 60
    assert data["cycles_by_stage"]["do"] == 60
