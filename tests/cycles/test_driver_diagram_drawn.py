"""The driver diagram drawn left to right (issue 15): aim → primary drivers → secondary drivers
→ change ideas as nested lists in columns; each change idea with its status, its cycle count
and links to its cycles; the indented list kept as the text alternative (and for editing)."""

import re

import pytest
from django.urls import reverse

from tests.cycles.factories import ChangeIdeaFactory, CycleFactory, DriverFactory, ProjectFactory

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def project(org_world):
    project = ProjectFactory(team=org_world["own"], title="Calmer evenings")
    calm = DriverFactory(project=project, text="A calm ward", position=1)
    staff = DriverFactory(project=project, text="Confident staff", position=2)
    things = DriverFactory(project=project, parent=calm, text="Things to do in the evening")
    huddle = ChangeIdeaFactory(
        project=project, driver=things, title="Evening activity timetable", status="adopted"
    )
    for number in (1, 2):
        CycleFactory(change_idea=huddle, number=number)
    ChangeIdeaFactory(project=project, driver=calm, title="Calm-down boxes", status="testing")
    ChangeIdeaFactory(project=project, driver=None, title="Ideas box", status="abandoned")
    return {"project": project, "huddle": huddle, "staff": staff}


def drawn(client, user, project):
    client.force_login(user)
    html = client.get(reverse("cycles:project", args=[project.pk])).content.decode()
    start = html.index("data-driver-diagram")
    return html, html[start : html.index('id="diagram-list-heading"')]


def boxes(diagram, kind):
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", box)).strip()
        for box in re.findall(
            rf'class="qi-dd-box qi-dd-{kind}[^"]*">(.*?)</(?:div|li)>', diagram, re.S
        )
    ]


def test_the_columns_hold_the_aim_drivers_and_ideas_in_order(client, org_world, project):
    _, diagram = drawn(client, org_world["users"]["member"], project["project"])
    assert boxes(diagram, "aim") == [
        "Aim: Violent incidents involving staff: from 12 to 8 a month by 31 December 2026"
    ]
    assert boxes(diagram, "primary") == [
        "Primary driver: A calm ward",
        "Primary driver: Confident staff",
        "Not linked to a driver",
    ]
    assert boxes(diagram, "secondary") == [
        "Directly",  # Calm-down boxes acts on the primary driver itself
        "Secondary driver: Things to do in the evening",
        "No secondary driver yet",
        "—",
    ]
    ideas = boxes(diagram, "idea")
    assert [
        idea.split(" Adopted")[0].split(" Testing")[0].split(" Abandoned")[0] for idea in ideas
    ] == [  # fmt: skip
        "Change idea: Calm-down boxes",
        "Change idea: Evening activity timetable",
        "Change idea: Ideas box",
    ]


def test_each_idea_shows_its_status_cycle_count_and_links_to_its_cycles(client, org_world, project):
    _, diagram = drawn(client, org_world["users"]["member"], project["project"])
    timetable = diagram[diagram.index("Evening activity timetable") :]
    timetable = timetable[: timetable.index("</li>")]
    assert 'class="badge qi-status-adopted">Adopted<' in timetable
    assert "2 cycles:" in timetable
    cycles = project["huddle"].cycles.order_by("number")
    for cycle in cycles:
        assert f'href="{reverse("cycles:cycle", args=[cycle.pk])}">PDSA {cycle.number}' in timetable
    calm = diagram[diagram.index("Calm-down boxes") :]
    assert "0 cycles" in calm[: calm.index("</li>")]


def test_the_indented_list_stays_as_the_text_alternative(client, org_world, project):
    html, _ = drawn(client, org_world["users"]["lead"], project["project"])
    listed = html[html.index('id="diagram-list-heading"') :]
    assert "The diagram as a list, to edit" in listed
    assert 'class="qi-tree"' in listed and "Plan a cycle" in listed


def test_a_project_without_drivers_or_ideas_draws_nothing(client, org_world):
    empty = ProjectFactory(team=org_world["own"])
    client.force_login(org_world["users"]["member"])
    html = client.get(reverse("cycles:project", args=[empty.pk])).content.decode()
    assert "data-driver-diagram" not in html
    assert "No drivers yet" in html


def test_text_in_the_diagram_is_inert(client, org_world, project):
    project["staff"].text = HOSTILE
    project["staff"].save()
    project["huddle"].title = HOSTILE
    project["huddle"].save()
    _, diagram = drawn(client, org_world["users"]["member"], project["project"])
    assert HOSTILE not in diagram and "&lt;img src=x onerror=alert(1)&gt;" in diagram
