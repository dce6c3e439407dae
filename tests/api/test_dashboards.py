"""The dashboards' figures through the API: the trust's, a directorate's, a team's, as the
worker computed them (the same figures the portal's pages draw), with ETags; never another
organisation's."""

import pytest
from django.urls import reverse

from metrics.charts.recompute import chart_snapshot_compute
from metrics.dashboards.recompute import dashboard_snapshot_compute, dashboards_request
from metrics.entry.services import Row, confirmation_key, data_points_save
from metrics.models import DashboardSnapshot


def compute_waiting():
    """What the worker does: compute every dashboard snapshot that was asked for."""
    for snapshot in DashboardSnapshot.objects.filter(dirty_since__isnull=False):
        dashboard_snapshot_compute(snapshot_id=snapshot.pk)


@pytest.fixture
def urls(org_world):
    own = org_world["own"]
    return {
        "organisation": reverse("api:dashboard_organisation"),
        "directorate": reverse("api:dashboard_directorate", args=[own.directorate_id]),
        "team": reverse("api:dashboard_team", args=[own.pk]),
    }


@pytest.fixture
def computed(org_world, measures, mondays):
    own = org_world["own"]
    rows = [Row(period=p, value=30 + i % 5) for i, p in enumerate(mondays(20))]
    data_points_save(measure=measures["own"], rows=rows, user=org_world["users"]["lead"])
    chart_snapshot_compute(measure_id=measures["own"].pk)
    dashboards_request(
        organisation_id=own.organisation_id, directorate_id=own.directorate_id, team_id=own.pk
    )
    compute_waiting()


def test_a_scope_never_computed_is_asked_for_and_said_pending(reader, urls, org_world):
    response = reader.get(urls["team"])
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "scope": "team", "id": org_world["own"].pk, "status": "pending", "computed_at": None,
        "figures": None,
    }  # fmt: skip
    snapshot = DashboardSnapshot.objects.get(scope="team", scope_id=org_world["own"].pk)
    assert snapshot.dirty_since is not None, "the figures were asked for"
    compute_waiting()
    assert reader.get(urls["team"]).json()["status"] == "fresh"


@pytest.mark.parametrize("scope", ["organisation", "directorate", "team"])
def test_each_scope_sends_the_figures_the_worker_computed(reader, urls, computed, scope, org_world):
    response = reader.get(urls[scope])
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["scope"] == scope and body["status"] == "fresh" and body["computed_at"]
    snapshot = DashboardSnapshot.objects.get(scope=scope, scope_id=body["id"])
    assert body["figures"] == snapshot.data
    figures = body["figures"]
    assert figures["scope"] == scope and figures["measure_count"] >= 1
    if scope == "team":
        assert [m["name"] for m in figures["measures"]] == ["DNA rate", "Length of stay"]
    if scope == "organisation":
        assert "Foreign measure" not in str(figures)
        assert {c["name"] for c in figures["children"]} == {org_world["own"].directorate.name}


def test_the_etag_holds_until_the_figures_change(reader, urls, computed, org_world, measures):
    first = reader.get(urls["team"])
    etag = first["ETag"]
    again = reader.get(urls["team"], HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert reader.get(urls["team"], HTTP_IF_NONE_MATCH='"old", ' + etag).status_code == 304

    row = Row(period=measures["own"].points.latest("period").period, value=99)
    data_points_save(
        measure=measures["own"],
        rows=[row],
        user=org_world["users"]["lead"],
        confirmed={confirmation_key(measures["own"], row)},  # far outside: "is this right?" yes
    )
    chart_snapshot_compute(measure_id=measures["own"].pk)
    own = org_world["own"]
    dashboards_request(
        organisation_id=own.organisation_id, directorate_id=own.directorate_id, team_id=own.pk
    )
    updating = reader.get(urls["team"], HTTP_IF_NONE_MATCH=etag)
    assert updating.status_code == 200 and updating.json()["status"] == "updating"
    compute_waiting()
    fresh = reader.get(urls["team"], HTTP_IF_NONE_MATCH=updating["ETag"])
    assert fresh.status_code == 200 and fresh["ETag"] not in (etag, updating["ETag"])
    row = next(m for m in fresh.json()["figures"]["measures"] if m["name"] == "Length of stay")
    assert row["latest_value"] == 99


def test_another_organisations_directorate_or_team_is_404(reader, org_world, computed):
    foreign = org_world["foreign"]
    for url in (
        reverse("api:dashboard_directorate", args=[foreign.directorate_id]),
        reverse("api:dashboard_team", args=[foreign.pk]),
        reverse("api:dashboard_team", args=[10**9]),
        reverse("api:dashboard_team", args=[2**64]),
    ):
        response = reader.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    assert not DashboardSnapshot.objects.filter(organisation=org_world["foreign_organisation"])


def test_no_token_no_figures(api, urls):
    for url in urls.values():
        assert api().get(url).status_code == 401
