"""The trust dashboard (the board's home) and a directorate's: every figure comes from the
scope's dashboard snapshot, drawn as documented in docs/dashboards.md."""

import json
import re

import pytest
from django.urls import reverse

from metrics.models import DashboardSnapshot
from tests.metrics.dashboards import data as dd

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _row(html, marker):
    """The <tr> holding `marker`."""
    found = re.search(r"<tr[^>]*" + re.escape(marker) + r"[^>]*>(.*?)</tr>", html, re.S)
    assert found, marker
    return found.group(1)


def _cells(row_html):
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row_html, re.S)
    ]


@pytest.fixture
def trust(org_world):
    organisation = org_world["organisation"]
    directorate = org_world["own"].directorate
    dd.organisation_snapshot(
        organisation,
        measures=[
            dd.measure(
                101,
                "Violent incidents involving staff",
                variation="improvement_low",
                assurance="pass",
                target=8,
                team_id=org_world["own"].pk,
            ),
            dd.measure(
                102,
                "First appointments not attended",
                chart_type="p",
                unit="",
                latest_value=0.153,
                target=12,
                variation="concern_high",
                assurance="fail",
                sparkline=[0.12, 0.13, 0.153],
                team="Community team",
            ),
            dd.measure(103, "Bed occupancy", unit="%", variation="common_cause", latest_value=94.0),
        ],
        activity={
            "months": dd.MONTHS,
            "rows": [
                dd.activity_row(
                    directorate.pk,
                    directorate.name,
                    active_projects=4,
                    cycles=[1, 0, 2, 3, 4],
                    adopted=[1, 0, 0, 0, 1],
                    spread=[0, 0, 0, 0, 1],
                ),
                dd.activity_row(9999, "Forensic services", active_projects=2, cycles=[5]),
            ],
        },
        progress=dd.progress(
            {"1.0": 2, "2.0": 3, "3.5": 1, "unscored": 1},
            {"1.0": 4, "2.0": 2, "unscored": 1},
            up=3,
            down=1,
            unchanged=2,
        ),
        children=[
            dd.child(
                "directorate",
                directorate.pk,
                directorate.name,
                active_projects=4,
                measure_count=7,
                key_measure_count=2,
                cycles_completed_90_days=9,
                stalled_projects=2,
                variation_counts={"improvement_low": 1, "improvement_high": 1, "concern_low": 1},
                assurance_counts={"fail": 3},
            )
        ],
    )
    return org_world


def test_the_board_lands_on_the_trust_dashboard(client, org_world):
    client.force_login(org_world["users"]["board"])
    assert client.get(reverse("home")).url == reverse("metrics:dashboard")


@pytest.mark.parametrize("role", ["member", "lead", "coach", "board", "admin"])
def test_everyone_in_the_organisation_reads_the_dashboards(client, trust, role):
    user = trust["users"][role]
    directorate = trust["own"].directorate
    dd.directorate_snapshot(directorate)
    for url in (
        reverse("metrics:dashboard"),
        reverse("metrics:directorate_dashboard", args=[directorate.pk]),
        reverse("metrics:board_report"),
    ):
        assert "Figures computed at 09:41 on 26 November 2026" in _get(client, user, url)


def test_the_key_measures_table_shows_each_measure_from_the_snapshot(client, trust):
    html = _get(client, trust["users"]["board"], reverse("metrics:dashboard"))

    incidents = _row(html, 'data-measure-id="101"')
    assert reverse("metrics:measure", args=[101]) in incidents
    cells = _cells(incidents)
    assert "5 incidents" in cells[1] and "16 Nov 2026" in cells[1]
    assert cells[2] == "8 incidents"
    assert 'aria-label="Last 5 values: from 10 incidents to 5 incidents"' in incidents
    assert "Special cause variation — improvement (low)" in cells[4]
    assert "Assurance — pass" in cells[5]
    assert "mdc-variation-improvement_low" in incidents and "mdc-assurance-pass" in incidents

    # P charts: the value is a proportion, shown as a percentage; the target is a percentage.
    dna = _cells(_row(html, 'data-measure-id="102"'))
    assert "15.3%" in dna[1] and dna[2] == "12%"
    assert "Special cause variation — concern (high)" in dna[4]
    assert "Assurance — fail" in dna[5]
    assert "Community team" in dna[0]

    occupancy = _cells(_row(html, 'data-measure-id="103"'))
    assert "94%" in occupancy[1] and occupancy[2] == "—"
    assert "Common cause variation" in occupancy[4]
    assert "No assurance icon" in occupancy[5]


def test_the_summary_counts_measures_by_icon(client, trust):
    html = _get(client, trust["users"]["board"], reverse("metrics:dashboard"))
    variation = html.split('id="variation-counts"')[1].split("</table>")[0]
    assurance = html.split('id="assurance-counts"')[1].split("</table>")[0]

    assert _cells(_row(variation, 'data-icon="improvement_low"'))[-1] == "1"
    assert _cells(_row(variation, 'data-icon="concern_high"'))[-1] == "1"
    assert _cells(_row(variation, 'data-icon="common_cause"'))[-1] == "1"
    assert _cells(_row(variation, 'data-icon="improvement_high"'))[-1] == "0"
    assert _cells(_row(assurance, 'data-icon="pass"'))[-1] == "1"
    assert _cells(_row(assurance, 'data-icon="fail"'))[-1] == "1"
    assert _cells(_row(assurance, 'data-icon="none"'))[-1] == "1"


