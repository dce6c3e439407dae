"""Team, trust, coaching and organisation pages: what each role sees and may change."""

import pytest
from django.urls import reverse

from teams.models import Directorate, Membership, Team
from tests.factories import MembershipFactory, TeamFactory, UserFactory


def test_anyone_in_the_organisation_reads_any_team(client, org_world):
    for role in ("member", "lead", "coach", "board", "admin"):
        client.force_login(org_world["users"][role])
        response = client.get(reverse("teams:team", args=[org_world["other"].pk]))
        assert response.status_code == 200, role
        assert "Cedar Ward" in response.content.decode()


def test_another_organisations_team_does_not_exist_for_you(client, org_world):
    client.force_login(org_world["users"]["admin"])
    foreign = org_world["foreign"]
    assert client.get(reverse("teams:team", args=[foreign.pk])).status_code == 404
    response = client.post(
        reverse("teams:membership_add", args=[foreign.pk]),
        {"user": org_world["users"]["lead"].pk, "role": "member"},
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(team=foreign).exists()


def test_the_trust_page_lists_only_this_organisations_teams(client, org_world):
    client.force_login(org_world["users"]["board"])
    html = client.get(reverse("teams:trust")).content.decode()
    assert org_world["own"].name in html and org_world["other"].name in html
    assert org_world["foreign"].name not in html


def test_the_trust_page_reads_a_constant_number_of_queries(
    client, org_world, django_assert_max_num_queries
):
    client.force_login(org_world["users"]["board"])
    client.get(reverse("teams:trust"))
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("teams:trust"))
    for _ in range(15):
        team = TeamFactory(directorate=org_world["own"].directorate)
        MembershipFactory(team=team)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("teams:trust"))


