"""The coach's dashboard: per assigned team its projects with both progress scores, the last
cycle, stalled projects, open reviews and new signals; sorted so the neediest team comes first."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from metrics.models import CoachVisit, DashboardSnapshot
from tests.factories import CoachAssignmentFactory, TeamFactory
from tests.metrics.dashboards import data as dd
from tests.metrics.dashboards.test_pages import _cells, _get, _row

pytestmark = pytest.mark.django_db

URL = "/coaching/dashboard/"
LAST_LOOK = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def _team_order(html):
    table = html.split('id="coach-teams"')[1].split("</table>")[0]
    return [int(t) for t in re.findall(r'<tr data-team-id="(\d+)"', table)]


@pytest.fixture
def coaching(org_world):
    coach = org_world["users"]["coach"]
    own, other = org_world["own"], org_world["other"]
    quiet = TeamFactory(directorate=own.directorate, name="Aspen Ward")
    busy = TeamFactory(directorate=own.directorate, name="Birch Ward")
    for team in (quiet, busy):
        CoachAssignmentFactory(coach=coach, team=team)
    # own: one stalled project, one open review, one new signal -> needs 3
    dd.team_snapshot(
        own,
        projects=[
            dd.project(
                1,
                "Calmer evenings",
                stalled=True,
                open_reviews=1,
                team_score="2.0",
                coach_score="1.5",
                last_cycle_date="2026-09-01",
            ),
            dd.project(2, "Safer nights", last_cycle_date="2026-11-18"),
        ],
        measures=[
            dd.measure(
                11,
                "Incidents",
                variation="improvement_low",
                special_cause_since="2026-11-25T08:00:00+00:00",
            ),
            dd.measure(
                12,
                "Restraints",
                variation="concern_high",
                special_cause_since="2026-11-01T08:00:00+00:00",
            ),  # before the last look
            dd.measure(13, "Falls", variation="common_cause"),
        ],
    )
    # busy: two stalled projects, three open reviews -> needs 5
    dd.team_snapshot(
        busy,
        projects=[
            dd.project(
                3, "Discharge planning", stalled=True, open_reviews=2, last_cycle_date="2026-08-01"
            ),
            dd.project(4, "Medicines rounds", stalled=True, open_reviews=1, last_cycle_date=None),
        ],
    )
    # quiet: nothing to worry about -> needs 0
    dd.team_snapshot(quiet, projects=[dd.project(5, "Welcome packs")])
    # other: not the coach's team, but with plenty going on
    dd.team_snapshot(other, projects=[dd.project(6, "Not yours", stalled=True, open_reviews=9)])
    CoachVisit.objects.create(coach=coach, team=own, last_seen_at=LAST_LOOK)
    return {**org_world, "coach": coach, "quiet": quiet, "busy": busy}


def test_the_coach_lands_on_the_coach_dashboard_and_the_nav_leads_there(client, coaching):
    client.force_login(coaching["coach"])
    assert client.get(reverse("home")).url == URL
    assert f'href="{URL}"' in client.get(URL).content.decode()


@pytest.mark.parametrize("role", ["member", "lead", "board", "admin"])
def test_only_coaches_have_the_coach_dashboard(client, coaching, role):
    client.force_login(coaching["users"][role])
    assert client.get(URL).status_code == 403


def test_a_coach_sees_only_their_assigned_teams_neediest_first(client, coaching):
    html = _get(client, coaching["coach"], URL)

    own, busy, quiet = coaching["own"], coaching["busy"], coaching["quiet"]
    assert _team_order(html) == [busy.pk, own.pk, quiet.pk]
    assert "Not yours" not in html and coaching["other"].name not in html
    assert _cells(_row(html, f'data-team-id="{busy.pk}"')) == [
        "5",
        f"Birch Ward{busy.directorate.name}",
        "2",
        "3",
        "0",
        "0",  # missing data: none
        "1 Aug 2026",
    ]
    assert _cells(_row(html, f'data-team-id="{own.pk}"')) == [
        "3",
        f"Willow Ward{own.directorate.name}",
        "1",
        "1",
        "1",
        "0",  # its measures' snapshot rows predate frequencies: nothing counted
        "18 Nov 2026",
    ]


def test_each_team_lists_its_projects_with_both_scores_and_stalled_flags(client, coaching):
    html = _get(client, coaching["coach"], URL)

    calmer = _row(html, 'data-project-id="1"')
    assert '<tr data-project-id="1" class="qi-stalled">' in html
    assert '<tr data-project-id="2">' in html
    assert "Stalled: no cycle in 30 days" in calmer
    assert _cells(calmer)[:3] == ["Calmer evenings", "2.0", "1.5"]
    assert reverse("cycles:project", args=[1]) in calmer
    safer = _row(html, 'data-project-id="2"')
    assert "Stalled" not in safer and "18 Nov 2026" in safer
    assert "No cycle yet" in _row(html, 'data-project-id="4"')


def test_new_signals_are_those_since_the_coach_last_looked(client, coaching):
    own, busy = coaching["own"], coaching["busy"]
    dd.team_snapshot(
        busy,
        measures=[
            dd.measure(
                21,
                "Waits",
                variation="concern_high",
                special_cause_since="2026-01-01T00:00:00+00:00",
            )
        ],
    )
    html = _get(client, coaching["coach"], URL)

    signals = html.split(f'id="coach-signals-{own.pk}"')[1].split("</ul>")[0]
    assert "Incidents" in signals and "Restraints" not in signals and "Falls" not in signals
    assert "Special cause variation — improvement (low)" in signals
    assert "since you last looked (20 Nov 2026, 12:00)" in html
    # Never looked at busy before: every current special cause there is new.
    assert "Waits" in html.split(f'id="coach-signals-{busy.pk}"')[1].split("</ul>")[0]


def test_opening_the_dashboard_records_the_look_sorting_keeps_what_was_new(client, coaching):
    coach, own = coaching["coach"], coaching["own"]
    _get(client, coach, URL)
    visits = dict(CoachVisit.objects.filter(coach=coach).values_list("team_id", "last_seen_at"))
    assert set(visits) == {own.pk, coaching["busy"].pk, coaching["quiet"].pk}
    assert visits[own.pk] > LAST_LOOK

    sorted_html = _get(client, coach, URL + "?sort=team&dir=asc")
    assert "Incidents" in sorted_html.split(f'id="coach-signals-{own.pk}"')[1].split("</ul>")[0]

    reopened = _get(client, coach, URL)
    assert "Incidents" not in reopened.split(f'id="coach-signals-{own.pk}"')[1].split("</ul>")[0]


def test_sorting_by_each_column_with_aria_sort(client, coaching):
    own, busy, quiet = coaching["own"], coaching["busy"], coaching["quiet"]
    coach = coaching["coach"]

    html = _get(client, coach, URL)
    assert re.search(
        r'<th scope="col" aria-sort="descending"[^>]*>\s*<a href="\?sort=need&amp;dir=asc"', html
    )
    assert re.search(r'<th scope="col" aria-sort="none">\s*<a href="\?sort=team&amp;dir=asc"', html)

    by_name = _get(client, coach, URL + "?sort=team&dir=asc")
    assert _team_order(by_name) == [quiet.pk, busy.pk, own.pk]
    assert 'aria-sort="ascending"' in by_name
    assert _team_order(_get(client, coach, URL + "?sort=team&dir=desc")) == [
        own.pk,
        busy.pk,
        quiet.pk,
    ]
    assert _team_order(_get(client, coach, URL + "?sort=reviews")) == [busy.pk, own.pk, quiet.pk]
    assert _team_order(_get(client, coach, URL + "?sort=signals")) == [own.pk, quiet.pk, busy.pk]
    # Oldest last cycle first: the team that has gone quiet longest.
    assert _team_order(_get(client, coach, URL + "?sort=last_cycle")) == [busy.pk, own.pk, quiet.pk]
    assert _team_order(_get(client, coach, URL + "?sort=nonsense&dir=sideways")) == [
        busy.pk,
        own.pk,
        quiet.pk,
    ]


def test_a_team_without_figures_is_requested_and_shown_as_being_computed(
    client, coaching, django_capture_on_commit_callbacks
):
    DashboardSnapshot.objects.filter(scope="team", scope_id=coaching["quiet"].pk).delete()
    with django_capture_on_commit_callbacks() as callbacks:
        html = _get(client, coaching["coach"], URL)
    assert "Being computed" in _row(html, f'data-team-id="{coaching["quiet"].pk}"')
    assert 'hx-trigger="every 3s"' in html
    assert DashboardSnapshot.objects.filter(scope="team", scope_id=coaching["quiet"].pk).exists()
    assert callbacks  # its recompute is enqueued

    client.force_login(coaching["coach"])
    polled = client.get(URL, headers={"HX-Request": "true"})
    assert 'data-dashboard-status="computing"' not in polled.content.decode()
    assert 'hx-trigger="every 3s"' in polled.content.decode()
    DashboardSnapshot.objects.filter(scope="team").update(
        dirty_since=None, computed_at=dd.COMPUTED_AT, data={"name": "Aspen Ward"}
    )
    assert client.get(URL, headers={"HX-Request": "true"}).headers["HX-Refresh"] == "true"


def test_hostile_team_and_project_names_are_escaped(client, coaching):
    dd.team_snapshot(
        coaching["quiet"],
        projects=[dd.project(5, "<script>alert(1)</script>")],
        measures=[dd.measure(31, "<img src=x onerror=alert(2)>", variation="concern_high")],
    )
    html = _get(client, coaching["coach"], URL)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_each_teams_projects_come_from_the_cache_until_its_snapshot_is_recomputed(client, coaching):
    coach = coaching["coach"]
    first = _get(client, coach, URL)
    assert "Calmer evenings" in first
    # Same computed_at: the projects table is the cached one (a worker never does this).
    DashboardSnapshot.objects.filter(scope="team", scope_id=coaching["own"].pk).update(
        data=dd.data("team", coaching["own"].pk, "Willow Ward", projects=[dd.project(1, "Renamed")])
    )
    assert "Calmer evenings" in _get(client, coach, URL)
    # Recomputed: a new computed_at, so the team's new projects at once.
    DashboardSnapshot.objects.filter(scope="team", scope_id=coaching["own"].pk).update(
        computed_at=dd.COMPUTED_AT + dt.timedelta(minutes=5)
    )
    html = _get(client, coach, URL)
    assert "Renamed" in html and "Calmer evenings" not in html
    # The other teams' tables were untouched.
    assert "Discharge planning" in html and "Welcome packs" in html


def test_missing_data_periods_are_counted_per_team_and_listed(client, coaching):
    """Issue 15: missing periods on the coach dashboard, counted on the day the page is read
    from each measure's latest period in the team's snapshot (the dd.measure rows carry
    frequency and latest_period as the worker writes them)."""
    from django.utils import timezone

    from metrics import periods as P

    today = timezone.localdate()
    this_week = P.period_start(today, "week")
    four_weeks_back = this_week - dt.timedelta(weeks=4)
    up_to_date = this_week - dt.timedelta(weeks=1)
    months_back = P.previous_periods("month", today, 4)[-1]  # two complete months missing
    dd.team_snapshot(
        coaching["quiet"],
        projects=[dd.project(5, "Welcome packs")],
        measures=[
            dd.measure(21, "Falls", frequency="week", latest_period=four_weeks_back.isoformat()),
            dd.measure(22, "Bed days", frequency="week", latest_period=up_to_date.isoformat()),
            dd.measure(23, "Complaints", frequency="month", latest_period=months_back.isoformat()),
            dd.measure(24, "Never entered", frequency="week", latest_period=None),
        ],
    )
    html = _get(client, coaching["coach"], URL)
    quiet = coaching["quiet"]
    cells = _cells(_row(html, f'data-team-id="{quiet.pk}"'))
    assert "2 measures missing data" in cells[5]  # after the new signals' column
    section = html.split(f'id="coach-missing-{quiet.pk}"')[1].split("</ul>")[0]
    falls_after = P.format_period(four_weeks_back, "week")
    complaints_after = P.format_period(months_back, "month")
    assert f"Falls</a>: 3 weeks missing: nothing entered after {falls_after}" in section
    assert f"Complaints</a>: 2 months missing: nothing entered after {complaints_after}" in section
    assert section.index("Falls") < section.index("Complaints")  # most missing first
    assert "Bed days" not in section and "Never entered" not in section
    assert 'href="/measures/21/enter/">enter data' in section
    # Teams whose measures are all up to date say so; the column sorts.
    own_section = html.split(f'id="coach-missing-{coaching["own"].pk}"')[1].split("</ul>")[0]
    assert "None: every measure is up to date." in own_section
    assert _team_order(_get(client, coaching["coach"], URL + "?sort=missing"))[0] == quiet.pk
