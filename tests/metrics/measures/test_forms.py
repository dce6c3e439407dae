"""Defining a measure: the form helps choose the chart in plain words, validates in plain words,
and saves through the measure services."""

import pytest
from django.urls import reverse

from metrics.models import ChartSnapshot, Measure
from tests.cycles.factories import ProjectFactory
from tests.metrics.measures.world import SHIFTING, add_points

pytestmark = pytest.mark.django_db


def valid(**overrides):
    data = {
        "name": "Length of stay",
        "kind": "outcome",
        "definition": "Days from admission to discharge, for discharges in the week.",
        "unit": "days",
        "frequency": "week",
        "chart_type": "xmr",
        "improvement": "decrease",
        "target": "",
    }
    data.update(overrides)
    return data


def test_the_form_explains_the_chart_types_in_plain_words(client, org_world):
    client.force_login(org_world["users"]["lead"])

    html = client.get(reverse("metrics:measure_create", args=[org_world["own"].pk])).content
    html = html.decode()

    assert "What kind of data is it?" in html
    for words in (
        "counts of events",
        "per 1,000 bed days",
        "% of first appointments not attended",
        "length of stay, waiting days",
        "few points so far",
        "very large denominators",
    ):
        assert words in html.lower() or words in html, words


def test_a_lead_adds_a_measure_serving_the_teams_projects(client, org_world):
    team = org_world["own"]
    project = ProjectFactory(team=team)
    client.force_login(org_world["users"]["lead"])

    response = client.post(
        reverse("metrics:measure_create", args=[team.pk]),
        valid(projects=[project.pk], is_key="on", target="28"),
    )

    measure = Measure.objects.get(name="Length of stay")
    assert response.status_code == 302
    assert response.url == reverse("metrics:measure", args=[measure.pk])
    assert measure.team == team and measure.organisation == org_world["organisation"]
    assert measure.is_key and measure.target == 28
    assert list(measure.projects.all()) == [project]
    assert measure.snapshot.status == ChartSnapshot.Status.FRESH


def test_only_the_teams_projects_are_offered(client, org_world):
    elsewhere = ProjectFactory(team=org_world["other"])
    client.force_login(org_world["users"]["lead"])

    response = client.post(
        reverse("metrics:measure_create", args=[org_world["own"].pk]),
        valid(projects=[elsewhere.pk]),
    )

    assert response.status_code == 400
    assert not Measure.objects.exists()
    assert "is not one of the available choices" in " ".join(
        response.context["form"].errors["projects"]
    )


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"name": ""}, "name", "Fill in “name”: it is needed."),
        ({"definition": ""}, "definition", "Fill in “operational definition”: it is needed."),
        ({"chart_type": "p", "target": "150"}, "target", "a percentage between 0 and 100"),
        ({"chart_type": "c", "target": "-2"}, "target", "A count cannot be negative"),
        ({"target": "lots"}, "target", "Enter a number, for example 15 or 2.5."),
    ],
)
def test_the_form_says_what_is_wrong_in_plain_words(client, org_world, overrides, field, message):
    client.force_login(org_world["users"]["lead"])

    response = client.post(
        reverse("metrics:measure_create", args=[org_world["own"].pk]), valid(**overrides)
    )

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Measure.objects.exists()


def test_an_admin_adds_a_trust_wide_key_measure(client, org_world):
    client.force_login(org_world["users"]["admin"])

    response = client.post(
        reverse("metrics:trust_measure_create"),
        valid(name="Bed occupancy", unit="%", improvement="neither", is_key="on"),
    )

    measure = Measure.objects.get(name="Bed occupancy")
    assert response.status_code == 302
    assert measure.team is None and measure.organisation == org_world["organisation"]
    listing = client.get(reverse("metrics:trust_measures")).content.decode()
    assert "Bed occupancy" in listing


def test_editing_the_chart_settings_redraws_the_chart(client, org_world, measure_factory, mondays):
    lead = org_world["users"]["lead"]
    measure = add_points(measure_factory(), mondays(20), SHIFTING, user=lead)
    client.force_login(lead)

    response = client.post(
        reverse("metrics:measure_edit", args=[measure.pk]),
        valid(name=measure.name, chart_type="c", unit="incidents", target="4"),
    )

    measure.refresh_from_db()
    assert response.status_code == 302
    assert (measure.chart_type, measure.target) == ("c", 4)
    assert measure.snapshot.status == ChartSnapshot.Status.STALE


def test_editing_only_the_name_keeps_the_chart(client, org_world, measure_factory, mondays):
    lead = org_world["users"]["lead"]
    measure = add_points(measure_factory(), mondays(20), SHIFTING, user=lead)
    client.force_login(lead)

    client.post(
        reverse("metrics:measure_edit", args=[measure.pk]),
        valid(name="Assaults on staff", chart_type="xmr", unit="incidents"),
    )

    measure.refresh_from_db()
    assert measure.name == "Assaults on staff"
    assert measure.snapshot.status == ChartSnapshot.Status.FRESH


def test_the_team_list_shows_icons_and_the_last_value(client, org_world, measure_factory, mondays):
    lead = org_world["users"]["lead"]
    add_points(measure_factory(), mondays(20), SHIFTING, user=lead)
    measure_factory(name="Restraints", unit="")
    client.force_login(org_world["users"]["member"])

    html = client.get(reverse("metrics:team_measures", args=[org_world["own"].pk])).content
    html = html.decode()

    assert "mdc-variation-improvement_low" in html
    assert "5 incidents" in html and "2 Jun 2025" in html
    assert "Restraints" in html and "no data yet" in html
    assert "Add a measure" not in html  # members do not manage measures


def test_list_queries_do_not_grow_with_measures(
    client, org_world, measure_factory, django_assert_max_num_queries
):
    for i in range(15):
        measure_factory(name=f"Measure {i}")
    client.force_login(org_world["users"]["member"])
    url = reverse("metrics:team_measures", args=[org_world["own"].pk])
    client.get(url)

    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
