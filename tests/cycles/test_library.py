"""The learning library: filters, adopted and spread first, and full-text search on Postgres."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cycles import services
from tests.conftest import require_postgres
from tests.cycles.factories import ChangeIdeaFactory, CycleFactory, ProjectFactory, make_measure
from tests.factories import DirectorateFactory, TeamFactory


@pytest.fixture
def library(org_world):
    own = ProjectFactory(team=org_world["own"])
    community = TeamFactory(
        directorate=DirectorateFactory(organisation=org_world["organisation"], name="Community")
    )
    elsewhere = ProjectFactory(team=community)
    ideas = {
        "testing": ChangeIdeaFactory(project=own, title="Evening activity timetable"),
        "adopted": ChangeIdeaFactory(
            project=own, title="Safety huddles at handover", status="adopted"
        ),
        "spread": ChangeIdeaFactory(
            project=elsewhere, title="Text reminders before appointments", status="spread"
        ),
        "abandoned": ChangeIdeaFactory(project=own, title="Positive words", status="abandoned"),
    }
    CycleFactory(
        change_idea=ideas["testing"],
        number=1,
        objective="Run an activity on Tuesday evenings.",
        learning="Patients preferred music sessions to board games.",
    )
    return {"ideas": ideas, "community": community, "own_project": own, **org_world}


def _titles(client, **params):
    response = client.get(reverse("cycles:library"), params)
    assert response.status_code == 200
    return [idea.title for idea in response.context["page"].object_list]


def test_adopted_and_spread_ideas_come_first(client, library):
    client.force_login(library["users"]["member"])
    titles = _titles(client)
    assert set(titles[:2]) == {"Safety huddles at handover", "Text reminders before appointments"}
    assert titles[-1] == "Positive words"


def test_filters_by_directorate_and_status(client, library):
    client.force_login(library["users"]["board"])
    directorate = library["community"].directorate_id
    assert _titles(client, directorate=directorate) == ["Text reminders before appointments"]
    assert _titles(client, status="adopted") == ["Safety huddles at handover"]


def test_search_finds_ideas_by_title_and_by_what_their_cycles_learned(client, library):
    client.force_login(library["users"]["member"])
    assert _titles(client, q="huddles") == ["Safety huddles at handover"]
    assert _titles(client, q="music") == ["Evening activity timetable"]
    assert _titles(client, q="nothing-like-this") == []


def test_postgres_full_text_search_matches_word_forms(client, library):
    # On the embedded SQLite default the fallback is tested instead; CI (PostgreSQL and
    # QI_REQUIRE_SERVICES) must run this one, so there the skip becomes a failure.
    require_postgres("full-text search")
    client.force_login(library["users"]["member"])
    # Stemming: "reminder" finds "reminders", "appointment" finds "appointments".
    assert _titles(client, q="reminder appointment") == ["Text reminders before appointments"]
    # Web search syntax: a phrase and an exclusion.
    assert _titles(client, q='"safety huddles" -reminders') == ["Safety huddles at handover"]
    assert _titles(client, q="prefer musical") == ["Evening activity timetable"]


def test_spreading_copies_the_idea_into_my_project(client, library):
    member = library["users"]["member"]
    client.force_login(member)
    target = ProjectFactory(team=library["own"], title="My project")
    source = library["ideas"]["spread"]
    html = client.get(reverse("cycles:library")).content.decode()
    assert "Spread this idea" in html and "My project" in html
    response = client.post(reverse("cycles:idea_spread", args=[source.pk]), {"project": target.pk})
    assert response.status_code == 302
    copy = target.change_ideas.get()
    assert copy.spread_from == source and copy.title == source.title


@pytest.fixture
def measured(library):
    """Measures linked to projects (the project's measures) and to one cycle (a cycle's)."""
    own_project = library["own_project"]
    elsewhere = library["ideas"]["spread"].project
    violence = make_measure(team=library["own"], name="Violent incidents")
    dna = make_measure(team=library["community"], name="First-appointment DNA rate")
    sickness = make_measure(organisation=library["organisation"], name="Staff sickness absence")
    unlinked = make_measure(team=library["own"], name="Not served by any project")
    foreign = make_measure(team=library["foreign"], name="Another trust's measure")
    own_project.measures.add(violence)
    elsewhere.measures.add(dna)
    ProjectFactory(team=library["foreign"]).measures.add(foreign)
    # A cycle of the own team's testing idea aims at a trust-wide measure its project serves.
    another = ProjectFactory(team=library["community"], title="Wellbeing")
    another.measures.add(sickness)
    own_project.measures.add(sickness)
    cycle = library["ideas"]["testing"].cycles.get()
    services.cycle_set_measures(cycle=cycle, measures=[sickness])
    own_project.measures.remove(sickness)
    return {
        **library,
        "measures": {
            "violence": violence,
            "dna": dna,
            "sickness": sickness,
            "unlinked": unlinked,
            "foreign": foreign,
        },
    }


def test_filters_by_the_measure_an_idea_aims_to_move(client, measured):
    client.force_login(measured["users"]["member"])
    m = measured["measures"]
    # The project's measures: every idea of that project aims to move them.
    assert set(_titles(client, measure=m["violence"].pk)) == {
        "Evening activity timetable",
        "Safety huddles at handover",
        "Positive words",
    }
    assert _titles(client, measure=m["dna"].pk) == ["Text reminders before appointments"]
    # A cycle's measures: only that cycle's idea.
    assert _titles(client, measure=m["sickness"].pk) == ["Evening activity timetable"]
    # Combined with the other filters.
    assert _titles(client, measure=m["violence"].pk, status="adopted") == [
        "Safety huddles at handover"
    ]


def test_the_measure_choices_are_the_organisations_measures_that_projects_serve(client, measured):
    client.force_login(measured["users"]["board"])
    response = client.get(reverse("cycles:library"))
    choices = response.context["form"].fields["measure"].choices
    groups = dict(choices[1:])
    m = measured["measures"]
    assert groups == {
        "Trust-wide measures": [(m["sickness"].pk, "Staff sickness absence")],
        measured["community"].name: [(m["dna"].pk, "First-appointment DNA rate")],
        "Willow Ward": [(m["violence"].pk, "Violent incidents")],
    }
    html = response.content.decode()
    assert '<optgroup label="Willow Ward">' in html
    assert "Not served by any project" not in html and "Another trust" not in html


def test_another_organisations_measure_is_not_a_choice(client, measured):
    client.force_login(measured["users"]["member"])
    response = client.get(
        reverse("cycles:library"), {"measure": measured["measures"]["foreign"].pk}
    )
    assert response.status_code == 200
    assert "measure" in response.context["form"].errors
    assert "Another trust" not in response.content.decode()


def test_library_ideas_show_the_measures_they_aim_to_move(client, measured):
    client.force_login(measured["users"]["member"])
    response = client.get(reverse("cycles:library"), {"q": "music"})
    (idea,) = response.context["page"].object_list
    assert [m.name for m in idea.aims_at] == ["Staff sickness absence", "Violent incidents"]
    assert "Aims to move:" in response.content.decode()


def test_the_source_idea_shows_how_many_teams_it_spread_to(client, library):
    member = library["users"]["member"]
    client.force_login(member)
    source = library["ideas"]["adopted"]  # Willow Ward's
    for team in (library["other"], library["community"], library["community"]):
        services.change_idea_spread(
            source=source, target_project=ProjectFactory(team=team), author=member
        )
    # Another project of its own team: a copy, not a spread to another team.
    services.change_idea_spread(
        source=source, target_project=ProjectFactory(team=library["own"]), author=member
    )
    response = client.get(reverse("cycles:library"), {"q": "huddles"})
    ideas = {idea.pk: idea for idea in response.context["page"].object_list}
    assert len(ideas) == 5, "the source and its four copies"
    idea = ideas[source.pk]
    assert idea.status == "spread" and idea.spread_teams == 2
    assert all(not copy.spread_teams for pk, copy in ideas.items() if pk != source.pk)
    assert response.content.decode().count("spread to 2 teams") == 1


def test_the_library_costs_the_same_queries_with_measures_and_spreads(client, org_world):
    client.force_login(org_world["users"]["member"])
    organisation = org_world["organisation"]

    def grow(team, projects):
        for _ in range(projects):
            project = ProjectFactory(team=team)
            measures = [
                make_measure(team=team, name=f"{team.name} measure {project.pk}-{k}")
                for k in range(3)
            ]
            project.measures.add(*measures)
            for status in ("testing", "adopted", "adapted"):
                idea = ChangeIdeaFactory(project=project, status=status)
                for number in (1, 2):
                    cycle = CycleFactory(change_idea=idea, number=number)
                    services.cycle_set_measures(cycle=cycle, measures=measures[:number])
                if status != "testing":
                    services.change_idea_spread(
                        source=idea,
                        target_project=ProjectFactory(team=org_world["other"]),
                        author=None,
                    )
        return measures[0]

    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("cycles:library"), params)
        assert response.status_code == 200
        return len(captured)

    measure = grow(org_world["own"], projects=1)
    small = {
        "all": queries(),
        "by measure": queries(measure=measure.pk),
        "search": queries(q="Change"),
    }
    grow(org_world["own"], projects=6)
    make_measure(organisation=organisation, name="Trust-wide")
    big = {
        "all": queries(),
        "by measure": queries(measure=measure.pk),
        "search": queries(q="Change"),
    }
    assert big == small, f"{small} queries on a small library, {big} on a big one"
