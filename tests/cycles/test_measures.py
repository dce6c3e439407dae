"""The measures a PDSA cycle is expected to move: chosen in the Plan (and on the cycle page) from
the measures its project serves, saved by a service, shown on the cycle page (DESIGN §3)."""

import pathlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cycles import services
from tests.cycles.factories import ChangeIdeaFactory, CycleFactory, ProjectFactory, make_measure

pytestmark = pytest.mark.django_db

HINT = "Link measures to this project on the measure’s page"


@pytest.fixture
def served(cycles_world):
    """The own team's project serves two measures; another team's measure it does not serve."""
    work = cycles_world["work"]["own"]
    violence = make_measure(team=cycles_world["own"], name="Violent incidents")
    restraint = make_measure(team=cycles_world["own"], name="Restraint episodes", kind="process")
    elsewhere = make_measure(team=cycles_world["other"], name="Cedar bed occupancy")
    work["project"].measures.add(violence, restraint)
    cycles_world["work"]["other"]["project"].measures.add(elsewhere)
    return {**cycles_world, "violence": violence, "restraint": restraint, "elsewhere": elsewhere}


def _aims(cycle):
    return set(cycle.measures.values_list("name", flat=True))


# The service


def test_a_cycle_aims_only_at_measures_its_project_serves(served):
    cycle = served["work"]["own"]["cycle"]
    services.cycle_set_measures(cycle=cycle, measures=[served["violence"]])
    assert _aims(cycle) == {"Violent incidents"}
    with pytest.raises(ValidationError, match="measures its project serves"):
        services.cycle_set_measures(cycle=cycle, measures=[served["elsewhere"]])
    assert _aims(cycle) == {"Violent incidents"}, "a refused change changes nothing"
    services.cycle_set_measures(cycle=cycle, measures=[served["restraint"].pk])
    assert _aims(cycle) == {"Restraint episodes"}
    services.cycle_set_measures(cycle=cycle, measures=[])
    assert _aims(cycle) == set()


def test_a_measure_the_project_stops_serving_stays_on_the_cycle_until_removed(served):
    cycle = served["work"]["own"]["cycle"]
    services.cycle_set_measures(cycle=cycle, measures=[served["violence"], served["restraint"]])
    served["work"]["own"]["project"].measures.remove(served["violence"])
    services.cycle_set_measures(cycle=cycle, measures=[served["violence"]])
    assert _aims(cycle) == {"Violent incidents"}
    services.cycle_set_measures(cycle=cycle, measures=[])
    with pytest.raises(ValidationError):
        services.cycle_set_measures(cycle=cycle, measures=[served["violence"]])


def test_planning_and_replanning_save_the_measures(served):
    idea = served["work"]["own"]["idea"]
    cycle = services.cycle_plan(
        change_idea=idea, author=None, objective="Test it", measures=[served["violence"]]
    )
    assert _aims(cycle) == {"Violent incidents"}
    services.cycle_update_plan(cycle=cycle, objective="Test it again")
    assert _aims(cycle) == {"Violent incidents"}, "no measures given: the choice is kept"
    services.cycle_update_plan(cycle=cycle, measures=[served["restraint"]])
    assert _aims(cycle) == {"Restraint episodes"}
    with pytest.raises(ValidationError):
        services.cycle_plan(
            change_idea=idea, author=None, objective="Other", measures=[served["elsewhere"]]
        )
    assert not idea.cycles.filter(objective="Other").exists(), "nothing half-saved"


# The pages


def test_the_plan_form_offers_the_projects_measures_and_saves_the_choice(client, served):
    client.force_login(served["users"]["member"])
    idea = served["work"]["own"]["idea"]
    url = reverse("cycles:cycle_plan", args=[idea.pk])
    html = client.get(url).content.decode()
    assert "Measures this cycle is expected to move" in html
    assert "Violent incidents" in html and "Restraint episodes" in html
    assert "Cedar bed occupancy" not in html
    response = client.post(url, {"objective": "Huddle", "measures": [served["violence"].pk]})
    assert response.status_code == 302
    cycle = idea.cycles.get(objective="Huddle")
    assert _aims(cycle) == {"Violent incidents"}
    page = client.get(reverse("cycles:cycle", args=[cycle.pk])).content.decode()
    assert "Measures this cycle aims to move" in page
    assert reverse("metrics:measure", args=[served["violence"].pk]) in page