def test_a_lead_adds_and_removes_team_members(client, org_world):
    lead = org_world["users"]["lead"]
    own = org_world["own"]
    newcomer = UserFactory(organisation=org_world["organisation"], first_name="Noor")
    client.force_login(lead)

    page = client.get(reverse("teams:team", args=[own.pk])).content.decode()
    assert "Add someone to the team" in page and "Noor" not in page  # found by searching
    page = client.get(reverse("teams:team", args=[own.pk]), {"q": "noor"}).content.decode()
    assert f'name="user" value="{newcomer.pk}"' in page

    response = client.post(
        reverse("teams:membership_add", args=[own.pk]), {"user": newcomer.pk, "role": "lead"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(team=own, user=newcomer)
    assert membership.role == "lead"

    response = client.post(reverse("teams:membership_remove", args=[own.pk, membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_lead_cannot_add_someone_from_another_organisation(client, org_world):
    outsider = UserFactory(organisation=org_world["foreign_organisation"])
    client.force_login(org_world["users"]["lead"])
    response = client.post(
        reverse("teams:membership_add", args=[org_world["own"].pk]),
        {"user": outsider.pk, "role": "member"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Membership.objects.filter(user=outsider).exists()


@pytest.mark.parametrize("role", ["member", "coach", "board"])
def test_only_leads_and_admins_manage_members(client, org_world, role):
    own = org_world["own"]
    target = Membership.objects.get(team=own, role="member")
    client.force_login(org_world["users"][role])
    page = client.get(reverse("teams:team", args=[own.pk])).content.decode()
    assert "Add someone to the team" not in page
    response = client.post(
        reverse("teams:membership_add", args=[own.pk]),
        {"user": org_world["users"]["board"].pk, "role": "member"},
    )
    assert response.status_code == 403
    response = client.post(reverse("teams:membership_remove", args=[own.pk, target.pk]))
    assert response.status_code == 403
    assert Membership.objects.filter(pk=target.pk).exists()


def test_a_lead_of_one_team_cannot_manage_another(client, org_world):
    client.force_login(org_world["users"]["lead"])
    response = client.post(
        reverse("teams:membership_add", args=[org_world["other"].pk]),
        {"user": org_world["users"]["board"].pk, "role": "member"},
    )
    assert response.status_code == 403


def test_the_coaching_page_lists_only_assigned_teams(client, org_world):
    client.force_login(org_world["users"]["coach"])
    html = client.get(reverse("teams:coaching")).content.decode()
    assert org_world["own"].name in html
    assert org_world["other"].name not in html


@pytest.mark.parametrize("role", ["member", "lead", "board", "admin"])
def test_the_coaching_page_is_for_coaches(client, org_world, role):
    client.force_login(org_world["users"][role])
    assert client.get(reverse("teams:coaching")).status_code == 403


@pytest.mark.parametrize("role", ["member", "lead", "coach", "board"])
def test_only_admins_manage_the_organisation(client, org_world, role):
    client.force_login(org_world["users"][role])
    assert client.get(reverse("teams:organisation")).status_code == 403
    response = client.post(reverse("teams:directorate_add"), {"name": "Learning disabilities"})
    assert response.status_code == 403
    assert not Directorate.objects.filter(name="Learning disabilities").exists()


def test_an_admin_adds_a_directorate_and_a_team(client, org_world):
    client.force_login(org_world["users"]["admin"])
    response = client.post(reverse("teams:directorate_add"), {"name": "Learning disabilities"})
    assert response.status_code == 302
    directorate = Directorate.objects.get(name="Learning disabilities")
    assert directorate.organisation == org_world["organisation"]

    response = client.post(
        reverse("teams:team_add"),
        {"directorate": directorate.pk, "name": "Intensive support team", "kind": "community"},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Intensive support team")
    assert team.organisation == org_world["organisation"]


def test_duplicate_names_are_refused_in_plain_words(client, org_world):
    client.force_login(org_world["users"]["admin"])
    existing = org_world["own"].directorate.name
    response = client.post(reverse("teams:directorate_add"), {"name": existing.upper()})
    assert response.status_code == 400
    assert f"There is already a directorate called {existing.upper()}" in response.content.decode()
    response = client.post(
        reverse("teams:team_add"),
        {"directorate": org_world["own"].directorate.pk, "name": "Willow Ward", "kind": "ward"},
    )
    assert response.status_code == 400
    assert "already has a team called Willow Ward" in response.content.decode()


def test_an_admin_cannot_add_a_team_to_another_organisations_directorate(client, org_world):
    client.force_login(org_world["users"]["admin"])
    response = client.post(
        reverse("teams:team_add"),
        {"directorate": org_world["foreign"].directorate.pk, "name": "Sneaky", "kind": "ward"},
    )
    assert response.status_code == 400
    assert not Team.objects.filter(name="Sneaky").exists()


def test_user_text_is_escaped(client, org_world):
    hostile = '<script>alert("x")</script>'
    team = org_world["own"]
    team.name = hostile
    team.save(update_fields=["name"])
    client.force_login(org_world["users"]["board"])
    for url in (reverse("teams:trust"), reverse("teams:team", args=[team.pk])):
        html = client.get(url).content.decode()
        assert hostile not in html
        assert "&lt;script&gt;" in html


def _search(client, team, q):
    return client.get(reverse("teams:member_search", args=[team.pk]), {"q": q})


def test_the_member_search_finds_people_of_the_organisation_not_yet_in_the_team(client, org_world):
    own = org_world["own"]
    lead, member = org_world["users"]["lead"], org_world["users"]["member"]
    noor = UserFactory(organisation=org_world["organisation"], first_name="Noor", last_name="Ali")
    outsider = UserFactory(organisation=org_world["foreign_organisation"], first_name="Noor")
    member.first_name = "Noor"
    member.save(update_fields=["first_name"])
    client.force_login(lead)
    response = _search(client, own, "noor")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{noor.pk}"' in html
    assert f'value="{outsider.pk}"' not in html  # another organisation's
    assert f'value="{member.pk}"' not in html  # already in the team
    assert 'name="user"' not in _search(client, own, "").content.decode()  # nobody for nothing


def test_the_member_search_lists_at_most_twenty(client, org_world, django_assert_max_num_queries):
    for i in range(25):
        UserFactory(organisation=org_world["organisation"], last_name=f"Smith{i}")
    client.force_login(org_world["users"]["admin"])
    with django_assert_max_num_queries(8):
        html = _search(client, org_world["own"], "smith").content.decode()
    assert html.count('name="user"') == 20
    assert "type more of the name" in html
    # The team page itself never lists the whole organisation.
    page = client.get(reverse("teams:team", args=[org_world["own"].pk])).content.decode()
    assert 'name="user"' not in page


@pytest.mark.parametrize("role", ["member", "coach", "board"])
def test_only_leads_and_admins_search_for_members(client, org_world, role):
    client.force_login(org_world["users"][role])
    assert _search(client, org_world["own"], "a").status_code == 403


def test_the_member_search_of_another_team_or_organisation_is_refused(client, org_world):
    client.force_login(org_world["users"]["lead"])
    assert _search(client, org_world["other"], "a").status_code == 403
    client.force_login(org_world["users"]["admin"])
    assert _search(client, org_world["foreign"], "a").status_code == 404


def test_the_member_search_escapes_what_it_shows(client, org_world):
    hostile = '<script>alert("x")</script>'
    UserFactory(organisation=org_world["organisation"], first_name=hostile)
    client.force_login(org_world["users"]["lead"])
    html = _search(client, org_world["own"], "script").content.decode()
    assert hostile not in html and "&lt;script&gt;" in html
