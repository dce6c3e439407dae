import re

import pytest
from django.urls import reverse

from teams.demo import seed_structure
from tests.factories import PASSWORD


def test_sign_in_page_is_labelled_and_accessible(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#main"' in html and "Skip to main content" in html
    assert '<main id="main"' in html
    assert re.search(r'<label\s+for="id_username"', html)
    assert re.search(r'<label\s+for="id_password"', html)
    assert 'lang="en-GB"' in html


def test_pages_need_a_signed_in_user(client, db):
    for name in ("home", "teams:trust", "teams:coaching", "teams:organisation"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_wrong_password_says_so_and_signs_nobody_in(client, org_world):
    lead = org_world["users"]["lead"]
    response = client.post(reverse("login"), {"username": lead.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def _sign_in(client, username, password):
    response = client.post(
        reverse("login"), {"username": username, "password": password}, follow=True
    )
    assert response.status_code == 200, username
    return response


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("member", "teams:team"),
        ("lead", "teams:team"),
        ("coach", "metrics:coach_dashboard"),
        ("board", "metrics:dashboard"),
        ("admin", "teams:organisation"),
    ],
)
def test_each_role_lands_on_its_place(client, org_world, role, landing):
    response = _sign_in(client, org_world["users"][role].username, PASSWORD)
    final_url = response.redirect_chain[-1][0]
    if landing == "teams:team":
        assert final_url == reverse(landing, args=[org_world["own"].pk])
    else:
        assert final_url == reverse(landing)


def test_every_demo_user_signs_in_and_lands_on_their_page(client, db, settings):
    report = seed_structure()
    for username, _name, role in report.sign_ins:
        client.logout()
        response = _sign_in(client, username, settings.DEMO_PASSWORD)
        final_url = response.redirect_chain[-1][0]
        if "QI admin" in role:
            assert final_url == reverse("teams:organisation")
        elif "coach" in role:
            assert final_url == reverse("metrics:coach_dashboard")
        elif "Board" in role:
            assert final_url == reverse("metrics:dashboard")
        else:
            assert final_url.startswith("/teams/"), (username, final_url)
        assert "Sign out" in response.content.decode()


def test_navigation_shows_each_role_what_it_can_do(client, org_world):
    expectations = {
        "member": ({"Trust overview", "My teams"}, {"Coaching", "Organisation"}),
        "coach": ({"Trust overview", "Coaching"}, {"My teams", "Organisation"}),
        "board": ({"Trust overview"}, {"Coaching", "Organisation", "My teams"}),
        "admin": ({"Trust overview", "Organisation", "Background work"}, {"Coaching"}),
    }
    for role, (shown, hidden) in expectations.items():
        client.force_login(org_world["users"][role])
        html = client.get(reverse("teams:trust")).content.decode()
        for label in shown:
            assert f">{label}</a>" in html, (role, label)
        for label in hidden:
            assert f">{label}</a>" not in html, (role, label)


def test_sign_out_and_change_password(client, org_world):
    lead = org_world["users"]["lead"]
    client.force_login(lead)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-password-77",
            "new_password2": "another-long-password-77",
        },
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.check_password("another-long-password-77")
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_a_user_without_an_organisation_is_told_what_to_do(client, org_world):
    client.force_login(org_world["users"]["no_organisation"])
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "not linked to a trust" in response.content.decode()