def test_the_plan_form_refuses_a_measure_the_project_does_not_serve(client, served):
    client.force_login(served["users"]["member"])
    idea = served["work"]["own"]["idea"]
    response = client.post(
        reverse("cycles:cycle_plan", args=[idea.pk]),
        {"objective": "Huddle", "measures": [served["elsewhere"].pk]},
    )
    assert response.status_code == 400
    assert "Choose measures this project serves." in response.content.decode()
    assert not idea.cycles.filter(objective="Huddle").exists()


def test_a_follow_on_cycle_starts_with_its_parents_measures(client, served):
    client.force_login(served["users"]["member"])
    parent = served["work"]["own"]["cycle"]
    services.cycle_set_measures(cycle=parent, measures=[served["restraint"]])
    response = client.get(
        reverse("cycles:cycle_plan", args=[parent.change_idea_id]), {"parent": parent.pk}
    )
    assert response.context["form"].initial["measures"] == [served["restraint"].pk]


def test_editing_the_plan_changes_the_measures(client, served):
    client.force_login(served["users"]["lead"])
    cycle = served["work"]["own"]["cycle"]
    services.cycle_set_measures(cycle=cycle, measures=[served["violence"]])
    url = reverse("cycles:cycle_stage", args=[cycle.pk, "plan"])
    response = client.get(url)
    assert response.context["form"].initial["measures"] == [served["violence"].pk]
    response = client.post(
        url, {"objective": cycle.objective, "measures": [served["restraint"].pk]}
    )
    assert response.status_code == 302
    assert _aims(cycle) == {"Restraint episodes"}


def test_the_cycle_page_sets_the_measures(client, served):
    client.force_login(served["users"]["coach"])
    cycle = served["work"]["own"]["cycle"]
    url = reverse("cycles:cycle_measures", args=[cycle.pk])
    pks = [served["violence"].pk, served["restraint"].pk]
    assert client.post(url, {"measures": pks}).status_code == 302
    assert _aims(cycle) == {"Violent incidents", "Restraint episodes"}
    assert client.post(url, {"measures": [served["elsewhere"].pk]}).status_code == 302
    assert _aims(cycle) == {"Violent incidents", "Restraint episodes"}, "refused, unchanged"
    html = client.get(reverse("cycles:cycle", args=[cycle.pk])).content.decode()
    assert "Save measures" in html and "Violent incidents" in html


def test_a_project_without_measures_says_where_to_link_them(client, org_world):
    client.force_login(org_world["users"]["member"])
    cycle = CycleFactory(
        change_idea=ChangeIdeaFactory(project=ProjectFactory(team=org_world["own"]))
    )
    for url in (
        reverse("cycles:cycle_plan", args=[cycle.change_idea_id]),
        reverse("cycles:cycle_stage", args=[cycle.pk, "plan"]),
        reverse("cycles:cycle", args=[cycle.pk]),
    ):
        html = client.get(url).content.decode()
        assert "This project serves no measures yet." in html and HINT in html, url
        assert reverse("metrics:team_measures", args=[org_world["own"].pk]) in html


@pytest.mark.parametrize("role", ["member", "lead", "coach", "board", "admin"])
def test_only_editors_of_the_team_set_a_cycles_measures(client, served, role):
    client.force_login(served["users"][role])
    for target, may in (("own", role != "board"), ("other", role == "admin")):
        cycle = served["work"][target]["cycle"]
        measure = served["violence"] if target == "own" else served["elsewhere"]
        response = client.post(
            reverse("cycles:cycle_measures", args=[cycle.pk]), {"measures": [measure.pk]}
        )
        assert response.status_code == (302 if may else 403), (role, target)
        assert cycle.measures.exists() is may
        page = client.get(reverse("cycles:cycle", args=[cycle.pk])).content.decode()
        assert ("Save measures" in page) is may


def test_another_organisations_cycle_measures_are_not_found(client, served):
    foreign_cycle = served["work"]["foreign"]["cycle"]
    foreign_measure = make_measure(team=served["foreign"], name="Elsewhere")
    served["work"]["foreign"]["project"].measures.add(foreign_measure)
    for role in ("admin", "member"):
        client.force_login(served["users"][role])
        response = client.post(
            reverse("cycles:cycle_measures", args=[foreign_cycle.pk]),
            {"measures": [foreign_measure.pk]},
        )
        assert response.status_code == 404
    assert not foreign_cycle.measures.exists()


def test_the_cycles_app_never_imports_metrics():
    """DESIGN §2: cycles reaches measures only through relations declared on the metrics side."""
    root = pathlib.Path(__file__).resolve().parents[2] / "cycles"
    offenders = [
        str(path.relative_to(root.parent))
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        and any(
            line.strip().startswith(("import metrics", "from metrics"))
            for line in path.read_text().splitlines()
        )
    ]
    assert offenders == []
