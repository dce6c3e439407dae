"""Compare teams (issue 17): the funnel plot of a measure several teams report, on the trust's
and a directorate's dashboards, worked from the data through the real pages."""

import datetime as dt
import json
import math
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics.dashboards import funnels
from metrics.models import DataPoint
from tests.factories import DirectorateFactory, TeamFactory

NAME = "Violent incidents involving staff"
HOSTILE = '<img src=x onerror=alert(1)> Ward "B"'


def months_back(n: int) -> dt.date:
    start, _ = funnels.window(timezone.localdate(), n)
    return start


@pytest.fixture
def wards(org_world, measure_factory):
    """Four wards' U measures of the same name; incidents per 1,000 bed days over the last 3
    months (one point a month): Willow 12/4, Cedar 9/3, Oak 40/4, the hostile-named ward 2/5,
    and a figure older than the window that must not count."""
    org = org_world["organisation"]
    oak = TeamFactory(directorate=org_world["own"].directorate, name="Oak Ward")
    elsewhere = TeamFactory(directorate=DirectorateFactory(organisation=org), name=HOSTILE)
    lead = org_world["users"]["lead"]
    figures = {
        org_world["own"]: (12, 4),
        org_world["other"]: (9, 3),
        oak: (40, 4),
        elsewhere: (2, 5),
    }
    measures = {}
    start = months_back(3)
    for team, (n, d) in figures.items():
        m = measure_factory(name=NAME, team=team, chart_type="u", frequency="month",
                            unit="per 1,000 occupied bed days")  # fmt: skip
        months = [start, (start + dt.timedelta(days=32)).replace(day=1)]
        DataPoint.objects.bulk_create([
            DataPoint(measure=m, period=months[0], numerator=n - n // 2, denominator=d / 2,
                      entered_by=lead),
            DataPoint(measure=m, period=months[1], numerator=n // 2, denominator=d / 2,
                      entered_by=lead),
            DataPoint(measure=m, period=months_back(12), numerator=500, denominator=1,
                      entered_by=lead),
        ])  # fmt: skip
        measures[team.name] = m
    # Not comparable: an XmR measure of the same name, and a U measure only two teams have.
    measure_factory(name=NAME, team=oak, chart_type="xmr")
    measure_factory(name="Seclusion", team=oak, chart_type="u")
    measure_factory(name="Seclusion", team=org_world["own"], chart_type="u")
    return measures


def test_comparables_are_names_shared_by_three_or_more_teams(org_world, wards):
    found = funnels.comparables(org_world["organisation"].pk)
    assert [(c.name, c.kind, c.teams) for c in found] == [(NAME, "u", 4)]
    # In the wards' own directorate only three of them: still comparable.
    own = funnels.comparables(org_world["organisation"].pk, org_world["own"].directorate_id)
    assert [(c.name, c.teams) for c in own] == [(NAME, 3)]


def test_the_window_is_whole_months_before_this_one():
    assert funnels.window(dt.date(2026, 12, 7), 3) == (dt.date(2026, 9, 1), dt.date(2026, 12, 1))
    assert funnels.window(dt.date(2026, 1, 31), 1) == (dt.date(2025, 12, 1), dt.date(2026, 1, 1))
    assert funnels.window(dt.date(2026, 2, 1), 12) == (dt.date(2025, 2, 1), dt.date(2026, 2, 1))


