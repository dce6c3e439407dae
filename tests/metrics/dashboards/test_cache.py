"""Rendered dashboard figures are kept per snapshot (metrics/dashboards/cache.py): a recompute
(a new computed_at) shows new figures at once, other viewers never see another's links or
forms, and a cache outage falls back to rendering."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from metrics.dashboards import cache as dashboard_cache
from metrics.models import DashboardSnapshot
from tests.metrics.dashboards import data as dd

pytestmark = pytest.mark.django_db


def _board(client, org_world):
    client.force_login(org_world["users"]["board"])
    return client.get(reverse("metrics:dashboard")).content.decode()


def test_a_cached_fragment_is_replaced_when_the_snapshot_is_recomputed(client, org_world):
    organisation = org_world["organisation"]
    dd.organisation_snapshot(organisation, measures=[dd.measure(1, "Falls on the ward")])
    assert "Falls on the ward" in _board(client, org_world)

    # Same computed_at: the figures come from the cache (the worker never does this).
    DashboardSnapshot.objects.filter(scope="organisation").update(
        data=dd.data(
            "organisation",
            organisation.pk,
            organisation.name,
            measures=[dd.measure(1, "Restraint incidents")],
        )
    )
    assert "Falls on the ward" in _board(client, org_world)

    # Recomputed: a new computed_at (and compute_count), so a new key and the new figures.
    DashboardSnapshot.objects.filter(scope="organisation").update(
        computed_at=dd.COMPUTED_AT + dt.timedelta(minutes=5)
    )
    html = _board(client, org_world)
    assert "Restraint incidents" in html and "Falls on the ward" not in html


def test_the_team_panel_keeps_viewer_specific_links_out_of_the_cache(client, org_world):
    own = org_world["own"]
    dd.team_snapshot(own, measures=[dd.measure(1, "Falls on the ward")])
    client.force_login(org_world["users"]["lead"])
    page = client.get(reverse("teams:team", args=[own.pk])).content.decode()
    assert "Falls on the ward" in page and "Add a measure" in page
    client.force_login(org_world["users"]["member"])
    page = client.get(reverse("teams:team", args=[own.pk])).content.decode()
    assert "Falls on the ward" in page and "Add a measure" not in page


def test_a_cache_outage_falls_back_to_rendering(client, org_world, monkeypatch):
    dd.organisation_snapshot(org_world["organisation"], measures=[dd.measure(1, "Falls")])

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "set_many", down)
    assert "Falls" in _board(client, org_world)


def test_the_key_moves_with_the_snapshot_and_the_templates(org_world):
    snapshot = dd.organisation_snapshot(org_world["organisation"])
    key = dashboard_cache.fragment_key(snapshot, "figures")
    assert str(snapshot.pk) in key and dashboard_cache.template_version() in key
    snapshot.computed_at += dt.timedelta(seconds=1)
    assert dashboard_cache.fragment_key(snapshot, "figures") != key
    snapshot.computed_at = None
    assert dashboard_cache.fragment_key(snapshot, "figures") is None
