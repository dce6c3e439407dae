"""The learning library: filters, adopted and spread first, and full-text search on Postgres."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.cycles.factories import ChangeIdeaFactory, CycleFactory, ProjectFactory
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
    return {"ideas": ideas, "community": community, **org_world}


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
    if connection.vendor != "postgresql":
        # Not a missing service: the embedded default is SQLite, where the fallback is tested.
        pytest.skip("full-text search runs on PostgreSQL (set DATABASE_URL)")
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