def test_qi_activity_is_a_plotly_chart_with_a_table_as_its_text_alternative(client, trust):
    directorate = trust["own"].directorate
    html = _get(client, trust["users"]["board"], reverse("metrics:dashboard"))

    assert "vendor/plotly/plotly.min.js" in html
    figure = json.loads(
        re.search(
            r'<script id="activity-figure" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    assert [t["name"] for t in bars] == [directorate.name, "Forensic services"]
    assert bars[0]["y"][-5:] == [1, 0, 2, 3, 4] and len(bars[0]["x"]) == 24
    line = next(t for t in figure["data"] if t["type"] == "scatter")
    assert line["y"][-1] == 2  # one adopted and one spread in the last month

    assert "QI activity, Dec 2024 to Nov 2026" in html
    assert _cells(_row(html, f'data-row-id="{directorate.pk}"')) == [
        directorate.name,
        "4",
        "10",
        "9",
        "2",
        "1",
    ]
    assert _cells(_row(html, 'data-row-id="9999"')) == [
        "Forensic services",
        "2",
        "5",
        "5",
        "0",
        "0",
    ]
    months = html.split('id="activity-months"')[1].split("</table>")[0]
    assert '<th scope="row" class="fw-normal">Nov 2026</th><td class="text-end">9</td>' in (months)


def test_the_progress_distribution_and_its_movement_this_quarter(client, trust):
    html = _get(client, trust["users"]["board"], reverse("metrics:dashboard"))

    assert _cells(_row(html, 'data-score="1.0"')) == ["1.0", "2", "", "4", "-2"]
    assert _cells(_row(html, 'data-score="2.0"')) == ["2.0", "3", "", "2", "+1"]
    assert _cells(_row(html, 'data-score="3.5"')) == ["3.5", "1", "", "0", "+1"]
    assert _cells(_row(html, 'data-score="Not scored yet"')) == [
        "Not scored yet",
        "1",
        "",
        "1",
        "0",
    ]
    movement = re.sub(r"<[^>]+>", "", html.split('id="progress-movement">')[1].split("</p>")[0])
    assert movement == (
        "Since 1 October 2026: 3 projects moved up the scale, 1 moved down "
        "and 2 stayed where they were."
    )


def test_the_directorates_link_to_their_dashboards(client, trust):
    directorate = trust["own"].directorate
    html = _get(client, trust["users"]["board"], reverse("metrics:dashboard"))

    row = _row(html, f'data-child-id="{directorate.pk}"')
    assert reverse("metrics:directorate_dashboard", args=[directorate.pk]) in row
    assert _cells(row) == [directorate.name, "7", "2", "4", "9", "2", "2", "1", "3"]


def test_the_directorate_dashboard_shows_the_same_figures_and_links_to_teams(client, trust):
    directorate, own = trust["own"].directorate, trust["own"]
    dd.directorate_snapshot(
        directorate,
        measures=[dd.measure(201, "Length of stay", is_key=False, variation="concern_high")],
        children=[dd.child("team", own.pk, own.name, stalled_projects=1)],
        activity={"months": dd.MONTHS, "rows": [dd.activity_row(own.pk, own.name, cycles=[3])]},
        projects=[
            dd.project(301, "Calmer evenings", stalled=True, open_reviews=2, coach_score="1.5"),
        ],
        cycles_by_stage={"plan": 1, "do": 2, "study": 0, "act": 1},
        recent_learning=[
            {
                "cycle_id": 401,
                "project_id": 301,
                "title": "PDSA 2: Huddle",
                "learning": "Huddles work at 7pm.",
                "decision": "adopt",
                "closed_at": "2026-11-20T10:00:00+00:00",
            },
        ],
    )
    html = _get(
        client,
        trust["users"]["member"],
        reverse("metrics:directorate_dashboard", args=[directorate.pk]),
    )

    assert f'<h1 class="h2">{directorate.name}</h1>' in html
    assert reverse("metrics:dashboard") in html  # breadcrumb back to the trust
    assert "Special cause variation — concern (high)" in _row(html, 'data-measure-id="201"')
    assert reverse("teams:team", args=[own.pk]) in _row(html, f'data-child-id="{own.pk}"')
    assert _cells(_row(html, f'data-row-id="{own.pk}"'))[:3] == [own.name, "0", "3"]
    project = _row(html, 'data-project-id="301"')
    assert reverse("cycles:project", args=[301]) in project and "Stalled" in project
    assert _cells(project)[2:4] == ["2.0", "1.5"]
    assert 'data-stage="do">2<' in html
    assert reverse("cycles:cycle", args=[401]) in html and "Huddles work at 7pm." in html


def test_another_organisations_directorate_is_not_found(client, org_world):
    foreign = org_world["foreign"].directorate
    dd.directorate_snapshot(foreign)
    client.force_login(org_world["users"]["board"])
    url = reverse("metrics:directorate_dashboard", args=[foreign.pk])
    assert client.get(url).status_code == 404
    status = reverse("metrics:dashboard_status", args=["directorate", foreign.pk])
    assert client.get(status).status_code == 404


def test_a_foreign_board_member_sees_only_their_own_trust(client, trust):
    dd.organisation_snapshot(trust["foreign_organisation"], measures=[dd.measure(900, "Theirs")])
    html = _get(client, trust["users"]["foreign_admin"], reverse("metrics:dashboard"))
    assert "Theirs" in html and "Violent incidents involving staff" not in html


def test_signed_out_visitors_are_sent_to_sign_in(client, trust):
    for name in ("metrics:dashboard", "metrics:board_report", "metrics:coach_dashboard"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_user_without_an_organisation_gets_404(client, org_world):
    client.force_login(org_world["users"]["no_organisation"])
    assert client.get(reverse("metrics:dashboard")).status_code == 404


def test_hostile_names_are_escaped_in_the_page_and_the_figure(client, org_world):
    hostile = '<script>alert("x")</script><b>'
    organisation = org_world["organisation"]
    dd.organisation_snapshot(
        organisation,
        measures=[dd.measure(101, hostile, team=hostile, unit='<img src=x onerror="y">')],
        activity={"months": dd.MONTHS, "rows": [dd.activity_row(1, hostile, cycles=[1])]},
        children=[dd.child("directorate", 1, hostile)],
    )
    html = _get(client, org_world["users"]["board"], reverse("metrics:dashboard"))

    assert "<script>alert" not in html and "<b>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;" in html
    figure = json.loads(
        re.search(
            r'<script id="activity-figure" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert figure["data"][0]["name"] == ("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;")


def test_a_dirty_snapshot_shows_its_figures_and_says_updating(client, trust):
    DashboardSnapshot.objects.filter(scope="organisation").update(
        dirty_since="2026-11-26T09:45:00Z"
    )
    html = _get(client, trust["users"]["board"], reverse("metrics:dashboard"))

    assert "Figures computed at 09:41 on 26 November 2026" in html
    assert 'data-dashboard-status="updating"' in html
    status_url = reverse(
        "metrics:dashboard_status", args=["organisation", trust["organisation"].pk]
    )
    assert f'hx-get="{status_url}"' in html
    assert 'data-measure-id="101"' in html  # the figures stay readable meanwhile


def test_the_status_part_polls_while_dirty_and_refreshes_the_page_when_fresh(client, trust):
    organisation = trust["organisation"]
    url = reverse("metrics:dashboard_status", args=["organisation", organisation.pk])
    client.force_login(trust["users"]["board"])
    DashboardSnapshot.objects.filter(scope="organisation").update(
        dirty_since="2026-11-26T09:45:00Z"
    )

    polling = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 3s"' in polling.content.decode()
    assert "HX-Refresh" not in polling.headers

    DashboardSnapshot.objects.filter(scope="organisation").update(dirty_since=None)
    fresh = client.get(url, headers={"HX-Request": "true"})
    assert fresh.headers["HX-Refresh"] == "true"


def test_a_fresh_snapshot_does_not_poll(client, trust):
    html = _get(client, trust["users"]["board"], reverse("metrics:dashboard"))
    assert 'data-dashboard-status="fresh"' in html
    assert "hx-trigger" not in html


def test_a_missing_snapshot_is_requested_and_the_page_says_it_is_being_computed(
    client, org_world, django_capture_on_commit_callbacks
):
    client.force_login(org_world["users"]["board"])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.get(reverse("metrics:dashboard"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Figures are being computed" in html
    assert 'hx-trigger="every 3s"' in html
    snapshot = DashboardSnapshot.objects.get(scope="organisation")
    assert snapshot.dirty_since is not None and snapshot.computed_at is None
    assert len(callbacks) == 1  # the recompute is enqueued once the request's work commits

    with django_capture_on_commit_callbacks() as again:
        client.get(reverse("metrics:dashboard"))
    assert again == []  # already asked for: the next view waits for it


def test_a_missing_directorate_snapshot_is_requested_too(client, org_world):
    directorate = org_world["own"].directorate
    client.force_login(org_world["users"]["member"])
    html = client.get(reverse("metrics:directorate_dashboard", args=[directorate.pk])).content
    assert b"Figures are being computed" in html
    assert DashboardSnapshot.objects.filter(
        scope="directorate", scope_id=directorate.pk, dirty_since__isnull=False
    ).exists()


def test_without_a_broker_the_first_view_computes_the_figures_at_once(
    client, org_world, django_capture_on_commit_callbacks, eager_tasks
):
    client.force_login(org_world["users"]["board"])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("metrics:dashboard"))
    html = client.get(reverse("metrics:dashboard")).content.decode()
    assert "Figures computed at" in html