def test_each_team_is_summed_over_the_window_and_compared(org_world, wards):
    # θ₀ = (12 + 9 + 40 + 2)/(4 + 3 + 4 + 5) = 63/16 = 3.9375 per 1,000 bed days.
    # Oak: 40/4 = 10; s = √(3.9375/4) = 0.99216; 3σ upper = 3.9375 + 2.97647 = 6.91397 → above.
    # The hostile-named ward: 2/5 = 0.4; s = √(3.9375/5) = 0.88741; 3σ lower 1.27527 → below.
    # Willow 3 (2σ 1.953 to 5.922) and Cedar 3 (2σ 1.646 to 6.229): within.
    (comparable,) = funnels.comparables(org_world["organisation"].pk)
    result = funnels.compare(org_world["organisation"].pk, comparable, today=timezone.localdate())
    assert result.result.target == 63 / 16
    by_team = {row.team: row for row in result.rows}
    oak = by_team["Oak Ward"]
    assert (oak.unit.numerator, oak.unit.denominator, oak.unit.value) == (40, 4, 10)
    assert oak.unit.upper3 == pytest.approx(63 / 16 + 3 * math.sqrt(63 / 16 / 4))
    assert (oak.place, oak.tone) == ("above the 3σ limit", "concern")  # lower is better
    low = by_team[HOSTILE]
    assert (low.place, low.tone) == ("below the 3σ limit", "improvement")
    assert by_team["Willow Ward"].place == by_team["Cedar Ward"].place == "within the limits"
    assert result.sentences[0] == (
        "Overall rate 3.94 per 1,000 occupied bed days (63 over 16) across 4 teams.")
    assert result.sentences[1].startswith("Oak Ward: 10 per 1,000 occupied bed days, above the 3σ")
    assert result.sentences[-1] == "The other 2 teams lie within the limits."


def test_over_dispersion_widens_the_limits_when_asked(org_world, wards):
    (comparable,) = funnels.comparables(org_world["organisation"].pk)
    plain = funnels.compare(org_world["organisation"].pk, comparable, today=timezone.localdate())
    wide = funnels.compare(org_world["organisation"].pk, comparable, today=timezone.localdate(),
                           overdispersion=True)  # fmt: skip
    assert wide.result.tau2 > 0
    for a, b in zip(plain.rows, wide.rows, strict=True):
        assert b.unit.upper3 > a.unit.upper3
    assert any("over-dispersion" in s for s in wide.sentences)


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_the_trust_page_draws_the_funnel_with_links_to_each_teams_chart(client, org_world, wards):
    response = page(client, org_world["users"]["board"], reverse("metrics:compare_trust"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Funnel plot of Violent incidents involving staff" in html
    for m in wards.values():
        assert f'href="{reverse("metrics:measure", args=[m.pk])}"' in html
    # The hostile team name is text everywhere: the table, the sentences and the figure JSON.
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    figure = json.loads(
        re.search(r'<script id="funnel-figure" type="application/json">(.*?)</script>', html,
                  re.S).group(1)  # fmt: skip
    )
    points = figure["data"][-1]
    assert sorted(points["customdata"]) == sorted(
        reverse("metrics:measure", args=[m.pk]) for m in wards.values())
    assert all("<img" not in text for text in points["hovertext"])
    assert "diamond" in points["marker"]["symbol"] and "circle" in points["marker"]["symbol"]


def test_the_directorate_page_compares_its_own_teams(client, org_world, wards):
    url = reverse("metrics:compare_directorate", args=[org_world["own"].directorate_id])
    html = page(client, org_world["users"]["member"], url).content.decode()
    assert "Oak Ward" in html and "Willow Ward" in html and "&lt;img src=x" not in html


def test_bad_choices_are_refused_in_words_and_the_form_stays(client, org_world, wards):
    url = reverse("metrics:compare_trust") + "?measure=u:nothing&months=5"
    response = page(client, org_world["users"]["board"], url)
    assert response.status_code == 400
    html = response.content.decode()
    assert "not one that several teams report" in html and "1, 3, 6 or 12 months" in html
    assert 'id="compare-measure"' in html


def test_without_a_shared_measure_the_page_says_so(client, org_world):
    html = page(client, org_world["users"]["board"], reverse("metrics:compare_trust")).content
    assert b"No measure is reported by 3 or more teams" in html


def test_another_organisations_directorate_is_404(client, org_world, wards):
    foreign = org_world["foreign"].directorate_id
    url = reverse("metrics:compare_directorate", args=[foreign])
    assert page(client, org_world["users"]["board"], url).status_code == 404


def test_the_dashboards_link_to_the_comparison(client, org_world, wards):
    html = page(client, org_world["users"]["board"], reverse("metrics:dashboard")).content
    assert reverse("metrics:compare_trust").encode() in html
